/**
 * The refusals every `Store` implementation answers with, worded once so the Redis store and the in-memory store
 * tell a caller the same thing (the store contract test compares their codes).
 */
import { CapstanError } from '../api/errors.ts';
import { isNamespaced } from '../api/types.ts';
import type { Kind, KubeObject } from '../api/types.ts';
import { validateObject } from '../api/validation.ts';

/** `Pod default/web` for a namespaced kind, `Node n1` for a cluster-scoped one. */
export function describeObject(kind: string, namespace: string | undefined, name: string): string {
  return namespace && isNamespaced(kind as Kind) ? `${kind} ${namespace}/${name}` : `${kind} ${name}`;
}

/** INVALID naming every violated field, when `object` (as an update of `old`, if given) breaks the API's rules. */
export function assertValid(object: KubeObject, old?: KubeObject): void {
  const violations = validateObject(object, old);
  if (violations.length > 0) {
    throw CapstanError.invalid(
      violations,
      describeObject(object.kind, object.metadata.namespace, object.metadata.name),
    );
  }
}

export function notFound(kind: Kind, namespace: string | undefined, name: string): CapstanError {
  return new CapstanError('NOT_FOUND', `${describeObject(kind, namespace || 'default', name)} not found`);
}

export function alreadyExists(kind: Kind, namespace: string | undefined, name: string): CapstanError {
  return new CapstanError('ALREADY_EXISTS', `${describeObject(kind, namespace, name)} already exists`);
}

/** The caller's resourceVersion precondition failed. */
export function staleVersion(
  kind: Kind,
  namespace: string | undefined,
  name: string,
  expected: string,
  actual: string,
): CapstanError {
  return new CapstanError(
    'CONFLICT',
    `${describeObject(kind, namespace, name)} was modified: you have resourceVersion ${expected}, the stored one is ${actual}; re-read and retry`,
  );
}

/** Another write landed between this write's read and its compare-and-set. */
export function modifiedConcurrently(kind: Kind, namespace: string | undefined, name: string): CapstanError {
  return new CapstanError(
    'CONFLICT',
    `${describeObject(kind, namespace, name)} was modified concurrently; re-read and retry`,
  );
}

export function namespaceMissing(namespace: string | undefined): CapstanError {
  return new CapstanError('NOT_FOUND', `namespace ${namespace} not found: create it first`);
}

export function namespaceTerminating(namespace: string | undefined): CapstanError {
  return new CapstanError('FORBIDDEN', `namespace ${namespace} is being deleted: no new objects may be created in it`);
}

/** An update or status write names no object, or another kind than the one it writes. */
export function assertAddressed(kind: Kind, input: { kind?: string; metadata: { name?: string } }): void {
  if (!input.metadata.name) {
    throw CapstanError.invalid([{ field: 'metadata.name', message: 'Required value: name is required' }]);
  }
  if (input.kind && input.kind !== kind) {
    throw CapstanError.invalid([{ field: 'kind', message: `must be ${kind}, got ${input.kind}` }]);
  }
}
