import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sdk from '../src/sdk/generated/graphql.ts';
import { createCapstanYoga, type CapstanYoga } from '../src/server/yoga.ts';
import { createLogger } from '../src/util/logger.ts';
import { newApi, type Api } from './api-support.ts';
import { newPod, newReplicationController, newService } from './support/fixtures.ts';

let api: Api;
let interpreted: CapstanYoga;

beforeAll(async () => {
  api = await newApi();
  // The same store and edge without graphql-jit: what every answer must equal.
  interpreted = createCapstanYoga({ store: api.store, logger: createLogger({ level: 'silent' }), jit: false });
  const { store } = api;
  await store.create('Node', { kind: 'Node', metadata: { name: 'web', labels: { zone: 'a' } }, spec: {} });
  const rc = await store.create('ReplicationController', newReplicationController('web'));
  await store.create('Service', {
    ...newService('web'),
    spec: {
      selector: { app: 'web' },
      ports: [
        { name: 'http', port: 80, targetPort: 'http' },
        { name: 'alt', port: 81, targetPort: 8081 },
      ],
    },
  });
  for (let i = 0; i < 5; i++) {
    const pod = newPod(i === 0 ? 'web' : `web-${i}`, { labels: { app: 'web' }, nodeName: 'web' });
    const owner = { apiVersion: 'v1', kind: 'ReplicationController' as const, name: 'web', uid: rc.metadata.uid };
    pod.metadata.ownerReferences = [{ ...owner, controller: true }];
    const created = await store.create('Pod', pod);
    await store.updateStatus('Pod', {
      ...created,
      status: {
        phase: 'Running',
        podIP: `10.0.0.${i + 1}`,
        containerStatuses: [
          { name: 'web', image: 'capstan/hello:latest', ready: i % 2 === 0, restartCount: i, state: { running: {} } },
        ],
      },
    });
  }
});

afterAll(async () => {
  await interpreted?.dispose();
  await api?.dispose();
});

async function answer(yoga: CapstanYoga, query: string, variables: object, operationName?: string) {
  const response = await yoga.fetch('http://capstan.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${api.adminToken}` },
    body: JSON.stringify({ query, variables, operationName }),
  });
  return `${response.status} ${await response.text()}`;
}

/** Both edges' answers, each asked twice: graphql-jit compiles an operation when it runs a second time. */
async function bothWays(query: string, variables: object = {}, operationName?: string) {
  const expected = await answer(interpreted, query, variables, operationName);
  await answer(api.yoga, query, variables, operationName);
  return { expected, actual: await answer(api.yoga, query, variables, operationName) };
}

describe('queries executed with graphql-jit', () => {
  it('answer every query the SDK ships exactly as the regular executor does', async () => {
    const queries = Object.entries(sdk)
      .filter(([name, document]) => name.endsWith('Document') && String(document).trimStart().startsWith('query'))
      .map(([name, document]) => [name, String(document)] as const);
    expect(queries.length).toBeGreaterThan(15);
    for (const [name, query] of queries) {
      const { expected, actual } = await bothWays(query, { namespace: 'default', name: 'web' });
      expect(actual, name).toBe(expected);
    }
  });

  it('answer errors, bad variables and introspection exactly as the regular executor does', async () => {
    const cases: [string, object][] = [
      ['{ pod(name: "missing") { metadata { name } } }', {}],
      ['query ($n: Int) { pods(first: $n) { items { metadata { name } } } }', { n: 'x' }],
      ['query ($n: Int!) { pods(first: $n) { items { metadata { name } } } }', {}],
      ['{ pods(labelSelector: "a in (") { items { metadata { name } } } }', {}],
      [
        '{ pods(first: 2) { continue items { metadata { name } owner { kind } rootOwner { kind } node { kind } } } }',
        {},
      ],
      ['{ __schema { queryType { name } types { name kind fields { name } } } }', {}],
    ];
    for (const [query, variables] of cases) {
      const { expected, actual } = await bothWays(query, variables);
      expect(actual, query).toBe(expected);
    }
  });
});
