import type { RedisOptions } from 'ioredis';
import { CapstanError } from '../api/errors.ts';

/**
 * Redis Sentinel, optional at run time: with REDIS_SENTINELS set, every client the store makes asks the sentinels
 * for the current primary of REDIS_SENTINEL_MASTER and follows it through a failover (ioredis' Sentinel support).
 * REDIS_URL then only gives the ACL user, password and database; its host and port are not dialled.
 */
export interface SentinelConfig {
  /** Env REDIS_SENTINELS: `host:port,host:port,...` (port 26379 when left out; `[::1]:26379` for IPv6). */
  sentinels: { host: string; port: number }[];
  /** Env REDIS_SENTINEL_MASTER, default `mymaster`: the master name the sentinels monitor. */
  name: string;
  /** Env REDIS_SENTINEL_PASSWORD: the sentinels' own password (their `requirepass`), when they have one. */
  sentinelPassword?: string;
}

export const DEFAULT_SENTINEL_PORT = 26379;
export const DEFAULT_SENTINEL_MASTER = 'mymaster';

function bad(field: string, message: string): CapstanError {
  return CapstanError.invalid([{ field, message }]);
}

function parseSentinel(entry: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+))(?::(\d+))?$/.exec(entry);
  if (!match) throw bad('REDIS_SENTINELS', `"${entry}" is not host:port (use [address]:port for IPv6)`);
  const port = match[3] === undefined ? DEFAULT_SENTINEL_PORT : Number(match[3]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw bad('REDIS_SENTINELS', `"${entry}" has port ${match[3]}, not one from 1 to 65535`);
  }
  return { host: match[1] ?? match[2]!, port };
}

/** The Sentinel settings of the environment, or undefined when REDIS_SENTINELS is unset (one Redis, REDIS_URL). */
export function sentinelFromEnv(env: NodeJS.ProcessEnv = process.env): SentinelConfig | undefined {
  const list = env.REDIS_SENTINELS?.trim();
  if (!list) {
    if (env.REDIS_SENTINEL_MASTER?.trim() || env.REDIS_SENTINEL_PASSWORD) {
      throw bad('REDIS_SENTINELS', 'is empty, but REDIS_SENTINEL_MASTER or REDIS_SENTINEL_PASSWORD is set');
    }
    return undefined;
  }
  const sentinels = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(parseSentinel);
  const name = env.REDIS_SENTINEL_MASTER?.trim() || DEFAULT_SENTINEL_MASTER;
  if (/\s/.test(name)) throw bad('REDIS_SENTINEL_MASTER', `"${name}" holds white space`);
  return {
    sentinels,
    name,
    ...(env.REDIS_SENTINEL_PASSWORD ? { sentinelPassword: env.REDIS_SENTINEL_PASSWORD } : {}),
  };
}

/**
 * ioredis options for a client of the primary behind the sentinels, with the user, password and database of
 * `url` (REDIS_URL with its credential already filled in). A failover drops the connection; ioredis then asks
 * the sentinels again and reconnects to the promoted replica. A READONLY answer (a primary demoted under an open
 * connection) reconnects too, and the command is sent again to the new primary.
 */
export function sentinelClientOptions(url: string, sentinel: SentinelConfig): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    throw new CapstanError('INVALID', `REDIS_URL=${url} is not a redis://host:port URL`, { cause: err });
  }
  if (parsed.protocol !== 'redis:') {
    throw bad('REDIS_URL', `must be a redis:// URL with REDIS_SENTINELS (TLS to sentinels is not supported)`);
  }
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw bad('REDIS_URL', `database "${db}" is not a number`);
  return {
    sentinels: sentinel.sentinels.map((s) => ({ ...s })),
    name: sentinel.name,
    role: 'master',
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(sentinel.sentinelPassword ? { sentinelPassword: sentinel.sentinelPassword } : {}),
    // Also learn of a failover from the sentinels' +switch-master while the old primary still answers.
    failoverDetector: true,
    reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 2 : false),
  };
}

/** Where the store connects, for messages: the sentinels and master name. */
export function describeSentinel(sentinel: SentinelConfig): string {
  const list = sentinel.sentinels.map((s) => (s.host.includes(':') ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`));
  return `the primary "${sentinel.name}" of the sentinels ${list.join(',')}`;
}
