/**
 * The rules of an object's life in the store, free of Redis: what a create fills in, what an update may change,
 * when generation moves, how a delete marks an object (finalizers, propagation, a pod's grace period, a namespace's
 * Terminating phase) and when a marked object is removed. RedisStore applies them around its compare-and-set
 * scripts; these functions only compute objects.
 */
import { randomUUID } from 'node:crypto';
import { applyDefaults } from '../api/defaults.ts';
import { CapstanError } from '../api/errors.ts';
import {
  API_VERSIONS,
  FOREGROUND_FINALIZER,
  isNamespaced,
  NAMESPACE_FINALIZER,
  ORPHAN_FINALIZER,
} from '../api/types.ts';
import type { Kind, KindMap, KubeObject, ObjectInput } from '../api/types.ts';
import type { DeleteOptions } from './store.ts';

type Json = Record<string, unknown>;

const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * The object a create stores, before admission and validation: a generated name for `generateName`, a new uid,
 * generation 1, the creation time, the defaults, the `default` namespace for namespaced kinds; deletion fields a
 * client sent are dropped. INVALID when the input names another kind.
 */
export function prepareCreate(kind: Kind, input: ObjectInput): KubeObject {
  const source = structuredClone(input) as KubeObject;
  // The fields only the store sets go before the defaults: defaulting skips an object with a field of the wrong
  // type (a `deletionTimestamp: soon`), and that field, dropped after it, would leave the object undefaulted.
  const {
    deletionTimestamp: _deletion,
    deletionGracePeriodSeconds: _grace,
    resourceVersion: _rv,
    ...meta
  } = source.metadata;
  let name = meta.name ?? '';
  if (!name && meta.generateName) name = meta.generateName + randomSuffix();
  const object: KubeObject = applyDefaults({
    ...source,
    apiVersion: source.apiVersion ?? API_VERSIONS[kind],
    kind,
    metadata: {
      ...meta,
      name,
      uid: randomUUID(),
      generation: 1,
      creationTimestamp: new Date().toISOString(),
    },
  } as KubeObject);
  if (isNamespaced(kind)) object.metadata.namespace = meta.namespace || 'default';
  else delete object.metadata.namespace;
  if (source.kind && source.kind !== kind) {
    throw CapstanError.invalid([{ field: 'kind', message: `must be ${kind}, got ${source.kind}` }]);
  }
  return object;
}

/**
 * Applies an update's fields to the current object: spec, the payload of spec-less kinds, and the user-owned
 * metadata (labels, annotations, ownerReferences, finalizers) come from `next`; identity, timestamps and status
 * stay as stored.
 */
export function mergeUpdate(current: KubeObject, next: KubeObject | ObjectInput): KubeObject {
  const { metadata, status: _status, apiVersion: _apiVersion, kind: _kind, ...payload } = next as KubeObject;
  const merged: Json = { apiVersion: current.apiVersion, kind: current.kind, metadata: { ...current.metadata } };
  const currentMeta = merged.metadata as Json;
  for (const field of ['labels', 'annotations', 'ownerReferences', 'finalizers'] as const) {
    if (metadata[field] === undefined) delete currentMeta[field];
    else currentMeta[field] = metadata[field];
  }
  Object.assign(merged, payload);
  if (current.status !== undefined) merged.status = current.status;
  return merged as unknown as KubeObject;
}

/**
 * The object a write stores over `current`: defaults applied, the fields only the store may set (name, namespace,
 * uid, creation time, resourceVersion) kept, and generation bumped when the spec (or spec-less payload) changed.
 */
export function finalize(current: KubeObject, desired: KubeObject): KubeObject {
  const object = applyDefaults(desired);
  const keep = current.metadata;
  object.metadata = {
    ...object.metadata,
    name: keep.name,
    uid: keep.uid,
    creationTimestamp: keep.creationTimestamp,
    generation: keep.generation,
    resourceVersion: keep.resourceVersion,
  };
  if (keep.namespace !== undefined) object.metadata.namespace = keep.namespace;
  if (keep.generateName !== undefined) object.metadata.generateName = keep.generateName;
  if (JSON.stringify(payloadOf(object)) !== JSON.stringify(payloadOf(current))) {
    object.metadata.generation = keep.generation + 1;
  }
  return object;
}

function payloadOf(object: KubeObject): unknown {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...payload } = object;
  return payload;
}

/**
 * Deletion as Kubernetes does it: finalizers (and Foreground/Orphan propagation, which add one) keep the object
 * with a deletionTimestamp until they are removed; a pod bound to a node is kept for its grace period so the
 * node agent can stop its containers and then delete it with grace 0.
 */
export function markDeleted(current: KubeObject, options: DeleteOptions): KubeObject {
  const object = structuredClone(current);
  const meta = object.metadata;
  const finalizers = new Set(meta.finalizers ?? []);
  if (options.propagationPolicy === 'Foreground') finalizers.add(FOREGROUND_FINALIZER);
  if (options.propagationPolicy === 'Orphan') finalizers.add(ORPHAN_FINALIZER);
  if (finalizers.size > 0) meta.finalizers = [...finalizers];
  meta.deletionTimestamp ??= new Date().toISOString();
  if (object.kind === 'Namespace') {
    // Terminating first: from this write on the create script refuses new objects in it; the namespace controller
    // empties it and removes the finalizer, which removes the namespace.
    if (!finalizers.has(NAMESPACE_FINALIZER) && !current.metadata.deletionTimestamp) {
      meta.finalizers = [...(meta.finalizers ?? []), NAMESPACE_FINALIZER];
    }
    object.status = { ...(object.status as object), phase: 'Terminating' };
  }
  if (object.kind === 'Pod') {
    const spec = object.spec as KindMap['Pod']['spec'];
    // A repeated delete may shorten the grace period, never lengthen it.
    const requested = options.gracePeriodSeconds ?? spec?.terminationGracePeriodSeconds ?? 30;
    const grace = Math.max(0, Math.min(requested, meta.deletionGracePeriodSeconds ?? Infinity));
    meta.deletionGracePeriodSeconds = spec?.nodeName ? grace : 0;
  }
  return object;
}

/**
 * Whether a marked object is removed rather than written: nothing holds it any more (no finalizers, no grace
 * period a node agent still needs). `object` must carry a deletionTimestamp.
 */
export function isReleased(object: KubeObject): boolean {
  return !(object.metadata.finalizers?.length ?? 0) && !keepsForGrace(object);
}

/**
 * Whether the stored object refuses new objects inside it: a namespace (or any object) with a deletionTimestamp.
 * The write scripts keep this as the hash's `terminating` flag, which the create script checks on the namespace.
 */
export function isTerminating(object: KubeObject): boolean {
  return object.metadata.deletionTimestamp !== undefined;
}

/** A pod still bound to a node with grace left waits for its node agent. */
function keepsForGrace(object: KubeObject): boolean {
  if (object.kind !== 'Pod') return false;
  const spec = object.spec as KindMap['Pod']['spec'];
  return Boolean(spec?.nodeName) && (object.metadata.deletionGracePeriodSeconds ?? 0) > 0;
}

function randomSuffix(): string {
  let out = '';
  for (let i = 0; i < 5; i++) out += NAME_ALPHABET[Math.floor(Math.random() * NAME_ALPHABET.length)];
  return out;
}
