/**
 * The control plane at scale (issue #17): 1,000 simulated nodes and 30,000 pods on one machine.
 *
 * The control plane (API server with its read cache + every controller, as `capstan server`) runs in a child
 * process (`support/scale-server.ts`), so its CPU and memory are measured alone; this process plays the hollow
 * nodes (Node + Lease every 10 s, pods marked Running) and the churn; the GraphQL clients are a third process
 * (`support/scale-clients.ts`). Steps, on a Redis prefix of its own:
 *
 * 1. memory before and after registering the nodes (→ API server memory per 100 nodes);
 * 2. CPU of the control plane at rest with 0, 1/3 and all of the pods Pending (a nodeSelector no node matches);
 * 3. `deleteNamespace` of the namespace holding 2/3 of them (20,000 at full size): time until the mutation
 *    returns and until the namespace is gone;
 * 4. pods created in steps of 1/3 into one namespace: scheduler pods/s and the time until the step's pods are
 *    Running (a watch); then, under 20 changes/s of churn, label-mutation p50/p99 and list-of-the-namespace p99
 *    through GraphQL, subscription delivery p99 for a watch of the namespace, and memory (→ per 1,000 pods).
 *
 * Every figure is also plotted against the number of pods as SVG (BENCH_SCALE_SVG_DIR, default docs/img/scale;
 * empty: none). Sizes: BENCH_SCALE_NODES (1000), BENCH_SCALE_PODS (30000, a multiple of 3), BENCH_SCALE_WINDOW_S
 * (measurement window per step, 15), BENCH_SCALE_REST_S (CPU sampling window, 20); BENCH_SCALE_PROFILE=1 prints
 * the control plane's busiest functions at rest with every pending pod and during each running step's window;
 * BENCH_SCALE_PROFILE_DIR=<dir> also saves each of those profiles there (`.cpuprofile`, for Chrome's DevTools).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Pod } from '../src/api/types.ts';
import { startHollowNodes, type HollowNodes } from '../src/hollow/hollow-node.ts';
import { CSRF_HEADER } from '../src/server/yoga.ts';
import { createRedisStore, type RedisStore } from '../src/store/redis-store.ts';
import { newPod } from '../test/support/fixtures.ts';
import { deletePrefix, REDIS_URL } from '../test/support/store.ts';
import { percentile, report } from './report.ts';
import { SENT_ANNOTATION, type FromClients, type ToClients } from './support/scale-clients.ts';
import type { FromServer, Stalls, ToServer } from './support/scale-server.ts';
import { growthExponent, renderPlot, slope, type Plot } from './support/svg-plot.ts';

/** REDIS_URL with the credential setup stored for a loopback Redis (Redis admits only the ACL user). */
const redisUrl = REDIS_URL;
const NODES = Number(process.env.BENCH_SCALE_NODES ?? 1000);
const PODS = Number(process.env.BENCH_SCALE_PODS ?? 30_000);
const WINDOW_S = Number(process.env.BENCH_SCALE_WINDOW_S ?? 15);
const REST_S = Number(process.env.BENCH_SCALE_REST_S ?? 20);
const SVG_DIR = process.env.BENCH_SCALE_SVG_DIR ?? fileURLToPath(new URL('../docs/img/scale', import.meta.url));
/** Which parts run: `pending` (CPU at rest, namespace deletion) and `running` (the steps); default both. */
const PARTS = new Set((process.env.BENCH_SCALE_PARTS ?? 'pending,running').split(','));
/** Room for every pod with a margin, whatever the node count. */
const PODS_PER_NODE = Math.max(110, Math.ceil((2 * PODS) / NODES));
const CHURN_PER_S = 20;
const STEP = Math.floor(PODS / 3);
const SENT = SENT_ANNOTATION;
const NS = 'scale';

const DELETE_NAMESPACE = `mutation DeleteNs($name: String!) { deleteNamespace(name: $name) { metadata { name } } }`;

const nowMs = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Server {
  child: ChildProcess;
  graphqlUrl: string;
  wsUrl: string;
  token: string;
  sample(gc: boolean): Promise<{ heapUsed: number; rss: number; cpuMicros: number }>;
  profile(seconds: number): Promise<{ top: { fn: string; pct: number }[]; stalls: Stalls }>;
  stop(): Promise<void>;
}

async function startServer(prefix: string): Promise<Server> {
  const child = fork(fileURLToPath(new URL('./support/scale-server.ts', import.meta.url)), [], {
    // BENCH_SCALE_SERVER_FLAGS: V8 flags for the control plane, e.g. --max-semi-space-size=64 to compare GC settings.
    execArgv: [
      '--import',
      'tsx',
      '--expose-gc',
      ...(process.env.BENCH_SCALE_SERVER_FLAGS ?? '').split(' ').filter(Boolean),
    ],
    env: { ...process.env, SCALE_PREFIX: prefix, REDIS_URL: redisUrl },
  });
  const replies: ((message: FromServer) => void)[] = [];
  child.on('message', (message: FromServer) => replies.shift()?.(message));
  const next = () =>
    new Promise<FromServer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the scale server did not answer within 120 s')), 120_000);
      replies.push((m) => {
        clearTimeout(timer);
        resolve(m);
      });
    });
  const ready = (await next()) as Extract<FromServer, { type: 'ready' }>;
  return {
    child,
    ...ready,
    async sample(gc) {
      const reply = next();
      child.send({ type: 'sample', gc } satisfies ToServer);
      return (await reply) as Extract<FromServer, { type: 'sample' }>;
    },
    async profile(seconds) {
      const reply = next();
      child.send({ type: 'profile', seconds } satisfies ToServer);
      const { top, stalls } = (await reply) as Extract<FromServer, { type: 'profile' }>;
      return { top, stalls };
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'stop' } satisfies ToServer);
      await Promise.race([exited, sleep(15_000)]);
      child.kill('SIGKILL');
    },
  };
}

/**
 * The GraphQL clients (`support/scale-clients.ts`), each user in a process of its own: the mutations, the lists and
 * the watch, so that no client's figures include the time its process spent on another client's answers.
 */
interface Clients {
  /** Opens the watch of `ns`; resolves once it is open. Deliveries go to `onReceived` until `unsubscribe`. */
  subscribe(ns: string, onReceived: (sent: number, latencyMs: number) => void): Promise<void>;
  run(
    ns: string,
    size: number,
    seconds: number,
  ): Promise<{ mutations: number[]; lists: number[]; listsServed: number[]; clientsLoopMaxMs: ClientsLoopMaxMs }>;
  unsubscribe(): Promise<void>;
  stop(): void;
}

/** Each clients process' longest event-loop delay in a window, in ms. */
interface ClientsLoopMaxMs {
  mutator: number;
  lister: number;
  watcher: number;
}

function startClients(server: Server): Clients {
  const mutator = startClientsProcess(server);
  const lister = startClientsProcess(server);
  const watcher = startClientsProcess(server);
  return {
    subscribe: (ns, received) => watcher.subscribe(ns, received),
    async run(ns, size, seconds) {
      const watching = watcher.run(ns, size, seconds, { mutations: false, lists: false });
      const [m, l, w] = await Promise.all([
        mutator.run(ns, size, seconds, { mutations: true, lists: false }),
        lister.run(ns, size, seconds, { mutations: false, lists: true }),
        watching,
      ]);
      return {
        mutations: m.mutations,
        lists: l.lists,
        listsServed: l.listsServed,
        clientsLoopMaxMs: { mutator: m.loopMaxMs, lister: l.loopMaxMs, watcher: w.loopMaxMs },
      };
    },
    unsubscribe: () => watcher.unsubscribe(),
    stop: () => {
      for (const one of [mutator, lister, watcher]) one.stop();
    },
  };
}

/** One clients process. */
interface ClientsProcess {
  subscribe(ns: string, onReceived: (sent: number, latencyMs: number) => void): Promise<void>;
  run(
    ns: string,
    size: number,
    seconds: number,
    parts: { mutations: boolean; lists: boolean },
  ): Promise<{ mutations: number[]; lists: number[]; listsServed: number[]; loopMaxMs: number }>;
  unsubscribe(): Promise<void>;
  stop(): void;
}

function startClientsProcess(server: Server): ClientsProcess {
  const child = fork(fileURLToPath(new URL('./support/scale-clients.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      SCALE_GRAPHQL_URL: server.graphqlUrl,
      SCALE_WS_URL: server.wsUrl,
      SCALE_TOKEN: server.token,
    },
  });
  let onReceived: ((sent: number, latencyMs: number) => void) | undefined;
  let waiting: { want: FromClients['type']; resolve: (m: FromClients) => void; reject: (e: Error) => void } | undefined;
  child.on('message', (message: FromClients) => {
    if (message.type === 'received') onReceived?.(message.sent, message.latencyMs);
    else if (message.type === 'failed') waiting?.reject(new Error(`scale clients: ${message.message}`));
    else if (waiting?.want === message.type) waiting.resolve(message);
  });
  const ask = (message: ToClients, want: FromClients['type']): Promise<FromClients> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the scale clients did not answer ${want} within 120 s`)),
        120_000,
      );
      const done = () => {
        clearTimeout(timer);
        waiting = undefined;
      };
      waiting = {
        want,
        resolve: (m) => (done(), resolve(m)),
        reject: (e) => (done(), reject(e)),
      };
      child.send(message);
    });
  return {
    async subscribe(ns, received) {
      onReceived = received;
      await ask({ type: 'subscribe', ns }, 'subscribed');
    },
    async run(ns, size, seconds, parts) {
      const ran = (await ask({ type: 'run', ns, size, seconds, ...parts }, 'ran')) as Extract<
        FromClients,
        { type: 'ran' }
      >;
      return { mutations: ran.mutations, lists: ran.lists, listsServed: ran.listsServed, loopMaxMs: ran.loopMaxMs };
    },
    async unsubscribe() {
      await ask({ type: 'unsubscribe' }, 'unsubscribed');
      onReceived = undefined;
    },
    stop: () => void child.kill('SIGKILL'),
  };
}

async function gql(server: Server, query: string, variables: object): Promise<Record<string, unknown>> {
  const response = await fetch(server.graphqlUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${server.token}`,
      [CSRF_HEADER]: '1',
    },
    body: JSON.stringify({ query, variables }),
  });
  const reply = (await response.json()) as { data?: Record<string, unknown>; errors?: { message: string }[] };
  if (!response.ok || reply.errors?.length) {
    throw new Error(`GraphQL failed (HTTP ${response.status}): ${JSON.stringify(reply.errors)?.slice(0, 300)}`);
  }
  return reply.data!;
}

/** Creates `count` pods named `<prefix>-<i>` in `namespace`, 64 at a time; `pending` ones fit no node. */
async function createPods(store: RedisStore, namespace: string, prefix: string, count: number, pending: boolean) {
  let next = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < count) {
        const pod = newPod(`${prefix}-${next++}`, { namespace, labels: { app: prefix } });
        pod.spec!.containers[0]!.resources = { requests: { cpu: '10m', memory: '16Mi' } };
        if (pending) pod.spec!.nodeSelector = { 'bench.capstan.io/pool': 'none' };
        await store.create('Pod', pod);
      }
    }),
  );
}

async function waitUntil(what: string, timeoutMs: number, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(250);
  }
}

/** CPU of the control plane process over `seconds`, in % of one core. */
async function restCpu(server: Server, seconds: number): Promise<number> {
  const a = await server.sample(false);
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const b = await server.sample(false);
  return (100 * (b.cpuMicros - a.cpuMicros)) / 1000 / (performance.now() - t0);
}

async function heapMb(server: Server): Promise<number> {
  return (await server.sample(true)).heapUsed / 2 ** 20;
}

/** Counts pods of `namespace` bound and Running as a watch sees them, with the time each count was reached. */
function watchProgress(store: RedisStore, namespace: string, since: string) {
  const watch = store.watch('Pod', { namespace, sinceResourceVersion: since });
  const bound = new Set<string>();
  const running = new Set<string>();
  const state = { bound, running, boundAt: [] as number[], runningAt: [] as number[] };
  void (async () => {
    try {
      for await (const event of watch) {
        const pod = event.object as Pod;
        if (event.type === 'DELETED') continue;
        const uid = pod.metadata.uid;
        if (pod.spec?.nodeName && !bound.has(uid)) {
          bound.add(uid);
          state.boundAt.push(performance.now());
        }
        if (pod.status?.phase === 'Running' && !running.has(uid)) {
          running.add(uid);
          state.runningAt.push(performance.now());
        }
      }
    } catch (err) {
      console.error(`scale: progress watch ended: ${String(err)}`);
    }
  })();
  return { state, close: () => watch.close() };
}

interface StepFigures {
  pods: number;
  schedulerPodsPerS: number;
  runningS: number;
  mutationP50: number;
  mutationP99: number;
  listP99: number;
  listP50: number;
  /** The same lists until the answer's last byte arrived, without the client's parsing of it. */
  listServedP99: number;
  listServedP50: number;
  subscriptionP99: number;
  /** Delivery measured from the churn write's acknowledgement rather than from when it was sent. */
  subscriptionAfterAckP99: number;
  /** Churn writes: sent → acknowledged, in the benchmark's own (busy) process. */
  churnWriteP99: number;
  /** Each clients process' longest event-loop delay in the window (an answer or delivery it could not read meanwhile). */
  clientsLoopMaxMs: ClientsLoopMaxMs;
  /** The control plane's CPU during the window, in % of one core (100: its event loop never rested). */
  serverCpuPct: number;
  /** This process' CPU during the window (hollow nodes, churn and the clients), in % of one core. */
  benchCpuPct: number;
  heapMb: number;
  /** Nodes whose Ready condition was not True after the window (a hollow node starved of CPU misses its lease). */
  nodesNotReady: number;
  delivered: number;
}

/** One measurement window at the current size: churn, mutations, lists and a subscription, all at once. */
async function measureWindow(
  server: Server,
  clients: Clients,
  store: RedisStore,
  size: number,
): Promise<Omit<StepFigures, 'pods' | 'schedulerPodsPerS' | 'runningS' | 'heapMb' | 'nodesNotReady'>> {
  const received = new Map<number, number>();
  await clients.subscribe(NS, (sent, latencyMs) => {
    if (!received.has(sent)) received.set(sent, latencyMs);
  });
  // The watch is open once a change made now arrives.
  const probe = nowMs();
  await store.mutate('Pod', NS, 'run-0', (pod) => ({
    ...pod,
    metadata: { ...pod.metadata, annotations: { ...pod.metadata.annotations, [SENT]: String(probe) } },
  }));
  await waitUntil('the subscription to deliver a probe change', 60_000, () => received.has(probe));

  const cpuBefore = (await server.sample(false)).cpuMicros;
  const ownBefore = process.cpuUsage();
  const windowStart = performance.now();
  const deadline = windowStart + WINDOW_S * 1000;
  const sentValues: number[] = [];
  // How long each churn write took to be acknowledged (sent → mutate resolved, in this busy process): a delivery
  // is also measured from that acknowledgement, so the benchmark's own lag is not counted as the watch's.
  const writeMs = new Map<number, number>();
  const churn = (async () => {
    const start = performance.now();
    for (let i = 0; performance.now() < deadline; i++) {
      const wait = start + (i * 1000) / CHURN_PER_S - performance.now();
      if (wait > 1) await sleep(wait);
      const name = `run-${Math.floor(Math.random() * size)}`;
      const sent = nowMs();
      sentValues.push(sent);
      await store
        .mutate('Pod', NS, name, (pod) => ({
          ...pod,
          metadata: { ...pod.metadata, annotations: { ...pod.metadata.annotations, [SENT]: String(sent) } },
        }))
        .then(() => void writeMs.set(sent, nowMs() - sent))
        .catch((err: unknown) => console.error(`churn: ${String(err)}`));
    }
  })();
  const answering = clients.run(NS, size, WINDOW_S);
  // Where the window's time goes (BENCH_SCALE_PROFILE=1): the control plane's busiest functions under load.
  const profiling =
    process.env.BENCH_SCALE_PROFILE === '1'
      ? server.profile(Math.max(1, WINDOW_S - 2)).then(({ top, stalls }) => {
          for (const { fn, pct } of top) console.log(`scale: profile at ${size} pods under load ${pct}% ${fn}`);
          console.log(`scale: stalls at ${size} pods under load ${JSON.stringify(stalls)}`);
        })
      : undefined;
  const [{ mutations, lists, listsServed, clientsLoopMaxMs }] = await Promise.all([answering, churn, profiling]);
  const serverCpuPct = ((await server.sample(false)).cpuMicros - cpuBefore) / 10 / (performance.now() - windowStart);
  const own = process.cpuUsage(ownBefore);
  const benchCpuPct = (own.user + own.system) / 10 / (performance.now() - windowStart);
  // Deliveries still missing after 10 s count as 10 s late, so a shortfall shows in the percentiles.
  await waitUntil('subscription deliveries', 10_000, () => received.size >= sentValues.length).catch(() => undefined);
  const delivered = sentValues.filter((sent) => received.has(sent)).length;
  const latencies = sentValues.map((sent) => received.get(sent) ?? 10_000);
  const afterAck = sentValues.map((sent) => Math.max(0, (received.get(sent) ?? 10_000) - (writeMs.get(sent) ?? 0)));
  await clients.unsubscribe();
  return {
    mutationP50: percentile(mutations, 50),
    mutationP99: percentile(mutations, 99),
    listP99: percentile(lists, 99),
    listP50: percentile(lists, 50),
    listServedP99: percentile(listsServed, 99),
    listServedP50: percentile(listsServed, 50),
    serverCpuPct: Math.round(serverCpuPct),
    benchCpuPct: Math.round(benchCpuPct),
    subscriptionP99: percentile(latencies, 99),
    subscriptionAfterAckP99: percentile(afterAck, 99),
    churnWriteP99: percentile([...writeMs.values()], 99),
    clientsLoopMaxMs,
    delivered: delivered / Math.max(1, sentValues.length),
  };
}

export async function benchScale(): Promise<void> {
  if (PODS % 3 !== 0 || PODS < 3) throw new Error(`BENCH_SCALE_PODS must be a positive multiple of 3, got ${PODS}`);
  const prefix = `capstan-bench:scale-${randomBytes(3).toString('hex')}:`;
  const store = await createRedisStore({ url: redisUrl, prefix, streamMaxLen: 60_000 });
  let server: Server | undefined;
  let hollow: HollowNodes | undefined;
  try {
    server = await startServer(prefix);
    for (const name of [NS, 'pending-a', 'pending-b']) {
      await store.create('Namespace', { kind: 'Namespace', metadata: { name }, spec: {} });
    }

    // 1. Nodes.
    const heapEmpty = await heapMb(server);
    const nodesStart = performance.now();
    hollow = await startHollowNodes(
      store,
      Array.from({ length: NODES }, (_, i) => ({
        name: `sim-${i}`,
        address: `127.1.${Math.floor(i / 250)}.${(i % 250) + 1}`,
        cpu: '8',
        memory: '32Gi',
        pods: String(PODS_PER_NODE),
      })),
      { renewIntervalMs: 10_000, concurrency: 32 },
    );
    const nodesS = (performance.now() - nodesStart) / 1000;
    // The control plane's informers take the nodes and leases in; then they are part of its heap.
    await sleep(2000);
    const heapNodes = await heapMb(server);
    const perHundredNodes = ((heapNodes - heapEmpty) / NODES) * 100;
    report('scale.memory_per_100_nodes_mb', perHundredNodes, {
      nodes: NODES,
      registerS: nodesS,
      heapEmptyMb: heapEmpty,
    });

    // 2. CPU at rest with pending pods.
    const cpuRest: [number, number][] = [];
    if (PARTS.has('pending')) await pendingPart(server, store, cpuRest);
    if (PARTS.has('running')) await runningPart(server, store, cpuRest);
  } finally {
    await hollow?.stop();
    await server?.stop();
    await store.close();
    await deletePrefix(prefix, redisUrl);
  }
}

async function pendingPart(server: Server, store: RedisStore, cpuRest: [number, number][]): Promise<void> {
  {
    cpuRest.push([0, await restCpu(server, REST_S)]);
    const pendingSteps: [string, number][] = [
      ['pending-b', STEP],
      ['pending-a', 2 * STEP],
    ];
    let pendingTotal = 0;
    for (const [namespace, count] of pendingSteps) {
      await createPods(store, namespace, namespace, count, true);
      pendingTotal += count;
      // Settled once the last pod created has been tried (oldest first) and marked unschedulable.
      await waitUntil(`${namespace} marked unschedulable`, 600_000, async () => {
        const last = await store.tryGet('Pod', namespace, `${namespace}-${count - 1}`);
        return last?.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False') ?? false;
      });
      await sleep(5000);
      cpuRest.push([pendingTotal, await restCpu(server, REST_S)]);
    }
    // Where the rest time goes (BENCH_SCALE_PROFILE=1): the control plane's busiest functions with all pods Pending.
    if (process.env.BENCH_SCALE_PROFILE === '1') {
      for (const { fn, pct } of (await server.profile(REST_S)).top) console.log(`scale: profile at rest ${pct}% ${fn}`);
    }
    const restAt = cpuRest[cpuRest.length - 1]![1];
    report('scale.cpu_at_rest_pending_pct', restAt, {
      pendingPods: pendingTotal,
      nodes: NODES,
      withoutPendingPct: cpuRest[0]![1],
      pendingCostPct: restAt - cpuRest[0]![1],
      windowS: REST_S,
      target: '< 10',
    });

    // 3. Deleting the big pending namespace.
    const deleteStart = performance.now();
    await gql(server, DELETE_NAMESPACE, { name: 'pending-a' });
    const returnedMs = performance.now() - deleteStart;
    const terminating = (await store.tryGet('Namespace', undefined, 'pending-a'))?.status?.phase ?? 'gone';
    if (process.env.BENCH_SCALE_PROFILE === '1') {
      for (const { fn, pct } of (await server.profile(5)).top) console.log(`scale: profile deleting ${pct}% ${fn}`);
    }
    // Bounded: a deletion still going after 5 minutes is reported with the pods left, not waited for.
    const gone = await waitUntil('namespace pending-a removed', 300_000, async () => {
      return !(await store.tryGet('Namespace', undefined, 'pending-a'));
    })
      .then(() => true)
      .catch(() => false);
    const goneS = (performance.now() - deleteStart) / 1000;
    const left = gone ? 0 : (await store.list('Pod', { namespace: 'pending-a' })).items.length;
    report('scale.namespace_delete_s', gone ? goneS : Infinity, {
      pods: 2 * STEP,
      returnedMs,
      phaseAfterReturn: terminating,
      ...(gone ? {} : { podsLeftAfterS: goneS, podsLeft: left }),
      target: '< 60',
    });
    await gql(server, DELETE_NAMESPACE, { name: 'pending-b' });
    await waitUntil('the pending namespaces removed', 600_000, async () => {
      const left = await Promise.all(['pending-a', 'pending-b'].map((n) => store.tryGet('Namespace', undefined, n)));
      return left.every((ns) => !ns);
    });
  }
}

async function runningPart(server: Server, store: RedisStore, cpuRest: [number, number][]): Promise<void> {
  const clients = startClients(server);
  try {
    await runSteps(server, clients, store, cpuRest);
  } finally {
    clients.stop();
  }
}

async function runSteps(
  server: Server,
  clients: Clients,
  store: RedisStore,
  cpuRest: [number, number][],
): Promise<void> {
  const memory: [number, number][] = [];
  {
    // 4. Running pods in steps.
    const steps: StepFigures[] = [];
    memory.push([0, await heapMb(server)]);
    for (let size = STEP; size <= PODS; size += STEP) {
      const since = await store.currentResourceVersion();
      const progress = watchProgress(store, NS, since);
      const start = performance.now();
      let next = size - STEP;
      await Promise.all(
        Array.from({ length: 64 }, async () => {
          while (next < size) {
            const pod = newPod(`run-${next++}`, { namespace: NS, labels: { app: 'run' } });
            pod.spec!.containers[0]!.resources = { requests: { cpu: '10m', memory: '16Mi' } };
            await store.create('Pod', pod);
          }
        }),
      );
      await waitUntil(`${size} pods Running`, 600_000, () => progress.state.running.size >= STEP);
      progress.close();
      const { boundAt, runningAt } = progress.state;
      const schedulerPodsPerS = STEP / ((boundAt[boundAt.length - 1]! - boundAt[0]!) / 1000 || 1);
      const runningS = (runningAt[runningAt.length - 1]! - start) / 1000;
      await sleep(3000);
      const window = await measureWindow(server, clients, store, size);
      const heap = await heapMb(server);
      memory.push([size, heap]);
      const nodesNotReady = (await store.list('Node')).items.filter(
        (node) => !node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      ).length;
      const figures: StepFigures = { pods: size, schedulerPodsPerS, runningS, heapMb: heap, nodesNotReady, ...window };
      steps.push(figures);
      console.log(`scale: step ${JSON.stringify(figures)}`);
    }

    const first = steps[0]!;
    const last = steps[steps.length - 1]!;
    const points = (pick: (s: StepFigures) => number): [number, number][] => steps.map((s) => [s.pods, pick(s)]);
    const growth = (pick: (s: StepFigures) => number) => growthExponent(points(pick));
    report('scale.scheduler_pods_per_s', last.schedulerPodsPerS, {
      nodes: NODES,
      atPods: last.pods,
      firstStepPerS: first.schedulerPodsPerS,
    });
    report('scale.running_10k_s', first.runningS, { pods: STEP, nodes: NODES });
    for (const s of [first, last]) {
      report(`scale.mutation_p99_ms_at_${s.pods}`, s.mutationP99, {
        p50: s.mutationP50,
        churnPerS: CHURN_PER_S,
        target: '< 50 ms',
      });
      report(`scale.list_namespace_p99_ms_at_${s.pods}`, s.listP99, { churnPerS: CHURN_PER_S, target: '< 500 ms' });
      // Until the last byte, without the client's own parsing of a 9 MB answer (Kubernetes' SLI for list latency
      // is the API server's: from the request to the response sent).
      report(`scale.list_namespace_served_p99_ms_at_${s.pods}`, s.listServedP99, {
        p50: s.listServedP50,
        churnPerS: CHURN_PER_S,
      });
    }
    report('scale.subscription_p99_ms', first.subscriptionP99, {
      listPods: first.pods,
      delivered: first.delivered,
      atLastStep: last.subscriptionP99,
      afterAckP99: first.subscriptionAfterAckP99,
      churnWriteP99: first.churnWriteP99,
      churnPerS: CHURN_PER_S,
    });
    report('scale.memory_per_1000_pods_mb', slope(memory) * 1000, {
      samples: JSON.stringify(memory.map(([p, m]) => [p, Math.round(m)])),
    });
    report('scale.growth_exponents', 0, {
      mutationP99: growth((s) => s.mutationP99),
      listP99: growth((s) => s.listP99),
      subscriptionP99: growth((s) => s.subscriptionP99),
      heap: growthExponent(memory),
    });

    if (SVG_DIR) await writePlots(steps, memory, cpuRest);
  }
}

async function writePlots(steps: StepFigures[], memory: [number, number][], cpuRest: [number, number][]) {
  const points = (pick: (s: StepFigures) => number): [number, number][] => steps.map((s) => [s.pods, pick(s)]);
  const pods = `pods (${NODES} simulated nodes)`;
  const plots: Record<string, Plot> = {
    'scheduler.svg': {
      title: 'Scheduler throughput',
      xLabel: pods,
      yLabel: 'pods bound / s',
      series: [{ name: 'pods/s', points: points((s) => s.schedulerPodsPerS) }],
    },
    'running.svg': {
      title: `Time for ${STEP} new pods to go Running`,
      xLabel: pods,
      yLabel: 's',
      series: [{ name: 'seconds', points: points((s) => s.runningS) }],
    },
    'mutation.svg': {
      title: `Label mutation latency, ${CHURN_PER_S} changes/s churn`,
      xLabel: pods,
      yLabel: 'ms',
      series: [
        { name: 'p50', points: points((s) => s.mutationP50) },
        { name: 'p99', points: points((s) => s.mutationP99) },
      ],
      target: { value: 50, label: 'target p99' },
    },
    'list.svg': {
      title: 'List of the pods\u2019 namespace, p99',
      xLabel: pods,
      yLabel: 'ms',
      series: [{ name: 'p99', points: points((s) => s.listP99) }],
      target: { value: 500, label: 'target p99' },
    },
    'subscription.svg': {
      title: 'Subscription delivery p99 (watch of the namespace)',
      xLabel: pods,
      yLabel: 'ms',
      series: [{ name: 'p99', points: points((s) => s.subscriptionP99) }],
    },
    'memory.svg': {
      title: 'API server + controllers heap',
      xLabel: pods,
      yLabel: 'MiB',
      series: [{ name: 'heap after GC', points: memory }],
    },
    'cpu-rest.svg': {
      title: 'Control plane CPU at rest',
      xLabel: 'Pending pods',
      yLabel: '% of one core',
      series: [{ name: 'CPU', points: cpuRest }],
      target: { value: 10, label: 'target' },
    },
  };
  await mkdir(SVG_DIR, { recursive: true });
  for (const [file, plot] of Object.entries(plots)) await writeFile(join(SVG_DIR, file), renderPlot(plot));
  console.log(`scale: plots written to ${SVG_DIR}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchScale();
