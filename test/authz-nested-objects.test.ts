import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../src/auth/tokens.ts';
import { startApiServer, type ApiServer } from '../src/server/http-server.ts';
import { aesGcmCodec } from '../src/store/secret-encryption.ts';
import { createLogger } from '../src/util/logger.ts';
import { newPod } from './support/fixtures.ts';
import { newTestStore } from './support/store.ts';

// A field resolver that reaches the store for another object (an event's object, an owner, a pod's node, a
// service's endpoints, a controller's pods) must not show what the caller's own credential may not read. The
// attack: a node credential (which may read Events and create them) names a Secret its pods do not use as an
// event's involved object, or finds an object owned by one, and selects the Secret's data through the edge.

const SECRET_VALUE = 'hunter2-do-not-leak';
const CONFIG_VALUE = 'config-do-not-leak';

let store: Awaited<ReturnType<typeof newTestStore>>;
let api: ApiServer;
const tokens = { admin: '', viewer: '', node: '' };
let secretUid = '';

interface Response {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function gql(token: string, query: string, variables: Record<string, unknown> = {}): Promise<Response> {
  const response = await fetch(api.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Response;
}

function leaks(result: Response): boolean {
  const text = JSON.stringify(result);
  return text.includes(Buffer.from(SECRET_VALUE).toString('base64')) || text.includes(CONFIG_VALUE);
}

const TARGET = `
  __typename
  metadata { name }
  ... on Secret { data { key value } }
  ... on ConfigMap { data { key value } }
`;

beforeAll(async () => {
  store = await newTestStore({ encryption: aesGcmCodec(randomBytes(32)) });
  api = await startApiServer({ store, port: 0, logger: createLogger({ level: 'silent' }) });
  tokens.admin = (await createToken(store, { role: 'admin' })).token;
  tokens.viewer = (await createToken(store, { role: 'viewer' })).token;
  tokens.node = (await createToken(store, { role: 'node', nodeName: 'n-attacker' })).token;
  await store.create('Namespace', { kind: 'Namespace', metadata: { name: 'vault' } });
  const secret = await store.create('Secret', {
    kind: 'Secret',
    metadata: { name: 'db-password', namespace: 'vault' },
    stringData: { password: SECRET_VALUE },
  });
  secretUid = secret.metadata.uid!;
  const configMap = await store.create('ConfigMap', {
    kind: 'ConfigMap',
    metadata: { name: 'db-config', namespace: 'vault' },
    data: { dsn: CONFIG_VALUE },
  });
  // Objects an admin made that point at the Secret and the ConfigMap: an event about each, and a pod "owned" by the
  // Secret (ownerReferences are free-form in Kubernetes too), bound to the attacking node.
  for (const [kind, name] of [
    ['Secret', 'db-password'],
    ['ConfigMap', 'db-config'],
  ] as const) {
    await store.create('Event', {
      kind: 'Event',
      metadata: { name: `about-${name}`, namespace: 'vault' },
      involvedObject: { kind, name, namespace: 'vault' },
      reason: 'Test',
      message: 'about a credential',
      type: 'Normal',
    });
  }
  const owned = newPod('owned', { namespace: 'vault', nodeName: 'n-attacker' });
  owned.metadata.ownerReferences = [
    { apiVersion: 'v1', kind: 'Secret', name: 'db-password', uid: secretUid, controller: true },
  ];
  await store.create('Pod', owned);
  const ownedByConfig = newPod('owned-by-config', { namespace: 'vault', nodeName: 'n-attacker' });
  ownedByConfig.metadata.ownerReferences = [
    { apiVersion: 'v1', kind: 'ConfigMap', name: 'db-config', uid: configMap.metadata.uid!, controller: true },
  ];
  await store.create('Pod', ownedByConfig);
}, 30_000);

afterAll(async () => {
  await api?.close();
  await store?.dispose();
});

describe('objects reached through a field are authorized as the caller', () => {
  it('the direct read is refused to the node (the rule the edges must keep)', async () => {
    const result = await gql(tokens.node, `{ secret(namespace: "vault", name: "db-password") { data { key } } }`);
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(leaks(result)).toBe(false);
  });

  it('does not show a node a Secret or ConfigMap through an event it created about them (Event.object)', async () => {
    const result = await gql(
      tokens.node,
      `mutation($event: EventInput!) { createEvent(event: $event) { object { ${TARGET} } } }`,
      {
        event: {
          metadata: { name: 'planted', namespace: 'vault' },
          involvedObject: { kind: 'Secret', name: 'db-password', namespace: 'vault' },
          reason: 'Planted',
          message: 'look',
          type: 'Normal',
        },
      },
    );
    expect(leaks(result)).toBe(false);
    expect(result.data?.['createEvent']).toEqual({ object: null });
  });

  it('does not show a node a Secret or ConfigMap through events it finds (Event.object)', async () => {
    const result = await gql(
      tokens.node,
      `{ events(namespace: "vault") { items { metadata { name } object { ${TARGET} } } } }`,
    );
    expect(leaks(result)).toBe(false);
    const items = (result.data?.['events'] as { items: { metadata: { name: string }; object: unknown }[] }).items;
    expect(items.map((e) => e.metadata.name)).toEqual(expect.arrayContaining(['about-db-password', 'about-db-config']));
    for (const item of items) expect(item.object).toBeNull();
  });

  it('does not show a node a Secret or ConfigMap as the owner of a pod bound to it (owner, rootOwner)', async () => {
    const result = await gql(
      tokens.node,
      `{ pods(namespace: "vault") { items { metadata { name } owner { ${TARGET} } rootOwner { ${TARGET} } } } }`,
    );
    expect(leaks(result)).toBe(false);
    const items = (result.data?.['pods'] as { items: { owner: unknown; rootOwner: unknown }[] }).items;
    expect(items).toHaveLength(2);
    for (const item of items) expect(item).toMatchObject({ owner: null, rootOwner: null });
  });

  it('does not show a viewer a Secret through any edge', async () => {
    const result = await gql(
      tokens.viewer,
      `{ events(namespace: "vault") { items { object { ${TARGET} } } }
         pods(namespace: "vault") { items { owner { ${TARGET} } rootOwner { ${TARGET} } } } }`,
    );
    expect(JSON.stringify(result)).not.toContain(Buffer.from(SECRET_VALUE).toString('base64'));
    expect(result.errors ?? []).toEqual([]);
  });

  it('still shows an admin the objects behind every edge', async () => {
    const result = await gql(
      tokens.admin,
      `{ events(namespace: "vault") { items { metadata { name } object { ${TARGET} } } }
         pods(namespace: "vault") { items { metadata { name } owner { ${TARGET} } } } }`,
    );
    expect(result.errors ?? []).toEqual([]);
    expect(leaks(result)).toBe(true);
    const events = (result.data?.['events'] as { items: { metadata: { name: string }; object: unknown }[] }).items;
    const about = events.find((e) => e.metadata.name === 'about-db-password');
    expect(about?.object).toMatchObject({ __typename: 'Secret', metadata: { name: 'db-password' } });
  });
});
