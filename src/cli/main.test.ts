import { PassThrough, Readable } from 'node:stream';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram, COMMAND_MODULES, main, verbOf } from './main.ts';
import type { CliIo } from './session.ts';

function capture(): { io: CliIo; stdout: () => string; stderr: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  return {
    io: { stdout, stderr, stdin: Readable.from([]), env: { CAPSTAN_CONFIG: '/nonexistent/capstan-config' } },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

function leafCommands(command: Command, path: string[] = []): string[][] {
  return command.commands
    .filter((c) => c.name() !== 'help')
    .flatMap((c) => (c.commands.length > 0 ? leafCommands(c, [...path, c.name()]) : [[...path, c.name()]]));
}

const program = await buildProgram(capture().io);

describe('capstan --help', () => {
  const verbs = leafCommands(program);

  it('covers the verbs of the issue', () => {
    const names = verbs.map((v) => v.join(' '));
    for (const verb of [
      'get',
      'describe',
      'apply',
      'create',
      'delete',
      'run',
      'scale',
      'expose',
      'logs',
      'rollout status',
      'rollout history',
      'rollout undo',
      'rollout pause',
      'rollout resume',
      'cordon',
      'uncordon',
      'drain',
      'token create',
      'node',
      'config view',
      'config set',
      'up',
      'server',
      'completion',
    ]) {
      expect(names).toContain(verb);
    }
  });

  it.each(verbs.map((v) => [v.join(' '), v]))('shows examples for %s', async (_name, path) => {
    const { io, stdout } = capture();
    expect(await main(['node', 'capstan', ...(path as string[]), '--help'], io)).toBe(0);
    expect(stdout()).toMatch(/^Usage: capstan /);
    expect(stdout()).toMatch(/\nExamples:\n {2}\S/);
  });
});

describe('argument errors', () => {
  it.each([
    [['get'], /^error: missing required argument 'types'\n$/],
    [['scale', 'deploy', 'web'], /^error: required option '--replicas <n>' not specified\n$/],
    [
      ['scale', 'deploy', 'web', '--replicas', 'many'],
      /^error: option '--replicas <n>' argument 'many' is invalid\. --replicas must be an integer/,
    ],
    [['get', 'pods', '-o', 'table'], /^error: unknown output format "table"/],
    [['get', 'pods', '--token', 't', '--server', 'not a url'], /^error: invalid server URL "not a url"/],
    [['completion', 'fish'], /^error: unsupported shell "fish"/],
  ])('capstan %j fails with one line', async (args, message) => {
    const { io, stderr } = capture();
    expect(await main(['node', 'capstan', ...args], io)).not.toBe(0);
    expect(stderr()).toMatch(message);
    expect(stderr().trimEnd().split('\n')).toHaveLength(1);
  });
});

describe('capstan completion bash', () => {
  it('completes verbs, kinds and sub-verbs', async () => {
    const { io, stdout } = capture();
    expect(await main(['node', 'capstan', 'completion', 'bash'], io)).toBe(0);
    expect(stdout()).toContain('complete -F _capstan capstan');
    expect(stdout()).toMatch(/compgen -W "get describe apply create delete run /);
    expect(stdout()).toContain('rollout) words="status history undo pause resume');
    expect(stdout()).toMatch(/words="[^"]*\bdeploy\b[^"]*\bsvc\b/);
  });
});

describe('loading only the module of the verb', () => {
  it('names every top-level verb and alias in the module table, with the module that registers it', async () => {
    const all = program.commands.filter((c) => c.name() !== 'help').flatMap((c) => [c.name(), ...c.aliases()]);
    expect(COMMAND_MODULES.flatMap((m) => m.verbs).sort()).toEqual([...all].sort());
    for (const m of COMMAND_MODULES) {
      const alone = await buildProgram(capture().io, m.verbs[0]);
      const registered = alone.commands.flatMap((c) => [c.name(), ...c.aliases()]);
      // `completion` lists every verb, so it loads every module.
      expect(registered.sort()).toEqual((m.verbs.includes('completion') ? [...all] : [...m.verbs]).sort());
    }
  });

  it.each([
    [['get', 'pods'], 'get'],
    [['-n', 'kube-system', 'get', 'pods'], 'get'],
    [['--server', 'http://x', '--token=t', 'describe', 'pod', 'a'], 'describe'],
    [['--help'], undefined],
    [[], undefined],
  ])('finds the verb of %j', (args, verb) => {
    expect(verbOf(args)).toBe(verb);
  });

  it('suggests a verb for a typo, as with every module loaded', async () => {
    const { io, stderr } = capture();
    expect(await main(['node', 'capstan', 'gett', 'pods'], io)).not.toBe(0);
    expect(stderr()).toMatch(/Did you mean get\?/);
  });
});
