import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer as createHttpsServer, request as httpsRequest, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BED, CAPSTAN_BIN, CA_FILE, REPO_ROOT, hostLayout, netnsPath } from '../scripts/cluster/layout.ts';
import { parseJoinCommand } from '../scripts/cluster/join-command.ts';
import { readState, writeState } from '../scripts/cluster/state.ts';
import { isAlive, run, type RunResult } from '../scripts/cluster/system.ts';
import { startNode } from '../scripts/cluster/up.ts';
import { issueCertificate, loadOrCreateClusterCa } from '../src/pki/cluster-ca.ts';
import { GraphQLStore } from '../src/remote/graphql-store.ts';
import { obtainNodeCredential, obtainNodeServingIdentity } from '../src/remote/node-credentials.ts';
import { trustedTransport, unverifiedFetch } from '../src/remote/tls-transport.ts';
import * as sdk from '../src/sdk/index.ts';
import { waitFor } from './support/store.ts';
import { startTestBed, type TestBed } from './support/test-bed.ts';

// Issue #12's "must be shown" on the test bed (two hosts): joins with the command `capstan token create
// --print-join-command` prints, run on a bed host as a user pastes it; the ways a join must fail (one line, non-zero
// exit, nothing saved); logs and exec across hosts over TLS; an exec authorization replayed elsewhere; a deleted admin
// token's open subscription. Failed joins use their own credential and state folders on h1, beside h1's own node.

const STEP_TIMEOUT_MS = 240_000;
const SERVER = `https://${hostLayout(0).address}:${BED.securePort}`;
let bed: TestBed | undefined;
let work: string;
let ca: string;

function theBed(): TestBed {
  if (!bed) throw new Error('the test bed did not start');
  return bed;
}

/** `capstan ARGS` on host `index` (its network namespace), with a clean environment and HOME of its own. */
function capstanOnHost(index: number, args: string[], timeoutMs = 90_000): Promise<RunResult> {
  const host = hostLayout(index);
  return run(
    `capstan on ${host.name}`,
    'nsenter',
    [`--net=${netnsPath(host.netns)}`, '--', process.execPath, CAPSTAN_BIN, ...args],
    {
      env: { PATH: process.env.PATH, HOME: join(work, `home-${host.name}`), DOCKER_HOST: host.dockerHost },
      cwd: REPO_ROOT,
      timeoutMs,
      allowFailure: true,
    },
  );
}

/** The words of the printed join command, with `--flag value` replaced or added. */
function withFlag(args: string[], flag: string, value: string): string[] {
  const i = args.indexOf(flag);
  return i >= 0 ? [...args.slice(0, i + 1), value, ...args.slice(i + 2)] : [...args, flag, value];
}

async function printedJoin(extra: string[] = []): Promise<string[]> {
  const out = await theBed().capstanOk(['token', 'create', '--print-join-command', ...extra]);
  return parseJoinCommand(out);
}

interface TokenRow {
  name: string;
  uses?: number | null;
  maxUses?: number | null;
  role: string;
  nodeName?: string | null;
  expiresAt?: string | null;
}

async function tokens(): Promise<TokenRow[]> {
  return JSON.parse(await theBed().capstanOk(['token', 'list', '-o', 'json'])) as TokenRow[];
}

async function nodeExists(name: string): Promise<boolean> {
  const result = await theBed().capstan(['get', 'node', name, '-o', 'name']);
  return result.code === 0;
}

/** Files under `dir`, none when it does not exist. */
async function filesIn(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true }).catch(() => [])).map(String);
}

/**
 * Runs a join that must fail on h1 as node `name` with its own folders: one line on stderr, a non-zero exit, no
 * file written, no Node, and no node credential for the name. Returns that line.
 */
async function failedJoin(args: string[], name: string): Promise<string> {
  const credentials = join(work, `cred-${name}`);
  const result = await capstanOnHost(1, [
    ...args,
    '--name',
    name,
    '--address',
    hostLayout(1).address,
    '--log-port',
    '10251',
    '--credential-dir',
    credentials,
    '--state-root',
    join(work, `state-${name}`),
  ]);
  expect(result.code, result.stdout).not.toBe(0);
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(await filesIn(credentials)).toEqual([]);
  expect(await filesIn(join(work, `home-h1`, '.capstan'))).toEqual([]);
  expect(await nodeExists(name)).toBe(false);
  expect((await tokens()).filter((t) => t.role === 'node' && t.nodeName === name)).toEqual([]);
  return lines[0]!;
}

async function applyManifest(name: string, yaml: string): Promise<void> {
  const file = join(work, name);
  await writeFile(file, yaml);
  await theBed().capstanOk(['apply', '-f', file]);
}

async function uses(tokenArgs: string[]): Promise<number> {
  const id = tokenArgs[tokenArgs.indexOf('--token') + 1]!.split('.')[0];
  const row = (await tokens()).find((t) => t.name === id);
  if (!row) throw new Error(`no token ${id}`);
  return row.uses ?? 0;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'capstan-e2e-join-'));
  bed = await startTestBed({ nodes: 2 });
  ca = await readFile(CA_FILE, 'utf8');
}, 300_000);

afterAll(async () => {
  if (bed) {
    // The hostile node first: deleting it revokes its credential.
    await bed.capstan(['delete', 'node', 'evil', '--ignore-not-found']);
    await bed.capstan(['delete', 'pod', 'victim', '--ignore-not-found', '--wait=false']);
    await bed.capstan(['delete', 'pod', 'across', '--ignore-not-found', '--wait=false']);
    await bed.release();
  }
  await rm(work, { recursive: true, force: true });
}, 180_000);

describe('joining a bed host with the printed command', { timeout: STEP_TIMEOUT_MS }, () => {
  let once: string[] = [];

  it('refuses a wrong --discovery-token-ca-cert-hash before trusting the server, counting no use', async () => {
    once = await printedJoin(['--uses', '1', '--ttl', '30m']);
    expect(once).toEqual(expect.arrayContaining(['--server', SERVER, '--discovery-token-ca-cert-hash']));
    const line = await failedJoin(
      withFlag(once, '--discovery-token-ca-cert-hash', `sha256:${'0'.repeat(64)}`),
      'j-hash',
    );
    expect(line).toMatch(/refusing to trust this server/);
    expect(await uses(once)).toBe(0);
  });

  it('refuses a tampered cluster-info served by someone else on the LAN', async () => {
    // The real document, with its API endpoint pointed at the impostor: the token's signature no longer matches.
    const real = (await (await unverifiedFetch()(`${SERVER}/cluster-info`)).json()) as { kubeconfig: string };
    const pki = await loadOrCreateClusterCa(join(work, 'impostor-pki'));
    const cert = await issueCertificate(pki, { commonName: 'impostor', names: [BED.gateway], usage: 'server' });
    let impostorUrl = '';
    const requests: string[] = [];
    const impostor: Server = createHttpsServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
      requests.push(req.url ?? '');
      const kubeconfig = real.kubeconfig.replace(SERVER, impostorUrl);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ...real, kubeconfig }));
    });
    await new Promise<void>((resolve) => impostor.listen(0, BED.gateway, resolve));
    impostorUrl = `https://${BED.gateway}:${(impostor.address() as { port: number }).port}`;
    try {
      const line = await failedJoin(withFlag(once, '--server', impostorUrl), 'j-tampered');
      expect(line).toMatch(/signature/i);
      // It asked for the public document and sent nothing else (no token, no join).
      expect(requests.every((url) => url === '/cluster-info')).toBe(true);
    } finally {
      impostor.close();
    }
    expect(await uses(once)).toBe(0);
  });

  it('refuses an expired token', async () => {
    const short = await printedJoin(['--ttl', '1s']);
    const id = short[short.indexOf('--token') + 1]!.split('.')[0];
    const row = (await tokens()).find((t) => t.name === id);
    expect(row?.expiresAt).toBeDefined();
    // The token's own lifetime, 1 s, passes (by the server's clock, which is this machine's).
    await waitFor(() => Date.now() > Date.parse(row!.expiresAt!) + 200 || undefined, {
      timeoutMs: 10_000,
      intervalMs: 100,
      message: 'the token to expire',
    });
    const line = await failedJoin(short, 'j-expired');
    expect(line).toMatch(/token/);
  });

  it('refuses a join under the name of a registered node (CONFLICT), counting no use', async () => {
    const any = await printedJoin(['--ttl', '30m']);
    const credentials = join(work, 'cred-conflict');
    const result = await capstanOnHost(1, [
      ...any,
      '--name',
      'h0',
      '--log-port',
      '10251',
      '--credential-dir',
      credentials,
      '--state-root',
      join(work, 'state-conflict'),
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/node h0 is already registered/);
    expect(await filesIn(credentials)).toEqual([]);
    expect(await uses(any)).toBe(0);
    // The API's code for it, as a program sees it.
    const client = sdk.createCapstanClient({
      url: SERVER,
      token: any[any.indexOf('--token') + 1]!,
      fetch: trustedTransport(ca).fetch,
    });
    try {
      const err = await client
        .request(new String('mutation { joinNode(nodeName: "h0") { name } }') as sdk.CapstanDocument<unknown, never>)
        .catch((e: unknown) => e);
      expect(sdk.isCapstanClientError(err, 'CONFLICT')).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('joins h1 afresh over TLS with the printed command, then refuses the spent token', async () => {
    const h1 = hostLayout(1);
    const state = (await readState())!;
    const pid = state.hosts[1]!.pids.node!;
    // h1 leaves the cluster: its agent stops, its Node (and with it its credentials) is deleted, its files go.
    process.kill(pid, 'SIGTERM');
    await waitFor(() => !isAlive(pid), { timeoutMs: 30_000, message: "h1's node agent to stop" });
    await theBed().capstanOk(['delete', 'node', 'h1']);
    await rm(join(h1.dataDir, 'credentials'), { recursive: true, force: true });
    const logFile = join(h1.logDir, 'node.log');
    const offset = (await stat(logFile)).size;
    const daemon = startNode(h1, once, false, state.nodeArgs ?? []);
    state.hosts[1]!.pids.node = daemon.pid;
    await writeState(state);
    await waitFor(async () => (await readFile(logFile, 'utf8')).slice(offset).includes('node joined') || undefined, {
      timeoutMs: 90_000,
      intervalMs: 500,
      message: 'h1 to join again',
    });
    await waitFor(
      async () => {
        const node = JSON.parse(await theBed().capstanOk(['get', 'node', 'h1', '-o', 'json'])) as {
          status?: { conditions?: { type: string; status: string }[] };
        };
        return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') || undefined;
      },
      { timeoutMs: 90_000, intervalMs: 1_000, message: 'h1 Ready again' },
    );
    // What it saved: the credential over https with the CA it pinned, which is the cluster's.
    const saved = await readFile(join(h1.dataDir, 'credentials', 'node-h1.yaml'), 'utf8');
    expect(saved).toContain(`server: ${SERVER}/graphql`);
    expect(saved.replace(/\s+/g, '')).toContain(ca.replace(/\s+/g, ''));
    expect((await stat(join(h1.dataDir, 'credentials', 'node-h1.yaml'))).mode & 0o777).toBe(0o600);
    expect(await uses(once)).toBe(1);
    const line = await failedJoin(once, 'j-spent');
    expect(line).toMatch(/token/);
    expect(await uses(once)).toBe(1);
  });
});

describe('logs and exec across hosts over TLS', { timeout: STEP_TIMEOUT_MS }, () => {
  beforeAll(async () => {
    await applyManifest(
      'across.yaml',
      `apiVersion: v1
kind: Pod
metadata: { name: across }
spec:
  nodeSelector: { kubernetes.io/hostname: h1 }
  restartPolicy: Never
  containers:
    - name: main
      image: capstan/busybox
      command: ['sh', '-c', 'echo across-hosts-marker; trap "exit 0" TERM; sleep 3600 & wait']
`,
    );
    await waitFor(
      async () => {
        const pod = JSON.parse(await theBed().capstanOk(['get', 'pod', 'across', '-o', 'json'])) as {
          spec: { nodeName?: string };
          status?: { phase?: string };
        };
        return pod.status?.phase === 'Running' ? pod : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 1_000, message: 'pod across Running' },
    );
  }, STEP_TIMEOUT_MS);

  it('reads the logs of a pod on h1 and runs a command in it, from this machine through the API on h0', async () => {
    const pod = JSON.parse(await theBed().capstanOk(['get', 'pod', 'across', '-o', 'json'])) as {
      spec: { nodeName: string };
    };
    expect(pod.spec.nodeName).toBe('h1');
    expect(await theBed().capstanOk(['logs', 'across'])).toContain('across-hosts-marker');
    expect((await theBed().capstanOk(['exec', 'across', '--', 'cat', '/etc/hostname'])).trim()).toBe('across');
  });

  it("refuses an exec authorization captured by a joined node when it is replayed at h1's endpoint", async () => {
    // A joined node that turned hostile: it holds a real node credential and a CA-issued serving certificate, and
    // the API server sends it the authorization of an exec on its pod.
    const joinArgs = await printedJoin(['--ttl', '30m']);
    const token = joinArgs[joinArgs.indexOf('--token') + 1]!;
    const hash = joinArgs[joinArgs.indexOf('--discovery-token-ca-cert-hash') + 1]!;
    const credential = await obtainNodeCredential({
      server: SERVER,
      token,
      nodeName: 'evil',
      dir: join(work, 'cred-evil'),
      caCertHashes: [hash],
    });
    const tls = await obtainNodeServingIdentity({
      server: SERVER,
      credential,
      nodeName: 'evil',
      addresses: [BED.gateway],
    });
    const captured: { path: string; authorization: string; body: string }[] = [];
    const evil = createHttpsServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        captured.push({ path: req.url ?? '', authorization: req.headers.authorization ?? '', body });
        res.writeHead(503).end();
      });
    });
    await new Promise<void>((resolve) => evil.listen(0, BED.gateway, resolve));
    const store = new GraphQLStore({ server: SERVER, token: credential.token, ca: credential.ca! });
    try {
      await store.create('Node', {
        kind: 'Node',
        metadata: { name: 'evil' },
        spec: {},
        status: {
          addresses: [{ type: 'InternalIP', address: BED.gateway }],
          daemonEndpoints: { kubeletEndpoint: { Port: (evil.address() as { port: number }).port } },
        },
      });
      await applyManifest(
        'victim.yaml',
        `apiVersion: v1
kind: Pod
metadata: { name: victim }
spec:
  nodeName: evil
  containers: [{ name: main, image: capstan/busybox }]
`,
      );
      const exec = await theBed().capstan(['exec', 'victim', '--', 'touch', '/tmp/pwned']);
      expect(exec.code).not.toBe(0);
      const call = captured.find((c) => c.path.startsWith('/exec/'));
      expect(call?.authorization, JSON.stringify(captured)).toMatch(/^Bearer \S+/);
      // Replayed at h1's endpoint for the pod on h1 (another node, another pod), with the hostile node's own certificate.
      const replay = await new Promise<number | string>((resolve) => {
        const req = httpsRequest(
          {
            host: hostLayout(1).address,
            port: BED.logPort,
            method: 'POST',
            path: call!.path.replace(/\/exec\/[^/]+\/victim\//, '/exec/default/across/'),
            ca,
            cert: tls.certPem,
            key: tls.keyPem,
            headers: { authorization: call!.authorization, 'content-type': 'application/json' },
            timeout: 10_000,
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', (err) => resolve(`refused: ${err.message}`));
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.end(call!.body);
      });
      expect(replay).not.toBe(200);
      const check = await theBed().capstan(['exec', 'across', '--', 'ls', '/tmp/pwned']);
      expect(check.code).not.toBe(0);
    } finally {
      evil.close();
      await store.close();
    }
  });
});

describe('a deleted admin token', { timeout: STEP_TIMEOUT_MS }, () => {
  it('has its open subscription over wss closed within 10 s', async () => {
    const token = (await theBed().capstanOk(['token', 'create', '--role', 'admin', '--ttl', '30m'])).trim();
    const client = sdk.createCapstanClient({ url: SERVER, token, webSocketImpl: trustedTransport(ca).webSocketImpl });
    let opened = false;
    const ended = (async () => {
      try {
        for await (const _event of client.subscribe(sdk.WatchNamespacesDocument, {})) opened = true;
        return 'completed';
      } catch (err) {
        return err instanceof Error ? err.message : String(err);
      }
    })();
    try {
      let n = 0;
      await waitFor(
        async () => {
          if (opened) return true;
          await theBed().capstanOk(['create', 'namespace', `join-e2e-${process.pid}-${++n}`]);
          return undefined;
        },
        { timeoutMs: 60_000, intervalMs: 500, message: 'the subscription to see an event' },
      );
      const deletedAt = Date.now();
      await theBed().capstanOk(['token', 'delete', token.split('.')[0]!]);
      const outcome = await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 15_000, 'still open'))]);
      expect(outcome).not.toBe('still open');
      expect(Date.now() - deletedAt).toBeLessThan(10_000);
      for (let i = 1; i <= n; i++)
        await theBed().capstan(['delete', 'namespace', `join-e2e-${process.pid}-${i}`, '--wait=false']);
    } finally {
      await client.close();
    }
  });
});
