import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment } from '../src/api/types.ts';
import { createToken } from '../src/auth/tokens.ts';
import { REVISION_ANNOTATION } from '../src/controllers/deployment-revisions.ts';
import { createCapstanYoga } from '../src/server/yoga.ts';
import { createLogger } from '../src/util/logger.ts';
import { newApi, type Api, type GraphQLResponse } from './api-support.ts';
import { startControlPlane, type ControlPlane } from './support/control-plane.ts';
import { waitFor } from './support/store.ts';

// label, annotate and setImage through the real API edge on a real Redis store.

const LABEL = `mutation ($kind: LabelableKind!, $name: String!, $namespace: String, $set: [KeyValueInput!],
  $remove: [String!], $overwrite: Boolean, $dryRun: Boolean, $expectedResourceVersion: String) {
  label(kind: $kind, name: $name, namespace: $namespace, set: $set, remove: $remove, overwrite: $overwrite,
        dryRun: $dryRun, expectedResourceVersion: $expectedResourceVersion) {
    changed notFound object { kind metadata { name resourceVersion labels { key value } } }
  }
}`;
const ANNOTATE = `mutation ($kind: LabelableKind!, $name: String!, $set: [KeyValueInput!], $remove: [String!],
  $overwrite: Boolean) {
  annotate(kind: $kind, name: $name, set: $set, remove: $remove, overwrite: $overwrite) {
    changed object { metadata { annotations { key value } } }
  }
}`;
const SET_IMAGE = `mutation ($kind: ImageKind!, $name: String!, $namespace: String, $images: [ContainerImageInput!]!,
  $dryRun: Boolean) {
  setImage(kind: $kind, name: $name, namespace: $namespace, images: $images, dryRun: $dryRun) {
    changed object { kind metadata { name generation } }
  }
}`;

interface LabelResult {
  label: {
    changed: boolean;
    notFound: string[];
    object: {
      kind: string;
      metadata: { name: string; resourceVersion: string; labels: { key: string; value: string }[] };
    };
  };
}

function pairs(map: Record<string, string>) {
  return Object.entries(map).map(([key, value]) => ({ key, value }));
}

function errorOf(result: GraphQLResponse<unknown>): { code?: string; message: string } {
  expect(result.errors, JSON.stringify(result.data)).toHaveLength(1);
  return { code: result.errors![0]!.extensions?.code as string | undefined, message: result.errors![0]!.message };
}

describe('label and annotate', () => {
  let api: Api;
  beforeAll(async () => {
    api = await newApi();
    await api.store.create('Pod', {
      kind: 'Pod',
      metadata: { name: 'web-1', namespace: 'default', labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'capstan/hello' }] },
    });
    await api.store.create('Node', { kind: 'Node', metadata: { name: 'node-a' }, spec: {} });
  });
  afterAll(async () => {
    await api?.dispose();
  });

  const labels = async () => (await api.store.get('Pod', 'default', 'web-1')).metadata.labels;

  it('adds a label, and setting the same value again changes nothing and writes nothing', async () => {
    const added = await api.data<LabelResult>(LABEL, { kind: 'Pod', name: 'web-1', set: pairs({ tier: 'front' }) });
    expect(added.label.changed).toBe(true);
    expect(added.label.object.metadata.labels).toEqual(pairs({ app: 'web', tier: 'front' }));
    expect(await labels()).toEqual({ app: 'web', tier: 'front' });

    const again = await api.data<LabelResult>(LABEL, { kind: 'Pod', name: 'web-1', set: pairs({ tier: 'front' }) });
    expect(again.label.changed).toBe(false);
    expect(again.label.object.metadata.resourceVersion).toBe(added.label.object.metadata.resourceVersion);
  });

  it('refuses to change an existing value without overwrite (CONFLICT), and changes it with overwrite', async () => {
    const refused = errorOf(await api.gql(LABEL, { kind: 'Pod', name: 'web-1', set: pairs({ app: 'api' }) }));
    expect(refused).toEqual({
      code: 'CONFLICT',
      message: "Pod default/web-1: 'app' already has a value (web), and --overwrite is false",
    });
    expect((await labels())?.app).toBe('web');

    await api.data(LABEL, { kind: 'Pod', name: 'web-1', set: pairs({ app: 'api' }), overwrite: true });
    expect((await labels())?.app).toBe('api');
  });

  it('removes a label, reporting a key that was not there', async () => {
    const removed = await api.data<LabelResult>(LABEL, { kind: 'Pod', name: 'web-1', remove: ['tier', 'nope'] });
    expect(removed.label).toMatchObject({ changed: true, notFound: ['nope'] });
    expect(await labels()).toEqual({ app: 'api' });
  });

  it('refuses an invalid key or value with INVALID naming it and the rule, writing nothing', async () => {
    const before = (await api.store.get('Pod', 'default', 'web-1')).metadata.resourceVersion;
    const badKey = await api.gql(LABEL, { kind: 'Pod', name: 'web-1', set: pairs({ 'bad key': 'x' }) });
    expect(errorOf(badKey).code).toBe('BAD_USER_INPUT');
    expect(errorOf(badKey).message).toMatch(/^metadata\.labels: Invalid value: "bad key": name part must consist of/);
    const badValue = errorOf(await api.gql(LABEL, { kind: 'Pod', name: 'web-1', set: pairs({ ok: 'a b' }) }));
    expect(badValue.message).toMatch(/Invalid value: "a b": a valid label must be an empty string/);
    expect((await api.store.get('Pod', 'default', 'web-1')).metadata.resourceVersion).toBe(before);
  });

  it('returns the result of a dry run and leaves the stored object as it was', async () => {
    const before = await api.store.get('Pod', 'default', 'web-1');
    const dry = await api.data<LabelResult>(LABEL, {
      kind: 'Pod',
      name: 'web-1',
      set: pairs({ dry: 'run' }),
      remove: ['app'],
      dryRun: true,
    });
    expect(dry.label.changed).toBe(true);
    expect(dry.label.object.metadata.labels).toEqual(pairs({ dry: 'run' }));
    expect(await api.store.get('Pod', 'default', 'web-1')).toEqual(before);
  });

  it('is NOT_FOUND for an object that does not exist, and CONFLICT for a stale expectedResourceVersion', async () => {
    const missing = errorOf(await api.gql(LABEL, { kind: 'Pod', name: 'nope', set: pairs({ a: 'b' }) }));
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toMatch(/nope/);
    const stale = await api.gql(LABEL, {
      kind: 'Pod',
      name: 'web-1',
      set: pairs({ a: 'b' }),
      expectedResourceVersion: '1',
    });
    expect(errorOf(stale).code).toBe('CONFLICT');
  });

  it('labels a Node, the cluster-scoped object nodeSelector scheduling reads', async () => {
    const result = await api.data<LabelResult>(LABEL, {
      kind: 'Node',
      name: 'node-a',
      namespace: 'ignored',
      set: pairs({ disktype: 'ssd' }),
    });
    expect(result.label.object).toMatchObject({ kind: 'Node', metadata: { name: 'node-a' } });
    expect((await api.store.get('Node', undefined, 'node-a')).metadata.labels).toEqual({ disktype: 'ssd' });
  });

  it('annotates with any value text, and removes annotations', async () => {
    const set = pairs({ 'example.com/note': 'serves the shop: v=2' });
    await api.data(ANNOTATE, { kind: 'Pod', name: 'web-1', set });
    expect((await api.store.get('Pod', 'default', 'web-1')).metadata.annotations).toEqual({
      'example.com/note': 'serves the shop: v=2',
    });
    const refused = await api.gql(ANNOTATE, { kind: 'Pod', name: 'web-1', set: pairs({ 'example.com/note': 'x' }) });
    expect(errorOf(refused).code).toBe('CONFLICT');
    await api.data(ANNOTATE, { kind: 'Pod', name: 'web-1', remove: ['example.com/note'] });
    expect((await api.store.get('Pod', 'default', 'web-1')).metadata.annotations).toBeUndefined();
  });

  it('lets a viewer read but not label', async () => {
    const result = await api.gql(
      LABEL,
      { kind: 'Pod', name: 'web-1', set: pairs({ x: 'y' }) },
      { token: api.viewerToken },
    );
    expect(errorOf(result).code).toBe('FORBIDDEN');
  });
});

describe('setImage', () => {
  let cp: ControlPlane;
  let gql: <T>(query: string, variables: Record<string, unknown>) => Promise<GraphQLResponse<T>>;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    cp = await startControlPlane({ nodes: 1 });
    const { token } = await createToken(cp.store, { role: 'admin', description: 'set image test' });
    const yoga = createCapstanYoga({ store: cp.store, logger: createLogger({ level: 'silent' }) });
    gql = async <T>(query: string, variables: Record<string, unknown>) => {
      const response = await yoga.fetch('http://capstan.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLResponse<T>;
    };
    dispose = async () => {
      await yoga.dispose?.();
      await cp.dispose();
    };
  });
  afterAll(async () => {
    await dispose?.();
  });

  /** The image of the template of each ReplicationController the Deployment owns, by revision. */
  async function rcImages(namespace: string, deployment: Deployment): Promise<Record<string, string>> {
    const { items } = await cp.store.list('ReplicationController', { namespace });
    const owned = items.filter((rc) => rc.metadata.ownerReferences?.some((o) => o.uid === deployment.metadata.uid));
    return Object.fromEntries(
      owned.map((rc) => [rc.metadata.annotations?.[REVISION_ANNOTATION], rc.spec!.template.spec.containers[0]!.image]),
    );
  }

  it('changes the template image of a Deployment, which rolls it out as a new ReplicationController', async () => {
    const namespace = await cp.namespace('setimage');
    await cp.store.create('Deployment', {
      kind: 'Deployment',
      metadata: { name: 'web', namespace },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'capstan/hello:1' }] },
        },
      },
    });
    const first = await waitFor(
      async () => {
        const d = await cp.store.get('Deployment', namespace, 'web');
        return Object.keys(await rcImages(namespace, d)).length === 1 ? d : undefined;
      },
      { message: 'the first ReplicationController' },
    );

    const dry = await gql<{ setImage: { changed: boolean } }>(SET_IMAGE, {
      kind: 'Deployment',
      name: 'web',
      namespace,
      images: [{ container: 'web', image: 'capstan/hello:2' }],
      dryRun: true,
    });
    expect(dry.data?.setImage.changed).toBe(true);
    expect((await cp.store.get('Deployment', namespace, 'web')).metadata.generation).toBe(first.metadata.generation);

    const result = await gql<{ setImage: { changed: boolean; object: { metadata: { generation: number } } } }>(
      SET_IMAGE,
      { kind: 'Deployment', name: 'web', namespace, images: [{ container: 'web', image: 'capstan/hello:2' }] },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.setImage).toMatchObject({
      changed: true,
      object: { metadata: { generation: first.metadata.generation + 1 } },
    });
    const stored = await cp.store.get('Deployment', namespace, 'web');
    expect(stored.spec?.template.spec.containers[0]?.image).toBe('capstan/hello:2');
    await waitFor(
      async () => {
        const images = await rcImages(namespace, stored);
        return images['2'] === 'capstan/hello:2' ? images : undefined;
      },
      { timeoutMs: 10_000, message: 'a revision 2 ReplicationController running capstan/hello:2' },
    );
  });

  it('refuses an unknown container with INVALID naming it, and is NOT_FOUND for a missing object', async () => {
    const namespace = await cp.namespace('setimage');
    await cp.store.create('Pod', {
      kind: 'Pod',
      metadata: { name: 'solo', namespace },
      spec: { containers: [{ name: 'app', image: 'capstan/hello:1' }] },
    });
    const unknown = await gql(SET_IMAGE, {
      kind: 'Pod',
      name: 'solo',
      namespace,
      images: [{ container: 'web', image: 'capstan/hello:2' }],
    });
    expect(errorOf(unknown)).toEqual({
      code: 'BAD_USER_INPUT',
      message: `images[0].container: unable to find container named "web" in Pod ${namespace}/solo (containers: app)`,
    });
    const missing = await gql(SET_IMAGE, {
      kind: 'ReplicationController',
      name: 'nope',
      namespace,
      images: [{ container: '*', image: 'capstan/hello:2' }],
    });
    expect(errorOf(missing).code).toBe('NOT_FOUND');

    await gql(SET_IMAGE, { kind: 'Pod', name: 'solo', namespace, images: [{ container: '*', image: 'x:2' }] });
    expect((await cp.store.get('Pod', namespace, 'solo')).spec?.containers[0]?.image).toBe('x:2');
  });
});
