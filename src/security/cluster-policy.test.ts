import { describe, expect, it } from 'vitest';
import { isCapstanError } from '../api/errors.ts';
import type { FieldViolation } from '../api/errors.ts';
import type { Container, KubeObject, PodSpec } from '../api/types.ts';
import { ClusterPolicy } from './cluster-policy.ts';

const policy = new ClusterPolicy({ serviceCidr: '10.96.0.0/16' });

function pod(spec: Partial<PodSpec> = {}, container: Record<string, unknown> = {}): KubeObject {
  const c = { name: 'web', image: 'hello', ...container } as unknown as Container;
  return {
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default' },
    spec: { containers: [c], ...spec },
  } as KubeObject;
}

function refusal(object: KubeObject, old?: KubeObject): FieldViolation[] {
  try {
    policy.admit({ operation: old ? 'update' : 'create', object, old });
  } catch (err) {
    if (isCapstanError(err, 'INVALID')) return err.violations ?? [];
    throw err;
  }
  return [];
}

const hostPath = (path: string): Partial<PodSpec> => ({ volumes: [{ name: 'h', hostPath: { path } }] });

describe('ClusterPolicy: pod security baseline', () => {
  it('admits a plain pod, and hostPaths under the allowed prefixes', () => {
    expect(refusal(pod())).toEqual([]);
    expect(refusal(pod(hostPath('/srv/data')))).toEqual([]);
    expect(refusal(pod(hostPath('/tmp/x/')))).toEqual([]);
  });

  it('refuses the host root, its configuration, kernel interfaces, the Docker socket and the state of the cluster', () => {
    for (const path of ['/', '/etc', '/etc/shadow', '/proc', '/sys/fs', '/var/run/docker.sock', '/var/lib/capstan']) {
      const [v, ...rest] = refusal(pod(hostPath(path)));
      expect(rest).toEqual([]);
      expect(v?.field).toBe('spec.volumes[0].hostPath.path');
      expect(v?.message).toMatch(/pod security baseline: .*(may not mount|allowed only under)/);
    }
    expect(refusal(pod(hostPath('/var')))[0]?.message).toContain('contains /var/run');
    expect(refusal(pod(hostPath('/home/u')))[0]?.message).toContain('allowed only under /srv, /mnt, /tmp');
  });

  it('refuses host namespaces, privileged containers, added capabilities and privilege escalation', () => {
    const v = refusal(
      pod({ hostNetwork: true, hostPID: true } as Partial<PodSpec>, {
        securityContext: {
          privileged: true,
          allowPrivilegeEscalation: true,
          capabilities: { add: ['NET_ADMIN', 'CHOWN'] },
        },
      }),
    );
    expect(v.map((x) => x.field)).toEqual([
      'spec.hostNetwork',
      'spec.hostPID',
      'spec.containers[0].securityContext.privileged',
      'spec.containers[0].securityContext.allowPrivilegeEscalation',
      'spec.containers[0].securityContext.capabilities.add[0]',
    ]);
  });

  it('keeps host ports in the configured range', () => {
    const withPort = (hostPort: number) => pod({}, { ports: [{ containerPort: 80, hostPort }] });
    expect(refusal(withPort(8080))).toEqual([]);
    expect(refusal(withPort(80))[0]).toMatchObject({ field: 'spec.containers[0].ports[0].hostPort' });
    const none = new ClusterPolicy({ serviceCidr: '10.96.0.0/16', hostPortRange: 'none' });
    expect(() => none.admit({ operation: 'create', object: withPort(8080) })).toThrow(/host ports are not allowed/);
  });

  it('judges workload templates, and a pod update only when its spec changes', () => {
    const rc = {
      kind: 'ReplicationController',
      metadata: { name: 'r', namespace: 'default' },
      spec: { template: { spec: pod(hostPath('/etc')).spec } },
    } as KubeObject;
    expect(refusal(rc)[0]?.field).toBe('spec.template.spec.volumes[0].hostPath.path');
    const old = pod(hostPath('/etc'));
    expect(refusal({ ...old, status: { phase: 'Running' } } as KubeObject, old)).toEqual([]);
  });
});

describe('ClusterPolicy: addresses in the service range', () => {
  it('refuses endpoint addresses and pod IPs inside the service CIDR', () => {
    const ep = {
      kind: 'Endpoints',
      metadata: { name: 'e', namespace: 'default' },
      subsets: [{ addresses: [{ ip: '10.244.0.5' }, { ip: '10.96.0.1' }], notReadyAddresses: [{ ip: '10.96.3.3' }] }],
    } as unknown as KubeObject;
    expect(refusal(ep).map((v) => v.field)).toEqual([
      'subsets[0].addresses[1].ip',
      'subsets[0].notReadyAddresses[0].ip',
    ]);
    const p = pod();
    expect(refusal({ ...p, status: { podIP: '10.96.0.1' } } as KubeObject, p)[0]).toMatchObject({
      field: 'status.podIP',
      message: expect.stringContaining('service IP range (10.96.0.0/16)'),
    });
  });
});
