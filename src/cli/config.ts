import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { CliError } from './cli-error.ts';

/**
 * The client configuration file, the one `capstan up`/`capstan server` write on first start (see
 * src/server/admin-credentials.ts): `server:` and `token:`, plus an optional default `namespace:`.
 */
export interface CliConfig {
  server?: string;
  token?: string;
  namespace?: string;
}

/** Keys `config set` accepts. */
export const CONFIG_KEYS = ['server', 'token', 'namespace'] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];

export const DEFAULT_SERVER = 'http://127.0.0.1:7070';

/** `CAPSTAN_CONFIG`, else `~/.capstan/config` (the same rule as the server side). */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CAPSTAN_CONFIG ?? join(homedir(), '.capstan', 'config');
}

/** Reads the config file; an empty config when it does not exist. */
export async function readConfig(path: string): Promise<CliConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError(`cannot read ${path}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new CliError(`${path} is not valid YAML: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new CliError(`${path} must be a YAML mapping`);
  const config: CliConfig = {};
  for (const key of CONFIG_KEYS) {
    const value = (doc as Record<string, unknown>)[key];
    if (typeof value === 'string' && value !== '') config[key] = value;
  }
  return config;
}

/** Sets one key, keeping whatever else the file holds; the file stays private (0600) since it holds a token. */
export async function setConfigValue(path: string, key: ConfigKey, value: string): Promise<void> {
  let doc: Record<string, unknown> = {};
  try {
    const parsed: unknown = parse(await readFile(path, 'utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) doc = parsed as Record<string, unknown>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new CliError(`cannot read ${path}: ${String(err)}`);
  }
  if (value === '') delete doc[key];
  else doc[key] = value;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(
    temporary,
    `# Capstan client configuration: API server and credential. Keep it private.\n${stringify(doc)}`,
    {
      mode: 0o600,
    },
  );
  await rename(temporary, path);
  await chmod(path, 0o600);
}

/** Flags and environment that override the file, highest first: flags, CAPSTAN_SERVER/CAPSTAN_TOKEN, the file. */
export interface ConnectionSettings {
  server: string;
  token?: string;
  namespace: string;
}

export function resolveSettings(
  flags: { server?: string; token?: string; namespace?: string },
  env: NodeJS.ProcessEnv,
  file: CliConfig,
): ConnectionSettings {
  return {
    server: flags.server ?? env.CAPSTAN_SERVER ?? file.server ?? DEFAULT_SERVER,
    token: flags.token ?? env.CAPSTAN_TOKEN ?? file.token,
    namespace: flags.namespace ?? file.namespace ?? 'default',
  };
}
