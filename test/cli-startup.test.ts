import { execFile } from 'node:child_process';
import { mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(REPO, 'bin', 'capstan.mjs');
const LOGGER = join(REPO, 'test', 'support', 'module-log.mjs');

interface Metafile {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}

/**
 * What `capstan <args>` loads, as the user runs it (the build in dist/current, which the global setup made from
 * these sources): the source files and packages bundled into every chunk the process resolved. The server address
 * refuses connections, so the command goes through its whole start and its request, and fails after.
 */
async function inputsLoadedBy(args: string[]): Promise<{ inputs: Set<string>; files: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'capstan-startup-'));
  const log = join(dir, 'modules.log');
  try {
    await new Promise<void>((resolve) =>
      execFile(
        process.execPath,
        ['--import', LOGGER, BIN, ...args, '--server', 'http://127.0.0.1:9', '--token', 't'],
        { env: { ...process.env, CAPSTAN_MODULE_LOG: log, CAPSTAN_CONFIG: join(dir, 'none') } },
        () => resolve(),
      ),
    );
    const files = (await readFile(log, 'utf8'))
      .split('\n')
      .filter((url) => url.startsWith('file:'))
      .map((url) => fileURLToPath(url));
    const build = await realpath(join(REPO, 'dist', 'current'));
    const meta = JSON.parse(await readFile(join(build, 'cli', 'meta.json'), 'utf8')) as Metafile;
    const inputs = new Set<string>();
    for (const [output, { inputs: bundled }] of Object.entries(meta.outputs)) {
      if (files.includes(join(REPO, output))) for (const input of Object.keys(bundled)) inputs.add(input);
    }
    return { inputs, files: files.map((f) => relative(REPO, f)) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const packageOf = (input: string) => /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];

describe('capstan get pods at start-up', () => {
  let loaded: { inputs: Set<string>; files: string[] };
  beforeAll(async () => {
    loaded = await inputsLoadedBy(['get', 'pods']);
  });

  it('runs the build, not the TypeScript sources', () => {
    expect(loaded.files.some((f) => f.startsWith('dist/'))).toBe(true);
    expect(loaded.files.filter((f) => f.endsWith('.ts'))).toEqual([]);
    expect(loaded.inputs).toContain('src/cli/commands/get.ts');
  });

  it('loads neither the server side nor Docker, Redis or the YAML and subscription libraries', () => {
    const packages = new Set([...loaded.inputs].map(packageOf).filter((p) => p !== undefined));
    expect(packages).toContain('commander');
    for (const heavy of ['dockerode', 'ioredis', 'graphql-yoga', '@pothos/core', 'pino', 'yaml', 'graphql-ws', 'ws']) {
      expect(packages).not.toContain(heavy);
    }
    expect([...loaded.inputs].filter((i) => /^src\/(server|store|controllers|node|schema|app)\//.test(i))).toEqual([]);
    expect(loaded.files.filter((f) => f.includes('/server/') || f.startsWith('node_modules/'))).toEqual([]);
  });

  it('loads other verbs only for those verbs', async () => {
    expect([...loaded.inputs].filter((i) => /^src\/cli\/commands\/(apply|edit|rollout|logs)\.ts$/.test(i))).toEqual([]);
    const apply = await inputsLoadedBy(['apply', '-f', '/nonexistent.yaml']);
    expect(apply.inputs).toContain('src/cli/commands/apply.ts');
    expect(apply.inputs).toContain('node_modules/yaml/dist/public-api.js');
    expect(apply.inputs).not.toContain('src/cli/commands/edit.ts');
  });
});
