import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapstanError } from '../src/api/errors.ts';
import type { Event, Kind, ObjectInput } from '../src/api/types.ts';
import { CachedReadStore } from '../src/store/cached-store.ts';
import { createRedisStore, type RedisStore } from '../src/store/redis-store.ts';
import type { ChangeFeedStore, ChangeSink, ListOptions } from '../src/store/store.ts';
import { newPod } from './support/fixtures.ts';
import { newTestStore, REDIS_URL, waitFor } from './support/store.ts';

type TestStore = Awaited<ReturnType<typeof newTestStore>>;
let store: TestStore;
/** A second connection to the same cluster state: another server process. */
let other: RedisStore;
let cached: CachedReadStore;

async function namespace(name: string): Promise<void> {
  await store.create('Namespace', { kind: 'Namespace', metadata: { name }, spec: {} });
}

beforeAll(async () => {
  store = await newTestStore();
  other = await createRedisStore({ url: REDIS_URL, prefix: store.prefix, ensureDefaultNamespace: false });
  // "a-b" sorts before "a" in the store's index ("a-b/..." < "a/..."), which a cache must reproduce.
  for (const ns of ['a', 'a-b', 'b']) await namespace(ns);
  for (const ns of ['a', 'a-b', 'b']) {
    for (let i = 0; i < 12; i++) {
      await store.create('Pod', newPod(`p${i}`, { namespace: ns, labels: { app: i % 3 === 0 ? 'db' : 'web' } }));
    }
  }
  await store.create('Node', { kind: 'Node', metadata: { name: 'n1', labels: { zone: 'x' } }, spec: {} });
  cached = new CachedReadStore(store).warm(['Pod', 'Node', 'Namespace']);
  for (const kind of ['Pod', 'Node', 'Namespace'] as const) {
    await waitFor(
      async () => {
        const before = cached.stats().hits;
        await cached.list(kind, { limit: 1 });
        return cached.stats().hits > before;
      },
      { message: `the ${kind} cache to be ready` },
    );
  }
});

afterAll(async () => {
  cached?.stop();
  await other?.close();
  await store?.dispose();
});

const names = (items: { metadata: { namespace?: string; name: string } }[]) =>
  items.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`);

describe('CachedReadStore', () => {
  it('lists exactly what the store lists, in the same order', async () => {
    const cases: [Kind, ListOptions][] = [
      ['Pod', {}],
      ['Pod', { namespace: 'a' }],
      ['Pod', { namespace: 'a-b', labelSelector: 'app=db' }],
      ['Pod', { labelSelector: 'app in (web)', fieldSelector: 'metadata.name!=p1' }],
      ['Pod', { namespace: 'missing' }],
      ['Node', {}],
      ['Namespace', { labelSelector: 'nothing=here' }],
    ];
    for (const [kind, options] of cases) {
      const expected = await store.list(kind, options);
      const actual = await cached.list(kind, options);
      expect(names(actual.items), `${kind} ${JSON.stringify(options)}`).toEqual(names(expected.items));
      expect(actual.items).toEqual(expected.items);
      expect(actual.resourceVersion).toBe(expected.resourceVersion);
    }
    expect(cached.stats().hits).toBeGreaterThanOrEqual(cases.length);
  });

  it('pages with continue tokens that the store accepts, and accepts the store’s', async () => {
    const all = names((await store.list('Pod', { labelSelector: 'app=web' })).items);
    const seen: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < 50; page++) {
      // Alternate between the cache and the store: each continues the other's pages.
      const from = page % 2 === 0 ? cached : store;
      const result: Awaited<ReturnType<typeof store.list<'Pod'>>> = await from.list('Pod', {
        labelSelector: 'app=web',
        limit: 5,
        ...(token ? { continue: token } : {}),
      });
      seen.push(...names(result.items));
      token = result.continue;
      if (!token) break;
    }
    expect(seen).toEqual(all);
    await expect(cached.list('Pod', { continue: 'not-a-token' })).rejects.toMatchObject({ code: 'INVALID' });
  });

  it("includes a write that finished before the read started, its own or another process's", async () => {
    for (let i = 0; i < 20; i++) {
      const writer = i % 2 === 0 ? other : store;
      const created = await writer.create('Pod', newPod(`rw-${i}`, { namespace: 'b' }));
      expect((await cached.get('Pod', 'b', `rw-${i}`)).metadata.resourceVersion).toBe(created.metadata.resourceVersion);
      const updated = await writer.update('Pod', { ...created, metadata: { ...created.metadata, labels: { i: '1' } } });
      const listed = await cached.list('Pod', { namespace: 'b', labelSelector: 'i=1' });
      expect(names(listed.items)).toContain(`b/rw-${i}`);
      expect(listed.items.find((p) => p.metadata.name === `rw-${i}`)!.metadata.resourceVersion).toBe(
        updated.metadata.resourceVersion,
      );
      await writer.delete('Pod', 'b', `rw-${i}`);
      expect(await cached.tryGet('Pod', 'b', `rw-${i}`)).toBeUndefined();
      expect(
        names((await cached.getMany('Pod', [{ namespace: 'b', name: `rw-${i}` }])).flatMap((p) => p ?? [])),
      ).toEqual([]);
    }
  });

  it('answers a missing object as the store does and hands out frozen objects', async () => {
    const fromStore = await store.get('Pod', 'a', 'nope').catch((err: unknown) => err);
    const fromCache = await cached.get('Pod', 'a', 'nope').catch((err: unknown) => err);
    expect(fromCache).toBeInstanceOf(CapstanError);
    expect((fromCache as CapstanError).message).toBe((fromStore as CapstanError).message);
    const pod = await cached.get('Pod', 'a', 'p1');
    expect(Object.isFrozen(pod) && Object.isFrozen(pod.metadata)).toBe(true);
    expect((await cached.get('Node', undefined, 'n1')).metadata.labels).toEqual({ zone: 'x' });
  });
});

/** The real store, but its change feed is under the test's control. */
function controlledFeed(inner: RedisStore) {
  const sinks: ChangeSink<unknown>[] = [];
  let lists = 0;
  const wrapped = new Proxy(inner, {
    get(target, property) {
      if (property === 'feed') {
        return (_kind: Kind, _since: string, sink: ChangeSink<unknown>) => {
          sinks.push(sink);
          return { close: () => undefined };
        };
      }
      if (property === 'list') {
        return (kind: Kind, options?: ListOptions) => {
          lists++;
          return target.list(kind, options);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as ChangeFeedStore;
  return { store: wrapped, sinks, lists: () => lists };
}

describe('CachedReadStore without a current feed', () => {
  it('reads the store when the cache does not catch up in time', async () => {
    const feed = controlledFeed(store);
    const stalled = new CachedReadStore(feed.store, { syncTimeoutMs: 50 }).warm(['Pod']);
    try {
      await expect.poll(() => feed.sinks.length).toBe(1);
      await store.create('Pod', newPod('late', { namespace: 'a' }));
      const before = stalled.stats().fallbacks;
      expect(names((await stalled.list('Pod', { namespace: 'a' })).items)).toContain('a/late');
      expect(stalled.stats().fallbacks).toBe(before + 1);
    } finally {
      stalled.stop();
      await store.delete('Pod', 'a', 'late');
    }
  });

  it('lists again when its feed expires', async () => {
    const feed = controlledFeed(store);
    const expiring = new CachedReadStore(feed.store, { syncTimeoutMs: 50 }).warm(['Pod']);
    try {
      await expect.poll(() => feed.sinks.length).toBe(1);
      await store.create('Pod', newPod('relisted', { namespace: 'a' }));
      feed.sinks[0]!.onError(new CapstanError('EXPIRED', 'expired, re-list'));
      await expect.poll(() => feed.sinks.length).toBe(2);
      expect(feed.lists()).toBe(2);
      // The new list holds the pod; the cache answers from memory again once it has seen the current version.
      const version = Number(await store.currentResourceVersion());
      feed.sinks[1]!.onProgress(version);
      const hits = expiring.stats().hits;
      expect(names((await expiring.list('Pod', { namespace: 'a' })).items)).toContain('a/relisted');
      expect(expiring.stats().hits).toBe(hits + 1);
    } finally {
      expiring.stop();
      await store.delete('Pod', 'a', 'relisted');
    }
  });
});

function newEvent(namespace: string, name: string, about: { kind: 'Pod' | 'Node'; name: string }): ObjectInput<Event> {
  return {
    kind: 'Event',
    metadata: { name, namespace },
    involvedObject: { ...about, namespace },
    reason: 'Tested',
    message: `about ${about.kind} ${about.name}`,
    type: 'Normal',
    source: { component: 'test' },
    count: 1,
  };
}

/** The real store, counting the objects read one by one (get, getMany) and the lists. */
function countingReads(inner: RedisStore) {
  const counts = { objects: 0, lists: 0 };
  const wrapped = new Proxy(inner, {
    get(target, property) {
      if (property === 'getMany') {
        return (kind: Kind, refs: readonly { namespace?: string; name: string }[]) => {
          counts.objects += refs.length;
          return target.getMany(kind, refs);
        };
      }
      if (property === 'list') {
        return (kind: Kind, options?: ListOptions) => {
          counts.lists++;
          return target.list(kind, options);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as ChangeFeedStore;
  return { store: wrapped, counts };
}

describe('CachedReadStore for Events (kept as an index of involvedObject.name)', () => {
  let events: CachedReadStore;
  let reads: ReturnType<typeof countingReads>['counts'];

  beforeAll(async () => {
    // 40 events about six pods in two namespaces and one about a node; "p1" has events in both namespaces.
    for (let i = 0; i < 40; i++) {
      const ns = i % 4 === 0 ? 'a-b' : 'a';
      await store.create('Event', newEvent(ns, `ev-${i}`, { kind: 'Pod', name: `p${i % 6}` }));
    }
    await store.create('Event', newEvent('a', 'ev-node', { kind: 'Node', name: 'p1' }));
    const counting = countingReads(store);
    reads = counting.counts;
    events = new CachedReadStore(counting.store).warm(['Event']);
    await waitFor(
      async () => {
        const before = events.stats().hits;
        await events.list('Event', { fieldSelector: 'involvedObject.name=p1' });
        return events.stats().hits > before;
      },
      { message: 'the Event index to be ready' },
    );
  });

  afterAll(() => events?.stop());

  it('lists what the store lists, reading only the events of the object asked for', async () => {
    const cases: ListOptions[] = [
      { namespace: 'a', fieldSelector: 'involvedObject.name=p1' },
      { fieldSelector: 'involvedObject.name=p1' },
      { namespace: 'a', fieldSelector: 'involvedObject.kind=Pod,involvedObject.name=p1' },
      { namespace: 'a-b', fieldSelector: 'involvedObject.name=p4,reason=Tested' },
      { namespace: 'a', fieldSelector: 'involvedObject.name=nothing' },
      { namespace: 'b', fieldSelector: 'involvedObject.name=p1' },
    ];
    for (const options of cases) {
      const expected = await store.list('Event', options);
      const before = { ...reads };
      const actual = await events.list('Event', options);
      expect(names(actual.items), JSON.stringify(options)).toEqual(names(expected.items));
      expect(actual.items).toEqual(expected.items);
      expect(reads.lists, JSON.stringify(options)).toBe(before.lists);
      // The objects of that name in that namespace (the Node event about "p1" too), not the 41 events.
      expect(reads.objects - before.objects).toBeLessThanOrEqual(expected.items.length + 1);
    }
    expect(
      names((await events.list('Event', { namespace: 'a', fieldSelector: 'involvedObject.name=p1' })).items),
    ).toEqual(['a/ev-1', 'a/ev-13', 'a/ev-19', 'a/ev-25', 'a/ev-31', 'a/ev-37', 'a/ev-7', 'a/ev-node']);
  });

  it('pages with continue tokens that the store accepts', async () => {
    const options = { fieldSelector: 'involvedObject.kind=Pod,involvedObject.name=p2' };
    const all = names((await store.list('Event', options)).items);
    expect(all.length).toBeGreaterThan(4);
    const seen: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < 20; page++) {
      const from = page % 2 === 0 ? events : store;
      const result = await from.list('Event', { ...options, limit: 2, ...(token ? { continue: token } : {}) });
      seen.push(...names(result.items));
      token = result.continue;
      if (!token) break;
    }
    expect(seen).toEqual(all);
  });

  it('reads every other list and get of Events from the store', async () => {
    const before = reads.lists;
    expect(names((await events.list('Event', { namespace: 'a' })).items)).toEqual(
      names((await store.list('Event', { namespace: 'a' })).items),
    );
    expect(names((await events.list('Event', { fieldSelector: 'involvedObject.name!=p1' })).items)).toEqual(
      names((await store.list('Event', { fieldSelector: 'involvedObject.name!=p1' })).items),
    );
    expect(reads.lists).toBe(before + 2);
    expect(await events.get('Event', 'a', 'ev-1')).toEqual(await store.get('Event', 'a', 'ev-1'));
    await expect(events.get('Event', 'a', 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it("follows writes that finished before the read started, its own or another process's", async () => {
    const about = (name: string) => ({ namespace: 'b', fieldSelector: `involvedObject.name=${name}` });
    for (let i = 0; i < 10; i++) {
      const writer = i % 2 === 0 ? other : store;
      const created = await writer.create('Event', newEvent('b', `moving-${i}`, { kind: 'Pod', name: 'from' }));
      expect(names((await events.list('Event', about('from'))).items)).toEqual([`b/moving-${i}`]);
      // An Event's involvedObject can be changed: it moves to the other name's events.
      await writer.update('Event', { ...created, involvedObject: { ...created.involvedObject, name: 'to' } });
      expect(names((await events.list('Event', about('from'))).items)).toEqual([]);
      expect(names((await events.list('Event', about('to'))).items)).toEqual([`b/moving-${i}`]);
      await writer.delete('Event', 'b', `moving-${i}`);
      expect(names((await events.list('Event', about('to'))).items)).toEqual([]);
    }
  });
});
