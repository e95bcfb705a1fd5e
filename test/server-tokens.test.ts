import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapstanError } from '../src/api/errors.ts';
import {
  BOOTSTRAP_TOKEN_PATTERN,
  authenticate,
  createBootstrapToken,
  createToken,
  exchangeBootstrapToken,
  importToken,
  renewNodeCredential,
} from '../src/auth/tokens.ts';
import { newTestStore, waitFor } from './support/store.ts';

type TestStore = Awaited<ReturnType<typeof newTestStore>>;
let store: TestStore;

beforeAll(async () => {
  store = await newTestStore();
});
afterAll(async () => {
  await store.dispose();
});

async function rejection(promise: Promise<unknown>): Promise<CapstanError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof CapstanError) return err;
    throw err;
  }
  throw new Error('expected the promise to be rejected');
}

async function expire(name: string): Promise<void> {
  await store.mutate('Token', undefined, name, (token) => ({
    ...token,
    spec: { ...token.spec!, expiresAt: new Date(Date.now() - 60_000).toISOString() },
  }));
}

describe('tokens', () => {
  it('creates tokens whose object stores only a hash of the secret', async () => {
    const { token, name } = await createToken(store, { role: 'viewer', description: 'ci' });
    expect(token).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{32}$/);
    const stored = await store.get('Token', undefined, name);
    const secret = token.split('.')[1]!;
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect(stored.spec?.secretHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await authenticate(store, token)).toEqual({ role: 'viewer', tokenName: name });
  });

  it('creates bootstrap tokens in kubeadm format that expire after a day by default', async () => {
    const before = Date.now();
    const { token, expiresAt } = await createBootstrapToken(store);
    expect(token).toMatch(BOOTSTRAP_TOKEN_PATTERN);
    const lifetime = Date.parse(expiresAt!) - before;
    expect(lifetime).toBeGreaterThan(86_390_000);
    expect(lifetime).toBeLessThanOrEqual(86_400_000 + 1000);
  });

  it('refuses malformed, unknown and wrong-secret tokens as UNAUTHENTICATED', async () => {
    const malformed = await rejection(authenticate(store, 'not-a-token'));
    expect(malformed.code).toBe('UNAUTHENTICATED');
    expect(malformed.message).toMatch(/malformed token/);
    const unknown = await rejection(authenticate(store, 'zzzzzz.0123456789abcdef0123456789abcdef'));
    expect(unknown.message).toMatch(/unknown token "zzzzzz"/);
    const { token } = await createToken(store, { role: 'admin' });
    const wrongSecret = `${token.split('.')[0]}.${'x'.repeat(32)}`;
    expect((await rejection(authenticate(store, wrongSecret))).code).toBe('UNAUTHENTICATED');
  });

  it('refuses a token whose expiry was moved into the past, within the cache time, saying when it expired', async () => {
    const { token, name } = await createToken(store, { role: 'admin', ttlSeconds: 3600 });
    await authenticate(store, token, { cacheTtlMs: 200 });
    await expire(name);
    const err = await waitFor(() => rejection(authenticate(store, token, { cacheTtlMs: 200 })), {
      message: 'the expired token to be refused',
    });
    expect(err.code).toBe('UNAUTHENTICATED');
    expect(err.message).toMatch(new RegExp(`token "${name}" expired at \\d{4}-`));
  });

  it('stops accepting a deleted token within the cache time', async () => {
    const { token, name } = await createToken(store, { role: 'admin' });
    expect((await authenticate(store, token, { cacheTtlMs: 300 })).role).toBe('admin');
    await store.delete('Token', undefined, name);
    const started = Date.now();
    const err = await waitFor(() => rejection(authenticate(store, token, { cacheTtlMs: 300 })), {
      message: 'the revoked token to be refused',
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(err.message).toMatch(/unknown token/);
  });

  it('refuses a node token without a valid node name', async () => {
    expect((await rejection(createToken(store, { role: 'node' }))).code).toBe('INVALID');
    expect((await rejection(createToken(store, { role: 'admin', nodeName: 'n1' }))).code).toBe('INVALID');
  });
});

describe('exchangeBootstrapToken', () => {
  it('trades a bootstrap token for a node credential bound to the node', async () => {
    const bootstrap = await createBootstrapToken(store, { ttlSeconds: 600 });
    const { token } = await exchangeBootstrapToken(store, bootstrap.token, 'node-a');
    const identity = await authenticate(store, token);
    expect(identity).toMatchObject({ role: 'node', nodeName: 'node-a' });
    const viaIdentity = await exchangeBootstrapToken(store, await authenticate(store, bootstrap.token), 'node-b');
    expect(await authenticate(store, viaIdentity.token)).toMatchObject({ role: 'node', nodeName: 'node-b' });
  });

  it('refuses an expired bootstrap token', async () => {
    const bootstrap = await createBootstrapToken(store, { ttlSeconds: 600 });
    await expire(bootstrap.name);
    const err = await rejection(exchangeBootstrapToken(store, bootstrap.token, 'node-c'));
    expect(err.code).toBe('UNAUTHENTICATED');
    expect(err.message).toMatch(/expired at/);
  });

  it('refuses tokens that are not bootstrap tokens, and bad node names', async () => {
    const viewer = await createToken(store, { role: 'viewer' });
    const err = await rejection(exchangeBootstrapToken(store, viewer.token, 'node-d'));
    expect(err.code).toBe('FORBIDDEN');
    expect(err.message).toMatch(/only a bootstrap token/);
    const bootstrap = await createBootstrapToken(store);
    expect((await rejection(exchangeBootstrapToken(store, bootstrap.token, 'Bad_Name'))).code).toBe('INVALID');
  });
});

describe('importToken', () => {
  it('makes an externally chosen token valid with the given role, and corrects an existing one', async () => {
    const chosen = 'abc123.0123456789abcdefghijklmnopqrstuv';
    await importToken(store, chosen, { role: 'admin' });
    expect(await authenticate(store, chosen, { cacheTtlMs: 0 })).toEqual({ role: 'admin', tokenName: 'abc123' });
    const replaced = 'abc123.vutsrqponmlkjihgfedcba9876543210';
    await importToken(store, replaced, { role: 'viewer' });
    expect((await authenticate(store, replaced, { cacheTtlMs: 0 })).role).toBe('viewer');
    expect((await rejection(authenticate(store, chosen, { cacheTtlMs: 0 }))).code).toBe('UNAUTHENTICATED');
  });
});

describe('node identity at join', () => {
  it('refuses a bootstrap token the name of a node that is already registered', async () => {
    await store.create('Node', { kind: 'Node', metadata: { name: 'vm-taken' }, spec: {} });
    const bootstrap = await createBootstrapToken(store, { ttlSeconds: 600 });
    const err = await rejection(exchangeBootstrapToken(store, bootstrap.token, 'vm-taken'));
    expect(err.code).toBe('CONFLICT');
    expect(err.message).toMatch(/node vm-taken is already registered/);
    const nodeTokens = await store.list('Token', { labelSelector: 'capstan.io/token-role=node' });
    expect(nodeTokens.items.filter((t) => t.spec?.nodeName === 'vm-taken')).toEqual([]);
  });

  it('refuses a second bootstrap join under a name a node credential already holds', async () => {
    const bootstrap = await createBootstrapToken(store, { ttlSeconds: 600 });
    await exchangeBootstrapToken(store, bootstrap.token, 'node-twice');
    const err = await rejection(exchangeBootstrapToken(store, bootstrap.token, 'node-twice'));
    expect(err.code).toBe('CONFLICT');
  });
});

describe('bootstrap token uses and node credential lifetime', () => {
  it('joins at most N nodes with a token limited to N uses, then refuses it as spent', async () => {
    const bootstrap = await createBootstrapToken(store, { maxUses: 2 });
    await exchangeBootstrapToken(store, bootstrap.token, 'uses-1');
    await exchangeBootstrapToken(store, bootstrap.token, 'uses-2');
    const err = await rejection(exchangeBootstrapToken(store, bootstrap.token, 'uses-3'));
    expect(err.code).toBe('UNAUTHENTICATED');
    expect(err.message).toMatch(/is spent: it has joined 2 of at most 2 nodes/);
    expect((await store.get('Token', undefined, bootstrap.name)).spec?.uses).toBe(2);
  });

  it('a name refused as taken spends no use', async () => {
    const bootstrap = await createBootstrapToken(store, { maxUses: 1 });
    await store.create('Node', { kind: 'Node', metadata: { name: 'taken-2' }, spec: {} });
    expect((await rejection(exchangeBootstrapToken(store, bootstrap.token, 'taken-2'))).code).toBe('CONFLICT');
    await exchangeBootstrapToken(store, bootstrap.token, 'free-2');
  });

  it('gives node credentials a lifetime, and a renewal a new credential while the old one retires', async () => {
    const bootstrap = await createBootstrapToken(store);
    const joined = await exchangeBootstrapToken(store, bootstrap.token, 'renew-a', { ttlSeconds: 3600 });
    expect(Date.parse(joined.expiresAt!) - Date.now()).toBeGreaterThan(3500_000);
    const identity = await authenticate(store, joined.token, { cacheTtlMs: 0 });
    const renewed = await renewNodeCredential(store, identity);
    expect(await authenticate(store, renewed.token, { cacheTtlMs: 0 })).toMatchObject({ nodeName: 'renew-a' });
    expect(Date.parse(renewed.expiresAt!) - Date.now()).toBeGreaterThan(3500_000);
    const old = await store.get('Token', undefined, joined.name);
    expect(Date.parse(old.spec!.expiresAt!) - Date.now()).toBeLessThanOrEqual(60_000);
    const viewer = await createToken(store, { role: 'viewer' });
    const refused = await rejection(renewNodeCredential(store, await authenticate(store, viewer.token)));
    expect(refused.code).toBe('FORBIDDEN');
  });
});
