import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Node, Pod } from '../src/api/types.ts';
import { NODE_LEASE_NAMESPACE } from '../src/auth/authorize.ts';
import { createBootstrapToken, createToken } from '../src/auth/tokens.ts';
import { DockerRuntime } from '../src/node/docker-runtime.ts';
import { GraphQLStore } from '../src/remote/graphql-store.ts';
import * as sdk from '../src/sdk/index.ts';
import { startApiServer, type ApiServer } from '../src/server/http-server.ts';
import { callDigest } from '../src/pki/node-endpoint-tls.ts';
import { NodeExecSource } from '../src/server/node-exec-source.ts';
import { NodeLogSource } from '../src/server/node-log-source.ts';
import { createLogger } from '../src/util/logger.ts';
import { testNodePki, type TestNodePki } from './support/node-pki.ts';
import { newTestStore, waitFor } from './support/store.ts';

const run = promisify(execFile);
const CAPSTAN = new URL('../bin/capstan.mjs', import.meta.url).pathname;

let store: Awaited<ReturnType<typeof newTestStore>>;
let api: ApiServer;
let adminToken: string;
let admin: GraphQLStore;
let client: sdk.CapstanClient;
let home: string;
let node: ReturnType<typeof startNode> | undefined;
const nodeName = `rl-${randomBytes(4).toString('hex')}`;
const subnetOctet = 100 + Math.floor(Math.random() * 151);
const podName = `hello-${randomBytes(3).toString('hex')}`;
let pod: Pod;
let logEndpoint: string;
let pki: TestNodePki;

/** `capstan node` as its own process, serving logs on a free port. */
function startNode(token: string) {
  const child = spawn(
    process.execPath,
    [
      CAPSTAN,
      'node',
      '--server',
      api.url,
      '--token',
      token,
      '--name',
      nodeName,
      '--address',
      '127.0.0.1',
      '--log-port',
      '0',
    ],
    {
      env: {
        ...process.env,
        HOME: home,
        CAPSTAN_LOG_FORMAT: 'json',
        CAPSTAN_POD_SUBNET: `10.244.${subnetOctet}.0/24`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output.slice(-4000) };
}

async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function nodeContainers(): Promise<string[]> {
  const { stdout } = await run('docker', ['ps', '-aq', '--filter', `label=io.capstan.node=${nodeName}`]);
  return stdout.split('\n').filter(Boolean);
}

/** Sends one request to the pod (through its published host port), which makes it log one line. */
async function requestPod(path: string): Promise<void> {
  const mapping = pod.status?.hostPorts?.find((p) => p.containerPort === 80);
  const url = mapping ? `http://${mapping.hostIP}:${mapping.hostPort}${path}` : `http://${pod.status!.podIP}${path}`;
  const res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  expect(res.status).toBe(200);
  await res.text();
}

/** The podLogs subscription's lines, or the error that ended it. */
async function podLogs(
  variables: Partial<sdk.PodLogsSubscriptionVariables>,
): Promise<{ lines: string[]; error?: sdk.CapstanClientError }> {
  const lines: string[] = [];
  try {
    const stream = client.subscribe(sdk.PodLogsDocument, { namespace: 'default', name: podName, ...variables });
    for await (const { podLogs: line } of stream) lines.push(line.text);
    return { lines };
  } catch (err) {
    if (err instanceof sdk.CapstanClientError) return { lines, error: err };
    throw err;
  }
}

beforeAll(async () => {
  store = await newTestStore();
  await store.create('Namespace', { kind: 'Namespace', metadata: { name: NODE_LEASE_NAMESPACE } });
  ({ token: adminToken } = await createToken(store, { role: 'admin', description: 'remote logs test' }));
  pki = await testNodePki();
  const logSource = new NodeLogSource({ store, dialer: pki.dialer });
  const execSource = new NodeExecSource({ store, dialer: pki.dialer });
  api = await startApiServer({
    store,
    port: 0,
    logger: createLogger({ level: 'silent' }),
    contextExtras: { logSource, execSource, nodeCertificates: pki.signer },
  });
  admin = new GraphQLStore({ server: api.url, token: adminToken });
  client = sdk.createCapstanClient({ url: api.url, token: adminToken });
  home = await mkdtemp(join(tmpdir(), 'capstan-remote-logs-'));

  const bootstrap = await createBootstrapToken(store, { description: 'remote logs test' });
  node = startNode(bootstrap.token);
  const ready: Node = await waitFor(
    async () => {
      if (node!.child.exitCode !== null) throw new Error(`capstan node exited with ${node!.child.exitCode}`);
      const found = await admin.tryGet('Node', undefined, nodeName);
      const isReady = found?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      return isReady && found?.status?.daemonEndpoints?.kubeletEndpoint?.Port ? found : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 250, message: 'the joined node to be Ready with a log endpoint' },
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n${node!.output()}`);
  });
  logEndpoint = `https://127.0.0.1:${ready.status!.daemonEndpoints!.kubeletEndpoint!.Port}`;

  await admin.create('Pod', {
    kind: 'Pod',
    metadata: { name: podName, namespace: 'default' },
    spec: {
      nodeName,
      containers: [
        { name: 'hello', image: 'capstan/hello:latest', imagePullPolicy: 'Never', ports: [{ containerPort: 80 }] },
      ],
    },
  });
  pod = await waitFor(
    async () => {
      const current = await admin.get('Pod', 'default', podName);
      return current.status?.phase === 'Running' && current.status.podIP ? current : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 250, message: 'the pod to run on the joined node' },
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n${node!.output()}`);
  });
}, 150_000);

afterAll(async () => {
  if (node && node.child.exitCode === null) {
    node.child.kill('SIGTERM');
    await withDeadline(node.exited, 20_000, 'the node process to stop').catch(() => node?.child.kill('SIGKILL'));
  }
  const leftovers = await nodeContainers().catch(() => []);
  if (leftovers.length > 0) await run('docker', ['rm', '-f', ...leftovers]).catch(() => undefined);
  await new DockerRuntime().removeNodeNetwork(nodeName).catch(() => undefined);
  await client?.close();
  await admin?.close();
  await api?.close();
  await store?.dispose();
  if (home) await rm(home, { recursive: true, force: true });
  await pki?.dispose();
}, 60_000);

/** A request to the joined node's endpoint as the API server makes it (its client certificate), or without one. */
async function callNode(
  method: string,
  path: string,
  options: { verb?: string; pod?: string; body?: string; asApiServer?: boolean } = {},
): Promise<{ status: number; body: string }> {
  const { request } = await import('node:https');
  const { asApiServer = true, body = '' } = options;
  const [, verb, , name, container] = path.split('?')[0]!.split('/');
  const auth = await pki.dialer.authorize(nodeName, {
    verb: options.verb ?? verb!,
    namespace: 'default',
    pod: options.pod ?? name!,
    container: container!,
    call: callDigest(method, path, body),
  });
  const url = new URL(logEndpoint);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: { authorization: `Bearer ${auth}` },
        ...(asApiServer ? { agent: pki.dialer.agent(nodeName) } : { ca: pki.ca.certPem }),
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
    req.end(body);
  });
}

describe('logs of a pod on a joined node', () => {
  it('prints the last line with `capstan logs POD --tail 1`, read through the API from the node', async () => {
    const { stdout } = await run(process.execPath, [CAPSTAN, 'logs', podName, '--tail', '1'], {
      env: { ...process.env, HOME: home, CAPSTAN_SERVER: api.url, CAPSTAN_TOKEN: adminToken },
      timeout: 30_000,
    });
    expect(stdout).toBe(`hello: ${podName} listening on ${pod.status!.podIP}:80\n`);
  });

  it('follows the log: a request to the pod arrives as a new line', async () => {
    const stream = client.subscribe(sdk.PodLogsDocument, {
      namespace: 'default',
      name: podName,
      follow: true,
      tailLines: 1,
    });
    try {
      // The last line arriving means the node's follow stream is open.
      const first = await withDeadline(stream.next(), 15_000, 'the last line of the log');
      expect(first.value?.podLogs.text).toMatch(/^hello: .* listening on/);
      const path = `/follow-${randomBytes(3).toString('hex')}`;
      await requestPod(path);
      const next = await withDeadline(stream.next(), 15_000, 'the line of the request');
      expect(next.value?.podLogs.text).toMatch(new RegExp(`GET ${path} 200$`));
      expect(next.value?.podLogs.timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
    } finally {
      await stream.close();
    }
  });

  it('says a pod that is not scheduled yet has no logs', async () => {
    const name = `pending-${randomBytes(3).toString('hex')}`;
    await admin.create('Pod', {
      kind: 'Pod',
      metadata: { name, namespace: 'default' },
      spec: { containers: [{ name: 'c', image: 'capstan/hello:latest' }] },
    });
    try {
      const { error } = await podLogs({ name });
      expect(error?.code).toBe('NOT_FOUND');
      expect(error?.message).toMatch(/not scheduled to a node yet/);
    } finally {
      await admin.delete('Pod', 'default', name, { gracePeriodSeconds: 0 });
    }
  });
});

describe("the node's endpoint over mutual TLS", () => {
  const path = () => `/containerLogs/default/${podName}/hello?tailLines=1`;

  it('serves TLS with the certificate the cluster CA issued to this node from its CSR', async () => {
    const { connect } = await import('node:tls');
    const url = new URL(logEndpoint);
    const socket = connect({ host: url.hostname, port: Number(url.port), ca: pki.ca.certPem });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('secureConnect', resolve);
        socket.once('error', reject);
      });
      const cert = socket.getPeerX509Certificate()!;
      expect(cert.subject).toBe(`CN=system:node:${nodeName}`);
      expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
      expect(cert.checkIssued(new (await import('node:crypto')).X509Certificate(pki.ca.certPem))).toBe(true);
    } finally {
      socket.destroy();
    }
  });

  it("refuses a caller without the API server's client certificate, even with the admin token", async () => {
    const plain = await fetch(`${logEndpoint.replace('https:', 'http:')}${path()}`, {
      headers: { authorization: `Bearer ${adminToken}` },
      signal: AbortSignal.timeout(5_000),
    }).catch((err: Error) => err);
    expect(plain instanceof Error ? 'refused' : plain.status).not.toBe(200);
    await expect(callNode('GET', path(), { asApiServer: false })).rejects.toThrow();
  });

  it("answers the API server's call with NDJSON log records", async () => {
    const uri = `/direct-${randomBytes(3).toString('hex')}`;
    await requestPod(uri);
    // The pod writes its request line after answering: read until it is there.
    const records = await waitFor(
      async () => {
        const res = await callNode('GET', path());
        expect(res.status).toBe(200);
        const parsed = res.body
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as { text: string; timestamp?: string });
        return parsed[0]?.text.endsWith(`GET ${uri} 200`) ? parsed : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100, message: 'the request line as the last log record' },
    );
    expect(records).toHaveLength(1);
    expect(records[0]!.timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('answers 404 for a pod that is not on the node', async () => {
    expect((await callNode('GET', '/containerLogs/default/no-such-pod/c')).status).toBe(404);
  });
});

describe('exec in a pod on a joined node', () => {
  it("runs commands through the node's endpoint, with no token made for it", async () => {
    const exec = (command: string[]) =>
      client.request(sdk.ExecDocument, { namespace: 'default', name: podName, command });
    expect((await exec(['cat', '/etc/hostname'])).exec).toMatchObject({ stdout: `${podName}\n`, exitCode: 0 });
    expect((await exec(['sh', '-c', 'echo out; echo err >&2; exit 3'])).exec).toEqual({
      stdout: 'out\n',
      stderr: 'err\n',
      exitCode: 3,
      timedOut: false,
      truncated: false,
    });
    // No token is made for an exec call (the exec role is gone): the call authorization is all the node gets.
    expect((await store.list('Token')).items.filter((t) => (t.spec?.role as string) === 'exec')).toEqual([]);
  });

  it('refuses a call authorization for logs at the exec path, and one for another pod', async () => {
    const body = JSON.stringify({ command: ['touch', '/tmp/pwned'] });
    const asLogs = await callNode('POST', `/exec/default/${podName}/hello`, { verb: 'containerLogs', body });
    expect(asLogs.status).toBe(403);
    const forOther = await callNode('POST', `/exec/default/${podName}/hello`, { pod: 'other', body });
    expect(forOther.status).toBe(403);
    expect(forOther.body).toMatch(/FORBIDDEN.*pod other/);
  });
});

describe('logs when the node is gone', () => {
  it('says the node is not reachable for logs', async () => {
    node!.child.kill('SIGTERM');
    expect(await withDeadline(node!.exited, 30_000, 'capstan node to stop')).toBe(0);
    const { error } = await podLogs({ tailLines: 1 });
    expect(error?.code).toBe('UNAVAILABLE');
    expect(error?.message).toMatch(new RegExp(`node ${nodeName} is not reachable for logs: .*ECONNREFUSED`));
  });
});
