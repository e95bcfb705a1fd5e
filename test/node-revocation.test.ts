import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Node, Pod } from '../src/api/types.ts';
import { createBootstrapToken } from '../src/auth/tokens.ts';
import { startControlPlane, type ControlPlane } from '../src/app/up.ts';
import { startLogServer, type LogServer, type LogServerTarget } from '../src/node/node-endpoint-server.ts';
import { GraphQLStore } from '../src/remote/graphql-store.ts';
import { obtainNodeCredential, obtainNodeServingIdentity } from '../src/remote/node-credentials.ts';
import * as sdk from '../src/sdk/index.ts';
import { createLogger } from '../src/util/logger.ts';
import { deletePrefix, uniquePrefix } from './support/store.ts';

// Deleting a Node revokes what its node was given: the node credential (token) and the serving certificate of its
// endpoint. A real control plane on Redis, a node that joined through the API with a bootstrap token and got its
// certificate by CSR, and its endpoint on loopback (the agent behind it is in memory: pod rv-pod, container c).

const silent = createLogger({ level: 'silent' });
let dir: string;
let prefix: string;
let plane: ControlPlane;
let admin: sdk.CapstanClient;
const endpoints: LogServer[] = [];
const stores: GraphQLStore[] = [];

/** The agent behind an endpoint: one pod whose log says which machine served it. */
function agentOf(machine: string): LogServerTarget {
  return {
    findPod: (namespace, name) =>
      namespace === 'default' && name === 'rv-pod'
        ? ({ kind: 'Pod', metadata: { name, namespace }, spec: { containers: [{ name: 'c', image: 'x' }] } } as Pod)
        : undefined,
    logSource: {
      async *stream(_pod, options) {
        yield { container: options.container, text: `served by ${machine}` };
      },
    },
    execSource: {
      exec: async () => ({ stdout: machine, stderr: '', exitCode: 0, timedOut: false, truncated: false }),
    },
  };
}

/** A machine joining as `nodeName` with a bootstrap token, as `capstan node` does, and serving its endpoint. */
async function joinAs(machine: string, nodeName: string) {
  const bootstrap = await createBootstrapToken(plane.store, { description: `join ${machine}` });
  const credential = await obtainNodeCredential({
    server: plane.api.url,
    token: bootstrap.token,
    nodeName,
    dir: join(dir, machine),
  });
  const tls = await obtainNodeServingIdentity({
    server: plane.api.url,
    credential,
    nodeName,
    addresses: ['127.0.0.1'],
  });
  const endpoint = await startLogServer({
    host: '127.0.0.1',
    port: 0,
    nodeName,
    target: () => agentOf(machine),
    tls,
    logger: silent,
  });
  endpoints.push(endpoint);
  const store = new GraphQLStore({ server: plane.api.url, token: credential.token, logger: silent });
  stores.push(store);
  return { credential, endpoint, store };
}

function nodeObject(nodeName: string, port: number): Node {
  return {
    kind: 'Node',
    metadata: { name: nodeName },
    spec: {},
    status: {
      addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
      daemonEndpoints: { kubeletEndpoint: { Port: port } },
    },
  } as Node;
}

/** Points node `nodeName`'s status at `port`, retrying the conflicts with controllers writing the Node too. */
async function moveEndpoint(store: GraphQLStore, nodeName: string, port: number): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await store.mutate(
        'Node',
        undefined,
        nodeName,
        (node) => ({ ...node, status: { ...node.status, ...nodeObject(nodeName, port).status } }),
        { status: true },
      );
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'CONFLICT' || attempt >= 20) throw err;
    }
  }
}

async function logsOf(name: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const { podLogs } of admin.subscribe(sdk.PodLogsDocument, { namespace: 'default', name })) {
    lines.push(podLogs.text);
  }
  return lines;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'capstan-node-revocation-'));
  prefix = uniquePrefix('node-revocation');
  plane = await startControlPlane(
    { host: '127.0.0.1', port: 0, securePort: 0, dnsPort: 0, logPort: 0, prefix, pkiDir: join(dir, 'pki') },
    { env: { CAPSTAN_CONFIG: join(dir, 'config') }, controllers: { leaderElection: {} } },
  );
  admin = sdk.createCapstanClient({ url: plane.api.url, token: plane.adminToken });
}, 60_000);

afterAll(async () => {
  for (const endpoint of endpoints) await endpoint.close();
  for (const store of stores) await store.close();
  await admin?.close();
  await plane?.stop();
  await deletePrefix(prefix);
  await rm(dir, { recursive: true, force: true });
});

describe('deleting a node revokes its credential and certificate', () => {
  it("refuses the deleted node's token and certificate, and lets the name join again as a new node", async () => {
    const old = await joinAs('old-machine', 'rv-node');
    await old.store.create('Node', nodeObject('rv-node', old.endpoint.port));
    await plane.store.create('Pod', {
      kind: 'Pod',
      metadata: { name: 'rv-pod', namespace: 'default' },
      spec: { nodeName: 'rv-node', containers: [{ name: 'c', image: 'x' }] },
    });
    expect(await logsOf('rv-pod')).toEqual(['served by old-machine']);

    await admin.request(sdk.DeleteNodeDocument, { name: 'rv-node' });

    // The old node's credential is refused at once: it can neither read nor register the name again.
    const oldClient = sdk.createCapstanClient({ url: plane.api.url, token: old.credential.token });
    await expect(oldClient.request(sdk.WhoamiDocument)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await oldClient.close();
    await expect(old.store.create('Node', nodeObject('rv-node', old.endpoint.port))).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    expect(await plane.store.tryGet('Node', undefined, 'rv-node')).toBeUndefined();

    // The name joins again with a fresh bootstrap token, as a new node with a credential of its own.
    const fresh = await joinAs('new-machine', 'rv-node');
    expect(fresh.credential.name).not.toBe(old.credential.name);
    // The new node's status names the address where the old machine still serves with its old certificate (an
    // address the old machine kept or took over): the API server must not trust that certificate any more.
    await fresh.store.create('Node', nodeObject('rv-node', old.endpoint.port));
    await expect(logsOf('rv-pod')).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/certificate .*revoked/),
    });
    // At its own endpoint the new node serves its own certificate, which is trusted.
    await moveEndpoint(fresh.store, 'rv-node', fresh.endpoint.port);
    expect(await logsOf('rv-pod')).toEqual(['served by new-machine']);
  });
});
