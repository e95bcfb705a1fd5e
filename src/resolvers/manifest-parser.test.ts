import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { parseManifest } from './manifest.ts';
import { ManifestParser } from './manifest-parser.ts';

const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers: [{name: a, image: b}]\n---\n';
const SLOW = `kind: Widget\nlabels:\n${Array.from({ length: 20_000 }, (_, i) => `  k${i}: v\n`).join('')}`;

describe('ManifestParser (a real worker thread)', () => {
  let parser: ManifestParser | undefined;
  afterEach(async () => {
    await parser?.close();
  });

  it('reads a manifest in the worker as parseManifest does, and refuses the same errors', async () => {
    parser = new ManifestParser();
    expect(await parser.parse(POD)).toEqual(parseManifest(POD));
    await expect(parser.parse('kind: Pod\nmetadata:\n  name: [a\n')).rejects.toMatchObject({
      code: 'INVALID',
      violations: [{ field: 'manifest', message: expect.stringMatching(/line \d+, column \d+/) }],
    });
  });

  it('refuses a manifest when queuedManifestParses are waiting already, naming the limit and its setting', async () => {
    parser = new ManifestParser({ maxQueued: 1, timeoutMs: 500 });
    const parses = [SLOW, SLOW, SLOW].map((text) =>
      parser!.parse(text).then(
        () => 'parsed',
        (err: unknown) => err,
      ),
    );
    const refused = (await Promise.all(parses)).filter((r) => (r as { code?: string }).code === 'TOO_MANY_REQUESTS');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]).toMatchObject({
      limit: { limit: 'queuedManifestParses', max: 1, setting: 'CAPSTAN_MAX_QUEUED_MANIFEST_PARSES' },
    });
  });

  it('does not keep an idle process alive (a command that parsed a manifest exits)', async () => {
    const module = fileURLToPath(new URL('./manifest-parser.ts', import.meta.url));
    const script =
      `const { ManifestParser } = await import(${JSON.stringify(module)});` +
      `const docs = await new ManifestParser().parse(${JSON.stringify(POD)}); console.log(docs.length);`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { timeout: 60_000 },
    );
    expect(stdout.trim()).toBe('1');
  });
});
