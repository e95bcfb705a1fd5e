import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../src/auth/tokens.ts';
import { startApiServer, type ApiServer } from '../src/server/http-server.ts';
import { createLogger } from '../src/util/logger.ts';
import { newPod } from './support/fixtures.ts';
import { newTestStore } from './support/store.ts';

type TestStore = Awaited<ReturnType<typeof newTestStore>>;

let store: TestStore;
let api: ApiServer;
let token = '';
const PODS = 1_300; // longer than two slices of 512

const LIST = `query($ns: String) { pods(namespace: $ns) {
  items { metadata { name namespace labels { key value } } status { phase } ready displayStatus restarts }
} }`;

beforeAll(async () => {
  store = await newTestStore();
  api = await startApiServer({ store, port: 0, logger: createLogger({ level: 'silent' }) });
  token = (await createToken(store, { role: 'admin' })).token;
  for (let i = 0; i < PODS; i += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, PODS - i) }, (_, j) =>
        store.create(
          'Pod',
          newPod(`long-${String(i + j).padStart(4, '0')}`, { labels: { app: 'long', n: `${i + j}` } }),
        ),
      ),
    );
  }
});

afterAll(async () => {
  await api?.close();
  await store?.dispose();
});

async function post(query: string, variables: object, accept: string) {
  const response = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept, authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe('a long list over HTTP', () => {
  it('arrives whole and in order, streamed (chunked) rather than as one body, for both JSON media types', async () => {
    for (const accept of ['application/json', 'application/graphql-response+json']) {
      const { status, headers, text } = await post(LIST, { ns: 'default' }, accept);
      expect(status).toBe(200);
      expect(headers.get('content-type')).toBe(`${accept}; charset=utf-8`);
      expect(headers.get('transfer-encoding')).toBe('chunked');
      const items = (
        JSON.parse(text) as { data: { pods: { items: { metadata: { name: string; labels: unknown[] } }[] } } }
      ).data.pods.items;
      expect(items).toHaveLength(PODS);
      expect(items.map((p) => p.metadata.name)).toEqual(
        Array.from({ length: PODS }, (_, i) => `long-${String(i).padStart(4, '0')}`),
      );
      expect(items[7]!.metadata.labels).toContainEqual({ key: 'n', value: '7' });
    }
  });

  it('keeps a short answer, and an answer with errors, as one body with its length', async () => {
    const short = await post(
      `{ pods(namespace: "kube-system") { items { metadata { name } } } }`,
      {},
      'application/json',
    );
    expect(short.status).toBe(200);
    expect(short.headers.get('content-length')).toBe(String(Buffer.byteLength(short.text)));
    const failed = await post(
      `{ pod(namespace: "default", name: "absent") { metadata { name } } }`,
      {},
      'application/json',
    );
    expect(JSON.parse(failed.text).errors[0].extensions.code).toBe('NOT_FOUND');
    expect(failed.headers.get('content-length')).toBe(String(Buffer.byteLength(failed.text)));
  });
});
