import { isCapstanError } from '../api/errors.ts';
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER } from '../api/types.ts';
import type { Kind, KubeObject } from '../api/types.ts';
import type { ControllerContext } from './controller-context.ts';
import {
  isFinalizing,
  planOwnership,
  type GarbageCollectionAction,
  type ObjectRef,
  type OwnershipView,
} from './garbage-collection-plan.ts';
import { canonicalJson } from '../util/canonical-json.ts';
import { QueueController } from './queue-controller.ts';
import type { ReconcileResult } from './work-queue.ts';

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
/** A pass starts at least this many times its predecessor's duration after it ended (capped at 1 s). */
const PASS_SPACING = 4;

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
 * queueing one key makes a burst of events cost one pass. Only events that can make work for a pass trigger one:
 * - an object deleted that something still references as its owner (its dependents may be garbage now), or one
 *   that referenced an owner being deleted in the foreground (that owner's finalizer may go now);
 * - an object added whose owner is not in the cache or is being deleted, or that is itself being deleted with a
 *   finalizer the collector carries out;
 * - a change of ownerReferences, finalizers or deletionTimestamp.
 * A pod deleted with its namespace, or a status write, triggers nothing: without this, deleting a namespace of
 * 20,000 pods ran a 20,000-object pass after nearly every one of them, and the passes starved the deletion itself
 * (quadratic in the pods; a 20,000-pod namespace was not gone after 5 minutes). An owner index (uid → the object,
 * owner uid → how many cached objects reference it), kept from the same informer events, answers these questions
 * without a pass. Passes are also spaced by at least a few times the last one's duration, so that no trigger
 * pattern can keep the collector busy more than a fraction of the time; the full resync still runs every 30 s.
 */
export class GarbageCollector extends QueueController {
  readonly name = 'garbage-collector';
  private readonly resyncMs: number;

  constructor(ctx: ControllerContext, options: GarbageCollectorOptions = {}) {
    super(ctx, {
      workers: 1,
      queue: { baseDelayMs: 100, maxDelayMs: 10_000 },
      failure: 'garbage collection pass failed',
    });
    this.resyncMs = options.resyncMs ?? 30_000;
    for (const kind of COLLECTED_KINDS) {
      ctx.informers.get(kind).addHandler({
        onAdd: (object) => {
          this.index.add(object);
          if (this.index.addMakesWork(object)) this.trigger();
        },
        onUpdate: (previous, object) => {
          this.index.remove(previous);
          this.index.add(object);
          if (graphView(previous) !== graphView(object)) this.trigger();
        },
        onDelete: (object) => {
          this.index.remove(object);
          if (this.index.deleteMakesWork(object)) this.trigger();
        },
      });
    }
  }

  /** The owner index the triggers consult; exposed for tests. */
  readonly index = new OwnerIndex();
  private lastPassMs = 0;
  private lastPassEnd = 0;

  protected override starting(): void {
    this.trigger();
  }

  private trigger(): void {
    // Spaced after the last pass by a few times its duration (at most 1 s), so passes take a bounded share of the
    // process however often they are triggered.
    const wait = Math.min(1_000, PASS_SPACING * this.lastPassMs) - (Date.now() - this.lastPassEnd);
    if (wait > 0) this.queue.addAfter(PASS_KEY, wait);
    else this.queue.add(PASS_KEY);
  }

  protected async reconcile(): Promise<ReconcileResult> {
    const started = Date.now();
    try {
      return await this.passOnce();
    } finally {
      this.lastPassEnd = Date.now();
      this.lastPassMs = this.lastPassEnd - started;
    }
  }

  private async passOnce(): Promise<ReconcileResult> {
    let failed: unknown;
    // Planned from the owner index (kept from the same informer events as the cache), which walks only the objects
    // that own or are owned: a pass no longer costs time in the pods and services that nothing owns.
    for (const action of planOwnership(this.index)) {
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

type Indexed = Pick<KubeObject, 'kind' | 'metadata'>;

/**
 * What the collector needs to know without walking the cache: every cached object by uid, how many cached objects
 * name each uid as an owner, the objects that have owners and the objects being finalized by the collector — the
 * triggers' questions and a pass's plan (an OwnershipView). Kept from the informers' add, update and delete events.
 */
export class OwnerIndex implements OwnershipView {
  private readonly objects = new Map<string, Indexed>();
  private readonly dependentCounts = new Map<string, number>();
  private readonly owned = new Map<string, Indexed>();
  private readonly finalizers = new Map<string, Indexed>();

  get dependents(): Iterable<Indexed> {
    return this.owned.values();
  }

  get finalizing(): Iterable<Indexed> {
    return this.finalizers.values();
  }

  byUid(uid: string): Indexed | undefined {
    return this.objects.get(uid);
  }

  add(object: Indexed): void {
    const { uid, ownerReferences } = object.metadata;
    this.objects.set(uid, object);
    if (ownerReferences?.length) this.owned.set(uid, object);
    if (isFinalizing(object)) this.finalizers.set(uid, object);
    for (const ref of ownerReferences ?? [])
      this.dependentCounts.set(ref.uid, (this.dependentCounts.get(ref.uid) ?? 0) + 1);
  }

  remove(object: Indexed): void {
    const { uid } = object.metadata;
    this.objects.delete(uid);
    this.owned.delete(uid);
    this.finalizers.delete(uid);
    for (const ref of object.metadata.ownerReferences ?? []) {
      const left = (this.dependentCounts.get(ref.uid) ?? 0) - 1;
      if (left > 0) this.dependentCounts.set(ref.uid, left);
      else this.dependentCounts.delete(ref.uid);
    }
  }

  /** After `add(object)`: whether a pass has something to do because of it. */
  addMakesWork(object: Indexed): boolean {
    const { deletionTimestamp, finalizers, ownerReferences } = object.metadata;
    if (deletionTimestamp && finalizers?.some((f) => f === FOREGROUND_FINALIZER || f === ORPHAN_FINALIZER)) return true;
    return (ownerReferences ?? []).some((ref) => {
      const owner = this.objects.get(ref.uid);
      return !owner || owner.metadata.deletionTimestamp !== undefined;
    });
  }

  /** After `remove(object)` of a deleted object: whether a pass has something to do because it is gone. */
  deleteMakesWork(object: Indexed): boolean {
    if (this.dependentCounts.has(object.metadata.uid)) return true;
    return (object.metadata.ownerReferences ?? []).some((ref) => {
      const owner = this.objects.get(ref.uid);
      return owner?.metadata.deletionTimestamp !== undefined;
    });
  }
}
