import { createClient, type Client } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Pod } from '../src/api/types.ts';
import { createToken } from '../src/auth/tokens.ts';
import type { LogLine, LogSource, LogStreamOptions } from '../src/resolvers/logs.ts';
import { startApiServer, type ApiServer } from '../src/server/http-server.ts';
import { createCapstanYoga, type CapstanYoga } from '../src/server/yoga.ts';
import { DEFAULT_LIMITS } from '../src/util/limits.ts';
import { createLogger } from '../src/util/logger.ts';
import { registry } from '../src/util/metrics.ts';
import { newTestStore } from './support/store.ts';

type TestStore = Awaited<ReturnType<typeof newTestStore>>;
type Result = { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };

const silent = createLogger({ level: 'silent' });
const WATCH = 'subscription { watch(kind: Namespace) { type } }';

async function rejections(limit: string): Promise<number> {
  const metric = await registry.getSingleMetric('capstan_limit_rejections_total')?.get();
  return metric?.values.find((v) => v.labels['limit'] === limit)?.value ?? 0;
}

/** Subscribes over graphql-ws; resolves with the first message (a result or the error that refused it). */
function firstMessage(client: Client, query: string): { first: Promise<Result>; stop: () => void } {
  let stop = (): void => undefined;
  const first = new Promise<Result>((resolve, reject) => {
    stop = client.subscribe(
      { query },
      {
        next: (value) => resolve(value as Result),
        error: (err) => (Array.isArray(err) ? resolve({ errors: err as Result['errors'] }) : reject(err)),
        complete: () => undefined,
      },
    );
  });
  return { first, stop };
}

describe('subscription limits over graphql-ws (real server and WebSocket)', () => {
  let store: TestStore;
  let server: ApiServer;
  let token: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    store = await newTestStore();
    // Default limits: what `capstan up` runs with.
    server = await startApiServer({ store, port: 0, logger: silent });
    token = (await createToken(store, { role: 'admin', description: 'limits test' })).token;
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await server?.close();
    await store?.dispose();
  });

  function connect(): Client {
    const client = createClient({
      url: server.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      lazy: false,
    });
    clients.push(client);
    return client;
  }

  it(`refuses subscription ${DEFAULT_LIMITS.subscriptionsPerConnection + 1} on one connection with TOO_MANY_REQUESTS`, async () => {
    const client = connect();
    const max = DEFAULT_LIMITS.subscriptionsPerConnection;
    const open = Array.from({ length: max }, () => firstMessage(client, WATCH));
    const results = await Promise.all(open.map((s) => s.first));
    expect(results.every((r) => !r.errors)).toBe(true);
    const before = await rejections('subscriptionsPerConnection');

    const refused = await firstMessage(client, WATCH).first;
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      limit: { limit: 'subscriptionsPerConnection', max, setting: 'CAPSTAN_MAX_SUBSCRIPTIONS_PER_CONNECTION' },
    });
    expect(refused.errors?.[0]?.message).toContain('CAPSTAN_MAX_SUBSCRIPTIONS_PER_CONNECTION');
    expect(await rejections('subscriptionsPerConnection')).toBe(before + 1);

    // Another connection of the same token is not affected, and closing one frees its place.
    const other = await firstMessage(connect(), WATCH).first;
    expect(other.errors).toBeUndefined();
    open[0]!.stop();
    const deadline = Date.now() + 5000;
    let again: Result;
    do {
      again = await firstMessage(client, WATCH).first;
    } while (again.errors && Date.now() < deadline);
    expect(again.errors).toBeUndefined();
  });
});

/** A log source whose streams stay open until closed, as a followed container that prints nothing. */
class QuietLogSource implements LogSource {
  open = 0;
  stream(_pod: Pod, options: LogStreamOptions): AsyncIterable<LogLine> {
    this.open++;
    let closed = false;
    let sent = false;
    let wake: (() => void) | undefined;
    const close = (): IteratorResult<LogLine> => {
      if (!closed) this.open--;
      closed = true;
      wake?.();
      return { done: true, value: undefined };
    };
    const line = (text: string): IteratorResult<LogLine> => ({
      done: false,
      value: { container: options.container, text },
    });
    const iterator: AsyncIterator<LogLine> = {
      next: async () => {
        if (closed) return close();
        if (sent && options.follow) {
          // A followed container that prints nothing more: wait until the stream is closed.
          await new Promise<void>((resolve) => (wake = resolve));
          return close();
        }
        if (sent) return close();
        sent = true;
        return line(options.follow ? 'started' : 'old line');
      },
      return: async () => close(),
    };
    return { [Symbol.asyncIterator]: () => iterator };
  }
}

describe('subscription, log-follow and node-event limits over HTTP (yoga in process, real Redis)', () => {
  let store: TestStore;
  let yoga: CapstanYoga;
  let admin: string;
  let viewer: string;
  let node: string;
  const logs = new QuietLogSource();
  const streams: ReadableStreamDefaultReader<string>[] = [];

  beforeAll(async () => {
    store = await newTestStore();
    yoga = createCapstanYoga({
      store,
      logger: silent,
      contextExtras: { logSource: logs },
      limits: { subscriptionsPerToken: 4, logFollowsPerToken: 2, eventsPerNodePerMinute: 5 },
    });
    admin = (await createToken(store, { role: 'admin', description: 'limits admin' })).token;
    viewer = (await createToken(store, { role: 'viewer', description: 'limits viewer' })).token;
    node = (await createToken(store, { role: 'node', nodeName: 'limits-node', description: 'limits node' })).token;
    await store.create('Pod', {
      kind: 'Pod',
      metadata: { name: 'quiet', namespace: 'default' },
      spec: { containers: [{ name: 'main', image: 'capstan/hello' }] },
    });
  });

  afterEach(async () => {
    await Promise.all(streams.splice(0).map((r) => r.cancel().catch(() => undefined)));
  });

  afterAll(async () => {
    await yoga?.dispose?.();
    await store?.dispose();
  });

  /** Opens an SSE subscription and returns its first event's payload; the stream stays open until afterEach. */
  async function sse(query: string, token: string): Promise<Result> {
    const response = await yoga.fetch('http://capstan.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    streams.push(reader);
    let buffer = '';
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) throw new Error(`stream ended before an event: ${buffer}`);
      buffer += chunk.value;
      const data = /^data: (.*)$/m.exec(buffer)?.[1];
      if (data && buffer.includes('\n\n')) return JSON.parse(data) as Result;
    }
  }

  async function gql(query: string, variables: Record<string, unknown>, token: string): Promise<Result> {
    const response = await yoga.fetch('http://capstan.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as Result;
  }

  it("counts a token's SSE subscriptions and refuses the one past subscriptionsPerToken", async () => {
    for (let i = 0; i < 4; i++) expect((await sse(WATCH, admin)).errors).toBeUndefined();
    const refused = await sse(WATCH, admin);
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      limit: { limit: 'subscriptionsPerToken', max: 4, setting: 'CAPSTAN_MAX_SUBSCRIPTIONS_PER_TOKEN' },
    });
    // Another token has its own count.
    expect((await sse(WATCH, viewer)).errors).toBeUndefined();
  });

  it("frees a subscription's place when its stream closes", async () => {
    for (let i = 0; i < 4; i++) expect((await sse(WATCH, admin)).errors).toBeUndefined();
    await streams.shift()!.cancel();
    const deadline = Date.now() + 5000;
    let result: Result;
    do result = await sse(WATCH, admin);
    while (result.errors && Date.now() < deadline);
    expect(result.errors).toBeUndefined();
  });

  it('allows logFollowsPerToken followed logs per token; the next gets TOO_MANY_REQUESTS, closing one frees it', async () => {
    const follow = 'subscription { podLogs(name: "quiet", follow: true) { text } }';
    const before = await rejections('logFollowsPerToken');
    expect((await sse(follow, viewer)).errors).toBeUndefined();
    expect((await sse(follow, viewer)).errors).toBeUndefined();
    expect(logs.open).toBe(2);
    const refused = await sse(follow, viewer);
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      limit: { limit: 'logFollowsPerToken', max: 2 },
    });
    expect(logs.open).toBe(2); // the refused one never opened a stream
    expect(await rejections('logFollowsPerToken')).toBe(before + 1);
    // Reading without follow is not limited.
    expect((await sse('subscription { podLogs(name: "quiet") { text } }', viewer)).errors).toBeUndefined();

    await streams.shift()!.cancel();
    const deadline = Date.now() + 5000;
    while (logs.open > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect((await sse(follow, viewer)).errors).toBeUndefined();
  });

  it('lets a node credential create eventsPerNodePerMinute events a minute, then TOO_MANY_REQUESTS; admins are not limited', async () => {
    const create = `mutation ($e: EventInput!) { createEvent(event: $e) { metadata { name } } }`;
    const event = (i: number) => ({
      metadata: { name: `flood.${i}`, namespace: 'default' },
      involvedObject: { kind: 'Node', name: 'limits-node' },
      reason: 'Flood',
      message: `event ${i}`,
      type: 'Normal',
    });
    for (let i = 0; i < 5; i++) expect((await gql(create, { e: event(i) }, node)).errors).toBeUndefined();
    const refused = await gql(create, { e: event(5) }, node);
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      limit: { limit: 'eventsPerNodePerMinute', max: 5, setting: 'CAPSTAN_MAX_EVENTS_PER_NODE_PER_MINUTE' },
    });
    expect(await store.tryGet('Event', 'default', 'flood.5')).toBeUndefined();
    expect((await gql(create, { e: event(6) }, admin)).errors).toBeUndefined();
  });
});
