import { CapstanError, type FieldViolation } from '../api/errors.ts';
import { isNamespaced, type Kind, type KindMap } from '../api/types.ts';
import { checkLabels, checkQualifiedName } from '../api/validation/field.ts';
import { validateAnnotations } from '../api/validation/meta.ts';
import type { Store } from '../store/store.ts';
import {
  checkResourceVersion,
  DEFAULT_NAMESPACE,
  describeRef,
  type MutationOptions,
  type ObjectRef,
} from './objects.ts';

/** The string maps of metadata that `kubectl label` and `kubectl annotate` change. */
export type MetadataField = 'labels' | 'annotations';

/** What `kubectl label`/`annotate` asks for: `key=value` entries to set and `key-` entries to remove. */
export interface MetadataChanges {
  set?: Record<string, string>;
  remove?: readonly string[];
  /** Allow replacing the value of a key that already has a different one; refused (CONFLICT) otherwise. */
  overwrite?: boolean;
}

/** The map after the changes, and what they did. */
export interface MetadataMerge {
  result: Record<string, string>;
  changed: boolean;
  /** Keys asked to be removed that were not there (kubectl prints `label "k" not found.`). */
  notFound: string[];
}

/** The result of a label or annotate mutation. */
export interface MetadataUpdate<T = unknown> {
  /** The object as written (or, on a dry run, as it would be written). */
  object: T;
  changed: boolean;
  notFound: string[];
}

const NOUN: Record<MetadataField, string> = { labels: 'label', annotations: 'annotation' };

/**
 * Checks the keys and values of `changes` against the Kubernetes rules before anything is read: label keys and
 * values as in ValidateLabels, annotation keys as qualified names; a key both set and removed is refused as kubectl
 * does. Throws INVALID naming the entry and the rule it breaks.
 */
export function validateMetadataChanges(field: MetadataField, changes: MetadataChanges): void {
  const path = `metadata.${field}`;
  const set = changes.set ?? {};
  const violations: FieldViolation[] = field === 'labels' ? checkLabels(set, path) : validateAnnotations(set, path);
  for (const key of changes.remove ?? []) {
    violations.push(...checkQualifiedName(path, field === 'annotations' ? key.toLowerCase() : key));
    if (Object.hasOwn(set, key)) {
      violations.push({ field: path, message: `can not both modify and remove the ${NOUN[field]} '${key}'` });
    }
  }
  if (violations.length > 0) throw CapstanError.invalid(violations);
}

/**
 * Applies `changes` to `current` like kubectl's labelFunc: sets, then removes. Without `overwrite`, a key that
 * already holds another value is refused with CONFLICT in kubectl's words; setting the value a key already has is
 * no change.
 */
export function mergeMetadata(
  current: Readonly<Record<string, string>> | undefined,
  changes: MetadataChanges,
): MetadataMerge {
  const result: Record<string, string> = { ...current };
  const set = Object.entries(changes.set ?? {});
  if (!changes.overwrite) {
    const refused = set
      .filter(([key, value]) => Object.hasOwn(result, key) && result[key] !== value)
      .map(([key]) => `'${key}' already has a value (${result[key]}), and --overwrite is false`);
    if (refused.length > 0) throw new CapstanError('CONFLICT', refused.join('; '));
  }
  let changed = false;
  for (const [key, value] of set) {
    if (result[key] === value) continue;
    result[key] = value;
    changed = true;
  }
  const notFound: string[] = [];
  for (const key of changes.remove ?? []) {
    if (!Object.hasOwn(result, key)) {
      notFound.push(key);
      continue;
    }
    delete result[key];
    changed = true;
  }
  return { result, changed, notFound };
}

/**
 * `kubectl label` / `kubectl annotate` on one object of any kind. The write is the store's compare-and-set: the
 * changes are re-applied to a fresh read when another writer got there first, so concurrent changes to other keys
 * (or to spec and status) are never lost. Nothing is written when nothing changes.
 */
export async function changeMetadata<K extends Kind>(
  store: Store,
  ref: ObjectRef<K>,
  field: MetadataField,
  changes: MetadataChanges,
  options: MutationOptions = {},
): Promise<MetadataUpdate<KindMap[K]>> {
  validateMetadataChanges(field, changes);
  const namespace = isNamespaced(ref.kind) ? (ref.namespace ?? DEFAULT_NAMESPACE) : undefined;
  let merge: MetadataMerge | undefined;
  const object = await store.mutate(
    ref.kind,
    namespace,
    ref.name,
    (current) => {
      checkResourceVersion(current, options.expectedResourceVersion);
      try {
        merge = mergeMetadata(current.metadata[field], changes);
      } catch (err) {
        if (err instanceof CapstanError) throw new CapstanError(err.code, `${describeRef(ref)}: ${err.message}`);
        throw err;
      }
      if (!merge.changed) return undefined;
      const result = Object.keys(merge.result).length > 0 ? merge.result : undefined;
      return { ...current, metadata: { ...current.metadata, [field]: result } };
    },
    { dryRun: options.dryRun },
  );
  return { object, changed: merge?.changed ?? false, notFound: merge?.notFound ?? [] };
}
