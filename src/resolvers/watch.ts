import { isCapstanError } from '../api/errors.ts';
import type { Kind, KindMap, KubeObject } from '../api/types.ts';
import type { Store, Watch, WatchEvent, WatchEventType } from '../store/store.ts';

export type WatchDeltaType = WatchEventType | 'RESYNC' | 'BOOKMARK';

/**
 * One message of a watch with snapshot. ADDED/MODIFIED/DELETED carry an object. BOOKMARK marks the end of a
 * snapshot: `resourceVersion` is the version a client resumes from. RESYNC says the requested version is older than
 * the change stream keeps: the client must drop what it holds; a fresh snapshot (as ADDED) follows.
 */
export interface WatchDelta<T> {
  type: WatchDeltaType;
  object: T | null;
  resourceVersion: string;
}

export interface SnapshotWatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Resume after this version instead of starting from a snapshot. */
  sinceResourceVersion?: string;
}

/** An async iterator whose `return()` ends it at once, even while it waits for the next change. */
export type ClosableIterator<T> = AsyncIterableIterator<T> & { return(): Promise<IteratorResult<T>> };

/**
 * A watch that never leaves a silent gap: without `sinceResourceVersion`, the current list as ADDED events and a
 * BOOKMARK, then the changes after the list's version; with it, the changes after that version. When the version
 * has expired, a RESYNC event and a fresh snapshot follow.
 *
 * Written as a plain iterator rather than an async generator: a subscription fan-out calls `next()` once per
 * subscriber and change, and each step of a generator over the store watch (its `for await` and its `yield`) costs
 * several promises and microtasks more than passing the store watch's own promise on. `next()` calls made while one
 * is pending are answered in order, as a generator's are.
 */
export function watchWithSnapshot<K extends Kind>(
  store: Store,
  kind: K,
  options: SnapshotWatchOptions,
): ClosableIterator<WatchDelta<KindMap[K]>> {
  type Delta = WatchDelta<KindMap[K]>;
  type Step = IteratorResult<Delta>;
  const filter = {
    namespace: options.namespace,
    labelSelector: options.labelSelector,
    fieldSelector: options.fieldSelector,
  };
  let since = options.sinceResourceVersion;
  let snapshotDue = since === undefined;
  /** A snapshot's deltas not yet handed out. */
  let queued: Delta[] = [];
  let queuedAt = 0;
  let current: Watch<KindMap[K]> | undefined;
  let events: AsyncIterator<WatchEvent<KindMap[K]>> | undefined;
  let closed = false;
  /** A step is waiting for the store (a change, a list): a next() meanwhile waits for it. */
  let running = false;
  let last: Promise<Step> | undefined;
  const done: Step = { value: undefined, done: true };

  const end = (): void => {
    closed = true;
    current?.close();
    current = events = undefined;
    queued = [];
  };
  const fromWatch = (step: IteratorResult<WatchEvent<KindMap[K]>>): Step => {
    running = false;
    if (step.done) {
      end();
      return done;
    }
    since = step.value.object.metadata.resourceVersion;
    return { value: deltaOf(step.value.type, step.value.object), done: false };
  };
  const watchFailed = (err: unknown): Step => {
    running = false;
    current?.close();
    current = events = undefined;
    if (closed) return done;
    if (!isCapstanError(err, 'EXPIRED')) {
      end();
      throw err;
    }
    snapshotDue = true;
    return { value: { type: 'RESYNC', object: null, resourceVersion: since ?? '' }, done: false };
  };
  const snapshot = async (): Promise<Step> => {
    let list;
    try {
      list = await store.list(kind, filter);
    } catch (err) {
      running = false;
      end();
      throw err;
    }
    running = false;
    if (closed) return done;
    queued = list.items.map((object) => deltaOf('ADDED', object));
    queued.push({ type: 'BOOKMARK', object: null, resourceVersion: list.resourceVersion });
    queuedAt = 0;
    since = list.resourceVersion;
    snapshotDue = false;
    return step();
  };
  const step = (): Step | Promise<Step> => {
    if (closed) return done;
    if (queuedAt < queued.length) {
      const value = queued[queuedAt++]!;
      if (queuedAt === queued.length) {
        queued = [];
        queuedAt = 0;
      }
      return { value, done: false };
    }
    if (snapshotDue) return snapshot();
    if (!events) {
      current = store.watch(kind, { ...filter, sinceResourceVersion: since });
      events = current[Symbol.asyncIterator]();
    }
    return events.next().then(fromWatch, watchFailed);
  };
  const run = (): Promise<Step> => {
    if (running && last) return last.then(run, run);
    const result = step();
    if (!(result instanceof Promise)) return Promise.resolve(result);
    running = true;
    last = result;
    return result;
  };

  const iterator: ClosableIterator<WatchDelta<KindMap[K]>> = {
    next: run,
    return: async () => {
      // Closing the store watch ends a pending next() at once.
      end();
      return done;
    },
    throw: async (err?: unknown) => {
      end();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

type Deltas = Partial<Record<WatchEventType, WatchDelta<KubeObject>>>;
/**
 * The deltas of the most recently delivered objects, oldest first. Sharing matters while one change is fanned out
 * (and the API keeps shared results for its most recent events only, src/server/use-shared-subscriptions.ts); kept
 * with each object instead, as they were, every object a subscription had ever listed or delivered held two more.
 */
const sharedDeltas = new Map<KubeObject, Deltas>();
export const SHARED_DELTAS_MAX = 4096;

/**
 * The delta of an object's change. Objects from the store's watches and read cache are frozen and shared by every
 * watcher of the process; their deltas are shared (and frozen) too, so the API executes a subscription's selection
 * once per change for all subscribers with the same operation (see src/server/use-shared-subscriptions.ts), not once
 * for each.
 */
function deltaOf<T extends KubeObject>(type: WatchEventType, object: T): WatchDelta<T> {
  if (!Object.isFrozen(object)) return { type, object, resourceVersion: object.metadata.resourceVersion };
  let deltas = sharedDeltas.get(object);
  if (!deltas) {
    if (sharedDeltas.size >= SHARED_DELTAS_MAX) sharedDeltas.delete(sharedDeltas.keys().next().value!);
    deltas = {};
    sharedDeltas.set(object, deltas);
  }
  return (deltas[type] ??= Object.freeze({
    type,
    object,
    resourceVersion: object.metadata.resourceVersion,
  })) as WatchDelta<T>;
}

/** Maps and filters an iterator, passing `return()` through so closing the result closes the source. */
export function transformIterator<T, U>(
  source: ClosableIterator<T>,
  fn: (value: T) => { value: U; last?: boolean } | undefined,
): ClosableIterator<U> {
  let done = false;
  const iterator: ClosableIterator<U> = {
    next: async () => {
      while (!done) {
        const step = await source.next();
        if (step.done) break;
        const mapped = fn(step.value);
        if (!mapped) continue;
        if (mapped.last) {
          done = true;
          await source.return();
        }
        return { done: false, value: mapped.value };
      }
      done = true;
      return { done: true, value: undefined };
    },
    return: async () => {
      done = true;
      await source.return();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/**
 * `source`, calling `release` once when it ends: exhausted, failed, or closed by the consumer (`return`). For
 * limits held while a stream is open (a followed container log).
 */
export function releasingOnEnd<T>(source: AsyncIterable<T>, release: () => void): AsyncIterableIterator<T> {
  const inner = source[Symbol.asyncIterator]();
  const iterator: AsyncIterableIterator<T> = {
    next: async () => {
      try {
        const step = await inner.next();
        if (step.done) release();
        return step;
      } catch (err) {
        release();
        throw err;
      }
    },
    return: async () => {
      release();
      return (await inner.return?.()) ?? { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
