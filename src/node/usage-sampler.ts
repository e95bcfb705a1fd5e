import type { ContainerInfo, ContainerRuntime, ContainerStatsSample } from './runtime.ts';

/** CPU and memory in use, as metrics-server reports them (`kubectl top`). */
export interface ResourceUsage {
  /** CPU in cores (1 = one core busy), averaged over the last sampling window. */
  cpuCores: number;
  /** Memory working set in bytes. */
  memoryBytes: number;
  /** When the newest sample behind these figures was read (RFC 3339). */
  timestamp: string;
}

/** A container's cumulative figures, as kubelet's resource metrics (`container_cpu_usage_seconds_total`, ...). */
export interface ContainerCounters {
  name: string;
  /** CPU time used since the container started, in seconds (a counter: starts again with a new container). */
  cpuSeconds: number;
  /** Memory working set in bytes. */
  memoryBytes: number;
  /** When the engine read these (RFC 3339). */
  timestamp: string;
}

/** What a node answers at `GET /stats/summary`: its pods' usage and their sum. */
export interface UsageSummary {
  node: string;
  /** The sum over the node's pods with figures; null until the first window is complete. */
  usage: ResourceUsage | null;
  /**
   * CPU seconds the node's pods used while this agent sampled them (a counter that never goes back, also when pods
   * go away): node_cpu_usage_seconds_total. Absent from nodes of earlier releases.
   */
  cpuSeconds?: number;
  /** `containers`: each running container's counters (absent from nodes of earlier releases). */
  pods: Array<{ namespace: string; name: string; usage: ResourceUsage; containers?: ContainerCounters[] }>;
}

/** A pod of the node and its running containers, as the agent knows them. */
export interface SampledPod {
  namespace: string;
  name: string;
  containers: readonly ContainerInfo[];
}

/**
 * The CPU rate between two samples of one container (cores), or undefined when they do not make a window (same
 * instant, or the counter went back because the container was restarted under the same id).
 */
export function cpuCoresBetween(previous: ContainerStatsSample, next: ContainerStatsSample): number | undefined {
  const elapsedNanos = (next.readAtMs - previous.readAtMs) * 1e6;
  const used = next.cpuUsageNanos - previous.cpuUsageNanos;
  if (elapsedNanos <= 0 || used < 0) return undefined;
  return used / elapsedNanos;
}

/** Adds usages up (a pod's containers, a node's pods); the timestamp is the newest. */
export function sumUsage(usages: readonly ResourceUsage[]): ResourceUsage | null {
  if (usages.length === 0) return null;
  return {
    cpuCores: usages.reduce((sum, u) => sum + u.cpuCores, 0),
    memoryBytes: usages.reduce((sum, u) => sum + u.memoryBytes, 0),
    timestamp: usages.map((u) => u.timestamp).reduce((a, b) => (a > b ? a : b)),
  };
}

/**
 * Reads the engine's stats of the node's running app containers once per round (`sample()`, called by the agent
 * on a timer), a few containers at a time, so a node's cost is one short engine call per container per interval,
 * never a stream held open per container. A pod has figures once each of its running containers has two samples
 * (a CPU rate needs a window); until then it is absent from the summary, as in metrics-server.
 */
export class UsageSampler {
  private readonly previous = new Map<string, ContainerStatsSample>();
  private current: UsageSummary;
  private rounds = 0;
  private cpuNanos = 0;

  constructor(
    private readonly runtime: Pick<ContainerRuntime, 'containerStats'>,
    private readonly nodeName: string,
    private readonly pods: () => Iterable<SampledPod>,
    private readonly concurrency = 4,
  ) {
    this.current = { node: nodeName, usage: null, pods: [] };
  }

  /** The figures of the last complete round. */
  summary(): UsageSummary {
    return this.current;
  }

  /** One round over every running app container of the node. */
  async sample(): Promise<void> {
    const work: Array<{ pod: SampledPod; container: ContainerInfo }> = [];
    for (const pod of this.pods()) {
      for (const container of pod.containers) {
        if (container.state === 'running' && container.name !== 'POD') work.push({ pod, container });
      }
    }
    const samples = new Map<string, ContainerStatsSample>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < work.length) {
        const { container } = work[next++]!;
        // A container that stopped since the listing has no figures this round.
        const sample = await this.runtime.containerStats(container.id).catch(() => undefined);
        if (sample) samples.set(container.id, sample);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, work.length) }, worker));

    const byPod = new Map<SampledPod, ResourceUsage[] | null>();
    const counters = new Map<SampledPod, ContainerCounters[]>();
    for (const { pod, container } of work) {
      const sample = samples.get(container.id);
      const previous = this.previous.get(container.id);
      const cpu = sample && previous ? cpuCoresBetween(previous, sample) : undefined;
      if (sample && previous && cpu !== undefined) this.cpuNanos += sample.cpuUsageNanos - previous.cpuUsageNanos;
      if (sample) {
        const list = counters.get(pod) ?? [];
        list.push({
          name: container.name,
          cpuSeconds: sample.cpuUsageNanos / 1e9,
          memoryBytes: sample.memoryWorkingSetBytes,
          timestamp: new Date(sample.readAtMs).toISOString(),
        });
        counters.set(pod, list);
      }
      const list = byPod.has(pod) ? byPod.get(pod)! : [];
      if (list === null || cpu === undefined || !sample) {
        byPod.set(pod, null);
        continue;
      }
      list.push({
        cpuCores: cpu,
        memoryBytes: sample.memoryWorkingSetBytes,
        timestamp: new Date(sample.readAtMs).toISOString(),
      });
      byPod.set(pod, list);
    }
    this.previous.clear();
    for (const [id, sample] of samples) this.previous.set(id, sample);

    const pods: UsageSummary['pods'] = [];
    for (const [pod, usages] of byPod) {
      const usage = usages && sumUsage(usages);
      if (usage) pods.push({ namespace: pod.namespace, name: pod.name, usage, containers: counters.get(pod) ?? [] });
    }
    // From the second round on the node has a window even with no pods: its pods use nothing.
    this.rounds++;
    const idle = this.rounds >= 2 ? { cpuCores: 0, memoryBytes: 0, timestamp: new Date().toISOString() } : null;
    this.current = {
      node: this.nodeName,
      usage: sumUsage(pods.map((p) => p.usage)) ?? idle,
      cpuSeconds: this.cpuNanos / 1e9,
      pods,
    };
  }
}
