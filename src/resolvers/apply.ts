import { isDeepStrictEqual } from 'node:util';
import { CapstanError, isCapstanError } from '../api/errors.ts';
import { isNamespaced, type Kind, type KindMap, type KubeObject, type ObjectInput } from '../api/types.ts';
import type { Store } from '../store/store.ts';
import { appliedPart, parseManifest, threeWayMerge, type ManifestDocument } from './manifest.ts';
import { DEFAULT_NAMESPACE } from './objects.ts';

/** Where kubectl keeps the configuration an object was last applied with; the base of the next apply's merge. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

export type ApplyAction = 'created' | 'configured' | 'unchanged';

export interface ApplyResult {
  index: number;
  kind: Kind;
  namespace?: string;
  name: string;
  action: ApplyAction;
  /** The object as stored (or, in a dry run, as it would be stored). */
  object: KubeObject;
  /** The object as it was before this apply; absent when apply creates it. */
  live?: KubeObject;
}

export interface ApplyOptions {
  dryRun?: boolean;
  /** Namespace for documents that name none; default "default". */
  namespace?: string;
}

type AnyInput = ObjectInput<KindMap[Kind]>;

interface Plan {
  doc: ManifestDocument;
  namespace?: string;
  action: ApplyAction;
  /** What to write: the object to create, or the merged object to update (with the live version as precondition). */
  write: AnyInput;
  /** The dry-run result, or the live object when unchanged; undefined when its namespace is created by this apply. */
  preview?: KubeObject;
  /** The object before the apply, when it exists. */
  live?: KubeObject;
}

function withLastApplied(doc: ManifestDocument, namespace: string | undefined): AnyInput {
  const annotations = { ...doc.object.metadata.annotations };
  delete annotations[LAST_APPLIED_ANNOTATION];
  const config = { ...doc.object, metadata: { ...doc.object.metadata, namespace, annotations } };
  if (Object.keys(annotations).length === 0) delete (config.metadata as { annotations?: unknown }).annotations;
  return {
    ...config,
    metadata: {
      ...config.metadata,
      annotations: { ...annotations, [LAST_APPLIED_ANNOTATION]: JSON.stringify(config) },
    },
  } as AnyInput;
}

function lastAppliedOf(live: KubeObject): ObjectInput | undefined {
  const text = live.metadata.annotations?.[LAST_APPLIED_ANNOTATION];
  if (!text) return undefined;
  try {
    return JSON.parse(text) as ObjectInput;
  } catch {
    return undefined;
  }
}

function mergedUpdate(live: KubeObject, desired: AnyInput): AnyInput {
  const lastApplied = lastAppliedOf(live);
  const merged = threeWayMerge(
    appliedPart(live),
    lastApplied ? appliedPart(lastApplied) : {},
    appliedPart(desired),
  ) as { metadata: { labels: Record<string, string>; annotations: Record<string, string> } } & Record<string, unknown>;
  const { metadata, ...payload } = merged;
  return {
    apiVersion: live.apiVersion,
    kind: live.kind,
    metadata: { ...live.metadata, labels: metadata.labels, annotations: metadata.annotations },
    ...payload,
  } as AnyInput;
}

function describeDoc(doc: ManifestDocument, namespace: string | undefined): string {
  const name = namespace ? `${namespace}/${doc.object.metadata.name}` : doc.object.metadata.name;
  return `document ${doc.index} (${doc.kind} ${name}, line ${doc.line})`;
}

function inDocument(err: unknown, doc: ManifestDocument, namespace: string | undefined): unknown {
  if (!(err instanceof CapstanError)) return err;
  const where = describeDoc(doc, namespace);
  const violations = err.violations.map((v) => ({ field: `manifest[${doc.index}].${v.field}`, message: v.message }));
  return new CapstanError(err.code, `${where}: ${err.message}`, { cause: err, violations });
}

async function planDocument(store: Store, doc: ManifestDocument, options: ApplyOptions, newNamespaces: Set<string>) {
  const namespace = isNamespaced(doc.kind)
    ? (doc.object.metadata.namespace ?? options.namespace ?? DEFAULT_NAMESPACE)
    : undefined;
  const desired = withLastApplied(doc, namespace);
  const name = doc.object.metadata.name!;
  try {
    const live = await store.tryGet(doc.kind, namespace, name);
    if (!live) {
      try {
        const preview = await store.create(doc.kind, desired, { dryRun: true });
        return { doc, namespace, action: 'created', write: desired, preview } satisfies Plan;
      } catch (err) {
        // The namespace comes into being earlier in this same apply: nothing to check against yet.
        if (namespace && newNamespaces.has(namespace) && isCapstanError(err, 'NOT_FOUND')) {
          return { doc, namespace, action: 'created', write: desired } satisfies Plan;
        }
        throw err;
      }
    }
    const write = mergedUpdate(live, desired);
    const preview = await store.update(doc.kind, write, { dryRun: true });
    const unchanged = isDeepStrictEqual(appliedPart(preview), appliedPart(live));
    return unchanged
      ? ({ doc, namespace, action: 'unchanged', write, preview: live, live } satisfies Plan)
      : ({ doc, namespace, action: 'configured', write, preview, live } satisfies Plan);
  } catch (err) {
    throw inDocument(err, doc, namespace);
  }
}

/**
 * `kubectl apply -f`: creates or updates every object of a multi-document YAML manifest (its text, parsed here, or
 * its documents, parsed already by a ManifestParser) and reports each as
 * created, configured or unchanged. All or nothing as far as validation goes: every document is checked with a dry
 * run (INVALID errors of all documents are reported together) before the first write. Namespaces are written first.
 */
export async function applyManifest(
  store: Store,
  manifest: string | ManifestDocument[],
  options: ApplyOptions = {},
): Promise<ApplyResult[]> {
  const docs = typeof manifest === 'string' ? parseManifest(manifest) : manifest;
  const newNamespaces = new Set(docs.filter((d) => d.kind === 'Namespace').map((d) => d.object.metadata.name!));
  const settled = await Promise.allSettled(docs.map((doc) => planDocument(store, doc, options, newNamespaces)));
  const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
  if (failures.length > 0) {
    const invalid = failures.filter((f): f is CapstanError => isCapstanError(f, 'INVALID'));
    if (invalid.length === failures.length && invalid.length > 1) {
      throw CapstanError.invalid(
        invalid.flatMap((e) => (e.violations.length > 0 ? e.violations : [{ field: 'manifest', message: e.message }])),
        'the manifest',
      );
    }
    throw failures[0];
  }
  const plans = settled.map((s) => (s as PromiseFulfilledResult<Plan>).value);
  const ordered = [...plans].sort((a, b) => Number(b.doc.kind === 'Namespace') - Number(a.doc.kind === 'Namespace'));
  const written = new Map<Plan, KubeObject>();
  for (const plan of ordered) {
    if (options.dryRun || plan.action === 'unchanged') continue;
    try {
      const object =
        plan.action === 'created'
          ? await store.create(plan.doc.kind, plan.write)
          : await store.update(plan.doc.kind, plan.write);
      written.set(plan, object);
    } catch (err) {
      throw inDocument(err, plan.doc, plan.namespace);
    }
  }
  return plans.map((plan) => ({
    index: plan.doc.index,
    kind: plan.doc.kind,
    namespace: plan.namespace,
    name: plan.doc.object.metadata.name!,
    action: plan.action,
    object: written.get(plan) ?? plan.preview ?? (plan.write as KubeObject),
    ...(plan.live ? { live: plan.live } : {}),
  }));
}
