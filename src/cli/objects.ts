import { OBJECT_DATA_FIELDS } from '../api/types.ts';

/**
 * Between the GraphQL shape of objects (string maps as `[{ key, value }]`, nulls for absent fields, computed
 * fields) and the Kubernetes shape users read and write in YAML.
 */

type Json = unknown;

/** Fields whose GraphQL form is a list of `{ key, value }` and whose Kubernetes form is a string map. */
const MAP_FIELDS = new Set(['labels', 'annotations', 'nodeSelector', 'matchLabels', 'selector']);

const OBJECT_FIELDS = new Set(OBJECT_DATA_FIELDS);

/** Metadata a client may write; the rest is assigned by the server. */
const WRITABLE_METADATA = new Set([
  'name',
  'generateName',
  'namespace',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
]);

function isPlainObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isKeyValueList(value: Json): value is { key: string; value: string }[] {
  return Array.isArray(value) && value.every((e) => isPlainObject(e) && typeof e.key === 'string' && 'value' in e);
}

function isEmpty(value: Json): boolean {
  return (
    value === null ||
    value === undefined ||
    (Array.isArray(value) && value.length === 0) ||
    (isPlainObject(value) && Object.keys(value).length === 0)
  );
}

function clean(value: Json, field = ''): Json {
  if (MAP_FIELDS.has(field) && isKeyValueList(value)) {
    return Object.fromEntries(value.map((kv) => [kv.key, kv.value]));
  }
  if (Array.isArray(value)) return value.map((item) => clean(item));
  if (isPlainObject(value)) {
    const result: Record<string, Json> = {};
    for (const [key, child] of Object.entries(value)) {
      if (key === '__typename') continue;
      const cleaned = clean(child, key);
      if (!isEmpty(cleaned)) result[key] = cleaned;
    }
    return result;
  }
  return value;
}

/** The Kubernetes form of an object read through the SDK, as `-o yaml` and `-o json` print it. */
export function toManifest(object: object): Record<string, Json> {
  const result: Record<string, Json> = {};
  for (const [key, value] of Object.entries(object)) {
    if (!OBJECT_FIELDS.has(key)) continue;
    const cleaned = clean(value, key);
    if (!isEmpty(cleaned)) result[key] = cleaned;
  }
  return result;
}

function toInputValue(value: Json, field = ''): Json {
  if (MAP_FIELDS.has(field) && isPlainObject(value) && Object.values(value).every((v) => typeof v !== 'object')) {
    return Object.entries(value).map(([key, v]) => ({ key, value: String(v) }));
  }
  if (Array.isArray(value)) return value.map((item) => toInputValue(item));
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([k, v]) => [k, toInputValue(v, k)]),
    );
  }
  return value;
}

/**
 * The GraphQL input (`PodInput`, `ServiceInput`...) for a Kubernetes object: maps become `{ key, value }` lists;
 * apiVersion, kind, status and server-assigned metadata are left out. Fields the API does not know are kept, so
 * that the server names them in its error.
 */
export function toInput(manifest: Record<string, Json>): Record<string, Json> {
  const { apiVersion: _apiVersion, kind: _kind, status: _status, metadata, ...rest } = manifest;
  const meta = isPlainObject(metadata)
    ? Object.fromEntries(Object.entries(metadata).filter(([key]) => WRITABLE_METADATA.has(key)))
    : {};
  return toInputValue({ metadata: meta, ...rest }) as Record<string, Json>;
}

/** A `{ key, value }` list as a map. */
export function pairsToMap(
  pairs: readonly { key: string; value: string }[] | null | undefined,
): Record<string, string> {
  return Object.fromEntries((pairs ?? []).map((p) => [p.key, p.value]));
}
