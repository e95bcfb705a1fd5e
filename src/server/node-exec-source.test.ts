import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testNodePki, type TestNodePki } from '../../test/support/node-pki.ts';
import { CapstanError } from '../api/errors.ts';
import type { Node, Pod } from '../api/types.ts';
import { startLogServer, type LogServer } from '../node/node-endpoint-server.ts';
import type { ExecOutput, ExecRequest, ExecSource } from '../resolvers/exec.ts';
import type { Store } from '../store/store.ts';
import { createLogger } from '../util/logger.ts';
import { NodeExecSource } from './node-exec-source.ts';

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

let pki: TestNodePki;
beforeAll(async () => {
  pki = await testNodePki();
});
afterAll(() => pki?.dispose());

let server: LogServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A node endpoint whose agent runs commands with `run`, and an API-side source that reaches it. */
async function nodeWith(run: (request: ExecRequest) => Promise<ExecOutput>, nodeName = 'n1') {
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
    tls: await pki.node(nodeName),
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
  const source = new NodeExecSource({ store, dialer: pki.dialer });
  return { source, requests, port: server.port };
}

const request = (command: string[]): ExecRequest => ({ container: 'app', command, timeoutSeconds: 5 });

describe('NodeExecSource with the node endpoint', () => {
  it("runs the command through the node's endpoint over mutual TLS", async () => {
    const { source, requests } = await nodeWith(async () => OUTPUT);
    expect(await source.exec(pod, request(['sh', '-c', 'x']))).toEqual(OUTPUT);
    expect(await source.exec(pod, request(['sh', '-c', 'x']))).toEqual(OUTPUT);
    expect(requests.map((r) => [r.container, r.command, r.timeoutSeconds])).toEqual([
      ['app', ['sh', '-c', 'x'], 5],
      ['app', ['sh', '-c', 'x'], 5],
    ]);
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

  it('sends nothing to an endpoint serving the certificate of another node', async () => {
    const { source, requests } = await nodeWith(async () => OUTPUT, 'n2');
    await expect(source.exec(pod, request(['true']))).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/presented the certificate of "system:node:n2", not of node n1/),
    });
    expect(requests).toEqual([]);
  });

  it('answers 400 to a body without a usable command, and 405 to GET', async () => {
    const { port } = await nodeWith(async () => OUTPUT);
    const path = '/exec/default/web/app';
    const call = async (method: string, body = '') => {
      const { callDigest } = await import('../pki/node-endpoint-tls.ts');
      const auth = await pki.dialer.authorize('n1', {
        verb: 'exec',
        namespace: 'default',
        pod: 'web',
        container: 'app',
        call: callDigest(method, path, body),
      });
      const { request: httpsRequest } = await import('node:https');
      return new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpsRequest(
          {
            host: '127.0.0.1',
            port,
            path,
            method,
            agent: pki.dialer.agent('n1'),
            headers: { authorization: `Bearer ${auth}` },
          },
          (res) => {
            let text = '';
            res.on('data', (chunk: Buffer) => (text += chunk.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    };
    const empty = await call('POST', JSON.stringify({ command: [] }));
    expect(empty.status).toBe(400);
    expect((JSON.parse(empty.body) as { error: { message: string } }).error.message).toMatch(/command: must name/);
    expect((await call('POST', 'not json')).status).toBe(400);
    expect((await call('POST', JSON.stringify({ command: [1] }))).status).toBe(400);
    expect((await call('GET')).status).toBe(405);
  });

  it('refuses a pod that is not bound to a node', async () => {
    const { source } = await nodeWith(async () => OUTPUT);
    const unbound = { ...pod, spec: { containers: pod.spec!.containers } };
    await expect(source.exec(unbound, request(['true']))).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
