import { isCapstanError } from '../api/errors.ts';
import { NAMESPACE_FINALIZER } from '../api/types.ts';
import type { Kind, KubeObject } from '../api/types.ts';
import type { Informer } from '../store/informer.ts';
import { hasBatchDelete } from '../store/store.ts';
import type { ControllerContext } from './controller-context.ts';
import { QueueController } from './queue-controller.ts';
import type { ReconcileResult } from './work-queue.ts';

export interface NamespaceControllerOptions {
  /** Deletes in flight at once while emptying a namespace. Default 64. */
  deleteConcurrency?: number;
  /** How soon a namespace whose objects are still going (pods in their grace period) is looked at again. */
  recheckMs?: number;
}

/** What a namespace may hold, in the order they are deleted: owners first, so that they do not recreate pods. */
export const NAMESPACED_KINDS = [
  'Deployment',
  'ReplicationController',
  'Pod',
  'Service',
  'Endpoints',
  'PersistentVolumeClaim',
  'Event',
  'Lease',
  'ConfigMap',
  'Secret',
] as const satisfies readonly Kind[];

/**
 * Empties terminating namespaces, as Kubernetes' namespace controller: deleting a Namespace only marks it (a
 * deletionTimestamp, phase Terminating, the `kubernetes` finalizer), and from that write on the store's create
 * script refuses new objects in it atomically. This controller then deletes what is in it, in batches, and
 * removes the finalizer once nothing is left, which removes the namespace.
 *
 * Level-based: each pass lists what is there now from the store (not a cache, which could still miss a create
 * that won the race against the mark), so an object created just before the mark is found by the next pass. Pods
 * bound to nodes leave when their node has stopped them; until then the namespace is looked at again.
 */
export class NamespaceController extends QueueController {
  readonly name = 'namespace-controller';
  private readonly namespaces: Informer<'Namespace'>;
  private readonly concurrency: number;
  private readonly recheckMs: number;

  constructor(ctx: ControllerContext, options: NamespaceControllerOptions = {}) {
    super(ctx, { workers: 2, keyField: 'namespace' });
    this.concurrency = options.deleteConcurrency ?? 64;
    this.recheckMs = options.recheckMs ?? 1000;
    this.namespaces = ctx.informers.get('Namespace');
    const enqueue = (ns: { metadata: { name: string; deletionTimestamp?: string } }) => {
      if (ns.metadata.deletionTimestamp) this.queue.add(ns.metadata.name);
    };
    this.namespaces.addHandler({ onAdd: enqueue, onUpdate: (_previous, ns) => enqueue(ns) });
  }

  protected async reconcile(name: string): Promise<ReconcileResult> {
    const { store } = this.ctx;
    const ns = await store.tryGet('Namespace', undefined, name);
    if (!ns?.metadata.deletionTimestamp) return;
    let remaining = 0;
    let deleted = 0;
    for (const kind of NAMESPACED_KINDS) {
      let continueToken: string | undefined;
      do {
        const page = await store.list(kind, { namespace: name, limit: 1000, continue: continueToken });
        continueToken = page.continue;
        remaining += page.items.length;
        const pending = page.items.filter((item) => !item.metadata.deletionTimestamp);
        await this.deleteAll(kind, name, pending);
        deleted += pending.length;
      } while (continueToken);
    }
    // Objects were there at this pass: most are gone now, pods on nodes may be in their grace period. Look again,
    // soon when this pass deleted something.
    if (remaining > 0) return { requeueAfterMs: deleted > 0 ? Math.min(this.recheckMs, 100) : this.recheckMs };
    try {
      await store.mutate('Namespace', undefined, name, (current) => ({
        ...current,
        metadata: {
          ...current.metadata,
          finalizers: (current.metadata.finalizers ?? []).filter((f) => f !== NAMESPACE_FINALIZER),
        },
      }));
    } catch (err) {
      if (!isCapstanError(err, 'NOT_FOUND')) throw err;
    }
  }

  /**
   * Why a batch: one round trip per object made a namespace of 20,000 pods take minutes. A batch delete is one
   * script per 500 objects, each a compare-and-set on the listed version; an object that changed since the list
   * is skipped and found again by the next pass.
   */
  private async deleteAll(kind: Kind, namespace: string, objects: readonly KubeObject[]): Promise<void> {
    if (objects.length === 0) return;
    const { store } = this.ctx;
    if (hasBatchDelete(store)) {
      await store.deleteBatch(kind, objects);
      return;
    }
    const names = objects.map((object) => object.metadata.name);
    let next = 0;
    const worker = async () => {
      while (next < names.length) {
        const name = names[next++]!;
        try {
          await this.ctx.store.delete(kind, namespace, name);
        } catch (err) {
          if (!isCapstanError(err, 'NOT_FOUND')) throw err;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, names.length) }, worker));
  }
}
