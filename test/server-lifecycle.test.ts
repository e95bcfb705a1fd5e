import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as GraphQLModule from 'graphql';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createBootstrapToken, createToken } from '../src/auth/tokens.ts';
import { schema as capstanSchema } from '../src/schema/index.ts';
import { startApiServer } from '../src/server/http-server.ts';
import { DEFAULT_LIMITS, createCapstanYoga } from '../src/server/yoga.ts';
import type { Store } from '../src/store/store.ts';
import { createLogger } from '../src/util/logger.ts';
import { activeSubscriptions } from '../src/util/metrics.ts';
import { edgeTestSchema } from './server-edge-schema.ts';
import { newTestStore, waitFor } from './support/store.ts';

type TestStore = Awaited<ReturnType<typeof newTestStore>>;
let store: TestStore;
const logger = createLogger({ level: 'silent' });

beforeAll(async () => {
  store = await newTestStore();
});
afterAll(async () => {
  await store.dispose();
});

async function openSubscriptions(): Promise<number> {
  const metric = await activeSubscriptions.get();
  return metric.values.reduce((sum, v) => sum + v.value, 0);
}

describe('probes', () => {
  it('reports not ready (503) when the store does not answer', async () => {
    const unreachable = {
      currentResourceVersion: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')),
    } as unknown as Store;
    const yoga = createCapstanYoga({ store: unreachable, schema: edgeTestSchema, logger });
    const res = await yoga.fetch('http://capstan.test/readyz');
    expect(res.status).toBe(503);
    expect(await res.text()).toBe('store unreachable\n');
    expect((await yoga.fetch('http://capstan.test/healthz')).status).toBe(200);
  });

  it('asks clients from other addresses for a token that may read before serving /metrics', async () => {
    const yoga = createCapstanYoga({ store, schema: edgeTestSchema, logger });
    const anonymous = await yoga.fetch('http://capstan.test/metrics');
    expect(anonymous.status).toBe(401);
    const viewer = await createToken(store, { role: 'viewer' });
    const allowed = await yoga.fetch('http://capstan.test/metrics', {
      headers: { authorization: `Bearer ${viewer.token}` },
    });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain('capstan_store_operations_total');
    const bootstrap = await createBootstrapToken(store);
    const refused = await yoga.fetch('http://capstan.test/metrics', {
      headers: { authorization: `Bearer ${bootstrap.token}` },
    });
    expect(refused.status).toBe(403);
  });
});

describe('default limits', () => {
  it('accept every operation the SDK ships', () => {
    const dir = new URL('../src/sdk/operations/', import.meta.url);
    const documents = ['fragments', 'objects', 'queries', 'subscriptions', 'verbs'].map((name) =>
      readFileSync(new URL(`${name}.graphql`, dir), 'utf8'),
    );
    const rejected: string[] = [];
    const onReject = [(_: unknown, error: { message: string }) => rejected.push(error.message)];
    // graphql's CommonJS build, the copy the schema was built with (see server-edge-schema.ts).
    const { parse, validate } = createRequire(import.meta.url)('graphql') as typeof GraphQLModule;
    validate(capstanSchema, parse(documents.join('\n')), [
      maxDepthRule({ n: DEFAULT_LIMITS.maxDepth, flattenFragments: true, onReject, propagateOnRejection: false }),
      costLimitRule({ maxCost: DEFAULT_LIMITS.maxCost, onReject, propagateOnRejection: false }),
    ]);
    expect(rejected).toEqual([]);
  });
});

describe('graceful close', () => {
  it('ends graphql-ws and SSE subscriptions and closes the server', async () => {
    const api = await startApiServer({ store, port: 0, schema: edgeTestSchema, logger });
    const { token } = await createToken(store, { role: 'viewer' });
    const before = await openSubscriptions();
    const query = 'subscription { podEvents(namespace: "default") { type name } }';
    const ws = createWsClient({
      url: api.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    const sse = createSseClient({
      url: api.graphqlUrl,
      headers: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    try {
      const wsEvents = ws.iterate({ query });
      const sseEvents = sse.iterate({ query });
      const wsEnd = wsEvents.next().then(
        (r) => (r.done ? 'done' : 'event'),
        () => 'error',
      );
      const sseEnd = sseEvents.next().then(
        (r) => (r.done ? 'done' : 'event'),
        () => 'error',
      );
      await waitFor(async () => (await openSubscriptions()) === before + 2, { message: 'both subscriptions open' });
      const started = Date.now();
      await api.close();
      expect(Date.now() - started).toBeLessThan(4_000);
      expect(await wsEnd).not.toBe('event');
      expect(await sseEnd).not.toBe('event');
      await waitFor(async () => (await openSubscriptions()) === before, { message: 'subscriptions ended' });
      await expect(fetch(`${api.url}/healthz`)).rejects.toThrow();
    } finally {
      await ws.dispose();
      sse.dispose();
      await api.close();
    }
  });
});

describe('start-up', () => {
  it('refuses a port in use with an error naming the address and the setting, and without a stray message', async () => {
    const first = await startApiServer({ store, port: 0, logger, readCache: false });
    const port = Number(new URL(first.url).port);
    const printed: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void printed.push(args);
    try {
      await expect(startApiServer({ store, port, logger, readCache: false })).rejects.toMatchObject({
        code: 'UNAVAILABLE',
        message: expect.stringMatching(new RegExp(`127\\.0\\.0\\.1:${port}: the address is in use.*CAPSTAN_PORT`)),
      });
    } finally {
      console.error = original;
      await first.close();
    }
    // graphql-ws reports a WebSocket server's error on the console; none may come from a listen that failed.
    expect(printed).toEqual([]);
  });
});
