import { describe, expect, it } from 'vitest';
import type { Endpoints } from '../api/types.ts';
import { Balancer, backendsFor } from './balancer.ts';

const backend = (ip: string, port = 80) => ({ ip, port, key: `${ip}:${port}` });

function endpoints(subsets: Endpoints['subsets']): Endpoints {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'e', uid: 'u', resourceVersion: '1', generation: 1, creationTimestamp: '' },
    subsets,
  };
}

describe('backendsFor', () => {
  const ep = endpoints([
    {
      addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }],
      notReadyAddresses: [{ ip: '10.0.0.3' }],
      ports: [
        { name: 'http', port: 8080, protocol: 'TCP' },
        { name: 'dns', port: 5353, protocol: 'UDP' },
      ],
    },
  ]);

  it('takes ready addresses at the endpoint port matching the service port by name and protocol', () => {
    expect(backendsFor({ name: 'http', port: 80 }, ep, false).map((b) => b.key)).toEqual([
      '10.0.0.1:8080',
      '10.0.0.2:8080',
    ]);
    expect(backendsFor({ name: 'dns', port: 53, protocol: 'UDP' }, ep, false).map((b) => b.key)).toEqual([
      '10.0.0.1:5353',
      '10.0.0.2:5353',
    ]);
    expect(backendsFor({ name: 'dns', port: 53, protocol: 'TCP' }, ep, false)).toEqual([]);
  });

  it("lets a single-port service use a subset's only port whatever its name", () => {
    const single = endpoints([{ addresses: [{ ip: '10.0.0.9' }], ports: [{ port: 9000 }] }]);
    expect(backendsFor({ name: 'web', port: 80 }, single, true).map((b) => b.key)).toEqual(['10.0.0.9:9000']);
    expect(backendsFor({ name: 'web', port: 80 }, single, false)).toEqual([]);
    expect(backendsFor({ port: 80 }, undefined, true)).toEqual([]);
  });
});

describe('Balancer', () => {
  it('rotates through the backends and skips excluded ones', () => {
    const balancer = new Balancer();
    balancer.setBackends([backend('a'), backend('b'), backend('c')]);
    expect([1, 2, 3, 4].map(() => balancer.pick('x')!.ip)).toEqual(['a', 'b', 'c', 'a']);
    expect(balancer.pick('x', new Set(['b:80', 'c:80']))!.ip).toBe('a');
    expect(balancer.pick('x', new Set(['a:80', 'b:80', 'c:80']))).toBeUndefined();
  });

  it('returns nothing without backends', () => {
    expect(new Balancer().pick('x')).toBeUndefined();
  });

  it('sticks a client to one backend with ClientIP affinity until it times out or the backend leaves', () => {
    const balancer = new Balancer('ClientIP', 1000);
    balancer.setBackends([backend('a'), backend('b')]);
    const first = balancer.pick('client-1', undefined, 0)!.ip;
    expect(balancer.pick('client-1', undefined, 500)!.ip).toBe(first);
    expect(balancer.pick('client-2', undefined, 500)!.ip).not.toBe(first);
    expect(balancer.pick('client-1', undefined, 1400)!.ip).toBe(first);
    balancer.setBackends([backend(first === 'a' ? 'b' : 'a')]);
    expect(balancer.pick('client-1', undefined, 1500)!.ip).not.toBe(first);
  });
});
