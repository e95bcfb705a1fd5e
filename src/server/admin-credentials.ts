import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { CapstanError, isCapstanError } from '../api/errors.ts';
import { authenticate, createToken, importToken } from '../auth/tokens.ts';
import type { Store } from '../store/store.ts';
import { logger as defaultLogger, type Logger } from '../util/logger.ts';

/** What `~/.capstan/config` holds: where the API is and the token to use (kubeconfig, reduced to two keys). */
export interface ClientConfig {
  /** Base URL of the API server, e.g. http://127.0.0.1:7070 (GraphQL at `${server}/graphql`). */
  server: string;
  token: string;
}

/** `CAPSTAN_CONFIG`, else `~/.capstan/config`. */
export function clientConfigPath(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  return env.CAPSTAN_CONFIG ?? join(home, '.capstan', 'config');
}

/** Reads a client config; undefined when the file does not exist or lacks `server` or `token`. */
export async function readClientConfig(path: string = clientConfigPath()): Promise<ClientConfig | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const doc: unknown = parse(text);
  if (typeof doc !== 'object' || doc === null) return undefined;
  const { server, token } = doc as Record<string, unknown>;
  return typeof server === 'string' && typeof token === 'string' ? { server, token } : undefined;
}

/** Writes a client config readable by its owner only (0600, in a 0700 directory), atomically. */
export async function writeClientConfig(path: string, config: ClientConfig): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const text = `# Capstan client configuration: API server and credential. Keep it private.\n${stringify(config)}`;
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text, { mode: 0o600 });
  await rename(temporary, path);
  // An existing file keeps its mode through rename of a new one, but be explicit: the token is a secret.
  await chmod(path, 0o600);
}

export interface AdminCredentialsOptions {
  store: Store;
  /** Base URL clients should use, as returned by startApiServer. */
  serverUrl: string;
  /** Reads CAPSTAN_TOKEN and CAPSTAN_CONFIG. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Default the user's home directory. */
  homeDir?: string;
  logger?: Logger;
}

export interface AdminCredentials {
  token: string;
  configPath: string;
  /** env: CAPSTAN_TOKEN; config: the token already in the config still works; created: a new admin token. */
  source: 'env' | 'config' | 'created';
}

async function isAdminToken(store: Store, token: string): Promise<boolean> {
  try {
    return (await authenticate(store, token, { cacheTtlMs: 0 })).role === 'admin';
  } catch (err) {
    if (isCapstanError(err, 'UNAUTHENTICATED')) return false;
    throw err;
  }
}

/**
 * Makes sure an admin can reach the cluster, for `capstan up` / `capstan server`:
 * - `CAPSTAN_TOKEN` set: that token becomes a valid admin token (its Token object is created or corrected);
 * - else the token in the client config is reused if it still authenticates as admin;
 * - else a new admin token is created.
 * The result is written to the client config (`server:` and `token:`, mode 0600) and its path is logged.
 */
export async function ensureAdminCredentials(options: AdminCredentialsOptions): Promise<AdminCredentials> {
  const { store, serverUrl, env = process.env, homeDir = homedir() } = options;
  const log = (options.logger ?? defaultLogger).child({ component: 'admin-credentials' });
  const configPath = clientConfigPath(env, homeDir);

  let token: string;
  let source: AdminCredentials['source'];
  const fromEnv = env.CAPSTAN_TOKEN?.trim();
  if (fromEnv) {
    try {
      await importToken(store, fromEnv, { role: 'admin', description: 'admin token from CAPSTAN_TOKEN' });
    } catch (err) {
      if (!isCapstanError(err, 'UNAUTHENTICATED')) throw err;
      throw new CapstanError('INVALID', `CAPSTAN_TOKEN is not usable: ${err.message}`, { cause: err });
    }
    token = fromEnv;
    source = 'env';
  } else {
    let existing: ClientConfig | undefined;
    try {
      existing = await readClientConfig(configPath);
    } catch (err) {
      log.warn({ err, configPath }, 'client config unreadable; a new admin token will replace it');
    }
    if (existing && (await isAdminToken(store, existing.token))) {
      token = existing.token;
      source = 'config';
    } else {
      token = (
        await createToken(store, { role: 'admin', description: 'admin token created by capstan on first start' })
      ).token;
      source = 'created';
    }
  }
  await writeClientConfig(configPath, { server: serverUrl, token });
  log.info({ configPath, source, server: serverUrl }, `admin credentials written to ${configPath}`);
  return { token, configPath, source };
}
