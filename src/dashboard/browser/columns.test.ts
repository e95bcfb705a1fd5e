import { describe, expect, it } from 'vitest';
import {
  eventRows,
  externalIp,
  namespaceChoices,
  nodeRows,
  podRows,
  servicePorts,
  statusTone,
  workloadRows,
  type DashboardEvent,
  type DashboardNode,
  type DashboardPod,
  type DashboardReplicationController,
  type DashboardService,
} from './columns.ts';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const CREATED = '2026-01-01T11:55:00Z';

function pod(namespace: string, name: string, options: Partial<DashboardPod> = {}): DashboardPod {
  return {
    metadata: { name, namespace, uid: `${namespace}-${name}`, creationTimestamp: CREATED },
    spec: { nodeName: 'n1' },
    status: { phase: 'Running', podIP: '10.0.0.1' },
    ready: '1/1',
    restarts: 0,
    displayStatus: 'Running',
    ...options,
  };
}

function service(type: 'ClusterIP' | 'NodePort' | 'LoadBalancer', ingress: string[] = []) {
  return {
    metadata: { name: 'web', namespace: 'default', uid: 'u', creationTimestamp: CREATED },
    spec: {
      type,
      clusterIP: '10.96.0.10',
      ports: [
        { name: null, protocol: 'TCP' as const, port: 80, nodePort: type === 'ClusterIP' ? null : 30080 },
        { name: 'dns', protocol: 'UDP' as const, port: 53, nodePort: null },
      ],
    },
    status: { loadBalancer: { ingress: ingress.map((ip) => ({ ip })) } },
  } satisfies DashboardService;
}

describe('dashboard columns', () => {
  it('prints pods like kubectl get pods -o wide, sorted and filtered by namespace', () => {
    const pods = [pod('b', 'z'), pod('a', 'y', { restarts: 3, displayStatus: 'CrashLoopBackOff', ready: '0/1' })];
    const rows = podRows(pods, '', NOW);
    expect(rows.map((r) => r.key)).toEqual(['a/y', 'b/z']);
    expect(rows[0]?.cells.map((c) => c.text)).toEqual([
      'a',
      'y',
      '0/1',
      'CrashLoopBackOff',
      '3',
      'n1',
      '10.0.0.1',
      '5m',
    ]);
    expect(rows[0]?.cells[3]?.tone).toBe('bad');
    expect(rows[0]?.cells[7]?.since).toBe(CREATED);
    expect(podRows(pods, 'b', NOW).map((r) => r.key)).toEqual(['b/z']);
  });

  it('counts the pods on each node, leaving out finished ones and ignoring the namespace filter', () => {
    const node: DashboardNode = {
      metadata: { name: 'n1', uid: 'n1', creationTimestamp: CREATED },
      spec: null,
      status: { addresses: [{ type: 'InternalIP', address: '127.0.1.1' }], nodeInfo: null },
      displayStatus: 'NotReady',
    };
    const pods = [pod('a', 'x'), pod('b', 'y'), pod('a', 'done', { status: { phase: 'Succeeded', podIP: null } })];
    const [row] = nodeRows([node], pods, NOW);
    expect(row?.cells.map((c) => c.text)).toEqual(['n1', 'NotReady', '2', '127.0.1.1', '<none>', '5m']);
    expect(row?.cells[1]?.tone).toBe('bad');
  });

  it('prints service ports and external addresses as kubectl does', () => {
    expect(servicePorts(service('ClusterIP'))).toBe('80/TCP,53/UDP');
    expect(servicePorts(service('NodePort'))).toBe('80:30080/TCP,53/UDP');
    expect(externalIp(service('ClusterIP'))).toBe('<none>');
    expect(externalIp(service('LoadBalancer'))).toBe('<pending>');
    expect(externalIp(service('LoadBalancer', ['127.0.2.1']))).toBe('127.0.2.1');
  });

  it('shows replication controllers with their owner and desired against ready replicas', () => {
    const rc: DashboardReplicationController = {
      metadata: {
        name: 'web-abc',
        namespace: 'default',
        uid: 'rc',
        creationTimestamp: CREATED,
        ownerReferences: [{ kind: 'Deployment', name: 'web' }],
      },
      spec: { replicas: 3 },
      status: { replicas: 3, readyReplicas: 1, availableReplicas: 1 },
    };
    const [row] = workloadRows([], [rc], '', NOW);
    expect(row?.key).toBe('ReplicationController/default/web-abc');
    expect(row?.cells.map((c) => c.text)).toEqual([
      'default',
      'web-abc',
      'ReplicationController',
      '3',
      '3',
      '1/3',
      'Deployment/web',
      '5m',
    ]);
    expect(row?.cells[5]?.tone).toBe('warn');
  });

  it('lists the most recent events first, up to the limit', () => {
    const at = (minute: number, reason: string): DashboardEvent => ({
      metadata: { name: reason, namespace: 'default', uid: reason, creationTimestamp: CREATED },
      involvedObject: { kind: 'Pod', name: 'web' },
      type: 'Normal',
      reason,
      message: 'm',
      count: minute === 3 ? 4 : 1,
      lastTimestamp: `2026-01-01T11:5${minute}:00Z`,
    });
    const rows = eventRows([at(1, 'Old'), at(3, 'New'), at(2, 'Mid')], '', NOW, 2);
    expect(rows.map((r) => r.cells[3]?.text)).toEqual(['New', 'Mid']);
    expect(rows[0]?.cells.map((c) => c.text)).toEqual(['default', '7m', 'Normal', 'New', 'pod/web', 'm (x4)']);
  });

  it('offers every namespace that exists or holds an object', () => {
    const namespaces = [{ metadata: { name: 'default', uid: '1' }, status: null }];
    expect(namespaceChoices(namespaces, [pod('team-a', 'x'), pod('default', 'y')])).toEqual(['default', 'team-a']);
  });

  it('colours statuses by how they read', () => {
    expect(['Running', 'Ready', 'Ready,SchedulingDisabled'].map(statusTone)).toEqual(['ok', 'ok', 'ok']);
    expect(['Pending', 'ContainerCreating', 'Init:0/1'].map(statusTone)).toEqual(['warn', 'warn', 'warn']);
    expect(['Completed', 'Terminating'].map(statusTone)).toEqual(['muted', 'muted']);
    expect(['CrashLoopBackOff', 'ErrImagePull', 'NotReady', 'Error'].map(statusTone)).toEqual([
      'bad',
      'bad',
      'bad',
      'bad',
    ]);
  });
});
