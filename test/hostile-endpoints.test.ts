import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../src/api/types.ts';
import { createBootstrapToken, createToken } from '../src/auth/tokens.ts';
import { startControllerManager } from '../src/controllers/controller-manager.ts';
import { ClusterPolicy } from '../src/security/cluster-policy.ts';
import { createCapstanYoga } from '../src/server/yoga.ts';
import { createLogger } from '../src/util/logger.ts';
import type { GraphQLResponse } from './api-support.ts';
import { newTestStore, waitFor } from './support/store.ts';

// The attack of issue 18: a node credential (a bootstrap token exchanged for a new node name) reports a pod's IP as
// 127.0.0.1 and Ready, and the Service selecting that pod then forwards to the node's own loopback: Capstan's Redis
// on 6379. Loopback, link-local and service-range addresses must never become endpoints, whoever writes them.

const SERVICE_CIDR = '10.98.0.0/16';
type TestStore = Awaited<ReturnType<typeof newTestStore>>;
let store: TestStore;
let yoga: ReturnType<typeof createCapstanYoga>;
let manager: ReturnType<typeof startControllerManager>;
let admin: string;
let nodeToken: string;
const nodeName = `evil-${randomBytes(3).toString('hex')}`;
const namespace = `hostile-ep-${randomBytes(3).toString('hex')}`;

async function gql<T = Record<string, unknown>>(
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLResponse<T>> {
  const response = await yoga.fetch('http://capstan.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLResponse<T>;
}

const UPDATE_STATUS = `mutation($namespace: String!, $name: String!, $status: PodStatusInput!) {
  updatePodStatus(namespace: $namespace, name: $name, status: $status) { metadata { name } }
}`;

function runningReady(podIP: string) {
  return { phase: 'Running', podIP, conditions: [{ type: 'Ready', status: 'True' }] };
}

async function boundPod(name: string): Promise<Pod> {
  return store.create('Pod', {
    kind: 'Pod',
    metadata: { name, namespace, labels: { app: 'cache' } },
    spec: { nodeName, containers: [{ name: 'redis', image: 'capstan/hello', ports: [{ containerPort: 6379 }] }] },
  });
}

function endpointIPs(): Promise<string[]> {
  return store
    .tryGet('Endpoints', namespace, 'cache')
    .then((ep) =>
      (ep?.subsets ?? []).flatMap((s) => [...(s.addresses ?? []), ...(s.notReadyAddresses ?? [])].map((a) => a.ip)),
    );
}

beforeAll(async () => {
  store = await newTestStore({ admission: [new ClusterPolicy({ serviceCidr: SERVICE_CIDR })] });
  yoga = createCapstanYoga({ store, logger: createLogger({ level: 'silent' }), maxCost: 1_000_000 });
  admin = (await createToken(store, { role: 'admin', description: 'hostile endpoints admin' })).token;
  const bootstrap = await createBootstrapToken(store, { description: 'hostile endpoints join' });
  const joined = await gql<{ joinNode: { token: string } }>(
    bootstrap.token,
    'mutation($n: String!) { joinNode(nodeName: $n) { token } }',
    { n: nodeName },
  );
  expect(joined.errors).toBeUndefined();
  nodeToken = joined.data!.joinNode.token;
  await store.create('Namespace', { kind: 'Namespace', metadata: { name: namespace }, spec: {} });
  await store.create('Service', {
    kind: 'Service',
    metadata: { name: 'cache', namespace },
    spec: { selector: { app: 'cache' }, ports: [{ port: 6379, targetPort: 6379 }] },
  });
  manager = startControllerManager({ store, leaderElection: false });
});

afterAll(async () => {
  await manager?.stop();
  await store?.dispose();
});

describe('endpoint addresses from hostile writers', () => {
  it("refuses a node's report of a loopback pod IP, and the Service never points at the node's Redis", async () => {
    await boundPod('evil');
    await boundPod('honest');
    const attack = await gql(nodeToken, UPDATE_STATUS, { namespace, name: 'evil', status: runningReady('127.0.0.1') });
    expect(attack.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(attack.errors?.[0]?.message).toMatch(/status\.podIP.*loopback/);
    expect((await store.get('Pod', namespace, 'evil')).status?.podIP).toBeUndefined();

    // A pod reported honestly by the same node does become an endpoint; the loopback one never did.
    const honest = await gql(nodeToken, UPDATE_STATUS, {
      namespace,
      name: 'honest',
      status: runningReady('10.244.7.9'),
    });
    expect(honest.errors).toBeUndefined();
    await waitFor(async () => (await endpointIPs()).includes('10.244.7.9'), { message: 'honest endpoint' });
    expect(await endpointIPs()).toEqual(['10.244.7.9']);
  });

  it('refuses link-local and service-range pod IPs from a node', async () => {
    await boundPod('meta');
    for (const ip of ['169.254.169.254', '10.98.0.1']) {
      const result = await gql(nodeToken, UPDATE_STATUS, { namespace, name: 'meta', status: runningReady(ip) });
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).toContain('status.podIP');
    }
  });

  it('refuses Endpoints written by an admin that point at loopback, link-local or the service range', async () => {
    const create = `mutation($e: EndpointsInput!) { createEndpoints(endpoints: $e) { metadata { name } } }`;
    for (const ip of ['127.0.0.1', '169.254.0.1', '10.98.0.10', '224.0.0.251']) {
      const result = await gql(admin, create, {
        e: {
          metadata: { name: `manual-${ip.replace(/\./g, '-')}`, namespace },
          subsets: [{ addresses: [{ ip }], ports: [{ port: 6379 }] }],
        },
      });
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).toContain('subsets[0].addresses[0].ip');
      expect(await store.tryGet('Endpoints', namespace, `manual-${ip.replace(/\./g, '-')}`)).toBeUndefined();
    }
  });
});
