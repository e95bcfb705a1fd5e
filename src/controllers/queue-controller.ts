import type { Kind } from '../api/types.ts';
import type { Informer } from '../store/informer.ts';
import { errorMessage, objectKey, type Controller, type ControllerContext } from './controller-context.ts';
import { runWorkers, WorkQueue, type ReconcileResult, type WorkQueueOptions } from './work-queue.ts';

export interface QueueControllerLoop {
  /** Keys reconciled at once (different keys; one key is never reconciled twice at a time). */
  workers: number;
  /** The back-off of the work queue. */
  queue?: WorkQueueOptions;
  /** The log field a failed reconcile names its key in (`rc`, `service`); none for a single-key pass. */
  keyField?: string;
  /** The warning a failed reconcile logs. Default 'sync failed'. */
  failure?: string;
}

type ObjectEvent = 'add' | 'update' | 'delete';

/**
 * The loop every key-reconciling controller shares (controller-runtime's controller): informer handlers add
 * deduplicated keys to one work queue; `run()` reconciles them with `workers` workers until `stop()`, a thrown
 * error logging a warning and requeueing the key with back-off. A subclass registers its handlers in its
 * constructor and implements `reconcile(key)`.
 */
export abstract class QueueController implements Controller {
  abstract readonly name: string;
  protected readonly queue: WorkQueue;

  protected constructor(
    protected readonly ctx: ControllerContext,
    private readonly loop: QueueControllerLoop,
  ) {
    this.queue = new WorkQueue(loop.queue);
  }

  run(): Promise<void> {
    this.starting();
    const { keyField, failure = 'sync failed' } = this.loop;
    return runWorkers(this.queue, (key) => this.reconcile(key), this.loop.workers, {
      onError: (key, err) =>
        this.ctx.logger.warn({ err: errorMessage(err), ...(keyField ? { [keyField]: key } : {}) }, failure),
    });
  }

  stop(): void {
    this.queue.shutdown();
  }

  /** One pass over `key`; its result may ask for a requeue after a delay. */
  protected abstract reconcile(key: string): Promise<ReconcileResult>;

  /** Runs as `run()` begins, before the workers: a single-pass controller queues its first pass here. */
  protected starting(): void {}

  /**
   * The shared informer of `kind`, with a handler that queues the `namespace/name` key of each object added,
   * updated or deleted (those of `events`).
   */
  protected enqueueChanges<K extends Kind>(
    kind: K,
    events: readonly ObjectEvent[] = ['add', 'update', 'delete'],
  ): Informer<K> {
    const informer = this.ctx.informers.get(kind);
    const enqueue = (object: { metadata: { namespace?: string; name: string } }) => this.queue.add(objectKey(object));
    informer.addHandler({
      ...(events.includes('add') ? { onAdd: enqueue } : {}),
      ...(events.includes('update') ? { onUpdate: (_previous, object) => enqueue(object) } : {}),
      ...(events.includes('delete') ? { onDelete: enqueue } : {}),
    });
    return informer;
  }
}
