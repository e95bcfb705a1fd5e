import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isConfigMapKey } from '../api/validation/config.ts';
import { CliError } from './cli-error.ts';

/** Where `create configmap|secret` takes keys from, as kubectl's flags do. */
export interface DataSources {
  fromLiteral?: string[];
  /** `path` (key = file name), `key=path`, or a directory (each regular file in it). */
  fromFile?: string[];
  /** KEY=VALUE lines; blank lines and `#` comments skipped. */
  fromEnvFile?: string[];
}

/** Keys with their bytes, in the order given; a key given twice is an error (as kubectl). */
export type DataEntries = Map<string, Buffer>;

function add(entries: DataEntries, key: string, value: Buffer, from: string): void {
  const rules = isConfigMapKey(key);
  if (rules.length > 0) throw new CliError(`${from}: "${key}" is not a valid key name: ${rules.join('; ')}`);
  if (entries.has(key)) throw new CliError(`cannot add key "${key}", another key by that name already exists`);
  entries.set(key, value);
}

/** Reads every source into keys and bytes. */
export async function readDataSources(sources: DataSources): Promise<DataEntries> {
  const entries: DataEntries = new Map();
  for (const literal of sources.fromLiteral ?? []) {
    const eq = literal.indexOf('=');
    if (eq <= 0) throw new CliError(`--from-literal must be KEY=VALUE, got "${literal}"`);
    add(entries, literal.slice(0, eq), Buffer.from(literal.slice(eq + 1)), '--from-literal');
  }
  for (const spec of sources.fromFile ?? []) {
    const eq = spec.indexOf('=');
    const [key, path] = eq > 0 ? [spec.slice(0, eq), spec.slice(eq + 1)] : [undefined, spec];
    const info = await stat(path).catch(() => {
      throw new CliError(`--from-file: cannot read "${path}": no such file or directory`);
    });
    if (info.isDirectory()) {
      if (key) throw new CliError(`--from-file: a key cannot be given for the directory "${path}"`);
      for (const name of (await readdir(path)).sort()) {
        const file = join(path, name);
        if ((await stat(file)).isFile()) add(entries, name, await readFile(file), '--from-file');
      }
    } else {
      add(entries, key ?? basename(path), await readFile(path), '--from-file');
    }
  }
  for (const path of sources.fromEnvFile ?? []) {
    const text = await readFile(path, 'utf8').catch(() => {
      throw new CliError(`--from-env-file: cannot read "${path}"`);
    });
    text.split('\n').forEach((raw, i) => {
      const line = raw.replace(/\r$/, '').trimStart();
      if (line === '' || line.startsWith('#')) return;
      const eq = line.indexOf('=');
      if (eq <= 0) throw new CliError(`${path}:${i + 1}: expected KEY=VALUE, got "${line}"`);
      add(entries, line.slice(0, eq), Buffer.from(line.slice(eq + 1)), `--from-env-file ${path}:${i + 1}`);
    });
  }
  return entries;
}

/** A ConfigMap's data and binaryData: UTF-8 values as text, the rest base64 (as kubectl splits them). */
export function configMapData(entries: DataEntries): {
  data: Record<string, string>;
  binaryData: Record<string, string>;
} {
  const data: Record<string, string> = {};
  const binaryData: Record<string, string> = {};
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (const [key, value] of entries) {
    try {
      data[key] = decoder.decode(value);
    } catch {
      binaryData[key] = value.toString('base64');
    }
  }
  return { data, binaryData };
}

export function secretData(entries: DataEntries): Record<string, string> {
  return Object.fromEntries([...entries].map(([k, v]) => [k, v.toString('base64')]));
}

/** The `.dockerconfigjson` of `create secret docker-registry`, as kubectl writes it. */
export function dockerConfigJson(options: {
  server: string;
  username: string;
  password: string;
  email?: string;
}): string {
  const auth = Buffer.from(`${options.username}:${options.password}`).toString('base64');
  return JSON.stringify({
    auths: {
      [options.server]: {
        username: options.username,
        password: options.password,
        ...(options.email ? { email: options.email } : {}),
        auth,
      },
    },
  });
}
