/**
 * Store benchmark: writes/s and reads/s of the Redis store from one process against redis-benchmark SET/GET on
 * the same server in the same run, and watch delivery latency at a steady 1,000 changes/s.
 * Targets (issue #2): writes ≥ 10,000/s; watch p99 < 10 ms.
 */
import { execFileSync } from 'node:child_process';
import type { Kind, KubeObject } from '../src/api/types.ts';
import { CachedReadStore } from '../src/store/cached-store.ts';
import { createRedisStore } from '../src/store/redis-store.ts';
import type { RedisStore } from '../src/store/redis-store.ts';
import type { ChangeFeedStore, ChangeSink } from '../src/store/store.ts';
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

/** Pods of one namespace in a shuffled name order, as generated names arrive. */
function shuffledPods(n: number): KubeObject[] {
  const pods = Array.from(
    { length: n },
    (_, i) =>
      ({
        kind: 'Pod',
        metadata: { name: `pod-${i.toString(36)}`, namespace: 'big', resourceVersion: String(i + 2) },
        spec: { containers: [] },
      }) as unknown as KubeObject,
  );
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [pods[i], pods[j]] = [pods[j]!, pods[i]!];
  }
  return pods;
}

/**
 * The read cache's own cost, without Redis: n pods of one namespace put into a {@link CachedReadStore} through a
 * change feed driven by hand, then removed, in shuffled order (as a namespace of generated names fills and is
 * deleted). Milliseconds, and the same events applied to a Map (no order kept: the floor).
 */
async function readCacheFill(n: number): Promise<{ cacheMs: number; mapMs: number }> {
  const pods = shuffledPods(n);
  let sink: ChangeSink<KubeObject> | undefined;
  const fake = {
    list: () => Promise.resolve({ items: [], resourceVersion: '1' }),
    currentResourceVersion: () => Promise.resolve(String(2 * n + 2)),
    feed: (_kind: Kind, _since: string, s: ChangeSink<KubeObject>) => ((sink = s), { close: () => undefined }),
  };
  const cache = new CachedReadStore(fake as unknown as ChangeFeedStore).warm(['Pod']);
  while (!sink) await new Promise((r) => setImmediate(r));
  const start = performance.now();
  for (const object of pods) sink.onEvent({ type: 'ADDED', object });
  for (const object of pods) {
    const rv = String(Number(object.metadata.resourceVersion) + n);
    sink.onEvent({ type: 'DELETED', object: { ...object, metadata: { ...object.metadata, resourceVersion: rv } } });
  }
  const cacheMs = performance.now() - start;
  cache.stop();
  const map = new Map<string, KubeObject>();
  const mapStart = performance.now();
  for (const object of pods) map.set(object.metadata.name, object);
  for (const object of pods) map.delete(object.metadata.name);
  return { cacheMs, mapMs: performance.now() - mapStart };
}

export async function benchStore(): Promise<void> {
  // In-process first: the read cache filled and emptied with 2,000 and 20,000 pods of one namespace. Linear growth
  // is 10× the time for 10× the pods; the sorted array this replaced grew quadratically (splice per change).
  await readCacheFill(2_000); // warm-up: the first round pays for compiling the cache's code
  const small = await readCacheFill(2_000);
  const big = await readCacheFill(20_000);
  report('store.read_cache_fill_ms', big.cacheMs, { pods: 20_000, mapMs: big.mapMs, ratio: big.cacheMs / big.mapMs });
  // 1 is linear; n log n gives a little over 1; the replaced sorted array gave about 10 (quadratic).
  report('store.read_cache_growth', big.cacheMs / (10 * small.cacheMs), {
    pods: '2,000 → 20,000',
    ms2000: small.cacheMs,
    ms20000: big.cacheMs,
    target: '< 2',
  });
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
