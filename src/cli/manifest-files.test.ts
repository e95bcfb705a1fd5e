import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseManifestSource, readManifestSources } from './manifest-files.ts';

const pod = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers: []\n`;

describe('parseManifestSource', () => {
  it('reads every document of a multi-document file with its line', () => {
    const text = `# comment\n${pod('a')}---\n${pod('b')}---\n`;
    const objects = parseManifestSource({ name: 'pods.yaml', text });
    expect(objects.map((o) => [o.kind, o.name, o.line])).toEqual([
      ['Pod', 'a', 2],
      ['Pod', 'b', 9],
    ]);
  });

  it('names file, line and column of a YAML syntax error', () => {
    const text = `${pod('a')}---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: a: b\n`;
    expect(() => parseManifestSource({ name: 'bad.yaml', text })).toThrow(/^bad\.yaml:11:\d+: invalid YAML: /);
  });

  it('names file and line of a document of an unsupported kind or apiVersion', () => {
    const text = `${pod('a')}---\napiVersion: v1\nkind: Widget\nmetadata:\n  name: w\n`;
    expect(() => parseManifestSource({ name: 'w.yaml', text })).toThrow('w.yaml:8: kind "Widget" is not supported');
    const deployment = 'apiVersion: v1\nkind: Deployment\nmetadata:\n  name: d\n';
    expect(() => parseManifestSource({ name: 'd.yaml', text: deployment })).toThrow(/d\.yaml:1: .*use apps\/v1/);
  });

  it('requires metadata.name', () => {
    expect(() => parseManifestSource({ name: 'x.yaml', text: 'apiVersion: v1\nkind: Pod\nmetadata: {}\n' })).toThrow(
      'x.yaml:1: Pod has no metadata.name',
    );
  });
});

describe('readManifestSources', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'capstan-cli-'));
    await writeFile(join(dir, 'b.yaml'), pod('b'));
    await writeFile(join(dir, 'a.yml'), pod('a'));
    await writeFile(join(dir, 'notes.txt'), 'not a manifest');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads the manifests of a folder in name order and skips other files', async () => {
    const sources = await readManifestSources([dir]);
    expect(sources.map((s) => s.name)).toEqual([join(dir, 'a.yml'), join(dir, 'b.yaml')]);
  });

  it('reads - from stdin', async () => {
    const sources = await readManifestSources(['-'], { stdin: Readable.from([pod('s')]) });
    expect(sources).toEqual([{ name: '<stdin>', text: pod('s') }]);
  });

  it('says which path does not exist', async () => {
    await expect(readManifestSources([join(dir, 'missing.yaml')])).rejects.toThrow(/missing\.yaml" does not exist/);
  });
});
