/**
 * kubectl's JSONPath templates (`kubectl get -o jsonpath=...`, client-go's util/jsonpath), which differ from generic
 * JSONPath: text outside `{}` prints as it is, `$` is optional, `{range X}...{end}` iterates, quoted literals print
 * text, `['a.b']` is the path .a.b, and the results of one `{}` print space-separated, maps and lists as JSON.
 */
import { JsonPathError, parseTemplate, type Item, type PathNode, type SliceParam } from './jsonpath-parser.ts';

export { JsonPathError };

export interface JsonPathOptions {
  /** Print nothing for a key that is not there instead of failing (kubectl's default, --allow-missing-template-keys). */
  allowMissingKeys?: boolean;
}

/** A parsed template. Both methods throw JsonPathError with kubectl's reason when the data does not fit. */
export interface JsonPath {
  readonly template: string;
  /** The values each `{}` (and each text between them) yields, in order, with ranges unrolled. */
  findResults(data: unknown): unknown[][];
  /** The template's output as kubectl prints it (no newline is added). */
  execute(data: unknown): string;
}

type JsonMap = Record<string, unknown>;

function isMap(value: unknown): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The Go type kubectl names in its errors for a decoded JSON value. */
function goType(value: unknown): string {
  if (isMap(value)) return 'map[string]interface {}';
  if (Array.isArray(value)) return '[]interface {}';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int64' : 'float64';
  if (typeof value === 'boolean') return 'bool';
  return value === null || value === undefined ? '<nil>' : 'string';
}

/** Children in document order: Go ranges over maps in random order, so any order is kubectl's. */
function children(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return isMap(value) ? Object.values(value) : [];
}

function basicKind(value: unknown): 'string' | 'number' | 'boolean' {
  const kind = typeof value;
  if (kind === 'string' || kind === 'number' || kind === 'boolean') return kind;
  throw new JsonPathError('invalid type for comparison');
}

/** A filter comparison with Go templates' rules: only like basic kinds compare, and booleans only for (in)equality. */
function compare(operator: string, left: unknown, right: unknown): boolean {
  if (!['==', '!=', '<', '>', '<=', '>='].includes(operator)) {
    throw new JsonPathError(`unrecognized filter operator ${operator}`);
  }
  const kind = basicKind(left);
  if (kind !== basicKind(right)) throw new JsonPathError('incompatible types for comparison');
  if (operator === '==') return left === right;
  if (operator === '!=') return left !== right;
  if (kind === 'boolean') throw new JsonPathError('invalid type for comparison');
  const [a, b] = [left as string | number, right as string | number];
  return operator === '<' ? a < b : operator === '>' ? a > b : operator === '<=' ? a <= b : a >= b;
}

class Evaluator {
  constructor(private readonly allowMissingKeys: boolean) {}

  items(items: readonly Item[], root: unknown): unknown[][] {
    const results: unknown[][] = [];
    for (const item of items) {
      if (item.type === 'text') results.push([item.text]);
      else if (item.type === 'action') results.push(this.list([root], item.nodes));
      else if (item.type === 'range') {
        for (const value of this.list([root], item.nodes)) results.push(...this.items(item.body, value));
      } else throw new JsonPathError('not in range, nothing to end');
    }
    return results;
  }

  list(input: unknown[], nodes: readonly PathNode[]): unknown[] {
    return nodes.reduce((values, node) => this.walk(values, node), input);
  }

  private walk(input: unknown[], node: PathNode): unknown[] {
    switch (node.type) {
      case 'literal':
        return [node.value];
      case 'field':
        return this.field(input, node.name);
      case 'wildcard':
        return input.flatMap(children);
      case 'recursive':
        return input.flatMap((value) => this.recursive(value));
      case 'slice':
        return input.flatMap((value) => this.slice(value, node.params));
      case 'filter':
        return input.flatMap((value) => this.filter(value, node));
      case 'union':
        return node.branches.flatMap((branch) => this.list(input, branch));
      case 'identifier':
        throw new JsonPathError(`unrecognized identifier ${node.name}`);
    }
  }

  private field(input: unknown[], name: string): unknown[] {
    if (input.length === 0) return [];
    // `{.}` (an empty field name) is the current object, as `{@}` is.
    const results = input.filter(
      (v) => v !== null && v !== undefined && (name === '' || (isMap(v) && Object.hasOwn(v, name))),
    );
    const values = name === '' ? results : results.map((v) => (v as JsonMap)[name]);
    if (values.length === 0 && !this.allowMissingKeys) throw new JsonPathError(`${name} is not found`);
    return values;
  }

  /** A container with children and every such container under it, for the field or index that follows `..`. */
  private recursive(value: unknown): unknown[] {
    const below = children(value);
    return below.length === 0 ? [] : [value, ...below.flatMap((child) => this.recursive(child))];
  }

  private slice(value: unknown, params: readonly [SliceParam, SliceParam, SliceParam]): unknown[] {
    if (value === null || value === undefined) return [];
    if (!Array.isArray(value)) throw new JsonPathError(`${goType(value)} is not array or slice`);
    const length = value.length;
    let start = params[0].known ? params[0].value : 0;
    if (start < 0) start += length;
    let end = params[1].known ? params[1].value : length;
    if (end < 0 || (end === 0 && params[1].derived)) end += length;
    // Asking for no elements is allowed anywhere; otherwise both ends must be in bounds.
    if (start === end) return [];
    if (start >= length || start < 0) {
      throw new JsonPathError(`array index out of bounds: index ${start}, length ${length}`);
    }
    if (end > length || end < 0)
      throw new JsonPathError(`array index out of bounds: index ${end - 1}, length ${length}`);
    if (start > end) throw new JsonPathError(`starting index ${start} is greater than ending index ${end}`);
    const step = params[2].known ? params[2].value : 1;
    if (step <= 0) throw new JsonPathError('step must be > 0');
    return value.slice(start, end).filter((_, i) => i % step === 0);
  }

  private filter(value: unknown, node: Extract<PathNode, { type: 'filter' }>): unknown[] {
    if (!Array.isArray(value)) {
      throw new JsonPathError(`${printValue(value)} is not array or slice and cannot be filtered`);
    }
    return value.filter((element) => {
      if (node.operator === 'exists') {
        try {
          return this.list([element], node.left).length > 0;
        } catch {
          return false;
        }
      }
      const left = this.single(element, node.left);
      if (left.length === 0) return false;
      const right = this.single(element, node.right);
      return right.length > 0 && compare(node.operator, left[0], right[0]);
    });
  }

  private single(element: unknown, nodes: readonly PathNode[]): unknown[] {
    const values = this.list([element], nodes);
    if (values.length > 1) throw new JsonPathError('can only compare one element at a time');
    return values;
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isMap(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys(value[k])]),
  );
}

/** One result as kubectl prints it: strings bare, numbers and booleans as text, maps and lists as compact JSON. */
export function printValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return 'null';
  // Go's encoding/json writes map keys sorted.
  if (typeof value === 'object') return JSON.stringify(sortKeys(value));
  return String(value);
}

/** Parses a kubectl JSONPath template; throws JsonPathError with kubectl's reason when it does not parse. */
export function parseJsonPath(template: string, options: JsonPathOptions = {}): JsonPath {
  const items = parseTemplate(template);
  const evaluator = new Evaluator(options.allowMissingKeys ?? true);
  const findResults = (data: unknown) => evaluator.items(items, data);
  return {
    template,
    findResults,
    execute: (data) =>
      findResults(data)
        .map((values) => values.map(printValue).join(' '))
        .join(''),
  };
}
