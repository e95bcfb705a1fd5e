import { CapstanError } from '../api/errors.ts';
import type { FieldViolation } from '../api/errors.ts';
import type { LabelSelector, Labels } from '../api/types.ts';
import { compareStrings, compileRequirement, requirementToString, requirementViolations } from './requirement.ts';
import type { LabelMatcher, Operator, Requirement } from './requirement.ts';
import { SelectorSyntaxError, parseRequirements } from './selector-parser.ts';

export type { Operator, Requirement } from './requirement.ts';
export { newRequirement } from './requirement.ts';
export { validateLabelKey, validateLabelValue } from './validation.ts';

/**
 * A parsed label selector: the AND of its requirements. Parse once, then call `matches` as often as needed; it
 * allocates nothing.
 */
export interface Selector {
  /** The requirements sorted by key (stable for duplicate keys), as Kubernetes keeps them. */
  readonly requirements: readonly Requirement[];
  /** True when every requirement holds; `undefined` labels are an empty set (so `!x` and `x notin (a)` hold). */
  matches(labels: Labels | undefined): boolean;
  /** True for the selector that matches every label set (no requirements). */
  isEverything(): boolean;
  /** True for the selector that matches nothing (from an undefined apps/v1 LabelSelector). */
  isNothing(): boolean;
  /**
   * The value `key` must have for a match, when the selector pins it to exactly one value with `=`, `==` or a
   * one-value `in` (Kubernetes' RequiresExactMatch); lets a store narrow a list through an index.
   */
  requiresExactMatch(key: string): string | undefined;
  /**
   * The canonical Kubernetes form: requirements sorted by key, `key in (a,b)` with sorted values, no spaces
   * around other operators. Parsing it gives an equal selector. The nothing selector prints as "" (as in
   * Kubernetes), which does not parse back to it.
   */
  toString(): string;
}

class RequirementsSelector implements Selector {
  readonly requirements: readonly Requirement[];
  private readonly matchers: readonly LabelMatcher[];
  private text: string | undefined;

  constructor(requirements: readonly Requirement[]) {
    this.requirements = Object.freeze([...requirements].sort((a, b) => compareStrings(a.key, b.key)));
    this.matchers = this.requirements.map(compileRequirement);
  }

  matches(labels: Labels | undefined): boolean {
    const set = labels ?? EMPTY_LABELS;
    for (const match of this.matchers) {
      if (!match(set)) return false;
    }
    return true;
  }

  isEverything(): boolean {
    return this.requirements.length === 0;
  }

  isNothing(): boolean {
    return false;
  }

  requiresExactMatch(key: string): string | undefined {
    const r = this.requirements.find((req) => req.key === key);
    if (r === undefined || r.values.length !== 1) return undefined;
    return r.operator === '=' || r.operator === '==' || r.operator === 'in' ? r.values[0] : undefined;
  }

  toString(): string {
    this.text ??= this.requirements.map(requirementToString).join(',');
    return this.text;
  }
}

const EMPTY_LABELS: Labels = Object.freeze({});

/**
 * The longest selector accepted (label or field). Far beyond any real one (a label is at most 317 characters), and
 * short enough that parsing it cannot stall the event loop: a 2 MiB request of `a=b,a=b,...` took seconds.
 */
export const MAX_SELECTOR_LENGTH = 16 * 1024;

const NOTHING: Selector = Object.freeze({
  requirements: Object.freeze([]),
  matches: () => false,
  isEverything: () => false,
  isNothing: () => true,
  requiresExactMatch: () => undefined,
  toString: () => '',
});

const EVERYTHING: Selector = new RequirementsSelector([]);

/** The selector that matches every label set. */
export function everything(): Selector {
  return EVERYTHING;
}

/** The selector that matches no label set, not even an empty one. */
export function nothing(): Selector {
  return NOTHING;
}

/** A selector from already validated requirements (see newRequirement). */
export function selectorFromRequirements(requirements: readonly Requirement[]): Selector {
  return requirements.length === 0 ? EVERYTHING : new RequirementsSelector(requirements);
}

/**
 * Parses a Kubernetes label selector (`app=web,tier!=db`, `env in (prod, staging)`, `!canary`, `rank>3`).
 * The empty string (or only whitespace) selects everything. Accepts and rejects exactly what Kubernetes'
 * labels.Parse does, including its key and value rules.
 *
 * @throws CapstanError INVALID naming the selector, the zero-based position, what was found and what was
 *   expected (or the broken key/value rule), e.g. `invalid label selector "a=b=c": found '=' at position 3,
 *   expected ',' or end of string`.
 */
export function parseSelector(text: string): Selector {
  if (text.length > MAX_SELECTOR_LENGTH) {
    const message = `must be at most ${MAX_SELECTOR_LENGTH} characters, got ${text.length}`;
    throw new CapstanError('INVALID', `invalid label selector: ${message}`, {
      violations: [{ field: 'labelSelector', message }],
    });
  }
  try {
    return selectorFromRequirements(parseRequirements(text));
  } catch (err) {
    if (!(err instanceof SelectorSyntaxError)) throw err;
    const message = `invalid label selector ${JSON.stringify(text)}: ${err.message}`;
    throw new CapstanError('INVALID', message, { violations: [{ field: 'labelSelector', message: err.message }] });
  }
}

/**
 * A selector requiring every key of the set to have exactly its value (Kubernetes' SelectorFromSet). An empty or
 * undefined set selects everything. Like Kubernetes, it does not validate: callers validate the object holding
 * the set (e.g. a Service selector) where it is written.
 */
export function selectorFromSet(labels: Labels | undefined): Selector {
  if (labels === undefined) return EVERYTHING;
  const requirements: Requirement[] = [];
  for (const [key, value] of Object.entries(labels)) {
    requirements.push(Object.freeze({ key, operator: '=', values: Object.freeze([value]) }));
  }
  return selectorFromRequirements(requirements);
}

const EXPRESSION_OPERATORS: Record<string, Operator> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

/**
 * Converts an apps/v1 LabelSelector (`matchLabels` AND `matchExpressions`) into a selector, as Kubernetes'
 * metav1.LabelSelectorAsSelector does:
 * - `undefined` selects NOTHING (a missing selector must never adopt every object);
 * - `{}` (no labels, no expressions) selects EVERYTHING;
 * - matchLabels entries are `key=value`; In/NotIn need at least one value, Exists/DoesNotExist none; keys and
 *   values follow the label rules.
 *
 * @param path field path of the selector in its object, used in violation field names.
 * @throws CapstanError INVALID with one violation per broken rule, e.g. `spec.selector.matchExpressions[0].values`.
 */
export function selectorFromLabelSelector(ls: LabelSelector | undefined, path = 'selector'): Selector {
  if (ls == null) return NOTHING;
  const requirements: Requirement[] = [];
  const violations: FieldViolation[] = [];
  const add = (key: string, operator: Operator, values: readonly string[], at: string): void => {
    const found = requirementViolations(key, operator, values, at);
    if (found.length > 0) violations.push(...found);
    else requirements.push(Object.freeze({ key, operator, values: Object.freeze([...values]) }));
  };
  for (const [key, value] of Object.entries(ls.matchLabels ?? {})) {
    add(key, '=', [value], `${path}.matchLabels[${key}]`);
  }
  (ls.matchExpressions ?? []).forEach((expr, i) => {
    const at = `${path}.matchExpressions[${i}]`;
    const operator = EXPRESSION_OPERATORS[expr.operator];
    if (operator === undefined) {
      const message = `"${expr.operator}" is not a valid label selector operator; supported: In, NotIn, Exists, DoesNotExist`;
      violations.push({ field: `${at}.operator`, message });
    } else {
      add(expr.key, operator, expr.values ?? [], at);
    }
  });
  if (violations.length > 0) throw CapstanError.invalid(violations, 'label selector');
  return selectorFromRequirements(requirements);
}
