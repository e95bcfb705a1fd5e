import { CapstanError } from '../api/errors.ts';
import type { Kind, KubeObject } from '../api/types.ts';
import { compareStrings } from './requirement.ts';
import { MAX_SELECTOR_LENGTH } from './selector.ts';

/** `=` and `==` are the same operator in a field selector; both are kept as `=`. */
export type FieldOperator = '=' | '!=';

/** One term of a field selector: the object's `field` equals (or does not equal) `value`, unescaped. */
export interface FieldRequirement {
  readonly field: string;
  readonly operator: FieldOperator;
  readonly value: string;
}

/** A parsed field selector: the AND of its terms. A field that is unset on an object has the value "". */
export interface FieldSelector {
  /** Terms in Kubernetes order (sorted by their text as written). */
  readonly requirements: readonly FieldRequirement[];
  /** True when every term holds for the object. */
  matches(obj: KubeObject): boolean;
  /** True when every term holds for a field set (as returned by fieldsOf); a missing field is "". */
  matchesFields(fields: Readonly<Record<string, string>>): boolean;
  /** True when there are no terms. */
  isEverything(): boolean;
  /** The value `field` must equal for a match, if a `=` term pins it (Kubernetes' RequiresExactMatch). */
  requiresExactMatch(field: string): string | undefined;
  /** The canonical form: `field=value` / `field!=value` terms, values escaped, joined by ",". */
  toString(): string;
}

type Getter = (obj: unknown) => string;

function at(obj: unknown, a: string, b?: string): unknown {
  const first = typeof obj === 'object' && obj !== null ? (obj as Record<string, unknown>)[a] : undefined;
  if (b === undefined) return first;
  return typeof first === 'object' && first !== null ? (first as Record<string, unknown>)[b] : undefined;
}

// Unset fields read as Go's zero values, as Kubernetes' field sets do: "" for strings, "false", "0".
const text =
  (a: string, b?: string): Getter =>
  (o) => {
    const v = at(o, a, b);
    return typeof v === 'string' ? v : '';
  };
const flag =
  (a: string, b: string): Getter =>
  (o) =>
    at(o, a, b) === true ? 'true' : 'false';
const count =
  (a: string, b: string): Getter =>
  (o) => {
    const v = at(o, a, b);
    return typeof v === 'number' ? String(v) : '0';
  };

const GETTERS: Record<string, Getter> = {
  'metadata.name': text('metadata', 'name'),
  'metadata.namespace': text('metadata', 'namespace'),
  'spec.nodeName': text('spec', 'nodeName'),
  'spec.restartPolicy': text('spec', 'restartPolicy'),
  'spec.unschedulable': flag('spec', 'unschedulable'),
  'spec.clusterIP': text('spec', 'clusterIP'),
  'spec.type': text('spec', 'type'),
  'status.phase': text('status', 'phase'),
  'status.podIP': text('status', 'podIP'),
  'status.replicas': count('status', 'replicas'),
  'involvedObject.kind': text('involvedObject', 'kind'),
  'involvedObject.namespace': text('involvedObject', 'namespace'),
  'involvedObject.name': text('involvedObject', 'name'),
  'involvedObject.uid': text('involvedObject', 'uid'),
  'involvedObject.resourceVersion': text('involvedObject', 'resourceVersion'),
  reason: text('reason'),
  source: text('source', 'component'),
  type: text('type'),
};

const COMMON_FIELDS = ['metadata.name', 'metadata.namespace'] as const;

/**
 * The fields a field selector may name, per kind: metadata.name and metadata.namespace for every kind, plus the
 * kind-specific fields Kubernetes offers that Capstan's object model has (e.g. Pod spec.nodeName, status.phase).
 */
export const SELECTABLE_FIELDS: Readonly<Record<Kind, readonly string[]>> = {
  Pod: [...COMMON_FIELDS, 'spec.nodeName', 'spec.restartPolicy', 'status.phase', 'status.podIP'],
  Event: [
    ...COMMON_FIELDS,
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.resourceVersion',
    'reason',
    'source',
    'type',
  ],
  Node: [...COMMON_FIELDS, 'spec.unschedulable'],
  Namespace: [...COMMON_FIELDS, 'status.phase'],
  ReplicationController: [...COMMON_FIELDS, 'status.replicas'],
  Service: [...COMMON_FIELDS, 'spec.clusterIP', 'spec.type'],
  Deployment: COMMON_FIELDS,
  Endpoints: COMMON_FIELDS,
  PersistentVolumeClaim: COMMON_FIELDS,
  Lease: COMMON_FIELDS,
  Token: COMMON_FIELDS,
  ConfigMap: COMMON_FIELDS,
  Secret: [...COMMON_FIELDS, 'type'],
};

/** The selectable fields of a kind; with no (or an unknown) kind, every field any kind supports. */
export function selectableFields(kind?: string): readonly string[] {
  if (kind === undefined) return Object.keys(GETTERS);
  return Object.hasOwn(SELECTABLE_FIELDS, kind) ? SELECTABLE_FIELDS[kind as Kind] : COMMON_FIELDS;
}

/** The selectable field values of an object, per its kind (unset fields as "", "false" or "0"). */
export function fieldsOf(obj: KubeObject): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const field of selectableFields(obj.kind)) fields[field] = (GETTERS[field] as Getter)(obj);
  return fields;
}

/** An object's value of one selectable field (unset as "", "false" or "0"; "" for a field no kind selects). */
export function fieldValue(obj: KubeObject, field: string): string {
  return Object.hasOwn(GETTERS, field) ? (GETTERS[field] as Getter)(obj) : '';
}

/** Escapes `\`, `,` and `=` in a field selector value with a backslash, as Kubernetes' fields.EscapeValue. */
export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/**
 * Reverses escapeFieldValue. Throws CapstanError INVALID on an unknown escape (`\a`), a trailing lone `\`, or an
 * unescaped `,` or `=`.
 */
export function unescapeFieldValue(value: string): string {
  if (!/[\\,=]/.test(value)) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === '\\') {
      const next = value[i + 1];
      if (next !== '\\' && next !== ',' && next !== '=') {
        const sequence = next === undefined ? '\\' : `\\${next}`;
        throw invalid(`invalid escape sequence ${JSON.stringify(sequence)} in value ${JSON.stringify(value)}`);
      }
      out += next;
      i++;
    } else if (c === ',' || c === '=') {
      throw invalid(`unescaped '${c}' in value ${JSON.stringify(value)}; write it as '\\${c}'`);
    } else {
      out += c;
    }
  }
  return out;
}

function invalid(message: string): CapstanError {
  return new CapstanError('INVALID', message, { violations: [{ field: 'fieldSelector', message }] });
}

/** Splits on commas that are not escaped; escapes stay in the terms. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    if (selector[i] === '\\') i++;
    else if (selector[i] === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

/** The first operator in the term splits it; the field part knows no escapes (as in Kubernetes). */
function splitTerm(term: string): [string, FieldOperator, string] | undefined {
  for (let i = 0; i < term.length; i++) {
    if (term.startsWith('!=', i)) return [term.slice(0, i), '!=', term.slice(i + 2)];
    if (term.startsWith('==', i)) return [term.slice(0, i), '=', term.slice(i + 2)];
    if (term[i] === '=') return [term.slice(0, i), '=', term.slice(i + 1)];
  }
  return undefined;
}

class TermsSelector implements FieldSelector {
  private readonly getters: readonly Getter[];

  constructor(readonly requirements: readonly FieldRequirement[]) {
    this.getters = requirements.map((r) => GETTERS[r.field] ?? (() => ''));
  }

  matches(obj: KubeObject): boolean {
    for (let i = 0; i < this.requirements.length; i++) {
      const r = this.requirements[i] as FieldRequirement;
      const equal = (this.getters[i] as Getter)(obj) === r.value;
      if (equal !== (r.operator === '=')) return false;
    }
    return true;
  }

  matchesFields(fields: Readonly<Record<string, string>>): boolean {
    return this.requirements.every((r) => {
      const actual = Object.hasOwn(fields, r.field) ? fields[r.field] : '';
      return (actual === r.value) === (r.operator === '=');
    });
  }

  isEverything(): boolean {
    return this.requirements.length === 0;
  }

  requiresExactMatch(field: string): string | undefined {
    return this.requirements.find((r) => r.field === field && r.operator === '=')?.value;
  }

  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(',');
  }
}

/**
 * Parses a Kubernetes field selector: comma-separated `field=value`, `field==value` or `field!=value` terms, ANDed.
 * Empty terms are skipped, so "" selects everything. In values, `\,` `\=` and `\\` stand for `,` `=` and `\`.
 * Fields are checked against `selectableFields(kind)`; without a kind, every field some kind supports is allowed
 * and reads as "" on objects that lack it.
 *
 * @throws CapstanError INVALID naming the selector and the term, field or escape at fault, with the supported
 *   fields for an unknown one.
 */
export function parseFieldSelector(text: string, kind?: string): FieldSelector {
  if (text.length > MAX_SELECTOR_LENGTH) {
    throw invalid(`invalid field selector: must be at most ${MAX_SELECTOR_LENGTH} characters, got ${text.length}`);
  }
  const terms = text === '' ? [] : splitTerms(text).sort(compareStrings);
  const supported = selectableFields(kind);
  const requirements: FieldRequirement[] = [];
  const prefix = `invalid field selector ${JSON.stringify(text)}`;
  for (const term of terms) {
    if (term === '') continue;
    const parts = splitTerm(term);
    if (parts === undefined) {
      throw invalid(
        `${prefix}: can't understand ${JSON.stringify(term)}; expected field=value, field==value or field!=value`,
      );
    }
    const [field, operator, raw] = parts;
    if (!supported.includes(field)) {
      const scope = kind === undefined ? '' : ` for ${kind}`;
      throw invalid(
        `${prefix}: field ${JSON.stringify(field)} is not supported${scope}; supported fields: ${supported.join(', ')}`,
      );
    }
    let value: string;
    try {
      value = unescapeFieldValue(raw);
    } catch (err) {
      throw err instanceof CapstanError ? invalid(`${prefix}: ${err.message}`) : err;
    }
    requirements.push(Object.freeze({ field, operator, value }));
  }
  return new TermsSelector(Object.freeze(requirements));
}
