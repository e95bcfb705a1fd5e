import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CapstanError } from '../api/errors.ts';

/** The ACL user setup makes for Capstan in the Redis it starts. */
export const REDIS_USER = 'capstan';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const STATE_DIR = '/var/lib/capstan';

/**
 * Where setup keeps the password of Capstan's ACL user for a Redis on `port` (0600, root): `redis.secret` for
 * 6379, `redis-<port>.secret` for others, as its data dirs. CAPSTAN_REDIS_SECRET names another file.
 */
export function redisSecretPath(port: number, env: NodeJS.ProcessEnv = process.env): string {
  if (env.CAPSTAN_REDIS_SECRET) return env.CAPSTAN_REDIS_SECRET;
  return join(STATE_DIR, port === 6379 ? 'redis.secret' : `redis-${port}.secret`);
}

/**
 * The URL to connect with: REDIS_URL as given when it carries credentials or is not on loopback; for a loopback
 * Redis without credentials in the URL, the password setup stored for that port, when there is one. The server,
 * the CLI's `capstan up` and the tests all connect through this, so they find the credential the same way.
 */
export function redisConnectionUrl(url: string, env: NodeJS.ProcessEnv = process.env): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    throw new CapstanError('INVALID', `REDIS_URL=${url} is not a redis://host:port URL`, { cause: err });
  }
  if (parsed.username || parsed.password) return url;
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname)) return url;
  let secret: string;
  try {
    secret = readFileSync(redisSecretPath(Number(parsed.port || 6379), env), 'utf8').trim();
  } catch {
    return url;
  }
  if (!secret) return url;
  parsed.username = REDIS_USER;
  parsed.password = secret;
  return parsed.toString();
}

/** The URL with its password masked, for messages. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<invalid REDIS_URL>';
  }
}

/** A Redis error that means the credential was missing or refused. */
export function isRedisAuthError(err: unknown): boolean {
  const message = String((err as Error)?.message ?? err);
  return /NOAUTH|WRONGPASS|invalid password|invalid username-password|NOPERM/i.test(message);
}

/** One clear error for a Redis that refuses the credential, naming REDIS_URL and where the secret comes from. */
export function redisAuthError(url: string, err: unknown, env: NodeJS.ProcessEnv = process.env): CapstanError {
  let port = 6379;
  try {
    port = Number(new URL(url).port || 6379);
  } catch {
    // the URL was checked before connecting
  }
  const reason = String((err as Error)?.message ?? err).split('\n')[0];
  return new CapstanError(
    'UNAUTHENTICATED',
    `Redis at REDIS_URL=${redactRedisUrl(url)} refused the credential (${reason}): put the user and password in ` +
      `REDIS_URL (redis://${REDIS_USER}:PASSWORD@host:port), or run 'bash scripts/setup.sh', which keeps the ` +
      `password of the Redis it starts in ${redisSecretPath(port, env)}`,
    { cause: err },
  );
}
