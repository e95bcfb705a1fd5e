import { randomBytes } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createToken } from '../src/auth/tokens.ts';
import { startApiServer, type ApiServer } from '../src/server/http-server.ts';
import { createRedisStore, type RedisStore } from '../src/store/redis-store.ts';
import type { Watch } from '../src/store/store.ts';
import { createLogger } from '../src/util/logger.ts';
import { newPod } from './support/fixtures.ts';
import { deletePrefix, REDIS_URL, uniquePrefix, waitFor } from './support/store.ts';

const SUBSCRIBERS = 1000;
const CONNECTIONS = 4;
const NAMESPACE = 'fanout';
const WATCH = `subscription Fanout($ns: String) {
  watch(kind: Pod, namespace: $ns) { type object { metadata { name } } }
}`;

/** A store whose `watch` calls are counted while open, so the test sees the API release them on unsubscribe. */
function countingWatches(store: RedisStore): { store: RedisStore; open(): number } {
  let open = 0;
  const counted = new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (property !== 'watch') return typeof value === 'function' ? value.bind(target) : value;
      return (...args: Parameters<RedisStore['watch']>) => {
        const watch = target.watch(...args) as Watch<unknown>;
        open++;
        let released = false;
        const release = () => {
          if (!released) open--;
          released = true;
        };
        return {
          close() {
            release();
            watch.close();
          },
          [Symbol.asyncIterator]() {
            const events = watch[Symbol.asyncIterator]();
            return {
              next: () => events.next(),
              return: async () => {
                release();
                return (await events.return?.()) ?? { done: true, value: undefined };
              },
            };
          },
        };
      };
    },
  });
  return { store: counted, open: () => open };
}

interface Subscriber {
  bookmarked: boolean;
  seen: Set<string>;
  errors: unknown[];
  unsubscribe: () => void;
}

describe('subscription fan-out', () => {
  const connectionName = `capstan-test-fanout-${randomBytes(4).toString('hex')}`;
  const prefix = uniquePrefix('fanout');
  let store: RedisStore;
  let watches: { store: RedisStore; open(): number };
  let server: ApiServer;
  let clients: Client[] = [];
  let token: string;

  beforeAll(async () => {
    // ioredis takes options from the URL's query; the stream reader is a duplicate() and inherits the name, so
    // CLIENT LIST shows exactly this store's connections even while other test files use the same Redis.
    const url = new URL(REDIS_URL);
    url.searchParams.set('connectionName', connectionName);
    store = await createRedisStore({ url: url.toString(), prefix });
    watches = countingWatches(store);
    // 250 subscriptions per connection: beyond the default limit of a client, which this test is not about.
    server = await startApiServer({
      store: watches.store,
      port: 0,
      logger: createLogger({ level: 'silent' }),
      limits: { subscriptionsPerConnection: SUBSCRIBERS, subscriptionsPerToken: 2 * SUBSCRIBERS },
    });
    token = (await createToken(store, { role: 'admin', description: 'fan-out test' })).token;
    await store.create('Namespace', { kind: 'Namespace', metadata: { name: NAMESPACE }, spec: {} });
    clients = Array.from({ length: CONNECTIONS }, () =>
      createClient({
        url: server.wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${token}` },
        retryAttempts: 0,
      }),
    );
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await server?.close();
    await store?.close();
    await deletePrefix(prefix);
  });

  async function storeConnections(): Promise<number> {
    const list = String(await store.redis.call('CLIENT', 'LIST'));
    return list.split('\n').filter((line) => line.includes(` name=${connectionName} `)).length;
  }

  function subscribe(index: number): Subscriber {
    const subscriber: Subscriber = { bookmarked: false, seen: new Set(), errors: [], unsubscribe: () => undefined };
    type Event = { watch: { type: string; object: { metadata: { name: string } } | null } };
    subscriber.unsubscribe = clients[index % CONNECTIONS]!.subscribe<Event>(
      { query: WATCH, variables: { ns: NAMESPACE } },
      {
        next: ({ data, errors }) => {
          if (errors) subscriber.errors.push(...errors);
          if (data?.watch.type === 'BOOKMARK') subscriber.bookmarked = true;
          const name = data?.watch.object?.metadata.name;
          if (name) subscriber.seen.add(name);
        },
        error: (err) => subscriber.errors.push(err),
        complete: () => undefined,
      },
    );
    return subscriber;
  }

  it('delivers one change to 1,000 subscribers over the same Redis connections as one subscriber', async () => {
    const first = subscribe(0);
    await waitFor(() => first.bookmarked, { message: 'the first subscription to start' });
    // The stream reader connects on the first watch; once a change has reached the subscriber, it is connected.
    await store.create('Pod', newPod('probe', { namespace: NAMESPACE }));
    await waitFor(() => first.seen.has('probe'), { message: 'the probe change to reach the first subscriber' });
    const withOne = await storeConnections();
    expect(withOne).toBeGreaterThanOrEqual(1);
    // The API server's own watches (tokens and nodes, to close revoked sessions) besides the first subscriber's.
    const ownWatches = watches.open() - 1;

    const subscribers = [first, ...Array.from({ length: SUBSCRIBERS - 1 }, (_, i) => subscribe(i + 1))];
    await waitFor(() => subscribers.every((s) => s.bookmarked), {
      timeoutMs: 15_000,
      message: `all ${SUBSCRIBERS} subscriptions to start`,
    });
    expect(watches.open()).toBe(ownWatches + SUBSCRIBERS);
    expect(await storeConnections()).toBe(withOne);

    await store.create('Pod', newPod('change', { namespace: NAMESPACE }));
    await waitFor(() => subscribers.every((s) => s.seen.has('change')), {
      timeoutMs: 10_000,
      message: `the change to reach all ${SUBSCRIBERS} subscribers`,
    });
    expect(subscribers.flatMap((s) => s.errors)).toEqual([]);
    expect(await storeConnections()).toBe(withOne);

    for (const subscriber of subscribers) subscriber.unsubscribe();
    await waitFor(() => watches.open() === ownWatches, {
      message: "every subscriber's store watch to be closed after unsubscribing",
    });
  });

  it('sends each subscription its own id with the shared payload, whatever characters the id holds', async () => {
    // A raw graphql-transport-ws client, to see the frames as sent: the payload of one change is serialised once
    // for every subscription of the same operation and put into each one's message.
    const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws');
    const messages: { id?: string; type: string; payload?: unknown }[] = [];
    const raw: string[] = [];
    socket.on('message', (data) => {
      raw.push(String(data));
      messages.push(JSON.parse(String(data)) as (typeof messages)[number]);
    });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
    await waitFor(() => messages.some((m) => m.type === 'connection_ack'), { message: 'connection_ack' });
    const ids = ['plain', 'a"quote\\back,"payload":"x"}', 'ünï\u2028code', '{"id":"nested"}'];
    const subscribeTo = (id: string, query: string) =>
      socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables: { ns: NAMESPACE } } }));
    for (const id of ids) subscribeTo(id, WATCH);
    // Another operation: its payload is its own, not the watch's.
    subscribeTo(
      'names',
      'subscription Names($ns: String) { watch(kind: Pod, namespace: $ns) { object { metadata { name namespace } } } }',
    );
    const bookmarked = (id: string) =>
      messages.some((m) => m.id === id && JSON.stringify(m.payload).includes('"BOOKMARK"'));
    await waitFor(() => ids.every(bookmarked), { message: 'every subscription to start' });
    await waitFor(() => messages.filter((m) => m.id === 'names').length >= 2, {
      message: 'the other operation to start',
    });

    await store.create('Pod', newPod('shared-payload', { namespace: NAMESPACE }));
    const forChange = (id: string) =>
      messages.filter((m) => m.id === id && JSON.stringify(m.payload).includes('shared-payload'));
    await waitFor(() => [...ids, 'names'].every((id) => forChange(id).length === 1), {
      message: 'the change to reach every subscription',
    });
    for (const id of ids) {
      expect(forChange(id)[0]).toEqual({
        id,
        type: 'next',
        payload: { data: { watch: { type: 'ADDED', object: { metadata: { name: 'shared-payload' } } } } },
      });
    }
    expect(forChange('names')[0]!.payload).toEqual({
      data: { watch: { object: { metadata: { name: 'shared-payload', namespace: NAMESPACE } } } },
    });
    // Nothing of the mechanism shows on the wire.
    expect(raw.filter((frame) => frame.includes('capstan-serialised-payload'))).toEqual([]);
    socket.close();
  });
});
