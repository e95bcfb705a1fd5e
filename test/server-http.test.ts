import { Writable } from 'node:stream';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createBootstrapToken, createToken, exchangeBootstrapToken } from '../src/auth/tokens.ts';
import { startApiServer, type ApiServer } from '../src/server/http-server.ts';
import { createLogger } from '../src/util/logger.ts';
import { edgeTestSchema } from './server-edge-schema.ts';
import { newTestStore, waitFor } from './support/store.ts';
import { newPod } from './support/fixtures.ts';

type TestStore = Awaited<ReturnType<typeof newTestStore>>;

let store: TestStore;
let api: ApiServer;
const logLines: string[] = [];
const tokens = { admin: '', viewer: '', node1: '' };

beforeAll(async () => {
  store = await newTestStore();
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ level: 'info' }, sink);
  api = await startApiServer({ store, port: 0, schema: edgeTestSchema, logger, maxDepth: 8 });
  tokens.admin = (await createToken(store, { role: 'admin' })).token;
  tokens.viewer = (await createToken(store, { role: 'viewer' })).token;
  tokens.node1 = (await createToken(store, { role: 'node', nodeName: 'n1' })).token;
  await store.create('Pod', newPod('on-n1', { nodeName: 'n1' }));
  await store.create('Pod', newPod('on-n2', { nodeName: 'n2' }));
});

afterAll(async () => {
  await api?.close();
  await store?.dispose();
});

interface GraphQLResponse {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
}

async function gql(
  query: string,
  {
    token,
    variables,
    headers = {},
  }: { token?: string; variables?: Record<string, unknown>; headers?: Record<string, string> } = {},
): Promise<GraphQLResponse> {
  const response = await fetch(api.graphqlUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as GraphQLResponse['body'],
  };
}

function firstError(res: GraphQLResponse): { message: string; code: unknown } {
  const error = res.body.errors?.[0];
  return { message: error?.message ?? '', code: error?.extensions?.['code'] };
}

describe('authentication and authorization over HTTP', () => {
  it('refuses a request without a token with 401 UNAUTHENTICATED and a Bearer challenge', async () => {
    const res = await gql('{ whoami }');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(firstError(res)).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringMatching(/Authorization: Bearer/),
    });
    expect(res.body.data ?? null).toBeNull();
  });

  it('refuses an unknown token', async () => {
    const res = await gql('{ whoami }', { token: 'zzzzzz.0123456789abcdefghijklmnopqrstuv' });
    expect(res.status).toBe(401);
    expect(firstError(res).message).toMatch(/unknown token "zzzzzz"/);
  });

  it('answers a valid token with its identity in the context', async () => {
    const res = await gql('{ whoami }', { token: tokens.node1 });
    expect(res.body).toEqual({ data: { whoami: 'node:n1' } });
  });

  it('refuses a viewer mutation as FORBIDDEN', async () => {
    const res = await gql('mutation { createPod(namespace: "default", name: "by-viewer") { name } }', {
      token: tokens.viewer,
    });
    expect(firstError(res)).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/read-only/) });
    expect(await store.tryGet('Pod', 'default', 'by-viewer')).toBeUndefined();
  });

  it("refuses a node updating another node's pod, and lets it update its own", async () => {
    const other = await gql(
      'mutation { setPodPhase(namespace: "default", name: "on-n2", phase: "Running") { phase } }',
      {
        token: tokens.node1,
      },
    );
    expect(firstError(other)).toEqual({
      code: 'FORBIDDEN',
      message: 'node n1 may not update the status of pod default/on-n2 bound to node n2',
    });
    const own = await gql('mutation { setPodPhase(namespace: "default", name: "on-n1", phase: "Running") { phase } }', {
      token: tokens.node1,
    });
    expect(own.body).toEqual({ data: { setPodPhase: { phase: 'Running' } } });
  });

  it('refuses an expired bootstrap token, and joins a node with a valid one', async () => {
    const expired = await createBootstrapToken(store);
    await store.mutate('Token', undefined, expired.name, (t) => ({
      ...t,
      spec: { ...t.spec!, expiresAt: new Date(Date.now() - 1000).toISOString() },
    }));
    const refused = await gql('mutation { joinNode(nodeName: "n9") }', { token: expired.token });
    expect(refused.status).toBe(401);
    expect(firstError(refused)).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringMatching(/expired at/),
    });

    const valid = await createBootstrapToken(store);
    const joined = await gql('mutation { joinNode(nodeName: "n9") }', { token: valid.token });
    const nodeToken = joined.body.data?.['joinNode'] as string;
    expect((await gql('{ whoami }', { token: nodeToken })).body.data).toEqual({ whoami: 'node:n9' });
    const readByBootstrap = await gql('{ pod(namespace: "default", name: "on-n1") { name } }', { token: valid.token });
    expect(firstError(readByBootstrap).code).toBe('FORBIDDEN');
  });
});

describe('request limits and error masking', () => {
  it('refuses a cross-site style request without a JSON content type or the CSRF header', async () => {
    const auth = { authorization: `Bearer ${tokens.admin}` };
    const get = await fetch(`${api.graphqlUrl}?query=${encodeURIComponent('{ whoami }')}`, { headers: auth });
    expect(get.status).toBe(403);
    expect(await get.text()).toMatch(/CSRF/);
    const form = await fetch(api.graphqlUrl, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/plain' },
      body: JSON.stringify({ query: 'mutation { noop }' }),
    });
    expect(form.status).toBe(403);
    const withHeader = await fetch(`${api.graphqlUrl}?query=${encodeURIComponent('{ whoami }')}`, {
      headers: { ...auth, 'x-capstan-csrf': '1' },
    });
    expect(await withHeader.json()).toEqual({ data: { whoami: 'admin:' } });
  });

  it('refuses a mutation sent with GET', async () => {
    const res = await fetch(`${api.graphqlUrl}?query=${encodeURIComponent('mutation { noop }')}`, {
      headers: { authorization: `Bearer ${tokens.admin}`, 'x-capstan-csrf': '1' },
    });
    expect(res.status).toBe(405);
  });

  it('answers an oversize body with 413', async () => {
    const res = await gql(`{ whoami } # ${'x'.repeat(3 * 1024 * 1024)}`, { token: tokens.admin });
    expect(res.status).toBe(413);
  });

  it('refuses a query nested deeper than the limit', async () => {
    const deep = `{ nested ${'{ child '.repeat(10)}{ value }${' }'.repeat(10)} }`;
    const res = await gql(deep, { token: tokens.admin });
    expect(firstError(res).message).toMatch(/Query depth limit of 8 exceeded/);
    expect(res.body.data ?? null).toBeNull();
    const shallow = await gql('{ nested { child { value } } }', { token: tokens.admin });
    expect(shallow.body).toEqual({ data: { nested: { child: { value: 'v' } } } });
  });

  it('refuses too many aliases', async () => {
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: whoami`).join(' ');
    const res = await gql(`{ ${aliases} }`, { token: tokens.admin });
    expect(firstError(res).message).toMatch(/Aliases limit/);
  });

  it('masks an internal error for the client and logs the detail with the request id', async () => {
    const res = await gql('{ boom }', { token: tokens.admin, headers: { 'x-request-id': 'req-boom-1' } });
    expect(firstError(res)).toEqual({ code: 'INTERNAL_SERVER_ERROR', message: 'Unexpected error.' });
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
    expect(res.headers.get('x-request-id')).toBe('req-boom-1');
    const detail = await waitFor(() => logLines.find((line) => line.includes('hunter2')), {
      message: 'the error log line',
    });
    expect(JSON.parse(detail)).toMatchObject({ requestId: 'req-boom-1', level: 50 });
    const summary = logLines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l['msg'] === 'graphql request failed');
    expect(summary).toMatchObject({
      requestId: 'req-boom-1',
      errorCode: 'INTERNAL_SERVER_ERROR',
      operationType: 'query',
    });
  });
});

describe('probes, metrics and GraphiQL', () => {
  it('answers /healthz, /readyz and /metrics without a token on loopback', async () => {
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
    const metrics = await fetch(`${api.url}/metrics`);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toMatch(/capstan_api_requests_total\{operation_type="query",transport="http",outcome="ok"\} \d+/);
    expect(text).toMatch(
      /capstan_api_requests_total\{operation_type="mutation",transport="http",outcome="FORBIDDEN"\} \d+/,
    );
    expect(text).toContain('capstan_api_request_duration_seconds_bucket');
    expect(text).toContain('capstan_process_cpu_user_seconds_total');
  });

  it('serves GraphiQL to a browser with every asset inlined', async () => {
    const res = await fetch(api.graphqlUrl, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('YogaGraphiQL');
    expect(html).toContain('Capstan GraphiQL');
    expect(html).toContain('"additionalHeaders":{"x-capstan-csrf":"1"}');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href="https?:/);
    expect(html).not.toMatch(/unpkg\.com|jsdelivr|esm\.sh/);
  });
});

describe('subscriptions', () => {
  it('streams pod events over graphql-ws', async () => {
    const since = await store.currentResourceVersion();
    const client = createWsClient({
      url: api.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${tokens.viewer}` },
      retryAttempts: 0,
    });
    try {
      const events = client.iterate<{ podEvents: { type: string; name: string } }>({
        query: `subscription { podEvents(namespace: "default", since: "${since}") { type name } }`,
      });
      await store.create('Pod', newPod('ws-1'));
      const first = await events.next();
      expect(first.value?.data?.podEvents).toEqual({ type: 'ADDED', name: 'ws-1' });
      await events.return?.();
    } finally {
      await client.dispose();
    }
  });

  it('closes a graphql-ws connection without a valid token with 4401', async () => {
    let resolveClosed: (event: { code: number; reason: string }) => void = () => {};
    const closed = new Promise<{ code: number; reason: string }>((resolve) => (resolveClosed = resolve));
    const client = createWsClient({
      url: api.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: 'Bearer zzzzzz.0123456789abcdefghijklmnopqrstuv' },
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => {},
      on: { closed: (event) => resolveClosed(event as { code: number; reason: string }) },
    });
    try {
      const { code, reason } = await closed;
      expect(code).toBe(4401);
      expect(reason).toMatch(/UNAUTHENTICATED: unknown token/);
    } finally {
      await client.dispose();
    }
  });

  it('streams pod events over SSE (graphql-sse protocol)', async () => {
    const since = await store.currentResourceVersion();
    const client = createSseClient({ url: api.graphqlUrl, headers: { authorization: `Bearer ${tokens.node1}` } });
    try {
      const events = client.iterate<{ podEvents: { type: string; name: string } }>({
        query: `subscription { podEvents(namespace: "default", since: "${since}") { type name } }`,
      });
      await store.create('Pod', newPod('sse-1'));
      const first = await events.next();
      expect(first.value?.data?.podEvents).toEqual({ type: 'ADDED', name: 'sse-1' });
      await events.return?.();
    } finally {
      client.dispose();
    }
  });

  it('streams over SSE on a GET with the CSRF header, as GraphiQL subscribes', async () => {
    const since = await store.currentResourceVersion();
    const query = `subscription { podEvents(namespace: "default", since: "${since}") { type name } }`;
    const url = `${api.graphqlUrl}?query=${encodeURIComponent(query)}`;
    const headers = { accept: 'text/event-stream', authorization: `Bearer ${tokens.viewer}` };
    const refused = await fetch(url, { headers });
    expect(refused.status).toBe(403);
    const abort = new AbortController();
    const res = await fetch(url, { headers: { ...headers, 'x-capstan-csrf': '1' }, signal: abort.signal });
    try {
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      await store.create('Pod', newPod('graphiql-1'));
      const reader = res.body!.getReader();
      let text = '';
      while (!text.includes('graphiql-1')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      expect(text).toMatch(/event: next\ndata: {"data":{"podEvents":{"type":"ADDED","name":"graphiql-1"}}}/);
    } finally {
      abort.abort();
    }
  });

  it('refuses an SSE subscription without a token', async () => {
    const client = createSseClient({ url: api.graphqlUrl, retryAttempts: 0 });
    try {
      const events = client.iterate({ query: 'subscription { podEvents(namespace: "default") { type } }' });
      await expect(events.next()).rejects.toThrow(/401|UNAUTHENTICATED|authentication required/);
    } finally {
      client.dispose();
    }
  });
});

describe('node credentials from the join exchange', () => {
  it('acts only as the joined node', async () => {
    const bootstrap = await createBootstrapToken(store);
    const { token } = await exchangeBootstrapToken(store, bootstrap.token, 'n2');
    const res = await gql('mutation { setPodPhase(namespace: "default", name: "on-n1", phase: "Failed") { phase } }', {
      token,
    });
    expect(firstError(res).message).toBe('node n2 may not update the status of pod default/on-n1 bound to node n1');
  });
});
