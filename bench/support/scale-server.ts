/**
 * The control plane of `bench/scale.ts` in a process of its own, as `capstan server` runs it: the API server (with
 * its read cache) and every controller on one Redis store, no leader election. Its CPU and memory are what the
 * benchmark reports, apart from the hollow nodes and load generators in the parent.
 *
 * IPC: sends { type: 'ready', graphqlUrl, wsUrl, token } once serving; answers { type: 'sample' } with
 * { type: 'sample', heapUsed, rss, cpuMicros } after a full GC (run with --expose-gc), and exits on { type: 'stop' }.
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { createToken } from '../../src/auth/tokens.ts';
import { startControllerManager } from '../../src/controllers/controller-manager.ts';
import { startApiServer } from '../../src/server/http-server.ts';
import { createRedisStore } from '../../src/store/redis-store.ts';
import { createLogger } from '../../src/util/logger.ts';

export type ToServer = { type: 'sample'; gc: boolean } | { type: 'profile'; seconds: number } | { type: 'stop' };
export type FromServer =
  | { type: 'ready'; graphqlUrl: string; wsUrl: string; token: string }
  | { type: 'sample'; heapUsed: number; rss: number; cpuMicros: number }
  | { type: 'profile'; top: { fn: string; pct: number }[]; stalls: Stalls };

/** What held the event loop during a profile: its delay and the garbage collector's pauses, in ms. */
export interface Stalls {
  loopP50Ms: number;
  loopP99Ms: number;
  loopMaxMs: number;
  gcMaxMs: number;
  gcOver50: number;
  gcTotalMs: number;
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
}

/** A CPU profile of this process over `seconds`: the functions with the most self time, in % of samples. */
async function profile(seconds: number): Promise<{ top: { fn: string; pct: number }[]; stalls: Stalls }> {
  const loop = monitorEventLoopDelay({ resolution: 5 });
  const pauses: number[] = [];
  const gc = new PerformanceObserver((list) => pauses.push(...list.getEntries().map((e) => e.duration)));
  gc.observe({ entryTypes: ['gc'] });
  loop.enable();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const { profile: result } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
  session.disconnect();
  loop.disable();
  gc.disconnect();
  // BENCH_SCALE_PROFILE_DIR: the whole profile too, for a look at single long tasks (e.g. in Chrome's DevTools).
  // Saved after the loop and GC figures are taken: its JSON.stringify would otherwise count as a stall.
  const dir = process.env.BENCH_SCALE_PROFILE_DIR;
  if (dir) await writeFile(join(dir, `scale-server-${Date.now()}.cpuprofile`), JSON.stringify(result));
  const ms = (ns: number) => Math.round(ns / 1e5) / 10;
  const stalls: Stalls = {
    loopP50Ms: ms(loop.percentile(50)),
    loopP99Ms: ms(loop.percentile(99)),
    loopMaxMs: ms(loop.max),
    gcMaxMs: Math.round(Math.max(0, ...pauses) * 10) / 10,
    gcOver50: pauses.filter((d) => d > 50).length,
    gcTotalMs: Math.round(pauses.reduce((a, b) => a + b, 0)),
  };
  const byId = new Map(result.nodes.map((n) => [n.id, n.callFrame]));
  const counts = new Map<string, number>();
  for (const id of result.samples) {
    const frame = byId.get(id)!;
    const file = frame.url.split('/').slice(-2).join('/');
    const fn = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
    counts.set(fn, (counts.get(fn) ?? 0) + 1);
  }
  const top = [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(([fn, n]) => ({ fn, pct: Math.round((1000 * n) / result.samples.length) / 10 }));
  return { top, stalls };
}

const prefix = process.env.SCALE_PREFIX!;
const store = await createRedisStore({ url: process.env.REDIS_URL, prefix, streamMaxLen: 60_000 });
const logger = createLogger({ level: (process.env.CAPSTAN_LOG_LEVEL as 'error' | undefined) ?? 'error' });
const api = await startApiServer({ store, host: '127.0.0.1', port: 0, logger });
const manager = startControllerManager({ store, leaderElection: false, logger });
const { token } = await createToken(store, { role: 'admin', description: 'scale benchmark' });

const send = (message: FromServer): void => void process.send!(message);
process.on('message', (message: ToServer) => {
  if (message.type === 'sample') {
    if (message.gc) (globalThis as { gc?: () => void }).gc?.();
    const { user, system } = process.cpuUsage();
    send({
      type: 'sample',
      heapUsed: process.memoryUsage().heapUsed,
      rss: process.memoryUsage().rss,
      cpuMicros: user + system,
    });
  } else if (message.type === 'profile') {
    void profile(message.seconds).then((answer) => send({ type: 'profile', ...answer }));
  } else {
    void (async () => {
      await manager.stop();
      await api.close();
      await store.close();
      process.exit(0);
    })();
  }
});
// The parent's end is this process' end too.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', graphqlUrl: api.graphqlUrl, wsUrl: api.wsUrl, token });
