import type { FieldViolation } from '../errors.ts';
import { isKind, isNamespaced } from '../types.ts';
import type { Kind, KubeObject, ObjectMeta, PodTemplateSpec } from '../types.ts';
import {
  check,
  checkLabels,
  checkQualifiedName,
  forbidden,
  invalid,
  isDns1035Label,
  isDns1123Label,
  isDns1123Subdomain,
  isEmpty,
  required,
  tooLong,
} from './field.ts';

/** Kubernetes' TotalAnnotationSizeLimitB. */
export const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/** How each kind's name is checked: Namespace names are DNS labels, Service names RFC 1035 labels (they become
 *  DNS labels under `svc.cluster.local` and environment variable prefixes), everything else DNS subdomains. */
const NAME_RULES: Partial<Record<Kind, (name: string) => string[]>> = {
  Namespace: isDns1123Label,
  Service: isDns1035Label,
};

function nameRule(kind: Kind): (name: string) => string[] {
  return NAME_RULES[kind] ?? isDns1123Subdomain;
}

export function validateObjectMeta(obj: KubeObject): FieldViolation[] {
  const meta = obj.metadata as Partial<ObjectMeta> | undefined;
  if (meta == null) return [required('metadata')];
  const kind = isKind(obj.kind) ? obj.kind : undefined;
  const rule = kind ? nameRule(kind) : isDns1123Subdomain;
  const violations: FieldViolation[] = [];

  if (isEmpty(meta.name)) violations.push(required('metadata.name', 'name or generateName is required'));
  else violations.push(...check('metadata.name', meta.name, rule(meta.name)));
  if (!isEmpty(meta.generateName)) {
    // A prefix may end in '-': the generated suffix follows it (Kubernetes' MaskTrailingDash).
    const prefix = meta.generateName.length > 1 ? meta.generateName.replace(/-$/, 'a') : meta.generateName;
    violations.push(...check('metadata.generateName', meta.generateName, rule(prefix)));
  }

  if (kind && isNamespaced(kind)) {
    if (isEmpty(meta.namespace)) violations.push(required('metadata.namespace'));
    else violations.push(...check('metadata.namespace', meta.namespace, isDns1123Label(meta.namespace)));
  } else if (kind && !isEmpty(meta.namespace)) {
    violations.push(forbidden('metadata.namespace', 'not allowed on this type'));
  }

  violations.push(...checkLabels(meta.labels, 'metadata.labels'));
  violations.push(...validateAnnotations(meta.annotations, 'metadata.annotations'));
  violations.push(...validateOwnerReferences(meta.ownerReferences));
  (meta.finalizers ?? []).forEach((f, i) => violations.push(...checkQualifiedName(`metadata.finalizers[${i}]`, f)));
  return violations;
}

export function validateAnnotations(annotations: Record<string, string> | undefined | null, field: string) {
  const violations: FieldViolation[] = [];
  let total = 0;
  for (const [key, value] of Object.entries(annotations ?? {})) {
    violations.push(...checkQualifiedName(field, key.toLowerCase()));
    total += Buffer.byteLength(key) + Buffer.byteLength(String(value));
  }
  if (total > MAX_ANNOTATIONS_BYTES) violations.push(tooLong(field, MAX_ANNOTATIONS_BYTES));
  return violations;
}

function validateOwnerReferences(refs: ObjectMeta['ownerReferences'] | null): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const controllers: string[] = [];
  (refs ?? []).forEach((ref, i) => {
    const at = `metadata.ownerReferences[${i}]`;
    if (isEmpty(ref.apiVersion))
      violations.push(invalid(`${at}.apiVersion`, ref.apiVersion ?? '', 'version must not be empty'));
    if (isEmpty(ref.kind)) violations.push(invalid(`${at}.kind`, ref.kind ?? '', 'kind must not be empty'));
    if (isEmpty(ref.name)) violations.push(invalid(`${at}.name`, ref.name ?? '', 'name must not be empty'));
    if (isEmpty(ref.uid)) violations.push(invalid(`${at}.uid`, ref.uid ?? '', 'uid must not be empty'));
    if (ref.controller === true) controllers.push(`${ref.kind}/${ref.name}`);
  });
  if (controllers.length > 1) {
    violations.push(
      invalid(
        'metadata.ownerReferences',
        controllers,
        `Only one reference can have Controller set to true. Found "true" in references for ${controllers.join(' and ')}`,
      ),
    );
  }
  return violations;
}

/** Labels and annotations of a pod template; its spec is checked by the pod rules. */
export function validateTemplateMeta(template: PodTemplateSpec, path: string): FieldViolation[] {
  return [
    ...checkLabels(template.metadata?.labels, `${path}.metadata.labels`),
    ...validateAnnotations(template.metadata?.annotations, `${path}.metadata.annotations`),
  ];
}

/** Kubernetes' ValidateImmutableField wording. */
export function immutable(field: string, value: unknown): FieldViolation {
  return invalid(field, value, 'field is immutable');
}

/**
 * Identity fields never change. uid and creationTimestamp are compared only when the update carries them: the
 * store keeps the stored values when a client leaves them out.
 */
export function validateObjectMetaUpdate(obj: KubeObject, old: KubeObject): FieldViolation[] {
  const meta = (obj.metadata ?? {}) as Partial<ObjectMeta>;
  const before = old.metadata;
  const violations: FieldViolation[] = [];
  if ((meta.name ?? '') !== before.name) violations.push(immutable('metadata.name', meta.name ?? ''));
  if ((meta.namespace ?? '') !== (before.namespace ?? '')) {
    violations.push(immutable('metadata.namespace', meta.namespace ?? ''));
  }
  if (!isEmpty(meta.uid) && meta.uid !== before.uid) violations.push(immutable('metadata.uid', meta.uid));
  if (!isEmpty(meta.creationTimestamp) && meta.creationTimestamp !== before.creationTimestamp) {
    violations.push(immutable('metadata.creationTimestamp', meta.creationTimestamp));
  }
  return violations;
}
