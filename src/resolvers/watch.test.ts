import { describe, expect, it } from 'vitest';
import { CapstanError } from '../api/errors.ts';
import type { KubeObject } from '../api/types.ts';
import type { Store, Watch, WatchEvent, WatchOptions } from '../store/store.ts';
import { SHARED_DELTAS_MAX, watchWithSnapshot } from './watch.ts';

function object(name: string, rv: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: name, resourceVersion: rv, generation: 1, creationTimestamp: '' },
  };
}

/** A store whose watches replay `script` and then either fail with EXPIRED or wait until closed. */
function fakeStore(script: { expireSince?: string; events?: WatchEvent<KubeObject>[] }) {
  const watches: { options: WatchOptions; closed: boolean }[] = [];
  const store = {
    list: async () => ({ items: [object('a', '5')], resourceVersion: '7' }),
    watch: (_kind: string, options: WatchOptions): Watch<KubeObject> => {
      const state = { options, closed: false };
      watches.push(state);
      let wake: (() => void) | undefined;
      const events = [...(script.events ?? [])];
      return {
        close() {
          state.closed = true;
          wake?.();
        },
        async *[Symbol.asyncIterator]() {
          if (options.sinceResourceVersion === script.expireSince) throw new CapstanError('EXPIRED', 'too old');
          yield* events;
          if (!state.closed) await new Promise<void>((resolve) => (wake = resolve));
        },
      };
    },
  } as unknown as Store;
  return { store, watches };
}

describe('watchWithSnapshot', () => {
  it('lists, bookmarks, then watches from the list version', async () => {
    const { store, watches } = fakeStore({ events: [{ type: 'MODIFIED', object: object('a', '9') }] });
    const it = watchWithSnapshot(store, 'Pod', { namespace: 'default' });
    expect((await it.next()).value).toMatchObject({ type: 'ADDED', resourceVersion: '5' });
    expect((await it.next()).value).toEqual({ type: 'BOOKMARK', object: null, resourceVersion: '7' });
    expect((await it.next()).value).toMatchObject({ type: 'MODIFIED', resourceVersion: '9' });
    expect(watches[0]!.options.sinceResourceVersion).toBe('7');
    await it.return();
  });

  it('answers an expired version with RESYNC and a fresh snapshot', async () => {
    const { store } = fakeStore({ expireSince: '2' });
    const it = watchWithSnapshot(store, 'Pod', { sinceResourceVersion: '2' });
    expect((await it.next()).value).toEqual({ type: 'RESYNC', object: null, resourceVersion: '2' });
    expect((await it.next()).value).toMatchObject({ type: 'ADDED' });
    expect((await it.next()).value).toMatchObject({ type: 'BOOKMARK', resourceVersion: '7' });
    await it.return();
  });

  it('return() ends a next() that waits for a change and closes the store watch', async () => {
    const { store, watches } = fakeStore({});
    const it = watchWithSnapshot(store, 'Pod', { sinceResourceVersion: '3' });
    const pending = it.next();
    await new Promise((resolve) => setImmediate(resolve));
    await it.return();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(watches[0]!.closed).toBe(true);
  });

  it('answers next() calls made while one waits in order, as a generator does', async () => {
    const { store } = fakeStore({
      events: [
        { type: 'MODIFIED', object: object('a', '8') },
        { type: 'DELETED', object: object('a', '9') },
      ],
    });
    const it = watchWithSnapshot(store, 'Pod', {});
    const steps = await Promise.all([it.next(), it.next(), it.next(), it.next()]);
    expect(steps.map((step) => step.value?.type)).toEqual(['ADDED', 'BOOKMARK', 'MODIFIED', 'DELETED']);
    expect(steps.map((step) => step.value?.resourceVersion)).toEqual(['5', '7', '8', '9']);
    const waiting = it.next();
    await it.return();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  it('ends when the store watch ends, and fails when the list fails', async () => {
    const ending = {
      list: async () => ({ items: [], resourceVersion: '1' }),
      watch: (): Watch<KubeObject> => ({
        close() {},
        async *[Symbol.asyncIterator]() {
          yield { type: 'ADDED', object: object('b', '2') } as WatchEvent<KubeObject>;
        },
      }),
    } as unknown as Store;
    const it = watchWithSnapshot(ending, 'Pod', {});
    expect((await it.next()).value?.type).toBe('BOOKMARK');
    expect((await it.next()).value).toMatchObject({ type: 'ADDED', resourceVersion: '2' });
    expect(await it.next()).toEqual({ done: true, value: undefined });

    const failing = { list: async () => Promise.reject(new Error('redis is down')) } as unknown as Store;
    const broken = watchWithSnapshot(failing, 'Pod', {});
    await expect(broken.next()).rejects.toThrow('redis is down');
    expect(await broken.next()).toEqual({ done: true, value: undefined });
  });

  it('shares the deltas of frozen objects between watchers, for the most recent objects only', async () => {
    const objects = Array.from({ length: SHARED_DELTAS_MAX + 1 }, (_, i) => Object.freeze(object(`p${i}`, '5')));
    const listing = (items: KubeObject[]) =>
      ({
        list: async () => ({ items, resourceVersion: '7' }),
        watch: (): Watch<KubeObject> => ({ close() {}, async *[Symbol.asyncIterator]() {} }),
      }) as unknown as Store;
    const deltas = async (items: KubeObject[]) => {
      const it = watchWithSnapshot(listing(items), 'Pod', {});
      const seen = [];
      for (let i = 0; i < items.length; i++) seen.push((await it.next()).value);
      await it.return();
      return seen;
    };
    const first = await deltas(objects);
    const [last, oldest] = await deltas([objects[SHARED_DELTAS_MAX]!, objects[0]!]);
    // The last object's delta is still kept: one instance for both watchers (the API shares its result).
    expect(last).toBe(first[SHARED_DELTAS_MAX]);
    // The first one's was let go when the table was full (it used to stay with the object for as long as it lived).
    expect(oldest).not.toBe(first[0]);
    expect(oldest).toEqual(first[0]);
  });
});
