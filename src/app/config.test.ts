import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('has the documented defaults when nothing is set', () => {
    const config = loadConfig({}, { CAPSTAN_NODE_NAME: 'Node-A' });
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 7070,
      dnsPort: 1053,
      redisUrl: 'redis://127.0.0.1:6379',
      prefix: 'capstan:',
      serviceCidr: '10.96.0.0/16',
      dnsServiceIp: '10.96.0.10',
      loadBalancerCidr: '127.0.100.0/24',
      nodeName: 'node-a',
      nodeAddress: '127.0.0.1',
      clusterCidr: '10.244.0.0/16',
      logPort: 10250,
    });
    expect(config.podSubnet).toBeUndefined();
  });

  it('reads the environment, and flags win over it', () => {
    const env = { CAPSTAN_PORT: '7171', CAPSTAN_LOG_PORT: '0', CAPSTAN_PREFIX: 'mine:' };
    expect(loadConfig({}, env)).toMatchObject({ port: 7171, logPort: 0, prefix: 'mine:' });
    expect(loadConfig({ port: 8080, logPort: 10255 }, env)).toMatchObject({ port: 8080, logPort: 10255 });
  });

  it.each(['-1', '65536', '80.5', 'ten'])('refuses CAPSTAN_LOG_PORT=%s naming the setting', (value) => {
    expect(() => loadConfig({}, { CAPSTAN_LOG_PORT: value })).toThrow(
      expect.objectContaining({ code: 'INVALID', message: expect.stringContaining('CAPSTAN_LOG_PORT') }),
    );
  });
});
