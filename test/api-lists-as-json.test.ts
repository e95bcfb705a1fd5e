import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sdk from '../src/sdk/generated/graphql.ts';
import { listsAnsweredAsJson } from '../src/schema/items-json.ts';
import { SLICE_ITEMS } from '../src/schema/list-slices.ts';
import { createCapstanYoga, type CapstanYoga } from '../src/server/yoga.ts';
import { createLogger } from '../src/util/logger.ts';
import { newApi, type Api } from './api-support.ts';
import { newPod } from './support/fixtures.ts';

// Long lists answered from JSON text kept per object (src/schema/items-json.ts) must answer exactly what the
// executor answers, for the selections it renders and for those it leaves to the executor, and follow changes.

const NS = 'json-lists';
const PODS = 2 * SLICE_ITEMS + 37;

let api: Api;
/** The same store, without lists as JSON (and without graphql-jit): what every answer must equal. */
let executor: CapstanYoga;

beforeAll(async () => {
  api = await newApi();
  executor = createCapstanYoga({
    store: api.store,
    logger: createLogger({ level: 'silent' }),
    maxCost: 1_000_000,
    jit: false,
    listsAsJson: false,
  });
  await api.store.create('Namespace', { kind: 'Namespace', metadata: { name: NS }, spec: {} });
  const creates: Promise<unknown>[] = [];
  for (let i = 0; i < PODS; i++) {
    const pod = newPod(`p-${String(i).padStart(4, '0')}`, {
      namespace: NS,
      labels: i % 3 === 0 ? { app: 'web', tier: `t${i % 5}` } : { app: 'db' },
      nodeName: i % 2 === 0 ? 'n1' : undefined,
    });
    if (i % 4 === 0) pod.metadata.annotations = { note: `"quoted" \u2028 ${i}`, 'bench.capstan.io/x': String(i) };
    if (i % 7 === 0) pod.metadata.finalizers = ['example.com/keep'];
    creates.push(
      api.store.create('Pod', pod).then((created) =>
        i % 2 === 0
          ? api.store.updateStatus('Pod', {
              ...created,
              status: {
                phase: 'Running',
                podIP: `10.1.${Math.floor(i / 250)}.${i % 250}`,
                containerStatuses: [
                  {
                    name: 'web',
                    image: 'capstan/hello:latest',
                    ready: i % 4 === 0,
                    restartCount: i % 3,
                    state: i % 8 === 0 ? { waiting: { reason: 'CrashLoopBackOff' } } : { running: {} },
                  },
                ],
              },
            })
          : created,
      ),
    );
  }
  await Promise.all(creates);
}, 120_000);

afterAll(async () => {
  await executor?.dispose();
  await api?.dispose();
});

async function answer(yoga: CapstanYoga, query: string, variables: object) {
  const response = await yoga.fetch('http://capstan.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${api.adminToken}` },
    body: JSON.stringify({ query, variables }),
  });
  return `${response.status} ${await response.text()}`;
}

/** `age` depends on the clock: the two answers may be a second apart. */
const withoutAge = (text: string) => text.replace(/"age":"[^"]*"/g, '"age":"…"');

/** The executor's answer and this edge's (asked three times: jit compiles on the second, the third is from kept text). */
async function bothWays(query: string, variables: object = { ns: NS }) {
  const expected = await answer(executor, query, variables);
  await answer(api.yoga, query, variables);
  await answer(api.yoga, query, variables);
  const before = listsAnsweredAsJson();
  const actual = await answer(api.yoga, query, variables);
  return { expected, actual, asJson: listsAnsweredAsJson() - before };
}

const BENCH_LIST = `query ListPods($ns: String) {
  pods(namespace: $ns) {
    items { metadata { name namespace labels { key value } } status { phase } ready displayStatus restarts age }
  }
}`;

describe('long lists answered as kept JSON text', () => {
  it("answers the scale benchmark's and the CLI's lists as the executor does, from kept text", async () => {
    for (const [query, variables] of [
      [BENCH_LIST, { ns: NS }],
      [String(sdk.ListPodsDocument), { namespace: NS }],
    ] as const) {
      const { expected, actual, asJson } = await bothWays(query, variables);
      expect(actual.startsWith('200 ')).toBe(true);
      expect(JSON.parse(actual.slice(4)).data.pods.items).toHaveLength(PODS);
      expect(withoutAge(actual)).toBe(withoutAge(expected));
      expect(asJson).toBe(1);
    }
  });

  it('renders aliases, __typename, fragments, arguments and @skip/@include as the executor does', async () => {
    const query = `query Q($ns: String, $key: String!, $with: Boolean!) {
      pods(namespace: $ns) {
        resourceVersion
        all: items {
          __typename
          ... on Pod { kind meta: metadata { n: name annotation(key: $key) label(key: "tier") } }
          ...Columns
          status @include(if: $with) { phase podIP containerStatuses { ready restartCount state { waiting { reason } } } }
          spec @skip(if: $with) { nodeName }
        }
      }
    }
    fragment Columns on Pod { ready restarts displayStatus metadata { finalizers creationTimestamp uid resourceVersion } }`;
    for (const flag of [true, false]) {
      const { expected, actual, asJson } = await bothWays(query, { ns: NS, key: 'note', with: flag });
      expect(actual).toBe(expected);
      expect(asJson).toBe(1);
    }
  });

  it('leaves selections of fields that load other objects to the executor, with the same answer', async () => {
    const query = `query Q($ns: String) { pods(namespace: $ns) { items { metadata { name } node { metadata { name } } } } }`;
    const { expected, actual, asJson } = await bothWays(query);
    expect(actual).toBe(expected);
    expect(asJson).toBe(0);
  });

  it('answers as the executor does when another field of the query fails (yoga serialises that answer itself)', async () => {
    const query = `query Q($ns: String) {
      pods(namespace: $ns) { items { metadata { name labels { key value } } ready } }
      missing: pod(namespace: $ns, name: "no-such-pod") { metadata { name } }
    }`;
    const { expected, actual, asJson } = await bothWays(query);
    expect(actual).toBe(expected);
    expect(actual).toContain('NOT_FOUND');
    expect(JSON.parse(actual.slice(4)).data.pods.items).toHaveLength(PODS);
    // graphql-jit's answer with an error is thrown away and the query executed again (use-jit.ts): twice.
    expect(asJson).toBeGreaterThanOrEqual(1);
  });

  it('answers a changed, a new and a deleted object as they are now', async () => {
    const query = `query Q($ns: String) { pods(namespace: $ns) { items { metadata { name labels { key value } } } } }`;
    await bothWays(query);
    const name = 'p-0005';
    const current = await api.store.get('Pod', NS, name);
    await api.store.update('Pod', { ...current!, metadata: { ...current!.metadata, labels: { app: 'changed' } } });
    await api.store.create('Pod', newPod('p-new', { namespace: NS }));
    await api.store.delete('Pod', NS, 'p-0009');
    // The read cache follows the store's change feed: wait until the executor's answer shows all three.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const text = await answer(executor, query, { ns: NS });
      if (text.includes('"changed"') && text.includes('p-new') && !text.includes('p-0009')) break;
      if (Date.now() > deadline) {
        const seen = [text.includes('"changed"'), text.includes('p-new'), !text.includes('p-0009')];
        throw new Error(`the read cache did not follow the changes within 10 s: ${JSON.stringify(seen)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const { expected, actual, asJson } = await bothWays(query);
    expect(actual).toBe(expected);
    expect(asJson).toBe(1);
    const items = JSON.parse(actual.slice(4)).data.pods.items as { metadata: { name: string; labels: unknown } }[];
    expect(items.find((p) => p.metadata.name === name)?.metadata.labels).toEqual([{ key: 'app', value: 'changed' }]);
    expect(items.some((p) => p.metadata.name === 'p-0009')).toBe(false);
  });
});
