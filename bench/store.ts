/**
 * Store benchmark: writes/s and reads/s of the Redis store from one process against redis-benchmark SET/GET on
 * the same server in the same run, and watch delivery latency at a steady 1,000 changes/s.
 * Targets (issue #2): writes ≥ 10,000/s; watch p99 < 10 ms.
 */
import { execFileSync } from 'node:child_process';
import { createRedisStore } from '../src/store/redis-store.ts';
import type { RedisStore } from '../src/store/redis-store.ts';
import { deletePrefix, REDIS_URL } from '../test/support/store.ts';
import { newPod } from '../test/support/fixtures.ts';
import { percentile, report } from './report.ts';

/** REDIS_URL with the credential setup stored for a loopback Redis (Redis admits only the ACL user). */
const url = REDIS_URL;
const { hostname, port, username, password } = new URL(url);
/** redis-benchmark's own flags for the ACL user, when the URL names one. */
const auth = password ? ['--user', decodeURIComponent(username || 'default'), '-a', decodeURIComponent(password)] : [];

function redisBenchmark(): { set: number; get: number } {
  const out = execFileSync(
    'redis-benchmark',
    ['-h', hostname, '-p', port || '6379', ...auth, '-t', 'set,get', '-n', '100000', '-c', '50', '-q', '--csv'],
    { encoding: 'utf8', timeout: 120_000 },
  );
  const rate = (name: string) =>
    Number(/"(\w+)","([\d.]+)"/g.exec(out.split('\n').find((l) => l.startsWith(`"${name}"`)) ?? '')?.[2] ?? 0);
  return { set: rate('SET'), get: rate('GET') };
}

async function throughput(total: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await op(next++);
    }),
  );
  return total / ((performance.now() - start) / 1000);
}

async function watchLatency(store: RedisStore, ratePerSecond: number, seconds: number): Promise<number[]> {
  const since = await store.currentResourceVersion();
  const watch = store.watch('Pod', { namespace: 'default', labelSelector: 'bench=watch', sinceResourceVersion: since });
  const latencies: number[] = [];
  const total = ratePerSecond * seconds;
  const consumer = (async () => {
    for await (const event of watch) {
      const sent = Number(event.object.metadata.annotations?.sent);
      latencies.push(performance.now() - sent);
      if (latencies.length >= total) break;
    }
  })();
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / ratePerSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const pod = newPod(`watch-${i}`, { labels: { bench: 'watch' } });
    pod.metadata.annotations = { sent: String(performance.now()) };
    void store.create('Pod', pod);
  }
  const deadline = setTimeout(() => watch.close(), 30_000);
  await consumer;
  clearTimeout(deadline);
  return latencies;
}

export async function benchStore(): Promise<void> {
  const prefix = `capstan-bench:${Date.now()}:`;
  const store = await createRedisStore({ url, prefix });
  try {
    const baseline = redisBenchmark();
    const writes = await throughput(20_000, 64, (i) =>
      store.create('Pod', newPod(`w-${i}`, { labels: { bench: 'write' } })),
    );
    const reads = await throughput(40_000, 64, (i) => store.get('Pod', 'default', `w-${i % 20_000}`));
    report('store.writes_per_s', writes, {
      redisSetPerS: baseline.set,
      ratio: writes / baseline.set,
      target: '>= 10000/s',
    });
    report('store.reads_per_s', reads, { redisGetPerS: baseline.get, ratio: reads / baseline.get });
    const latencies = await watchLatency(store, 1000, 5);
    report('store.watch_latency_p50_ms', percentile(latencies, 50), { changesPerS: 1000 });
    report('store.watch_latency_p99_ms', percentile(latencies, 99), { changesPerS: 1000, target: '< 10 ms' });
  } finally {
    await store.close();
    await deletePrefix(prefix, url);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchStore();
