import { isCapstanError } from '../api/errors.ts';
import { FOREGROUND_FINALIZER } from '../api/types.ts';
import type { Kind, KubeObject } from '../api/types.ts';
import { errorMessage, type Controller, type ControllerContext } from './controller-context.ts';
import { planGarbageCollection, type GarbageCollectionAction, type ObjectRef } from './garbage-collection-plan.ts';
import { canonicalJson } from '../util/canonical-json.ts';
import { runWorkers, WorkQueue, type ReconcileResult } from './work-queue.ts';

/** The kinds that own or are owned: everything the collector looks at. */
export const COLLECTED_KINDS = [
  'Deployment',
  'ReplicationController',
  'Pod',
  'Service',
  'Endpoints',
  'PersistentVolumeClaim',
  'ConfigMap',
  'Secret',
] as const satisfies readonly Kind[];

const PASS_KEY = 'all';

export interface GarbageCollectorOptions {
  /** A full pass also runs this often, whatever happened. Default 30 s. */
  resyncMs?: number;
}

/**
 * Deletes objects whose owners are gone and carries out Foreground and Orphan deletion (after Kubernetes'
 * garbage collector), planning with `planGarbageCollection` over every cached object of the collected kinds.
 *
 * Why whole passes on one queue key: ownership is a graph, and one deletion can make a chain of objects garbage
 * (Deployment → RCs → pods). A pass over the cache is O(objects) and cheap next to the writes it causes;
 * queueing one key makes a burst of events cost one pass. Only events that can change the graph trigger it
 * (deletions, ownerReferences, finalizers), not the status writes that make up most of the traffic.
 */
export class GarbageCollector implements Controller {
  readonly name = 'garbage-collector';
  private readonly queue = new WorkQueue({ baseDelayMs: 100, maxDelayMs: 10_000 });
  private readonly resyncMs: number;

  constructor(
    private readonly ctx: ControllerContext,
    options: GarbageCollectorOptions = {},
  ) {
    this.resyncMs = options.resyncMs ?? 30_000;
    for (const kind of COLLECTED_KINDS) {
      ctx.informers.get(kind).addHandler({
        onAdd: (object) => {
          if (object.metadata.ownerReferences?.length || object.metadata.deletionTimestamp) this.trigger();
        },
        onUpdate: (previous, object) => {
          if (graphView(previous) !== graphView(object)) this.trigger();
        },
        onDelete: () => this.trigger(),
      });
    }
  }

  run(): Promise<void> {
    this.trigger();
    return runWorkers(this.queue, () => this.pass(), 1, {
      onError: (_key, err) => this.ctx.logger.warn({ err: errorMessage(err) }, 'garbage collection pass failed'),
    });
  }

  stop(): void {
    this.queue.shutdown();
  }

  private trigger(): void {
    this.queue.add(PASS_KEY);
  }

  private async pass(): Promise<ReconcileResult> {
    const objects: KubeObject[] = [];
    for (const kind of COLLECTED_KINDS) objects.push(...this.ctx.informers.get(kind).list());
    let failed: unknown;
    for (const action of planGarbageCollection(objects)) {
      try {
        await this.apply(action);
      } catch (err) {
        // Later actions on the same owner may depend on this one (the orphan finalizer goes only after its
        // dependents were let go), so a failure ends the pass; the retry re-plans from the cache.
        failed = err;
        break;
      }
    }
    if (failed) throw failed;
    return { requeueAfterMs: this.resyncMs };
  }

  private async apply(action: GarbageCollectionAction): Promise<void> {
    const { store, logger } = this.ctx;
    const { kind, namespace, name, uid } = action.object;
    try {
      switch (action.type) {
        case 'delete': {
          const current = await store.tryGet(kind, namespace, name);
          if (!current || current.metadata.uid !== uid || current.metadata.deletionTimestamp) return;
          // The plan comes from a cache: an owner created a moment ago may not be in it yet. Confirm with the
          // store that every owner really is gone (or waiting in the foreground) before deleting.
          if (await this.hasLiveOwner(current, action.propagationPolicy === 'Foreground')) return;
          logger.info({ object: describe(action.object), policy: action.propagationPolicy }, 'deleting garbage');
          await store.delete(kind, namespace, name, {
            resourceVersion: current.metadata.resourceVersion,
            propagationPolicy: action.propagationPolicy,
          });
          return;
        }
        case 'removeOwnerReferences':
          await store.mutate(kind, namespace, name, (current) => {
            const refs = current.metadata.ownerReferences ?? [];
            if (current.metadata.uid !== uid || !refs.some((ref) => action.ownerUids.includes(ref.uid))) {
              return undefined;
            }
            const kept = refs.filter((ref) => !action.ownerUids.includes(ref.uid));
            const metadata = { ...current.metadata, ownerReferences: kept };
            if (kept.length === 0) delete (metadata as { ownerReferences?: unknown }).ownerReferences;
            return { ...current, metadata };
          });
          return;
        case 'removeFinalizer':
          await store.mutate(kind, namespace, name, (current) => {
            const finalizers = current.metadata.finalizers ?? [];
            if (current.metadata.uid !== uid || !finalizers.includes(action.finalizer)) return undefined;
            const kept = finalizers.filter((f) => f !== action.finalizer);
            const metadata = { ...current.metadata, finalizers: kept };
            if (kept.length === 0) delete (metadata as { finalizers?: unknown }).finalizers;
            return { ...current, metadata };
          });
          return;
      }
    } catch (err) {
      if (!isCapstanError(err, 'NOT_FOUND')) throw err;
    }
  }

  /**
   * True when an owner of `object` exists in the store with the referenced uid; with `foreground`, owners being
   * deleted in the foreground do not count (the dependent is to go first).
   */
  private async hasLiveOwner(object: KubeObject, foreground: boolean): Promise<boolean> {
    for (const ref of object.metadata.ownerReferences ?? []) {
      const owner = await this.ctx.store.tryGet(ref.kind, object.metadata.namespace, ref.name);
      if (!owner || owner.metadata.uid !== ref.uid) continue;
      const waiting = owner.metadata.deletionTimestamp && owner.metadata.finalizers?.includes(FOREGROUND_FINALIZER);
      if (!(foreground && waiting)) return true;
    }
    return false;
  }
}

function graphView(object: KubeObject): string {
  const { ownerReferences, finalizers, deletionTimestamp } = object.metadata;
  return canonicalJson([ownerReferences, finalizers, deletionTimestamp]);
}

function describe(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}
