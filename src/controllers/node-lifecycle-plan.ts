import type { Node, NodeCondition, Pod, Taint } from '../api/types.ts';
import { isPodReady, isPodTerminated, podRef, type PodRef } from './pod-state.ts';
import { toleratesTaint } from './scheduler-plan.ts';

export const UNREACHABLE_TAINT_KEY = 'node.kubernetes.io/unreachable';
export const NOT_READY_TAINT_KEY = 'node.kubernetes.io/not-ready';
export const NODE_STATUS_UNKNOWN_REASON = 'NodeStatusUnknown';
export const NODE_STATUS_UNKNOWN_MESSAGE = 'Kubelet stopped posting node status.';
export const NODE_LEASE_RENEWED_REASON = 'NodeLeaseRenewed';

/** One write of the node lifecycle controller. */
export type NodeLifecycleAction =
  /** Replace the node's status.conditions (Ready and the others go Unknown together). */
  | { type: 'updateNodeConditions'; nodeName: string; conditions: NodeCondition[] }
  /** Replace the node's spec.taints. */
  | { type: 'setNodeTaints'; nodeName: string; taints: Taint[] }
  /** Set these pods' Ready condition False, so endpoints stop sending them traffic right away. */
  | { type: 'markPodsNotReady'; nodeName: string; pods: PodRef[] }
  /** Delete these pods (their controllers replace them elsewhere). */
  | { type: 'evictPods'; nodeName: string; pods: PodRef[] };

export interface NodeLifecycleInput {
  nodes: readonly Node[];
  /** Last renewTime of each node's Lease, by node name. */
  leaseRenewTimes: ReadonlyMap<string, string>;
  /** Pods bound to nodes (spec.nodeName set). */
  pods: readonly Pod[];
  now: Date;
  /** A node whose lease is older than this is marked Unknown. Default 20 s. */
  gracePeriodMs?: number;
  /** Pods on a node not Ready for longer than this are evicted. Default 30 s. */
  evictionTimeoutMs?: number;
}

export interface NodeLifecyclePlan {
  actions: NodeLifecycleAction[];
  /** When the next deadline (a lease going stale, an eviction) falls due; undefined when none is pending. */
  requeueAfterMs?: number;
}

/**
 * Watch node heartbeats and move work off dead nodes, after Kubernetes' node lifecycle controller:
 * - a node whose lease has not been renewed within the grace period gets Ready=Unknown (reason
 *   NodeStatusUnknown) and its pods are marked not ready;
 * - a node that is not Ready carries a NoExecute taint: `node.kubernetes.io/unreachable` for Unknown,
 *   `node.kubernetes.io/not-ready` for False; the taints go away when it is Ready again;
 * - once a node has not been Ready for the eviction timeout, its pods are evicted, except pods tolerating the
 *   taint (a toleration with tolerationSeconds holds until that long after the taint was added);
 * - a node whose lease is fresh again while its conditions still carry the NodeStatusUnknown this controller
 *   wrote gets them back (Ready True, the others False, reason NodeLeaseRenewed). Why: heartbeats are leases,
 *   not Node status writes, so an agent that comes back after a partition may not rewrite its status; without
 *   this its pods would be evicted from a live node. Conditions the agent set itself are never touched.
 *
 * Why no evictions when every node is down: then the fault is most likely on the control plane's side (its
 * network, its Redis), not in the nodes, and evicting every pod in the cluster would turn a blip into an outage.
 * Kubernetes stops evicting in a full disruption for the same reason.
 */
export function planNodeLifecycle(input: NodeLifecycleInput): NodeLifecyclePlan {
  const { now } = input;
  const grace = input.gracePeriodMs ?? 20_000;
  const evictionTimeout = input.evictionTimeoutMs ?? 30_000;
  const nowMs = now.getTime();
  const actions: NodeLifecycleAction[] = [];
  let next: number | undefined;
  const wake = (atMs: number) => {
    const wait = atMs - nowMs;
    if (wait > 0 && (next === undefined || wait < next)) next = wait;
  };

  const podsByNode = new Map<string, Pod[]>();
  for (const pod of input.pods) {
    const nodeName = pod.spec?.nodeName;
    if (!nodeName || pod.metadata.deletionTimestamp) continue;
    const list = podsByNode.get(nodeName);
    if (list) list.push(pod);
    else podsByNode.set(nodeName, [pod]);
  }

  const evaluated = input.nodes.map((node) => {
    const name = node.metadata.name;
    const conditions = node.status?.conditions ?? [];
    let ready = conditions.find((c) => c.type === 'Ready');
    const heartbeat = lastHeartbeatMs(node, input.leaseRenewTimes.get(name));
    if (nowMs - heartbeat > grace) {
      if (ready?.status !== 'Unknown') {
        const updated = markUnknown(conditions, now);
        actions.push({ type: 'updateNodeConditions', nodeName: name, conditions: updated });
        ready = updated.find((c) => c.type === 'Ready');
      }
    } else {
      wake(heartbeat + grace + 1);
      if (ready?.status === 'Unknown' && ready.reason === NODE_STATUS_UNKNOWN_REASON) {
        const updated = markRecovered(conditions, now);
        actions.push({ type: 'updateNodeConditions', nodeName: name, conditions: updated });
        ready = updated.find((c) => c.type === 'Ready');
      }
    }
    return { node, name, status: ready?.status ?? 'Unknown', since: transitionMs(ready, node) };
  });

  const fullDisruption = evaluated.length > 0 && evaluated.every((n) => n.status !== 'True');
  for (const { node, name, status, since } of evaluated) {
    const taint = desiredTaint(node, status, now);
    const taints = reconcileTaints(node.spec?.taints ?? [], taint);
    if (taints) actions.push({ type: 'setNodeTaints', nodeName: name, taints });
    if (status === 'True' || !taint) continue;

    const pods = podsByNode.get(name) ?? [];
    const stillReady = pods.filter((pod) => !isPodTerminated(pod) && isPodReady(pod));
    if (stillReady.length > 0) actions.push({ type: 'markPodsNotReady', nodeName: name, pods: stillReady.map(podRef) });
    if (fullDisruption) continue;

    const evict: Pod[] = [];
    for (const pod of pods) {
      const evictAt = evictionTimeMs(pod, taint, since + evictionTimeout);
      if (evictAt === undefined) continue;
      if (evictAt <= nowMs) evict.push(pod);
      else wake(evictAt);
    }
    if (evict.length > 0) actions.push({ type: 'evictPods', nodeName: name, pods: evict.map(podRef) });
  }
  return next === undefined ? { actions } : { actions, requeueAfterMs: next };
}

/**
 * What of a Node `planNodeLifecycle` reads, as a string: its conditions without their heartbeat times and messages,
 * and its taints. A node agent rewrites its status every minute with a new heartbeat time and nothing else
 * changed; only a change in this view can change a plan, so only that is worth a pass over every pod.
 */
export function lifecycleView(node: Node): string {
  return JSON.stringify([
    node.metadata.creationTimestamp,
    (node.status?.conditions ?? []).map((c) => [c.type, c.status, c.reason, c.lastTransitionTime]),
    node.spec?.taints ?? [],
  ]);
}

function lastHeartbeatMs(node: Node, leaseRenewTime: string | undefined): number {
  // Without a lease yet, a node counts from its creation: a node that registers and dies is still noticed.
  const candidates = [leaseRenewTime, node.metadata.creationTimestamp].map((t) => (t ? Date.parse(t) : NaN));
  return Math.max(...candidates.filter((t) => !Number.isNaN(t)), 0);
}

function transitionMs(ready: NodeCondition | undefined, node: Node): number {
  const at = ready?.lastTransitionTime ?? node.metadata.creationTimestamp;
  const ms = Date.parse(at);
  return Number.isNaN(ms) ? 0 : ms;
}

function markUnknown(conditions: readonly NodeCondition[], now: Date): NodeCondition[] {
  const unknown = (c: NodeCondition): NodeCondition => ({
    ...c,
    status: 'Unknown',
    reason: NODE_STATUS_UNKNOWN_REASON,
    message: NODE_STATUS_UNKNOWN_MESSAGE,
    lastTransitionTime: c.status === 'Unknown' ? c.lastTransitionTime : now.toISOString(),
  });
  const updated = conditions.map(unknown);
  if (!updated.some((c) => c.type === 'Ready')) {
    updated.unshift(unknown({ type: 'Ready', status: 'True' }));
  }
  return updated;
}

function markRecovered(conditions: readonly NodeCondition[], now: Date): NodeCondition[] {
  return conditions.map((c) =>
    c.status === 'Unknown' && c.reason === NODE_STATUS_UNKNOWN_REASON
      ? {
          ...c,
          status: c.type === 'Ready' ? 'True' : 'False',
          reason: NODE_LEASE_RENEWED_REASON,
          message: 'The node agent renewed its lease.',
          lastTransitionTime: now.toISOString(),
        }
      : c,
  );
}

function desiredTaint(node: Node, status: string, now: Date): Taint | undefined {
  if (status === 'True') return undefined;
  const key = status === 'False' ? NOT_READY_TAINT_KEY : UNREACHABLE_TAINT_KEY;
  const existing = node.spec?.taints?.find((t) => t.key === key && t.effect === 'NoExecute');
  return existing ?? { key, effect: 'NoExecute', timeAdded: now.toISOString() };
}

/** The node's taints with exactly `wanted` among the two lifecycle taints; undefined when nothing changes. */
function reconcileTaints(current: readonly Taint[], wanted: Taint | undefined): Taint[] | undefined {
  const isLifecycle = (t: Taint) =>
    t.effect === 'NoExecute' && (t.key === UNREACHABLE_TAINT_KEY || t.key === NOT_READY_TAINT_KEY);
  const lifecycle = current.filter(isLifecycle);
  if (wanted ? lifecycle.length === 1 && lifecycle[0] === wanted : lifecycle.length === 0) return undefined;
  const others = current.filter((t) => !isLifecycle(t));
  return wanted ? [...others, wanted] : others;
}

/**
 * When `pod` must leave a tainted node, in ms since the epoch: `defaultAt` unless it tolerates the taint; a
 * toleration without tolerationSeconds keeps it forever (undefined); with tolerationSeconds, until that long
 * after the taint was added.
 */
function evictionTimeMs(pod: Pod, taint: Taint, defaultAt: number): number | undefined {
  const tolerations = (pod.spec?.tolerations ?? []).filter((t) => toleratesTaint(t, taint));
  if (tolerations.length === 0) return defaultAt;
  if (tolerations.some((t) => t.tolerationSeconds === undefined)) return undefined;
  const seconds = Math.min(...tolerations.map((t) => Math.max(0, t.tolerationSeconds as number)));
  const added = taint.timeAdded ? Date.parse(taint.timeAdded) : defaultAt;
  return added + seconds * 1000;
}
