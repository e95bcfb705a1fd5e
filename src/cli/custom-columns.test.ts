import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error.ts';
import {
  formatColumnValue,
  parseCustomColumns,
  parseCustomColumnsFile,
  relaxedJsonPath,
  renderCustomColumns,
} from './custom-columns.ts';

function newPod(name: string, ip?: string, labels: Record<string, string> = {}) {
  return {
    kind: 'Pod',
    metadata: { name, labels },
    spec: {
      containers: [
        { name: 'web', image: 'capstan/hello' },
        { name: 'log', image: 'capstan/busybox' },
      ],
    },
    status: { phase: 'Pending', ...(ip ? { podIP: ip } : {}) },
  };
}

const PODS = [newPod('web-1', '10.1.0.2', { app: 'web', tier: 'front' }), newPod('a-longer-name')];

function cliError(action: () => unknown): string {
  try {
    action();
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    return (err as Error).message;
  }
  throw new Error('expected a CliError');
}

describe('relaxedJsonPath', () => {
  it.each([
    ['metadata.name', '{.metadata.name}'],
    ['.metadata.name', '{.metadata.name}'],
    ['{metadata.name}', '{.metadata.name}'],
    ['{.metadata.name}', '{.metadata.name}'],
    ['.spec.containers[*].image', '{.spec.containers[*].image}'],
    ['', ''],
  ])('reads %j as %j', (expression, template) => {
    expect(relaxedJsonPath(expression)).toBe(template);
  });

  it('refuses a path with braces inside', () => {
    expect(cliError(() => relaxedJsonPath('{.a}{.b}'))).toMatch(/^unexpected path string "\{\.a\}\{\.b\}", expected/);
  });
});

describe('custom columns', () => {
  it('prints the headers as given and one aligned row per object, <none> where nothing is found', () => {
    const columns = parseCustomColumns('NAME:.metadata.name,IP:.status.podIP,phase:{.status.phase}');
    expect(renderCustomColumns(columns, PODS).split('\n')).toEqual([
      'NAME            IP         phase',
      'web-1           10.1.0.2   Pending',
      'a-longer-name   <none>     Pending',
    ]);
  });

  it('leaves out the header row with noHeaders, and prints only it for no objects', () => {
    const columns = parseCustomColumns('NAME:.metadata.name,IP:.status.podIP');
    expect(renderCustomColumns(columns, PODS, { noHeaders: true }).split('\n')).toEqual([
      'web-1           10.1.0.2',
      'a-longer-name   <none>',
    ]);
    expect(renderCustomColumns(columns, [])).toBe('NAME   IP');
    expect(renderCustomColumns(columns, [], { noHeaders: true })).toBe('');
  });

  it('joins several values with commas and prints maps and lists as Go does', () => {
    const columns = parseCustomColumns('IMAGES:.spec.containers[*].image,LABELS:.metadata.labels,C:.spec.containers');
    expect(renderCustomColumns(columns, [PODS[0]], { noHeaders: true })).toBe(
      'capstan/hello,capstan/busybox   map[app:web tier:front]   [map[image:capstan/hello name:web] map[image:capstan/busybox name:log]]',
    );
  });

  it('takes filters in a column path', () => {
    const columns = parseCustomColumns('LOG:.spec.containers[?(@.name=="log")].image');
    expect(renderCustomColumns(columns, PODS, { noHeaders: true })).toBe('capstan/busybox\ncapstan/busybox');
  });

  it('fails on a path that fails for an object, naming the column', () => {
    const columns = parseCustomColumns('THIRD:.spec.containers[2].name');
    expect(cliError(() => renderCustomColumns(columns, PODS))).toBe(
      'column THIRD ({.spec.containers[2].name}): array index out of bounds: index 2, length 2',
    );
  });

  it.each([
    ['', 'custom-columns format specified but no custom columns given'],
    ['NAME', 'unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>'],
    ['NAME:.metadata.name,IP', 'unexpected custom-columns spec: IP, expected <header>:<json-path-expr>'],
    ['X:.a[', 'error parsing jsonpath {.a[}, unterminated array'],
  ])('refuses the spec %j: %s', (spec, message) => {
    expect(cliError(() => parseCustomColumns(spec))).toBe(message);
  });

  it('reads a custom-columns file: a line of headers and a line of paths', () => {
    const columns = parseCustomColumnsFile('NAME   IP\n.metadata.name  {.status.podIP}\n');
    expect(renderCustomColumns(columns, PODS)).toBe(
      'NAME            IP\nweb-1           10.1.0.2\na-longer-name   <none>',
    );
    expect(cliError(() => parseCustomColumnsFile('NAME IP\n.metadata.name\n'))).toBe(
      "number of headers (2) and field specifications (1) don't match",
    );
    expect(cliError(() => parseCustomColumnsFile('NAME\n'))).toMatch(/^invalid template, missing spec line/);
  });
});

describe('formatColumnValue', () => {
  it.each([
    ['text', 'text'],
    [80, '80'],
    [false, 'false'],
    [null, '<nil>'],
    [[], '[]'],
    [{ b: { c: 1 }, a: ['x'] }, 'map[a:[x] b:map[c:1]]'],
  ])('prints %j as %j', (value, text) => {
    expect(formatColumnValue(value)).toBe(text);
  });
});
