/**
 * Scheduler throughput on simulated nodes: 100 hollow nodes (Node + Lease, no containers), 5,000 pending pods
 * created first, then the scheduler started alone; measures pods bound per second until all are bound, as seen
 * through a watch. Target (controllers issue): ≥ 1,000 pods/s.
 */
import { randomBytes } from 'node:crypto';
import { startControllerManager } from '../src/controllers/controller-manager.ts';
import { startHollowNodes } from '../src/hollow/hollow-node.ts';
import { createRedisStore } from '../src/store/redis-store.ts';
import { deletePrefix, REDIS_URL } from '../test/support/store.ts';
import { newPod } from '../test/support/fixtures.ts';
import { percentile, report } from './report.ts';

/** REDIS_URL with the credential setup stored for a loopback Redis (Redis admits only the ACL user). */
const url = REDIS_URL;
const NODES = Number(process.env.BENCH_NODES ?? 100);
const PODS = Number(process.env.BENCH_PODS ?? 5000);

export async function benchScheduler(): Promise<void> {
  const prefix = `capstan-bench:scheduler:${randomBytes(4).toString('hex')}:`;
  const store = await createRedisStore({ url, prefix, streamMaxLen: PODS * 10 });
  const hollow = await startHollowNodes(
    store,
    Array.from({ length: NODES }, (_, i) => ({ name: `hollow-${i}`, cpu: '64', memory: '256Gi', pods: '500' })),
    { runPods: false, renewIntervalMs: 5_000 },
  );
  try {
    let next = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < PODS) {
          const i = next++;
          const pod = newPod(`pending-${i}`, { labels: { bench: 'scheduler' } });
          pod.spec!.containers[0]!.resources = { requests: { cpu: '100m', memory: '128Mi' } };
          await store.create('Pod', pod);
        }
      }),
    );

    const since = await store.currentResourceVersion();
    const watch = store.watch('Pod', { namespace: 'default', sinceResourceVersion: since });
    const bound = new Set<string>();
    const perNode = new Map<string, number>();
    const latencies: number[] = [];
    const start = performance.now();
    const manager = startControllerManager({ store, leaderElection: false, controllers: ['scheduler'] });
    for await (const event of watch) {
      const node = event.object.spec?.nodeName;
      if (!node || bound.has(event.object.metadata.uid)) continue;
      bound.add(event.object.metadata.uid);
      perNode.set(node, (perNode.get(node) ?? 0) + 1);
      latencies.push(performance.now() - start);
      if (bound.size === PODS) break;
    }
    const seconds = (performance.now() - start) / 1000;
    watch.close();
    await manager.stop();
    const counts = [...perNode.values()];
    report('scheduler.pods_bound_per_s', PODS / seconds, {
      pods: PODS,
      nodes: NODES,
      seconds,
      firstBoundMs: latencies[0],
      p50BoundMs: percentile(latencies, 50),
      minPerNode: Math.min(...counts),
      maxPerNode: Math.max(...counts),
      roundTrips: store.stats().roundTrips,
      target: '>= 1000/s',
    });
  } finally {
    await hollow.stop();
    await store.close();
    await deletePrefix(prefix, url);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchScheduler();
