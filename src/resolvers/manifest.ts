import { CapstanError } from '../api/errors.ts';
import type { Kind, KubeObject, ObjectInput } from '../api/types.ts';
import { readYamlDocuments, type YamlReadResult } from './yaml-reader.mjs';

/** The kinds `apply` accepts, with the apiVersion Kubernetes gives them. */
export const APPLICABLE_KINDS: Partial<Record<Kind, string>> = {
  Namespace: 'v1',
  Pod: 'v1',
  ReplicationController: 'v1',
  Service: 'v1',
  PersistentVolumeClaim: 'v1',
  Endpoints: 'v1',
  Deployment: 'apps/v1',
  ConfigMap: 'v1',
  Secret: 'v1',
  Lease: 'coordination.k8s.io/v1',
};

/** One object of a manifest, with where it came from. */
export interface ManifestDocument {
  /** 0-based position among the manifest's non-empty documents. */
  index: number;
  /** 1-based line where the document's content starts. */
  line: number;
  kind: Kind;
  object: ObjectInput;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses multi-document Kubernetes YAML into objects of the kinds Capstan stores. Throws INVALID naming the line and
 * column of a syntax error, or the document index and line of a document of an unknown kind or apiVersion. This runs
 * on the calling thread: the API server uses ManifestParser (manifest-parser.ts), which runs the YAML part in a worker.
 */
export function parseManifest(text: string): ManifestDocument[] {
  return manifestDocuments(readYamlDocuments(text));
}

/** The checks of parseManifest after the YAML is read (readYamlDocuments, in this thread or a worker). */
export function manifestDocuments(read: YamlReadResult): ManifestDocument[] {
  if ('error' in read) throw CapstanError.invalid([read.error]);
  return read.documents.map(({ value, line }, index) => {
    const where = `document ${index} (line ${line})`;
    const fail = (message: string) =>
      CapstanError.invalid([{ field: `manifest[${index}]`, message: `${where}: ${message}` }]);
    if (!isPlainObject(value)) throw fail('is not a mapping');
    const { apiVersion, kind, metadata, status: _status, ...payload } = value;
    if (typeof kind !== 'string' || !(kind in APPLICABLE_KINDS)) {
      const known = Object.keys(APPLICABLE_KINDS).join(', ');
      throw fail(`kind ${JSON.stringify(kind ?? null)} is not supported (supported: ${known})`);
    }
    const expected = APPLICABLE_KINDS[kind as Kind];
    if (apiVersion !== expected) {
      throw fail(`apiVersion ${JSON.stringify(apiVersion ?? null)} is not supported for ${kind} (use ${expected})`);
    }
    if (!isPlainObject(metadata) || typeof metadata.name !== 'string' || metadata.name === '') {
      throw fail('metadata.name is required');
    }
    return {
      index,
      line,
      kind: kind as Kind,
      object: { apiVersion: expected, kind, metadata, ...payload } as ObjectInput,
    };
  });
}

/**
 * kubectl's client-side apply merge: starting from the live object, set every field of the new configuration
 * (maps merged recursively, lists replaced), and remove the fields that the last applied configuration had and the
 * new one dropped. Fields set by others (defaults, a clusterIP, a `scale`) that neither configuration mentions stay.
 */
export function threeWayMerge(live: unknown, lastApplied: unknown, desired: unknown): unknown {
  if (!isPlainObject(desired) || !isPlainObject(live)) return desired;
  const previous = isPlainObject(lastApplied) ? lastApplied : {};
  const merged: Record<string, unknown> = { ...live };
  for (const key of Object.keys(previous)) {
    if (!(key in desired)) delete merged[key];
  }
  for (const [key, value] of Object.entries(desired)) {
    merged[key] = threeWayMerge(live[key], previous[key], value);
  }
  return merged;
}

/** The parts of an object `apply` owns: labels, annotations and everything outside metadata and status. */
export function appliedPart(object: KubeObject | ObjectInput): Record<string, unknown> {
  const { metadata, status: _status, apiVersion: _apiVersion, kind: _kind, ...payload } = object as KubeObject;
  return {
    metadata: { labels: metadata.labels ?? {}, annotations: metadata.annotations ?? {} },
    ...payload,
  };
}
