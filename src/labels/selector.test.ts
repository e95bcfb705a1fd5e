import { describe, expect, it } from 'vitest';
import { CapstanError } from '../api/errors.ts';
import type { LabelSelector, Labels } from '../api/types.ts';
import { lex } from './selector-parser.ts';
import type { TokenKind } from './selector-parser.ts';
import {
  everything,
  newRequirement,
  nothing,
  parseSelector,
  selectorFromLabelSelector,
  selectorFromRequirements,
  selectorFromSet,
  validateLabelKey,
  validateLabelValue,
} from './selector.ts';
import type { Operator } from './selector.ts';

/** Cases follow k8s.io/apimachinery/pkg/labels/selector_test.go, plus Capstan's own. */

function parseError(text: string): CapstanError {
  try {
    parseSelector(text);
  } catch (err) {
    if (err instanceof CapstanError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

describe('parseSelector accepts and rejects what Kubernetes does', () => {
  it.each(['x=a,y=b,z=c', '', 'x!=a,y=b', 'x=', 'x= ', 'x=,z= ', 'x= ,z= ', '!x', 'x>1', 'x>1,z<5'])(
    'accepts %j and prints it back without spaces',
    (text) => {
      expect(parseSelector(text).toString()).toBe(text.replaceAll(' ', ''));
    },
  );

  it.each([
    'x=a||y=b',
    'x==a==b',
    '!x=a',
    'x<a',
    'x,,y',
    ',x,y',
    'x nott in (y)',
    'a in (xyz),',
    'a in (xyz)b notin ()',
    'a in (xyz abc)',
    'a notin(',
    'a (',
    '(',
    'a b',
    'x=a,',
    'x in',
    'x=(a)',
    'x>',
    'x>1.5',
    'x>99999999999999999999',
    'Key_/x',
    'x=-a',
    `x=${'a'.repeat(64)}`,
    `${'a'.repeat(64)}`,
    'example.com/a/b',
    'x=a\u00a0',
  ])('rejects %j with CapstanError INVALID', (text) => {
    const err = parseError(text);
    expect(err.code).toBe('INVALID');
    expect(err.message).toContain(`invalid label selector ${JSON.stringify(text)}`);
  });

  it('parses the same set whatever the order of requirements', () => {
    expect(parseSelector('x=a,a=x').toString()).toBe(parseSelector('a=x,x=a').toString());
    expect(parseSelector('x=a,a=x').toString()).toBe('a=x,x=a');
  });

  it.each<[string, [string, Operator, string[]][]]>([
    ['\rx', [['x', 'exists', []]]],
    ['this-is-a-dns.domain.com/key-with-dash', [['this-is-a-dns.domain.com/key-with-dash', 'exists', []]]],
    [
      'this-is-another-dns.domain.com/key-with-dash in (so,what)',
      [['this-is-another-dns.domain.com/key-with-dash', 'in', ['so', 'what']]],
    ],
    [
      '0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)',
      [['0.1.2.domain/99', 'notin', ['10.10.100.1', 'tick.tack.clock']]],
    ],
    ['foo  in\t (abc)', [['foo', 'in', ['abc']]]],
    ['x notin\n (abc)', [['x', 'notin', ['abc']]]],
    ['x  notin\t\t(abc,def)', [['x', 'notin', ['abc', 'def']]]],
    ['x in (abc,def)', [['x', 'in', ['abc', 'def']]]],
    ['x in (abc,)', [['x', 'in', ['', 'abc']]]],
    ['x in ()', [['x', 'in', ['']]]],
    [
      'x notin (abc,,def),bar,z in (),w',
      [
        ['bar', 'exists', []],
        ['w', 'exists', []],
        ['x', 'notin', ['', 'abc', 'def']],
        ['z', 'in', ['']],
      ],
    ],
    [
      'x,y in (a)',
      [
        ['x', 'exists', []],
        ['y', 'in', ['a']],
      ],
    ],
    ['x=a', [['x', '=', ['a']]]],
    ['x==a', [['x', '==', ['a']]]],
    ['x>1', [['x', 'gt', ['1']]]],
    ['x<7', [['x', 'lt', ['7']]]],
    [
      'x=a,y!=b,z in (h,i,j)',
      [
        ['x', '=', ['a']],
        ['y', '!=', ['b']],
        ['z', 'in', ['h', 'i', 'j']],
      ],
    ],
    ['x notin ( )', [['x', 'notin', ['']]]],
    ['x notin (, a)', [['x', 'notin', ['', 'a']]]],
    ['a ', [['a', 'exists', []]]],
    ['a in (x,y,notin, z,in)', [['a', 'in', ['in', 'notin', 'x', 'y', 'z']]]],
    ['x in ( b , a , b )', [['x', 'in', ['a', 'b']]]],
    ['notin=in', [['notin', '=', ['in']]]],
    ['in in (in)', [['in', 'in', ['in']]]],
    [
      '!x,!y',
      [
        ['x', '!', []],
        ['y', '!', []],
      ],
    ],
    [
      'x = a , y != b',
      [
        ['x', '=', ['a']],
        ['y', '!=', ['b']],
      ],
    ],
  ])('parses %j into its requirements', (text, expected) => {
    const got = parseSelector(text).requirements.map((r) => [r.key, r.operator, [...r.values]]);
    expect(got).toEqual(expected);
  });

  it('keeps duplicate keys as separate requirements, all of which must hold', () => {
    const s = parseSelector('x!=a,x');
    expect(s.requirements).toHaveLength(2);
    expect(s.matches({ x: 'b' })).toBe(true);
    expect(s.matches({ x: 'a' })).toBe(false);
    expect(s.matches({})).toBe(false);
    expect(s.toString()).toBe('x!=a,x');
  });

  it('names the position, what was found and what was expected', () => {
    expect(parseError('a=b=c').message).toBe(
      `invalid label selector "a=b=c": found '=' at position 3, expected ',' or end of string`,
    );
    expect(parseError('a b').message).toContain("found 'b' at position 2, expected one of 'in', 'notin'");
    expect(parseError('x=a,').message).toContain("found end of string, expected identifier after ','");
    expect(parseError('x in (a').message).toContain("found end of string, expected ',' or ')'");
    expect(parseError('x<a').message).toContain("for 'gt', 'lt' operators, the value must be an integer");
    expect(parseError('y,Bad_/x').message).toContain('requirement at position 2: invalid label key "Bad_/x"');
    expect(parseError('y,Bad_/x').violations).toEqual([{ field: 'labelSelector', message: expect.any(String) }]);
  });
});

describe('lexer', () => {
  it.each<[string, TokenKind]>([
    ['', 'end'],
    [',', ','],
    ['notin', 'notin'],
    ['in', 'in'],
    ['=', '='],
    ['==', '=='],
    ['>', '>'],
    ['<', '<'],
    ['!', '!'],
    ['!=', '!='],
    ['(', '('],
    [')', ')'],
    ['~', 'id'],
    ['||', 'id'],
  ])('reads %j as one %s token', (text, kind) => {
    const [first] = lex(text);
    expect(first?.kind).toBe(kind);
    expect(first?.text).toBe(text);
  });

  it.each<[string, TokenKind[]]>([
    ['key in ( value )', ['id', 'in', '(', 'id', ')']],
    ['key notin ( value )', ['id', 'notin', '(', 'id', ')']],
    ['key in ( value1, value2 )', ['id', 'in', '(', 'id', ',', 'id', ')']],
    ['key', ['id']],
    ['!key', ['!', 'id']],
    ['()', ['(', ')']],
    ['x in (),y', ['id', 'in', '(', ')', ',', 'id']],
    ['== != (), = notin', ['==', '!=', '(', ')', ',', '=', 'notin']],
    ['key>2', ['id', '>', 'id']],
    ['key<1', ['id', '<', 'id']],
  ])('splits %j into the longest tokens', (text, kinds) => {
    expect(lex(text).map((t) => t.kind)).toEqual([...kinds, 'end']);
  });
});

describe('matching', () => {
  const labelset: Labels = { foo: 'bar', baz: 'blah' };

  it.each<[string, Labels, boolean]>([
    ['', { x: 'y' }, true],
    ['x=y', { x: 'y' }, true],
    ['x=y,z=w', { x: 'y', z: 'w' }, true],
    ['x!=y,z!=w', { x: 'z', z: 'a' }, true],
    ['notin=in', { notin: 'in' }, true],
    ['x', { x: 'z' }, true],
    ['!x', { y: 'z' }, true],
    ['x>1', { x: '2' }, true],
    ['x<1', { x: '0' }, true],
    ['x=z', {}, false],
    ['x=y', { x: 'z' }, false],
    ['x=y,z=w', { x: 'w', z: 'w' }, false],
    ['x!=y,z!=w', { x: 'z', z: 'w' }, false],
    ['x', { y: 'z' }, false],
    ['!x', { x: 'z' }, false],
    ['x>1', { x: '0' }, false],
    ['x<1', { x: '2' }, false],
    ['foo=bar', labelset, true],
    ['baz=blah', labelset, true],
    ['foo=bar,baz=blah', labelset, true],
    ['foo=blah', labelset, false],
    ['baz=bar', labelset, false],
    ['foo=bar,foobar=bar,baz=blah', labelset, false],
    ['x in (foo),y notin (alpha)', { x: 'foo', y: 'baz' }, true],
    ['x in (foo),y in (alpha)', { x: 'foo', y: 'baz' }, false],
    ['x notin (),y', { y: '' }, true],
    ['!x,y', { y: '' }, true],
    ['x notin (),!y', { y: '' }, false],
    ['x in ()', { y: 'baz' }, false],
    ['x in ()', { x: '' }, true],
    ['x=', { x: '' }, true],
    ['x=', {}, false],
    ['x!=', {}, true],
    ['x notin (a)', {}, true],
    ['x notin (a,b)', { x: 'b' }, false],
    ['x in (a,b)', { x: 'b' }, true],
    ['x in (a,b)', {}, false],
    ['z>1', { z: '2' }, true],
    ['z>1', { z: 'v2' }, false],
    ['z>1', {}, false],
    ['z<10', { z: '-3' }, true],
    ['z>1', { z: '99999999999999999999' }, false],
    ['z<9223372036854775807', { z: '9223372036854775806' }, true],
    ['z>9007199254740992', { z: '9007199254740993' }, true],
    ['!constructor', {}, true],
    ['constructor', {}, false],
    ['toString in (a)', {}, false],
    ['toString notin (a)', {}, true],
    ['hasOwnProperty', { hasOwnProperty: 'x' }, true],
  ])('%j on %j is %s', (text, labels, expected) => {
    expect(parseSelector(text).matches(labels)).toBe(expected);
  });

  it('treats undefined labels as an empty set', () => {
    expect(parseSelector('!x,y notin (a)').matches(undefined)).toBe(true);
    expect(parseSelector('x').matches(undefined)).toBe(false);
    expect(everything().matches(undefined)).toBe(true);
  });

  it('reads an own __proto__ label and never the prototype (selectorFromSet does not validate keys)', () => {
    const set = JSON.parse('{"__proto__":"a"}') as Labels;
    expect(selectorFromSet(set).matches(set)).toBe(true);
    expect(selectorFromSet(set).matches({})).toBe(false);
  });
});

describe('selectors from sets, requirements and apps/v1 selectors', () => {
  const labelset: Labels = { foo: 'bar', baz: 'blah' };

  it.each<[Labels, boolean]>([
    [{}, true],
    [{ foo: 'bar' }, true],
    [{ baz: 'blah' }, true],
    [{ foo: 'bar', baz: 'blah' }, true],
    [{ foo: '=blah' }, false],
    [{ foo: 'bar', foobar: 'bar', baz: 'blah' }, false],
  ])('selectorFromSet(%j) matching %j is %s', (set, expected) => {
    expect(selectorFromSet(set).matches(labelset)).toBe(expected);
  });

  it('treats an empty or undefined set as everything and prints a set sorted by key', () => {
    expect(selectorFromSet(undefined).isEverything()).toBe(true);
    expect(selectorFromSet({}).isEverything()).toBe(true);
    expect(selectorFromSet({ b: '2', a: '1' }).toString()).toBe('a=1,b=2');
    expect(parseSelector('').isEverything()).toBe(true);
    expect(parseSelector(' \t').isEverything()).toBe(true);
    expect(parseSelector('x').isEverything()).toBe(false);
  });

  it.each<[string, Operator, string[] | undefined, boolean]>([
    ['x', 'in', [], false],
    ['x', 'notin', [], false],
    ['x', 'in', ['foo'], true],
    ['x', 'notin', ['foo'], true],
    ['x', 'exists', [], true],
    ['x', '!', [], true],
    ['x', 'exists', ['foo'], false],
    ['1foo', 'in', ['bar'], true],
    ['1234', 'in', ['bar'], true],
    ['y', 'gt', ['1'], true],
    ['z', 'lt', ['6'], true],
    ['foo', 'gt', ['bar'], false],
    ['barz', 'lt', ['blah'], false],
    ['x', 'gt', [], false],
    ['x', '=', ['foo', 'bar'], false],
    ['x', '=', ['a'.repeat(64)], false],
    ['x', '=', ['a b'], false],
    ['a'.repeat(254), 'exists', [], false],
    ['x', 'bogus' as Operator, [], false],
  ])('newRequirement(%j, %j, %j) valid: %s', (key, op, values, valid) => {
    const build = () => newRequirement(key, op, values ?? []);
    if (valid) expect(build()).toEqual({ key, operator: op, values });
    else expect(build).toThrow(CapstanError);
  });

  it.each<[[string, Operator, string[]][], string]>([
    [
      [
        ['x', 'in', ['abc', 'def']],
        ['y', 'notin', ['jkl']],
        ['z', 'exists', []],
      ],
      'x in (abc,def),y notin (jkl),z',
    ],
    [
      [
        ['x', 'notin', ['def', 'abc']],
        ['y', '!=', ['jkl']],
        ['z', '!', []],
      ],
      'x notin (abc,def),y!=jkl,!z',
    ],
    [
      [
        ['z', 'notin', ['']],
        ['y', 'in', ['jkl', 'mno']],
        ['x', 'notin', ['abc']],
      ],
      'x notin (abc),y in (jkl,mno),z notin ()',
    ],
    [
      [
        ['x', '=', ['abc']],
        ['y', '==', ['jkl']],
        ['z', '!=', ['a']],
        ['z', 'exists', []],
      ],
      'x=abc,y==jkl,z!=a,z',
    ],
    [
      [
        ['x', 'gt', ['2']],
        ['y', 'lt', ['8']],
        ['z', 'exists', []],
      ],
      'x>2,y<8,z',
    ],
  ])('prints requirements %j as %j, which parses back to the same', (reqs, expected) => {
    const selector = selectorFromRequirements(reqs.map(([k, op, v]) => newRequirement(k, op, v)));
    expect(selector.toString()).toBe(expected);
    expect(parseSelector(expected).toString()).toBe(expected);
  });

  it.each<[string, string, string | undefined]>([
    ['key in (value)', 'key', 'value'],
    ['key in (value,value2)', 'key', undefined],
    ['key in (value,value1),key2 in (value2)', 'key2', 'value2'],
    ['key=value', 'key', 'value'],
    ['key==value', 'key', 'value'],
    ['key!=value', 'key', undefined],
    ['key in (value),key2 in (value2)', 'key', 'value'],
    ['other=value', 'key', undefined],
  ])('requiresExactMatch: %j pins %j to %j', (text, key, value) => {
    expect(parseSelector(text).requiresExactMatch(key)).toBe(value);
  });

  it.each<[LabelSelector, Labels, boolean]>([
    [{ matchLabels: { app: 'web' } }, { app: 'web', tier: 'fe' }, true],
    [{ matchLabels: { app: 'web' } }, { app: 'db' }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe', 'be'] }] }, { tier: 'be' }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['fe'] }] }, {}, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, { tier: '' }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, { tier: '' }, false],
    [
      { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] },
      { app: 'web', canary: 'true' },
      false,
    ],
    [{}, {}, true],
    [{ matchLabels: {}, matchExpressions: [] }, { any: 'thing' }, true],
  ])('selectorFromLabelSelector(%j) matching %j is %s', (ls, labels, expected) => {
    expect(selectorFromLabelSelector(ls).matches(labels)).toBe(expected);
  });

  it('selects nothing for an undefined apps/v1 selector, as LabelSelectorAsSelector(nil) does', () => {
    const s = selectorFromLabelSelector(undefined);
    expect(s.matches({})).toBe(false);
    expect(s.matches({ app: 'web' })).toBe(false);
    expect(s.isNothing()).toBe(true);
    expect(s.isEverything()).toBe(false);
    expect(s).toBe(nothing());
  });

  it('prints an apps/v1 selector in canonical form', () => {
    const ls: LabelSelector = {
      matchLabels: { tier: 'fe', app: 'web' },
      matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }],
    };
    expect(selectorFromLabelSelector(ls).toString()).toBe('app=web,env in (dev,prod),tier=fe');
  });

  it('rejects invalid apps/v1 selectors with one violation per broken rule', () => {
    const ls = {
      matchLabels: { 'bad key!': 'v' },
      matchExpressions: [
        { key: 'a', operator: 'In', values: [] },
        { key: 'b', operator: 'Exists', values: ['x'] },
        { key: 'c', operator: 'Gt', values: ['1'] },
      ],
    } as unknown as LabelSelector;
    let error: CapstanError | undefined;
    try {
      selectorFromLabelSelector(ls, 'spec.selector');
    } catch (err) {
      error = err as CapstanError;
    }
    expect(error?.code).toBe('INVALID');
    expect(error?.violations.map((v) => v.field)).toEqual([
      'spec.selector.matchLabels[bad key!].key',
      'spec.selector.matchExpressions[0].values',
      'spec.selector.matchExpressions[1].values',
      'spec.selector.matchExpressions[2].operator',
    ]);
    expect(error?.message).toContain('"Gt" is not a valid label selector operator');
  });
});

describe('label key and value rules', () => {
  it.each(['a', 'A', '1', 'app.kubernetes.io/name', 'example.com/My_Name-1.x', 'a'.repeat(63), `${'a'.repeat(253)}/x`])(
    'accepts key %j',
    (key) => expect(validateLabelKey(key)).toBeUndefined(),
  );

  it.each<[string, string]>([
    ['', 'name part must be non-empty'],
    ['a'.repeat(64), 'no more than 63 characters'],
    ['-a', 'name part must consist of alphanumeric'],
    ['a_', 'name part must consist of alphanumeric'],
    ['/a', 'prefix part must be non-empty'],
    ['Example.com/a', 'prefix part a lowercase RFC 1123 subdomain'],
    [`${'a'.repeat(254)}/x`, 'prefix part must be no more than 253 characters'],
    ['a/', 'name part must be non-empty'],
    ['a/b/c', "optional DNS subdomain prefix and '/'"],
  ])('rejects key %j: %s', (key, rule) => expect(validateLabelKey(key)).toContain(rule));

  it.each(['', 'a', 'A-b_c.9', 'a'.repeat(63)])('accepts value %j', (value) =>
    expect(validateLabelValue(value)).toBeUndefined(),
  );

  it.each<[string, string]>([
    ['a'.repeat(64), 'must be no more than 63 characters'],
    ['-a', 'a valid label must be an empty string or consist of'],
    ['a b', 'a valid label must be an empty string or consist of'],
    ['é', 'a valid label must be an empty string or consist of'],
  ])('rejects value %j: %s', (value, rule) => expect(validateLabelValue(value)).toContain(rule));
});

describe('selector length (found by fuzzing: a 2 MiB selector of a=b terms took seconds to parse)', () => {
  it('refuses a label selector over 16 KiB with INVALID naming labelSelector, at once', async () => {
    const { MAX_SELECTOR_LENGTH, parseSelector: parse } = await import('./selector.ts');
    const text = 'a=b,'.repeat(500_000) + 'a=b';
    const started = performance.now();
    let error: unknown;
    try {
      parse(text);
    } catch (err) {
      error = err;
    }
    expect(performance.now() - started).toBeLessThan(50);
    expect(error).toBeInstanceOf(CapstanError);
    expect((error as CapstanError).violations).toEqual([
      { field: 'labelSelector', message: `must be at most ${MAX_SELECTOR_LENGTH} characters, got ${text.length}` },
    ]);
    expect(() => parse('a=b,'.repeat(4000).slice(0, -1))).not.toThrow();
  });
});
