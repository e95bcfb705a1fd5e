import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Kind, KubeObject } from '../api/types.ts';
import { CachedReadStore } from './cached-store.ts';
import type { ChangeFeedStore, ChangeSink, ListResult, WatchEvent } from './store.ts';

/**
 * The part of a store a read cache uses: a list (empty here), a change feed the test drives by hand, and the current
 * resourceVersion. Everything else is not called by reads.
 */
class HandFedStore {
  rv = 1;
  private sink: ChangeSink<KubeObject> | undefined;

  list(): Promise<ListResult<KubeObject>> {
    return Promise.resolve({ items: [], resourceVersion: String(this.rv) });
  }

  currentResourceVersion(): Promise<string> {
    return Promise.resolve(String(this.rv));
  }

  feed(_kind: Kind, _since: string, sink: ChangeSink<KubeObject>): { close(): void } {
    this.sink = sink;
    return { close: () => (this.sink = undefined) };
  }

  get fed(): boolean {
    return this.sink !== undefined;
  }

  send(type: WatchEvent<KubeObject>['type'], namespace: string, name: string): void {
    this.rv++;
    const object = {
      kind: 'Pod',
      metadata: { name, namespace, resourceVersion: String(this.rv), uid: `${namespace}/${name}` },
      spec: { containers: [] },
    } as unknown as KubeObject;
    this.sink!.onEvent({ type, object });
    this.sink!.onProgress(this.rv);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

let cache: CachedReadStore | undefined;
afterEach(() => cache?.stop());

async function fedCache(): Promise<{ store: HandFedStore; cache: CachedReadStore }> {
  const store = new HandFedStore();
  cache = new CachedReadStore(store as unknown as ChangeFeedStore).warm(['Pod']);
  for (let i = 0; i < 100 && !store.fed; i++) await new Promise((r) => setImmediate(r));
  expect(store.fed).toBe(true);
  return { store, cache };
}

/** The store's index order: members `namespace/name`, compared by code unit. */
const member = (o: { metadata: { namespace?: string; name: string } }) => `${o.metadata.namespace}/${o.metadata.name}`;
const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

// Names of the shapes the store sees, with '-' and digits (which sort before '/' and letters).
const nameArb = fc.stringMatching(/^[a-c0-9][a-c0-9-]{0,3}$/);
const namespaceArb = fc.constantFrom('a', 'a-b', 'b', 'a0');
const opArb = fc.record({ put: fc.boolean(), namespace: namespaceArb, name: nameArb });

describe('CachedReadStore order', () => {
  it('lists in the store index order after any sequence of puts and removes, also page by page', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 300 }), fc.integer({ min: 1, max: 7 }), async (ops, limit) => {
        const { store, cache } = await fedCache();
        const expected = new Set<string>();
        for (const op of ops) {
          const key = `${op.namespace}/${op.name}`;
          if (op.put) expected.add(key);
          else if (!expected.has(key)) continue;
          else expected.delete(key);
          store.send(op.put ? 'ADDED' : 'DELETED', op.namespace, op.name);
        }
        const want = [...expected].sort(byCodeUnit);
        expect((await cache.list('Pod')).items.map(member)).toEqual(want);
        // One namespace, and every page of a paged list: each starts right after the previous one's token.
        expect((await cache.list('Pod', { namespace: 'a' })).items.map(member)).toEqual(
          want.filter((m) => m.startsWith('a/')),
        );
        const paged: string[] = [];
        let token: string | undefined;
        for (let pages = 0; pages <= want.length; pages++) {
          const page = await cache.list('Pod', { limit, continue: token });
          paged.push(...page.items.map(member));
          token = page.continue;
          if (!token) break;
        }
        expect(paged).toEqual(want);
        cache.stop();
      }),
      { numRuns: 60 },
    );
  });

  it('fills and empties a namespace of 20,000 pods in any order', async () => {
    const { store, cache } = await fedCache();
    const names = Array.from({ length: 20_000 }, (_, i) => `pod-${((i * 7919) % 20_000).toString(36)}`);
    for (const name of names) store.send('ADDED', 'big', name);
    const listed = (await cache.list('Pod', { namespace: 'big' })).items.map((o) => o.metadata.name);
    expect(listed).toEqual([...names].sort(byCodeUnit));
    expect(await cache.get('Pod', 'big', names[123]!)).toMatchObject({ metadata: { name: names[123] } });
    for (const name of names.slice(0, 19_990)) store.send('DELETED', 'big', name);
    expect((await cache.list('Pod', { namespace: 'big' })).items.map((o) => o.metadata.name)).toEqual(
      names.slice(19_990).sort(byCodeUnit),
    );
  });
});
