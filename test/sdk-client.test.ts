import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../src/auth/tokens.ts';
import { startApiServer, type ApiServer } from '../src/server/http-server.ts';
import {
  CapstanClientError,
  createCapstanClient,
  GetPodDocument,
  ListNamespacesDocument,
  RunDocument,
  WatchPodsDocument,
  type CapstanClient,
} from '../src/sdk/index.ts';
import { createLogger } from '../src/util/logger.ts';
import { newTestStore } from './support/store.ts';

type TestStore = Awaited<ReturnType<typeof newTestStore>>;
let store: TestStore;
let api: ApiServer;
let token: string;
const clients: CapstanClient[] = [];

function client(options: { token?: string; subscriptionTransport?: 'ws' | 'sse'; url?: string } = {}): CapstanClient {
  const created = createCapstanClient({ url: api.url, token, ...options });
  clients.push(created);
  return created;
}

async function failure(promise: Promise<unknown>): Promise<CapstanClientError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof CapstanClientError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  store = await newTestStore();
  api = await startApiServer({ store, port: 0, logger: createLogger({ level: 'silent' }) });
  token = (await createToken(store, { role: 'admin', description: 'sdk test' })).token;
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await api?.close();
  await store?.dispose();
});

describe('the SDK client', () => {
  it('runs typed queries and mutations with the token', async () => {
    const { namespaces } = await client().request(ListNamespacesDocument, {});
    expect(namespaces.items.map((n) => n.metadata.name)).toContain('default');
    const { run } = await client().request(RunDocument, { namespace: 'default', name: 'sdk', image: 'capstan/hello' });
    expect(run.metadata.name).toBe('sdk');
  });

  it('turns GraphQL errors into CapstanClientError with the server code', async () => {
    const err = await failure(client().request(GetPodDocument, { namespace: 'default', name: 'missing' }));
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toMatch(/missing/);
    const invalid = await failure(
      client().request(RunDocument, { namespace: 'default', name: 'Bad_Name', image: 'x' }),
    );
    expect(invalid.code).toBe('BAD_USER_INPUT');
  });

  it('reports a refused token and an unreachable server with their own codes', async () => {
    const refused = await failure(client({ token: 'abcdef.0123456789abcdef' }).request(ListNamespacesDocument, {}));
    expect(refused.code).toBe('UNAUTHENTICATED');
    const unreachable = await failure(client({ url: 'http://127.0.0.1:59998' }).request(ListNamespacesDocument, {}));
    expect(unreachable.code).toBe('UNREACHABLE');
  });

  it.each(['ws', 'sse'] as const)('streams a watch over %s', async (subscriptionTransport) => {
    const name = `watched-${subscriptionTransport}`;
    const watch = client({ subscriptionTransport }).subscribe(WatchPodsDocument, {
      namespace: 'default',
      labelSelector: `transport=${subscriptionTransport}`,
    });
    const first = await watch.next();
    expect(first.value?.watch.type).toBe('BOOKMARK');
    await store.create('Pod', {
      kind: 'Pod',
      metadata: { name, namespace: 'default', labels: { transport: subscriptionTransport } },
      spec: { containers: [{ name: 'c', image: 'capstan/hello' }] },
    });
    const added = await watch.next();
    expect(added.value?.watch).toMatchObject({ type: 'ADDED', object: { metadata: { name } } });
    await watch.close();
    expect((await watch.next()).done).toBe(true);
  });

  it('ends a subscription refused for its token with UNAUTHENTICATED', async () => {
    const watch = client({ token: 'abcdef.0123456789abcdef' }).subscribe(WatchPodsDocument, {});
    const err = await failure(watch.next());
    expect(err.code).toBe('UNAUTHENTICATED');
  });
});
