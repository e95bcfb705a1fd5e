import { describe, expect, it } from 'vitest';
import { isCapstanError } from '../api/errors.ts';
import { FOREGROUND_FINALIZER, NAMESPACE_FINALIZER, ORPHAN_FINALIZER } from '../api/types.ts';
import type { KubeObject, ObjectInput } from '../api/types.ts';
import { finalize, isReleased, isTerminating, markDeleted, mergeUpdate, prepareCreate } from './object-lifecycle.ts';

function newPod(options: { nodeName?: string; grace?: number; finalizers?: string[] } = {}): KubeObject {
  const input: ObjectInput = {
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' }, finalizers: options.finalizers },
    spec: {
      containers: [{ name: 'web', image: 'capstan/hello:latest' }],
      nodeName: options.nodeName,
      terminationGracePeriodSeconds: options.grace,
    },
  } as ObjectInput;
  const pod = prepareCreate('Pod', input);
  pod.metadata.resourceVersion = '7';
  pod.status = { phase: 'Running' } as KubeObject['status'];
  return pod;
}

function newNamespace(): KubeObject {
  const ns = prepareCreate('Namespace', { kind: 'Namespace', metadata: { name: 'shop' }, spec: {} } as ObjectInput);
  ns.metadata.resourceVersion = '3';
  return ns;
}

describe('Object lifecycle: create', () => {
  it('fills in identity, generation 1, the creation time, the API version and the default namespace', () => {
    const pod = prepareCreate('Pod', {
      metadata: { name: 'web' },
      spec: { containers: [{ name: 'web', image: 'capstan/hello:latest' }] },
    } as ObjectInput);
    expect(pod).toMatchObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' } });
    expect(pod.metadata.generation).toBe(1);
    expect(pod.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(pod.metadata.creationTimestamp)).not.toBeNaN();
    expect(pod.metadata.resourceVersion).toBeUndefined();
  });

  it('generates a name from generateName and drops deletion fields and the namespace of cluster-scoped kinds', () => {
    const node = prepareCreate('Node', {
      metadata: { generateName: 'worker-', namespace: 'shop', deletionTimestamp: 'x', deletionGracePeriodSeconds: 3 },
      spec: {},
    } as unknown as ObjectInput);
    expect(node.metadata.name).toMatch(/^worker-[a-z0-9]{5}$/);
    expect(node.metadata.namespace).toBeUndefined();
    expect(node.metadata.deletionTimestamp).toBeUndefined();
    expect(node.metadata.deletionGracePeriodSeconds).toBeUndefined();
  });

  it('defaults an object whose deletion fields had the wrong type (they are dropped first)', () => {
    for (const deletionTimestamp of ['soon', 7]) {
      const pod = prepareCreate('Pod', {
        metadata: { name: 'web', deletionTimestamp, resourceVersion: { a: 1 } },
        spec: { containers: [{ name: 'web', image: 'capstan/hello' }] },
      } as unknown as ObjectInput);
      expect(pod.metadata.deletionTimestamp).toBeUndefined();
      expect(pod.metadata.resourceVersion).toBeUndefined();
      expect(pod.spec).toMatchObject({ restartPolicy: 'Always', terminationGracePeriodSeconds: 30 });
    }
  });

  it('refuses an input that names another kind (INVALID)', () => {
    let error: unknown;
    try {
      prepareCreate('Pod', { kind: 'Service', metadata: { name: 'web' }, spec: {} } as ObjectInput);
    } catch (err) {
      error = err;
    }
    expect(isCapstanError(error, 'INVALID')).toBe(true);
    expect((error as Error).message).toContain('must be Pod, got Service');
  });
});

describe('Object lifecycle: update', () => {
  it('takes spec and user-owned metadata from the update, keeps status and identity', () => {
    const current = newPod();
    const next = structuredClone(current);
    next.metadata.labels = { app: 'shop' };
    next.metadata.uid = 'forged';
    next.status = { phase: 'Failed' } as KubeObject['status'];
    delete next.metadata.annotations;
    const merged = mergeUpdate(current, next);
    expect(merged.metadata.labels).toEqual({ app: 'shop' });
    expect(merged.metadata.uid).toBe(current.metadata.uid);
    expect(merged.status).toEqual({ phase: 'Running' });
  });

  it('bumps generation when the spec changes, not when only metadata or status does', () => {
    const current = newPod();
    const relabelled = mergeUpdate(current, { ...current, metadata: { ...current.metadata, labels: { a: 'b' } } });
    expect(finalize(current, relabelled).metadata.generation).toBe(1);
    const respecced = structuredClone(current);
    (respecced.spec as { containers: { image: string }[] }).containers[0]!.image = 'capstan/busybox:latest';
    expect(finalize(current, mergeUpdate(current, respecced)).metadata.generation).toBe(2);
  });

  it('keeps the fields only the store may set', () => {
    const current = newPod();
    const desired = structuredClone(current);
    desired.metadata = { ...desired.metadata, name: 'other', namespace: 'elsewhere', uid: 'u', resourceVersion: '1' };
    const written = finalize(current, desired);
    expect(written.metadata).toMatchObject({
      name: 'web',
      namespace: 'shop',
      uid: current.metadata.uid,
      resourceVersion: '7',
      creationTimestamp: current.metadata.creationTimestamp,
    });
  });
});

describe('Object lifecycle: delete', () => {
  it('removes an object nothing holds at once', () => {
    const marked = markDeleted(newPod(), {});
    expect(marked.metadata.deletionTimestamp).toBeDefined();
    expect(marked.metadata.deletionGracePeriodSeconds).toBe(0);
    expect(isReleased(marked)).toBe(true);
  });

  it('keeps a pod bound to a node for its grace period, which a repeated delete may shorten but not lengthen', () => {
    const first = markDeleted(newPod({ nodeName: 'n1', grace: 20 }), {});
    expect(first.metadata.deletionGracePeriodSeconds).toBe(20);
    expect(isReleased(first)).toBe(false);
    expect(markDeleted(first, { gracePeriodSeconds: 60 }).metadata.deletionGracePeriodSeconds).toBe(20);
    const now = markDeleted(first, { gracePeriodSeconds: 0 });
    expect(now.metadata.deletionGracePeriodSeconds).toBe(0);
    expect(now.metadata.deletionTimestamp).toBe(first.metadata.deletionTimestamp);
    expect(isReleased(now)).toBe(true);
  });

  it('keeps an object with finalizers; Foreground and Orphan propagation add theirs', () => {
    expect(isReleased(markDeleted(newPod({ finalizers: ['example.com/hold'] }), {}))).toBe(false);
    expect(markDeleted(newPod(), { propagationPolicy: 'Foreground' }).metadata.finalizers).toEqual([
      FOREGROUND_FINALIZER,
    ]);
    expect(markDeleted(newPod(), { propagationPolicy: 'Orphan' }).metadata.finalizers).toEqual([ORPHAN_FINALIZER]);
  });

  it('turns a namespace Terminating with its finalizer, so creates in it are refused until it is emptied', () => {
    const ns = newNamespace();
    expect(isTerminating(ns)).toBe(false);
    const marked = markDeleted(ns, {});
    expect(marked.status).toMatchObject({ phase: 'Terminating' });
    expect(marked.metadata.finalizers).toEqual([NAMESPACE_FINALIZER]);
    expect(isTerminating(marked)).toBe(true);
    expect(isReleased(marked)).toBe(false);
    // Once the namespace controller removed the finalizer, a second delete does not put it back.
    const emptied = { ...marked, metadata: { ...marked.metadata, finalizers: [] } };
    expect(isReleased(markDeleted(emptied, {}))).toBe(true);
  });
});
