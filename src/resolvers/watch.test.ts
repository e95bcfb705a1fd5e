import { describe, expect, it } from 'vitest';
import { CapstanError } from '../api/errors.ts';
import type { KubeObject } from '../api/types.ts';
import type { Store, Watch, WatchEvent, WatchOptions } from '../store/store.ts';
import { watchWithSnapshot } from './watch.ts';

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
});
