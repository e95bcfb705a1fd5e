import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { DEFAULT_SERVER, parseFlatConfig, readConfig, resolveSettings, setConfigValue } from './config.ts';

describe('client config', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'capstan-config-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('reads the file the server writes and is empty when there is none', async () => {
    const path = join(dir, 'config');
    expect(await readConfig(path)).toEqual({});
    await writeFile(path, '# header\nserver: http://127.0.0.1:7070\ntoken: abcdef.0123456789abcdef\n');
    expect(await readConfig(path)).toEqual({ server: 'http://127.0.0.1:7070', token: 'abcdef.0123456789abcdef' });
  });

  it('sets one key, keeps the others and keeps the file private', async () => {
    const path = join(dir, 'sub', 'config');
    await setConfigValue(path, 'server', 'http://127.0.0.1:1');
    await setConfigValue(path, 'namespace', 'team-a');
    expect(await readConfig(path)).toEqual({ server: 'http://127.0.0.1:1', namespace: 'team-a' });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await setConfigValue(path, 'namespace', '');
    expect(await readFile(path, 'utf8')).not.toContain('namespace');
  });

  it('lets flags beat the environment, and the environment beat the file', () => {
    const file = { server: 'http://file', token: 'file-token', namespace: 'file-ns' };
    expect(resolveSettings({}, {}, file)).toEqual({ server: 'http://file', token: 'file-token', namespace: 'file-ns' });
    expect(resolveSettings({}, { CAPSTAN_SERVER: 'http://env', CAPSTAN_TOKEN: 'env-token' }, file)).toMatchObject({
      server: 'http://env',
      token: 'env-token',
    });
    expect(
      resolveSettings(
        { server: 'http://flag', token: 'flag-token', namespace: 'x' },
        { CAPSTAN_SERVER: 'http://env' },
        file,
      ),
    ).toEqual({ server: 'http://flag', token: 'flag-token', namespace: 'x' });
    expect(resolveSettings({}, {}, {})).toEqual({ server: DEFAULT_SERVER, token: undefined, namespace: 'default' });
  });
});

describe('reading the config without the YAML library', () => {
  const value = fc.stringMatching(/^[\w./:@+=~#'" -]{1,12}$/);
  const file = fc.array(fc.tuple(fc.constantFrom('server', 'token', 'namespace', 'other'), value), { maxLength: 4 });

  it('reads what YAML reads, or leaves the file to YAML', () => {
    fc.assert(
      fc.property(file, (entries) => {
        const text = `# comment\n${entries.map(([k, v]) => `${k}: ${v}`).join('\n')}\n`;
        const flat = parseFlatConfig(text);
        if (flat !== undefined) expect(flat).toEqual(parse(text) ?? {});
      }),
      { numRuns: 2000 },
    );
  });

  it('reads the file as the YAML library writes it', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('server', 'token', 'namespace'), value), (doc) => {
        const text = `# header\n${stringify(doc)}`;
        expect(parseFlatConfig(text) ?? parse(text)).toEqual(parse(text));
      }),
    );
    const written = stringify({ server: 'http://127.0.0.1:7070', token: 'abcdef.0123456789abcdef', namespace: 'a-b' });
    expect(parseFlatConfig(`# header\n${written}`)).toEqual({
      server: 'http://127.0.0.1:7070',
      token: 'abcdef.0123456789abcdef',
      namespace: 'a-b',
    });
  });
});
