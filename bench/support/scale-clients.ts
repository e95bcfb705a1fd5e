/**
 * The GraphQL clients of `bench/scale.ts`, each in a process of its own: label mutations, lists of the namespace
 * and a subscription (a watch of it), as separate users (kubectl, a dashboard, a controller) would run them. In the
 * benchmark's own process they shared an event loop with the 1,000 hollow nodes and with the parsing of each
 * 30,000-pod list, and later in one clients process still with that parsing (50-100 ms for a 9 MB answer), so a
 * mutation's latency or a delivery's included whatever that process was doing when the answer arrived, which is
 * not the API's. The benchmark forks this module three times and gives each one of the roles.
 *
 * IPC (parent → here): { type: 'subscribe', ns } answered by { type: 'subscribed' } once the watch is open, then a
 * { type: 'received', sent, latencyMs } for every delivery that carries the sent-time annotation; { type: 'run', ns,
 * size, seconds, mutations, lists } (which of the two to run) answered by { type: 'ran', mutations, lists,
 * loopMaxMs } (latencies and this process' longest event-loop delay in ms) or { type: 'failed', message };
 * { type: 'unsubscribe' } answered by { type: 'unsubscribed' }. Exits with the parent.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { CSRF_HEADER } from '../../src/server/yoga.ts';

export type ToClients =
  | { type: 'subscribe'; ns: string }
  | { type: 'run'; ns: string; size: number; seconds: number; mutations: boolean; lists: boolean }
  | { type: 'unsubscribe' };
export type FromClients =
  | { type: 'subscribed' }
  | { type: 'received'; sent: number; latencyMs: number }
  | { type: 'ran'; mutations: number[]; lists: number[]; listsServed: number[]; loopMaxMs: number }
  | { type: 'failed'; message: string }
  | { type: 'unsubscribed' };

/** The annotation the benchmark's churn writes: the wall-clock ms at which the change was sent. */
export const SENT_ANNOTATION = 'bench.capstan.io/sent-ms';

export const LIST_QUERY = `query ListPods($ns: String) {
  pods(namespace: $ns) {
    items { metadata { name namespace labels { key value } } status { phase } ready displayStatus restarts age }
  }
}`;
const LABEL_MUTATION = `mutation Label($ns: String, $name: String!, $value: String!) {
  label(kind: Pod, namespace: $ns, name: $name, set: [{ key: "bench", value: $value }], overwrite: true) { changed }
}`;
const WATCH = `subscription Watch($ns: String) {
  watch(kind: Pod, namespace: $ns) { type object { metadata { name annotation(key: "${SENT_ANNOTATION}") } } }
}`;

const graphqlUrl = process.env.SCALE_GRAPHQL_URL!;
const wsUrl = process.env.SCALE_WS_URL!;
const token = process.env.SCALE_TOKEN!;

const nowMs = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const send = (message: FromClients): void => void process.send!(message);

/** `served`, if given, is told when the answer's last byte arrived (before this process parses it). */
async function gql(query: string, variables: object, served?: () => void): Promise<Record<string, unknown>> {
  const response = await fetch(graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, [CSRF_HEADER]: '1' },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.text();
  served?.();
  const reply = JSON.parse(body) as { data?: Record<string, unknown>; errors?: { message: string }[] };
  if (!response.ok || reply.errors?.length) {
    throw new Error(`GraphQL failed (HTTP ${response.status}): ${JSON.stringify(reply.errors)?.slice(0, 300)}`);
  }
  return reply.data!;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** Mutations (one every 20 ms after the last answer) and/or back-to-back lists for `seconds`, at the same time. */
async function run(
  ns: string,
  size: number,
  seconds: number,
  parts: { mutations: boolean; lists: boolean },
): Promise<{ mutations: number[]; lists: number[]; listsServed: number[]; loopMaxMs: number }> {
  // This process' own event-loop delay: a delivery it could not read in time is its lag, not the API's.
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const deadline = performance.now() + seconds * 1000;
  const mutations: number[] = [];
  const mutating = (async () => {
    for (let i = 0; parts.mutations && performance.now() < deadline; i++) {
      const name = `run-${Math.floor(Math.random() * size)}`;
      mutations.push(await timed(() => gql(LABEL_MUTATION, { ns, name, value: `m${i}` })));
      await sleep(20);
    }
  })();
  const lists: number[] = [];
  const listsServed: number[] = [];
  const listing = (async () => {
    while (parts.lists && (performance.now() < deadline || lists.length < 3)) {
      const start = performance.now();
      lists.push(
        await timed(async () => {
          const data = await gql(LIST_QUERY, { ns }, () => listsServed.push(performance.now() - start));
          const items = (data.pods as { items: unknown[] }).items.length;
          if (items !== size) throw new Error(`list returned ${items} pods, expected ${size}`);
        }),
      );
    }
  })();
  // Until the deadline at least, so that the watcher's loop delay covers the window too.
  await Promise.all([mutating, listing, sleep(Math.max(0, deadline - performance.now()))]);
  loop.disable();
  return { mutations, lists, listsServed, loopMaxMs: Math.round(loop.max / 1e5) / 10 };
}

let client: Client | undefined;

// Only as the forked clients process: bench/scale.ts imports this module for its types and SENT_ANNOTATION, and
// must not answer its own parent's messages or exit with it.
if (process.env.SCALE_GRAPHQL_URL && process.send) serve();

function serve(): void {
  process.on('message', (message: ToClients) => {
    if (message.type === 'subscribe') {
      const opened = createClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${token}` },
        lazy: false,
      });
      client = opened;
      let subscribed = false;
      const ready = () => {
        if (subscribed) return;
        subscribed = true;
        send({ type: 'subscribed' });
      };
      opened.on('connected', ready);
      opened.subscribe(
        { query: WATCH, variables: { ns: message.ns } },
        {
          next: (value) => {
            ready();
            const watch = (value.data as { watch?: { object?: { metadata?: { annotation?: string } } } })?.watch;
            const sent = Number(watch?.object?.metadata?.annotation);
            if (sent) send({ type: 'received', sent, latencyMs: nowMs() - sent });
          },
          error: (err: unknown) => send({ type: 'failed', message: `subscription: ${String(err)}` }),
          complete: () => undefined,
        },
      );
    } else if (message.type === 'run') {
      run(message.ns, message.size, message.seconds, message).then(
        (figures) => send({ type: 'ran', ...figures }),
        (err: unknown) => send({ type: 'failed', message: String(err) }),
      );
    } else {
      const closing = client?.dispose();
      client = undefined;
      void Promise.resolve(closing).then(() => send({ type: 'unsubscribed' }));
    }
  });
  // The parent's end is this process' end too.
  process.on('disconnect', () => process.exit(0));
}
