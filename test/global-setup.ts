import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import {
  DEFAULT_REDIS_URL,
  isRedisAuthError,
  redactRedisUrl,
  redisAuthError,
  redisConnectionUrl,
} from '../src/store/redis-url.ts';

/**
 * Integration and end-to-end tests need the real Redis and Docker engine that `scripts/setup.sh` installs and
 * starts (`npm test` runs it first). Fail fast with a clear message instead of a hundred timeouts.
 */
export default async function setup(): Promise<void> {
  const url = redisConnectionUrl(process.env.REDIS_URL ?? DEFAULT_REDIS_URL);
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    if (isRedisAuthError(err)) throw redisAuthError(url, err);
    throw new Error(
      `Redis is not reachable at ${redactRedisUrl(url)}: run 'bash scripts/setup.sh' first (${String(err)})`,
    );
  } finally {
    redis.disconnect();
  }
  // Tests that run `bin/capstan.mjs` run the build in dist/current: make it the build of these sources.
  execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/build.mjs', import.meta.url))], {
    stdio: 'inherit',
    timeout: 120_000,
  });
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'pipe', timeout: 20_000 });
  } catch (err) {
    throw new Error(`The Docker engine is not reachable: run 'bash scripts/setup.sh' first (${String(err)})`);
  }
}
