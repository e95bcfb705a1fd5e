import type { FieldViolation } from '../errors.ts';
import { parseQuantity, quantityError } from '../quantity.ts';
import { isNamespaced } from '../types.ts';
import type { Event, Lease, Namespace, Node, PersistentVolumeClaim, Token } from '../types.ts';
import {
  check,
  checkCount,
  checkLabelValue,
  checkQualifiedName,
  forbidden,
  invalid,
  isDns1123Subdomain,
  isEmpty,
  isIPv4Cidr,
  notSupported,
  required,
  sameJson,
  show,
} from './field.ts';

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const EVENT_TYPES = ['Normal', 'Warning'];
const ACCESS_MODES = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany'];
const TOKEN_ROLES = ['admin', 'viewer', 'bootstrap', 'node', 'exec'];

export function validateNamespace(ns: Namespace): FieldViolation[] {
  const violations: FieldViolation[] = [];
  (ns.spec?.finalizers ?? []).forEach((f, i) => violations.push(...checkQualifiedName(`spec.finalizers[${i}]`, f)));
  return violations;
}

export function validateNode(node: Node): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const seen = new Set<string>();
  (node.spec?.taints ?? []).forEach((t, i) => {
    const at = `spec.taints[${i}]`;
    if (isEmpty(t.key)) violations.push(required(`${at}.key`));
    else violations.push(...checkQualifiedName(`${at}.key`, t.key));
    if (!isEmpty(t.value)) violations.push(...checkLabelValue(`${at}.value`, t.value));
    if (isEmpty(t.effect)) violations.push(required(`${at}.effect`));
    else if (!TAINT_EFFECTS.includes(t.effect)) violations.push(notSupported(`${at}.effect`, t.effect, TAINT_EFFECTS));
    const key = `${t.key}:${t.effect}`;
    if (seen.has(key)) {
      violations.push({
        field: at,
        message: `Duplicate value: ${show(key)}: taints must be unique by key and effect pair`,
      });
    }
    seen.add(key);
  });
  const cidr = node.spec?.podCIDR;
  if (!isEmpty(cidr)) violations.push(...check('spec.podCIDR', cidr, isIPv4Cidr(cidr)));
  return violations;
}

export function validateEvent(event: Event): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const involved = event.involvedObject;
  if (involved == null) violations.push(required('involvedObject'));
  else {
    if (isEmpty(involved.kind)) violations.push(required('involvedObject.kind'));
    if (isEmpty(involved.name)) violations.push(required('involvedObject.name'));
    const namespaced = !isEmpty(involved.kind) && isNamespaced(involved.kind);
    if (namespaced && !isEmpty(involved.namespace) && involved.namespace !== event.metadata?.namespace) {
      violations.push(invalid('involvedObject.namespace', involved.namespace, 'does not match event.namespace'));
    }
  }
  if (isEmpty(event.reason)) violations.push(required('reason'));
  if (event.type != null && !EVENT_TYPES.includes(event.type))
    violations.push(notSupported('type', event.type, EVENT_TYPES));
  violations.push(...checkCount('count', event.count));
  return violations;
}

const STORAGE = 'spec.resources.requests[storage]';

export function validatePersistentVolumeClaim(
  pvc: PersistentVolumeClaim,
  old?: PersistentVolumeClaim,
): FieldViolation[] {
  const spec = pvc.spec;
  if (spec == null) return [required('spec')];
  const violations: FieldViolation[] = [];
  const modes = spec.accessModes ?? [];
  if (modes.length === 0) violations.push(required('spec.accessModes', 'at least 1 access mode is required'));
  modes.forEach((m, i) => {
    if (!ACCESS_MODES.includes(m)) violations.push(notSupported(`spec.accessModes[${i}]`, m, ACCESS_MODES));
  });
  const storage = spec.resources?.requests?.storage;
  if (isEmpty(storage)) violations.push(required(STORAGE));
  else {
    const rule = quantityError(storage);
    if (rule !== undefined) violations.push(invalid(STORAGE, storage, rule));
    else if (parseQuantity(storage) <= 0) violations.push(invalid(STORAGE, storage, 'must be greater than zero'));
  }
  if (!isEmpty(spec.storageClassName)) {
    violations.push(
      ...check('spec.storageClassName', spec.storageClassName, isDns1123Subdomain(spec.storageClassName)),
    );
  }
  if (!isEmpty(spec.volumeName)) {
    violations.push(...check('spec.volumeName', spec.volumeName, isDns1123Subdomain(spec.volumeName)));
  }
  if (old?.spec) violations.push(...validatePvcUpdate(pvc, old));
  return violations;
}

/** Only the storage request may change (and only grow); volumeName may be set once, when the claim binds. */
function validatePvcUpdate(pvc: PersistentVolumeClaim, old: PersistentVolumeClaim): FieldViolation[] {
  const spec = pvc.spec ?? {};
  const before = old.spec ?? {};
  const comparable = { ...spec, resources: before.resources };
  if (isEmpty(before.volumeName)) comparable.volumeName = before.volumeName;
  const violations: FieldViolation[] = [];
  if (!sameJson(comparable, before)) {
    violations.push(
      forbidden('spec', 'spec is immutable after creation except resources.requests and volumeName (when unset)'),
    );
  }
  const now = spec.resources?.requests?.storage;
  const was = before.resources?.requests?.storage;
  if (now != null && was != null && quantityError(now) === undefined && quantityError(was) === undefined) {
    if (parseQuantity(now) < parseQuantity(was))
      violations.push(forbidden(STORAGE, 'field can not be less than previous value'));
  }
  return violations;
}

export function validateLease(lease: Lease): FieldViolation[] {
  return checkCount('spec.leaseDurationSeconds', lease.spec?.leaseDurationSeconds, true);
}

export function validateToken(token: Token): FieldViolation[] {
  const spec = token.spec;
  if (spec == null) return [required('spec')];
  const violations: FieldViolation[] = [];
  if (isEmpty(spec.role)) violations.push(required('spec.role'));
  else if (!TOKEN_ROLES.includes(spec.role)) violations.push(notSupported('spec.role', spec.role, TOKEN_ROLES));
  if (isEmpty(spec.secretHash)) violations.push(required('spec.secretHash'));
  if (!isEmpty(spec.nodeName))
    violations.push(...check('spec.nodeName', spec.nodeName, isDns1123Subdomain(spec.nodeName)));
  if (!isEmpty(spec.expiresAt) && Number.isNaN(Date.parse(spec.expiresAt))) {
    violations.push(invalid('spec.expiresAt', spec.expiresAt, 'must be an RFC 3339 timestamp'));
  }
  return violations;
}
