import { parseBytes, parseCpuMillis } from '../api/quantity.ts';
import type { Labels, Node, Pod, Taint, Toleration } from '../api/types.ts';
import { controllerRef } from './ownership.ts';
import { isPodTerminated } from './pod-state.ts';

/** Where a pod goes, or why it goes nowhere (kube-scheduler's "0/3 nodes are available: ..." message). */
export type ScheduleResult = { nodeName: string } | { unschedulable: string };

/** Pods per node name, as the informer cache holds them. Terminated pods are ignored. */
export type PodsByNode = ReadonlyMap<string, readonly Pod[]>;

// kube-scheduler's defaults for pods that request nothing: without them, least-allocated scoring would see
// every request-less pod as free and pile them all onto one node.
const DEFAULT_CPU_MILLIS = 100;
const DEFAULT_MEMORY_BYTES = 200 * 1024 * 1024;

// Score weights of kube-scheduler's default profile: NodeResourcesFit 1, PodTopologySpread 2, TaintToleration 3.
const WEIGHT_LEAST_ALLOCATED = 1;
const WEIGHT_SPREAD = 2;
const WEIGHT_TAINTS = 3;

export const UNSCHEDULABLE_TAINT_KEY = 'node.kubernetes.io/unschedulable';

/** Reasons, worded as kube-scheduler words them so operators recognise them. */
export const REASONS = {
  notReady: 'node(s) were not ready',
  unschedulable: 'node(s) were unschedulable',
  selector: "node(s) didn't match Pod's node affinity/selector",
  ports: "node(s) didn't have free ports for the requested pod ports",
  tooManyPods: 'Too many pods',
  cpu: 'Insufficient cpu',
  memory: 'Insufficient memory',
  taint: (t: Taint) => `node(s) had untolerated taint {${t.key}: ${t.value ?? ''}}`,
};

interface NodeInfo {
  name: string;
  schedulable: boolean;
  ready: boolean;
  taints: readonly Taint[];
  labels: Labels;
  allocCpu: number;
  allocMemory: number;
  allocPods: number;
  cpu: number;
  memory: number;
  scoreCpu: number;
  scoreMemory: number;
  pods: number;
  hostPorts: Set<string>;
  controllers: Map<string, number>;
}

interface PodDemand {
  cpu: number;
  memory: number;
  scoreCpu: number;
  scoreMemory: number;
  hostPorts: string[];
  controllerUid: string | undefined;
  tolerations: readonly Toleration[];
  nodeSelector: Labels | undefined;
}

/** True when `toleration` tolerates `taint` (Kubernetes' ToleratesTaint). */
export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  if (!toleration.key && toleration.operator !== 'Exists') return false;
  if (toleration.operator === 'Exists') return true;
  return (toleration.value ?? '') === (taint.value ?? '');
}

/** True when any of the pod's tolerations tolerates `taint`. */
export function podToleratesTaint(tolerations: readonly Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => toleratesTaint(t, taint));
}

/**
 * A scheduling view of the cluster with running accounting: each successful `schedule(pod)` assumes the pod on
 * its node, so the next pod sees the resources it took. Costs O(nodes) per pod, so a batch of 1,000 pods is
 * planned in one pass without re-reading the cluster.
 */
export class SchedulingSnapshot {
  private readonly nodes: NodeInfo[];
  private readonly byName = new Map<string, NodeInfo>();
  // Where the scan for the best node starts; rotated so that equal scores spread pods over nodes
  // deterministically (kube-scheduler breaks ties at random).
  private cursor = 0;

  constructor(nodes: readonly Node[], podsByNode: PodsByNode = new Map()) {
    this.nodes = nodes.map(nodeInfo);
    for (const info of this.nodes) {
      this.byName.set(info.name, info);
      for (const pod of podsByNode.get(info.name) ?? []) {
        if (!isPodTerminated(pod)) this.add(info, podDemand(pod, false));
      }
    }
  }

  /** Pick a node for `pod` and account for it there; or explain why no node fits. */
  schedule(pod: Pod): ScheduleResult {
    if (pod.spec?.nodeName) return { nodeName: pod.spec.nodeName };
    let demand: PodDemand;
    try {
      demand = podDemand(pod);
    } catch (err) {
      return { unschedulable: `invalid resource request: ${(err as Error).message}` };
    }
    if (this.nodes.length === 0) return { unschedulable: 'no nodes available to schedule pods' };

    const feasible: NodeInfo[] = [];
    const reasons = new Map<string, number>();
    for (const node of this.nodes) {
      const failed = filter(node, demand);
      if (failed.length === 0) feasible.push(node);
      for (const reason of failed) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    if (feasible.length === 0) return { unschedulable: fitError(this.nodes.length, reasons) };

    const best = this.pickBest(feasible, demand);
    this.add(best, demand);
    return { nodeName: best.name };
  }

  /** Account for a pod bound elsewhere (e.g. seen in the informer after the snapshot was built). */
  assume(pod: Pod, nodeName: string): void {
    const info = this.byName.get(nodeName);
    if (info && !isPodTerminated(pod)) this.add(info, podDemand(pod, false));
  }

  private pickBest(feasible: NodeInfo[], demand: PodDemand): NodeInfo {
    let maxSiblings = 0;
    let maxPreferTaints = 0;
    const preferTaints = feasible.map((node) => untoleratedPreferNoSchedule(node, demand));
    for (let i = 0; i < feasible.length; i++) {
      const node = feasible[i] as NodeInfo;
      if (demand.controllerUid) maxSiblings = Math.max(maxSiblings, node.controllers.get(demand.controllerUid) ?? 0);
      maxPreferTaints = Math.max(maxPreferTaints, preferTaints[i] as number);
    }
    const start = this.cursor++ % feasible.length;
    let best = feasible[start] as NodeInfo;
    let bestScore = -Infinity;
    for (let k = 0; k < feasible.length; k++) {
      const i = (start + k) % feasible.length;
      const node = feasible[i] as NodeInfo;
      const siblings = demand.controllerUid ? (node.controllers.get(demand.controllerUid) ?? 0) : 0;
      const spread = maxSiblings > 0 ? (100 * (maxSiblings - siblings)) / maxSiblings : 100;
      const taints =
        maxPreferTaints > 0 ? (100 * (maxPreferTaints - (preferTaints[i] as number))) / maxPreferTaints : 100;
      const score =
        WEIGHT_LEAST_ALLOCATED * leastAllocated(node, demand) + WEIGHT_SPREAD * spread + WEIGHT_TAINTS * taints;
      if (score > bestScore) {
        bestScore = score;
        best = node;
      }
    }
    return best;
  }

  private add(node: NodeInfo, demand: PodDemand): void {
    node.cpu += demand.cpu;
    node.memory += demand.memory;
    node.scoreCpu += demand.scoreCpu;
    node.scoreMemory += demand.scoreMemory;
    node.pods++;
    for (const port of demand.hostPorts) node.hostPorts.add(port);
    if (demand.controllerUid) {
      node.controllers.set(demand.controllerUid, (node.controllers.get(demand.controllerUid) ?? 0) + 1);
    }
  }
}

/**
 * Pick a node for one pending pod. `podsByNode` holds the pods already bound to each node, whose requests
 * count against the node's allocatable. A pod that already has `spec.nodeName` keeps it.
 */
export function schedulePod(pod: Pod, nodes: readonly Node[], podsByNode: PodsByNode): ScheduleResult {
  return new SchedulingSnapshot(nodes, podsByNode).schedule(pod);
}

/**
 * Schedule `pods` in order, each seeing the resources taken by the ones before it. Results are in input order.
 * Callers order the pods (kube-scheduler: oldest first).
 */
export function scheduleBatch(pods: readonly Pod[], nodes: readonly Node[], podsByNode: PodsByNode): ScheduleResult[] {
  const snapshot = new SchedulingSnapshot(nodes, podsByNode);
  return pods.map((pod) => snapshot.schedule(pod));
}

/**
 * True when `pod` passes `node`'s filters as if the node held no pods: Ready, cordon, taints, nodeSelector and
 * capacity. A cheap test of whether a change to that node could make an unschedulable pod fit (kube-scheduler's
 * queueing hints); false means the change cannot help it.
 */
export function couldFitNode(pod: Pod, node: Node): boolean {
  let demand: PodDemand;
  try {
    demand = podDemand(pod);
  } catch {
    return false;
  }
  return filter(nodeInfo(node), demand).length === 0;
}

/** True when an unschedulable message names a reason that room freed on a node can cure (cpu, memory, pods, ports). */
export function waitsOnResources(message: string): boolean {
  return [REASONS.tooManyPods, REASONS.cpu, REASONS.memory, REASONS.ports].some((reason) => message.includes(reason));
}

function filter(node: NodeInfo, demand: PodDemand): string[] {
  if (!node.ready) return [REASONS.notReady];
  if (!node.schedulable) {
    const cordon: Taint = { key: UNSCHEDULABLE_TAINT_KEY, effect: 'NoSchedule' };
    if (!podToleratesTaint(demand.tolerations, cordon)) return [REASONS.unschedulable];
  }
  for (const taint of node.taints) {
    if (taint.effect === 'PreferNoSchedule') continue;
    if (!podToleratesTaint(demand.tolerations, taint)) return [REASONS.taint(taint)];
  }
  if (demand.nodeSelector) {
    for (const [key, value] of Object.entries(demand.nodeSelector)) {
      if (node.labels[key] !== value) return [REASONS.selector];
    }
  }
  for (const port of demand.hostPorts) {
    if (node.hostPorts.has(port)) return [REASONS.ports];
  }
  const reasons: string[] = [];
  if (node.pods + 1 > node.allocPods) reasons.push(REASONS.tooManyPods);
  if (demand.cpu > 0 && node.cpu + demand.cpu > node.allocCpu) reasons.push(REASONS.cpu);
  if (demand.memory > 0 && node.memory + demand.memory > node.allocMemory) reasons.push(REASONS.memory);
  return reasons;
}

function leastAllocated(node: NodeInfo, demand: PodDemand): number {
  return (
    (free(node.allocCpu, node.scoreCpu + demand.scoreCpu) +
      free(node.allocMemory, node.scoreMemory + demand.scoreMemory)) /
    2
  );
}

function free(capacity: number, requested: number): number {
  if (capacity === Infinity) return 100;
  if (capacity <= 0 || requested >= capacity) return 0;
  return ((capacity - requested) * 100) / capacity;
}

function untoleratedPreferNoSchedule(node: NodeInfo, demand: PodDemand): number {
  let count = 0;
  for (const taint of node.taints) {
    if (taint.effect === 'PreferNoSchedule' && !podToleratesTaint(demand.tolerations, taint)) count++;
  }
  return count;
}

/** "0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu." — sorted as kube-scheduler does. */
function fitError(total: number, reasons: Map<string, number>): string {
  const histogram = [...reasons].map(([reason, count]) => `${count} ${reason}`).sort();
  return `0/${total} nodes are available: ${histogram.join(', ')}.`;
}

function nodeInfo(node: Node): NodeInfo {
  const alloc = node.status?.allocatable ?? node.status?.capacity ?? {};
  return {
    name: node.metadata.name,
    schedulable: !node.spec?.unschedulable,
    ready: node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    taints: node.spec?.taints ?? [],
    labels: node.metadata.labels ?? {},
    // A node that reports no figure for a resource is not limited by it; one that reports garbage fits nothing.
    allocCpu: quantityOr(alloc.cpu, parseCpuMillis),
    allocMemory: quantityOr(alloc.memory, parseBytes),
    allocPods: quantityOr(alloc.pods, Number),
    cpu: 0,
    memory: 0,
    scoreCpu: 0,
    scoreMemory: 0,
    pods: 0,
    hostPorts: new Set(),
    controllers: new Map(),
  };
}

function quantityOr(value: string | undefined, parse: (s: string) => number): number {
  if (value === undefined) return Infinity;
  try {
    const parsed = parse(value);
    return Number.isFinite(parsed) ? parsed : 0;
  } catch {
    return 0;
  }
}

/**
 * A pod's demands. With `strict`, a malformed quantity throws CapstanError INVALID; otherwise (pods already
 * bound, which must be accounted for whatever they say) it counts as zero.
 */
function podDemand(pod: Pod, strict = true): PodDemand {
  const parse = (value: string, fn: (s: string) => number): number => {
    if (strict) return fn(value);
    try {
      return fn(value);
    } catch {
      return 0;
    }
  };
  const demand: PodDemand = {
    cpu: 0,
    memory: 0,
    scoreCpu: 0,
    scoreMemory: 0,
    hostPorts: [],
    controllerUid: controllerRef(pod)?.uid,
    tolerations: pod.spec?.tolerations ?? [],
    nodeSelector: pod.spec?.nodeSelector,
  };
  for (const container of pod.spec?.containers ?? []) {
    // An unset request defaults to the limit, as API defaulting does in Kubernetes.
    const cpu = container.resources?.requests?.cpu ?? container.resources?.limits?.cpu;
    const memory = container.resources?.requests?.memory ?? container.resources?.limits?.memory;
    const cpuMillis = cpu === undefined ? 0 : parse(cpu, parseCpuMillis);
    const memoryBytes = memory === undefined ? 0 : parse(memory, parseBytes);
    demand.cpu += cpuMillis;
    demand.memory += memoryBytes;
    demand.scoreCpu += cpu === undefined ? DEFAULT_CPU_MILLIS : cpuMillis;
    demand.scoreMemory += memory === undefined ? DEFAULT_MEMORY_BYTES : memoryBytes;
    for (const port of container.ports ?? []) {
      if (port.hostPort) demand.hostPorts.push(`${port.protocol ?? 'TCP'}/${port.hostPort}`);
    }
  }
  return demand;
}
