import { describe, expect, it } from 'vitest';
import type { Pod } from '../api/types.ts';
import { containerSpec, expandVars, podDnsConfig, podPorts, resolveFieldRef, usesPodIP } from './pod-spec.ts';

const pod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-1',
    namespace: 'shop',
    uid: 'u-1',
    labels: { app: 'web' },
    resourceVersion: '1',
    generation: 1,
    creationTimestamp: '2024-01-01T00:00:00Z',
  },
  spec: {
    nodeName: 'n1',
    containers: [
      { name: 'a', image: 'x', ports: [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP', hostPort: 5353 }] },
      { name: 'b', image: 'x', ports: [{ containerPort: 80, protocol: 'TCP' }] },
    ],
  },
};
const ctx = { podIP: '10.244.1.5', hostIP: '127.0.0.1' };

describe('pod spec translation', () => {
  it('resolves downward-API field references', () => {
    expect(resolveFieldRef(pod, 'metadata.name', ctx)).toBe('web-1');
    expect(resolveFieldRef(pod, 'metadata.namespace', ctx)).toBe('shop');
    expect(resolveFieldRef(pod, 'metadata.uid', ctx)).toBe('u-1');
    expect(resolveFieldRef(pod, 'spec.nodeName', ctx)).toBe('n1');
    expect(resolveFieldRef(pod, 'status.podIP', ctx)).toBe('10.244.1.5');
    expect(resolveFieldRef(pod, 'status.hostIP', ctx)).toBe('127.0.0.1');
    expect(resolveFieldRef(pod, "metadata.labels['app']", ctx)).toBe('web');
    expect(() => resolveFieldRef(pod, 'spec.serviceAccountName', ctx)).toThrow(/unsupported field/);
  });

  it('expands $(VAR) references as Kubernetes does', () => {
    const vars = new Map([['A', '1']]);
    expect(expandVars('x$(A)y $(B) $$(A)', vars)).toBe('x1y $(B) $(A)');
  });

  it('builds the runtime spec with env resolved in order and used in args', () => {
    const spec = containerSpec(
      pod,
      {
        name: 'c',
        image: 'busybox',
        command: ['echo'],
        args: ['$(GREETING)'],
        env: [
          { name: 'NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'GREETING', value: 'hello $(NAME)' },
        ],
      },
      ctx,
    );
    expect(spec.env).toEqual([
      { name: 'NAME', value: 'web-1' },
      { name: 'GREETING', value: 'hello web-1' },
    ]);
    expect(spec.args).toEqual(['hello web-1']);
  });

  it('tells the containers whose spec depends on the pod IP', () => {
    const env = (fieldPath: string) => [{ name: 'V', valueFrom: { fieldRef: { fieldPath } } }];
    const plain = { name: 'a', image: 'x', env: [{ name: 'V', value: '$(POD_IP)' }] };
    const withIP = { name: 'a', image: 'x', env: env('status.podIP'), args: ['$(V)'] };
    expect(usesPodIP(plain)).toBe(false);
    expect(usesPodIP({ name: 'a', image: 'x', env: env('status.hostIP') })).toBe(false);
    expect(usesPodIP(withIP)).toBe(true);
    // Exactly the containers whose spec comes out different for another pod IP.
    for (const c of [plain, withIP]) {
      const differs =
        JSON.stringify(containerSpec(pod, c, ctx)) !==
        JSON.stringify(containerSpec(pod, c, { ...ctx, podIP: '10.244.9.9' }));
      expect(differs).toBe(usesPodIP(c));
    }
  });

  it('publishes each container port once, keeping fixed host ports', () => {
    expect(podPorts(pod)).toEqual([
      { containerPort: 80, protocol: 'TCP' },
      { containerPort: 53, protocol: 'UDP', hostPort: 5353 },
    ]);
  });

  it('writes the Kubernetes search path for the namespace with a low ndots', () => {
    expect(podDnsConfig('shop', { dnsServerIp: '10.96.0.10', clusterDomain: 'cluster.local', ndots: 2 })).toEqual({
      nameservers: ['10.96.0.10'],
      searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
      options: ['ndots:2'],
    });
  });
});
