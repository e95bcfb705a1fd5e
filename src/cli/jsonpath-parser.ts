/**
 * The parser of kubectl's JSONPath templates (client-go's util/jsonpath), which follows client-go's scanner closely,
 * quirks included (`['a.b']` is the path .a.b, `[]` is `[0]`, an unknown identifier fails only when run), so that
 * templates written for kubectl parse, and fail, the same way. The evaluator is in jsonpath.ts.
 */

/** A template that does not parse, or fails on the data it is executed on; the message is kubectl's reason. */
export class JsonPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonPathError';
  }
}

export interface SliceParam {
  known: boolean;
  value: number;
  /** The end of `[i]`, derived as i+1, which wraps like a negative index when i is -1. */
  derived: boolean;
}

export type PathNode =
  | { type: 'field'; name: string }
  | { type: 'wildcard' }
  | { type: 'recursive' }
  | { type: 'slice'; params: readonly [SliceParam, SliceParam, SliceParam] }
  | { type: 'filter'; left: PathNode[]; right: PathNode[]; operator: string }
  | { type: 'union'; branches: PathNode[][] }
  | { type: 'literal'; value: string | number | boolean }
  | { type: 'identifier'; name: string };

export type Segment = { type: 'text'; text: string } | { type: 'action'; nodes: PathNode[] };

export type Item = Segment | { type: 'range'; nodes: PathNode[]; body: Item[] } | { type: 'end' };

const EOF = '';

function isDigit(r: string): boolean {
  return r >= '0' && r <= '9';
}

function isAlphaNumeric(r: string): boolean {
  return r === '_' || /^[\p{L}\p{Nd}]$/u.test(r);
}

function isTerminator(r: string): boolean {
  return r === EOF || ' \t\r\n.,[]$@{}'.includes(r);
}

/** Parses `text` as the inside of one action, e.g. the two sides of a filter or the members of a union. */
function parseSubAction(text: string): PathNode[] {
  return parseSegments(`{${text}}`).flatMap((s): PathNode[] =>
    s.type === 'action' ? s.nodes : [{ type: 'literal', value: s.text }],
  );
}

/** Scans one `{...}` action, starting after its `{`, into path nodes, as client-go's parser does. */
class ActionParser {
  readonly nodes: PathNode[] = [];

  constructor(
    private readonly input: string,
    public pos: number,
  ) {}

  private peek(): string {
    return this.input[this.pos] ?? EOF;
  }

  private next(): string {
    const r = this.peek();
    if (r !== EOF) this.pos++;
    return r;
  }

  /** Parses up to and including the closing `}`. */
  parse(): void {
    for (;;) {
      if (this.input.startsWith('}', this.pos)) {
        this.pos++;
        return;
      }
      if (this.input.startsWith('[?(', this.pos)) {
        this.parseFilter();
        continue;
      }
      if (this.input.startsWith('..', this.pos)) {
        this.parseRecursive();
        continue;
      }
      const r = this.next();
      if (r === EOF || r === '\n' || r === '\r') throw new JsonPathError('unclosed action');
      if (r === ' ' || r === '@' || r === '$') continue;
      if (r === '[') this.parseArray();
      else if (r === '"' || r === "'") this.parseQuote(r);
      else if (r === '.') this.parseField();
      else if (r === '+' || r === '-' || isDigit(r)) {
        this.pos--;
        this.parseNumber();
      } else if (isAlphaNumeric(r)) {
        this.pos--;
        this.parseIdentifier();
      } else {
        const code = r.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
        throw new JsonPathError(`unrecognized character in action: U+${code} '${r}'`);
      }
    }
  }

  private parseField(): void {
    const begin = this.pos;
    for (;;) {
      const r = this.peek();
      if (r === '\\') this.pos = Math.min(this.pos + 2, this.input.length);
      else if (isTerminator(r)) break;
      else this.pos++;
    }
    const name = this.input.slice(begin, this.pos);
    this.nodes.push(name === '*' ? { type: 'wildcard' } : { type: 'field', name: name.replaceAll('\\', '') });
  }

  private parseRecursive(): void {
    if (this.nodes.at(-1)?.type === 'recursive') throw new JsonPathError('invalid multiple recursive descent');
    this.pos += 2;
    this.nodes.push({ type: 'recursive' });
    if (isAlphaNumeric(this.peek())) this.parseField();
  }

  private parseNumber(): void {
    const begin = this.pos;
    if (this.peek() === '+' || this.peek() === '-') this.pos++;
    while (this.peek() === '.' || isDigit(this.peek())) this.pos++;
    const text = this.input.slice(begin, this.pos);
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text)) throw new JsonPathError(`cannot parse number ${text}`);
    this.nodes.push({ type: 'literal', value: Number(text) });
  }

  private parseIdentifier(): void {
    const begin = this.pos;
    while (!isTerminator(this.peek())) this.pos++;
    const name = this.input.slice(begin, this.pos);
    this.nodes.push(
      name === 'true' || name === 'false' ? { type: 'literal', value: name === 'true' } : { type: 'identifier', name },
    );
  }

  private parseQuote(quote: string): void {
    const begin = this.pos - 1;
    for (;;) {
      const r = this.next();
      if (r === EOF || r === '\n') throw new JsonPathError('unterminated quoted string');
      if (r === '\\') {
        const escaped = this.next();
        if (escaped === EOF || escaped === '\n') throw new JsonPathError('unterminated quoted string');
      } else if (r === quote) break;
    }
    const quoted = this.input.slice(begin, this.pos);
    this.nodes.push({ type: 'literal', value: unquote(quoted) });
  }

  private parseArray(): void {
    const begin = this.pos;
    for (;;) {
      const r = this.next();
      if (r === EOF || r === '\n') throw new JsonPathError('unterminated array');
      if (r === ']') break;
    }
    let text = this.input.slice(begin, this.pos - 1);
    if (text === '*') text = ':';
    const members = text.split(',');
    if (members.length > 1) {
      this.nodes.push({ type: 'union', branches: members.map((m) => parseSubAction(`[${m.trim()}]`)) });
      return;
    }
    // ['a.b'] is the path .a.b, not the key "a.b": a key with dots needs ['a\.b'], as in kubectl.
    const key = /^'([^']*)'$/.exec(text);
    if (key) {
      this.nodes.push(...parseSubAction(`.${key[1]}`));
      return;
    }
    const slice = /^(-?\d*)(:-?\d*)?(:-?\d*)?$/.exec(text);
    if (!slice) throw new JsonPathError(`invalid array index ${text}`);
    const [first = '', second, third] = slice.slice(1);
    const start: SliceParam = { known: first !== '', value: first === '' ? 0 : Number(first), derived: false };
    const bound = (part: string | undefined): SliceParam =>
      part === undefined || part === ':'
        ? { known: false, value: 0, derived: false }
        : { known: true, value: Number(part.slice(1)), derived: false };
    const end = second === undefined ? { known: true, value: start.value + 1, derived: true } : bound(second);
    this.nodes.push({ type: 'slice', params: [start, end, bound(third)] });
  }

  private parseFilter(): void {
    this.pos += 3;
    const begin = this.pos;
    let opened = false;
    let closed = false;
    let pair = '';
    for (;;) {
      const r = this.next();
      if (r === EOF || r === '\n') throw new JsonPathError('unterminated filter');
      if (r === '"' || r === "'") {
        if (!opened) {
          opened = true;
          pair = r;
        } else if (r === pair && this.input[this.pos - 2] !== '\\') closed = true;
      } else if (r === ')' && opened === closed) break;
    }
    const text = this.input.slice(begin, this.pos - 1);
    if (this.next() !== ']') throw new JsonPathError('unclosed array expect ]');
    const comparison = /^([^!<>=]+)([!<>=]+)(.+?)$/.exec(text);
    this.nodes.push(
      comparison
        ? {
            type: 'filter',
            left: parseSubAction(comparison[1]!),
            operator: comparison[2]!,
            right: parseSubAction(comparison[3]!),
          }
        : { type: 'filter', left: parseSubAction(text), operator: 'exists', right: [] },
    );
  }
}

const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/** Escapes that name a code: `\x41` (2 hex digits), `\u00e9` (4), `\U0001f600` (8), `\101` (3 octal). */
const CODE_ESCAPES: Record<string, { pattern: RegExp; radix: number; max: number }> = {
  x: { pattern: /^[0-9a-fA-F]{2}/, radix: 16, max: 0xff },
  u: { pattern: /^[0-9a-fA-F]{4}/, radix: 16, max: 0x10ffff },
  U: { pattern: /^[0-9a-fA-F]{8}/, radix: 16, max: 0x10ffff },
};
const OCTAL = { pattern: /^[0-7]{3}/, radix: 8, max: 0xff };

/** A quoted literal with Go's escapes (`\n`, `\t`, `\x41`, `\u00e9`, `\101`, ...), in single or double quotes. */
function unquote(quoted: string): string {
  const quote = quoted[0]!;
  const body = quoted.slice(1, -1);
  const invalid = () => new JsonPathError(`unquote string ${quoted} error invalid syntax`);
  let out = '';
  let i = 0;
  while (i < body.length) {
    const c = body[i++]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[i++] ?? '';
    if (e in ESCAPES) out += ESCAPES[e];
    else if (e === quote) out += e;
    else {
      const octal = e >= '0' && e <= '7';
      const code = octal ? OCTAL : CODE_ESCAPES[e];
      if (!code) throw invalid();
      if (octal) i--;
      const digits = code.pattern.exec(body.slice(i))?.[0];
      const value = digits === undefined ? NaN : parseInt(digits, code.radix);
      if (!(value <= code.max)) throw invalid();
      out += String.fromCodePoint(value);
      i += digits!.length;
    }
  }
  return out;
}

/** Splits a template into literal text and the `{...}` actions between it. */
function parseSegments(template: string): Segment[] {
  const segments: Segment[] = [];
  let pos = 0;
  while (pos < template.length) {
    const open = template.indexOf('{', pos);
    if (open === -1) {
      segments.push({ type: 'text', text: template.slice(pos) });
      break;
    }
    if (open > pos) segments.push({ type: 'text', text: template.slice(pos, open) });
    const action = new ActionParser(template, open + 1);
    action.parse();
    segments.push({ type: 'action', nodes: action.nodes });
    pos = action.pos;
  }
  return segments;
}

function leadingIdentifier(segment: Segment): string | undefined {
  const first = segment.type === 'action' ? segment.nodes[0] : undefined;
  return first?.type === 'identifier' ? first.name : undefined;
}

/** Nests the segments after each `{range ...}` up to its `{end}`; a range left open runs to the template's end. */
function nest(segments: readonly Segment[]): Item[] {
  let i = 0;
  const block = (inRange: boolean): Item[] => {
    const items: Item[] = [];
    while (i < segments.length) {
      const segment = segments[i++]!;
      const identifier = leadingIdentifier(segment);
      if (identifier === 'range' && segment.type === 'action') {
        items.push({ type: 'range', nodes: segment.nodes.slice(1), body: block(true) });
      } else if (identifier === 'end') {
        if (inRange) return items;
        items.push({ type: 'end' });
      } else items.push(segment);
    }
    return items;
  };
  return block(false);
}

/** Parses a kubectl JSONPath template; throws JsonPathError with kubectl's reason when it does not parse. */
export function parseTemplate(template: string): Item[] {
  return nest(parseSegments(template));
}
