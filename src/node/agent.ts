import { CapstanError, isCapstanError } from '../api/errors.ts';
import { DEFAULT_CLUSTER_CIDR } from '../services/addresses.ts';
import type { Pod, Taint } from '../api/types.ts';
import { EventRecorder } from '../events/event-recorder.ts';
import { Informer } from '../store/informer.ts';
import type { Store } from '../store/store.ts';
import { logger as rootLogger } from '../util/logger.ts';
import type { Logger } from '../util/logger.ts';
import { Backoff } from './backoff.ts';
import type { BackoffOptions } from './backoff.ts';
import { RuntimeStreamSource } from './stream-source.ts';
import { UsageSampler } from './usage-sampler.ts';
import { RuntimeExecSource } from './exec-source.ts';
import { RuntimeLogSource } from './log-source.ts';
import type { PodContainerLookup } from './log-source.ts';
import { ensureLeaseNamespace, refreshNodeStatus, registerNode, renewLease } from './node-registration.ts';
import type { NodeCapacity, NodeIdentity } from './node-registration.ts';
import { removeGonePod } from './pod-termination.ts';
import { syncPod } from './pod-sync.ts';
import type { SyncContext } from './pod-sync.ts';
import { PodWorkers, applyListing, newPodRecord } from './pod-worker.ts';
import type { PodRecord } from './pod-worker.ts';
import { startOverlay } from './overlay.ts';
import type { Overlay } from './overlay.ts';
import { Prober } from './prober.ts';
import type { ProbeRunner } from './prober.ts';
import { runProbe } from './probes.ts';
import { isLoopbackAddress } from './vxlan.ts';
import type { ContainerRuntime, KnownContainer, NodeNetwork, RuntimeEvent } from './runtime.ts';
import { exponentialDelay } from '../util/backoff.ts';

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

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries `fn` while the engine or the store is UNAVAILABLE, for up to `timeoutMs`. */
/**
 * Retries `fn` with back-off while it fails with UNAVAILABLE (the engine or API not reachable yet) or CONFLICT (a
 * controller wrote the same object in between: re-read and try again, as a controller does), for `timeoutMs`.
 */
async function withRetry<T>(what: string, fn: () => Promise<T>, log: Logger, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const retriable = isCapstanError(err, 'UNAVAILABLE') || isCapstanError(err, 'CONFLICT');
      if (!retriable || Date.now() > deadline) throw err;
      log.warn({ err }, `${what} failed; retrying`);
      await sleep(exponentialDelay(attempt, { initialMs: 100, maxMs: 2_000 }));
    }
  }
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
  const { store, runtime, nodeName, nodeAddress } = options;
  const log = (options.logger ?? rootLogger).child({ component: 'node-agent', node: nodeName });
  const leaseDurationSeconds = options.leaseDurationSeconds ?? 40;
  let stopped = false;
  const timers: NodeJS.Timeout[] = [];
  const abort = new AbortController();

  const version = await withRetry('reading the engine version', () => runtime.version(), log);
  const identity: NodeIdentity = {
    nodeName,
    nodeAddress,
    ...(options.podSubnet ? { podSubnet: options.podSubnet } : {}),
    runtimeVersion: version.runtimeVersion,
    ...(options.labels ? { labels: options.labels } : {}),
    ...(options.kubeletPort !== undefined ? { kubeletPort: options.kubeletPort } : {}),
    ...(options.capacity ? { capacity: options.capacity } : {}),
    ...(options.registerWithTaints ? { registerWithTaints: options.registerWithTaints } : {}),
    ...(options.registerUnschedulable ? { registerUnschedulable: true } : {}),
  };
  // Registered NotReady first: the podCIDR comes back from the control plane, and the node says Ready only once
  // its pod network works, so that nothing is scheduled onto a half-configured node.
  const registered = await withRetry(
    'registering the node',
    () =>
      registerNode(store, identity, { reason: 'NetworkPluginNotReady', message: 'the pod network is being set up' }),
    log,
  );
  const podSubnet = registered.spec?.podCIDR;
  let network: NodeNetwork;
  let overlay: Overlay | undefined;
  try {
    if (!podSubnet) {
      throw new CapstanError(
        'UNAVAILABLE',
        `node ${nodeName} has no spec.podCIDR: the control plane assigned none; start the node with --pod-subnet (CAPSTAN_POD_SUBNET)`,
      );
    }
    network = await withRetry(
      'creating the pod network',
      () =>
        runtime.ensureNodeNetwork({
          node: nodeName,
          subnet: podSubnet,
          clusterCidr: options.clusterCidr ?? DEFAULT_CLUSTER_CIDR,
        }),
      log,
    );
    // Between hosts: a node on a loopback address has no other host to reach (nodes on one machine share routes).
    if (!isLoopbackAddress(nodeAddress)) {
      overlay = await startOverlay({ store, nodeName, nodeAddress, logger: log });
      await overlay.synced;
    }
  } catch (err) {
    const message = `pod network setup failed: ${(err as Error).message}`;
    await refreshNodeStatus(store, identity, { reason: 'NetworkPluginNotReady', message }).catch(() => undefined);
    throw err;
  }
  await withRetry('reporting the node Ready', () => refreshNodeStatus(store, identity), log);
  await withRetry('creating the lease namespace', () => ensureLeaseNamespace(store), log);
  const acquireTime = new Date().toISOString();
  await withRetry('renewing the node lease', () => renewLease(store, nodeName, leaseDurationSeconds, acquireTime), log);

  // A node credential may only create Events; repeats (a crash loop, a failing probe) are batched for 5 s.
  const events = new EventRecorder(
    store,
    { component: 'capstan-node', host: nodeName },
    { aggregation: 'create', aggregateWindowMs: 5_000, logger: log },
  );
  // The sync reads `ctx` only when it runs, after everything here is set up.
  const podWorkers = new PodWorkers({
    concurrency: options.concurrency ?? DEFAULT_POD_CONCURRENCY,
    ...(options.terminationConcurrency !== undefined ? { terminationConcurrency: options.terminationConcurrency } : {}),
    logger: log,
    sync: async (rec) => {
      if (!rec.pod) {
        await removeGonePod(ctx, rec.uid);
        podWorkers.forget(rec.uid);
        return undefined;
      }
      return syncPod(ctx, rec);
    },
  });
  const exec = (id: string, cmd: string[], timeoutMs: number) => runtime.exec(id, cmd, timeoutMs);
  const prober = new Prober(options.probe ?? ((probe, target) => runProbe(probe, target, exec)), {
    onChange: (uid) => podWorkers.enqueue(uid),
    onFailure: (subject, kind, result) => {
      const pod = podWorkers.records.get(subject.podUid)?.pod;
      const what = kind[0]!.toUpperCase() + kind.slice(1);
      if (pod) events.record(pod, 'Warning', 'Unhealthy', `${what} probe failed: ${result.message}`);
    },
  });
  const ctx: SyncContext = {
    store,
    runtime,
    nodeName,
    nodeAddress,
    dns: {
      dnsServerIp: options.dnsServerIp,
      clusterDomain: options.clusterDomain ?? 'cluster.local',
      ndots: options.ndots ?? 2,
    },
    prober,
    backoff: new Backoff(options.backoff),
    crashBackoff: new Backoff(options.crashLoopBackOff ?? options.backoff),
    events,
    logger: log,
  };
  // Until existing containers are adopted, pods are only recorded: a sync before that would start duplicates.
  let adopted = false;
  const trigger = (uid: string): void => {
    if (adopted) podWorkers.enqueue(uid);
  };

  const upsert = (pod: Pod): void => {
    let rec = podWorkers.records.get(pod.metadata.uid);
    if (!rec) {
      rec = newPodRecord(pod.metadata.uid, pod.metadata.namespace ?? 'default', pod.metadata.name);
      podWorkers.records.set(rec.uid, rec);
    }
    if (rec.pod && Number(rec.pod.metadata.resourceVersion) >= Number(pod.metadata.resourceVersion)) return;
    rec.pod = pod;
    // The echo of the agent's own status write changes nothing it has not already acted on.
    if (pod.metadata.resourceVersion !== rec.lastWrittenRv) trigger(rec.uid);
  };
  const gone = (pod: Pod): void => {
    const rec = podWorkers.records.get(pod.metadata.uid);
    if (!rec) return;
    rec.pod = undefined;
    trigger(rec.uid);
  };
  const informer = new Informer(store, 'Pod', { fieldSelector: `spec.nodeName=${nodeName}` });
  informer.addHandler({
    onAdd: upsert,
    onUpdate: (previous, pod) => {
      if (previous.metadata.uid !== pod.metadata.uid) gone(previous);
      upsert(pod);
    },
    onDelete: gone,
  });
  informer.start();
  await informer.synced;

  /** Hands a full engine listing to every pod (applied only where nothing changed meanwhile); removes orphans. */
  const resync = async (): Promise<void> => {
    const versions = new Map([...podWorkers.records].map(([uid, rec]) => [uid, rec.version]));
    const known = new Map<string, KnownContainer>();
    for (const rec of podWorkers.records.values()) {
      if (rec.sandbox) known.set(rec.sandbox.id, rec.sandbox);
      for (const [id, c] of rec.containers) known.set(id, c);
    }
    const listing = await runtime.listPodContainers(nodeName, (id) => known.get(id));
    const byUid = new Map(listing.map((p) => [p.uid, p]));
    for (const [uid, version] of versions) {
      const rec = podWorkers.records.get(uid);
      if (!rec) continue;
      rec.snapshot = { version, data: byUid.get(uid) };
      trigger(uid);
    }
    const orphans = listing.filter((p) => !podWorkers.records.has(p.uid));
    await Promise.all(
      orphans.map(async (p) => {
        log.info({ pod: `${p.namespace}/${p.name}`, uid: p.uid }, 'removing containers of a pod that no longer exists');
        await runtime.removePod(p.uid);
      }),
    );
  };

  const listing = await withRetry('listing containers', () => runtime.listPodContainers(nodeName), log);
  const byUid = new Map(listing.map((p) => [p.uid, p]));
  for (const rec of podWorkers.records.values()) applyListing(rec, byUid.get(rec.uid));
  await Promise.all(listing.filter((p) => !podWorkers.records.has(p.uid)).map((p) => runtime.removePod(p.uid)));
  adopted = true;
  podWorkers.enqueueAll();

  const onRuntimeEvent = (event: RuntimeEvent): void => {
    if (event.type === 'start') return;
    const rec: PodRecord | undefined = podWorkers.records.get(event.podUid);
    if (!rec) return;
    rec.refresh.add(event.containerId);
    trigger(rec.uid);
  };
  const watchEngine = async (): Promise<void> => {
    for (let failures = 0; !stopped;) {
      try {
        for await (const event of runtime.events(nodeName, abort.signal)) {
          failures = 0;
          onRuntimeEvent(event);
        }
      } catch (err) {
        if (stopped) return;
        log.warn({ err }, 'engine event stream failed');
      }
      if (stopped) return;
      failures++;
      await sleep(exponentialDelay(failures, { initialMs: 250, maxMs: 5_000 }));
      // Events were missed while the stream was down (e.g. the engine restarted and stopped every container).
      await resync().catch((err: unknown) => log.warn({ err }, 'resync after engine reconnect failed'));
    }
  };
  const engineLoop = watchEngine();

  const every = (ms: number, what: string, fn: () => Promise<unknown>): void => {
    let busy = false;
    const timer = setInterval(() => {
      if (busy || stopped) return;
      busy = true;
      fn()
        .catch((err: unknown) => log.warn({ err }, `${what} failed`))
        .finally(() => (busy = false));
    }, ms);
    timer.unref();
    timers.push(timer);
  };
  every(options.renewIntervalMs ?? 5_000, 'renewing the node lease', () =>
    renewLease(store, nodeName, leaseDurationSeconds, acquireTime),
  );
  every(options.nodeStatusIntervalMs ?? 60_000, 'refreshing the node status', () => refreshNodeStatus(store, identity));
  every(options.resyncIntervalMs ?? 10_000, 'resyncing pods with the engine', resync);

  const podContainers: PodContainerLookup = (pod) => {
    const rec = podWorkers.records.get(pod.metadata.uid);
    return rec ? [...rec.containers.values()] : undefined;
  };
  const logSource = new RuntimeLogSource(runtime, podContainers, nodeName);
  const execSource = new RuntimeExecSource(runtime, podContainers, nodeName);
  const streamSource = new RuntimeStreamSource(runtime, podContainers, nodeName);
  const usage = new UsageSampler(runtime, nodeName, function* () {
    for (const rec of podWorkers.records.values()) {
      if (rec.pod) yield { namespace: rec.namespace, name: rec.name, containers: [...rec.containers.values()] };
    }
  });
  every(options.usageIntervalMs ?? 10_000, 'sampling resource usage', () => usage.sample());

  log.info({ pods: podWorkers.records.size, adopted: listing.length }, 'node agent started');
  return {
    nodeName,
    network,
    logSource,
    execSource,
    streamSource,
    usage,
    findPod(namespace, name) {
      for (const rec of podWorkers.records.values()) {
        if (rec.pod && rec.name === name && rec.namespace === namespace) return rec.pod;
      }
      return undefined;
    },
    idle: () => podWorkers.idle(),
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const t of timers) clearInterval(t);
      abort.abort();
      await informer.stop();
      await podWorkers.stop();
      prober.stop();
      await engineLoop;
      await runtime.stopWarmPool?.(nodeName).catch((err: unknown) => log.warn({ err }, 'stopping the warm pool'));
      await overlay?.stop();
      await events.close();
    },
  };
}
