import { afterEach, describe, expect, it } from 'vitest';
import { CapstanError } from '../api/errors.ts';
import type { Node, Pod } from '../api/types.ts';
import { startLogServer, type LogServer } from '../node/log-server.ts';
import type { ExecOutput, ExecRequest, ExecSource } from '../resolvers/exec.ts';
import type { Store } from '../store/store.ts';
import { createLogger } from '../util/logger.ts';
import type { Identity } from '../auth/identity.ts';
import { NodeExecSource } from './node-exec-source.ts';

const ADMIN = 'adminx.0123456789abcdef';
const VIEWER = 'viewer.0123456789abcdef';
const pod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web',
    namespace: 'default',
    uid: 'u1',
    resourceVersion: '1',
    generation: 1,
    creationTimestamp: '',
  },
  spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'x' }] },
};
const OUTPUT: ExecOutput = { stdout: 'out\n', stderr: 'é\n', exitCode: 3, timedOut: false, truncated: false };

let server: LogServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A node endpoint whose agent runs commands with `run`, and an API-side source that reaches it with `token`. */
async function nodeWith(run: (request: ExecRequest) => Promise<ExecOutput>, token = ADMIN) {
  const requests: ExecRequest[] = [];
  const execSource: ExecSource = {
    exec: (_pod, request) => {
      requests.push(request);
      return run(request);
    },
  };
  server = await startLogServer({
    host: '127.0.0.1',
    port: 0,
    nodeName: 'n1',
    target: () => ({
      logSource: { stream: () => Promise.reject(new CapstanError('UNAVAILABLE', 'no logs in this test')) },
      execSource,
      findPod: (ns, name) => (ns === 'default' && name === 'web' ? pod : undefined),
    }),
    authenticate: async (presented): Promise<Identity> => {
      if (presented === ADMIN) return { role: 'admin', tokenName: 'adminx' };
      if (presented === VIEWER) return { role: 'viewer', tokenName: 'viewer' };
      throw new CapstanError('UNAUTHENTICATED', 'unknown token');
    },
    logger: createLogger({ level: 'silent' }),
  });
  const node = {
    metadata: { name: 'n1' },
    status: {
      addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
      daemonEndpoints: { kubeletEndpoint: { Port: server.port } },
    },
  } as Node;
  const store = { tryGet: async () => node } as unknown as Store;
  const credentials: { ttlSeconds: number; released: boolean }[] = [];
  const source = new NodeExecSource({
    store,
    credential: async (ttlSeconds) => {
      const record = { ttlSeconds, released: false };
      credentials.push(record);
      return { token, release: async () => void (record.released = true) };
    },
  });
  return { source, requests, credentials, url: `http://127.0.0.1:${server.port}/exec/default/web/app` };
}

const request = (command: string[]): ExecRequest => ({ container: 'app', command, timeoutSeconds: 5 });

describe('NodeExecSource with the node endpoint', () => {
  it("runs the command through the node's endpoint with a credential released afterwards", async () => {
    const { source, requests, credentials } = await nodeWith(async () => OUTPUT);
    expect(await source.exec(pod, request(['sh', '-c', 'x']))).toEqual(OUTPUT);
    expect(requests.map((r) => [r.container, r.command, r.timeoutSeconds])).toEqual([['app', ['sh', '-c', 'x'], 5]]);
    expect(credentials).toEqual([{ ttlSeconds: expect.any(Number), released: true }]);
    expect(credentials[0]!.ttlSeconds).toBeGreaterThan(5);
  });

  it("passes the node's NOT_FOUND and CONFLICT on with its message", async () => {
    const notRunning = new CapstanError('CONFLICT', 'unable to upgrade connection: container not running ("app")');
    const { source } = await nodeWith(() => Promise.reject(notRunning));
    await expect(source.exec(pod, request(['true']))).rejects.toMatchObject({
      code: 'CONFLICT',
      message: notRunning.message,
    });
    const other = { ...pod, metadata: { ...pod.metadata, name: 'gone' } };
    await expect(source.exec(other, request(['true']))).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'pod default/gone is not on node n1',
    });
  });

  it('says the node refused a credential that is not an admin one', async () => {
    const { source, requests } = await nodeWith(async () => OUTPUT, VIEWER);
    await expect(source.exec(pod, request(['true']))).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/refused this API server's credential \(HTTP 403\).*role viewer/),
    });
    expect(requests).toEqual([]);
  });

  it('answers 400 to a body without a usable command, and 405 to GET', async () => {
    const { url } = await nodeWith(async () => OUTPUT);
    const post = (body: string) => fetch(url, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` }, body });
    const empty = await post(JSON.stringify({ command: [] }));
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: { message: string } }).error.message).toMatch(/command: must name/);
    expect((await post('not json')).status).toBe(400);
    expect((await post(JSON.stringify({ command: [1] }))).status).toBe(400);
    expect((await fetch(url, { headers: { authorization: `Bearer ${ADMIN}` } })).status).toBe(405);
  });

  it('refuses a pod that is not bound to a node', async () => {
    const { source } = await nodeWith(async () => OUTPUT);
    const unbound = { ...pod, spec: { containers: pod.spec!.containers } };
    await expect(source.exec(unbound, request(['true']))).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
