import { describe, expect, it } from 'vitest';
import { parsePortSpec, podPort, servicePort } from './port-forward-ports.ts';

const containers = [{ name: 'web', ports: [{ name: 'http', containerPort: 8080 }] }];

describe('port-forward ports', () => {
  it('parses LOCAL:REMOTE, :REMOTE and REMOTE', () => {
    expect(parsePortSpec('9000:80')).toEqual({ local: 9000, remote: '80' });
    expect(parsePortSpec(':80')).toEqual({ local: 0, remote: '80' });
    expect(parsePortSpec('80')).toEqual({ local: 80, remote: '80' });
    expect(parsePortSpec('9000:http')).toEqual({ local: 9000, remote: 'http' });
  });

  it('refuses malformed specs', () => {
    for (const bad of ['9000:', '1:2:3', '0:80', '70000', 'http', '9000:Bad_Name']) {
      expect(() => parsePortSpec(bad), bad).toThrow();
    }
  });

  it('looks named pod ports up in the containers', () => {
    expect(podPort('81', containers, 'p')).toBe(81);
    expect(podPort('http', containers, 'p')).toBe(8080);
    expect(() => podPort('grpc', containers, 'p')).toThrow('does not have a named port "grpc"');
  });

  it("goes to a service port's targetPort, as kubectl does", () => {
    const ports = [
      { name: 'web', port: 80, targetPort: 'http' },
      { name: 'alt', port: 81, targetPort: 9090 },
      { name: 'same', port: 82, targetPort: null },
    ];
    const names = { service: 's', pod: 'p' };
    expect(servicePort('80', ports, containers, names)).toBe(8080);
    expect(servicePort('alt', ports, containers, names)).toBe(9090);
    expect(servicePort('82', ports, containers, names)).toBe(82);
    expect(() => servicePort('8080', ports, containers, names)).toThrow('does not have a service port 8080');
  });
});
