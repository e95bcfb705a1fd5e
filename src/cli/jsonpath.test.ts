import { describe, expect, it } from 'vitest';
import { JsonPathError, parseJsonPath, printValue } from './jsonpath.ts';

function newPod(name: string, phase: string, extra: { ip?: string; restarts?: number; app?: string } = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      labels: { 'app.kubernetes.io/name': extra.app ?? name, tier: 'front' },
    },
    spec: { containers: [{ name: 'c', image: 'capstan/hello', ports: [{ containerPort: 80 }] }] },
    status: {
      phase,
      ...(extra.ip ? { podIP: extra.ip } : {}),
      containerStatuses: [{ name: 'c', ready: phase === 'Running', restartCount: extra.restarts ?? 0 }],
    },
  };
}

const LIST = {
  apiVersion: 'v1',
  kind: 'List',
  items: [
    newPod('web-1', 'Running', { ip: '10.1.0.2', restarts: 3, app: 'web' }),
    newPod('web-2', 'Pending', { app: 'web' }),
    newPod('db-1', 'Running', { ip: '10.1.0.9', restarts: 0, app: 'db' }),
  ],
};

function run(template: string, data: unknown = LIST, allowMissingKeys = true): string {
  return parseJsonPath(template, { allowMissingKeys }).execute(data);
}

function failure(action: () => unknown): string {
  try {
    action();
  } catch (err) {
    expect(err).toBeInstanceOf(JsonPathError);
    return (err as Error).message;
  }
  throw new Error('expected a JsonPathError');
}

describe('kubectl JSONPath templates: fields and text', () => {
  it.each([
    ['', ''],
    ['just text', 'just text'],
    ['kind is {.kind}', 'kind is List'],
    ['{$.kind}', 'List'],
    ['{@.kind}', 'List'],
    ["{['kind']}", 'List'],
    ['{.items[0].metadata.name}', 'web-1'],
    ['{.items[0].status.containerStatuses[0].restartCount}', '3'],
    ['{.items[0].status.containerStatuses[0].ready}', 'true'],
    ['{.items[0].metadata.labels.app\\.kubernetes\\.io/name}', 'web'],
    ["{.items[0]['metadata.name']}", 'web-1'],
    ['{.items[0].metadata.name}/{.items[0].metadata.namespace}', 'web-1/default'],
    ['a}b{.kind}', 'a}bList'],
    ['{ .kind }', 'List'],
  ])('%s prints %j', (template, expected) => {
    expect(run(template)).toBe(expected);
  });

  it('prints maps and lists as compact JSON with sorted keys, as Go does', () => {
    expect(run('{.items[0].metadata.labels}')).toBe('{"app.kubernetes.io/name":"web","tier":"front"}');
    expect(run('{.items[0].spec.containers[0].ports}')).toBe('[{"containerPort":80}]');
    expect(printValue({ b: 1, a: [true, null] })).toBe('{"a":[true,null],"b":1}');
  });

  it('takes {.} and {@} as the current object', () => {
    expect(run('{.}', { b: 1, a: 2 })).toBe('{"a":2,"b":1}');
    expect(run('{@}', 'text')).toBe('text');
  });

  it('prints nothing for a missing key by default, and fails without --allow-missing-template-keys', () => {
    expect(run('{.items[0].status.hostIP}')).toBe('');
    expect(run('[{.nothing.here}]')).toBe('[]');
    expect(failure(() => run('{.items[0].status.hostIP}', LIST, false))).toBe('hostIP is not found');
    expect(failure(() => run('{.items[*].status.podIP}', { items: [{ status: {} }] }, false))).toBe(
      'podIP is not found',
    );
  });

  it('prints the values of a map with .*', () => {
    expect(run('{.items[0].metadata.labels.*}')).toBe('web front');
  });
});

describe('kubectl JSONPath templates: arrays', () => {
  it.each([
    ['{.items[*].metadata.name}', 'web-1 web-2 db-1'],
    ['{.items[-1].metadata.name}', 'db-1'],
    ['{.items[-1:].metadata.name}', 'db-1'],
    ['{.items[1:].metadata.name}', 'web-2 db-1'],
    ['{.items[:2].metadata.name}', 'web-1 web-2'],
    ['{.items[0:3:2].metadata.name}', 'web-1 db-1'],
    ['{.items[::2].metadata.name}', 'web-1 db-1'],
    ['{.items[-2:-1].metadata.name}', 'web-2'],
    ['{.items[1:1].metadata.name}', ''],
    ['{.items[0,2].metadata.name}', 'web-1 db-1'],
    ["{.items[0]['metadata.name', 'status.phase']}", 'web-1 Running'],
  ])('%s prints %j', (template, expected) => {
    expect(run(template)).toBe(expected);
  });

  it.each([
    ['{.items[3]}', 'array index out of bounds: index 3, length 3'],
    ['{.items[-4]}', 'array index out of bounds: index -1, length 3'],
    ['{.items[0:5]}', 'array index out of bounds: index 4, length 3'],
    ['{.items[2:1]}', 'starting index 2 is greater than ending index 1'],
    ['{.items[0:2:0]}', 'step must be > 0'],
    ['{.kind[0]}', 'string is not array or slice'],
    ['{.items[0].metadata[0]}', 'map[string]interface {} is not array or slice'],
  ])('%s fails: %s', (template, message) => {
    expect(failure(() => run(template))).toBe(message);
  });

  it('fails on an index into an empty list even when missing keys are allowed, as kubectl does', () => {
    expect(failure(() => run('{.items[0]}', { items: [] }))).toBe('array index out of bounds: index 0, length 0');
  });
});

describe('kubectl JSONPath templates: recursive descent and filters', () => {
  it('finds a key at any depth with ..', () => {
    expect(run('{..podIP}')).toBe('10.1.0.2 10.1.0.9');
    expect(run('{.items[0]..containerPort}')).toBe('80');
    expect(run('{..name}', { a: { name: 'x', b: [{ name: 'y' }] }, name: 'z' })).toBe('z x y');
  });

  it.each([
    ['{.items[?(@.status.phase=="Running")].metadata.name}', 'web-1 db-1'],
    ["{.items[?(@.status.phase!='Running')].metadata.name}", 'web-2'],
    ['{.items[?(@.status.containerStatuses[0].restartCount>0)].metadata.name}', 'web-1'],
    ['{.items[?(@.status.containerStatuses[0].restartCount>=0)].metadata.name}', 'web-1 web-2 db-1'],
    ['{.items[?(@.status.containerStatuses[0].restartCount<3)].metadata.name}', 'web-2 db-1'],
    ['{.items[?(@.status.containerStatuses[0].restartCount<=3)].metadata.name}', 'web-1 web-2 db-1'],
    ['{.items[?(@.status.containerStatuses[0].ready==true)].metadata.name}', 'web-1 db-1'],
    ['{.items[?(@.metadata.name < "web")].metadata.name}', 'db-1'],
    ['{.items[?(@.status.podIP)].metadata.name}', 'web-1 db-1'],
    ['{.items[?(@.metadata.labels.app\\.kubernetes\\.io/name=="db")].status.podIP}', '10.1.0.9'],
    ['{.items[?(@.status.podIP=="10.9.9.9")].metadata.name}', ''],
    ['{.items[*].spec.containers[?(@.name=="c")].image}', 'capstan/hello capstan/hello capstan/hello'],
  ])('%s prints %j', (template, expected) => {
    expect(run(template)).toBe(expected);
  });

  it('skips elements where the compared key is missing', () => {
    expect(run('{.items[?(@.status.podIP!="10.1.0.2")].metadata.name}')).toBe('db-1');
  });

  it.each([
    ['{.items[?(@.status.containerStatuses[0].restartCount=="3")]}', 'incompatible types for comparison'],
    ['{.items[?(@.status.containerStatuses[0].ready<true)]}', 'invalid type for comparison'],
    ['{.items[?(@.metadata=="x")]}', 'invalid type for comparison'],
    ['{.items[?(@.metadata.name=1)]}', 'unrecognized filter operator ='],
    ['{.kind[?(@.x)]}', 'List is not array or slice and cannot be filtered'],
  ])('%s fails: %s', (template, message) => {
    expect(failure(() => run(template))).toBe(message);
  });

  it('refuses to compare several values at once', () => {
    const data = { items: [{ ports: [1, 2] }] };
    expect(failure(() => run('{.items[?(@.ports[*]==1)]}', data))).toBe('can only compare one element at a time');
  });
});

describe('kubectl JSONPath templates: range and literals', () => {
  it('iterates with range ... end, printing the body once per element', () => {
    expect(run('{range .items[*]}{.metadata.name}{"\\t"}{.status.podIP}{"\\n"}{end}')).toBe(
      'web-1\t10.1.0.2\nweb-2\t\ndb-1\t10.1.0.9\n',
    );
    expect(run('{range .items[*]}[{.metadata.name}] {end}done')).toBe('[web-1] [web-2] [db-1] done');
  });

  it('nests ranges and runs a range left open to the end of the template', () => {
    const data = {
      a: [
        { n: 'x', c: [1, 2] },
        { n: 'y', c: [3] },
      ],
    };
    expect(run('{range .a[*]}{.n}:{range .c[*]}{@},{end};{end}', data)).toBe('x:1,2,;y:3,;');
    expect(run('{range .a[*]}{.n} ', data)).toBe('x y ');
  });

  it('prints nothing for a range over nothing', () => {
    expect(run('{range .items[*]}{.metadata.name}{end}', { items: [] })).toBe('');
    expect(run('{range .missing[*]}x{end}y')).toBe('y');
  });

  it('fails on an end outside a range', () => {
    expect(failure(() => run('{.kind}{end}'))).toBe('not in range, nothing to end');
  });

  it.each([
    ['{"\\n"}', '\n'],
    ["{'\\t'}", '\t'],
    ['{"a\\"b"}', 'a"b'],
    ["{'it\\'s'}", "it's"],
    ['{"\\x41\\u00e9\\101\\\\"}', 'AéA\\'],
    ['{"{}"}', '{}'],
    ['{1}{" "}{-2.5}{" "}{true}', '1 -2.5 true'],
  ])('prints the literal %s as %j', (template, expected) => {
    expect(run(template)).toBe(expected);
  });
});

describe('kubectl JSONPath templates: syntax errors', () => {
  it.each([
    ['{.kind', 'unclosed action'],
    ['{.kind\n}', 'unclosed action'],
    ['{.items[0}', 'unterminated array'],
    ['{.items[x]}', 'invalid array index x'],
    ['{.items[1:2:3:4]}', 'invalid array index 1:2:3:4'],
    ['{#}', "unrecognized character in action: U+0023 '#'"],
    ['{"abc}', 'unterminated quoted string'],
    ['{"\\q"}', 'unquote string "\\q" error invalid syntax'],
    ['{"\\\'"}', 'unquote string "\\\'" error invalid syntax'],
    ['{.items[?(@.a=="b"}', 'unterminated filter'],
    ['{.items[?(@.a)x}', 'unclosed array expect ]'],
    ['{....name}', 'invalid multiple recursive descent'],
    ['{-}', 'cannot parse number -'],
    ['{1.2.3}', 'cannot parse number 1.2.3'],
  ])('%j fails to parse: %s', (template, message) => {
    expect(failure(() => parseJsonPath(template))).toBe(message);
  });

  it('fails when it runs an identifier it does not know', () => {
    expect(failure(() => run('{foo}'))).toBe('unrecognized identifier foo');
  });
});

describe('findResults', () => {
  it('gives the values of each action and text apart, with ranges unrolled', () => {
    expect(parseJsonPath('n={range .items[*]}{.metadata.name}{end}').findResults(LIST)).toEqual([
      ['n='],
      ['web-1'],
      ['web-2'],
      ['db-1'],
    ]);
    expect(parseJsonPath('{.items[*].status.phase}').findResults(LIST)).toEqual([['Running', 'Pending', 'Running']]);
  });
});
