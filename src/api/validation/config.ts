import type { FieldViolation } from '../errors.ts';
import type { ConfigMap, KeyToPath, Secret } from '../types.ts';
import { SECRET_TYPES } from '../types.ts';
import { forbidden, invalid, isDns1123Subdomain, isEmpty, required, show } from './field.ts';

/** Kubernetes' limit on the data of one ConfigMap or Secret (its etcd value): 1 MiB. */
export const MAX_CONFIG_DATA_BYTES = 1_048_576;

const CONFIG_KEY_FMT = '[-._a-zA-Z0-9]+';
const CONFIG_KEY_RE = new RegExp(`^${CONFIG_KEY_FMT}$`);
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The keys a Secret type must carry, as Kubernetes' ValidateSecret requires them. */
const REQUIRED_KEYS: Partial<Record<string, { all?: string[]; any?: string[] }>> = {
  'kubernetes.io/dockerconfigjson': { all: ['.dockerconfigjson'] },
  'kubernetes.io/basic-auth': { any: ['username', 'password'] },
  'kubernetes.io/tls': { all: ['tls.crt', 'tls.key'] },
};

/** Kubernetes' IsConfigMapKey: the rules a data key breaks (shown, since keys are not secret). */
export function isConfigMapKey(key: string): string[] {
  const rules: string[] = [];
  if (key.length > 253) rules.push('must be no more than 253 characters');
  if (!CONFIG_KEY_RE.test(key)) {
    rules.push(
      `a valid config key must consist of alphanumeric characters, '-', '_' or '.' (regex used for validation is '${CONFIG_KEY_FMT}')`,
    );
  }
  if (key === '.' || key === '..') rules.push(`must not be '${key}'`);
  else if (key.startsWith('..')) rules.push("must not start with '..'");
  return rules;
}

export function isBase64(value: string): boolean {
  return BASE64_RE.test(value);
}

function checkKeys(field: string, map: Record<string, string> | undefined): FieldViolation[] {
  return Object.keys(map ?? {}).flatMap((key) =>
    isConfigMapKey(key).map((rule) => invalid(`${field}[${key}]`, key, rule)),
  );
}

function tooLarge(field: string, bytes: number): FieldViolation {
  return { field, message: `Too long: must have at most ${MAX_CONFIG_DATA_BYTES} bytes, has ${bytes}` };
}

function checkImmutable(
  current: { immutable?: boolean; data?: unknown; binaryData?: unknown },
  old: { immutable?: boolean; data?: unknown; binaryData?: unknown } | undefined,
): FieldViolation[] {
  if (!old?.immutable) return [];
  const violations: FieldViolation[] = [];
  if (!current.immutable) violations.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
  if (JSON.stringify(current.data ?? {}) !== JSON.stringify(old.data ?? {}))
    violations.push(forbidden('data', 'field is immutable when `immutable` is set'));
  if (JSON.stringify(current.binaryData ?? {}) !== JSON.stringify(old.binaryData ?? {}))
    violations.push(forbidden('binaryData', 'field is immutable when `immutable` is set'));
  return violations;
}

export function validateConfigMap(cm: ConfigMap, old?: ConfigMap): FieldViolation[] {
  const violations = [...checkKeys('data', cm.data), ...checkKeys('binaryData', cm.binaryData)];
  let bytes = 0;
  for (const [key, value] of Object.entries(cm.data ?? {})) {
    if (typeof value !== 'string') violations.push(invalid(`data[${key}]`, value, 'must be a string'));
    else bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
    if (cm.binaryData && Object.hasOwn(cm.binaryData, key)) {
      violations.push(invalid(`data[${key}]`, key, 'duplicate of key present in binaryData'));
    }
  }
  for (const [key, value] of Object.entries(cm.binaryData ?? {})) {
    if (typeof value !== 'string' || !isBase64(value)) {
      violations.push({ field: `binaryData[${key}]`, message: 'Invalid value: must be base64-encoded' });
    } else bytes += Buffer.byteLength(key) + Buffer.from(value, 'base64').length;
  }
  if (bytes > MAX_CONFIG_DATA_BYTES) violations.push(tooLarge('data', bytes));
  violations.push(...checkImmutable(cm, old));
  return violations;
}

/**
 * Kubernetes' ValidateSecret. Messages name keys, never values: a Secret's data must not reach an error message.
 */
export function validateSecret(secret: Secret, old?: Secret): FieldViolation[] {
  const violations = checkKeys('data', secret.data);
  const type = secret.type ?? 'Opaque';
  if (isEmpty(type)) violations.push(required('type'));
  let bytes = 0;
  for (const [key, value] of Object.entries(secret.data ?? {})) {
    if (typeof value !== 'string' || !isBase64(value)) {
      violations.push({ field: `data[${key}]`, message: 'Invalid value: must be base64-encoded' });
    } else bytes += Buffer.byteLength(key) + Buffer.from(value, 'base64').length;
  }
  if (bytes > MAX_CONFIG_DATA_BYTES) violations.push(tooLarge('data', bytes));
  // Left by the defaults only when it is not a map of strings (a valid one is merged into data already).
  const stringData: unknown = secret.stringData;
  if (stringData !== undefined) {
    if (typeof stringData !== 'object' || stringData === null || Array.isArray(stringData)) {
      violations.push({ field: 'stringData', message: 'Invalid value: must be a map of strings' });
    } else {
      for (const [key, value] of Object.entries(stringData)) {
        if (typeof value !== 'string')
          violations.push({ field: `stringData[${key}]`, message: 'Invalid value: must be a string' });
      }
    }
  }
  const needs = REQUIRED_KEYS[type];
  const has = (key: string): boolean => Object.hasOwn(secret.data ?? {}, key);
  for (const key of needs?.all ?? []) if (!has(key)) violations.push(required(`data[${key}]`));
  if (needs?.any && !needs.any.some(has)) {
    violations.push(required('data', `must contain at least one of ${needs.any.map(show).join(', ')}`));
  }
  if (type === 'kubernetes.io/dockerconfigjson' && has('.dockerconfigjson')) {
    violations.push(...checkDockerConfig(secret.data!['.dockerconfigjson']!));
  }
  if (old) {
    if ((old.type ?? 'Opaque') !== type) violations.push(forbidden('type', 'field is immutable'));
    violations.push(...checkImmutable(secret, old));
  }
  if (!(SECRET_TYPES as readonly string[]).includes(type) && !type.includes('/')) {
    violations.push(
      invalid('type', type, `must be one of ${SECRET_TYPES.map(show).join(', ')} or a domain-prefixed type`),
    );
  }
  return violations;
}

function checkDockerConfig(encoded: string): FieldViolation[] {
  const field = 'data[.dockerconfigjson]';
  try {
    const parsed = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as { auths?: unknown };
    if (typeof parsed !== 'object' || parsed === null || typeof parsed.auths !== 'object' || parsed.auths === null) {
      return [{ field, message: 'Invalid value: must be a Docker config JSON with an "auths" object' }];
    }
    return [];
  } catch {
    return [{ field, message: 'Invalid value: must be valid JSON (a Docker config with an "auths" object)' }];
  }
}

/** `items` of a configMap or secret volume: known-looking keys, relative paths without `..`, modes 0-0777. */
export function validateKeyToPaths(items: readonly KeyToPath[] | undefined, path: string): FieldViolation[] {
  const violations: FieldViolation[] = [];
  (items ?? []).forEach((item, i) => {
    const at = `${path}.items[${i}]`;
    if (isEmpty(item.key)) violations.push(required(`${at}.key`));
    if (isEmpty(item.path)) violations.push(required(`${at}.path`));
    else if (item.path.startsWith('/')) violations.push(invalid(`${at}.path`, item.path, 'must be a relative path'));
    else if (item.path.split('/').includes('..'))
      violations.push(invalid(`${at}.path`, item.path, "must not contain '..'"));
    else if (item.path.startsWith('..')) violations.push(invalid(`${at}.path`, item.path, "must not start with '..'"));
    violations.push(...checkMode(`${at}.mode`, item.mode));
  });
  return violations;
}

export function checkMode(field: string, mode: number | undefined): FieldViolation[] {
  if (mode == null) return [];
  return Number.isInteger(mode) && mode >= 0 && mode <= 0o777
    ? []
    : [invalid(field, mode, 'must be a number between 0 and 0777 (octal), both inclusive')];
}

/** The name of a referenced ConfigMap or Secret. */
export function checkReferenceName(field: string, name: string | undefined): FieldViolation[] {
  if (isEmpty(name)) return [required(field)];
  return isDns1123Subdomain(name).map((rule) => invalid(field, name, rule));
}
