import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { authenticate, createToken } from '../src/auth/tokens.ts';
import { ensureAdminCredentials } from '../src/server/admin-credentials.ts';
import { createLogger } from '../src/util/logger.ts';
import { newTestStore } from './support/store.ts';

type TestStore = Awaited<ReturnType<typeof newTestStore>>;
let store: TestStore;
let home: string;
const logger = createLogger({ level: 'silent' });
const serverUrl = 'http://127.0.0.1:7070';

beforeAll(async () => {
  store = await newTestStore();
  home = await mkdtemp(join(tmpdir(), 'capstan-home-'));
});
afterAll(async () => {
  await store.dispose();
  await rm(home, { recursive: true, force: true });
});

describe('ensureAdminCredentials', () => {
  it('creates an admin token on first start and writes it to ~/.capstan/config readable by the owner only', async () => {
    const result = await ensureAdminCredentials({ store, serverUrl, env: {}, homeDir: home, logger });
    expect(result.source).toBe('created');
    expect(result.configPath).toBe(join(home, '.capstan', 'config'));
    expect((await stat(result.configPath)).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, '.capstan'))).mode & 0o777).toBe(0o700);
    const config = parse(await readFile(result.configPath, 'utf8')) as Record<string, string>;
    expect(config).toEqual({ server: serverUrl, token: result.token });
    expect((await authenticate(store, result.token)).role).toBe('admin');
  });

  it('reuses the configured token on a later start while it still works', async () => {
    const first = await ensureAdminCredentials({ store, serverUrl, env: {}, homeDir: home, logger });
    const again = await ensureAdminCredentials({ store, serverUrl, env: {}, homeDir: home, logger });
    expect(again).toMatchObject({ source: 'config', token: first.token });
  });

  it('replaces a configured token that no longer authenticates as admin', async () => {
    const viewer = await createToken(store, { role: 'viewer' });
    const configPath = join(home, '.capstan', 'config');
    await writeFile(configPath, `server: ${serverUrl}\ntoken: ${viewer.token}\n`, { mode: 0o644 });
    const result = await ensureAdminCredentials({ store, serverUrl, env: {}, homeDir: home, logger });
    expect(result.source).toBe('created');
    expect(result.token).not.toBe(viewer.token);
    expect((await stat(configPath)).mode & 0o777).toBe(0o600);
  });

  it('accepts CAPSTAN_TOKEN as the admin token and writes it to CAPSTAN_CONFIG', async () => {
    const token = 'envtok.abcdefghijklmnopqrstuvwxyz012345';
    const configPath = join(home, 'elsewhere', 'config');
    const result = await ensureAdminCredentials({
      store,
      serverUrl,
      env: { CAPSTAN_TOKEN: token, CAPSTAN_CONFIG: configPath },
      homeDir: home,
      logger,
    });
    expect(result).toEqual({ token, configPath, source: 'env' });
    expect(await authenticate(store, token)).toEqual({ role: 'admin', tokenName: 'envtok' });
    expect((await stat(configPath)).mode & 0o777).toBe(0o600);
  });

  it('refuses a malformed CAPSTAN_TOKEN with a clear message', async () => {
    await expect(
      ensureAdminCredentials({ store, serverUrl, env: { CAPSTAN_TOKEN: 'secret' }, homeDir: home, logger }),
    ).rejects.toThrow(/malformed token/);
  });
});
