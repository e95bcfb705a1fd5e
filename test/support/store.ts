import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createRedisStore } from '../../src/store/redis-store.ts';
import { DEFAULT_REDIS_URL, redisConnectionUrl } from '../../src/store/redis-url.ts';
import type { RedisStore, RedisStoreOptions } from '../../src/store/redis-store.ts';

/** The suite's Redis, with the credential setup stored for it found the way the server finds it. */
export const REDIS_URL = redisConnectionUrl(process.env.REDIS_URL ?? DEFAULT_REDIS_URL);

/** A unique key prefix per test, so test files share one Redis without seeing each other. */
export function uniquePrefix(name = 't'): string {
  return `capstan-test:${name}:${randomBytes(4).toString('hex')}:`;
}

/** A store on its own key prefix; `dispose()` closes it and removes every key it wrote. */
export async function newTestStore(
  options: Omit<RedisStoreOptions, 'url'> = {},
): Promise<RedisStore & { dispose(): Promise<void> }> {
  const prefix = options.prefix ?? uniquePrefix();
  const store = await createRedisStore({ ...options, url: REDIS_URL, prefix });
  return Object.assign(store, {
    async dispose() {
      await store.close();
      await deletePrefix(prefix);
    },
  });
}

export async function deletePrefix(prefix: string, url = REDIS_URL): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Waits for `predicate` to hold, polling, failing with `message` after `timeoutMs`. */
export async function waitFor<T>(
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  {
    timeoutMs = 10_000,
    intervalMs = 25,
    message = 'condition',
  }: { timeoutMs?: number; intervalMs?: number; message?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${message}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
