import type { Pod } from '../api/types.ts';
import type { EventRecorder } from '../events/event-recorder.ts';
import { Informer } from '../store/informer.ts';
import type { Store } from '../store/store.ts';
import type { Logger } from '../util/logger.ts';
import { Backoff } from './backoff.ts';
import type { BackoffOptions } from './backoff.ts';
import type { PodDnsOptions } from './pod-spec.ts';
import { syncPod } from './pod-sync.ts';
import type { SyncContext } from './pod-sync.ts';
import { removeGonePod } from './pod-termination.ts';
import { PodWorkers, applyListing, newPodRecord } from './pod-worker.ts';
import type { PodRecord } from './pod-worker.ts';
import { Prober } from './prober.ts';
import type { ProbeRunner } from './prober.ts';
import { runProbe } from './probes.ts';
import type { ContainerInfo, ContainerRuntime, KnownContainer, PodContainers, RuntimeEvent } from './runtime.ts';
import type { SampledPod } from './usage-sampler.ts';

/**
 * The pods bound to one node and what the agent knows of their containers: an informer on the pods feeds
 * PodWorkers (one serialized sync per pod), engine events and listings mark what to look at again, and nothing is
 * synced before the containers the engine already runs are adopted.
 */

export interface NodePodsOptions {
  store: Store;
  runtime: ContainerRuntime;
  nodeName: string;
  nodeAddress: string;
  dns: PodDnsOptions;
  /** How probes run. Default `runProbe`: httpGet and tcpSocket over the pod network, exec through the runtime. */
  probe?: ProbeRunner;
  backoff?: BackoffOptions;
  crashLoopBackOff?: BackoffOptions;
  concurrency: number;
  terminationConcurrency?: number;
  events: EventRecorder;
  logger: Logger;
}

export class NodePods {
  private readonly workers: PodWorkers;
  private readonly prober: Prober;
  private readonly ctx: SyncContext;
  private readonly informer: Informer<'Pod'>;
  /** Until existing containers are adopted, pods are only recorded: a sync before that would start duplicates. */
  private adopted = false;

  constructor(private readonly options: NodePodsOptions) {
    const { store, runtime, nodeName, events, logger } = options;
    this.workers = new PodWorkers({
      concurrency: options.concurrency,
      ...(options.terminationConcurrency !== undefined
        ? { terminationConcurrency: options.terminationConcurrency }
        : {}),
      logger,
      sync: (rec) => this.sync(rec),
    });
    const exec = (id: string, cmd: string[], timeoutMs: number) => runtime.exec(id, cmd, timeoutMs);
    this.prober = new Prober(options.probe ?? ((probe, target) => runProbe(probe, target, exec)), {
      onChange: (uid) => this.workers.enqueue(uid),
      onFailure: (subject, kind, result) => {
        const pod = this.workers.records.get(subject.podUid)?.pod;
        const what = kind[0]!.toUpperCase() + kind.slice(1);
        if (pod) events.record(pod, 'Warning', 'Unhealthy', `${what} probe failed: ${result.message}`);
      },
    });
    this.ctx = {
      store,
      runtime,
      nodeName,
      nodeAddress: options.nodeAddress,
      dns: options.dns,
      prober: this.prober,
      backoff: new Backoff(options.backoff),
      crashBackoff: new Backoff(options.crashLoopBackOff ?? options.backoff),
      events,
      logger,
    };
    this.informer = new Informer(store, 'Pod', { fieldSelector: `spec.nodeName=${nodeName}` });
    this.informer.addHandler({
      onAdd: (pod) => this.upsert(pod),
      onUpdate: (previous, pod) => {
        if (previous.metadata.uid !== pod.metadata.uid) this.gone(previous);
        this.upsert(pod);
      },
      onDelete: (pod) => this.gone(pod),
    });
  }

  /** Pods known to the agent (bound to the node, or gone and not yet cleaned up). */
  get size(): number {
    return this.workers.records.size;
  }

  /** Starts the informer; resolves once every pod bound to the node is recorded. */
  async watch(): Promise<void> {
    this.informer.start();
    await this.informer.synced;
  }

  /** Takes over what the engine runs (a full listing): containers of known pods are kept, orphans removed. */
  async adopt(listing: readonly PodContainers[]): Promise<void> {
    const byUid = new Map(listing.map((p) => [p.uid, p]));
    for (const rec of this.workers.records.values()) applyListing(rec, byUid.get(rec.uid));
    const orphans = listing.filter((p) => !this.workers.records.has(p.uid));
    await Promise.all(orphans.map((p) => this.options.runtime.removePod(p.uid)));
    this.adopted = true;
    this.workers.enqueueAll();
  }

  /** Hands a full engine listing to every pod (applied only where nothing changed meanwhile); removes orphans. */
  async resync(): Promise<void> {
    const { runtime, nodeName, logger } = this.options;
    const records = this.workers.records;
    const versions = new Map([...records].map(([uid, rec]) => [uid, rec.version]));
    const known = new Map<string, KnownContainer>();
    for (const rec of records.values()) {
      if (rec.sandbox) known.set(rec.sandbox.id, rec.sandbox);
      for (const [id, c] of rec.containers) known.set(id, c);
    }
    const listing = await runtime.listPodContainers(nodeName, (id) => known.get(id));
    const byUid = new Map(listing.map((p) => [p.uid, p]));
    for (const [uid, version] of versions) {
      const rec = records.get(uid);
      if (!rec) continue;
      rec.snapshot = { version, data: byUid.get(uid) };
      this.trigger(uid);
    }
    const orphans = listing.filter((p) => !records.has(p.uid));
    await Promise.all(
      orphans.map(async (p) => {
        const pod = `${p.namespace}/${p.name}`;
        logger.info({ pod, uid: p.uid }, 'removing containers of a pod that no longer exists');
        await runtime.removePod(p.uid);
      }),
    );
  }

  /** An engine event: the container is re-inspected at its pod's next sync. */
  containerChanged(event: RuntimeEvent): void {
    if (event.type === 'start') return;
    const rec = this.workers.records.get(event.podUid);
    if (!rec) return;
    rec.refresh.add(event.containerId);
    this.trigger(rec.uid);
  }

  /** The pod of that name bound to this node, as last seen; undefined if none. */
  find(namespace: string, name: string): Pod | undefined {
    for (const rec of this.workers.records.values()) {
      if (rec.pod && rec.name === name && rec.namespace === namespace) return rec.pod;
    }
    return undefined;
  }

  /** The containers the agent knows of the pod (every attempt still present); undefined for a pod it does not run. */
  containersOf(pod: Pod): ContainerInfo[] | undefined {
    const rec = this.workers.records.get(pod.metadata.uid);
    return rec ? [...rec.containers.values()] : undefined;
  }

  /** The pods whose resource use is sampled: those still in the store. */
  *sampled(): Iterable<SampledPod> {
    for (const rec of this.workers.records.values()) {
      if (rec.pod) yield { namespace: rec.namespace, name: rec.name, containers: [...rec.containers.values()] };
    }
  }

  idle(): Promise<void> {
    return this.workers.idle();
  }

  /**
   * Stops watching and probing and waits for the syncs in flight; the containers keep running. A termination
   * waiting out a grace period is left to the engine (the next agent finishes the deletion), as the kubelet's.
   */
  async stop(): Promise<void> {
    await this.informer.stop();
    for (const rec of this.workers.records.values()) rec.termination?.abandon();
    await this.workers.stop();
    this.prober.stop();
  }

  private async sync(rec: PodRecord): Promise<number | undefined> {
    if (!rec.pod) {
      await removeGonePod(this.ctx, rec.uid);
      this.workers.forget(rec.uid);
      return undefined;
    }
    return syncPod(this.ctx, rec);
  }

  private trigger(uid: string): void {
    if (this.adopted) this.workers.enqueue(uid);
  }

  private upsert(pod: Pod): void {
    let rec = this.workers.records.get(pod.metadata.uid);
    if (!rec) {
      rec = newPodRecord(pod.metadata.uid, pod.metadata.namespace ?? 'default', pod.metadata.name);
      this.workers.records.set(rec.uid, rec);
    }
    if (rec.pod && Number(rec.pod.metadata.resourceVersion) >= Number(pod.metadata.resourceVersion)) return;
    rec.pod = pod;
    const grace = pod.metadata.deletionGracePeriodSeconds;
    if (grace !== undefined) rec.termination?.shorten(grace);
    // The echo of the agent's own status write changes nothing it has not already acted on.
    if (pod.metadata.resourceVersion !== rec.lastWrittenRv) this.trigger(rec.uid);
  }

  private gone(pod: Pod): void {
    const rec = this.workers.records.get(pod.metadata.uid);
    if (!rec) return;
    rec.pod = undefined;
    // Gone from the store while its containers are being stopped (a force deletion): they are killed now.
    rec.termination?.shorten(0);
    this.trigger(rec.uid);
  }
}
