import { isCapstanError } from '../api/errors.ts';
import type { Kind, KindMap, KubeObject } from '../api/types.ts';
import type { Store, Watch, WatchEventType } from '../store/store.ts';

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
 */
export function watchWithSnapshot<K extends Kind>(
  store: Store,
  kind: K,
  options: SnapshotWatchOptions,
): ClosableIterator<WatchDelta<KindMap[K]>> {
  let current: Watch<KindMap[K]> | undefined;
  let closed = false;
  const filter = {
    namespace: options.namespace,
    labelSelector: options.labelSelector,
    fieldSelector: options.fieldSelector,
  };

  async function* run(): AsyncGenerator<WatchDelta<KindMap[K]>> {
    let since = options.sinceResourceVersion;
    while (!closed) {
      if (since === undefined) {
        const list = await store.list(kind, filter);
        for (const object of list.items) yield deltaOf('ADDED', object);
        since = list.resourceVersion;
        yield { type: 'BOOKMARK', object: null, resourceVersion: since };
      }
      if (closed) return;
      current = store.watch(kind, { ...filter, sinceResourceVersion: since });
      try {
        for await (const event of current) {
          since = event.object.metadata.resourceVersion;
          yield deltaOf(event.type, event.object);
        }
        return;
      } catch (err) {
        if (!isCapstanError(err, 'EXPIRED')) throw err;
        yield { type: 'RESYNC', object: null, resourceVersion: since };
        since = undefined;
      } finally {
        current.close();
      }
    }
  }

  const generator = run();
  const iterator: ClosableIterator<WatchDelta<KindMap[K]>> = {
    next: () => generator.next(),
    return: async () => {
      // Closing the store watch first ends a pending next(), so the generator can run its cleanup right away.
      closed = true;
      current?.close();
      return generator.return(undefined);
    },
    throw: (err?: unknown) => generator.throw(err),
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

type Deltas = Partial<Record<WatchEventType, WatchDelta<KubeObject>>>;
const sharedDeltas = new WeakMap<KubeObject, Deltas>();

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
