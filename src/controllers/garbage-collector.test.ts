import { describe, expect, it, vi } from 'vitest';
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER } from '../api/types.ts';
import type { KubeObject } from '../api/types.ts';
import { MemoryStore } from '../store/memory-store.ts';
import { createLogger } from '../util/logger.ts';
import type { ControllerContext } from './controller-context.ts';
import { GarbageCollector, OwnerIndex } from './garbage-collector.ts';

type Meta = Pick<KubeObject, 'kind' | 'metadata'>;

function obj(uid: string, extra: Partial<KubeObject['metadata']> = {}): Meta {
  return { kind: 'Pod', metadata: { name: uid, namespace: 'ns', uid, resourceVersion: '1', ...extra } } as Meta;
}

const ownedBy = (uid: string, owner: string, extra: Partial<KubeObject['metadata']> = {}): Meta =>
  obj(uid, {
    ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicationController', name: owner, uid: owner }],
    ...extra,
  });

describe('OwnerIndex (what makes work for a garbage-collection pass)', () => {
  it('finds no work in deleting pods that nothing owns and that own nothing, as a namespace deletion does', () => {
    const index = new OwnerIndex();
    const pods = Array.from({ length: 100 }, (_, i) => obj(`pod-${i}`));
    for (const pod of pods) {
      index.add(pod);
      expect(index.addMakesWork(pod)).toBe(false);
    }
    for (const pod of pods) {
      index.remove(pod);
      expect(index.deleteMakesWork(pod)).toBe(false);
    }
  });

  it('finds work when an owner goes while something still references it, and none once its dependents went', () => {
    const index = new OwnerIndex();
    const rc = obj('rc');
    const pod = ownedBy('pod', 'rc');
    index.add(rc);
    index.add(pod);
    expect(index.addMakesWork(pod)).toBe(false);
    index.remove(rc);
    expect(index.deleteMakesWork(rc)).toBe(true);

    const other = obj('rc2');
    const child = ownedBy('child', 'rc2');
    index.add(other);
    index.add(child);
    index.remove(child);
    expect(index.deleteMakesWork(child)).toBe(false);
    index.remove(other);
    expect(index.deleteMakesWork(other)).toBe(false);
  });

  it('finds work in a dependent added with its owner absent or being deleted', () => {
    const index = new OwnerIndex();
    const orphan = ownedBy('pod', 'missing');
    index.add(orphan);
    expect(index.addMakesWork(orphan)).toBe(true);

    const deleting = obj('rc', { deletionTimestamp: '2026-12-02T00:00:00Z', finalizers: [FOREGROUND_FINALIZER] });
    const late = ownedBy('late', 'rc');
    index.add(deleting);
    index.add(late);
    expect(index.addMakesWork(late)).toBe(true);
  });

  it('finds work when the last dependent of a foreground deletion goes, so the finalizer can be removed', () => {
    const index = new OwnerIndex();
    const owner = obj('rc', { deletionTimestamp: '2026-12-02T00:00:00Z', finalizers: [FOREGROUND_FINALIZER] });
    const pod = ownedBy('pod', 'rc');
    index.add(owner);
    index.add(pod);
    index.remove(pod);
    expect(index.deleteMakesWork(pod)).toBe(true);
  });

  it('finds work in an object added while being deleted with a finalizer the collector carries out', () => {
    const index = new OwnerIndex();
    const orphaning = obj('rc', { deletionTimestamp: '2026-12-02T00:00:00Z', finalizers: [ORPHAN_FINALIZER] });
    index.add(orphaning);
    expect(index.addMakesWork(orphaning)).toBe(true);
    const other = obj('pvc', { deletionTimestamp: '2026-12-02T00:00:00Z', finalizers: ['example.com/keep'] });
    index.add(other);
    expect(index.addMakesWork(other)).toBe(false);
  });

  it('keeps the reference counts right over updates that change the owners', () => {
    const index = new OwnerIndex();
    const a = obj('a');
    const b = obj('b');
    const pod = ownedBy('pod', 'a');
    for (const o of [a, b, pod]) index.add(o);
    // The pod changes owner from a to b (an update: previous out, current in).
    const moved = ownedBy('pod', 'b');
    index.remove(pod);
    index.add(moved);
    index.remove(a);
    expect(index.deleteMakesWork(a)).toBe(false);
    index.remove(b);
    expect(index.deleteMakesWork(b)).toBe(true);
  });
});

describe('OwnerIndex as the view a pass plans from', () => {
  it('walks only the objects with owners and the owners being finalized, also across updates', () => {
    const index = new OwnerIndex();
    const rc = obj('rc');
    const pod = ownedBy('pod', 'rc');
    index.add(rc);
    index.add(pod);
    for (let i = 0; i < 1000; i++) index.add(obj(`plain-${i}`));
    expect([...index.dependents].map((o) => o.metadata.uid)).toEqual(['pod']);
    expect([...index.finalizing]).toEqual([]);
    // The RC deleted with the orphan finalizer: it is finalized; the pod let go of it: no longer a dependent.
    const orphaning = obj('rc', { deletionTimestamp: '2026-12-07T00:00:00Z', finalizers: [ORPHAN_FINALIZER] });
    index.remove(rc);
    index.add(orphaning);
    expect([...index.finalizing].map((o) => o.metadata.uid)).toEqual(['rc']);
    const released = obj('pod');
    index.remove(pod);
    index.add(released);
    expect([...index.dependents]).toEqual([]);
    expect(index.byUid('pod')).toBe(released);
    index.remove(orphaning);
    expect([...index.finalizing]).toEqual([]);
    expect(index.byUid('rc')).toBeUndefined();
  });
});

describe('GarbageCollector at scale', () => {
  it('collects an orphan among 150,000 cached objects (a list too long to spread into push)', async () => {
    const store = new MemoryStore();
    await store.create('Namespace', { kind: 'Namespace', metadata: { name: 'ns' }, spec: {} });
    const orphan = await store.create('Pod', {
      kind: 'Pod',
      metadata: {
        name: 'orphan',
        namespace: 'ns',
        ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'gone', uid: 'uid-gone' }],
      },
      spec: { containers: [{ name: 'c', image: 'capstan/hello:1' }] },
    });
    // The informers' cache: the orphan among 150,000 pods that nothing owns.
    const cached: KubeObject[] = Array.from({ length: 150_000 }, (_, i) => ({
      apiVersion: 'v1',
      ...obj(`uid-${i}`),
    })) as KubeObject[];
    cached.push(orphan);
    // The informers hand their cache to the collector's handlers, as an informer's first list does.
    const informers = {
      get: (kind: string) => ({
        addHandler: (handler: { onAdd: (object: KubeObject) => void }) => {
          if (kind === 'Pod') for (const object of cached) handler.onAdd(object);
        },
        list: () => (kind === 'Pod' ? cached : []),
      }),
    };
    const logger = createLogger({ level: 'silent' });
    const ctx = { store, informers, logger, events: {} } as unknown as ControllerContext;
    const collector = new GarbageCollector(ctx, { resyncMs: 60_000 });
    const running = collector.run();
    try {
      await vi.waitFor(async () => expect(await store.tryGet('Pod', 'ns', 'orphan')).toBeUndefined(), {
        timeout: 20_000,
        interval: 50,
      });
    } finally {
      collector.stop();
      await running;
    }
  });
});
