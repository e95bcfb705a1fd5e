import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
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

/** `key: value`, the value a plain scalar without spaces that does not end in `:` (which would start a mapping). */
const FLAT_LINE = /^([a-z]+): ([\w./+=~](?:[\w./:@+=~-]*[\w./@+=~-])?)$/;
/** Plain scalars YAML reads as something other than a string: numbers, booleans, null, .inf, .nan. */
const NOT_A_STRING = /^(?:[-+]?\.?\d|(?:true|false|null|~)$|\.(?:inf|nan)$)/i;

/**
 * The file as `capstan up` and `capstan config set` write it, read without the YAML library (which costs a short
 * command a good part of its start-up): comment lines and `key: value` lines whose value YAML reads as the same
 * plain string. Undefined for anything else, which goes to the YAML parser.
 */
export function parseFlatConfig(text: string): Record<string, string> | undefined {
  const doc: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (/^\s*(#.*)?\r?$/.test(line)) continue;
    const match = FLAT_LINE.exec(line);
    if (!match || NOT_A_STRING.test(match[2]!) || Object.hasOwn(doc, match[1]!)) return undefined;
    doc[match[1]!] = match[2]!;
  }
  return doc;
}

async function parseYaml(text: string): Promise<unknown> {
  return (await import('./yaml-lib.ts')).parse(text);
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
    doc = parseFlatConfig(text) ?? (await parseYaml(text));
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
    const parsed: unknown = await parseYaml(await readFile(path, 'utf8'));
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
    `# Capstan client configuration: API server and credential. Keep it private.\n${(await import('./yaml-lib.ts')).stringify(doc)}`,
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
