import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBootstrapToken } from '../src/auth/tokens.ts';
import { createCapstanYoga } from '../src/server/yoga.ts';
import { createLogger } from '../src/util/logger.ts';
import type { GraphQLResponse } from './api-support.ts';
import { newTestStore } from './support/store.ts';

// A node credential writes its pods' statuses and Events. Before the shape's `time` fields, any string was stored
// as a time: a Ready condition `lastTransitionTime: never` made the pod's minReadySeconds clock NaN (never
// available), an Event's `lastTimestamp: never` an AGE of `<unknown>`, and Date.parse read `2026-02-30` as 2 March.

type TestStore = Awaited<ReturnType<typeof newTestStore>>;
let store: TestStore;
let yoga: ReturnType<typeof createCapstanYoga>;
let nodeToken: string;
const nodeName = `clock-${randomBytes(3).toString('hex')}`;
const namespace = 'default';
const podName = `timed-${randomBytes(3).toString('hex')}`;

async function gql<T = Record<string, unknown>>(
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLResponse<T>> {
  const response = await yoga.fetch('http://capstan.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${nodeToken}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLResponse<T>;
}

const UPDATE_STATUS = `mutation($namespace: String!, $name: String!, $status: PodStatusInput!) {
  updatePodStatus(namespace: $namespace, name: $name, status: $status) { metadata { name } }
}`;

const CREATE_EVENT = `mutation($event: EventInput!) { createEvent(event: $event) { metadata { name } } }`;

beforeAll(async () => {
  store = await newTestStore();
  yoga = createCapstanYoga({ store, logger: createLogger({ level: 'silent' }), maxCost: 1_000_000 });
  const bootstrap = await createBootstrapToken(store, { description: 'hostile times join' });
  const joined = await yoga.fetch('http://capstan.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bootstrap.token}` },
    body: JSON.stringify({
      query: 'mutation($n: String!) { joinNode(nodeName: $n) { token } }',
      variables: { n: nodeName },
    }),
  });
  const body = (await joined.json()) as GraphQLResponse<{ joinNode: { token: string } }>;
  expect(body.errors).toBeUndefined();
  nodeToken = body.data!.joinNode.token;
  await store.create('Pod', {
    kind: 'Pod',
    metadata: { name: podName, namespace },
    spec: { nodeName, containers: [{ name: 'web', image: 'capstan/hello' }] },
  });
});

afterAll(async () => {
  await store?.dispose();
});

function readyAt(lastTransitionTime: string) {
  return {
    phase: 'Running',
    podIP: '10.244.9.7',
    startTime: '2026-12-07T05:00:00Z',
    conditions: [{ type: 'Ready', status: 'True', lastTransitionTime }],
  };
}

describe('times written by a node', () => {
  it('refuses a pod status whose times are not RFC 3339, and keeps the stored status', async () => {
    for (const [time, field] of [
      ['never', 'status.conditions[0].lastTransitionTime'],
      ['2026-02-30T00:00:00Z', 'status.conditions[0].lastTransitionTime'],
    ] as const) {
      const result = await gql(UPDATE_STATUS, { namespace, name: podName, status: readyAt(time) });
      expect(result.errors?.[0]?.extensions?.code, time).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).toContain(
        `${field}: Invalid value: "${time}": must be an RFC 3339 timestamp`,
      );
      expect((await store.get('Pod', namespace, podName)).status?.conditions ?? []).toEqual([]);
    }
    const started = await gql(UPDATE_STATUS, {
      namespace,
      name: podName,
      status: { ...readyAt('2026-12-07T05:00:01Z'), startTime: 'yesterday' },
    });
    expect(started.errors?.[0]?.message).toContain('status.startTime');
    expect((await store.get('Pod', namespace, podName)).status?.startTime).toBeUndefined();

    const honest = await gql(UPDATE_STATUS, { namespace, name: podName, status: readyAt('2026-12-07T05:00:01Z') });
    expect(honest.errors).toBeUndefined();
    const stored = await store.get('Pod', namespace, podName);
    expect(stored.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime).toBe('2026-12-07T05:00:01Z');
  });

  it('refuses an Event whose timestamps are not RFC 3339, and stores none', async () => {
    const event = (name: string, lastTimestamp: string) => ({
      metadata: { name, namespace },
      involvedObject: { kind: 'Pod', name: podName, namespace },
      reason: 'Started',
      message: 'Started container web',
      type: 'Normal',
      source: { component: 'kubelet', host: nodeName },
      firstTimestamp: '2026-12-07T05:00:00Z',
      lastTimestamp,
    });
    const bad = `${podName}.bad`;
    const result = await gql(CREATE_EVENT, { event: event(bad, 'never') });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toContain(
      'lastTimestamp: Invalid value: "never": must be an RFC 3339 timestamp',
    );
    expect(await store.tryGet('Event', namespace, bad)).toBeUndefined();
    const good = `${podName}.good`;
    const created = await gql(CREATE_EVENT, { event: event(good, '2026-12-07T05:00:02.5Z') });
    expect(created.errors).toBeUndefined();
    expect((await store.get('Event', namespace, good)).lastTimestamp).toBe('2026-12-07T05:00:02.5Z');
  });
});
