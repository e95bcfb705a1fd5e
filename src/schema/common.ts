import { createContextCache } from '@pothos/core';
import type DataLoader from 'dataloader';
import { CapstanError } from '../api/errors.ts';
import {
  isNamespaced,
  type Kind,
  type KindMap,
  type KubeObject,
  type ObjectMeta,
  type OwnerReference,
} from '../api/types.ts';
import { getEach } from '../auth/authorized-store.ts';
import { objectAge, objectAgeChangesAt } from '../resolvers/pod-columns.ts';
import { controllerOf, objectKey } from '../resolvers/objects.ts';
import type { ListResult } from '../store/store.ts';
import { builder, type SchemaContext } from './builder.ts';
import { PURE, volatileUntil } from './items-json.ts';

/** `{ key, value }` pairs: how string maps (labels, annotations, selectors) appear in GraphQL. */
export interface KeyValue {
  key: string;
  value: string;
}

const NO_PAIRS: readonly KeyValue[] = Object.freeze([]);
const pairsOf = new WeakMap<Record<string, string>, readonly KeyValue[]>();

/**
 * A map as pairs. Maps of objects from the read cache and from watches are frozen and shared, so their pairs are
 * made once and shared too: a 30,000-pod list then makes no label pairs at all (it made five or six small objects
 * per pod, a good part of the garbage collector's work during lists).
 */
export function toPairs(map: Record<string, string> | undefined): readonly KeyValue[] {
  if (!map) return NO_PAIRS;
  const frozen = Object.isFrozen(map);
  if (frozen) {
    const known = pairsOf.get(map);
    if (known) return known;
  }
  const pairs: KeyValue[] = [];
  for (const key in map) {
    if (Object.hasOwn(map, key))
      pairs.push(frozen ? Object.freeze({ key, value: map[key]! }) : { key, value: map[key]! });
  }
  if (!frozen) return pairs;
  Object.freeze(pairs);
  pairsOf.set(map, pairs);
  return pairs;
}

export const KeyValueRef = builder.objectRef<KeyValue>('KeyValue').implement({
  description: 'One entry of a string map such as labels, annotations or a selector.',
  fields: (t) => ({
    key: t.exposeString('key', { nullable: false }),
    value: t.exposeString('value', { nullable: false }),
  }),
});

export const KeyValueInput = builder.inputType('KeyValueInput', {
  fields: (t) => ({
    key: t.string({ required: true }),
    value: t.string({ required: true }),
  }),
});

/** Fields whose GraphQL input is a `[KeyValueInput!]` list and whose stored form is a string map. */
const MAP_FIELDS = new Set([
  'labels',
  'annotations',
  'nodeSelector',
  'matchLabels',
  'selector',
  'data',
  'binaryData',
  'stringData',
]);

/**
 * Turns a GraphQL input into the object model: drops nulls (GraphQL's "not given") and turns the key/value lists of
 * map fields into maps.
 */
export function fromInput<T>(input: unknown, field = ''): T {
  if (Array.isArray(input)) {
    if (MAP_FIELDS.has(field)) {
      return Object.fromEntries((input as KeyValue[]).map((kv) => [kv.key, kv.value])) as T;
    }
    return input.map((item) => fromInput(item)) as T;
  }
  if (typeof input === 'object' && input !== null) {
    const result: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(input)) {
      if (value !== null && value !== undefined) result[key] = fromInput(value, key);
    }
    return result as T;
  }
  return input as T;
}

export const KubeObjectRef = builder.interfaceRef<KubeObject>('KubeObject');

// ----------------------------------------------------------------------------------------------------------------
// Loading objects: one DataLoader per kind and request, each batch one Store.getMany round trip.

type LoadableRef<K extends Kind> = {
  getDataloader: (context: SchemaContext) => DataLoader<string, KindMap[K], string>;
};
const loadableRefs = new Map<Kind, LoadableRef<Kind>>();

function parseKey(kind: Kind, key: string): { namespace?: string; name: string } {
  if (!isNamespaced(kind)) return { name: key };
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** The GraphQL object type of a kind, loadable by `objectKey` (e.g. "default/web") through a per-request loader. */
export function kindRef<K extends Kind>(kind: K) {
  const ref = builder.loadableObjectRef<KindMap[K] | Error, string>(kind, {
    // Each key is authorized as the caller by the request's store: a refused one is its own FORBIDDEN error, so
    // one edge the caller may not follow does not fail the batch it shares with others.
    load: async (keys, context) => {
      const objects = await getEach(
        context.store,
        kind,
        keys.map((key) => parseKey(kind, key)),
      );
      return objects.map((object, i) => object ?? new CapstanError('NOT_FOUND', `${kind} ${keys[i]} not found`));
    },
  });
  loadableRefs.set(kind, ref as unknown as LoadableRef<Kind>);
  return ref;
}

/** Loads an object through the request's loader; undefined when it does not exist. */
export async function loadObject<K extends Kind>(
  context: SchemaContext,
  kind: K,
  namespace: string | undefined,
  name: string,
): Promise<KindMap[K] | undefined> {
  const ref = loadableRefs.get(kind);
  if (!ref) return undefined;
  try {
    // A graph edge (an event's object, an owner, a pod's node) is a read as the caller through the request's
    // AuthorizedStore: it leads nowhere the caller could not `get` itself (a viewer to a Secret, a node to a
    // ConfigMap or Secret its pods do not use), and shows as null rather than an error.
    return (await ref.getDataloader(context).load(objectKey(kind, namespace, name))) as KindMap[K];
  } catch (err) {
    if (err instanceof CapstanError && (err.code === 'NOT_FOUND' || err.code === 'FORBIDDEN')) return undefined;
    throw err;
  }
}

/** Loads an object through the request's loader; throws NOT_FOUND, or FORBIDDEN when the caller may not read it. */
export async function getObject<K extends Kind>(
  context: SchemaContext,
  kind: K,
  namespace: string | undefined,
  name: string,
): Promise<KindMap[K]> {
  const ref = loadableRefs.get(kind);
  if (!ref) throw new CapstanError('NOT_FOUND', `${kind} ${objectKey(kind, namespace, name)} not found`);
  // Unlike an edge, a root field's refusal is the caller's answer: FORBIDDEN stays an error.
  return (await ref.getDataloader(context).load(objectKey(kind, namespace, name))) as KindMap[K];
}

const namespaceLists = createContextCache(() => new Map<string, Promise<ListResult<KubeObject>>>());

/**
 * All objects of a kind in a namespace (undefined: every namespace), listed once per request however many parents
 * ask: graph edges such as `replicationController.pods` filter this in memory instead of listing per parent.
 */
export function listOnce<K extends Kind>(
  context: SchemaContext,
  kind: K,
  namespace: string | undefined,
): Promise<KindMap[K][]> {
  const cache = namespaceLists(context);
  const key = `${kind}|${namespace ?? ''}`;
  let list = cache.get(key);
  if (!list) {
    try {
      list = context.store.list(kind, { namespace }) as Promise<ListResult<KubeObject>>;
    } catch (err) {
      // As loadObject's edges: a list the caller's store refuses (it throws at once) is empty for it.
      if (!(err instanceof CapstanError && err.code === 'FORBIDDEN')) throw err;
      list = Promise.resolve({ items: [], resourceVersion: '' });
    }
    cache.set(key, list);
  }
  return list.then((result) => result.items as KindMap[K][]);
}

async function ownerOf(context: SchemaContext, object: KubeObject): Promise<KubeObject | undefined> {
  const ref = controllerOf(object);
  if (!ref) return undefined;
  const owner = await loadObject(context, ref.kind, object.metadata.namespace, ref.name);
  // A recreated owner with the same name is not this object's owner.
  return owner && owner.metadata.uid === ref.uid ? owner : undefined;
}

// ----------------------------------------------------------------------------------------------------------------
// Metadata

export const OwnerReferenceRef = builder.objectRef<OwnerReference>('OwnerReference').implement({
  fields: (t) => ({
    apiVersion: t.exposeString('apiVersion', { nullable: false }),
    kind: t.exposeString('kind', { nullable: false }),
    name: t.exposeString('name', { nullable: false }),
    uid: t.exposeString('uid', { nullable: false }),
    controller: t.exposeBoolean('controller'),
    blockOwnerDeletion: t.exposeBoolean('blockOwnerDeletion'),
  }),
});

export const OwnerReferenceInput = builder.inputType('OwnerReferenceInput', {
  fields: (t) => ({
    apiVersion: t.string({ required: true }),
    kind: t.string({ required: true }),
    name: t.string({ required: true }),
    uid: t.string({ required: true }),
    controller: t.boolean(),
    blockOwnerDeletion: t.boolean(),
  }),
});

export const ObjectMetaRef = builder.objectRef<ObjectMeta>('ObjectMeta').implement({
  fields: (t) => ({
    name: t.exposeString('name', { nullable: false }),
    generateName: t.exposeString('generateName'),
    namespace: t.exposeString('namespace'),
    uid: t.string({ nullable: false, extensions: PURE, resolve: (m) => m.uid ?? '' }),
    labels: t.field({ type: [KeyValueRef], nullable: false, extensions: PURE, resolve: (m) => toPairs(m.labels) }),
    label: t.string({
      description: 'The value of one label, or null when the object does not carry it.',
      args: { key: t.arg.string({ required: true }) },
      extensions: PURE,
      resolve: (m, { key }) => m.labels?.[key],
    }),
    annotations: t.field({
      type: [KeyValueRef],
      nullable: false,
      extensions: PURE,
      resolve: (m) => toPairs(m.annotations),
    }),
    annotation: t.string({
      args: { key: t.arg.string({ required: true }) },
      extensions: PURE,
      resolve: (m, { key }) => m.annotations?.[key],
    }),
    // A dry-run create returns an object the store has not assigned these yet: empty, as in Kubernetes.
    resourceVersion: t.string({ nullable: false, extensions: PURE, resolve: (m) => m.resourceVersion ?? '' }),
    generation: t.int({ nullable: false, extensions: PURE, resolve: (m) => m.generation ?? 0 }),
    creationTimestamp: t.string({ nullable: false, extensions: PURE, resolve: (m) => m.creationTimestamp ?? '' }),
    deletionTimestamp: t.exposeString('deletionTimestamp'),
    deletionGracePeriodSeconds: t.exposeInt('deletionGracePeriodSeconds'),
    ownerReferences: t.field({
      type: [OwnerReferenceRef],
      nullable: false,
      extensions: PURE,
      resolve: (m) => m.ownerReferences ?? [],
    }),
    finalizers: t.stringList({ nullable: false, extensions: PURE, resolve: (m) => m.finalizers ?? [] }),
  }),
});

export const ObjectMetaInput = builder.inputType('ObjectMetaInput', {
  fields: (t) => ({
    name: t.string(),
    generateName: t.string(),
    namespace: t.string(),
    labels: t.field({ type: [KeyValueInput] }),
    annotations: t.field({ type: [KeyValueInput] }),
    ownerReferences: t.field({ type: [OwnerReferenceInput] }),
    finalizers: t.stringList(),
  }),
});

/** Metadata of a pod template: only labels and annotations. */
export const TemplateMetaRef = builder
  .objectRef<{ labels?: Record<string, string>; annotations?: Record<string, string> }>('TemplateMeta')
  .implement({
    fields: (t) => ({
      labels: t.field({ type: [KeyValueRef], nullable: false, extensions: PURE, resolve: (m) => toPairs(m.labels) }),
      annotations: t.field({
        type: [KeyValueRef],
        nullable: false,
        extensions: PURE,
        resolve: (m) => toPairs(m.annotations),
      }),
    }),
  });

export const TemplateMetaInput = builder.inputType('TemplateMetaInput', {
  fields: (t) => ({
    labels: t.field({ type: [KeyValueInput] }),
    annotations: t.field({ type: [KeyValueInput] }),
  }),
});

KubeObjectRef.implement({
  description: 'Fields every Capstan object has, as in Kubernetes.',
  resolveType: (object) => object.kind,
  fields: (t) => ({
    apiVersion: t.exposeString('apiVersion', { nullable: false }),
    kind: t.exposeString('kind', { nullable: false }),
    metadata: t.expose('metadata', { type: ObjectMetaRef, nullable: false }),
    age: t.string({
      nullable: false,
      description: 'Time since creation as kubectl prints it ("5m12s", "3d").',
      // Depends on the clock: spliced into the item's kept text, assembled again when the text changes.
      extensions: volatileUntil((o: { metadata: { creationTimestamp: string } }, now) =>
        objectAgeChangesAt(o.metadata.creationTimestamp, now),
      ),
      resolve: (o) => objectAge(o.metadata.creationTimestamp),
    }),
    owner: t.field({
      type: KubeObjectRef,
      description: 'The controller that owns this object (e.g. the ReplicationController of a pod).',
      resolve: (o, _args, context) => ownerOf(context, o),
    }),
    rootOwner: t.field({
      type: KubeObjectRef,
      description: 'The top of the owner chain (e.g. the Deployment of a pod); null for an object nobody owns.',
      resolve: async (o, _args, context) => {
        let top: KubeObject | undefined;
        for (let next = await ownerOf(context, o), depth = 0; next && depth < 10; depth++) {
          top = next;
          next = await ownerOf(context, next);
        }
        return top;
      },
    }),
  }),
});

/** The list shape of every kind: the items, a cursor for the next page and the list's resourceVersion. */
export function listRef<K extends Kind>(kind: K, itemRef: ReturnType<typeof kindRef<K>>) {
  return builder.objectRef<ListResult<KindMap[K]>>(`${kind}List`).implement({
    fields: (t) => ({
      // The generic item type is beyond what Pothos can infer; every item is a KindMap[K] by construction.
      // Long lists are completed a slice per event-loop turn, so other requests are answered meanwhile.
      items: t.field({
        type: [itemRef],
        nullable: false,
        extensions: { inSlices: true },
        resolve: (list) => list.items as never,
      }),
      continue: t.exposeString('continue', {
        description: 'Pass as `after` to fetch the next page; null on the last page.',
      }),
      resourceVersion: t.exposeString('resourceVersion', {
        nullable: false,
        description: 'Watch from this version to follow changes after this list without a gap.',
      }),
    }),
  });
}
