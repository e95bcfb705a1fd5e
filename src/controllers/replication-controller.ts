import { isCapstanError } from '../api/errors.ts';
import type { Pod, ReplicationController } from '../api/types.ts';
import type { Informer } from '../store/informer.ts';
import { deletePod, errorMessage, objectKey, splitKey, type ControllerContext } from './controller-context.ts';
import { ControllerExpectations } from './expectations.ts';
import { canonicalJson } from '../util/canonical-json.ts';
import { controllerRef, matchesEqualitySelector } from './ownership.ts';
import { type PodRef } from './pod-state.ts';
import {
  computeReplicationStatus,
  nextAvailabilityCheckMs,
  planReplication,
  rcSelector,
  runSlowStart,
  type ReplicaFailure,
  type ReplicationAction,
} from './replication-plan.ts';
import { QueueController } from './queue-controller.ts';
import type { ReconcileResult } from './work-queue.ts';

export interface ReplicationControllerOptions {
  workers?: number;
  /** Cap on creates or deletes per sync. Default 500 (Kubernetes' burstReplicas). */
  burst?: number;
}

/**
 * Keeps each ReplicationController at `spec.replicas` active pods (after Kubernetes' ReplicaSet controller):
 * level-based over the pod and RC informers, planning with `planReplication` and applying the actions with
 * slow-start batches and a burst cap.
 *
 * Why expectations: a sync that creates 3 pods returns before the informer shows them; a resync triggered by
 * any other event would count the old pods and create 3 more. The sync records the creates and deletes it
 * issues; the pod handlers count them off as they appear, and until then the plan makes no creates or deletes.
 */
export class ReplicationControllerController extends QueueController {
  readonly name = 'replication-controller';
  private readonly expectations = new ControllerExpectations();
  private readonly rcs: Informer<'ReplicationController'>;
  private readonly burst: number | undefined;

  constructor(ctx: ControllerContext, options: ReplicationControllerOptions = {}) {
    super(ctx, { workers: options.workers ?? 4, keyField: 'rc', failure: 'sync failed; retrying' });
    this.burst = options.burst;
    ctx.informers.get('Pod').addHandler({
      onAdd: (pod) => {
        const owner = this.ownerKey(pod);
        if (owner) {
          this.expectations.creationObserved(owner);
          this.queue.add(owner);
        } else this.enqueueMatching(pod);
        if (pod.metadata.deletionTimestamp) this.podDeleted(pod);
      },
      onUpdate: (previous, pod) => this.podUpdated(previous, pod),
      onDelete: (pod) => this.podDeleted(pod),
    });
    // A deleted RC's expectations go before its key is queued: handlers run in the order they were added.
    ctx.informers
      .get('ReplicationController')
      .addHandler({ onDelete: (rc) => this.expectations.delete(objectKey(rc)) });
    this.rcs = this.enqueueChanges('ReplicationController');
  }

  /** The key of the RC controlling `pod`, if that RC is in the cache. */
  private ownerKey(pod: Pod): string | undefined {
    const ref = controllerRef(pod);
    if (ref?.kind !== 'ReplicationController') return undefined;
    const rc = this.rcs.get(pod.metadata.namespace, ref.name);
    return rc && rc.metadata.uid === ref.uid ? objectKey(rc) : undefined;
  }

  /** An orphan changed: every RC of its namespace whose selector matches may want to adopt it. */
  private enqueueMatching(pod: Pod): void {
    if (controllerRef(pod)) return;
    for (const rc of this.ctx.informers.inNamespace('ReplicationController', pod.metadata.namespace)) {
      const selector = rcSelector(rc);
      if (Object.keys(selector).length > 0 && matchesEqualitySelector(selector, pod.metadata.labels)) {
        this.queue.add(objectKey(rc));
      }
    }
  }

  private podUpdated(previous: Pod, pod: Pod): void {
    if (pod.metadata.deletionTimestamp && !previous.metadata.deletionTimestamp) this.podDeleted(pod);
    const before = this.ownerKey(previous);
    const after = this.ownerKey(pod);
    if (before && before !== after) this.queue.add(before);
    if (after) this.queue.add(after);
    // Labels changed: old matches may release it (through their owner above), new matches may adopt it.
    if (canonicalJson(previous.metadata.labels) !== canonicalJson(pod.metadata.labels)) {
      this.enqueueMatching(previous);
      this.enqueueMatching(pod);
    } else if (!after) this.enqueueMatching(pod);
  }

  private podDeleted(pod: Pod): void {
    const owner = this.ownerKey(pod);
    if (!owner) return;
    this.expectations.deletionObserved(owner, pod.metadata.uid);
    this.queue.add(owner);
  }

  protected async reconcile(key: string): Promise<ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const rc = this.rcs.get(namespace, name);
    if (!rc) {
      this.expectations.delete(key);
      return;
    }
    const pods = this.ctx.informers.inNamespace('Pod', namespace);
    const actions = planReplication(rc, pods, {
      expectationsSatisfied: this.expectations.satisfied(key),
      ...(this.burst !== undefined ? { burst: this.burst } : {}),
    });
    let failure: ReplicaFailure | undefined;
    let retry: unknown;
    for (const action of actions) {
      try {
        const result = await this.apply(key, rc, action);
        failure ??= result;
      } catch (err) {
        retry ??= err;
      }
    }
    await this.updateStatus(rc, failure);
    if (retry) throw retry;
    if (failure) throw new Error(failure.message);
    const wait = nextAvailabilityCheckMs(rc, this.ctx.informers.inNamespace('Pod', namespace), new Date());
    return wait !== undefined ? { requeueAfterMs: wait } : undefined;
  }

  private async apply(
    key: string,
    rc: ReplicationController,
    action: ReplicationAction,
  ): Promise<ReplicaFailure | undefined> {
    const { store, events } = this.ctx;
    switch (action.type) {
      case 'adoptPod':
        await this.patchPod(action.pod, (pod) => {
          if (controllerRef(pod)) return undefined;
          return {
            ...pod,
            metadata: {
              ...pod.metadata,
              ownerReferences: [...(pod.metadata.ownerReferences ?? []), action.ownerReference],
            },
          };
        });
        return undefined;
      case 'releasePod':
        await this.patchPod(action.pod, (pod) => {
          const refs = pod.metadata.ownerReferences ?? [];
          if (!refs.some((ref) => ref.uid === action.ownerUid)) return undefined;
          return {
            ...pod,
            metadata: { ...pod.metadata, ownerReferences: refs.filter((ref) => ref.uid !== action.ownerUid) },
          };
        });
        return undefined;
      case 'createPods': {
        this.expectations.expectCreations(key, action.count);
        const result = await runSlowStart(action.count, async () => {
          const pod = await store.create('Pod', action.pod);
          events.record(rc, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
        });
        // Creates that failed or were skipped will never show up in the informer.
        for (let i = 0; i < result.failed + result.skipped; i++) this.expectations.creationObserved(key);
        if (result.error === undefined) return undefined;
        const message = `Error creating: ${errorMessage(result.error)}`;
        events.record(rc, 'Warning', 'FailedCreate', message);
        return { reason: 'FailedCreate', message };
      }
      case 'deletePods': {
        if (action.reason === 'scaleDown') {
          this.expectations.expectDeletions(
            key,
            action.pods.map((pod) => pod.uid),
          );
        }
        let failure: ReplicaFailure | undefined;
        await Promise.all(
          action.pods.map(async (ref) => {
            try {
              await deletePod(store, ref);
              events.record(rc, 'Normal', 'SuccessfulDelete', `Deleted pod: ${ref.name}`);
            } catch (err) {
              if (action.reason === 'scaleDown') this.expectations.deletionObserved(key, ref.uid);
              const message = `Error deleting: ${errorMessage(err)}`;
              events.record(rc, 'Warning', 'FailedDelete', message);
              failure ??= { reason: 'FailedDelete', message };
            }
          }),
        );
        return failure;
      }
    }
  }

  private async patchPod(ref: PodRef, fn: (pod: Pod) => Pod | undefined): Promise<void> {
    try {
      await this.ctx.store.mutate('Pod', ref.namespace, ref.name, (pod) =>
        pod.metadata.uid === ref.uid && !pod.metadata.deletionTimestamp ? fn(pod) : undefined,
      );
    } catch (err) {
      if (!isCapstanError(err, 'NOT_FOUND')) throw err;
    }
  }

  private async updateStatus(rc: ReplicationController, failure: ReplicaFailure | undefined): Promise<void> {
    const pods = this.ctx.informers.inNamespace('Pod', rc.metadata.namespace);
    const status = computeReplicationStatus(rc, pods, new Date(), failure);
    if (canonicalJson(status) === canonicalJson(rc.status ?? {})) return;
    try {
      await this.ctx.store.mutate(
        'ReplicationController',
        rc.metadata.namespace,
        rc.metadata.name,
        (current) => (current.metadata.uid === rc.metadata.uid ? { ...current, status } : undefined),
        { status: true },
      );
    } catch (err) {
      if (!isCapstanError(err, 'NOT_FOUND')) throw err;
    }
  }
}
