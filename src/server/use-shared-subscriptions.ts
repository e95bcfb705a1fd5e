import { createSourceEventStream, execute, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { Identity } from '../auth/identity.ts';

type Result = ExecutionResult | Promise<ExecutionResult>;

/** Distinct operations one shared event keeps results for; beyond that, further ones execute without sharing. */
const MAX_SHARED_OPERATIONS = 64;
/**
 * Events whose results are kept, the most recent ones. A fan-out reads an event's results while its subscribers
 * take it, within a few turns of the event loop; a subscriber further behind than this executes its own. Results
 * used to be kept with the event for as long as the event lived, and each object then kept its last event (its
 * delta, src/resolvers/watch.ts, now bounded too): each pod a subscription had delivered held its executed result
 * and its serialised message, 25,000 of each at 12,000 pods. The table holds these events (and their objects)
 * strongly, so what it keeps is bounded whatever the number of objects.
 */
export const DEFAULT_MAX_SHARED_EVENTS = 1024;

export interface SharedSubscriptionResultsOptions {
  /** Events whose results are kept, the most recent ones. Default {@link DEFAULT_MAX_SHARED_EVENTS}. */
  maxEvents?: number;
}

/**
 * Executes each subscription event's selection once for all subscribers of the same operation. Watch events are
 * frozen objects shared by every watcher of the process (see src/resolvers/watch.ts); with a thousand subscribers to
 * one watch, executing the same selection on the same event a thousand times (and the per-event execution context
 * graphql-tools builds each time) dominated the fan-out. A result is shared between subscriptions with the same
 * document, operation name, variables and authorization (role and node), so what one subscriber receives never
 * depends on another's credentials. Events that are not frozen (bookmarks, log lines) execute per subscriber.
 */
export function useSharedSubscriptionResults(options: SharedSubscriptionResultsOptions = {}): Plugin {
  const maxEvents = Math.max(1, options.maxEvents ?? DEFAULT_MAX_SHARED_EVENTS);
  const documentIds = new WeakMap<DocumentNode, number>();
  let nextDocumentId = 0;
  /** The results of the most recent shared events, oldest first (a Map keeps insertion order). */
  const shared = new Map<object, Map<string, Result>>();

  function sharingKey(args: ExecutionArgs): string {
    let id = documentIds.get(args.document);
    if (id === undefined) {
      id = nextDocumentId++;
      documentIds.set(args.document, id);
    }
    const identity = (args.contextValue as { identity?: Identity | null } | undefined)?.identity;
    const who = identity ? `${identity.role}/${identity.nodeName ?? ''}` : '-';
    return `${id}|${args.operationName ?? ''}|${who}|${JSON.stringify(args.variableValues ?? {})}`;
  }

  function executeEvent(args: ExecutionArgs, payload: unknown, key: string): Result {
    if (typeof payload !== 'object' || payload === null || !Object.isFrozen(payload)) {
      return execute({ ...args, rootValue: payload });
    }
    let results = shared.get(payload);
    if (!results) {
      if (shared.size >= maxEvents) shared.delete(shared.keys().next().value!);
      results = new Map();
      shared.set(payload, results);
    }
    let result = results.get(key);
    if (result === undefined) {
      result = execute({ ...args, rootValue: payload });
      if (results.size < MAX_SHARED_OPERATIONS) results.set(key, result);
    }
    return result;
  }

  async function subscribe(args: ExecutionArgs) {
    const stream = await createSourceEventStream(args);
    if (!isAsyncIterable(stream)) return stream;
    const key = sharingKey(args);
    const results = mapStream(stream, (payload) => executeEvent(args, payload, key));
    // As graphql-tools' executor does when yoga's execution cancellation sets a signal: a client that went away
    // ends the source at once.
    const signal = (args as { signal?: AbortSignal }).signal;
    if (signal?.aborted) await results.return();
    else signal?.addEventListener('abort', () => void results.return().catch(() => undefined), { once: true });
    return results;
  }

  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(subscribe as Parameters<typeof setSubscribeFn>[0]);
    },
  };
}

type ResultStream<T> = AsyncIterableIterator<T, undefined> & {
  return(): Promise<IteratorReturnResult<undefined>>;
  throw(err: unknown): Promise<IteratorResult<T, undefined>>;
};

/**
 * Maps a subscription's event stream to results, as graphql-js does, with one layer: `return()` and `throw()` reach
 * the source at once (closing the store watch behind it), and a failing mapping closes the source.
 */
function mapStream<T>(source: AsyncIterable<unknown>, fn: (value: unknown) => T | Promise<T>): ResultStream<T> {
  const events = source[Symbol.asyncIterator]();
  const close = async (): Promise<IteratorReturnResult<undefined>> => {
    await events.return?.();
    return { value: undefined, done: true };
  };
  // Plain promise chaining rather than async functions: a fan-out runs this once per delivery, and every await
  // would cost another promise and microtask.
  const mapped = (
    step: IteratorResult<unknown>,
  ): IteratorResult<T, undefined> | Promise<IteratorResult<T, undefined>> => {
    if (step.done) return { value: undefined, done: true };
    let value: T | Promise<T>;
    try {
      value = fn(step.value);
    } catch (err) {
      return failed(err);
    }
    return value instanceof Promise ? value.then((v) => ({ value: v, done: false }), failed) : { value, done: false };
  };
  const failed = (err: unknown): Promise<never> =>
    close().then(
      () => Promise.reject(err),
      () => Promise.reject(err),
    );
  const iterator: ResultStream<T> = {
    next: () => events.next().then(mapped),
    return: close,
    async throw(err: unknown) {
      if (events.throw) {
        const step = await events.throw(err);
        if (!step.done) return { value: await fn(step.value), done: false };
        return { value: undefined, done: true };
      }
      await close();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
