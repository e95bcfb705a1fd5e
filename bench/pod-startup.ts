/**
 * Pod startup latency: a Pod created through the store until Running and Ready is observed through a watch, against
 * raw `docker run -d -p` of the same image until it answers HTTP, in the same run (also reported: the same through
 * the engine API, without the CLI's start-up). A pod costs two container starts (sandbox, then app) where
 * `docker run` costs one, and a container start is most of either number. Single pod (median of alternating runs), then 50 pods one after another and 50 created at once.
 * Targets (node agent issue): single pod ≤ 1.5× raw; p99 over 50 pods ≤ 2 s.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isCapstanError } from '../src/api/errors.ts';
import type { Pod } from '../src/api/types.ts';
import { startNodeAgent } from '../src/node/agent.ts';
import { DockerRuntime } from '../src/node/docker-runtime.ts';
import { warmPoolFromEnv } from '../src/node/warm-pool.ts';
import { createRedisStore } from '../src/store/redis-store.ts';
import type { RedisStore } from '../src/store/redis-store.ts';
import { deletePrefix } from '../test/support/store.ts';
import { percentile, report } from './report.ts';

const IMAGE = 'capstan/hello:latest';
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SINGLE_RUNS = 7;
const SERIES = 50;
const DEADLINE_MS = 20_000;
/** 50 pods at once are 100 container starts: bounded by the engine's rate (≈ 9 starts/s here). */
const BURST_DEADLINE_MS = 90_000;

const median = (xs: number[]): number => percentile(xs, 50);
const run = promisify(execFile);

async function answers(port: number, deadline: number): Promise<void> {
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1_000) });
      await res.text();
      if (res.ok) return;
    } catch {
      // Not listening yet: docker-proxy accepts, then resets (or holds) the connection until the container listens.
    }
    if (Date.now() > deadline) throw new Error(`container on port ${port} did not answer`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** A free loopback port for `docker run -p`. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** The `docker run` command line, as a user types it, until the container answers HTTP. Milliseconds. */
async function dockerRunCli(label: string): Promise<number> {
  const port = await freePort();
  const start = performance.now();
  const { stdout } = await run('docker', [
    'run',
    '-d',
    '--label',
    `io.capstan.bench=${label}`,
    '-p',
    `127.0.0.1:${port}:80`,
    IMAGE,
  ]);
  await answers(port, Date.now() + DEADLINE_MS);
  const elapsed = performance.now() - start;
  await run('docker', ['rm', '-f', stdout.trim()]);
  return elapsed;
}

/** The same through the engine API (create + start + inspect), without the CLI's own start-up. Milliseconds. */
async function dockerRunApi(runtime: DockerRuntime, label: string): Promise<number> {
  const start = performance.now();
  const container = await runtime.client.createContainer({
    Image: IMAGE,
    Labels: { 'io.capstan.bench': label },
    ExposedPorts: { '80/tcp': {} },
    HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] }, AutoRemove: false },
  });
  await container.start();
  const info = await container.inspect();
  const port = Number(info.NetworkSettings.Ports['80/tcp']?.[0]?.HostPort);
  await answers(port, Date.now() + DEADLINE_MS);
  const elapsed = performance.now() - start;
  await container.remove({ force: true });
  return elapsed;
}

/** Creates a pod through the store and waits, on a watch, for it to be Running and Ready. Milliseconds. */
async function podStartup(
  store: RedisStore,
  nodeName: string,
  name: string,
  deadlineMs = DEADLINE_MS,
): Promise<number> {
  const watch = store.watch('Pod', { namespace: 'default', fieldSelector: `metadata.name=${name}` });
  const start = performance.now();
  await store.create('Pod', {
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName, containers: [{ name: 'web', image: IMAGE, ports: [{ containerPort: 80 }] }] },
  });
  const timer = setTimeout(() => watch.close(), deadlineMs);
  try {
    for await (const event of watch) {
      const pod: Pod = event.object;
      const isReady = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      if (pod.status?.phase === 'Running' && isReady) return performance.now() - start;
    }
  } finally {
    clearTimeout(timer);
    watch.close();
  }
  throw new Error(`pod ${name} was not Running and Ready within ${deadlineMs} ms`);
}

async function deletePods(store: RedisStore, names: string[]): Promise<void> {
  await Promise.all(names.map((n) => store.delete('Pod', 'default', n).catch(() => undefined)));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const left = await store.getMany(
      'Pod',
      names.map((name) => ({ namespace: 'default', name })),
    );
    if (left.every((p) => !p)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function benchPodStartup(): Promise<void> {
  const prefix = `capstan-bench:pods:${Date.now()}:`;
  const nodeName = `bench${randomBytes(3).toString('hex')}`;
  const store = await createRedisStore({ url, prefix });
  const stateRoot = await mkdtemp(join(tmpdir(), 'capstan-bench-'));
  // The shipped warm pool (CAPSTAN_WARM_POOL, default 16): single pods after the first find a warm sandbox.
  const runtime = new DockerRuntime({ stateRoot, warmPool: warmPoolFromEnv() });
  let subnet = '';
  for (let attempt = 0; ; attempt++) {
    subnet = `10.244.${100 + Math.floor(Math.random() * 151)}.0/24`;
    try {
      await runtime.ensureNodeNetwork({ node: nodeName, subnet });
      break;
    } catch (err) {
      if (attempt >= 8 || !isCapstanError(err, 'CONFLICT')) throw err;
    }
  }
  const agent = await startNodeAgent({
    store,
    runtime,
    nodeName,
    nodeAddress: '127.0.0.1',
    podSubnet: subnet,
    dnsServerIp: '10.96.0.10',
  });
  try {
    // Warm-up: first container starts pay for page cache and network set-up.
    await dockerRunCli(nodeName);
    await dockerRunApi(runtime, nodeName);
    await podStartup(store, nodeName, 'warmup');
    await deletePods(store, ['warmup']);

    const raw: number[] = [];
    const api: number[] = [];
    const pods: number[] = [];
    for (let i = 0; i < SINGLE_RUNS; i++) {
      raw.push(await dockerRunCli(nodeName));
      api.push(await dockerRunApi(runtime, nodeName));
      pods.push(await podStartup(store, nodeName, `single-${i}`));
      await deletePods(store, [`single-${i}`]);
    }
    const ratio = median(pods) / median(raw);
    report('pod_startup.single_ms', median(pods), {
      dockerRunMs: median(raw),
      ratio,
      dockerApiMs: median(api),
      ratioVsApi: median(pods) / median(api),
      runs: SINGLE_RUNS,
      target: '<= 1.5x docker run',
    });

    const series: number[] = [];
    const names: string[] = [];
    for (let i = 0; i < SERIES; i++) {
      names.push(`series-${i}`);
      series.push(await podStartup(store, nodeName, `series-${i}`));
    }
    report('pod_startup.series_p50_ms', percentile(series, 50), { pods: SERIES, mode: 'one after another' });
    report('pod_startup.series_p99_ms', percentile(series, 99), {
      pods: SERIES,
      mode: 'one after another',
      target: '<= 2000 ms',
    });
    await deletePods(store, names);

    const burstStart = performance.now();
    const burst = await Promise.all(
      Array.from({ length: SERIES }, (_, i) => podStartup(store, nodeName, `burst-${i}`, BURST_DEADLINE_MS)),
    );
    const burstTotal = performance.now() - burstStart;
    report('pod_startup.burst_p50_ms', percentile(burst, 50), { pods: SERIES, mode: 'created at once' });
    report('pod_startup.burst_p99_ms', percentile(burst, 99), {
      pods: SERIES,
      mode: 'created at once',
      podsPerS: SERIES / (burstTotal / 1000),
    });
    await deletePods(
      store,
      Array.from({ length: SERIES }, (_, i) => `burst-${i}`),
    );
  } finally {
    await agent.stop();
    const left = await runtime.listPodContainers(nodeName);
    await Promise.all(left.map((p) => runtime.removePod(p.uid)));
    const strays = await runtime.client.listContainers({
      all: true,
      filters: { label: [`io.capstan.bench=${nodeName}`] },
    });
    await Promise.all(strays.map((c) => runtime.client.getContainer(c.Id).remove({ force: true })));
    // Docker 20.10 can keep counting endpoints of containers removed in parallel (moby/moby#42119): the network
    // then stays, but the benchmark's keys and state dir still go.
    await runtime
      .removeNodeNetwork(nodeName)
      .catch((err: unknown) => console.warn(`network of node ${nodeName} left behind: ${(err as Error).message}`));
    await store.close();
    await deletePrefix(prefix, url);
    await rm(stateRoot, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchPodStartup();
