import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApi, type Api } from './api-support.ts';

let api: Api;
beforeAll(async () => {
  api = await newApi();
  await api.data(`mutation { createPod(pod: { metadata: { name: "existing" }, spec: { containers: [{ name: "c", image: "x:1" }] } }) {
    metadata { name } } }`);
});
afterAll(async () => {
  await api?.dispose();
});

const CREATE = `mutation ($pod: PodInput!) { createPod(pod: $pod) { metadata { name resourceVersion } } }`;

describe('error codes', () => {
  it('BAD_USER_INPUT names the offending fields', async () => {
    const result = await api.gql(CREATE, {
      pod: { metadata: { name: 'Bad_Name' }, spec: { containers: [{ name: 'c', image: '' }] } },
    });
    const error = result.errors?.[0];
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    const fields = (error?.extensions?.fields as { field: string }[]).map((f) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['metadata.name', 'spec.containers[0].image']));
  });

  it('BAD_USER_INPUT for a negative gracePeriodSeconds, and the pod is left as it was', async () => {
    const result = await api.gql(
      `mutation { deletePod(name: "existing", gracePeriodSeconds: -1) { metadata { name } } }`,
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions?.fields).toEqual([
      { field: 'gracePeriodSeconds', message: 'must be 0 or more (0: delete at once)' },
    ]);
    expect((await api.store.get('Pod', 'default', 'existing')).metadata.deletionTimestamp).toBeUndefined();
  });

  it('NOT_FOUND for a missing object', async () => {
    const result = await api.gql(`mutation { deletePod(name: "nope") { metadata { name } } }`);
    expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(result.errors?.[0]?.message).toMatch(/nope/);
  });

  it('CONFLICT for a stale expectedResourceVersion and for a name already taken', async () => {
    const pod = await api.store.get('Pod', 'default', 'existing');
    const stale = String(Number(pod.metadata.resourceVersion) - 1);
    const update = await api.gql(
      `mutation ($rv: String) { updatePod(expectedResourceVersion: $rv, pod: { metadata: { name: "existing" },
        spec: { containers: [{ name: "c", image: "x:2" }] } }) { metadata { name } } }`,
      { rv: stale },
    );
    expect(update.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect((await api.store.get('Pod', 'default', 'existing')).spec?.containers[0]?.image).toBe('x:1');

    const del = await api.gql(
      `mutation ($rv: String) { deletePod(name: "existing", expectedResourceVersion: $rv) { metadata { name } } }`,
      {
        rv: stale,
      },
    );
    expect(del.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    const taken = await api.gql(CREATE, {
      pod: { metadata: { name: 'existing' }, spec: { containers: [{ name: 'c', image: 'x:1' }] } },
    });
    expect(taken.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('FORBIDDEN for a viewer that tries to write, while it may read', async () => {
    const write = await api.gql(
      CREATE,
      { pod: { metadata: { name: 'by-viewer' }, spec: { containers: [{ name: 'c', image: 'x:1' }] } } },
      { token: api.viewerToken },
    );
    expect(write.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await api.store.tryGet('Pod', 'default', 'by-viewer')).toBeUndefined();
    const scale = await api.gql(
      `mutation { cordon(name: "any") { metadata { name } } }`,
      {},
      { token: api.viewerToken },
    );
    expect(scale.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const read = await api.gql<{ pod: { metadata: { name: string } } }>(
      `{ pod(name: "existing") { metadata { name } } }`,
      {},
      {
        token: api.viewerToken,
      },
    );
    expect(read.data?.pod.metadata.name).toBe('existing');
  });

  it('UNAUTHENTICATED without a token', async () => {
    const result = await api.gql(`{ pods { items { metadata { name } } } }`, {}, { token: null });
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('UNAVAILABLE for container logs when no log source is configured', async () => {
    const sub = await api.subscribe(`subscription { podLogs(name: "existing") { text } }`);
    const first = await sub.next();
    await sub.close();
    expect(first.errors?.[0]?.extensions?.code).toBe('UNAVAILABLE');
    expect(first.errors?.[0]?.message).toMatch(/log source/);
  });

  it('masks unexpected errors and rejects bad list arguments as user input', async () => {
    const both = await api.gql(`{ pods(namespace: "default", allNamespaces: true) { items { metadata { name } } } }`);
    expect(both.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badSelector = await api.gql(`{ pods(labelSelector: "app in (") { items { metadata { name } } } }`);
    expect(badSelector.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
