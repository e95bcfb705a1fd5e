import { describe, expect, it } from 'vitest';
import { normalizeDryRun } from './options.ts';

describe('normalizeDryRun', () => {
  it("reads a bare --dry-run before a word that is not a strategy as the server's, as kubectl does", () => {
    expect(normalizeDryRun(['scale', '--dry-run', 'deploy/web', '--replicas', '2'])).toEqual([
      'scale',
      '--dry-run=server',
      'deploy/web',
      '--replicas',
      '2',
    ]);
    expect(normalizeDryRun(['apply', '-f', 'x.yaml', '--dry-run'])).toEqual([
      'apply',
      '-f',
      'x.yaml',
      '--dry-run=server',
    ]);
  });

  it('leaves a strategy after it, the = form, and the words after -- alone', () => {
    expect(normalizeDryRun(['label', 'pod/a', 'x=1', '--dry-run', 'client'])).toEqual([
      'label',
      'pod/a',
      'x=1',
      '--dry-run',
      'client',
    ]);
    expect(normalizeDryRun(['apply', '--dry-run=none', '-f', '-'])).toEqual(['apply', '--dry-run=none', '-f', '-']);
    expect(normalizeDryRun(['exec', 'web', '--', 'tool', '--dry-run', 'x'])).toEqual([
      'exec',
      'web',
      '--',
      'tool',
      '--dry-run',
      'x',
    ]);
  });
});
