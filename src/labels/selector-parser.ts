import { compareStrings, requirementViolations } from './requirement.ts';
import type { Operator, Requirement } from './requirement.ts';

/**
 * The label selector grammar of Kubernetes (labels.Parse):
 *
 *   selector    ::= requirement | requirement "," selector
 *   requirement ::= ["!"] KEY [ ("in" | "notin") "(" values ")" | ("=" | "==" | "!=" | ">" | "<") VALUE ]
 *   values      ::= VALUE | VALUE "," values          (a VALUE may be empty: "()", "(a,)", "(,a)")
 *
 * Whitespace (space, tab, CR, LF) separates tokens and is otherwise ignored. Any run of characters that are
 * neither whitespace nor one of `= ! ( ) , > <` is an identifier; `in` and `notin` are keywords only where an
 * operator may stand, so `notin=in` and `a in (in,notin)` are valid.
 */

export type TokenKind = 'id' | 'in' | 'notin' | '=' | '==' | '!=' | '!' | '>' | '<' | '(' | ')' | ',' | 'end';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Zero-based offset of the token in the selector text. */
  pos: number;
}

/** A syntax or rule error at a position of the selector text. */
export class SelectorSyntaxError extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

const SPECIAL = new Set(['=', '!', '(', ')', ',', '>', '<']);
const TWO_CHAR_OPERATORS = new Set(['==', '!=']);

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

/** Splits a selector into tokens, ending with one `end` token. The longest operator wins (`!=` over `!`). */
export function lex(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (isWhitespace(ch)) {
      i++;
    } else if (SPECIAL.has(ch)) {
      const two = text.slice(i, i + 2);
      const op = TWO_CHAR_OPERATORS.has(two) ? two : ch;
      tokens.push({ kind: op as TokenKind, text: op, pos: i });
      i += op.length;
    } else {
      const start = i;
      while (i < text.length && !isWhitespace(text[i] as string) && !SPECIAL.has(text[i] as string)) i++;
      const word = text.slice(start, i);
      const kind: TokenKind = word === 'in' || word === 'notin' ? word : 'id';
      tokens.push({ kind, text: word, pos: start });
    }
  }
  tokens.push({ kind: 'end', text: '', pos: text.length });
  return tokens;
}

const BINARY_OPERATORS: Partial<Record<TokenKind, Operator>> = {
  in: 'in',
  notin: 'notin',
  '=': '=',
  '==': '==',
  '!=': '!=',
  '>': 'gt',
  '<': 'lt',
};

function describe(t: Token): string {
  return t.kind === 'end' ? 'end of string' : `'${t.text}' at position ${t.pos}`;
}

/**
 * Parses selector text into requirements in written order. Throws SelectorSyntaxError on the first syntax error
 * or broken rule (invalid key or value, `gt`/`lt` value that is not an integer).
 */
export function parseRequirements(text: string): Requirement[] {
  return new Parser(lex(text)).parse();
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  /** The current token; in value context the keywords `in`/`notin` are plain identifiers. */
  private peek(valueContext = true): Token {
    const t = this.tokens[this.index] as Token;
    return valueContext && (t.kind === 'in' || t.kind === 'notin') ? { ...t, kind: 'id' } : t;
  }

  private next(valueContext = true): Token {
    const t = this.peek(valueContext);
    if (t.kind !== 'end') this.index++;
    return t;
  }

  private fail(found: Token, expected: string): never {
    throw new SelectorSyntaxError(`found ${describe(found)}, expected ${expected}`, found.pos);
  }

  parse(): Requirement[] {
    const requirements: Requirement[] = [];
    let t = this.peek();
    if (t.kind === 'end') return requirements;
    while (true) {
      if (t.kind !== 'id' && t.kind !== '!') this.fail(t, "'!', identifier, or end of string");
      requirements.push(this.parseRequirement());
      const sep = this.next();
      if (sep.kind === 'end') return requirements;
      if (sep.kind !== ',') this.fail(sep, "',' or end of string");
      t = this.peek();
      if (t.kind !== 'id' && t.kind !== '!') this.fail(t, "identifier after ','");
    }
  }

  private parseRequirement(): Requirement {
    const start = this.peek().pos;
    let t = this.next();
    const negated = t.kind === '!';
    if (negated) t = this.next();
    if (t.kind !== 'id') this.fail(t, 'identifier');
    const key = t.text;
    const after = this.peek();
    if (negated || after.kind === 'end' || after.kind === ',') {
      // As in Kubernetes, `!key` ends the requirement: `!x=a` then fails on '=' where ',' is expected.
      return this.build(key, negated ? '!' : 'exists', [], start);
    }
    const opToken = this.next(false);
    const operator = BINARY_OPERATORS[opToken.kind];
    if (operator === undefined) this.fail(opToken, "one of 'in', 'notin', '=', '==', '!=', '>', '<'");
    const values = operator === 'in' || operator === 'notin' ? this.parseValueSet() : [this.parseExactValue()];
    return this.build(key, operator, values, start);
  }

  private parseValueSet(): string[] {
    const open = this.next();
    if (open.kind !== '(') this.fail(open, "'('");
    const values = new Set<string>();
    const first = this.peek();
    if (first.kind === ')') {
      this.next();
      values.add('');
    } else if (first.kind === 'id' || first.kind === ',') {
      // Empty entries are empty-string values: "(a,)", "(,a)" and "(a,,b)" all hold "".
      let expectValue = true;
      while (true) {
        const t = this.next();
        if (t.kind === ')') {
          if (expectValue) values.add('');
          break;
        }
        if (t.kind === ',') {
          if (expectValue) values.add('');
          expectValue = true;
        } else if (t.kind === 'id' && expectValue) {
          values.add(t.text);
          expectValue = false;
        } else {
          this.fail(t, expectValue ? "',', ')' or identifier" : "',' or ')'");
        }
      }
    } else {
      this.fail(first, "',', ')' or identifier");
    }
    return [...values].sort(compareStrings);
  }

  private parseExactValue(): string {
    const t = this.peek();
    if (t.kind === 'end' || t.kind === ',') return '';
    this.next();
    if (t.kind !== 'id') this.fail(t, 'identifier');
    return t.text;
  }

  private build(key: string, operator: Operator, values: string[], pos: number): Requirement {
    const violations = requirementViolations(key, operator, values);
    if (violations.length > 0) {
      const detail = violations.map((v) => v.message).join('; ');
      throw new SelectorSyntaxError(`requirement at position ${pos}: ${detail}`, pos);
    }
    return Object.freeze({ key, operator, values: Object.freeze(values) });
  }
}
