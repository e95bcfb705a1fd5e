import { isIP } from 'node:net';
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
const TOKEN_ROLES = ['admin', 'viewer', 'bootstrap', 'node'];

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
  if (node.status) violations.push(...validateNodeStatus(node.status));
  return violations;
}

const ADDRESS_TYPES = ['InternalIP', 'ExternalIP', 'Hostname', 'InternalDNS', 'ExternalDNS'];
/** Kubernetes' node condition types; NetworkUnavailable is set by network plugins. */
const NODE_CONDITION_TYPES = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable'];
const CONDITION_STATUSES = ['True', 'False', 'Unknown'];
const HOST_NAME = /^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*$/;
const MAX_STATUS_ENTRIES = 16;
const MAX_STATUS_TEXT = 1024;

/**
 * What a node may write about itself, judged as any other input: known address and condition types, addresses
 * that parse, resource quantities that parse (bounded in length), short texts. Whether an address is plausible
 * for this cluster (loopback, link-local) is the node status admission's business: it depends on configuration.
 */
function validateNodeStatus(status: NonNullable<Node['status']>): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const addresses = status.addresses ?? [];
  if (addresses.length > MAX_STATUS_ENTRIES) {
    violations.push(
      invalid('status.addresses', `${addresses.length} entries`, `must have at most ${MAX_STATUS_ENTRIES}`),
    );
  }
  addresses.slice(0, MAX_STATUS_ENTRIES).forEach((a, i) => {
    const at = `status.addresses[${i}]`;
    if (!ADDRESS_TYPES.includes(a.type)) violations.push(notSupported(`${at}.type`, a.type, ADDRESS_TYPES));
    else if (a.type === 'InternalIP' || a.type === 'ExternalIP') {
      if (typeof a.address !== 'string' || isIP(a.address) === 0) {
        violations.push(invalid(`${at}.address`, a.address, 'must be a valid IP address'));
      }
    } else if (typeof a.address !== 'string' || a.address.length > 253 || !HOST_NAME.test(a.address)) {
      violations.push(invalid(`${at}.address`, a.address, 'must be a host name of at most 253 characters'));
    }
  });
  const conditions = status.conditions ?? [];
  if (conditions.length > MAX_STATUS_ENTRIES) {
    violations.push(
      invalid('status.conditions', `${conditions.length} entries`, `must have at most ${MAX_STATUS_ENTRIES}`),
    );
  }
  conditions.slice(0, MAX_STATUS_ENTRIES).forEach((c, i) => {
    const at = `status.conditions[${i}]`;
    if (!NODE_CONDITION_TYPES.includes(c.type))
      violations.push(notSupported(`${at}.type`, c.type, NODE_CONDITION_TYPES));
    if (!CONDITION_STATUSES.includes(c.status))
      violations.push(notSupported(`${at}.status`, c.status, CONDITION_STATUSES));
    for (const field of ['reason', 'message'] as const) {
      const text = c[field];
      if (typeof text === 'string' && text.length > MAX_STATUS_TEXT) {
        violations.push(
          invalid(`${at}.${field}`, `${text.length} characters`, `must be at most ${MAX_STATUS_TEXT} characters`),
        );
      }
    }
  });
  for (const group of ['capacity', 'allocatable'] as const) {
    for (const [resource, value] of Object.entries(status[group] ?? {})) {
      const error = value == null ? undefined : quantityError(value);
      if (error) violations.push(invalid(`status.${group}[${resource}]`, String(value).slice(0, 40), error));
      else if (value != null && parseQuantity(value) < 0) {
        violations.push(invalid(`status.${group}[${resource}]`, value, 'must be greater than or equal to 0'));
      }
    }
  }
  for (const [field, value] of Object.entries(status.nodeInfo ?? {})) {
    if (typeof value === 'string' && value.length > 256) {
      violations.push(
        invalid(`status.nodeInfo.${field}`, `${value.length} characters`, 'must be at most 256 characters'),
      );
    }
  }
  const port = status.daemonEndpoints?.kubeletEndpoint?.Port;
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
    violations.push(invalid('status.daemonEndpoints.kubeletEndpoint.Port', port, 'must be a port number, 0 to 65535'));
  }
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
  // acquireTime and renewTime are checked as RFC 3339 times with the shape (shape.ts): the node lifecycle reads them.
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
  if (spec.maxUses !== undefined) violations.push(...checkCount('spec.maxUses', spec.maxUses, true));
  if (spec.uses !== undefined) violations.push(...checkCount('spec.uses', spec.uses));
  return violations;
}
