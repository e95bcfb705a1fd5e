import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isCapstanError } from '../src/api/errors.ts';
import type { KubeObject, Pod } from '../src/api/types.ts';
import type { WatchEvent } from '../src/store/store.ts';
import { newTestStore } from './support/store.ts';
import { newPod, newReplicationController } from './support/fixtures.ts';

type TestStore = Awaited<ReturnType<typeof newTestStore>>;

async function errorOf(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    return { code: isCapstanError(err) ? err.code : undefined, message: (err as Error).message };
  }
  throw new Error('expected the call to fail');
}

/** Collects `count` events from a watch, or fails after a deadline. */
async function collect<T>(
  watch: AsyncIterable<WatchEvent<T>>,
  count: number,
  timeoutMs = 10_000,
): Promise<WatchEvent<T>[]> {
  const events: WatchEvent<T>[] = [];
  const timer = setTimeout(() => (watch as unknown as { close(): void }).close(), timeoutMs);
  for await (const event of watch) {
    events.push(event);
    if (events.length >= count) break;
  }
  clearTimeout(timer);
  return events;
}

describe('Redis store', () => {
  let store: TestStore;
  beforeEach(async () => {
    store = await newTestStore();
  });
  afterEach(async () => {
    await store.dispose();
  });

  it('creates an object with server-assigned metadata and reads it back', async () => {
    const created = await store.create('Pod', newPod('web-1', { labels: { app: 'web' } }));
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata.generation).toBe(1);
    expect(Number(created.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(created.apiVersion).toBe('v1');
    expect(created.spec?.restartPolicy).toBe('Always');
    const read = await store.get('Pod', 'default', 'web-1');
    expect(read).toEqual(created);
  });

  it('refuses a duplicate name with ALREADY_EXISTS and a missing object with NOT_FOUND', async () => {
    await store.create('Pod', newPod('dup'));
    expect((await errorOf(store.create('Pod', newPod('dup')))).code).toBe('ALREADY_EXISTS');
    const missing = await errorOf(store.get('Pod', 'default', 'nope'));
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toContain('Pod default/nope not found');
  });

  it('generates a name from generateName', async () => {
    const pod = newPod('');
    pod.metadata = { generateName: 'web-', namespace: 'default' };
    const created = await store.create('Pod', pod);
    expect(created.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
  });

  it('refuses objects in a namespace that does not exist', async () => {
    const err = await errorOf(store.create('Pod', newPod('x', { namespace: 'ghost' })));
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toContain('namespace ghost not found');
  });

  it('rejects invalid objects naming the field, and writes nothing', async () => {
    const before = await store.currentResourceVersion();
    const err = await errorOf(store.create('Pod', newPod('Bad_Name')));
    expect(err.code).toBe('INVALID');
    expect(err.message).toContain('metadata.name');
    expect(await store.currentResourceVersion()).toBe(before);
    expect(await store.tryGet('Pod', 'default', 'Bad_Name')).toBeUndefined();
  });

  it('update is a compare-and-set: a stale resourceVersion is a CONFLICT, never an overwrite', async () => {
    const created = await store.create('ReplicationController', newReplicationController('rc', { replicas: 1 }));
    const first = structuredClone(created);
    first.spec!.replicas = 2;
    const updated = await store.update('ReplicationController', first);
    expect(updated.metadata.generation).toBe(2);
    const stale = structuredClone(created);
    stale.spec!.replicas = 5;
    const err = await errorOf(store.update('ReplicationController', stale));
    expect(err.code).toBe('CONFLICT');
    expect((await store.get('ReplicationController', 'default', 'rc')).spec?.replicas).toBe(2);
  });

  it('keeps status on update and spec on status update; only spec changes bump generation', async () => {
    const rc = await store.create('ReplicationController', newReplicationController('rc'));
    const withStatus = await store.updateStatus('ReplicationController', {
      ...rc,
      status: { replicas: 1, readyReplicas: 1 },
    });
    expect(withStatus.metadata.generation).toBe(1);
    expect(withStatus.status?.readyReplicas).toBe(1);
    const relabelled = await store.update('ReplicationController', {
      ...withStatus,
      metadata: { ...withStatus.metadata, labels: { team: 'a' } },
      status: { replicas: 99 },
    });
    expect(relabelled.status?.replicas).toBe(1);
    expect(relabelled.metadata.generation).toBe(1);
    expect(relabelled.metadata.labels).toEqual({ team: 'a' });
  });

  it('refuses changes to immutable fields', async () => {
    const rc = await store.create('ReplicationController', newReplicationController('rc', { labels: { app: 'a' } }));
    const changed = structuredClone(rc);
    changed.spec!.selector = { app: 'b' };
    changed.spec!.template.metadata = { labels: { app: 'b' } };
    const err = await errorOf(store.update('ReplicationController', changed));
    expect(err.code).toBe('INVALID');
    expect(err.message).toContain('spec.selector');
  });

  it('50 concurrent read-modify-write writers lose no update; losers get CONFLICT', async () => {
    await store.create('ReplicationController', newReplicationController('counter', { replicas: 0 }));
    let conflicts = 0;
    const writer = async () => {
      for (;;) {
        const current = await store.get('ReplicationController', 'default', 'counter');
        current.spec!.replicas = (current.spec!.replicas ?? 0) + 1;
        try {
          await store.update('ReplicationController', current);
          return;
        } catch (err) {
          if (!isCapstanError(err, 'CONFLICT')) throw err;
          conflicts++;
        }
      }
    };
    await Promise.all(Array.from({ length: 50 }, writer));
    const final = await store.get('ReplicationController', 'default', 'counter');
    expect(final.spec?.replicas).toBe(50);
    expect(final.metadata.generation).toBe(51);
    expect(conflicts).toBeGreaterThan(0);
  });

  it('dry run validates and returns the result but writes nothing', async () => {
    const before = await store.currentResourceVersion();
    const result = await store.create('Pod', newPod('dry'), { dryRun: true });
    expect(result.metadata.name).toBe('dry');
    expect(await store.tryGet('Pod', 'default', 'dry')).toBeUndefined();
    await store.create('Pod', newPod('real'));
    const afterCreate = await store.currentResourceVersion();
    await store.delete('Pod', 'default', 'real', { dryRun: true });
    expect(await store.tryGet('Pod', 'default', 'real')).toBeDefined();
    expect(await store.currentResourceVersion()).toBe(afterCreate);
    expect(Number(afterCreate)).toBe(Number(before) + 1);
  });

  it('lists by namespace, label selector and field selector, page by page', async () => {
    await store.create('Namespace', { kind: 'Namespace', metadata: { name: 'other' } });
    for (let i = 0; i < 25; i++) {
      await store.create(
        'Pod',
        newPod(`p${String(i).padStart(2, '0')}`, {
          labels: { app: i % 2 ? 'odd' : 'even' },
          nodeName: i < 5 ? 'n1' : undefined,
        }),
      );
    }
    await store.create('Pod', newPod('elsewhere', { namespace: 'other', labels: { app: 'odd' } }));
    expect((await store.list('Pod')).items).toHaveLength(26);
    expect((await store.list('Pod', { namespace: 'default' })).items).toHaveLength(25);
    expect((await store.list('Pod', { labelSelector: 'app=odd' })).items).toHaveLength(13);
    expect((await store.list('Pod', { namespace: 'default', labelSelector: 'app in (odd)' })).items).toHaveLength(12);
    expect((await store.list('Pod', { fieldSelector: 'spec.nodeName=n1' })).items.map((p) => p.metadata.name)).toEqual([
      'p00',
      'p01',
      'p02',
      'p03',
      'p04',
    ]);
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await store.list('Pod', {
        namespace: 'default',
        labelSelector: 'app=even',
        limit: 4,
        continue: token,
      });
      names.push(...page.items.map((p) => p.metadata.name));
      token = page.continue;
      pages++;
    } while (token);
    expect(names).toEqual(['p00', 'p02', 'p04', 'p06', 'p08', 'p10', 'p12', 'p14', 'p16', 'p18', 'p20', 'p22', 'p24']);
    expect(pages).toBe(4);
    const err = await errorOf(store.list('Pod', { labelSelector: 'app==' + '=x' }));
    expect(err.code).toBe('INVALID');
  });

  it('watch delivers ADDED, MODIFIED and DELETED in order', async () => {
    const since = await store.currentResourceVersion();
    const events = collect(store.watch('Pod', { namespace: 'default', sinceResourceVersion: since }), 3);
    const pod = await store.create('Pod', newPod('w'));
    await store.update('Pod', { ...pod, metadata: { ...pod.metadata, labels: { a: 'b' } } });
    await store.delete('Pod', 'default', 'w');
    const got = await events;
    expect(got.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(got[1]!.object.metadata.labels).toEqual({ a: 'b' });
    const rvs = got.map((e) => Number(e.object.metadata.resourceVersion));
    expect(rvs[0]! < rvs[1]! && rvs[1]! < rvs[2]!).toBe(true);
  });

  it('a filtered watch sees an object leave its selector as DELETED and enter as ADDED', async () => {
    const since = await store.currentResourceVersion();
    const pod = await store.create('Pod', newPod('mover', { labels: { tier: 'web' } }));
    const moved = await store.update('Pod', { ...pod, metadata: { ...pod.metadata, labels: { tier: 'db' } } });
    await store.update('Pod', { ...moved, metadata: { ...moved.metadata, labels: { tier: 'web' } } });
    const got = await collect(store.watch('Pod', { labelSelector: 'tier=web', sinceResourceVersion: since }), 3);
    expect(got.map((e) => e.type)).toEqual(['ADDED', 'DELETED', 'ADDED']);
  });

  it('a watcher disconnected mid-stream and resumed sees every change exactly once', async () => {
    const since = await store.currentResourceVersion();
    const writes = (async () => {
      for (let i = 0; i < 120; i++) await store.create('Pod', newPod(`r${i}`));
    })();
    const first = await collect(store.watch('Pod', { sinceResourceVersion: since }), 50);
    const resumeFrom = first[first.length - 1]!.object.metadata.resourceVersion;
    await writes;
    const rest = await collect(store.watch('Pod', { sinceResourceVersion: resumeFrom }), 70);
    const names = [...first, ...rest].map((e) => e.object.metadata.name);
    expect(names).toEqual(Array.from({ length: 120 }, (_, i) => `r${i}`));
  });

  it('a watch from a version older than the stream retention fails with EXPIRED', async () => {
    const small = await newTestStore({ streamMaxLen: 10 });
    try {
      const since = await small.currentResourceVersion();
      for (let i = 0; i < 300; i++) await small.create('Pod', newPod(`e${i}`));
      const watch = small.watch('Pod', { sinceResourceVersion: since });
      const err = await errorOf(collect(watch, 1));
      expect(err.code).toBe('EXPIRED');
      expect(err.message).toContain('re-list');
    } finally {
      await small.dispose();
    }
  });

  it('honours finalizers: delete marks, removing the last finalizer deletes', async () => {
    const pod = newPod('fin');
    pod.metadata.finalizers = ['example.com/hold'];
    await store.create('Pod', pod);
    const marked = await store.delete('Pod', 'default', 'fin');
    expect(marked.metadata.deletionTimestamp).toBeDefined();
    expect((await store.get('Pod', 'default', 'fin')).metadata.deletionTimestamp).toBeDefined();
    await store.mutate('Pod', 'default', 'fin', (p) => ({ ...p, metadata: { ...p.metadata, finalizers: [] } }));
    expect(await store.tryGet('Pod', 'default', 'fin')).toBeUndefined();
  });

  it('keeps a pod bound to a node until its node agent finishes it, and deletes unbound pods at once', async () => {
    await store.create('Pod', newPod('bound', { nodeName: 'n1' }));
    await store.create('Pod', newPod('unbound'));
    await store.delete('Pod', 'default', 'unbound');
    expect(await store.tryGet('Pod', 'default', 'unbound')).toBeUndefined();
    const marked = await store.delete('Pod', 'default', 'bound');
    expect(marked.metadata.deletionGracePeriodSeconds).toBe(30);
    expect((await store.get('Pod', 'default', 'bound')).metadata.deletionTimestamp).toBeDefined();
    await store.delete('Pod', 'default', 'bound', { gracePeriodSeconds: 0 });
    expect(await store.tryGet('Pod', 'default', 'bound')).toBeUndefined();
  });

  it('mutate retries on conflicts until its change lands', async () => {
    await store.create('ReplicationController', newReplicationController('m', { replicas: 0 }));
    await Promise.all(
      Array.from({ length: 20 }, () =>
        store.mutate('ReplicationController', 'default', 'm', (rc) => {
          rc.spec!.replicas = (rc.spec!.replicas ?? 0) + 1;
          return rc;
        }),
      ),
    );
    expect((await store.get('ReplicationController', 'default', 'm')).spec?.replicas).toBe(20);
  });

  it('getMany reads several objects in one round trip', async () => {
    for (const name of ['a', 'b', 'c']) await store.create('Pod', newPod(name));
    const before = store.stats().roundTrips;
    const got = await store.getMany('Pod', [
      { namespace: 'default', name: 'a' },
      { namespace: 'default', name: 'x' },
      { namespace: 'default', name: 'c' },
    ]);
    expect(store.stats().roundTrips - before).toBe(1);
    expect(got.map((p) => p?.metadata.name)).toEqual(['a', undefined, 'c']);
  });

  it('deleting a namespace marks it Terminating and refuses creates in it, atomically with the mark', async () => {
    await store.create('Namespace', { kind: 'Namespace', metadata: { name: 'gone' } });
    await store.create('Pod', newPod('x', { namespace: 'gone' }));
    const marked = await store.delete('Namespace', undefined, 'gone');
    expect(marked.status?.phase).toBe('Terminating');
    expect(marked.metadata.finalizers).toEqual(['kubernetes']);
    expect(await store.tryGet('Pod', 'gone', 'x')).toBeDefined();
    await expect(store.create('Pod', newPod('y', { namespace: 'gone' }))).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('namespace gone is being deleted'),
    });
  });
});

describe('watch fan-out', () => {
  it('many watchers share one stream reader connection', async () => {
    const store = await newTestStore();
    try {
      const clientsBefore = await store.redis.client('LIST');
      const since = await store.currentResourceVersion();
      const watches = Array.from({ length: 200 }, () => store.watch('Pod', { sinceResourceVersion: since }));
      const firsts = watches.map((w) => collect(w, 1));
      const created = (await store.create('Pod', newPod('fan'))) as KubeObject as Pod;
      const got = await Promise.all(firsts);
      expect(got.every((events) => events[0]?.object.metadata.uid === created.metadata.uid)).toBe(true);
      const clientsAfter = await store.redis.client('LIST');
      const count = (s: unknown) => String(s).trim().split('\n').length;
      expect(count(clientsAfter) - count(clientsBefore)).toBeLessThanOrEqual(1);
    } finally {
      await store.dispose();
    }
  });
});
