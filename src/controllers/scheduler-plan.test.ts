import { describe, expect, it } from 'vitest';
import type { Node, Pod } from '../api/types.ts';
import {
  scheduleBatch,
  schedulePod,
  SchedulingSnapshot,
  toleratesTaint,
  type ScheduleResult,
} from './scheduler-plan.ts';
import { newNode, newPod, newRC, ownedBy } from './test-fixtures.ts';

const byNode = (entries: [string, Pod[]][] = []) => new Map(entries);
const nodeOf = (result: ScheduleResult) => ('nodeName' in result ? result.nodeName : undefined);

describe('schedulePod filters', () => {
  it('explains a pod that fits nowhere as kube-scheduler does', () => {
    const nodes = [
      newNode({ name: 'a', unschedulable: true }),
      newNode({ name: 'b', cpu: '1' }),
      newNode({ name: 'c', cpu: '500m' }),
    ];
    const result = schedulePod(newPod({ requests: { cpu: '2' } }), nodes, byNode());
    expect(result).toEqual({
      unschedulable: '0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu.',
    });
  });

  it('counts the requests of pods already on a node against its allocatable', () => {
    const nodes = [newNode({ name: 'a', cpu: '2', memory: '1Gi' }), newNode({ name: 'b', cpu: '2', memory: '1Gi' })];
    const busy = byNode([
      ['a', [newPod({ nodeName: 'a', requests: { cpu: '1500m' } })]],
      ['b', [newPod({ nodeName: 'b', requests: { memory: '900Mi' } })]],
    ]);
    const pod = newPod({ requests: { cpu: '1', memory: '512Mi' } });
    expect(schedulePod(pod, nodes, busy)).toEqual({
      unschedulable: '0/2 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.',
    });
    expect(nodeOf(schedulePod(newPod({ requests: { cpu: '400m' } }), nodes, busy))).toBe('b');
  });

  it('ignores terminated pods when accounting', () => {
    const nodes = [newNode({ name: 'a', cpu: '1' })];
    const done = newPod({ nodeName: 'a', phase: 'Succeeded', requests: { cpu: '1' } });
    expect(nodeOf(schedulePod(newPod({ requests: { cpu: '1' } }), nodes, byNode([['a', [done]]])))).toBe('a');
  });

  it('respects the pods capacity', () => {
    const nodes = [newNode({ name: 'a', pods: '1' })];
    expect(schedulePod(newPod(), nodes, byNode([['a', [newPod({ nodeName: 'a' })]]]))).toEqual({
      unschedulable: '0/1 nodes are available: 1 Too many pods.',
    });
  });

  it('skips nodes that are not Ready and nodes not matching the nodeSelector', () => {
    const nodes = [
      newNode({ name: 'down', ready: 'Unknown' }),
      newNode({ name: 'plain' }),
      newNode({ name: 'ssd', labels: { disk: 'ssd' } }),
    ];
    expect(nodeOf(schedulePod(newPod({ nodeSelector: { disk: 'ssd' } }), nodes, byNode()))).toBe('ssd');
    expect(schedulePod(newPod({ nodeSelector: { disk: 'nvme' } }), nodes, byNode())).toEqual({
      unschedulable:
        "0/3 nodes are available: 1 node(s) were not ready, 2 node(s) didn't match Pod's node affinity/selector.",
    });
  });

  it('keeps pods off tainted nodes unless they tolerate the taint', () => {
    const taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' as const };
    const nodes = [newNode({ name: 'gpu', taints: [taint] })];
    expect(schedulePod(newPod(), nodes, byNode())).toEqual({
      unschedulable: '0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}.',
    });
    const tolerant = newPod({
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }],
    });
    expect(nodeOf(schedulePod(tolerant, nodes, byNode()))).toBe('gpu');
  });

  it('lets a pod tolerating the unschedulable taint onto a cordoned node', () => {
    const nodes = [newNode({ name: 'cordoned', unschedulable: true })];
    const pod = newPod({ tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists' }] });
    expect(nodeOf(schedulePod(pod, nodes, byNode()))).toBe('cordoned');
  });

  it('refuses a host port already taken on the node', () => {
    const withPort = () =>
      newPod({ containers: [{ name: 'app', image: 'hello:1', ports: [{ containerPort: 80, hostPort: 8080 }] }] });
    const nodes = [newNode({ name: 'a' })];
    const taken = byNode([['a', [{ ...withPort(), spec: { ...withPort().spec!, nodeName: 'a' } }]]]);
    expect(schedulePod(withPort(), nodes, taken)).toEqual({
      unschedulable: "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports.",
    });
  });

  it('reports an unparseable request instead of throwing', () => {
    const result = schedulePod(newPod({ requests: { cpu: 'lots' } }), [newNode()], byNode());
    expect('unschedulable' in result && result.unschedulable).toMatch(/invalid resource request/);
  });

  it('says so when there are no nodes at all', () => {
    expect(schedulePod(newPod(), [], byNode())).toEqual({ unschedulable: 'no nodes available to schedule pods' });
  });
});

describe('toleratesTaint', () => {
  const taint = { key: 'k', value: 'v', effect: 'NoExecute' as const };
  it('matches key, value and effect as Kubernetes does', () => {
    expect(toleratesTaint({ key: 'k', value: 'v' }, taint)).toBe(true);
    expect(toleratesTaint({ key: 'k', value: 'other' }, taint)).toBe(false);
    expect(toleratesTaint({ key: 'k', operator: 'Exists' }, taint)).toBe(true);
    expect(toleratesTaint({ key: 'k', operator: 'Exists', effect: 'NoSchedule' }, taint)).toBe(false);
    expect(toleratesTaint({ operator: 'Exists' }, taint)).toBe(true);
    expect(toleratesTaint({ value: 'v' }, taint)).toBe(false);
  });
});

describe('scoring', () => {
  it('prefers the least allocated node', () => {
    const nodes = [newNode({ name: 'busy' }), newNode({ name: 'idle' })];
    const pods = byNode([['busy', [newPod({ nodeName: 'busy', requests: { cpu: '3', memory: '6Gi' } })]]]);
    expect(nodeOf(schedulePod(newPod({ requests: { cpu: '100m' } }), nodes, pods))).toBe('idle');
  });

  it('spreads the replicas of one controller across nodes', () => {
    const rc = newRC();
    const nodes = ['a', 'b', 'c'].map((name) => newNode({ name }));
    const results = scheduleBatch(
      Array.from({ length: 6 }, () => newPod({ owner: ownedBy(rc) })),
      nodes,
      byNode(),
    );
    const counts = new Map<string, number>();
    for (const r of results) counts.set(nodeOf(r)!, (counts.get(nodeOf(r)!) ?? 0) + 1);
    expect([...counts.values()]).toEqual([2, 2, 2]);
  });

  it('avoids PreferNoSchedule taints when another node fits', () => {
    const nodes = [
      newNode({ name: 'soft', taints: [{ key: 'spot', effect: 'PreferNoSchedule' }] }),
      newNode({ name: 'plain', cpu: '2' }),
    ];
    expect(nodeOf(schedulePod(newPod(), nodes, byNode()))).toBe('plain');
    expect(nodeOf(schedulePod(newPod(), [nodes[0] as Node], byNode()))).toBe('soft');
  });
});

describe('batch scheduling', () => {
  it('keeps running accounting so one pass never overcommits a node', () => {
    const nodes = [newNode({ name: 'a', cpu: '1' }), newNode({ name: 'b', cpu: '1' })];
    const results = scheduleBatch(
      Array.from({ length: 5 }, () => newPod({ requests: { cpu: '500m' } })),
      nodes,
      byNode(),
    );
    expect(results.map(nodeOf).filter(Boolean).sort()).toEqual(['a', 'a', 'b', 'b']);
    expect(results[4]).toEqual({ unschedulable: '0/2 nodes are available: 2 Insufficient cpu.' });
  });

  it('accounts for pods assumed after the snapshot was taken', () => {
    const snapshot = new SchedulingSnapshot([newNode({ name: 'a', cpu: '1' })]);
    snapshot.assume(newPod({ requests: { cpu: '1' } }), 'a');
    expect(snapshot.schedule(newPod({ requests: { cpu: '1' } }))).toEqual({
      unschedulable: '0/1 nodes are available: 1 Insufficient cpu.',
    });
  });
});
