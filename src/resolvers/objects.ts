import { CapstanError } from '../api/errors.ts';
import { isNamespaced, type Kind, type KindMap, type KubeObject, type Labels, type ObjectInput } from '../api/types.ts';
import type { PropagationPolicy, Store } from '../store/store.ts';

/** Options every mutation takes. */
export interface MutationOptions {
  /** Validate and return what would be written, writing nothing. */
  dryRun?: boolean;
  /** Precondition: fail with CONFLICT unless the object (or the workload acted on) is at this version. */
  expectedResourceVersion?: string;
}

/** Where an object lives. `namespace` is ignored for cluster-scoped kinds. */
export interface ObjectRef<K extends Kind = Kind> {
  kind: K;
  namespace?: string;
  name: string;
}

export const DEFAULT_NAMESPACE = 'default';

/** "namespace/name" for namespaced kinds, "name" for cluster-scoped ones: the key of loaders and messages. */
export function objectKey(kind: Kind, namespace: string | undefined, name: string): string {
  return isNamespaced(kind) ? `${namespace ?? DEFAULT_NAMESPACE}/${name}` : name;
}

export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${objectKey(ref.kind, ref.namespace, ref.name)}`;
}

/** Throws CONFLICT when `expected` is given and the object is at another version. */
export function checkResourceVersion(object: KubeObject, expected: string | undefined): void {
  if (expected === undefined || expected === object.metadata.resourceVersion) return;
  const ref = { kind: object.kind, namespace: object.metadata.namespace, name: object.metadata.name };
  throw new CapstanError(
    'CONFLICT',
    `${describeRef(ref)} has resourceVersion ${object.metadata.resourceVersion}, not the expected ${expected}: ` +
      're-read it and retry',
  );
}

/** Whether every key/value of an equality selector is among `labels`. An empty selector matches nothing. */
export function matchesLabels(selector: Labels | undefined, labels: Labels | undefined): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([key, value]) => labels?.[key] === value);
}

function withDefaultNamespace<K extends Kind>(kind: K, object: ObjectInput<KindMap[K]>): ObjectInput<KindMap[K]> {
  if (!isNamespaced(kind) || object.metadata.namespace) return object;
  return { ...object, metadata: { ...object.metadata, namespace: DEFAULT_NAMESPACE } };
}

/** Creates an object; a namespaced object without a namespace goes to "default", as with kubectl. */
export function createObject<K extends Kind>(
  store: Store,
  kind: K,
  object: ObjectInput<KindMap[K]>,
  options: MutationOptions = {},
): Promise<KindMap[K]> {
  return store.create(kind, withDefaultNamespace(kind, { ...object, kind } as ObjectInput<KindMap[K]>), {
    dryRun: options.dryRun,
  });
}

const METADATA_FIELDS = ['labels', 'annotations', 'ownerReferences', 'finalizers'] as const;
const SERVER_FIELDS = new Set(['apiVersion', 'kind', 'metadata', 'status']);

/**
 * Replaces an object's desired state: `spec` (or, for kinds without a spec, their top-level payload) and those of
 * labels, annotations, ownerReferences and finalizers that the input carries; omitted metadata is kept, so an update
 * from a client that does not know about an owner never orphans the object. Status is never touched.
 */
export function updateObject<K extends Kind>(
  store: Store,
  kind: K,
  object: ObjectInput<KindMap[K]>,
  options: MutationOptions = {},
): Promise<KindMap[K]> {
  const { namespace, name } = withDefaultNamespace(kind, object).metadata;
  if (!name) throw CapstanError.invalid([{ field: 'metadata.name', message: 'is required for an update' }]);
  return store.mutate(
    kind,
    namespace,
    name,
    (current) => {
      checkResourceVersion(current, options.expectedResourceVersion);
      const next: Record<string, unknown> = { ...current, metadata: { ...current.metadata } };
      const metadata = next.metadata as Record<string, unknown>;
      for (const field of METADATA_FIELDS) {
        if (object.metadata[field] !== undefined) metadata[field] = object.metadata[field];
      }
      for (const [field, value] of Object.entries(object)) {
        if (!SERVER_FIELDS.has(field) && value !== undefined) next[field] = value;
      }
      return next as unknown as KindMap[K];
    },
    { dryRun: options.dryRun },
  );
}

/** Deletes an object; `expectedResourceVersion` becomes the store's delete precondition. */
export function deleteObject<K extends Kind>(
  store: Store,
  ref: ObjectRef<K>,
  options: MutationOptions & { propagationPolicy?: PropagationPolicy; gracePeriodSeconds?: number } = {},
): Promise<KindMap[K]> {
  if (options.gracePeriodSeconds !== undefined && options.gracePeriodSeconds < 0) {
    // Not 0: a negative grace period must never turn into a force deletion.
    return Promise.reject(
      CapstanError.invalid([{ field: 'gracePeriodSeconds', message: 'must be 0 or more (0: delete at once)' }]),
    );
  }
  return store.delete(ref.kind, ref.namespace ?? DEFAULT_NAMESPACE, ref.name, {
    dryRun: options.dryRun,
    resourceVersion: options.expectedResourceVersion,
    propagationPolicy: options.propagationPolicy,
    ...(options.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: options.gracePeriodSeconds } : {}),
  });
}

/** The controller owner reference of an object, if any. */
export function controllerOf(object: KubeObject) {
  const refs = object.metadata.ownerReferences ?? [];
  return refs.find((r) => r.controller) ?? refs[0];
}
