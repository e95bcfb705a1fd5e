import { exponentialDelay } from '../util/backoff.ts';

/** Timers the queue uses; tests pass a fake that advances time by hand. */
export interface QueueClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Wall-clock time and Node timers. */
export const realClock: QueueClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    // A delayed requeue must never keep the process alive on its own.
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface WorkQueueOptions {
  clock?: QueueClock;
  /** First back-off of `addRateLimited`; doubles per consecutive failure. Default 5 ms, as Kubernetes. */
  baseDelayMs?: number;
  /** Back-off ceiling. Default 1000 s, as Kubernetes' default controller rate limiter. */
  maxDelayMs?: number;
}

/**
 * A level-based queue of deduplicated keys (`kind/namespace/name`), after client-go's workqueue: a key is queued
 * at most once however often it is added; a key being processed is never handed out again until `done(key)`,
 * and a key added while being processed is queued again at `done`. Keys come out in first-added order.
 */
export class WorkQueue {
  private readonly queue: string[] = [];
  private head = 0;
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly waiters: ((key: string | undefined) => void)[] = [];
  private readonly delayed = new Map<string, { at: number; handle: unknown }>();
  private readonly failures = new Map<string, number>();
  private readonly clock: QueueClock;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private stopped = false;

  constructor(options: WorkQueueOptions = {}) {
    this.clock = options.clock ?? realClock;
    this.baseDelayMs = options.baseDelayMs ?? 5;
    this.maxDelayMs = options.maxDelayMs ?? 1_000_000;
  }

  /** Queue `key` unless it is already queued. Ignored after `shutdown()`. */
  add(key: string): void {
    if (this.stopped || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.push(key);
  }

  /**
   * Queue `key` after `ms`. When the key is already waiting, the earlier of the two times wins, so a burst of
   * delayed adds never postpones work that was due sooner.
   */
  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = this.clock.now() + ms;
    const pending = this.delayed.get(key);
    if (pending && pending.at <= at) return;
    if (pending) this.clock.clearTimeout(pending.handle);
    const handle = this.clock.setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    this.delayed.set(key, { at, handle });
  }

  /** Queue `key` after its per-key exponential back-off: base, 2×base, 4×base, ... up to the maximum. */
  addRateLimited(key: string): void {
    this.addAfter(key, this.nextBackoffMs(key));
  }

  /** The back-off the next `addRateLimited(key)` will wait; counts the failure. */
  private nextBackoffMs(key: string): number {
    const failures = this.failures.get(key) ?? 0;
    this.failures.set(key, failures + 1);
    return exponentialDelay(failures, { initialMs: this.baseDelayMs, maxMs: this.maxDelayMs });
  }

  /** Reset the back-off of `key` (call after a successful reconcile). */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** How many consecutive rate-limited requeues `key` has had since the last `forget`. */
  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /**
   * The next key to process; waits while the queue is empty. Resolves undefined once the queue is shut down.
   * The caller must call `done(key)` when finished with it.
   */
  get(): Promise<string | undefined> {
    if (this.stopped) return Promise.resolve(undefined);
    const key = this.pop();
    if (key !== undefined) return Promise.resolve(key);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Mark `key` processed; if it was added meanwhile it is queued again now. */
  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.has(key) && !this.stopped) this.push(key);
  }

  /** Stop: pending and future `get()` calls resolve undefined, delayed adds are cancelled, adds are ignored. */
  shutdown(): void {
    this.stopped = true;
    for (const { handle } of this.delayed.values()) this.clock.clearTimeout(handle);
    this.delayed.clear();
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }

  get isShutDown(): boolean {
    return this.stopped;
  }

  /** Keys ready to be handed out now. */
  get length(): number {
    return this.queue.length - this.head;
  }

  /** Keys waiting on a delay. */
  get delayedCount(): number {
    return this.delayed.size;
  }

  private push(key: string): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      this.take(key);
      waiter(key);
      return;
    }
    this.queue.push(key);
  }

  private pop(): string | undefined {
    if (this.head >= this.queue.length) return undefined;
    const key = this.queue[this.head++] as string;
    // Compact occasionally instead of shift() per get, which is O(n) on large queues.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    this.take(key);
    return key;
  }

  private take(key: string): void {
    this.dirty.delete(key);
    this.processing.add(key);
  }
}

/** What a reconcile may ask for: a requeue after a delay (e.g. to re-check a deadline). */
export type ReconcileResult = { requeueAfterMs?: number } | void;

export interface RunWorkersOptions {
  /** Called with every error a reconcile throws, before the key is requeued with back-off. */
  onError?: (key: string, err: unknown) => void;
}

/**
 * Run `concurrency` workers that take keys from `queue` and reconcile them until the queue shuts down; resolves
 * when every worker has finished its current key. A thrown error requeues the key with rate-limited back-off;
 * success resets the back-off and honours `requeueAfterMs`. A reconcile that must not be retried (a terminal
 * error) records it on status and returns normally.
 */
export async function runWorkers(
  queue: WorkQueue,
  reconcile: (key: string) => Promise<ReconcileResult>,
  concurrency: number,
  options: RunWorkersOptions = {},
): Promise<void> {
  const worker = async (): Promise<void> => {
    for (let key = await queue.get(); key !== undefined; key = await queue.get()) {
      try {
        const result = await reconcile(key);
        queue.forget(key);
        if (result && result.requeueAfterMs !== undefined) queue.addAfter(key, result.requeueAfterMs);
      } catch (err) {
        options.onError?.(key, err);
        queue.addRateLimited(key);
      } finally {
        queue.done(key);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
}
