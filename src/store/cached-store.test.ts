import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Event, Kind, KubeObject } from '../api/types.ts';
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

/** A store of Events held in a Map: the index-only cache reads the objects it finds with getMany. */
class HandFedEvents {
  rv = 1;
  readonly objects = new Map<string, Event>();
  /** How many objects getMany was asked for. */
  read = 0;
  private sink: ChangeSink<KubeObject> | undefined;

  list(): Promise<ListResult<KubeObject>> {
    return Promise.resolve({ items: [], resourceVersion: String(this.rv) });
  }

  currentResourceVersion(): Promise<string> {
    return Promise.resolve(String(this.rv));
  }

  getMany(_kind: Kind, refs: readonly { namespace?: string; name: string }[]): Promise<(Event | undefined)[]> {
    this.read += refs.length;
    return Promise.resolve(refs.map((r) => this.objects.get(`${r.namespace}/${r.name}`)));
  }

  feed(_kind: Kind, _since: string, sink: ChangeSink<KubeObject>): { close(): void } {
    this.sink = sink;
    return { close: () => (this.sink = undefined) };
  }

  get fed(): boolean {
    return this.sink !== undefined;
  }

  /** Sets (about: the involved object's name) or deletes (undefined) an Event, and feeds the change. */
  send(namespace: string, name: string, about: string | undefined): void {
    this.rv++;
    const key = `${namespace}/${name}`;
    const object = {
      kind: 'Event',
      metadata: { name, namespace, resourceVersion: String(this.rv), uid: key },
      involvedObject: { kind: 'Pod', namespace, name: about ?? this.objects.get(key)?.involvedObject.name },
    } as unknown as Event;
    if (about === undefined) this.objects.delete(key);
    else this.objects.set(key, object);
    this.sink!.onEvent({ type: about === undefined ? 'DELETED' : 'MODIFIED', object });
    this.sink!.onProgress(this.rv);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

describe('CachedReadStore index of Events by involvedObject.name', () => {
  it('finds the events of an object after any sequence of creates, moves and deletes, also page by page', async () => {
    const aboutArb = fc.option(fc.constantFrom('web', 'db', 'web-1'), { nil: undefined });
    const eventOpArb = fc.record({ namespace: namespaceArb, name: nameArb, about: aboutArb });
    await fc.assert(
      fc.asyncProperty(fc.array(eventOpArb, { maxLength: 200 }), fc.integer({ min: 1, max: 5 }), async (ops, limit) => {
        const store = new HandFedEvents();
        cache = new CachedReadStore(store as unknown as ChangeFeedStore).warm(['Event']);
        for (let i = 0; i < 100 && !store.fed; i++) await new Promise((r) => setImmediate(r));
        for (const op of ops) store.send(op.namespace, op.name, op.about);
        for (const about of ['web', 'db', 'web-1', 'none']) {
          for (const namespace of [undefined, 'a', 'a-b']) {
            const want = [...store.objects.values()]
              .filter((o) => o.involvedObject.name === about)
              .filter((o) => namespace === undefined || o.metadata.namespace === namespace)
              .map(member)
              .sort(byCodeUnit);
            const fieldSelector = `involvedObject.name=${about}`;
            const read = store.read;
            expect((await cache.list('Event', { namespace, fieldSelector })).items.map(member)).toEqual(want);
            // Only those: no event that was deleted or moved to another name is still read.
            expect(store.read - read).toBe(want.length);
            const paged: string[] = [];
            let token: string | undefined;
            for (let pages = 0; pages <= want.length; pages++) {
              const page = await cache.list('Event', { namespace, fieldSelector, limit, continue: token });
              paged.push(...page.items.map(member));
              token = page.continue;
              if (!token) break;
            }
            expect(paged).toEqual(want);
          }
        }
        expect(cache.stats().fallbacks).toBe(0);
        cache.stop();
      }),
      { numRuns: 60 },
    );
  });
});
