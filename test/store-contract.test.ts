import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isCapstanError } from '../src/api/errors.ts';
import type { KubeObject, Pod } from '../src/api/types.ts';
import { MemoryStore } from '../src/store/memory-store.ts';
import type { Store, WatchEvent } from '../src/store/store.ts';
import { newPod } from './support/fixtures.ts';
import { newTestStore } from './support/store.ts';

/**
 * One suite over both stores: the in-memory store that unit tests (the node agent's) run on must keep the object
 * lifecycle the Redis store keeps, or those tests prove things about a store that does not exist.
 */

interface Subject {
  store: Store;
  dispose(): Promise<void>;
}

const STORES: [string, () => Promise<Subject>][] = [
  ['RedisStore', async () => newTestStore().then((store) => ({ store, dispose: () => store.dispose() }))],
  ['MemoryStore', async () => ({ store: new MemoryStore(), dispose: async () => {} })],
];

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (err) {
    if (isCapstanError(err)) return err.code;
    throw err;
  }
  return undefined;
}

/** The next `count` events of a watch, or a failure after a deadline. */
async function take<T>(watch: AsyncIterable<WatchEvent<T>> & { close(): void }, count: number) {
  const events: WatchEvent<T>[] = [];
  const timer = setTimeout(() => watch.close(), 5_000);
  for await (const event of watch) {
    events.push(event);
    if (events.length >= count) break;
  }
  clearTimeout(timer);
  watch.close();
  return events;
}

const boundPod = (name: string) => newPod(name, { nodeName: 'n1' });

describe.each(STORES)('store contract: %s', (_name, open) => {
  let subject: Subject;
  let store: Store;
  beforeEach(async () => {
    subject = await open();
    store = subject.store;
  });
  afterEach(async () => {
    await subject.dispose();
  });

  it('fills in a create: uid, generation 1, resourceVersion, apiVersion and defaults; generateName gets a suffix', async () => {
    const created = await store.create('Pod', newPod('web'));
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata.generation).toBe(1);
    expect(Number(created.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(created.apiVersion).toBe('v1');
    expect(created.spec?.restartPolicy).toBe('Always');
    expect(await store.get('Pod', 'default', 'web')).toEqual(created);
    const generated = await store.create('Pod', { ...newPod(''), metadata: { generateName: 'web-' } });
    expect(generated.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(generated.metadata.namespace).toBe('default');
  });

  it('refuses a duplicate with ALREADY_EXISTS, a missing object with NOT_FOUND, an invalid one with INVALID', async () => {
    await store.create('Pod', newPod('dup'));
    expect(await codeOf(store.create('Pod', newPod('dup')))).toBe('ALREADY_EXISTS');
    expect(await codeOf(store.get('Pod', 'default', 'nope'))).toBe('NOT_FOUND');
    expect(await codeOf(store.delete('Pod', 'default', 'nope'))).toBe('NOT_FOUND');
    const before = await store.currentResourceVersion();
    expect(await codeOf(store.create('Pod', newPod('Bad_Name')))).toBe('INVALID');
    expect(await codeOf(store.update('Pod', { ...newPod('dup'), kind: 'Service' } as never))).toBe('INVALID');
    expect(await store.currentResourceVersion()).toBe(before);
  });

  it('bumps generation on spec changes only, keeps status on update and spec on a status write', async () => {
    const created = await store.create('Pod', newPod('gen'));
    const labelled = await store.update('Pod', { ...created, metadata: { ...created.metadata, labels: { a: 'b' } } });
    expect(labelled.metadata.generation).toBe(1);
    const withStatus = await store.updateStatus('Pod', { ...labelled, status: { phase: 'Running' } });
    expect(withStatus.metadata.generation).toBe(1);
    const spec = structuredClone(withStatus.spec!);
    spec.containers[0]!.image = 'capstan/hello:v2';
    const changed = await store.update('Pod', { ...withStatus, spec, status: { phase: 'Failed' } });
    expect(changed.metadata.generation).toBe(2);
    expect(changed.status?.phase).toBe('Running');
    expect(changed.metadata.labels).toEqual({ a: 'b' });
    const statusOnly = await store.updateStatus('Pod', { ...changed, spec: created.spec, status: { phase: 'Failed' } });
    expect(statusOnly.spec?.containers[0]?.image).toBe('capstan/hello:v2');
    expect(statusOnly.status?.phase).toBe('Failed');
  });

  it('is a compare-and-set: a stale resourceVersion is a CONFLICT; a write that changes nothing keeps the version', async () => {
    const created = await store.create('Pod', newPod('cas'));
    const moved = await store.update('Pod', { ...created, metadata: { ...created.metadata, labels: { v: '1' } } });
    expect(await codeOf(store.update('Pod', created))).toBe('CONFLICT');
    expect(
      await codeOf(store.delete('Pod', 'default', 'cas', { resourceVersion: created.metadata.resourceVersion })),
    ).toBe('CONFLICT');
    const same = await store.update('Pod', moved);
    expect(same.metadata.resourceVersion).toBe(moved.metadata.resourceVersion);
    const mutated = await store.mutate('Pod', 'default', 'cas', (pod) => {
      pod.metadata.labels = { ...pod.metadata.labels, w: '2' };
      return pod;
    });
    expect(mutated.metadata.labels).toEqual({ v: '1', w: '2' });
  });

  it('dry run answers as the write would and writes nothing', async () => {
    const before = await store.currentResourceVersion();
    const dry = await store.create('Pod', newPod('dry'), { dryRun: true });
    expect(dry.metadata.name).toBe('dry');
    expect(await store.tryGet('Pod', 'default', 'dry')).toBeUndefined();
    expect(await store.currentResourceVersion()).toBe(before);
  });

  it('removes an unbound pod at once and keeps a bound one for its grace period, which a repeat may only shorten', async () => {
    await store.create('Pod', newPod('loose'));
    const gone = await store.delete('Pod', 'default', 'loose');
    expect(gone.metadata.deletionTimestamp).toBeDefined();
    expect(await store.tryGet('Pod', 'default', 'loose')).toBeUndefined();

    await store.create('Pod', boundPod('bound'));
    const marked = await store.delete('Pod', 'default', 'bound', { gracePeriodSeconds: 20 });
    expect(marked.metadata.deletionGracePeriodSeconds).toBe(20);
    const longer = await store.delete('Pod', 'default', 'bound', { gracePeriodSeconds: 60 });
    expect(longer.metadata.deletionGracePeriodSeconds).toBe(20);
    expect(longer.metadata.deletionTimestamp).toBe(marked.metadata.deletionTimestamp);
    const shorter = await store.delete('Pod', 'default', 'bound', { gracePeriodSeconds: 5 });
    expect(shorter.metadata.deletionGracePeriodSeconds).toBe(5);
    expect((await store.get('Pod', 'default', 'bound')).metadata.deletionGracePeriodSeconds).toBe(5);
    await store.delete('Pod', 'default', 'bound', { gracePeriodSeconds: 0 });
    expect(await store.tryGet('Pod', 'default', 'bound')).toBeUndefined();
  });

  it('keeps an object while finalizers hold it (Foreground and Orphan add theirs) and removes it when the last goes', async () => {
    const held = await store.create('ConfigMap', {
      kind: 'ConfigMap',
      metadata: { name: 'held', namespace: 'default', finalizers: ['example.com/hold'] },
      data: {},
    });
    const marked = await store.delete('ConfigMap', 'default', 'held', { propagationPolicy: 'Foreground' });
    expect(marked.metadata.deletionTimestamp).toBeDefined();
    expect(marked.metadata.finalizers).toEqual(['example.com/hold', 'foregroundDeletion']);
    const orphaned = await store.create('ConfigMap', { kind: 'ConfigMap', metadata: { name: 'orphaned' }, data: {} });
    expect(
      (await store.delete('ConfigMap', 'default', 'orphaned', { propagationPolicy: 'Orphan' })).metadata.finalizers,
    ).toEqual(['orphan']);
    expect(orphaned.metadata.finalizers).toBeUndefined();
    const current = await store.get('ConfigMap', 'default', 'held');
    expect(current.metadata.uid).toBe(held.metadata.uid);
    await store.update('ConfigMap', { ...current, metadata: { ...current.metadata, finalizers: [] } });
    expect(await store.tryGet('ConfigMap', 'default', 'held')).toBeUndefined();
  });

  it('marks a deleted namespace Terminating, keeps it for its finalizer and refuses new objects in it', async () => {
    await store.create('Namespace', { kind: 'Namespace', metadata: { name: 'contract-ns' }, spec: {} });
    const marked = await store.delete('Namespace', undefined, 'contract-ns');
    expect(marked.status?.phase).toBe('Terminating');
    expect(marked.metadata.finalizers).toEqual(['kubernetes']);
    expect(await codeOf(store.create('Pod', newPod('late', { namespace: 'contract-ns' })))).toBe('FORBIDDEN');
    const ns = await store.get('Namespace', undefined, 'contract-ns');
    await store.update('Namespace', { ...ns, metadata: { ...ns.metadata, finalizers: [] } });
    expect(await store.tryGet('Namespace', undefined, 'contract-ns')).toBeUndefined();
  });

  it('watches from a resourceVersion: ADDED, MODIFIED, then DELETED with the last state', async () => {
    const since = await store.currentResourceVersion();
    const created = await store.create('Pod', boundPod('watched'));
    await store.delete('Pod', 'default', 'watched', { gracePeriodSeconds: 30 });
    await store.delete('Pod', 'default', 'watched', { gracePeriodSeconds: 0 });
    const events = await take(store.watch('Pod', { namespace: 'default', sinceResourceVersion: since }), 3);
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    const last = events[2]!.object as Pod;
    expect(last.metadata.uid).toBe(created.metadata.uid);
    expect(last.metadata.deletionTimestamp).toBeDefined();
    expect(Number(last.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));
    expect((events[1]!.object as KubeObject).metadata.deletionTimestamp).toBeDefined();
  });
});
