import { isIPv4 } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import { validateLabelKey, validateLabelValue } from '../../labels/selector.ts';
import type { FieldViolation } from '../errors.ts';

/**
 * Field errors worded as Kubernetes' field.Error (k8s.io/apimachinery/pkg/util/validation/field) and the string
 * checks of k8s.io/apimachinery/pkg/util/validation. The `is*` checks return the broken rules, empty when valid.
 */

const MAX_SHOWN_VALUE = 120;

/** A value as Kubernetes prints it in an error: strings quoted, long values cut. */
export function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_SHOWN_VALUE ? `${text.slice(0, MAX_SHOWN_VALUE)}...` : text;
}

export function required(field: string, detail?: string): FieldViolation {
  return { field, message: detail ? `Required value: ${detail}` : 'Required value' };
}

export function invalid(field: string, value: unknown, detail: string): FieldViolation {
  return { field, message: `Invalid value: ${show(value)}: ${detail}` };
}

export function duplicate(field: string, value: unknown): FieldViolation {
  return { field, message: `Duplicate value: ${show(value)}` };
}

export function notFound(field: string, value: unknown): FieldViolation {
  return { field, message: `Not found: ${show(value)}` };
}

export function forbidden(field: string, detail: string): FieldViolation {
  return { field, message: `Forbidden: ${detail}` };
}

export function notSupported(field: string, value: unknown, supported: readonly string[]): FieldViolation {
  return { field, message: `Unsupported value: ${show(value)}: supported values: ${supported.map(show).join(', ')}` };
}

export function tooLong(field: string, maxBytes: number): FieldViolation {
  return { field, message: `Too long: must have at most ${maxBytes} bytes` };
}

/** One violation per broken rule of `check` for a present value. */
export function check(field: string, value: unknown, rules: readonly string[]): FieldViolation[] {
  return rules.map((rule) => invalid(field, value, rule));
}

export function isEmpty(value: string | undefined | null): value is '' | undefined | null {
  return value == null || value === '';
}

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const ENV_VAR_NAME_FMT = '[-._a-zA-Z][-._a-zA-Z0-9]*';
const HTTP_HEADER_NAME_FMT = '[-A-Za-z0-9]+';
const PERCENT_FMT = '[0-9]+%';

const anchored = (fmt: string): RegExp => new RegExp(`^${fmt}$`);
const DNS1123_LABEL_RE = anchored(DNS1123_LABEL_FMT);
const DNS1123_SUBDOMAIN_RE = anchored(DNS1123_SUBDOMAIN_FMT);
const DNS1035_LABEL_RE = anchored(DNS1035_LABEL_FMT);
const ENV_VAR_NAME_RE = anchored(ENV_VAR_NAME_FMT);
const HTTP_HEADER_NAME_RE = anchored(HTTP_HEADER_NAME_FMT);
export const PERCENT_RE = anchored(PERCENT_FMT);

const regexRule = (message: string, fmt: string): string => `${message} (regex used for validation is '${fmt}')`;
const maxLen = (n: number): string => `must be no more than ${n} characters`;

export function isDns1123Label(value: string): string[] {
  const rules: string[] = [];
  if (value.length > 63) rules.push(maxLen(63));
  if (!DNS1123_LABEL_RE.test(value)) {
    rules.push(
      regexRule(
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
        DNS1123_LABEL_FMT,
      ),
    );
  }
  return rules;
}

export function isDns1123Subdomain(value: string): string[] {
  const rules: string[] = [];
  if (value.length > 253) rules.push(maxLen(253));
  if (!DNS1123_SUBDOMAIN_RE.test(value)) {
    rules.push(
      regexRule(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        DNS1123_SUBDOMAIN_FMT,
      ),
    );
  }
  return rules;
}

export function isDns1035Label(value: string): string[] {
  const rules: string[] = [];
  if (value.length > 63) rules.push(maxLen(63));
  if (!DNS1035_LABEL_RE.test(value)) {
    rules.push(
      regexRule(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
        DNS1035_LABEL_FMT,
      ),
    );
  }
  return rules;
}

/** IANA_SVC_NAME: the name of a container or probe port. */
export function isValidPortName(value: string): string[] {
  const rules: string[] = [];
  if (value.length > 15) rules.push(maxLen(15));
  if (!/^[-a-z0-9]+$/.test(value)) rules.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(value)) rules.push('must contain at least one letter (a-z)');
  if (value.includes('--')) rules.push('must not contain consecutive hyphens');
  if (value.startsWith('-') || value.endsWith('-')) rules.push('must not begin or end with a hyphen');
  return rules;
}

export function isValidPortNum(value: unknown): string[] {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535
    ? []
    : ['must be between 1 and 65535, inclusive'];
}

export function isEnvVarName(value: string): string[] {
  const rules: string[] = [];
  if (!ENV_VAR_NAME_RE.test(value)) {
    rules.push(
      regexRule(
        "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit",
        ENV_VAR_NAME_FMT,
      ),
    );
  }
  if (value === '.') rules.push("must not be '.'");
  else if (value === '..') rules.push("must not be '..'");
  else if (value.startsWith('..')) rules.push("must not start with '..'");
  return rules;
}

export function isHttpHeaderName(value: string): string[] {
  return HTTP_HEADER_NAME_RE.test(value)
    ? []
    : [regexRule("a valid HTTP header must consist of alphanumeric characters or '-'", HTTP_HEADER_NAME_FMT)];
}

export function isIPv4Address(value: string): string[] {
  return isIPv4(value) ? [] : ['must be a valid IPv4 address'];
}

export function isIPv4Cidr(value: string): string[] {
  const [ip, bits, rest] = value.split('/');
  const ok = rest === undefined && ip !== undefined && isIPv4(ip) && /^(3[0-2]|[12]?[0-9])$/.test(bits ?? '');
  return ok ? [] : ['must be a valid IPv4 CIDR value, (e.g. 10.9.8.0/24)'];
}

/** A percent like "25%"; the rule Kubernetes states for IntOrString fields. */
export function isPercent(value: string): string[] {
  return PERCENT_RE.test(value)
    ? []
    : [regexRule("a valid percent string must be a numeric string followed by an ending '%'", PERCENT_FMT)];
}

/** Optional counters (seconds, replicas): when present, an integer ≥ 0 (or > 0 with `positive`). */
export function checkCount(field: string, value: unknown, positive = false): FieldViolation[] {
  if (value == null) return [];
  if (typeof value !== 'number' || !Number.isInteger(value)) return [invalid(field, value, 'must be an integer')];
  if (positive && value <= 0) return [invalid(field, value, 'must be greater than 0')];
  if (value < 0) return [invalid(field, value, 'must be greater than or equal to 0')];
  return [];
}

/** Label keys and values (metadata.labels, selectors, nodeSelector): the rules live with the label selector. */
export function checkLabels(labels: Record<string, string> | undefined | null, field: string): FieldViolation[] {
  const violations: FieldViolation[] = [];
  for (const [key, value] of Object.entries(labels ?? {})) {
    const keyError = validateLabelKey(key);
    if (keyError !== undefined) violations.push(invalid(field, key, keyError));
    const valueError = typeof value === 'string' ? validateLabelValue(value) : 'must be a string';
    if (valueError !== undefined) violations.push(invalid(field, value, valueError));
  }
  return violations;
}

/** A label value in a non-label field: toleration and taint values. */
export function checkLabelValue(field: string, value: string): FieldViolation[] {
  const rule = validateLabelValue(value);
  return rule === undefined ? [] : [invalid(field, value, rule)];
}

/** A qualified name (label key syntax) in a non-label field: taint and toleration keys, finalizers. */
export function checkQualifiedName(field: string, value: string): FieldViolation[] {
  const rule = validateLabelKey(value);
  return rule === undefined ? [] : [invalid(field, value, rule)];
}

/** Duplicate detection over a list: reports each repeat at its own index. */
export function findDuplicates<T>(
  items: readonly T[],
  key: (item: T) => string | undefined,
  field: (index: number) => string,
): FieldViolation[] {
  const seen = new Set<string>();
  const violations: FieldViolation[] = [];
  items.forEach((item, i) => {
    const k = key(item);
    if (k === undefined) return;
    if (seen.has(k)) violations.push(duplicate(field(i), k));
    seen.add(k);
  });
  return violations;
}

/**
 * Equality of API values: members set to undefined or null count as absent (GraphQL sends null for an unset
 * optional field), so `{ a: null }` equals `{}`.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  const dropNull = (_key: string, v: unknown): unknown => (v === null ? undefined : v);
  const plain = (v: unknown): unknown => (v == null ? undefined : JSON.parse(JSON.stringify(v, dropNull)));
  return isDeepStrictEqual(plain(a), plain(b));
}
