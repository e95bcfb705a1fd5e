import { describe, expect, it } from 'vitest';
import type { Node, Pod } from '../api/types.ts';
import { nodeStatus } from '../node/node-registration.ts';
import {
  lifecycleView,
  planNodeLifecycle,
  UNREACHABLE_TAINT_KEY,
  type NodeLifecycleAction,
  type NodeLifecycleInput,
} from './node-lifecycle-plan.ts';
import { at, iso, newNode, newPod } from './test-fixtures.ts';

const ofType = <T extends NodeLifecycleAction['type']>(actions: NodeLifecycleAction[], type: T) =>
  actions.filter((a): a is Extract<NodeLifecycleAction, { type: T }> => a.type === type);

function plan(
  nodes: Node[],
  leases: Record<string, number>,
  pods: Pod[],
  nowSeconds: number,
  extra: Partial<NodeLifecycleInput> = {},
) {
  return planNodeLifecycle({
    nodes,
    leaseRenewTimes: new Map(Object.entries(leases).map(([name, s]) => [name, iso(s)])),
    pods,
    now: at(nowSeconds),
    ...extra,
  });
}

/** The node as the store holds it after the plan's condition and taint updates are applied. */
function apply(node: Node, actions: NodeLifecycleAction[]): Node {
  const next = structuredClone(node);
  for (const a of actions) {
    if (a.type === 'updateNodeConditions' && a.nodeName === node.metadata.name) next.status!.conditions = a.conditions;
    if (a.type === 'setNodeTaints' && a.nodeName === node.metadata.name) next.spec!.taints = a.taints;
  }
  return next;
}

describe('planNodeLifecycle', () => {
  it('leaves a node with a fresh lease alone and wakes when the lease would go stale', () => {
    const result = plan([newNode({ name: 'n1' }), newNode({ name: 'n2' })], { n1: 100, n2: 105 }, [], 110);
    expect(result.actions).toEqual([]);
    expect(result.requeueAfterMs).toBe(10_001);
  });

  it('marks a silent node Ready=Unknown after the grace period, taints it and marks its pods not ready', () => {
    const node = newNode({ name: 'n1' });
    const pod = newPod({ name: 'web-1', nodeName: 'n1', readySince: 0 });
    const { actions } = plan([node, newNode({ name: 'n2' })], { n1: 100, n2: 121 }, [pod], 121);
    expect(ofType(actions, 'updateNodeConditions')).toEqual([
      {
        type: 'updateNodeConditions',
        nodeName: 'n1',
        conditions: [
          expect.objectContaining({
            type: 'Ready',
            status: 'Unknown',
            reason: 'NodeStatusUnknown',
            message: 'Kubelet stopped posting node status.',
            lastTransitionTime: iso(121),
          }),
        ],
      },
    ]);
    expect(ofType(actions, 'setNodeTaints')).toEqual([
      {
        type: 'setNodeTaints',
        nodeName: 'n1',
        taints: [{ key: UNREACHABLE_TAINT_KEY, effect: 'NoExecute', timeAdded: iso(121) }],
      },
    ]);
    expect(ofType(actions, 'markPodsNotReady')[0]?.pods.map((p) => p.name)).toEqual(['web-1']);
    expect(ofType(actions, 'evictPods')).toEqual([]);
  });

  it('does not mark a node twice, and evicts its pods once it has been not ready past the eviction timeout', () => {
    const healthy = newNode({ name: 'n2' });
    let node = newNode({ name: 'n1' });
    const pods = [newPod({ name: 'a', nodeName: 'n1' }), newPod({ name: 'b', nodeName: 'n1', deleting: true })];
    node = apply(node, plan([node, healthy], { n1: 100, n2: 121 }, pods, 121).actions);

    const waiting = plan([node, healthy], { n1: 100, n2: 140 }, pods, 150);
    expect(waiting.actions).toEqual([]);
    expect(waiting.requeueAfterMs).toBe(1_000);

    const due = plan([node, healthy], { n1: 100, n2: 150 }, pods, 151);
    expect(ofType(due.actions, 'evictPods')).toEqual([
      { type: 'evictPods', nodeName: 'n1', pods: [expect.objectContaining({ name: 'a' })] },
    ]);
  });

  it('keeps pods that tolerate the taint, for tolerationSeconds when given', () => {
    const healthy = newNode({ name: 'n2' });
    const node = apply(newNode({ name: 'n1' }), plan([newNode({ name: 'n1' })], { n1: 0 }, [], 100).actions);
    const forever = newPod({
      name: 'forever',
      nodeName: 'n1',
      tolerations: [{ key: UNREACHABLE_TAINT_KEY, operator: 'Exists', effect: 'NoExecute' }],
    });
    const twoMinutes = newPod({
      name: 'two-minutes',
      nodeName: 'n1',
      tolerations: [{ key: UNREACHABLE_TAINT_KEY, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 120 }],
    });
    expect(ofType(plan([node, healthy], { n2: 199 }, [forever, twoMinutes], 200).actions, 'evictPods')).toEqual([]);
    const later = plan([node, healthy], { n2: 219 }, [forever, twoMinutes], 220);
    expect(ofType(later.actions, 'evictPods')[0]?.pods.map((p) => p.name)).toEqual(['two-minutes']);
  });

  it('taints a node its agent reports NotReady with not-ready, and lifts the taint when Ready again', () => {
    const sick = newNode({ name: 'n1', ready: 'False', readySince: 10 });
    const healthy = newNode({ name: 'n2' });
    const { actions } = plan([sick, healthy], { n1: 50, n2: 50 }, [newPod({ nodeName: 'n1' })], 50);
    expect(ofType(actions, 'setNodeTaints')[0]?.taints).toEqual([
      { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute', timeAdded: iso(50) },
    ]);
    expect(ofType(actions, 'evictPods')).toHaveLength(1);

    const tainted = apply(sick, actions);
    tainted.spec!.taints!.push({ key: 'dedicated', effect: 'NoSchedule' });
    tainted.status!.conditions = [{ type: 'Ready', status: 'True', lastTransitionTime: iso(60) }];
    expect(ofType(plan([tainted], { n1: 60 }, [], 60).actions, 'setNodeTaints')).toEqual([
      { type: 'setNodeTaints', nodeName: 'n1', taints: [{ key: 'dedicated', effect: 'NoSchedule' }] },
    ]);
  });

  it('restores the conditions it set once the lease is renewed, but never conditions the agent set', () => {
    const node = apply(newNode({ name: 'n1' }), plan([newNode({ name: 'n1' })], { n1: 0 }, [], 100).actions);
    const back = plan([node], { n1: 110 }, [], 111);
    expect(ofType(back.actions, 'updateNodeConditions')[0]?.conditions).toEqual([
      expect.objectContaining({ type: 'Ready', status: 'True', reason: 'NodeLeaseRenewed' }),
    ]);
    expect(ofType(back.actions, 'setNodeTaints')[0]?.taints).toEqual([]);

    const agentSaysNo = newNode({ name: 'n1', ready: 'Unknown' });
    expect(ofType(plan([agentSaysNo], { n1: 110 }, [], 111).actions, 'updateNodeConditions')).toEqual([]);
  });

  it('evicts nothing when every node is down at once', () => {
    const nodes = ['n1', 'n2'].map((name) => newNode({ name, ready: 'Unknown', readySince: 0 }));
    const { actions } = plan(nodes, {}, [newPod({ nodeName: 'n1', readySince: 0 })], 500);
    expect(ofType(actions, 'evictPods')).toEqual([]);
    expect(ofType(actions, 'markPodsNotReady')).toHaveLength(1);
  });

  it('honours a custom grace period and eviction timeout', () => {
    const nodes = [newNode({ name: 'n1' }), newNode({ name: 'n2' })];
    const options = { gracePeriodMs: 5_000, evictionTimeoutMs: 0 };
    const { actions } = plan(nodes, { n1: 100, n2: 106 }, [newPod({ nodeName: 'n1' })], 106, options);
    expect(actions.map((a) => a.type)).toEqual(['updateNodeConditions', 'setNodeTaints', 'evictPods']);
  });
});

describe('lifecycleView (which Node updates are worth a lifecycle pass)', () => {
  const identity = {
    nodeName: 'n1',
    nodeAddress: '10.0.0.1',
    runtimeVersion: 'docker://28',
    capacity: { cpu: '4', memory: '8Gi', pods: '110' },
  };
  const registered = (): Node => ({ ...newNode({ name: 'n1' }), status: nodeStatus(identity, undefined, iso(0)) });

  it("sees no change in the agent's periodic status refresh, which moves only heartbeat times", () => {
    const node = registered();
    const refreshed: Node = { ...node, status: nodeStatus(identity, node.status, iso(60)) };
    expect(refreshed.status!.conditions![0]!.lastHeartbeatTime).not.toBe(
      node.status!.conditions![0]!.lastHeartbeatTime,
    );
    expect(lifecycleView(refreshed)).toBe(lifecycleView(node));
  });

  it('sees the agent reporting NotReady, the plan marking the node Unknown, and a taint', () => {
    const node = registered();
    const notReady: Node = {
      ...node,
      status: nodeStatus(identity, node.status, iso(60), { reason: 'NetworkNotReady', message: 'no pod network' }),
    };
    expect(lifecycleView(notReady)).not.toBe(lifecycleView(node));

    const { actions } = plan([node], { n1: 0 }, [], 100);
    const unknown = apply(node, actions);
    expect(ofType(actions, 'updateNodeConditions')).toHaveLength(1);
    expect(lifecycleView(unknown)).not.toBe(lifecycleView(node));

    const tainted: Node = {
      ...node,
      spec: { ...node.spec, taints: [{ key: UNREACHABLE_TAINT_KEY, effect: 'NoExecute', timeAdded: iso(100) }] },
    };
    expect(lifecycleView(tainted)).not.toBe(lifecycleView(node));
  });

  it('gives the same decisions for two nodes with the same view', () => {
    const decisions = (p: ReturnType<typeof plan>) => [p.requeueAfterMs, p.actions.map((a) => [a.type, a.nodeName])];
    const node = registered();
    const refreshed: Node = { ...node, status: nodeStatus(identity, node.status, iso(60)) };
    for (const [lease, now] of [
      [0, 10],
      [0, 100],
      [90, 100],
    ] as const) {
      const pods = [newPod({ nodeName: 'n1' })];
      expect(decisions(plan([refreshed], { n1: lease }, pods, now))).toEqual(
        decisions(plan([node], { n1: lease }, pods, now)),
      );
    }
  });
});
