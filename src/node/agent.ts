import { setTimeout as sleep } from 'node:timers/promises';
import { EventRecorder } from '../events/event-recorder.ts';
import { exponentialDelay } from '../util/backoff.ts';
import { logger as rootLogger } from '../util/logger.ts';
import type { Logger } from '../util/logger.ts';
import type { Pod, Taint } from '../api/types.ts';
import type { Store } from '../store/store.ts';
import type { BackoffOptions } from './backoff.ts';
import { RuntimeExecSource } from './exec-source.ts';
import { RuntimeLogSource } from './log-source.ts';
import { refreshNodeStatus, renewLease } from './node-registration.ts';
import type { NodeCapacity } from './node-registration.ts';
import { joinCluster, withRetry } from './node-join.ts';
import type { JoinOptions, JoinedNode } from './node-join.ts';
import { NodePods } from './node-pods.ts';
import type { ProbeRunner } from './prober.ts';
import type { ContainerRuntime, NodeNetwork } from './runtime.ts';
import { RuntimeStreamSource } from './stream-source.ts';
import { UsageSampler } from './usage-sampler.ts';

/** The kubelet's jitter factor for its periodic work (nodeStatusUpdateFrequency, the lease's renewInterval). */
const JITTER = 0.04;

/**
 * The node agent (Capstan's kubelet), in rooms: joining the cluster (node-join.ts: registration, pod network,
 * Ready, Lease), the node's pods (node-pods.ts: informer, PodWorkers, adoption, resync, engine events), one pod's
 * sync (pod-sync.ts), and here what ties them together: the periodic work and the order of start and stop.
 */

export interface NodeAgentOptions {
  /** Cluster state; the agent uses nothing else (a GraphQL-backed Store serves remote nodes). */
  store: Store;
  runtime: ContainerRuntime;
  nodeName: string;
  /** The node's address: InternalIP, pods' hostIP, and where pod ports are published (e.g. 127.0.0.1). */
  nodeAddress: string;
  /**
   * This node's podCIDR, when the node asks for one (`--pod-subnet`); the control plane checks it against the
   * cluster CIDR and the other nodes. Without it the control plane assigns one (`spec.podCIDR`).
   */
  podSubnet?: string;
  /** The cluster CIDR every podCIDR comes from; pod traffic leaving it is masqueraded. Default 10.244.0.0/16. */
  clusterCidr?: string;
  /** The DNS server pods use (written into their resolv.conf). */
  dnsServerIp: string;
  clusterDomain?: string;
  /** resolv.conf ndots; default 2 (see `PodDnsOptions.ndots` for why not Kubernetes' 5). */
  ndots?: number;
  leaseDurationSeconds?: number;
  /** How often the node Lease is renewed. Default 5 s. */
  renewIntervalMs?: number;
  /** How often the Node's Ready condition is rewritten without a change. Default 60 s. */
  nodeStatusIntervalMs?: number;
  /** How often every pod is checked against a full engine listing (events are the fast path). Default 10 s. */
  resyncIntervalMs?: number;
  /** How often the engine's stats of running containers are read for `top` and usage queries. Default 10 s. */
  usageIntervalMs?: number;
  /** Extra Node labels. */
  labels?: Record<string, string>;
  /** Taints the Node is created with (kubelet's `--register-with-taints`); a Node that exists keeps its own. */
  registerWithTaints?: Taint[];
  /** Create the Node cordoned (`spec.unschedulable`). */
  registerUnschedulable?: boolean;
  /** Capacity (= allocatable) to report instead of the machine's CPUs and memory, e.g. for simulated nodes. */
  capacity?: NodeCapacity;
  /** How probes run. Default `runProbe`: httpGet and tcpSocket over the pod network, exec through the runtime. */
  probe?: ProbeRunner;
  /** Port of this node's log endpoint (see node-endpoint-server.ts), published as status.daemonEndpoints.kubeletEndpoint. */
  kubeletPort?: number;
  /** Retry back-off of image pulls and sandbox/config errors; default 10 s doubling to 5 min, as the kubelet. */
  backoff?: BackoffOptions;
  /**
   * Restart back-off of exited containers (CrashLoopBackOff); default `backoff`. `crashLoopBackOff(max)` gives the
   * kubelet's with `crashLoopBackOff.maxContainerRestartPeriod` set.
   */
  crashLoopBackOff?: BackoffOptions;
  /** Pods synced at once. Default DEFAULT_POD_CONCURRENCY (16). */
  concurrency?: number;
  /** Pods being deleted synced at once, besides `concurrency`. Default DEFAULT_TERMINATION_CONCURRENCY (64). */
  terminationConcurrency?: number;
  logger?: Logger;
}

/** Pods a node agent syncs at once unless told otherwise. */
export const DEFAULT_POD_CONCURRENCY = 16;

export interface NodeAgent {
  readonly nodeName: string;
  readonly network: NodeNetwork;
  /** Container logs of pods on this node, for the API's `podLogs`. */
  readonly logSource: RuntimeLogSource;
  /** Commands in containers of pods on this node, for the API's `exec`. */
  readonly execSource: RuntimeExecSource;
  /** Exec with stdin and a TTY, attach and port-forward for the pods of this node. */
  readonly streamSource: RuntimeStreamSource;
  /** CPU and memory use of this node's pods, sampled from the engine (`GET /stats/summary`). */
  readonly usage: UsageSampler;
  /** The pod of that name bound to this node, as the agent last saw it; undefined if none. */
  findPod(namespace: string, name: string): Pod | undefined;
  /** Resolves when no pod sync is running (tests). */
  idle(): Promise<void>;
  /** Stops the agent; pods and their containers keep running, to be re-adopted by the next agent. */
  stop(): Promise<void>;
}

/**
 * Starts the node agent (Capstan's kubelet): registers the Node, renews its Lease, and runs the pods bound to
 * `nodeName` on the container runtime, writing their status back. Resolves once existing containers have been
 * re-adopted and orphans removed, i.e. once the agent is in charge.
 *
 * For `capstan up`: `startNodeAgent({ store, runtime: new DockerRuntime(), nodeName, nodeAddress: '127.0.0.1',
 * dnsServerIp: '10.96.0.10' })`.
 */
export async function startNodeAgent(options: NodeAgentOptions): Promise<NodeAgent> {
  const { store, runtime, nodeName } = options;
  const log = (options.logger ?? rootLogger).child({ component: 'node-agent', node: nodeName });
  const node = await joinCluster(
    {
      store,
      runtime,
      identity: nodeIdentity(options),
      ...(options.clusterCidr !== undefined ? { clusterCidr: options.clusterCidr } : {}),
      leaseDurationSeconds: options.leaseDurationSeconds ?? 40,
    },
    log,
  );
  // A node credential may only create Events; repeats (a crash loop, a failing probe) are batched for 5 s.
  const events = new EventRecorder(
    store,
    { component: 'capstan-node', host: nodeName },
    { aggregation: 'create', aggregateWindowMs: 5_000, logger: log },
  );
  const pods = nodePods(options, events, log);
  await pods.watch();
  const listing = await withRetry('listing containers', () => runtime.listPodContainers(nodeName), log);
  await pods.adopt(listing);
  const usage = new UsageSampler(runtime, nodeName, () => pods.sampled());
  const loops = new AgentLoops(options, node, pods, usage, events, log);
  loops.run();
  log.info({ pods: pods.size, adopted: listing.length }, 'node agent started');
  const containers = (pod: Pod) => pods.containersOf(pod);
  return {
    nodeName,
    network: node.network,
    logSource: new RuntimeLogSource(runtime, containers, nodeName),
    execSource: new RuntimeExecSource(runtime, containers, nodeName),
    streamSource: new RuntimeStreamSource(runtime, containers, nodeName),
    usage,
    findPod: (namespace, name) => pods.find(namespace, name),
    idle: () => pods.idle(),
    stop: () => loops.stop(),
  };
}

/** The Node as this agent registers it (the engine version is read when it joins). */
function nodeIdentity(options: NodeAgentOptions): JoinOptions['identity'] {
  return {
    nodeName: options.nodeName,
    nodeAddress: options.nodeAddress,
    ...(options.podSubnet ? { podSubnet: options.podSubnet } : {}),
    ...(options.labels ? { labels: options.labels } : {}),
    ...(options.kubeletPort !== undefined ? { kubeletPort: options.kubeletPort } : {}),
    ...(options.capacity ? { capacity: options.capacity } : {}),
    ...(options.registerWithTaints ? { registerWithTaints: options.registerWithTaints } : {}),
    ...(options.registerUnschedulable ? { registerUnschedulable: true } : {}),
  };
}

/** The pods of the node, synced as the options say. */
function nodePods(options: NodeAgentOptions, events: EventRecorder, log: Logger): NodePods {
  const { store, runtime, nodeName, nodeAddress } = options;
  return new NodePods({
    store,
    runtime,
    nodeName,
    nodeAddress,
    dns: {
      dnsServerIp: options.dnsServerIp,
      clusterDomain: options.clusterDomain ?? 'cluster.local',
      ndots: options.ndots ?? 2,
    },
    ...(options.probe ? { probe: options.probe } : {}),
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.crashLoopBackOff ? { crashLoopBackOff: options.crashLoopBackOff } : {}),
    concurrency: options.concurrency ?? DEFAULT_POD_CONCURRENCY,
    ...(options.terminationConcurrency !== undefined ? { terminationConcurrency: options.terminationConcurrency } : {}),
    events,
    logger: log,
  });
}

/** What runs while the agent is in charge: the engine's event stream, the periodic work, and the shutdown order. */
class AgentLoops {
  private stopped = false;
  private readonly abort = new AbortController();
  private readonly timers: NodeJS.Timeout[] = [];
  private engineLoop: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: NodeAgentOptions,
    private readonly node: JoinedNode,
    private readonly pods: NodePods,
    private readonly usage: UsageSampler,
    private readonly events: EventRecorder,
    private readonly log: Logger,
  ) {}

  /** Follows the engine's events and starts the periodic work: the heartbeat, resyncs and usage samples. */
  run(): void {
    const { store, nodeName } = this.options;
    const { identity, acquireTime } = this.node;
    const leaseSeconds = this.options.leaseDurationSeconds ?? 40;
    this.engineLoop = this.watchEngine();
    this.every(this.options.renewIntervalMs ?? 5_000, 'renewing the node lease', () =>
      renewLease(store, nodeName, leaseSeconds, acquireTime),
    );
    this.every(this.options.nodeStatusIntervalMs ?? 60_000, 'refreshing the node status', () =>
      refreshNodeStatus(store, identity),
    );
    this.every(this.options.resyncIntervalMs ?? 10_000, 'resyncing pods with the engine', () => this.pods.resync());
    this.every(this.options.usageIntervalMs ?? 10_000, 'sampling resource usage', () => this.usage.sample());
  }

  /**
   * Stops in this order: no new periodic work or engine events, then no new pod syncs (those in flight finish),
   * probes, the engine stream, the warm pool, the overlay; Events still batched are written last.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.abort.abort();
    await this.pods.stop();
    await this.engineLoop;
    const { runtime, nodeName } = this.options;
    await runtime.stopWarmPool?.(nodeName).catch((err: unknown) => this.log.warn({ err }, 'stopping the warm pool'));
    await this.node.overlay?.stop();
    await this.events.close();
  }

  /** The engine's event stream, reconnected with back-off; events missed meanwhile are caught up by a resync. */
  private async watchEngine(): Promise<void> {
    const { runtime, nodeName } = this.options;
    for (let failures = 0; !this.stopped;) {
      try {
        for await (const event of runtime.events(nodeName, this.abort.signal)) {
          failures = 0;
          this.pods.containerChanged(event);
        }
      } catch (err) {
        if (this.stopped) return;
        this.log.warn({ err }, 'engine event stream failed');
      }
      if (this.stopped) return;
      failures++;
      await sleep(exponentialDelay(failures, { initialMs: 250, maxMs: 5_000 }));
      // Events were missed while the stream was down (e.g. the engine restarted and stopped every container).
      await this.pods.resync().catch((err: unknown) => this.log.warn({ err }, 'resync after engine reconnect failed'));
    }
  }

  /**
   * Runs `fn` every `ms` as the kubelet's wait.JitterUntil(f, period, 0.04, sliding) does: the next run is `ms` plus
   * up to 4 % after the last one ended (so a slow run is never overlapped), and the first one comes at a random point
   * of the first period. Agents started together (a rack powered on, the scale benchmark's 1,000 hollow nodes) then
   * do not write their leases and node statuses to the API in step. Failures are logged.
   */
  private every(ms: number, what: string, fn: () => Promise<unknown>): void {
    const slot = this.timers.length;
    const schedule = (delay: number): void => {
      if (this.stopped) return;
      const timer = setTimeout(() => {
        if (this.stopped) return;
        fn()
          .catch((err: unknown) => this.log.warn({ err }, `${what} failed`))
          .finally(() => schedule(ms * (1 + JITTER * Math.random())));
      }, delay);
      timer.unref();
      this.timers[slot] = timer;
    };
    schedule(Math.random() * ms);
  }
}
