import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBootstrapToken, createToken } from '../src/auth/tokens.ts';
import * as sdk from '../src/sdk/index.ts';
import { startApiServer, type ApiServer } from '../src/server/http-server.ts';
import { createLogger } from '../src/util/logger.ts';
import { newTestStore } from './support/store.ts';

// `capstan token list|delete`, and what deleting or expiring a token does to the WebSocket and SSE sessions opened
// with it: a real API server on Redis, real graphql-ws and graphql-sse clients.

const run = promisify(execFile);
const CAPSTAN = new URL('../bin/capstan.mjs', import.meta.url).pathname;

let store: Awaited<ReturnType<typeof newTestStore>>;
let api: ApiServer;
let adminToken: string;
let admin: sdk.CapstanClient;

beforeAll(async () => {
  store = await newTestStore();
  ({ token: adminToken } = await createToken(store, { role: 'admin', description: 'revocation test' }));
  api = await startApiServer({ store, port: 0, logger: createLogger({ level: 'silent' }) });
  admin = sdk.createCapstanClient({ url: api.url, token: adminToken });
}, 30_000);

afterAll(async () => {
  await admin?.close();
  await api?.close();
  await store?.dispose();
});

function capstan(args: string[]) {
  return run(process.execPath, [CAPSTAN, ...args], {
    env: { ...process.env, CAPSTAN_SERVER: api.url, CAPSTAN_TOKEN: adminToken, HOME: '/nonexistent' },
    timeout: 30_000,
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({
      code: err.code,
      stdout: err.stdout,
      stderr: err.stderr,
    }),
  );
}

/**
 * Subscribes with `token` over `transport` and resolves, once the subscription has ended, with how: the error, or
 * 'completed'. `opened` resolves once it has received an event (see untilOpen).
 */
function openSession(token: string, transport: 'ws' | 'sse') {
  const client = sdk.createCapstanClient({ url: api.url, token, subscriptionTransport: transport });
  let markOpen: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (markOpen = resolve));
  const ended = (async () => {
    try {
      const stream = client.subscribe(sdk.WatchNamespacesDocument, {});
      for await (const _event of stream) markOpen();
      return 'completed';
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  })();
  return { client, opened, ended };
}

let namespaces = 0;

/** Makes namespaces until the session has seen one: then its subscription is surely running on the server. */
async function untilOpen(session: { opened: Promise<void> }): Promise<void> {
  let open = false;
  void session.opened.then(() => (open = true));
  const deadline = Date.now() + 10_000;
  while (!open) {
    if (Date.now() > deadline) throw new Error('the subscription saw no event within 10 s');
    await admin.request(sdk.CreateNamespaceDocument, { namespace: { metadata: { name: `rev-${++namespaces}` } } });
    await Promise.race([session.opened, new Promise((resolve) => setTimeout(resolve, 200))]);
  }
}

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe('capstan token list and delete', () => {
  it("lists tokens in kubeadm's columns without any secret, and deletes one by id or whole token", async () => {
    const joiner = await createBootstrapToken(store, { description: 'join two', maxUses: 2 });
    const viewer = await createToken(store, { role: 'viewer', description: 'dashboard' });
    const listed = await capstan(['token', 'list']);
    expect(listed.code, listed.stderr).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^TOKEN\s+TTL\s+EXPIRES\s+USAGES\s+DESCRIPTION\s+EXTRA GROUPS$/);
    const row = lines.find((l) => l.startsWith(joiner.name))!;
    expect(row).toMatch(
      new RegExp(
        `^${joiner.name}\\s+23h\\s+\\d{4}-\\d\\d-\\d\\dT\\S+Z\\s+authentication\\s+join two\\s+capstan:bootstrap,uses:0/2$`,
      ),
    );
    expect(lines.find((l) => l.startsWith(viewer.name))).toMatch(/<forever>\s+<never>\s+authentication\s+dashboard/);
    expect(listed.stdout).not.toContain(joiner.token.split('.')[1]);

    const deleted = await capstan(['token', 'delete', joiner.token, viewer.name]);
    expect(deleted.stdout).toBe(`bootstrap token "${joiner.name}" deleted\nviewer token "${viewer.name}" deleted\n`);
    const asViewer = sdk.createCapstanClient({ url: api.url, token: viewer.token });
    await expect(asViewer.request(sdk.WhoamiDocument)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await asViewer.close();
    const again = await capstan(['token', 'delete', viewer.name]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(new RegExp(`token "${viewer.name}" not found`));
  });

  it('refuses to list tokens for a viewer', async () => {
    const viewer = await createToken(store, { role: 'viewer' });
    const client = sdk.createCapstanClient({ url: api.url, token: viewer.token });
    await expect(client.request(sdk.ListTokensDocument, {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await client.close();
  });
});

describe('open sessions of a revoked token', () => {
  for (const transport of ['ws', 'sse'] as const) {
    it(`closes a ${transport === 'ws' ? 'WebSocket' : 'SSE'} subscription of an admin token as it is deleted`, async () => {
      const doomed = await createToken(store, { role: 'admin', description: `doomed ${transport}` });
      const session = openSession(doomed.token, transport);
      try {
        await untilOpen(session);
        const at = Date.now();
        await admin.request(sdk.DeleteTokenDocument, { name: doomed.name });
        const ended = await within(session.ended, 5_000, 'the end of the session');
        expect(Date.now() - at).toBeLessThan(5_000);
        if (transport === 'ws') {
          expect(ended).toMatchObject({ message: expect.stringMatching(/token "\w+" was revoked/) });
        } else {
          expect(ended).not.toBe('completed');
        }
        // The socket is gone: a mutation through the same client must authenticate again, and is refused.
        await expect(session.client.request(sdk.CreateTokenDocument, { role: 'admin' })).rejects.toMatchObject({
          code: 'UNAUTHENTICATED',
        });
      } finally {
        await session.client.close();
      }
    });
  }

  it('closes a session when its token expires', async () => {
    const brief = await createToken(store, { role: 'viewer', ttlSeconds: 2, description: 'expires soon' });
    const session = openSession(brief.token, 'ws');
    try {
      await untilOpen(session);
      expect(await within(session.ended, 6_000, 'the end of the session at expiry')).toMatchObject({
        message: expect.stringMatching(/expired/),
      });
    } finally {
      await session.client.close();
    }
  });

  it("closes a node credential's session when its Node is deleted", async () => {
    await store.create('Node', { kind: 'Node', metadata: { name: 'revoked-node' }, spec: {} });
    const credential = await createToken(store, { role: 'node', nodeName: 'revoked-node', ttlSeconds: 600 });
    const session = openSession(credential.token, 'ws');
    try {
      await untilOpen(session);
      await admin.request(sdk.DeleteNodeDocument, { name: 'revoked-node' });
      // Deleting the Node deletes its credentials first (docs/security.md, "Deleting a node").
      expect(await within(session.ended, 5_000, 'the end of the session')).toMatchObject({
        message: expect.stringMatching(
          new RegExp(`token "${credential.name}" was revoked|node revoked-node was deleted`),
        ),
      });
      expect(await store.tryGet('Token', undefined, credential.name)).toBeUndefined();
    } finally {
      await session.client.close();
    }
  });
});
