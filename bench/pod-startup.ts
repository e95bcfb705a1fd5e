/**
 * Pod startup latency: a Pod created through the store until Running and Ready is observed through a watch, against
 * raw `docker run -d -p` of the same image until it answers HTTP, in the same run (also reported: the same through
 * the engine API, without the CLI's start-up). A pod costs two container starts (sandbox, then app) where
 * `docker run` costs one, and a container start is most of either number. Single pod (median of alternating runs), then 50 pods one after another and 50 created at once.
 * The burst's peer: 50 containers through the engine API at once, each until it answers HTTP.
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
import { deletePrefix, REDIS_URL } from '../test/support/store.ts';
import { percentile, report } from './report.ts';

const IMAGE = 'capstan/hello:latest';
/** REDIS_URL with the credential setup stored for a loopback Redis (Redis admits only the ACL user). */
const url = REDIS_URL;
const SINGLE_RUNS = 7;
const SERIES = 50;
const DEADLINE_MS = 20_000;
/** 50 pods at once are up to 100 container starts: bounded by the engine's rate, which a loaded machine divides. */
const BURST_DEADLINE_MS = Number(process.env.BENCH_BURST_DEADLINE_S ?? 180) * 1000;

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

/**
 * The p-th percentile of latencies where undefined ones missed the deadline: when the percentile falls among those,
 * it is the deadline (a lower bound). `late` counts them.
 */
function latePercentile(xs: (number | undefined)[], p: number): { value: number; late: number } {
  const done = xs.filter((x): x is number => x !== undefined);
  const late = xs.length - done.length;
  if (done.length === 0 || (late > 0 && p > (100 * done.length) / xs.length)) return { value: BURST_DEADLINE_MS, late };
  return { value: percentile(done, p), late };
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

/**
 * The same through the engine API (create + start + inspect), without the CLI's own start-up. Milliseconds. The
 * container is removed afterwards, or added to `keep` for the caller to remove once every one of a burst answered.
 */
async function dockerRunApi(
  runtime: DockerRuntime,
  label: string,
  deadlineMs = DEADLINE_MS,
  keep?: { remove(options: { force: true }): Promise<unknown> }[],
): Promise<number> {
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
  try {
    await answers(port, Date.now() + deadlineMs);
    return performance.now() - start;
  } finally {
    if (keep) keep.push(container);
    else await container.remove({ force: true });
  }
}

/** When a pod reached each step, in ms after its creation (watch events; `started` from the container's status). */
interface StartupSteps {
  /** The agent's first status write. */
  status?: number;
  /** The first status with a pod IP (the sandbox runs). */
  podIP?: number;
  /** The app container's `startedAt` (second resolution, Docker's clock). */
  started?: number;
  ready: number;
}

/** Creates a pod through the store and waits, on a watch, for it to be Running and Ready; when it reached each step. */
async function podStartupSteps(
  store: RedisStore,
  nodeName: string,
  name: string,
  deadlineMs = DEADLINE_MS,
): Promise<StartupSteps> {
  const watch = store.watch('Pod', { namespace: 'default', fieldSelector: `metadata.name=${name}` });
  const start = performance.now();
  const wallStart = Date.now();
  await store.create('Pod', {
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName, containers: [{ name: 'web', image: IMAGE, ports: [{ containerPort: 80 }] }] },
  });
  const timer = setTimeout(() => watch.close(), deadlineMs);
  const steps: Omit<StartupSteps, 'ready'> = {};
  try {
    for await (const event of watch) {
      const pod: Pod = event.object;
      const now = performance.now() - start;
      if (pod.status?.phase) steps.status ??= now;
      if (pod.status?.podIP) steps.podIP ??= now;
      const startedAt = pod.status?.containerStatuses?.[0]?.state?.running?.startedAt;
      if (startedAt) steps.started ??= Date.parse(startedAt) - wallStart;
      const isReady = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      if (pod.status?.phase === 'Running' && isReady) return { ...steps, ready: now };
    }
  } finally {
    clearTimeout(timer);
    watch.close();
  }
  throw new Error(`pod ${name} was not Running and Ready within ${deadlineMs} ms`);
}

/** Creates a pod through the store and waits, on a watch, for it to be Running and Ready. Milliseconds. */
async function podStartup(
  store: RedisStore,
  nodeName: string,
  name: string,
  deadlineMs = DEADLINE_MS,
): Promise<number> {
  return (await podStartupSteps(store, nodeName, name, deadlineMs)).ready;
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
    const slow: { name: string; warmBefore: number; steps: StartupSteps }[] = [];
    for (let i = 0; i < SERIES; i++) {
      names.push(`series-${i}`);
      const warmBefore = runtime.warmPoolSize(nodeName);
      const steps = await podStartupSteps(store, nodeName, `series-${i}`);
      series.push(steps.ready);
      slow.push({ name: `series-${i}`, warmBefore, steps });
    }
    // Where the slowest pods of the series spent their time.
    for (const { name, warmBefore, steps } of slow.sort((a, b) => b.steps.ready - a.steps.ready).slice(0, 3)) {
      const ms = (v?: number) => (v === undefined ? '-' : `${Math.round(v)} ms`);
      console.log(
        `slow: ${name} ready ${ms(steps.ready)}: first status ${ms(steps.status)}, pod IP ${ms(steps.podIP)}, ` +
          `container started ${ms(steps.started)} (1 s resolution); warm sandboxes at creation ${warmBefore}`,
      );
    }
    report('pod_startup.series_p50_ms', percentile(series, 50), { pods: SERIES, mode: 'one after another' });
    report('pod_startup.series_p99_ms', percentile(series, 99), {
      pods: SERIES,
      mode: 'one after another',
      target: '<= 2000 ms',
    });
    await deletePods(store, names);

    // 50 at once, then 50 containers through the engine API at once (create, start, until HTTP answers): the peer
    // in the same run. One not Ready by the deadline is counted, not fatal: the percentile is then a lower bound.
    const burstStart = performance.now();
    const burst = await Promise.all(
      Array.from({ length: SERIES }, (_, i) =>
        podStartup(store, nodeName, `burst-${i}`, BURST_DEADLINE_MS).catch(() => undefined),
      ),
    );
    const burstTotal = performance.now() - burstStart;
    await deletePods(
      store,
      Array.from({ length: SERIES }, (_, i) => `burst-${i}`),
    );
    const peerStart = performance.now();
    const peerContainers: Parameters<typeof dockerRunApi>[3] = [];
    const peer = await Promise.all(
      Array.from({ length: SERIES }, () =>
        dockerRunApi(runtime, nodeName, BURST_DEADLINE_MS, peerContainers).catch(() => undefined),
      ),
    );
    const peerTotal = performance.now() - peerStart;
    await Promise.all(peerContainers!.map((c) => c.remove({ force: true }).catch(() => undefined)));
    const [p50, p99] = [latePercentile(burst, 50), latePercentile(burst, 99)];
    const [peer50, peer99] = [latePercentile(peer, 50), latePercentile(peer, 99)];
    report('pod_startup.burst_p50_ms', p50.value, {
      pods: SERIES,
      mode: 'created at once',
      dockerApiMs: peer50.value,
      ratio: p50.value / peer50.value,
    });
    report('pod_startup.burst_p99_ms', p99.value, {
      pods: SERIES,
      mode: 'created at once',
      dockerApiMs: peer99.value,
      ratio: p99.value / peer99.value,
      podsPerS: SERIES / (burstTotal / 1000),
      containersPerS: SERIES / (peerTotal / 1000),
      notReadyInTime: p99.late,
      peerNotAnsweringInTime: peer99.late,
      deadlineMs: BURST_DEADLINE_MS,
    });
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
