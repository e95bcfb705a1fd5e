import { spawn, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapstanError } from '../src/api/errors.ts';
import type { Pod } from '../src/api/types.ts';
import { NODE_LEASE_NAMESPACE } from '../src/auth/authorize.ts';
import { createBootstrapToken, createToken } from '../src/auth/tokens.ts';
import { DockerRuntime } from '../src/node/docker-runtime.ts';
import { GraphQLStore } from '../src/remote/graphql-store.ts';
import { nodeCredentialPath } from '../src/remote/node-credentials.ts';
import { startApiServer, type ApiServer } from '../src/server/http-server.ts';
import { testNodePki, type TestNodePki } from './support/node-pki.ts';
import { createLogger } from '../src/util/logger.ts';
import { newTestStore, waitFor } from './support/store.ts';

const run = promisify(execFile);
const CAPSTAN = new URL('../bin/capstan.mjs', import.meta.url).pathname;

type TestStore = Awaited<ReturnType<typeof newTestStore>>;

let store: TestStore;
let api: ApiServer;
let admin: GraphQLStore;
let home: string;
let pki: TestNodePki;
const nodeName = `rn-${randomBytes(4).toString('hex')}`;
const subnetOctet = 100 + Math.floor(Math.random() * 151);
/** Its own loopback address and a free log port: `npm start` holds 127.0.0.1 and 10250 on the same machine. */
const nodeAddress = `127.0.${subnetOctet}.7`;
let bootstrap: { token: string; name: string } | undefined;
let node: ReturnType<typeof startNode> | undefined;

/** Runs `capstan node` as its own process, as a user would on another machine. */
function startNode(token: string, name: string, env: Record<string, string> = {}) {
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
      name,
      '--address',
      nodeAddress,
      '--log-port',
      '0',
    ],
    {
      env: { ...process.env, HOME: home, CAPSTAN_LOG_LEVEL: 'info', CAPSTAN_LOG_FORMAT: 'json', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => `--- stdout\n${stdout.slice(-4000)}\n--- stderr\n${stderr}`,
    stderr: () => stderr,
    stdout: () => stdout,
  };
}

async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function nodeContainers(name: string): Promise<string[]> {
  const { stdout } = await run('docker', ['ps', '-aq', '--filter', `label=io.capstan.node=${name}`]);
  return stdout.split('\n').filter(Boolean);
}

beforeAll(async () => {
  store = await newTestStore();
  await store.create('Namespace', { kind: 'Namespace', metadata: { name: NODE_LEASE_NAMESPACE } });
  pki = await testNodePki();
  api = await startApiServer({
    store,
    port: 0,
    logger: createLogger({ level: 'silent' }),
    contextExtras: { nodeCertificates: pki.signer },
  });
  const { token } = await createToken(store, { role: 'admin', description: 'remote node test' });
  admin = new GraphQLStore({ server: api.url, token });
  home = await mkdtemp(join(tmpdir(), 'capstan-remote-node-'));
});

afterAll(async () => {
  if (node && node.child.exitCode === null) {
    node.child.kill('SIGTERM');
    await withDeadline(node.exited, 20_000, 'the node process to stop').catch(() => node?.child.kill('SIGKILL'));
  }
  const leftovers = await nodeContainers(nodeName).catch(() => []);
  if (leftovers.length > 0) await run('docker', ['rm', '-f', ...leftovers]).catch(() => undefined);
  await new DockerRuntime().removeNodeNetwork(nodeName).catch(() => undefined);
  await admin?.close();
  await api?.close();
  await store?.dispose();
  if (home) await rm(home, { recursive: true, force: true });
  await pki?.dispose();
});

describe('capstan node on a remote API', () => {
  it('joins with a bootstrap token, saves its credential and registers a Ready node', async () => {
    bootstrap = await createBootstrapToken(store, { description: 'remote node test' });
    node = startNode(bootstrap.token, nodeName, { CAPSTAN_POD_SUBNET: `10.244.${subnetOctet}.0/24` });
    const ready = await waitFor(
      async () => {
        if (node!.child.exitCode !== null)
          throw new Error(`capstan node exited with ${node!.child.exitCode}\n${node!.output()}`);
        const found = await admin.tryGet('Node', undefined, nodeName);
        return found?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? found : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, message: 'the joined node to be Ready' },
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${node!.output()}`);
    });
    expect(ready.spec?.podCIDR).toBe(`10.244.${subnetOctet}.0/24`);
    expect(ready.status?.addresses).toContainEqual({ type: 'InternalIP', address: nodeAddress });

    const lease = await waitFor(() => admin.tryGet('Lease', NODE_LEASE_NAMESPACE, nodeName), {
      message: 'the node lease',
    });
    expect(lease.spec?.holderIdentity).toBe(nodeName);

    const path = nodeCredentialPath(nodeName, join(home, '.capstan'));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const saved = parse(await readFile(path, 'utf8')) as { token: string; nodeName: string };
    expect(saved.nodeName).toBe(nodeName);
    expect(saved.token).not.toBe(bootstrap.token);
    const nodeTokens = await store.list('Token', { labelSelector: 'capstan.io/token-role=node' });
    expect(nodeTokens.items.map((t) => t.spec?.nodeName)).toEqual([nodeName]);
  });

  it('runs a pod bound to the node and removes its containers when the pod is deleted', async () => {
    expect(node, 'the node from the previous test').toBeDefined();
    const name = `hello-${randomBytes(3).toString('hex')}`;
    await admin.create('Pod', {
      kind: 'Pod',
      metadata: { name, namespace: 'default' },
      spec: { nodeName, containers: [{ name: 'hello', image: 'capstan/hello:latest', imagePullPolicy: 'Never' }] },
    });
    const running = await waitFor(
      async () => {
        const pod = await admin.get('Pod', 'default', name);
        return pod.status?.phase === 'Running' && pod.status.podIP ? pod : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, message: 'the pod to run' },
    ).catch(async (err: Error) => {
      const pod = await admin.tryGet('Pod', 'default', name);
      throw new Error(`${err.message}\nlast status: ${JSON.stringify(pod?.status)}\n${node!.output()}`);
    });
    expect(running.status!.podIP).toMatch(new RegExp(`^10\\.244\\.${subnetOctet}\\.\\d+$`));
    expect(running.status!.hostIP).toBe(nodeAddress);
    expect(await nodeContainers(nodeName)).not.toHaveLength(0);

    await admin.delete('Pod', 'default', name);
    await waitFor(async () => (await admin.tryGet('Pod', 'default', name)) === undefined, {
      timeoutMs: 60_000,
      intervalMs: 250,
      message: 'the node agent to finish deleting the pod',
    });
    await waitFor(async () => (await nodeContainers(nodeName)).length === 0, {
      timeoutMs: 30_000,
      intervalMs: 250,
      message: "the pod's containers to be removed",
    });
  });

  it('refuses the node credential a write to a pod bound to another node', async () => {
    const path = nodeCredentialPath(nodeName, join(home, '.capstan'));
    const { token } = parse(await readFile(path, 'utf8')) as { token: string };
    const other = await admin.create('Pod', {
      kind: 'Pod',
      metadata: { name: `elsewhere-${randomBytes(3).toString('hex')}`, namespace: 'default' },
      spec: { nodeName: 'some-other-node', containers: [{ name: 'c', image: 'capstan/hello:latest' }] },
    });
    const asNode = new GraphQLStore({ server: api.url, token });
    try {
      const seen = await asNode.get('Pod', 'default', other.metadata.name);
      expect(seen.spec?.nodeName).toBe('some-other-node');
      const refusal = await asNode
        .updateStatus('Pod', { ...seen, status: { phase: 'Running', podIP: '10.0.0.1' } } as Pod)
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      expect(refusal).toBeInstanceOf(CapstanError);
      expect((refusal as CapstanError).code).toBe('FORBIDDEN');
      expect((refusal as CapstanError).message).toMatch(
        new RegExp(`node ${nodeName} may not .*bound to node some-other-node`),
      );
      expect((await admin.get('Pod', 'default', other.metadata.name)).status?.podIP).toBeUndefined();
    } finally {
      await asNode.close();
      await admin.delete('Pod', 'default', other.metadata.name, { gracePeriodSeconds: 0 });
    }
  });

  it('refuses an expired bootstrap token with one clear line and exit code 1', async () => {
    const expired = await createBootstrapToken(store, { ttlSeconds: 3600 });
    await store.mutate('Token', undefined, expired.name, (token) => ({
      ...token,
      spec: { ...token.spec!, expiresAt: new Date(Date.now() - 60_000).toISOString() },
    }));
    const refused = startNode(expired.token, `${nodeName}-x`);
    expect(await withDeadline(refused.exited, 30_000, 'capstan node to exit')).toBe(1);
    const lines = refused.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`^error: cannot join .* as node ${nodeName}-x: .*token "${expired.name}" expired at `),
    );
    expect(await admin.tryGet('Node', undefined, `${nodeName}-x`)).toBeUndefined();
  });

  it('refuses an unknown token with one clear line and exit code 1', async () => {
    const refused = startNode('zzzzzz.0123456789abcdef', `${nodeName}-y`);
    expect(await withDeadline(refused.exited, 30_000, 'capstan node to exit')).toBe(1);
    const lines = refused.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: cannot join .*: .*unknown token "zzzzzz"/);
  });
});

describe('GraphQLStore', () => {
  async function nextWithin<T>(iterator: AsyncIterator<T>, ms: number, what: string): Promise<T> {
    const step = await withDeadline(iterator.next(), ms, what);
    if (step.done) throw new Error(`the watch ended while waiting for ${what}`);
    return step.value;
  }

  it('keeps a watch across an API server restart, delivering the changes made while it was down', async () => {
    const labels = { test: `resume-${randomBytes(3).toString('hex')}` };
    const pod = (name: string) => ({
      kind: 'Pod' as const,
      metadata: { name, namespace: 'default', labels },
      spec: { containers: [{ name: 'c', image: 'capstan/hello:latest' }] },
    });
    const watch = admin.watch('Pod', { namespace: 'default', labelSelector: `test=${labels.test}` });
    const events = watch[Symbol.asyncIterator]();
    const names: string[] = [];
    try {
      // The watch is live once a change made after it started arrives.
      await waitFor(
        async () => {
          const name = `before-${names.length}`;
          names.push(name);
          await admin.create('Pod', pod(name));
          return (await nextWithin(events, 2_000, 'the first event')).object.metadata.name === name;
        },
        { timeoutMs: 15_000, message: 'the watch to deliver a change' },
      );
      const { port } = api.server.address() as { port: number };
      const leaseBefore = (await admin.get('Lease', NODE_LEASE_NAMESPACE, nodeName)).spec?.renewTime;
      await api.close();
      names.push('while-down');
      await store.create('Pod', pod('while-down'));
      api = await startApiServer({
        store,
        port,
        logger: createLogger({ level: 'silent' }),
        contextExtras: { nodeCertificates: pki.signer },
      });

      const resumed = await nextWithin(events, 20_000, 'the change made while the server was down');
      expect(resumed.type).toBe('ADDED');
      expect(resumed.object.metadata.name).toBe('while-down');
      names.push('after');
      await admin.create('Pod', pod('after'));
      expect((await nextWithin(events, 10_000, 'a change after the restart')).object.metadata.name).toBe('after');

      // The node agent's own connection came back too: its heartbeat goes on.
      await waitFor(
        async () => (await admin.get('Lease', NODE_LEASE_NAMESPACE, nodeName)).spec?.renewTime !== leaseBefore,
        { timeoutMs: 20_000, intervalMs: 250, message: 'the node to renew its lease after the restart' },
      );
    } finally {
      watch.close();
      for (const name of names)
        await store.delete('Pod', 'default', name, { gracePeriodSeconds: 0 }).catch(() => undefined);
    }
  });
});

describe('capstan node shutdown', () => {
  it('stops cleanly on SIGTERM', async () => {
    expect(node?.child.exitCode, 'the node from the first test is still running').toBeNull();
    node!.child.kill('SIGTERM');
    expect(await withDeadline(node!.exited, 30_000, 'capstan node to stop')).toBe(0);
  });

  it('restarts with its saved credential, even once the bootstrap token has expired', async () => {
    await store.mutate('Token', undefined, bootstrap!.name, (token) => ({
      ...token,
      spec: { ...token.spec!, expiresAt: new Date(Date.now() - 60_000).toISOString() },
    }));
    const leaseBefore = (await admin.get('Lease', NODE_LEASE_NAMESPACE, nodeName)).spec?.renewTime;
    node = startNode(bootstrap!.token, nodeName, { CAPSTAN_POD_SUBNET: `10.244.${subnetOctet}.0/24` });
    await waitFor(
      async () => {
        if (node!.child.exitCode !== null) throw new Error(`capstan node exited with ${node!.child.exitCode}`);
        const renewed = (await admin.get('Lease', NODE_LEASE_NAMESPACE, nodeName)).spec?.renewTime !== leaseBefore;
        return renewed && node!.stdout().includes(`Node ${nodeName} joined`);
      },
      { timeoutMs: 30_000, intervalMs: 250, message: 'the restarted node to renew its lease' },
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${node!.output()}`);
    });
    const nodeTokens = await store.list('Token', { labelSelector: 'capstan.io/token-role=node' });
    expect(nodeTokens.items).toHaveLength(1);
    node.child.kill('SIGTERM');
    expect(await withDeadline(node.exited, 30_000, 'capstan node to stop')).toBe(0);
  });
});
