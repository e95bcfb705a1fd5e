/**
 * Long lists completed a slice at a time, so that one big answer does not hold the event loop.
 *
 * Completing a 30,000-pod list with the selection `capstan get pods` makes takes 100-300 ms of one core; while it
 * runs, nothing else is answered, so a `label` mutation that arrives meanwhile waits for all of it. GraphQL
 * executors (graphql-js, and graphql-jit's compiled code) complete a list item that is a promise when the promise
 * settles, at the item's own index. `inSlices` hands the executor the first slice of items as they are and the rest
 * as promises that settle a slice at a time, each slice one event-loop turn after the previous one: between two
 * slices the server reads sockets and answers other requests. (Slices are counted in items, not timed: the
 * executor takes every item's `then` before it completes any, so nothing can be timed while the list is handed
 * over.) Order and content of the answer are unchanged; only when it is computed changes. Fields opt in with
 * `extensions: { inSlices: true }` (`slices-plugin.ts`).
 */

/** Items completed in one event-loop turn: about 1-3 ms of work with the selections of `capstan get` and the dashboard. */
export const SLICE_ITEMS = 512;

const PENDING = 0;
const FULFILLED = 1;
const REJECTED = 2;

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  value !== null && (typeof value === 'object' || typeof value === 'function') && 'then' in value
    ? typeof (value as { then: unknown }).then === 'function'
    : false;

/**
 * A value that becomes available when its slice runs: a thenable without a Promise's costs (a 30,000-item list as
 * Promises doubled the garbage collector's share of a list). Its reactions run synchronously when it settles, so
 * all the completion work of a slice runs inside that slice's turn; a `then` on one already settled reacts in a
 * microtask, as a Promise would.
 */
class SliceValue<T> implements PromiseLike<T> {
  private state: typeof PENDING | typeof FULFILLED | typeof REJECTED = PENDING;
  private result: unknown;
  // Most values get exactly one `then` (the executor's): it is kept in a field, an array only for more.
  private first: Reaction | undefined;
  private more: Reaction[] | undefined;

  settle(fulfilled: boolean, result: unknown): void {
    if (this.state !== PENDING) return;
    if (fulfilled && isThenable(result)) {
      result.then(
        (value) => this.settle(true, value),
        (err: unknown) => this.settle(false, err),
      );
      return;
    }
    this.state = fulfilled ? FULFILLED : REJECTED;
    this.result = result;
    const { first, more } = this;
    this.first = undefined;
    this.more = undefined;
    if (first) react(first, fulfilled, result);
    if (more) for (let i = 0; i < more.length; i++) react(more[i]!, fulfilled, result);
  }

  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): PromiseLike<R1 | R2> {
    const reaction: Reaction = {
      onFulfilled: onFulfilled as Reaction['onFulfilled'],
      onRejected,
      next: new SliceValue<R1 | R2>(),
    };
    if (this.state === PENDING) {
      if (!this.first) this.first = reaction;
      else (this.more ??= []).push(reaction);
    } else {
      const fulfilled = this.state === FULFILLED;
      const result = this.result;
      queueMicrotask(() => react(reaction, fulfilled, result));
    }
    return reaction.next as PromiseLike<R1 | R2>;
  }
}

/** A `then` waiting on a SliceValue (data rather than a closure: a list makes tens of thousands of them). */
interface Reaction {
  onFulfilled: ((value: unknown) => unknown) | null | undefined;
  onRejected: ((reason: unknown) => unknown) | null | undefined;
  next: SliceValue<unknown>;
}

function react(reaction: Reaction, fulfilled: boolean, result: unknown): void {
  const handler = fulfilled ? reaction.onFulfilled : reaction.onRejected;
  if (!handler) {
    reaction.next.settle(fulfilled, result);
    return;
  }
  try {
    reaction.next.settle(true, handler(result));
  } catch (err) {
    reaction.next.settle(false, err);
  }
}

export function inSlices<T>(items: readonly T[], sliceItems = SLICE_ITEMS): readonly (T | PromiseLike<T>)[] {
  if (items.length <= sliceItems) return items;
  const out: (T | PromiseLike<T>)[] = items.slice(0, sliceItems);
  const pending: SliceValue<T>[] = [];
  for (let j = sliceItems; j < items.length; j++) {
    const value = new SliceValue<T>();
    pending.push(value);
    out.push(value);
  }
  // Slice k settles in the check phase of the k-th turn from now: each turn's poll phase reads sockets first.
  let next = 0;
  const runSlice = (): void => {
    const end = Math.min(pending.length, next + sliceItems);
    for (; next < end; next++) pending[next]!.settle(true, items[sliceItems + next]);
    if (next < pending.length) setImmediate(runSlice);
  };
  setImmediate(runSlice);
  return out;
}
