import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpsRequest, createServer as createHttpsServer, type Agent } from 'node:https';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../src/api/types.ts';
import { startControlPlane, type ControlPlane } from '../src/app/up.ts';
import { recordNodeCertificate } from '../src/auth/node-revocation.ts';
import { createToken } from '../src/auth/tokens.ts';
import { startLogServer, type LogServer, type LogServerTarget } from '../src/node/node-endpoint-server.ts';
import { issueCertificate, loadOrCreateClusterCa } from '../src/pki/cluster-ca.ts';
import {
  API_CLIENT_COMMON_NAME,
  callDigest,
  CallVerifier,
  NodeDialer,
  type TlsIdentity,
} from '../src/pki/node-endpoint-tls.ts';
import * as sdk from '../src/sdk/index.ts';
import { createLogger } from '../src/util/logger.ts';
import { deletePrefix, uniquePrefix } from './support/store.ts';

// Attacks on the node endpoint (port 10250) and the API server's calls to it, with a real control plane on Redis
// and real endpoints on loopback; the node agent behind the endpoint is in memory (pods p1 and p2, container c).

let dir: string;
let prefix: string;
let plane: ControlPlane;
let admin: sdk.CapstanClient;
let real: LogServer;
let caPem: string;
const silent = createLogger({ level: 'silent' });

const ran: string[][] = [];
const target: LogServerTarget = {
  findPod: (namespace, name) =>
    namespace === 'default' && ['p1', 'p2'].includes(name)
      ? ({ kind: 'Pod', metadata: { name, namespace }, spec: { containers: [{ name: 'c', image: 'x' }] } } as Pod)
      : undefined,
  logSource: {
    async *stream(pod, options) {
      yield { container: options.container, text: `log of ${pod.metadata.name}` };
    },
  },
  execSource: {
    exec: async (pod, req) => {
      ran.push([pod.metadata.name, ...req.command]);
      return { stdout: `ran in ${pod.metadata.name}`, stderr: '', exitCode: 0, timedOut: false, truncated: false };
    },
  },
};

/** A listener anyone on the network could run: it records what it is sent and answers nothing. */
interface Eavesdropper {
  server: Server;
  port: number;
  received: () => string;
  /** The bearer token in what it received, if any. */
  bearer: () => string | undefined;
  sockets: Set<Socket>;
}

async function eavesdropper(): Promise<Eavesdropper> {
  let data = Buffer.alloc(0);
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (chunk: Buffer) => (data = Buffer.concat([data, chunk])));
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const received = () => data.toString('latin1');
  return {
    server,
    port,
    sockets,
    received,
    bearer: () => /authorization:\s*Bearer\s+(\S+)/i.exec(received())?.[1],
  };
}

interface Answer {
  status: number;
  body: string;
}

/** One request to a node endpoint over TLS that trusts the cluster CA, with a client certificate or none. */
function callNode(
  port: number,
  method: string,
  path: string,
  options: { auth?: string; body?: string; client?: { certPem: string; keyPem: string }; agent?: Agent } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        ca: caPem,
        ...(options.agent ? { agent: options.agent } : {}),
        ...(options.client ? { cert: options.client.certPem, key: options.client.keyPem } : {}),
        headers: {
          ...(options.auth ? { authorization: `Bearer ${options.auth}` } : {}),
          ...(options.body ? { 'content-type': 'application/json' } : {}),
        },
        timeout: 10_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer')));
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * A node credential for `name` recording a certificate of that node, as a join and requestNodeCertificate leave it:
 * the API server dials only nodes whose certificate a live credential records (`certPem`: that one; default a new
 * one, so that the dialer gets as far as the handshake).
 */
async function credentialFor(name: string, certPem?: string): Promise<void> {
  const credential = await createToken(plane.store, { role: 'node', nodeName: name, ttlSeconds: 3600 });
  const cert = certPem ?? (await plane.nodePki.issueNodeIdentity(name, ['127.0.0.1'])).certPem;
  await recordNodeCertificate(plane.store, credential.name, cert);
}

async function registerNode(name: string, port: number): Promise<void> {
  if (name !== 'ne-real') await credentialFor(name);
  await plane.store.create('Node', {
    kind: 'Node',
    metadata: { name },
    spec: {},
    status: {
      addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
      daemonEndpoints: { kubeletEndpoint: { Port: port } },
    },
  });
}

async function bindPod(name: string, nodeName: string): Promise<void> {
  await plane.store.create('Pod', {
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName, containers: [{ name: 'c', image: 'x' }] },
  });
}

function execVia(name: string, command: string[]) {
  return admin.request(sdk.ExecDocument, { namespace: 'default', name, command });
}

async function logsVia(name: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const { podLogs } of admin.subscribe(sdk.PodLogsDocument, { namespace: 'default', name })) {
    lines.push(podLogs.text);
  }
  return lines;
}

async function waitUntil(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return check();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'capstan-node-tls-'));
  prefix = uniquePrefix('node-tls');
  plane = await startControlPlane(
    { host: '127.0.0.1', port: 0, securePort: 0, dnsPort: 0, logPort: 0, prefix, pkiDir: join(dir, 'pki') },
    { env: { CAPSTAN_CONFIG: join(dir, 'config') }, controllers: { leaderElection: {} } },
  );
  admin = sdk.createCapstanClient({ url: plane.api.url, token: plane.adminToken });
  caPem = (await loadOrCreateClusterCa(join(dir, 'pki'))).certPem;
  const realTls = await plane.nodePki.issueNodeIdentity('ne-real', ['127.0.0.1']);
  await credentialFor('ne-real', realTls.certPem);
  real = await startLogServer({
    host: '127.0.0.1',
    port: 0,
    nodeName: 'ne-real',
    target: () => target,
    tls: realTls,
    logger: silent,
  });
  await registerNode('ne-real', real.port);
  await bindPod('p1', 'ne-real');
  await bindPod('p2', 'ne-real');
}, 60_000);

afterAll(async () => {
  await real?.close();
  await admin?.close();
  await plane?.stop();
  await deletePrefix(prefix);
  await rm(dir, { recursive: true, force: true });
});

describe('attacks on the node endpoint', () => {
  it('gives a listener at the address a node wrote into its status no credential for exec or logs', async () => {
    const evil = await eavesdropper();
    try {
      await registerNode('ne-evil', evil.port);
      await bindPod('victim', 'ne-evil');
      const exec = execVia('victim', ['id']).catch((err: unknown) => err);
      // What reaches the listener before the API server gives up: it never answers.
      await waitUntil(() => evil.received().length > 0, 10_000);
      await waitUntil(() => evil.bearer() !== undefined, 1_000);
      for (const socket of evil.sockets) socket.destroy();
      await exec;
      const logs = logsVia('victim').catch((err: unknown) => err);
      await waitUntil(() => (evil.received().match(/containerLogs/g) ?? []).length > 0, 2_000);
      for (const socket of evil.sockets) socket.destroy();
      await logs;
      expect(evil.received()).not.toMatch(/authorization/i);
      expect(evil.bearer()).toBeUndefined();
    } finally {
      evil.server.close();
    }
  });

  it('refuses a caller without the API server client certificate, even with an admin token', async () => {
    const answers: string[] = [];
    const path = '/containerLogs/default/p1/c';
    const ca = await loadOrCreateClusterCa(join(dir, 'pki'));
    const asNode = await plane.nodePki.issueNodeIdentity('ne-other', ['127.0.0.1']);
    const asOther = await issueCertificate(ca, { commonName: 'someone', usage: 'client' });
    const attempts: [string, () => Promise<Answer>][] = [
      [
        'plain HTTP',
        async () => {
          const res = await fetch(`http://127.0.0.1:${real.port}${path}`, {
            headers: { authorization: `Bearer ${plane.adminToken}` },
            signal: AbortSignal.timeout(5_000),
          });
          return { status: res.status, body: await res.text() };
        },
      ],
      ['TLS without a client certificate', () => callNode(real.port, 'GET', path, { auth: plane.adminToken })],
      [
        "another node's certificate",
        () => callNode(real.port, 'GET', path, { auth: plane.adminToken, client: asNode }),
      ],
      [
        'a client certificate of the CA',
        () => callNode(real.port, 'GET', path, { auth: plane.adminToken, client: asOther }),
      ],
    ];
    for (const [what, attempt] of attempts) {
      const answer = await attempt().catch((err: Error) => err);
      answers.push(
        answer instanceof Error
          ? `${what}: refused (${answer.message})`
          : `${what}: HTTP ${answer.status}: ${answer.body}`,
      );
    }
    expect(answers.filter((a) => /HTTP 200/.test(a))).toEqual([]);
    // A node's serving certificate is not for clients: refused in the handshake.
    expect(answers[2]).toMatch(/refused/);
    expect(answers[3]).toMatch(/HTTP 401.*someone.{0,4} is not the API server's/);
  });

  it('refuses an exec credential captured for one pod when it is used for another', async () => {
    const evil = await eavesdropper();
    try {
      await registerNode('ne-evil2', evil.port);
      await bindPod('victim2', 'ne-evil2');
      const exec = execVia('victim2', ['id']).catch((err: unknown) => err);
      await waitUntil(() => evil.received().length > 0, 10_000);
      await waitUntil(() => evil.bearer() !== undefined, 1_000);
      const captured = evil.bearer();
      // While the captured call is held open, replay its credential against another node's pod.
      const replay = await fetch(`http://127.0.0.1:${real.port}/exec/default/p1/c`, {
        method: 'POST',
        headers: { authorization: `Bearer ${captured ?? 'none'}`, 'content-type': 'application/json' },
        body: JSON.stringify({ command: ['touch', '/pwned'] }),
        signal: AbortSignal.timeout(5_000),
      }).catch((err: Error) => err);
      for (const socket of evil.sockets) socket.destroy();
      await exec;
      expect(replay instanceof Error ? 'refused' : replay.status).not.toBe(200);
      expect(ran.filter((c) => c.includes('/pwned'))).toEqual([]);
    } finally {
      evil.server.close();
    }
  });

  it('sends nothing to an endpoint whose certificate is of another node, or does not cover the address', async () => {
    const impostor = await plane.nodePki.issueNodeIdentity('ne-real', ['127.0.0.1']);
    const stale = await plane.nodePki.issueNodeIdentity('ne-moved', ['10.99.0.7']);
    const seen: string[] = [];
    const servers = await Promise.all(
      [impostor, stale].map(async (tls: TlsIdentity) => {
        const server = createHttpsServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
          seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
          res.end('{}');
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        return server;
      }),
    );
    try {
      const port = (i: number) => (servers[i]!.address() as { port: number }).port;
      // An endpoint with a genuine certificate of node ne-real, registered as node ne-fake.
      await registerNode('ne-fake', port(0));
      await bindPod('fake-pod', 'ne-fake');
      // Node ne-moved got its certificate for 10.99.0.7; its status now says 127.0.0.1.
      await registerNode('ne-moved', port(1));
      await bindPod('moved-pod', 'ne-moved');
      const fake = await execVia('fake-pod', ['id']).catch((err: Error & { code?: string }) => err);
      expect(fake).toMatchObject({
        code: 'UNAVAILABLE',
        message: expect.stringMatching(/presented the certificate of "system:node:ne-real", not of node ne-fake/),
      });
      const moved = await logsVia('moved-pod').catch((err: Error & { code?: string }) => err);
      expect(moved).toMatchObject({
        code: 'UNAVAILABLE',
        message: expect.stringMatching(
          /certificate of node ne-moved does not cover the address 127\.0\.0\.1 it was dialled at \(it covers IP:10\.99\.0\.7, DNS:ne-moved\)/,
        ),
      });
      expect(seen).toEqual([]);
    } finally {
      for (const server of servers) server.close();
    }
  });

  it('binds a call authorization to one node, pod, container and request, and accepts it once', async () => {
    const { dialer } = plane.nodePki;
    const ca = await loadOrCreateClusterCa(join(dir, 'pki'));
    // The API server's own client certificate: the strongest caller short of its key.
    const client = await issueCertificate(ca, { commonName: API_CLIENT_COMMON_NAME, usage: 'client' });
    const body = JSON.stringify({ command: ['id'], timeoutSeconds: 5 });
    const scope = {
      verb: 'exec',
      namespace: 'default',
      pod: 'p1',
      container: 'c',
      call: callDigest('POST', '/exec/default/p1/c', body),
    };
    const exec = (pod: string, auth: string) =>
      callNode(real.port, 'POST', `/exec/default/${pod}/c`, { auth, body, agent: dialer.agent('ne-real') });
    ran.length = 0;
    // Used for another pod of the same node, or at another node: refused.
    const forP1 = await dialer.authorize('ne-real', scope);
    expect(await exec('p2', forP1)).toMatchObject({ status: 403 });
    const forOtherNode = await dialer.authorize('ne-evil', scope);
    expect(await exec('p1', forOtherNode)).toMatchObject({ status: 403, body: expect.stringMatching(/another node/) });
    // With another command than the one authorized: refused.
    const other = await callNode(real.port, 'POST', '/exec/default/p1/c', {
      auth: forP1,
      body: JSON.stringify({ command: ['touch', '/pwned'], timeoutSeconds: 5 }),
      agent: dialer.agent('ne-real'),
    });
    expect(other).toMatchObject({ status: 403, body: expect.stringMatching(/another request/) });
    // The call it was made for runs once; the same authorization again is refused.
    expect(await exec('p1', forP1)).toMatchObject({ status: 200 });
    expect(await exec('p1', forP1)).toMatchObject({ status: 403, body: expect.stringMatching(/used already/) });
    // Signed by the API server, presented by someone else with a client certificate of the same name: refused.
    const fresh = await dialer.authorize('ne-real', scope);
    const stolen = await callNode(real.port, 'POST', '/exec/default/p1/c', { auth: fresh, body, client });
    expect(stolen).toMatchObject({ status: 401, body: expect.stringMatching(/not one the API server signed/) });
    expect(ran).toEqual([['p1', 'id']]);
  });

  it('refuses a call authorization past its time on a node whose clock is ahead, naming the clocks', async () => {
    const verifier = new CallVerifier('ne-real', () => Date.now() + 10 * 60_000);
    const ca = await loadOrCreateClusterCa(join(dir, 'pki'));
    const client = await issueCertificate(ca, { commonName: API_CLIENT_COMMON_NAME, usage: 'client' });

    const dialer = new NodeDialer({ ...client, caPem: ca.certPem });
    const scope = {
      verb: 'containerLogs',
      namespace: 'default',
      pod: 'p1',
      container: 'c',
      call: callDigest('GET', '/x'),
    };
    const token = await dialer.authorize('ne-real', scope);
    const key = new X509Certificate(client.certPem).publicKey;
    await expect(verifier.verify(token, key, scope)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringMatching(/has expired: this node's clock reads .*clocks differ by more than 30 s/),
    });
    await new CallVerifier('ne-real').verify(token, key, scope);
    await expect(new CallVerifier('ne-real').verify(token, key, { ...scope, pod: 'p2' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    dialer.close();
  });
});
