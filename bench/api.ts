/**
 * GraphQL API benchmark, over real HTTP and WebSocket against a real API server on a fresh Redis prefix:
 * - queries/s of a 100-pod list query (the selection `capstan get pods` makes) against `{ __typename }` on the same
 *   server in the same run, with wrk (a separate process, so the load generator does not share the server's event
 *   loop); target: list ≥ 0.3× trivial;
 * - latency of sequential createPod/updatePod mutations; target: p99 < 20 ms;
 * - subscription fan-out: 1,000 graphql-ws subscribers (multiplexed on a few WebSocket connections, held by a worker
 *   thread so client-side parsing runs on the other core) to one pod watch, 100 changes/s; delivery latency is
 *   receive time − the send time carried in each pod's annotation; target: p99 < 100 ms. Also counts the store's
 *   Redis connections with one subscriber and with 1,000 (they must be equal).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { performance as nodePerformance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { createToken } from '../src/auth/tokens.ts';
import { startApiServer } from '../src/server/http-server.ts';
import { CSRF_HEADER } from '../src/server/yoga.ts';
import { createRedisStore, type RedisStore } from '../src/store/redis-store.ts';
import { createLogger } from '../src/util/logger.ts';
import { newPod } from '../test/support/fixtures.ts';
import { deletePrefix, REDIS_URL } from '../test/support/store.ts';
import { percentile, report } from './report.ts';

const execFileAsync = promisify(execFile);
/** REDIS_URL with the credential setup stored for a loopback Redis (Redis admits only the ACL user). */
const redisUrl = REDIS_URL;
const WRK_SECONDS = Number(process.env.BENCH_API_SECONDS ?? 5);
const WRK_CONNECTIONS = 16;
const LIST_PODS = 100;
const MUTATIONS = 200;
const SUBSCRIBERS = 1000;
const WS_CONNECTIONS = 10;
const CHANGES_PER_S = 100;
const FANOUT_SECONDS = 5;
/** Which measurements to run, e.g. BENCH_API_PARTS=fanout; default all. */
const parts = new Set((process.env.BENCH_API_PARTS ?? 'queries,mutations,fanout').split(','));
const SENT_ANNOTATION = 'bench.capstan.io/sent-ms';

const LIST_QUERY = `query ListPods($ns: String) {
  pods(namespace: $ns) {
    items {
      metadata { name namespace labels { key value } }
      status { phase }
      ready
      displayStatus
      restarts
      age
    }
  }
}`;

const WATCH_SUBSCRIPTION = `subscription Fanout($ns: String) {
  watch(kind: Pod, namespace: $ns) {
    type
    resourceVersion
    object { metadata { name annotation(key: "${SENT_ANNOTATION}") } }
  }
}`;

/** Wall-clock milliseconds with sub-millisecond resolution, comparable between the threads of one process. */
function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

interface GraphQLReply {
  data?: Record<string, unknown>;
  errors?: { message: string }[];
}

async function post(graphqlUrl: string, token: string, query: string, variables: object = {}): Promise<GraphQLReply> {
  const response = await fetch(graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const reply = (await response.json()) as GraphQLReply;
  if (!response.ok || reply.errors?.length) {
    throw new Error(`GraphQL request failed (HTTP ${response.status}): ${JSON.stringify(reply.errors)}`);
  }
  return reply;
}

/** Requests/s of one POSTed operation, measured by wrk with a Lua script; fails on any non-2xx answer. */
async function wrkRate(dir: string, graphqlUrl: string, token: string, body: string, seconds: number): Promise<number> {
  const script = join(dir, `request-${randomBytes(3).toString('hex')}.lua`);
  await writeFile(
    script,
    [
      'wrk.method = "POST"',
      `wrk.body = [==[${body}]==]`,
      'wrk.headers["Content-Type"] = "application/json"',
      `wrk.headers["Authorization"] = "Bearer ${token}"`,
      `wrk.headers["${CSRF_HEADER}"] = "1"`,
    ].join('\n'),
  );
  const { stdout } = await execFileAsync(
    'wrk',
    ['-t', '1', '-c', String(WRK_CONNECTIONS), '-d', `${seconds}s`, '-s', script, graphqlUrl],
    { encoding: 'utf8', timeout: (seconds + 30) * 1000 },
  );
  const failed = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
  const socketErrors = /Socket errors:.*/.exec(stdout)?.[0];
  if (failed > 0 || socketErrors) throw new Error(`wrk saw failures: ${failed} non-2xx, ${socketErrors ?? ''}`);
  return Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? 0);
}

async function benchQueries(graphqlUrl: string, token: string, namespace: string): Promise<void> {
  const listBody = JSON.stringify({ query: LIST_QUERY, variables: { ns: namespace } });
  const trivialBody = JSON.stringify({ query: '{ __typename }' });
  const check = await post(graphqlUrl, token, LIST_QUERY, { ns: namespace });
  const items = (check.data?.['pods'] as { items: unknown[] }).items;
  if (items.length !== LIST_PODS) throw new Error(`list query returned ${items.length} pods, expected ${LIST_PODS}`);

  const dir = await mkdtemp(join(tmpdir(), 'capstan-bench-api-'));
  try {
    // Warm both paths up (JIT, auth cache, connection pools) before measuring.
    await wrkRate(dir, graphqlUrl, token, trivialBody, 1);
    await wrkRate(dir, graphqlUrl, token, listBody, 2);
    // Two interleaved rounds, so a noisy moment on this machine does not land on one side only.
    let trivial = 0;
    let list = 0;
    for (let round = 0; round < 2; round++) {
      trivial += (await wrkRate(dir, graphqlUrl, token, trivialBody, WRK_SECONDS)) / 2;
      list += (await wrkRate(dir, graphqlUrl, token, listBody, WRK_SECONDS)) / 2;
    }
    report('api.trivial_query_per_s', trivial, { connections: WRK_CONNECTIONS, seconds: 2 * WRK_SECONDS });
    report('api.list_query_per_s', list, {
      pods: LIST_PODS,
      trivialPerS: trivial,
      ratio: list / trivial,
      connections: WRK_CONNECTIONS,
      seconds: 2 * WRK_SECONDS,
      target: '>= 0.3x trivial',
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const CREATE_POD = `mutation Create($pod: PodInput!) { createPod(pod: $pod) { metadata { name resourceVersion } } }`;
const UPDATE_POD = `mutation Update($pod: PodInput!) { updatePod(pod: $pod) { metadata { name resourceVersion } } }`;

function podInput(name: string, namespace: string, labels: Record<string, string>): object {
  return {
    metadata: { name, namespace, labels: Object.entries(labels).map(([key, value]) => ({ key, value })) },
    spec: { containers: [{ name: 'web', image: 'capstan/hello:latest', ports: [{ containerPort: 80 }] }] },
  };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function benchMutations(graphqlUrl: string, token: string, namespace: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await post(graphqlUrl, token, CREATE_POD, { pod: podInput(`warm-${i}`, namespace, { bench: 'warm' }) });
  }
  const creates: number[] = [];
  const updates: number[] = [];
  for (let i = 0; i < MUTATIONS; i++) {
    const pod = podInput(`m-${i}`, namespace, { bench: 'mutation' });
    creates.push(await timed(() => post(graphqlUrl, token, CREATE_POD, { pod })));
  }
  for (let i = 0; i < MUTATIONS; i++) {
    const pod = podInput(`m-${i}`, namespace, { bench: 'mutation', round: '2' });
    updates.push(await timed(() => post(graphqlUrl, token, UPDATE_POD, { pod })));
  }
  const all = [...creates, ...updates];
  const details = {
    mutations: all.length,
    createP50Ms: percentile(creates, 50),
    createP99Ms: percentile(creates, 99),
    updateP50Ms: percentile(updates, 50),
    updateP99Ms: percentile(updates, 99),
  };
  report('api.mutation_latency_p50_ms', percentile(all, 50), details);
  report('api.mutation_latency_p99_ms', percentile(all, 99), { ...details, target: '< 20 ms' });
}

/** The store's own connections: the store is created with a connection name, which its stream reader inherits. */
async function redisConnections(store: RedisStore, name: string): Promise<{ named: number; total: number }> {
  const list = String(await store.redis.call('CLIENT', 'LIST'));
  const lines = list.split('\n').filter((line) => line.trim() !== '');
  return { named: lines.filter((line) => line.includes(` name=${name} `)).length, total: lines.length };
}

interface SubscriberJob {
  role: 'api-fanout-subscribers';
  wsUrl: string;
  token: string;
  namespace: string;
  subscribers: number;
  connections: number;
  expectedEvents: number;
}

type FromSubscribers =
  | { type: 'ready' }
  | { type: 'probe-seen' }
  | { type: 'all-delivered' }
  | { type: 'failed'; message: string }
  | { type: 'latencies'; latencies: Float64Array; received: number };

type ToSubscribers = { type: 'open-rest' } | { type: 'collect' };

/**
 * The subscriber side, in a worker thread: opens the first subscription alone (so the main thread can count Redis
 * connections with one subscriber, once a probe change has reached it), then the rest; reports 'ready' after each
 * step once every subscription has its snapshot BOOKMARK; records receive − send of every `fan-*` pod's ADDED event
 * and reports 'all-delivered' when every subscriber has every change.
 */
async function runSubscribers(job: SubscriberJob): Promise<void> {
  const port = parentPort!;
  const latencies = new Float64Array(job.subscribers * job.expectedEvents);
  let received = 0;
  let bookmarked = 0;
  let onBookmark: (() => void) | undefined;
  const clients: Client[] = Array.from({ length: job.connections }, () =>
    createClient({
      url: job.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${job.token}` },
      retryAttempts: 0,
    }),
  );
  const stops: (() => void)[] = [];
  const fail = (err: unknown) => port.postMessage({ type: 'failed', message: String(err) } satisfies FromSubscribers);

  function subscribe(index: number): void {
    type Event = { watch: { type: string; object: { metadata: { name: string; annotation: string | null } } | null } };
    const stop = clients[index % clients.length]!.subscribe<Event>(
      { query: WATCH_SUBSCRIPTION, variables: { ns: job.namespace } },
      {
        next: ({ data, errors }) => {
          if (errors?.length) return fail(JSON.stringify(errors));
          const event = data?.watch;
          const name = event?.object?.metadata.name ?? '';
          if (event?.type === 'BOOKMARK') {
            bookmarked++;
            onBookmark?.();
          } else if (event?.type !== 'ADDED') {
            return;
          } else if (name.startsWith('probe-')) {
            if (stops.length === 1) port.postMessage({ type: 'probe-seen' } satisfies FromSubscribers);
          } else if (name.startsWith('fan-') && received < latencies.length) {
            latencies[received++] = nowMs() - Number(event.object?.metadata.annotation);
            if (received === latencies.length) port.postMessage({ type: 'all-delivered' } satisfies FromSubscribers);
          }
        },
        error: fail,
        complete: () => undefined,
      },
    );
    stops.push(stop);
  }

  async function openUntil(count: number): Promise<void> {
    const done = new Promise<void>((resolve) => {
      onBookmark = () => {
        if (bookmarked >= count) resolve();
      };
    });
    for (let i = stops.length; i < count; i++) subscribe(i);
    await done;
    port.postMessage({ type: 'ready' } satisfies FromSubscribers);
  }

  port.on('message', (message: ToSubscribers) => {
    if (message.type === 'open-rest') void openUntil(job.subscribers).catch(fail);
    if (message.type === 'collect') {
      for (const stop of stops) stop();
      port.postMessage({ type: 'latencies', latencies, received } satisfies FromSubscribers, [latencies.buffer]);
      void Promise.all(clients.map((client) => client.dispose())).finally(() => port.close());
    }
  });
  await openUntil(1);
}

/** Starts the subscriber worker; `next(type)` waits for its next message of that type (rejects on failure or timeout). */
function startSubscribers(job: SubscriberJob) {
  // tsx's loader hooks do not reach worker threads: the worker registers them before importing this module.
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(boot, { eval: true, workerData: job });
  const inbox: FromSubscribers[] = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  worker.on('message', (message: FromSubscribers) => {
    if (message.type === 'failed') failure = new Error(`subscriber failed: ${message.message}`);
    else inbox.push(message);
    wake?.();
  });
  worker.on('error', (err) => {
    failure = err;
    wake?.();
  });
  async function next<T extends FromSubscribers['type']>(
    type: T,
    timeoutMs: number,
  ): Promise<Extract<FromSubscribers, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const message = inbox.shift();
      if (message?.type === type) return message as Extract<FromSubscribers, { type: T }>;
      if (message) continue;
      if (failure) throw failure;
      if (Date.now() > deadline) throw new Error(`no '${type}' from the subscriber worker within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 200);
      });
    }
  }
  return { next, send: (message: ToSubscribers) => worker.postMessage(message), stop: () => worker.terminate() };
}

async function benchFanout(
  store: RedisStore,
  connectionName: string,
  server: { wsUrl: string },
  token: string,
  namespace: string,
): Promise<void> {
  const changes = CHANGES_PER_S * FANOUT_SECONDS;
  const subscribers = startSubscribers({
    role: 'api-fanout-subscribers',
    wsUrl: server.wsUrl,
    token,
    namespace,
    subscribers: SUBSCRIBERS,
    connections: WS_CONNECTIONS,
    expectedEvents: changes,
  });
  try {
    await subscribers.next('ready', 30_000);
    // The stream reader connects on the first watch; a change seen by the subscriber proves it is connected.
    await store.create('Pod', newPod(`probe-${Date.now()}`, { namespace }));
    await subscribers.next('probe-seen', 30_000);
    const withOne = await redisConnections(store, connectionName);
    subscribers.send({ type: 'open-rest' });
    await subscribers.next('ready', 60_000);
    const withAll = await redisConnections(store, connectionName);
    const roundTripsBefore = store.stats().roundTrips;

    const start = performance.now();
    // The API server runs on this thread (the subscribers in a worker): its event loop's busy time from the first
    // change to the last delivery is the server's CPU cost of the fan-out, which the latencies alone do not show.
    const loopBefore = nodePerformance.eventLoopUtilization();
    let lastSentMs = nowMs();
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < changes; i++) {
      const wait = start + (i * 1000) / CHANGES_PER_S - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      const pod = newPod(`fan-${i}`, { namespace });
      lastSentMs = nowMs();
      pod.metadata.annotations = { [SENT_ANNOTATION]: String(lastSentMs) };
      writes.push(store.create('Pod', pod));
    }
    await Promise.all(writes);
    const roundTrips = store.stats().roundTrips - roundTripsBefore;
    // Wait until every subscriber has every change, or a deadline: a shortfall is reported, not hidden.
    await subscribers
      .next('all-delivered', 30_000)
      .catch((err: unknown) => console.error(`fan-out incomplete: ${String(err)}`));
    const loop = nodePerformance.eventLoopUtilization(loopBefore);
    subscribers.send({ type: 'collect' });
    const { latencies, received } = await subscribers.next('latencies', 30_000);
    const samples = Array.from(latencies.subarray(0, received));
    // Deliveries still missing at the deadline count as at least as late as the last change is by now, so a
    // shortfall shows in the percentiles instead of being left out of them.
    const missing = SUBSCRIBERS * changes - received;
    const lowerBound = nowMs() - lastSentMs;
    for (let i = 0; i < missing; i++) samples.push(lowerBound);
    const details = {
      subscribers: SUBSCRIBERS,
      wsConnections: WS_CONNECTIONS,
      changesPerS: CHANGES_PER_S,
      changes,
      delivered: received,
      expected: SUBSCRIBERS * changes,
      ...(missing > 0 ? { missingCountedAsLowerBound: missing } : {}),
      serverBusyS: Math.round(loop.active) / 1000,
      serverEventLoopUtilisation: Math.round(loop.utilization * 1000) / 1000,
      serverBusyUsPerDelivery: received > 0 ? Math.round((loop.active * 1000 * 10) / received) / 10 : null,
    };
    report('api.fanout_delivery_p50_ms', percentile(samples, 50), details);
    report('api.fanout_delivery_p99_ms', percentile(samples, 99), { ...details, target: '< 100 ms' });
    report('api.fanout_redis_connections', withAll.named, {
      withOneSubscriber: withOne.named,
      withAllSubscribers: withAll.named,
      totalOnServerWithOne: withOne.total,
      totalOnServerWithAll: withAll.total,
      storeRoundTripsDuringChanges: roundTrips,
      target: `= ${withOne.named} (one subscriber)`,
    });
  } finally {
    await subscribers.stop();
  }
}

export async function benchApi(): Promise<void> {
  const run = randomBytes(3).toString('hex');
  const prefix = `capstan-bench:api-${run}:`;
  const connectionName = `capstan-bench-api-${run}`;
  const named = new URL(redisUrl);
  named.searchParams.set('connectionName', connectionName);
  const store = await createRedisStore({ url: named.toString(), prefix });
  // The fan-out puts more subscriptions on one token and connection than the default limits allow a client.
  const server = await startApiServer({
    store,
    host: '127.0.0.1',
    port: 0,
    logger: createLogger({ level: 'warn' }),
    limits: { subscriptionsPerConnection: SUBSCRIBERS, subscriptionsPerToken: 2 * SUBSCRIBERS },
  });
  try {
    const { token } = await createToken(store, { role: 'admin', description: 'api benchmark' });
    for (const ns of ['bench-list', 'bench-mutate', 'bench-fanout']) {
      await store.create('Namespace', { kind: 'Namespace', metadata: { name: ns }, spec: {} });
    }
    await Promise.all(
      Array.from({ length: LIST_PODS }, (_, i) =>
        store.create('Pod', newPod(`pod-${i}`, { namespace: 'bench-list', labels: { app: 'bench', n: String(i) } })),
      ),
    );
    if (parts.has('queries')) await benchQueries(server.graphqlUrl, token, 'bench-list');
    if (parts.has('mutations')) await benchMutations(server.graphqlUrl, token, 'bench-mutate');
    if (parts.has('fanout')) await benchFanout(store, connectionName, server, token, 'bench-fanout');
  } finally {
    await server.close();
    await store.close();
    await deletePrefix(prefix, redisUrl);
  }
}

const job = workerData as SubscriberJob | undefined;
if (!isMainThread && job?.role === 'api-fanout-subscribers') await runSubscribers(job);
else if (isMainThread && import.meta.url === `file://${process.argv[1]}`) await benchApi();
