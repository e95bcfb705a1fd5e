import { CapstanError } from '../api/errors.ts';
import type { FieldViolation } from '../api/errors.ts';
import type { Labels } from '../api/types.ts';
import { validateLabelKey, validateLabelValue } from './validation.ts';

/**
 * A label selector operator, spelled as Kubernetes' `selection.Operator`: `exists` is a bare `key`, `!` is
 * `!key`, `gt`/`lt` are `key>N`/`key<N`.
 */
export type Operator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

export const OPERATORS: readonly Operator[] = ['in', 'notin', '=', '==', '!=', 'exists', '!', 'gt', 'lt'];

/**
 * One condition of a label selector; a selector is the AND of its requirements.
 *
 * - `in` / `=` / `==`: the key is present and its value is one of `values`.
 * - `notin` / `!=`: the key is absent, or its value is none of `values`.
 * - `exists` / `!`: the key is present / absent (`values` is empty).
 * - `gt` / `lt`: the key is present, its value is a 64-bit integer, and it is greater / less than `values[0]`.
 *
 * Parsed requirements hold their values sorted and deduplicated (a set, as in Kubernetes); requirements built
 * from an apps/v1 LabelSelector keep the values as written. Requirements are frozen: never mutate them.
 */
export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  readonly values: readonly string[];
}

const INT64_RE = /^[+-]?[0-9]+$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Go's strconv.ParseInt(s, 10, 64): optional sign, decimal digits, 64-bit range; undefined when not an integer. */
export function parseInt64(s: string): bigint | undefined {
  if (!INT64_RE.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

/**
 * Builds a validated requirement, with the rules of Kubernetes' NewRequirement: a valid label key; `in`/`notin`
 * need at least one value; `=`/`==`/`!=` exactly one; `exists`/`!` none; `gt`/`lt` exactly one integer; every
 * value a valid label value. Throws CapstanError INVALID naming every broken rule; `path` prefixes the field
 * names of the violations (e.g. `spec.selector.matchExpressions[0]`).
 */
export function newRequirement(key: string, operator: Operator, values: readonly string[], path = ''): Requirement {
  const violations = requirementViolations(key, operator, values, path);
  if (violations.length > 0) throw CapstanError.invalid(violations);
  return Object.freeze({ key, operator, values: Object.freeze([...values]) });
}

/** The broken rules of a requirement, empty when it is valid (see newRequirement). */
export function requirementViolations(
  key: string,
  operator: Operator,
  values: readonly string[],
  path = '',
): FieldViolation[] {
  const at = (field: string): string => (path === '' ? field : `${path}.${field}`);
  const violations: FieldViolation[] = [];
  const keyError = validateLabelKey(key);
  if (keyError !== undefined) violations.push({ field: at('key'), message: `invalid label key "${key}": ${keyError}` });
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) {
        violations.push({ field: at('values'), message: "for 'in', 'notin' operators, values set can't be empty" });
      }
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) {
        violations.push({ field: at('values'), message: 'exact-match compatibility requires one single value' });
      }
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) {
        violations.push({ field: at('values'), message: 'values set must be empty for exists and does not exist' });
      }
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) {
        violations.push({ field: at('values'), message: "for 'gt', 'lt' operators, exactly one value is required" });
      }
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) {
          violations.push({
            field: at(`values[${i}]`),
            message: `for 'gt', 'lt' operators, the value must be an integer, got "${v}"`,
          });
        }
      });
      break;
    default:
      violations.push({
        field: at('operator'),
        message: `unsupported operator "${String(operator)}"; supported: ${OPERATORS.join(', ')}`,
      });
  }
  values.forEach((v, i) => {
    const valueError = validateLabelValue(v);
    if (valueError !== undefined) {
      violations.push({ field: at(`values[${i}]`), message: `invalid label value "${v}": ${valueError}` });
    }
  });
  return violations;
}

/** Prints one requirement as Kubernetes' Requirement.String() does (values of a set sorted, comma-joined). */
export function requirementToString(r: Requirement): string {
  const values = r.values.length === 1 ? r.values[0] : [...r.values].sort(compareStrings).join(',');
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
      return `${r.key} in (${values})`;
    case 'notin':
      return `${r.key} notin (${values})`;
    case 'gt':
      return `${r.key}>${values}`;
    case 'lt':
      return `${r.key}<${values}`;
    default:
      return `${r.key}${r.operator}${values}`;
  }
}

/** Plain code-unit order, as Go's sort.Strings orders ASCII: never locale-dependent. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A compiled requirement: reads the labels once, no allocation on the hot path. */
export type LabelMatcher = (labels: Labels) => boolean;

/**
 * Compiles a requirement into a matcher. Keys that name an Object.prototype member (`constructor`, `toString`,
 * `__proto__`, ...) are valid label keys, so their presence is checked with Object.hasOwn; every other key uses
 * a plain property read, which is what keeps matching fast over tens of thousands of objects.
 */
export function compileRequirement(r: Requirement): LabelMatcher {
  const { key, operator, values } = r;
  const guarded = key in Object.prototype || key === '__proto__';
  const get = guarded
    ? (labels: Labels): string | undefined => (Object.hasOwn(labels, key) ? labels[key] : undefined)
    : (labels: Labels): string | undefined => labels[key];
  const one = values[0] ?? '';
  switch (operator) {
    case 'exists':
      return (labels) => get(labels) !== undefined;
    case '!':
      return (labels) => get(labels) === undefined;
    case 'in':
    case '=':
    case '==': {
      if (values.length === 1) return (labels) => get(labels) === one;
      const set = new Set(values);
      return (labels) => {
        const v = get(labels);
        return v !== undefined && set.has(v);
      };
    }
    case 'notin':
    case '!=': {
      if (values.length === 1) return (labels) => get(labels) !== one;
      const set = new Set(values);
      return (labels) => {
        const v = get(labels);
        return v === undefined || !set.has(v);
      };
    }
    case 'gt':
    case 'lt': {
      const bound = values.length === 1 ? parseInt64(one) : undefined;
      // Kubernetes matches nothing for a gt/lt requirement that does not hold exactly one integer.
      if (bound === undefined) return () => false;
      const greater = operator === 'gt';
      return (labels) => {
        const v = get(labels);
        if (v === undefined) return false;
        const n = parseInt64(v);
        if (n === undefined) return false;
        return greater ? n > bound : n < bound;
      };
    }
    default:
      return () => false;
  }
}
