import { isCapstanError } from '../api/errors.ts';
import type { Node, Pod, PodCondition, PodStatus } from '../api/types.ts';
import type { Informer } from '../store/informer.ts';
import { errorMessage, objectKey, splitKey, type Controller, type ControllerContext } from './controller-context.ts';
import { isPodTerminated } from './pod-state.ts';
import { SchedulingSnapshot } from './scheduler-plan.ts';
import { UnschedulablePods, type ClusterEvent, type Released } from './scheduling-queue.ts';
import { WorkQueue } from './work-queue.ts';

export interface SchedulerOptions {
  /** Bindings written at the same time. Default 64. */
  bindConcurrency?: number;
  /** Most pods planned in one pass. Default 1000. */
  batchSize?: number;
  /** Back-off of a pod after its first failed attempt, doubling per attempt. Default 1 s. */
  initialBackoffMs?: number;
  /** Back-off ceiling. Default 10 s. */
  maxBackoffMs?: number;
  /** An unschedulable pod no event released is tried again after this long. Default 5 min. */
  maxUnschedulableMs?: number;
  /** How often pods aside for `maxUnschedulableMs` are looked for. Default 30 s. */
  flushIntervalMs?: number;
}

/** True for a pod the scheduler must place: unbound, not being deleted, not finished. */
export function needsScheduling(pod: Pod): boolean {
  return !pod.spec?.nodeName && !pod.metadata.deletionTimestamp && !isPodTerminated(pod);
}

/**
 * Binds pending pods to nodes (after kube-scheduler). Pending pods are queued by key; each pass takes every
 * queued pod (up to `batchSize`), oldest first, and places them one after the other on one SchedulingSnapshot,
 * so each pod sees what the earlier ones took. Binding is a compare-and-set on the pod (`spec.nodeName` from
 * empty to the node, with the PodScheduled condition), written with bounded concurrency while the next pass
 * plans.
 *
 * Why "assumed" pods: a binding is in the store before the informer shows it. Until the informer catches up, the
 * scheduler counts an assumed pod on its node itself, or the next pass would hand out the same room twice.
 *
 * A pod that fits nowhere stays Pending with PodScheduled=False (reason Unschedulable, the message naming why
 * per node) and a FailedScheduling event, and is kept aside (`UnschedulablePods`, kube-scheduler's unschedulable
 * queue) with a back-off of its own: it costs nothing until a cluster event could make it fit (a node it passes
 * the filters of appears or changes; a bound pod leaves when it waits on resources), the pod itself changes, or
 * it has been aside for `maxUnschedulableMs`. Retrying every pending pod on a timer kept a control plane with
 * 30,000 of them busy at rest.
 *
 * Why event sequence numbers: a pass plans on a snapshot, and a node may appear while the pass still writes. A
 * pod found unschedulable by a pass that started before the latest event is not put aside (that event would be
 * lost for it) but queued again after its back-off, as kube-scheduler's moveRequestCycle does.
 */
export class SchedulerController implements Controller {
  readonly name = 'scheduler';
  private readonly queue = new WorkQueue({ baseDelayMs: 50, maxDelayMs: 30_000 });
  private readonly pods: Informer<'Pod'>;
  private readonly nodes: Informer<'Node'>;
  private readonly podsByNode = new Map<string, Map<string, Pod>>();
  private readonly assumed = new Map<string, Pod>();
  private readonly unschedulable: UnschedulablePods;
  private readonly bindConcurrency: number;
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private inFlight = 0;
  private slotFreed: (() => void) | undefined;
  private flushTimer: ReturnType<typeof setInterval> | undefined;
  /** Counts cluster events; a pass remembers the count its snapshot saw. */
  private eventSeq = 0;

  constructor(
    private readonly ctx: ControllerContext,
    options: SchedulerOptions = {},
  ) {
    this.bindConcurrency = options.bindConcurrency ?? 64;
    this.batchSize = options.batchSize ?? 1000;
    this.flushIntervalMs = options.flushIntervalMs ?? 30_000;
    this.unschedulable = new UnschedulablePods({
      initialBackoffMs: options.initialBackoffMs,
      maxBackoffMs: options.maxBackoffMs,
      maxAsideMs: options.maxUnschedulableMs,
    });
    this.pods = ctx.informers.get('Pod');
    this.nodes = ctx.informers.get('Node');
    this.pods.addHandler({
      onAdd: (pod) => this.podChanged(undefined, pod),
      onUpdate: (previous, pod) => this.podChanged(previous, pod),
      onDelete: (pod) => this.podChanged(pod, undefined),
    });
    this.nodes.addHandler({
      onAdd: (node) => this.clusterEvent({ type: 'NodeChanged', node }),
      onUpdate: (previous, node) => {
        if (schedulingView(previous) !== schedulingView(node)) this.clusterEvent({ type: 'NodeChanged', node });
      },
    });
  }

  /** How many pods are kept aside as unschedulable (for tests and metrics). */
  get unschedulableCount(): number {
    return this.unschedulable.size;
  }

  async run(): Promise<void> {
    this.flushTimer = setInterval(() => this.requeue(this.unschedulable.flushOld(Date.now())), this.flushIntervalMs);
    this.flushTimer.unref?.();
    try {
      for (let key = await this.queue.get(); key !== undefined; key = await this.queue.get()) {
        const keys = [key];
        while (keys.length < this.batchSize && this.queue.length > 0) keys.push((await this.queue.get()) as string);
        await this.schedulePass(keys);
      }
      while (this.inFlight > 0) await new Promise<void>((resolve) => (this.slotFreed = resolve));
    } finally {
      clearInterval(this.flushTimer);
    }
  }

  stop(): void {
    this.queue.shutdown();
  }

  private podChanged(previous: Pod | undefined, pod: Pod | undefined): void {
    const before = previous?.spec?.nodeName;
    const after = pod?.spec?.nodeName;
    if (previous && before && before !== after) this.podsByNode.get(before)?.delete(previous.metadata.uid);
    if (pod && after) {
      let onNode = this.podsByNode.get(after);
      if (!onNode) this.podsByNode.set(after, (onNode = new Map()));
      onNode.set(pod.metadata.uid, pod);
      this.assumed.delete(pod.metadata.uid);
      // A pod that finished frees its room.
      if (isPodTerminated(pod) && previous && !isPodTerminated(previous)) {
        this.clusterEvent({ type: 'AssignedPodGone', nodeName: after });
      }
    }
    if (!pod && previous) {
      this.assumed.delete(previous.metadata.uid);
      this.unschedulable.forget(objectKey(previous));
      if (before && !isPodTerminated(previous)) this.clusterEvent({ type: 'AssignedPodGone', nodeName: before });
      return;
    }
    if (!pod) return;
    const key = objectKey(pod);
    if (!needsScheduling(pod)) {
      this.unschedulable.forget(key);
    } else if (!this.unschedulable.has(key)) {
      this.queue.add(key);
    } else if (previous && schedulingInput(previous) !== schedulingInput(pod)) {
      // The pod itself changed (not just the status we wrote): worth a try after its back-off.
      this.requeue([this.unschedulable.remove(key, Date.now())!]);
    }
  }

  private clusterEvent(event: ClusterEvent): void {
    this.eventSeq++;
    if (this.unschedulable.size > 0) this.requeue(this.unschedulable.onEvent(event, Date.now()));
  }

  private requeue(released: readonly Released[]): void {
    for (const { key, delayMs } of released) {
      if (delayMs > 0) this.queue.addAfter(key, delayMs);
      else this.queue.add(key);
    }
  }

  private async schedulePass(keys: string[]): Promise<void> {
    const pending: { key: string; pod: Pod }[] = [];
    for (const key of keys) {
      const { namespace, name } = splitKey(key);
      const pod = this.pods.get(namespace, name);
      if (pod && needsScheduling(pod) && !this.assumed.has(pod.metadata.uid)) pending.push({ key, pod });
      else this.queue.done(key);
    }
    if (pending.length === 0) return;
    pending.sort((a, b) => a.pod.metadata.creationTimestamp.localeCompare(b.pod.metadata.creationTimestamp));

    const seq = this.eventSeq;
    const snapshot = new SchedulingSnapshot(this.nodes.list(), this.boundPods());
    for (const { key, pod } of pending) {
      const result = snapshot.schedule(pod);
      if ('nodeName' in result) {
        this.assumed.set(pod.metadata.uid, { ...pod, spec: { ...pod.spec!, nodeName: result.nodeName } });
        if (this.inFlight >= this.bindConcurrency) {
          await new Promise<void>((resolve) => (this.slotFreed = resolve));
        }
        this.inFlight++;
        void this.bind(key, pod, result.nodeName).finally(() => {
          this.inFlight--;
          this.queue.done(key);
          const resolve = this.slotFreed;
          this.slotFreed = undefined;
          resolve?.();
        });
      } else {
        this.unschedulable.add(key, pod, result.unschedulable, Date.now());
        // An event after this pass's snapshot may be the one that makes the pod fit: do not wait for another.
        if (this.eventSeq !== seq) this.requeue([this.unschedulable.remove(key, Date.now())!]);
        void this.markUnschedulable(key, pod, result.unschedulable).finally(() => this.queue.done(key));
      }
    }
  }

  /** Pods on each node as the informer shows them, plus the assumed ones it does not show yet. */
  private boundPods(): Map<string, Pod[]> {
    const byNode = new Map<string, Pod[]>();
    for (const [nodeName, pods] of this.podsByNode) byNode.set(nodeName, [...pods.values()]);
    for (const pod of this.assumed.values()) {
      const nodeName = pod.spec!.nodeName!;
      const list = byNode.get(nodeName);
      if (list) list.push(pod);
      else byNode.set(nodeName, [pod]);
    }
    return byNode;
  }

  private async bind(key: string, pod: Pod, nodeName: string): Promise<void> {
    const now = new Date().toISOString();
    let bound: boolean;
    try {
      bound = await this.writePending(key, pod, (current, status) => ({
        ...current,
        spec: { ...current.spec!, nodeName },
        status: {
          ...status,
          conditions: setPodCondition(status.conditions, { type: 'PodScheduled', status: 'True' }, now),
          timeline: { ...status.timeline, scheduled: now },
        },
      }));
    } catch (err) {
      this.assumed.delete(pod.metadata.uid);
      if (isCapstanError(err, 'NOT_FOUND')) return;
      this.ctx.logger.warn({ err, pod: key, node: nodeName }, 'binding failed; will retry');
      this.queue.addRateLimited(key);
      return;
    }
    if (!bound) {
      this.assumed.delete(pod.metadata.uid);
      return;
    }
    this.queue.forget(key);
    const { namespace, name } = splitKey(key);
    this.ctx.events.record(pod, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${nodeName}`);
  }

  private async markUnschedulable(key: string, pod: Pod, message: string): Promise<void> {
    this.ctx.events.record(pod, 'Warning', 'FailedScheduling', message);
    const existing = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (existing?.status === 'False' && existing.message === message) return;
    const condition: PodCondition = { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message };
    try {
      await this.writePending(key, pod, (current, status) => ({
        ...current,
        status: {
          ...status,
          phase: status.phase ?? 'Pending',
          conditions: setPodCondition(status.conditions, condition, new Date().toISOString()),
        },
      }));
    } catch (err) {
      if (!isCapstanError(err, 'NOT_FOUND')) {
        this.ctx.logger.warn({ err: errorMessage(err), pod: key }, 'could not record why a pod is unschedulable');
      }
    }
  }

  /**
   * A compare-and-set write (spec and status) of `change` to the pod, made only while it is the same pod (not a
   * namesake), still unbound and not being deleted: the scheduler decided on that pod, not on whatever holds its
   * name now. Resolves whether the write was made, as the store's last read saw the pod.
   */
  private async writePending(
    key: string,
    pod: Pod,
    change: (current: Pod, status: PodStatus) => Pod,
  ): Promise<boolean> {
    const { namespace, name } = splitKey(key);
    let written = false;
    await this.ctx.store.mutate(
      'Pod',
      namespace,
      name,
      (current) => {
        written = current.metadata.uid === pod.metadata.uid && needsScheduling(current);
        return written ? change(current, current.status ?? {}) : undefined;
      },
      { status: true },
    );
    return written;
  }
}

/** The fields of a node that decide where pods fit; a change in them makes unschedulable pods worth a retry. */
function schedulingView(node: Node): string {
  return JSON.stringify([
    node.metadata.labels,
    node.spec,
    node.status?.allocatable ?? node.status?.capacity,
    node.status?.conditions?.find((c) => c.type === 'Ready')?.status,
  ]);
}

/** What of a pod decides where it may go; a change in it makes an unschedulable pod worth a retry. */
function schedulingInput(pod: Pod): string {
  return JSON.stringify([pod.metadata.labels, pod.spec]);
}

/** Set a pod condition, keeping lastTransitionTime when the status did not change. */
export function setPodCondition(
  conditions: readonly PodCondition[] | undefined,
  condition: PodCondition,
  now: string,
): PodCondition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === condition.type);
  const previous = list[i];
  const lastTransitionTime =
    previous && previous.status === condition.status ? (previous.lastTransitionTime ?? now) : now;
  const updated = { ...condition, lastTransitionTime };
  if (i >= 0) list[i] = updated;
  else list.push(updated);
  return list;
}
