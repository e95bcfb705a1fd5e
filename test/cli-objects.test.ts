import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_LEASE_NAMESPACE } from '../src/auth/authorize.ts';
import { createToken } from '../src/auth/tokens.ts';
import { ensureLeaseNamespace, renewLease } from '../src/node/node-registration.ts';
import { startApiServer, type ApiServer } from '../src/server/http-server.ts';
import { ServiceAllocator } from '../src/services/allocator.ts';
import { createLogger } from '../src/util/logger.ts';
import { newTestStore, waitFor } from './support/store.ts';

/**
 * The capstan CLI as a user runs it (`node bin/capstan.mjs ...`, a separate process) against a real API server on a
 * loopback port with a store on its own Redis prefix. No controllers or nodes run: objects are written and read, and
 * pods stay Pending.
 */

const BIN = fileURLToPath(new URL('../bin/capstan.mjs', import.meta.url));

type TestStore = Awaited<ReturnType<typeof newTestStore>>;
let store: TestStore;
let api: ApiServer;
let token: string;
let dir: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function capstan(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: {
          ...process.env,
          CAPSTAN_CONFIG: join(dir, 'config'),
          CAPSTAN_SERVER: api.url,
          CAPSTAN_TOKEN: token,
          ...env,
        },
        timeout: 30_000,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function ok(args: string[], env: Record<string, string> = {}): Promise<string> {
  const run = await capstan(args, env);
  expect(run, `capstan ${args.join(' ')}`).toMatchObject({ code: 0, stderr: '' });
  return run.stdout;
}

function lines(text: string): string[] {
  return text.trimEnd().split('\n');
}

async function manifest(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

const WEB = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: capstan/hello
          ports: [{containerPort: 80}]
---
apiVersion: v1
kind: Service
metadata:
  name: web
  labels: {app: web}
spec:
  type: NodePort
  selector: {app: web}
  ports:
    - port: 80
      targetPort: 80
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'capstan-cli-test-'));
  const allocator = new ServiceAllocator();
  store = await newTestStore({ admission: [allocator] });
  allocator.attach(store);
  api = await startApiServer({ store, port: 0, logger: createLogger({ level: 'silent' }) });
  token = (await createToken(store, { role: 'admin', description: 'cli test' })).token;
});

afterAll(async () => {
  await api?.close();
  await store?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('capstan apply, get, delete', () => {
  it('applies a multi-document manifest, then reports it unchanged and configured', async () => {
    const path = await manifest('web.yaml', WEB);
    expect(lines(await ok(['apply', '-f', path]))).toEqual(['deployment.apps/web created', 'service/web created']);
    expect(lines(await ok(['apply', '-f', path]))).toEqual(['deployment.apps/web unchanged', 'service/web unchanged']);
    await writeFile(path, WEB.replace('replicas: 2', 'replicas: 4'));
    expect(lines(await ok(['apply', '-f', path]))).toEqual(['deployment.apps/web configured', 'service/web unchanged']);
    const live = await store.get('Deployment', 'default', 'web');
    expect(live.spec?.replicas).toBe(4);
  });

  it('prints kubectl tables for deployments and services', async () => {
    const deployments = lines(await ok(['get', 'deploy']));
    expect(deployments[0]).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
    expect(deployments[1]).toMatch(/^web\s+0\/4\s+0\s+0\s+\d+s$/);

    const services = lines(await ok(['get', 'svc', 'web']));
    expect(services[0]).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/);
    expect(services[1]).toMatch(/^web\s+NodePort\s+\d+\.\d+\.\d+\.\d+\s+<none>\s+80:3\d{4}\/TCP\s+\d+s$/);
  });

  it('prints objects as JSON, YAML and names', async () => {
    const service = JSON.parse(await ok(['get', 'svc', 'web', '-o', 'json'])) as {
      kind: string;
      spec: { selector: Record<string, string>; ports: { nodePort: number }[] };
    };
    expect(service.kind).toBe('Service');
    expect(service.spec.selector).toEqual({ app: 'web' });
    expect(service.spec.ports[0]!.nodePort).toBeGreaterThanOrEqual(30000);
    expect(await ok(['get', 'deploy', 'web', '-o', 'yaml'])).toMatch(/^apiVersion: apps\/v1\nkind: Deployment\n/);
    expect(lines(await ok(['get', 'deploy,svc', '-l', 'app=web', '-o', 'name']))).toEqual([
      'deployment.apps/web',
      'service/web',
    ]);
  });

  it('says so when there is nothing to list', async () => {
    const run = await capstan(['get', 'pods', '-n', 'default']);
    expect(run).toMatchObject({ code: 0, stdout: '', stderr: 'No resources found in default namespace.\n' });
  });

  it('applies and creates Endpoints from a manifest, and refuses a loopback address in one naming the field', async () => {
    const endpoints = (name: string, ip: string) =>
      `apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: ${name}\nsubsets:\n  - addresses: [{ip: ${ip}}]\n    ports: [{port: 6379}]\n`;
    const applied = await manifest('ep.yaml', endpoints('external-db', '10.250.3.4'));
    expect(await ok(['apply', '-f', applied])).toBe('endpoints/external-db created\n');
    const live = await store.get('Endpoints', 'default', 'external-db');
    expect(live.subsets?.[0]?.addresses?.[0]?.ip).toBe('10.250.3.4');
    const created = await manifest('ep2.yaml', endpoints('external-db2', '10.250.3.5'));
    expect(await ok(['create', '-f', created])).toBe('endpoints/external-db2 created\n');
    const loopback = await manifest('ep3.yaml', endpoints('to-redis', '127.0.0.1'));
    const refused = await capstan(['create', '-f', loopback]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/subsets\[0\]\.addresses\[0\]\.ip.*loopback/);
    expect(await store.tryGet('Endpoints', 'default', 'to-redis')).toBeUndefined();
  });

  it('creates from a file, refuses to create twice, and deletes', async () => {
    const path = await manifest(
      'pod.yaml',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: lone\nspec:\n  containers:\n    - name: c\n      image: capstan/hello\n',
    );
    expect(await ok(['create', '-f', path])).toBe('pod/lone created\n');
    expect(lines(await ok(['get', 'pods', 'lone']))[1]).toMatch(/^lone\s+0\/1\s+Pending\s+0\s+\d+s$/);
    const again = await capstan(['create', '-f', path]);
    expect(again.code).toBe(1);
    expect(lines(again.stderr)).toHaveLength(1);
    expect(again.stderr).toMatch(/^error: .*pod\.yaml:1: .*already exists/);
    expect(await ok(['delete', 'pod', 'lone'])).toBe('pod "lone" deleted\n');
    const gone = await capstan(['get', 'pod', 'lone']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toBe('Error from server (NotFound): pods "lone" not found\n');
  });

  it('creates a namespace and a deployment by name, as kubectl create does', async () => {
    expect(await ok(['create', 'namespace', 'cli-made'])).toBe('namespace/cli-made created\n');
    expect(await store.tryGet('Namespace', undefined, 'cli-made')).toBeDefined();
    expect(
      await ok([
        'create',
        'deployment',
        'made',
        '--image=capstan/hello',
        '--replicas=2',
        '--port=80',
        '-n',
        'cli-made',
      ]),
    ).toBe('deployment.apps/made created\n');
    const made = await store.get('Deployment', 'cli-made', 'made');
    expect(made.spec?.replicas).toBe(2);
    expect(made.spec?.selector.matchLabels).toEqual({ app: 'made' });
    expect(made.spec?.template.spec?.containers).toMatchObject([
      { name: 'made', image: 'capstan/hello', ports: [{ containerPort: 80 }] },
    ]);
    // kubectl's command form: what follows `--` is the container's command.
    expect(
      await ok([
        'create',
        'deployment',
        'ticker',
        '--image=capstan/busybox',
        '-n',
        'cli-made',
        '--',
        'sh',
        '-c',
        'date',
      ]),
    ).toBe('deployment.apps/ticker created\n');
    expect((await store.get('Deployment', 'cli-made', 'ticker')).spec?.template.spec?.containers).toMatchObject([
      { name: 'ticker', image: 'capstan/busybox', command: ['sh', '-c', 'date'] },
    ]);
    expect(await ok(['create', 'deployment', 'dry', '--image=capstan/hello', '--dry-run'])).toBe(
      'deployment.apps/dry created (server dry run)\n',
    );
    expect(await store.tryGet('Deployment', 'default', 'dry')).toBeUndefined();
    // kubectl's forms: --dry-run=server and =client write nothing (client is sent to the server too), =none writes;
    // a bare --dry-run before a resource argument is the server's, not a strategy named "rc/dry".
    for (const strategy of ['server', 'client']) {
      expect(await ok(['create', 'deployment', 'dry', '--image=capstan/hello', `--dry-run=${strategy}`])).toBe(
        'deployment.apps/dry created (server dry run)\n',
      );
    }
    expect(await store.tryGet('Deployment', 'default', 'dry')).toBeUndefined();
    expect(await ok(['create', 'deployment', 'dry', '--image=capstan/hello', '--dry-run=none'])).toBe(
      'deployment.apps/dry created\n',
    );
    expect(await ok(['scale', '--dry-run', 'deploy/dry', '--replicas', '4'])).toBe(
      'deployment.apps/dry scaled (server dry run)\n',
    );
    expect((await store.get('Deployment', 'default', 'dry')).spec?.replicas).toBe(1);
    expect(await capstan(['scale', 'deploy/dry', '--replicas', '4', '--dry-run=later'])).toMatchObject({
      code: 1,
      stderr: "error: option '--dry-run [strategy]' argument 'later' is invalid. must be server, client or none\n",
    });
    expect((await store.get('Deployment', 'default', 'dry')).spec?.replicas).toBe(1);
    for (const [args, message] of [
      [['create', 'deployment', 'noimage'], /^error: create deployment needs --image=IMAGE\n$/],
      [['create', 'secret', 'x'], /^error: usage: create secret generic\|docker-registry\|tls NAME/],
      [['create', 'widget', 'x'], /^error: create takes -f FILE, or one of: "create namespace NAME"/],
      [['create', 'namespace', 'cli-made'], /^error: .*already exists\n$/],
      [['create', 'namespace', 'two', 'names'], /^error: create takes -f FILE, or one of: "create namespace NAME"/],
    ] as const) {
      const run = await capstan([...args]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(message);
    }
    // No namespace controller runs here to empty it: the namespace stays Terminating, so do not wait for it.
    await ok(['delete', 'namespace', 'cli-made', '--wait=false']);
  });

  it('deletes what a manifest names', async () => {
    expect(lines(await ok(['delete', '-f', join(dir, 'web.yaml')]))).toEqual([
      'deployment.apps "web" deleted',
      'service "web" deleted',
    ]);
    expect(await store.tryGet('Service', 'default', 'web')).toBeUndefined();
  });
});

describe('capstan run, scale, expose, rollout status', () => {
  it('runs an image, scales it and exposes it on a NodePort', async () => {
    expect(await ok(['run', 'hello', '--image', 'capstan/hello', '--port', '80', '--replicas', '2'])).toBe(
      'deployment.apps/hello created\n',
    );
    expect(await ok(['scale', 'deploy', 'hello', '--replicas', '3'])).toBe('deployment.apps/hello scaled\n');
    expect((await store.get('Deployment', 'default', 'hello')).spec?.replicas).toBe(3);
    expect(await ok(['expose', 'deploy/hello', '--type', 'NodePort'])).toMatch(
      /^service\/hello exposed \(NodePort 80:3\d{4}\/TCP\)\n$/,
    );
    const service = await store.get('Service', 'default', 'hello');
    expect(service.spec?.selector).toEqual({ run: 'hello' });
  });

  it('runs a single pod with --restart Never, as kubectl run does, and refuses --replicas with it', async () => {
    expect(
      await ok(['run', 'client', '--image', 'capstan/busybox', '--restart', 'Never', '--command', '--', 'sleep', '60']),
    ).toBe('pod/client created\n');
    const pod = await store.get('Pod', 'default', 'client');
    expect(pod.metadata.labels).toEqual({ run: 'client' });
    expect(pod.spec?.restartPolicy).toBe('Never');
    expect(pod.spec?.containers).toMatchObject([
      { name: 'client', image: 'capstan/busybox', command: ['sleep', '60'] },
    ]);
    expect(await store.tryGet('Deployment', 'default', 'client')).toBeUndefined();

    const refused = await capstan([
      'run',
      'job',
      '--image',
      'capstan/busybox',
      '--restart',
      'OnFailure',
      '--replicas',
      '2',
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('--replicas applies to a Deployment; --restart OnFailure runs a single Pod');
    expect(await store.tryGet('Pod', 'default', 'job')).toBeUndefined();
  });

  it('follows a rollout until the deployment reports it complete', async () => {
    const deployment = await store.get('Deployment', 'default', 'hello');
    const status = capstan(['rollout', 'status', 'deploy/hello', '--timeout', '20s']);
    await store.updateStatus('Deployment', {
      ...deployment,
      status: {
        observedGeneration: deployment.metadata.generation,
        replicas: 3,
        updatedReplicas: 3,
        readyReplicas: 3,
        availableReplicas: 3,
      },
    });
    const run = await status;
    expect(run.code).toBe(0);
    expect(lines(run.stdout).at(-1)).toBe('deployment "hello" successfully rolled out');
  });

  it("undoes a rollout, to the previous revision or --to-revision, says when it skipped, and fails in kubectl's words", async () => {
    expect(await ok(['run', 'undo-me', '--image', 'capstan/hello:1'])).toBe('deployment.apps/undo-me created\n');
    expect(await capstan(['rollout', 'undo', 'deploy/undo-me'])).toMatchObject({
      code: 1,
      stderr: 'error: no rollout history found for deployment "undo-me"\n',
    });
    // What the Deployment controller (not running here) would have made for revisions 1 to 3.
    for (const revision of [1, 2, 3]) {
      const d = await store.mutate('Deployment', 'default', 'undo-me', (live) => {
        live.spec!.template.spec.containers[0]!.image = `capstan/hello:${revision}`;
        live.metadata.annotations = { 'deployment.kubernetes.io/revision': String(revision) };
        return live;
      });
      const labels = { ...d.spec!.template.metadata?.labels, 'pod-template-hash': `h${revision}` };
      await store.create('ReplicationController', {
        kind: 'ReplicationController',
        metadata: {
          name: `undo-me-h${revision}`,
          namespace: 'default',
          annotations: { 'deployment.kubernetes.io/revision': String(revision) },
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: 'Deployment', name: 'undo-me', uid: d.metadata.uid, controller: true },
          ],
        },
        spec: { replicas: 0, selector: labels, template: { ...d.spec!.template, metadata: { labels } } },
      });
    }
    const image = async () =>
      (await store.get('Deployment', 'default', 'undo-me')).spec?.template.spec.containers[0]?.image;

    expect(await ok(['rollout', 'undo', 'deploy/undo-me'])).toBe('deployment.apps/undo-me rolled back\n');
    expect(await image()).toBe('capstan/hello:2');
    expect(await ok(['rollout', 'undo', 'deploy/undo-me', '--to-revision', '1'])).toBe(
      'deployment.apps/undo-me rolled back\n',
    );
    expect(await image()).toBe('capstan/hello:1');
    const written = (await store.get('Deployment', 'default', 'undo-me')).metadata.resourceVersion;
    expect(await ok(['rollout', 'undo', 'deploy/undo-me', '--to-revision', '1'])).toBe(
      'deployment.apps/undo-me skipped rollback (current template already matches revision 1)\n',
    );
    expect((await store.get('Deployment', 'default', 'undo-me')).metadata.resourceVersion).toBe(written);
    expect(await ok(['rollout', 'undo', 'deploy/undo-me', '--to-revision', '3', '--dry-run'])).toBe(
      'deployment.apps/undo-me rolled back (server dry run)\n',
    );
    expect(await image()).toBe('capstan/hello:1');
    expect(await capstan(['rollout', 'undo', 'deploy/undo-me', '--to-revision', '7'])).toMatchObject({
      code: 1,
      stderr: 'error: unable to find specified revision 7 in history\n',
    });
    await store.mutate('Deployment', 'default', 'undo-me', (d) => ({ ...d, spec: { ...d.spec!, paused: true } }));
    expect(await capstan(['rollout', 'undo', 'deploy/undo-me', '--to-revision', '3'])).toMatchObject({
      code: 1,
      stderr:
        "error: you cannot rollback a paused deployment; resume it first with 'capstan rollout resume deployment/undo-me' and try again\n",
    });
    expect(await image()).toBe('capstan/hello:1');
    expect(await ok(['rollout', 'resume', 'deploy/undo-me'])).toBe('deployment.apps/undo-me resumed\n');
    for (const verb of ['history', 'status', 'pause', 'resume']) {
      expect(await capstan(['rollout', verb, 'deploy/no-such-deployment']), verb).toMatchObject({
        code: 1,
        stderr: 'Error from server (NotFound): deployments.apps "no-such-deployment" not found\n',
      });
    }
    expect(await capstan(['rollout', 'undo', 'deploy/no-such-deployment'])).toMatchObject({
      code: 1,
      stderr: 'Error from server (NotFound): deployments.apps "no-such-deployment" not found\n',
    });
    expect(await image()).toBe('capstan/hello:1');
  });

  it("restarts a deployment through the server, and refuses a paused one in kubectl's words", async () => {
    expect(await ok(['run', 'restart-me', '--image', 'capstan/hello'])).toBe('deployment.apps/restart-me created\n');
    const before = Date.now();
    expect(await ok(['rollout', 'restart', 'deploy/restart-me'])).toBe('deployment.apps/restart-me restarted\n');
    const restarted = await store.get('Deployment', 'default', 'restart-me');
    const stamp = restarted.spec?.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'];
    expect(Date.parse(stamp ?? '')).toBeGreaterThanOrEqual(before - 1_000);

    await store.mutate('Deployment', 'default', 'restart-me', (d) => ({ ...d, spec: { ...d.spec!, paused: true } }));
    expect(await capstan(['rollout', 'restart', 'deploy/restart-me'])).toMatchObject({
      code: 1,
      stderr: 'error: deployments.apps "restart-me" can\'t restart paused deployment (run rollout resume first)\n',
    });
    expect(await capstan(['rollout', 'restart', 'deploy/no-such-deployment'])).toMatchObject({
      code: 1,
      stderr: 'Error from server (NotFound): deployments.apps "no-such-deployment" not found\n',
    });
    const after = await store.get('Deployment', 'default', 'restart-me');
    expect(after.metadata.resourceVersion).not.toBe(restarted.metadata.resourceVersion);
    expect(after.spec?.template).toEqual(restarted.spec?.template);
  });

  it('watches pods through a subscription and prints each change as a row', async () => {
    const child = spawn(process.execPath, [BIN, 'get', 'pods', '-w'], {
      env: { ...process.env, CAPSTAN_CONFIG: join(dir, 'config'), CAPSTAN_SERVER: api.url, CAPSTAN_TOKEN: token },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    try {
      await waitFor(() => stdout.startsWith('NAME'), { timeoutMs: 20_000, message: 'the table header' });
      // The watch resumes from the list's resourceVersion, so a pod created once the list is printed is not missed.
      await store.create('Pod', {
        kind: 'Pod',
        metadata: { name: 'watched', namespace: 'default' },
        spec: { containers: [{ name: 'c', image: 'capstan/hello' }] },
      });
      await waitFor(() => /\nwatched\s+0\/1\s+Pending/.test(stdout), { timeoutMs: 20_000, message: 'the new pod row' });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

describe('capstan get, describe and delete leases', () => {
  const LEASE_NS = NODE_LEASE_NAMESPACE;

  it("lists, describes and watches a node's heartbeat Lease, and deletes one", async () => {
    await ensureLeaseNamespace(store);
    const acquired = new Date(Date.now() - 60_000).toISOString();
    await renewLease(store, 'lease-node-1', 40, acquired);
    await renewLease(store, 'lease-node-2', 40, acquired);

    expect(lines(await ok(['get', 'leases', '-n', LEASE_NS]))).toEqual([
      expect.stringMatching(/^NAME\s+HOLDER\s+AGE$/),
      expect.stringMatching(/^lease-node-1\s+lease-node-1\s+\d+s$/),
      expect.stringMatching(/^lease-node-2\s+lease-node-2\s+\d+s$/),
    ]);
    expect(await ok(['get', 'lease', 'lease-node-1', '-n', LEASE_NS, '-o', 'name'])).toBe(
      'lease.coordination.k8s.io/lease-node-1\n',
    );
    expect(
      await ok([
        'get',
        'leases.coordination.k8s.io/lease-node-1',
        '-n',
        LEASE_NS,
        '-o',
        'jsonpath={.spec.holderIdentity}',
      ]),
    ).toBe('lease-node-1');
    expect(lines(await ok(['get', 'leases', '-A']))).toContainEqual(
      expect.stringMatching(new RegExp(`^${LEASE_NS}\\s+lease-node-1\\s+lease-node-1\\s+\\d+s$`)),
    );

    const described = await ok(['describe', 'lease', 'lease-node-1', '-n', LEASE_NS]);
    expect(described).toMatch(/^Name:\s+lease-node-1$/m);
    expect(described).toMatch(/^Holder Identity:\s+lease-node-1$/m);
    expect(described).toMatch(/^Lease Duration Seconds:\s+40$/m);
    expect(described).toContain(`Acquire Time:            ${acquired}`);
    expect(described).toMatch(/^Renew Time:\s+\d{4}-\d\d-\d\dT/m);

    // A watch prints each change as a row: another holder taking the lease shows.
    const child = spawn(process.execPath, [BIN, 'get', 'leases', '-n', LEASE_NS, '-w'], {
      env: { ...process.env, CAPSTAN_CONFIG: join(dir, 'config'), CAPSTAN_SERVER: api.url, CAPSTAN_TOKEN: token },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    try {
      await waitFor(() => /\nlease-node-2\s+lease-node-2/.test(stdout), { timeoutMs: 20_000, message: 'the list' });
      const lease = await store.get('Lease', LEASE_NS, 'lease-node-2');
      await store.update('Lease', { ...lease, spec: { ...lease.spec, holderIdentity: 'other-node' } });
      await waitFor(() => /\nlease-node-2\s+other-node\s+\d+s/.test(stdout), {
        timeoutMs: 20_000,
        message: 'the row of the new holder',
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }

    expect(await ok(['delete', 'lease', 'lease-node-2', '-n', LEASE_NS])).toBe(
      'lease.coordination.k8s.io "lease-node-2" deleted\n',
    );
    expect(await store.tryGet('Lease', LEASE_NS, 'lease-node-2')).toBeUndefined();
  });

  it('applies and creates a Lease from a manifest (an election of its own), and refuses a bad one writing nothing', async () => {
    const election = (holder: string, extra = '') =>
      manifest(
        `lease-${holder}.yaml`,
        `apiVersion: coordination.k8s.io/v1
kind: Lease
metadata:
  name: my-election
spec:
  holderIdentity: ${holder}
  leaseDurationSeconds: 15
${extra}`,
      );
    expect(await ok(['apply', '-f', await election('a')])).toBe('lease.coordination.k8s.io/my-election created\n');
    expect(await ok(['apply', '-f', await election('a')])).toBe('lease.coordination.k8s.io/my-election unchanged\n');
    expect(await ok(['apply', '-f', await election('b')])).toBe('lease.coordination.k8s.io/my-election configured\n');
    expect(await ok(['get', 'lease', 'my-election', '-o', 'jsonpath={.spec.holderIdentity}'])).toBe('b');

    const before = await store.get('Lease', 'default', 'my-election');
    const negative = await capstan([
      'apply',
      '-f',
      await manifest(
        'lease-negative.yaml',
        'apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {name: my-election}\nspec: {holderIdentity: c, leaseDurationSeconds: -1}\n',
      ),
    ]);
    expect(negative.code).toBe(1);
    expect(negative.stderr).toMatch(/spec\.leaseDurationSeconds/);
    const wrongGroup = await capstan([
      'apply',
      '-f',
      await manifest('lease-v1.yaml', 'apiVersion: v1\nkind: Lease\nmetadata: {name: other-election}\n'),
    ]);
    expect(wrongGroup.code).toBe(1);
    expect(wrongGroup.stderr).toContain('coordination.k8s.io/v1');
    expect((await store.get('Lease', 'default', 'my-election')).metadata.resourceVersion).toBe(
      before.metadata.resourceVersion,
    );
    expect(await store.tryGet('Lease', 'default', 'other-election')).toBeUndefined();

    const created = await manifest(
      'lease-created.yaml',
      'apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {name: created-election}\nspec: {holderIdentity: z}\n',
    );
    expect(await ok(['create', '-f', created])).toBe('lease.coordination.k8s.io/created-election created\n');
    expect((await store.get('Lease', 'default', 'created-election')).spec?.holderIdentity).toBe('z');
    expect(await ok(['delete', '-f', created])).toBe('lease.coordination.k8s.io "created-election" deleted\n');
  });
});

describe('capstan version, cluster-info, api-resources', () => {
  it("prints the CLI's and the server's version, and where the API is", async () => {
    const { version } = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(await ok(['version'])).toBe(`Client Version: capstan/${version}\nServer Version: capstan/${version}\n`);
    expect(await ok(['version', '--client'], { CAPSTAN_SERVER: 'http://127.0.0.1:9' })).toBe(
      `Client Version: capstan/${version}\n`,
    );
    // This test's server runs no DNS responder and has no ranges configured: only the API lines.
    expect(await ok(['cluster-info'])).toBe(
      `Capstan API (GraphQL and GraphiQL) is running at ${api.url}/graphql\nDashboard is running at ${api.url}/dashboard\n`,
    );
  });

  it('lists the kinds with their short names, as kubectl api-resources', async () => {
    const rows = lines(await ok(['api-resources']));
    expect(rows[0]).toMatch(/^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND$/);
    expect(rows).toContainEqual(expect.stringMatching(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/));
    // No short name for leases; its group-qualified name is not one.
    expect(rows).toContainEqual(expect.stringMatching(/^leases\s+coordination\.k8s\.io\/v1\s+true\s+Lease$/));
    expect(
      lines(await ok(['api-resources', '--namespaced=false']))
        .slice(1)
        .map((r) => r.split(/\s+/)[0]),
    ).toEqual(['nodes', 'namespaces']);
  });
});

describe('capstan errors', () => {
  it('refuses an unknown kind in one line', async () => {
    const run = await capstan(['get', 'widgets']);
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(/^error: unknown resource type "widgets"/);
  });

  it('refuses an unknown flag in one line', async () => {
    const run = await capstan(['get', 'pods', '--colour']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toBe("error: unknown option '--colour'\n");
  });

  it('names the file and line of bad YAML', async () => {
    const path = await manifest('bad.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a: b\n');
    const run = await capstan(['apply', '-f', path]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^error: ${path.replace(/[.]/g, '\\.')}:4:\\d+: invalid YAML: .+\\n$`));
  });

  it('says when the server cannot be reached', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    const run = await capstan(['get', 'pods'], { CAPSTAN_SERVER: `http://127.0.0.1:${port}` });
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(
      /^error: cannot reach the Capstan server at http:\/\/127\.0\.0\.1:\d+\/graphql: .*ECONNREFUSED/,
    );
  });

  it('says when the server refuses the token', async () => {
    const run = await capstan(['get', 'pods'], { CAPSTAN_TOKEN: 'abcdef.0123456789abcdef' });
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(/^error: the server refused the token: /);
  });

  it('says NotFound for a name describe cannot find, after describing the ones it can', async () => {
    expect(await capstan(['describe', 'pod', 'nope'])).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'Error from server (NotFound): pods "nope" not found\n',
    });
    const mixed = await capstan(['describe', 'namespace', 'default', 'nope', 'gone']);
    expect(mixed.code).toBe(1);
    expect(mixed.stdout).toMatch(/^Name:\s+default$/m);
    expect(lines(mixed.stderr)).toEqual([
      'Error from server (NotFound): namespaces "nope" not found',
      'Error from server (NotFound): namespaces "gone" not found',
    ]);
  });

  it('refuses to scale a kind that does not scale', async () => {
    const run = await capstan(['scale', 'svc', 'hello', '--replicas', '2']);
    expect(run).toMatchObject({
      code: 1,
      stderr: 'error: cannot scale service: only deployments and replicationcontrollers scale\n',
    });
  });
});

describe('capstan get -o jsonpath and -o custom-columns', () => {
  const NS = 'cli-jsonpath';
  let nodePort: number;

  beforeAll(async () => {
    await store.create('Namespace', { kind: 'Namespace', metadata: { name: NS } });
    const service = await store.create('Service', {
      kind: 'Service',
      metadata: { name: 'jp', namespace: NS },
      spec: { type: 'NodePort', selector: { app: 'jp' }, ports: [{ port: 80, targetPort: 80 }] },
    });
    nodePort = service.spec!.ports![0]!.nodePort!;
    for (const [name, phase, podIP] of [
      ['jp-1', 'Running', '10.1.0.2'],
      ['jp-2', 'Pending', undefined],
    ] as const) {
      const pod = await store.create('Pod', {
        kind: 'Pod',
        metadata: { name, namespace: NS, labels: { app: 'jp' } },
        spec: { containers: [{ name: 'c', image: 'capstan/hello' }] },
      });
      await store.updateStatus('Pod', { ...pod, status: { phase, ...(podIP ? { podIP } : {}) } });
    }
  });

  it('prints one field of one object, with no newline added', async () => {
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    expect(await ok(['get', 'svc', 'jp', '-n', NS, '-o', 'jsonpath={.spec.ports[0].nodePort}'])).toBe(`${nodePort}`);
    expect(await ok(['get', 'svc/jp', '-n', NS, '-o=jsonpath={.kind}/{.metadata.name}'])).toBe('Service/jp');
  });

  it('runs on the very document -o json prints', async () => {
    const json: unknown = JSON.parse(await ok(['get', 'pods', '-n', NS, '-o', 'json']));
    expect(JSON.parse(await ok(['get', 'pods', '-n', NS, '-o', 'jsonpath={@}']))).toEqual(json);
    expect(await ok(['get', 'pods', '-n', NS, '-o', 'jsonpath={.apiVersion} {.kind} {.items[*].metadata.name}'])).toBe(
      'v1 List jp-1 jp-2',
    );
  });

  it('ranges over a list and filters it', async () => {
    const range = '{range .items[*]}{.metadata.name}{"\\t"}{.status.podIP}{"\\n"}{end}';
    expect(await ok(['get', 'pods', '-n', NS, '-o', `jsonpath=${range}`])).toBe('jp-1\t10.1.0.2\njp-2\t\n');
    const running = '{.items[?(@.status.phase=="Running")].metadata.name}';
    expect(await ok(['get', 'pods', '-n', NS, '-o', `jsonpath=${running}`])).toBe('jp-1');
  });

  it('prints custom columns, with or without headers', async () => {
    const spec = 'custom-columns=NAME:.metadata.name,IP:.status.podIP,PHASE:.status.phase';
    expect(lines(await ok(['get', 'pods', '-n', NS, '-o', spec]))).toEqual([
      'NAME   IP         PHASE',
      'jp-1   10.1.0.2   Running',
      'jp-2   <none>     Pending',
    ]);
    expect(await ok(['get', 'pods', '-n', NS, '-o', 'custom-columns=NAME:.metadata.name', '--no-headers'])).toBe(
      'jp-1\njp-2\n',
    );
    expect(lines(await ok(['get', 'pods', '-n', NS, '--no-headers']))).toEqual([
      expect.stringMatching(/^jp-1\s+0\/1\s+Running\s+0\s+\d+s$/),
      expect.stringMatching(/^jp-2\s+0\/1\s+Pending\s+0\s+\d+s$/),
    ]);
  });

  it('says NotFound as kubectl does for a missing object of every kind and in every verb, printing those found', async () => {
    for (const [type, plural] of [
      ['pod', 'pods'],
      ['rc', 'replicationcontrollers'],
      ['deploy', 'deployments.apps'],
      ['svc', 'services'],
      ['ep', 'endpoints'],
      ['node', 'nodes'],
      ['ns', 'namespaces'],
      ['ev', 'events'],
      ['pvc', 'persistentvolumeclaims'],
      ['cm', 'configmaps'],
      ['secret', 'secrets'],
      ['lease', 'leases.coordination.k8s.io'],
    ] as const) {
      const run = await capstan(['get', type, 'missing', '-n', NS]);
      expect(run, type).toEqual({
        code: 1,
        stdout: '',
        stderr: `Error from server (NotFound): ${plural} "missing" not found\n`,
      });
    }
    // Every other verb that names one missing object says the same (the server's NOT_FOUND, in kubectl's words).
    for (const [args, plural] of [
      [['scale', 'deploy/missing', '--replicas', '2'], 'deployments.apps'],
      [['scale', 'rc', 'missing', '--replicas', '2'], 'replicationcontrollers'],
      [['label', 'pod', 'missing', 'a=1'], 'pods'],
      [['annotate', 'deploy/missing', 'a=1'], 'deployments.apps'],
      [['set', 'image', 'deploy/missing', 'app=capstan/hello'], 'deployments.apps'],
      [['expose', 'rc', 'missing', '--port', '80'], 'replicationcontrollers'],
      [['cordon', 'missing'], 'nodes'],
      [['drain', 'missing'], 'nodes'],
    ] as const) {
      expect(await capstan([...args, '-n', NS]), args.join(' ')).toEqual({
        code: 1,
        stdout: '',
        stderr: `Error from server (NotFound): ${plural} "missing" not found\n`,
      });
    }
    const some = await capstan(['get', 'pods', 'jp-1', 'nope', 'jp-2', 'gone', '-n', NS, '-o', 'name']);
    expect(some).toEqual({
      code: 1,
      stdout: 'pod/jp-1\npod/jp-2\n',
      stderr:
        'Error from server (NotFound): pods "nope" not found\nError from server (NotFound): pods "gone" not found\n',
    });
    // delete goes on past a missing name, as kubectl: the others are deleted, the missing one fails the command.
    await ok(['create', 'configmap', 'dm-1', '--from-literal=a=b', '-n', NS]);
    expect(await capstan(['delete', 'configmap', 'nope', 'dm-1', '-n', NS])).toEqual({
      code: 1,
      stdout: 'configmap "dm-1" deleted\n',
      stderr: 'Error from server (NotFound): configmaps "nope" not found\n',
    });
    expect((await capstan(['get', 'configmap', 'dm-1', '-n', NS])).code).toBe(1);
    expect(await capstan(['delete', 'configmap', 'nope', '-n', NS, '--ignore-not-found'])).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
  });

  it('adds a column per label key with -L, before LABELS, for every kind listed', async () => {
    const pods = lines(await ok(['get', 'pods', '-n', NS, '-L', 'app,tier', '--show-labels']));
    expect(pods[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+APP\s+TIER\s+LABELS$/);
    expect(pods[1]).toMatch(/^jp-1\s+0\/1\s+Running\s+0\s+\d+s\s+jp\s+app=jp$/);
    const mixed = lines(await ok(['get', 'pods,svc,ns', '-n', NS, '-L', 'app', '-L', 'example.com/team']));
    expect(mixed.filter((l) => l.startsWith('NAME'))).toEqual([
      expect.stringMatching(/\s+AGE\s+APP\s+TEAM$/),
      expect.stringMatching(/\s+AGE\s+APP\s+TEAM$/),
      expect.stringMatching(/^NAME\s+STATUS\s+AGE\s+APP\s+TEAM$/),
    ]);
    expect(mixed).toContainEqual(expect.stringMatching(/^pod\/jp-2\s+0\/1\s+Pending\s+0\s+\d+s\s+jp$/));
    expect(mixed).toContainEqual(expect.stringMatching(/^service\/jp\s+NodePort\s.*\s+\d+s$/));
    const bad = await capstan(['get', 'pods', '-n', NS, '-L', 'app,']);
    expect(bad).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'error: -L/--label-columns takes label keys, e.g. -L app,tier\n',
    });
  });

  it('prints an empty list through the template instead of "No resources found"', async () => {
    expect(await ok(['get', 'pods', '-n', NS, '-l', 'app=none', '-o', 'jsonpath={.items[*].metadata.name}'])).toBe('');
    expect(await ok(['get', 'pods', '-n', NS, '-l', 'app=none', '-o', 'custom-columns=NAME:.metadata.name'])).toBe(
      'NAME\n',
    );
  });

  it('fails in one line on a bad template, a missing key when asked to, and with --watch', async () => {
    for (const [args, stderr] of [
      [['-o', 'jsonpath={.items[0'], 'error: error parsing jsonpath {.items[0, unterminated array\n'],
      [
        ['-o', 'jsonpath={.items[5]}'],
        'error: error executing jsonpath "{.items[5]}": Error executing template: array index out of bounds: index 5, length 2\n',
      ],
      [
        ['-o', 'jsonpath={.items[0].status.hostIP}', '--allow-missing-template-keys=false'],
        'error: error executing jsonpath "{.items[0].status.hostIP}": Error executing template: hostIP is not found\n',
      ],
      [
        ['-o', 'custom-columns=NAME'],
        'error: unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>\n',
      ],
      [
        ['-w', '-o', 'jsonpath={.kind}'],
        'error: --watch does not support -o jsonpath; use a table, -o wide, yaml, json or name\n',
      ],
    ] as const) {
      const run = await capstan(['get', 'pods', '-n', NS, ...args]);
      expect(run, args.join(' ')).toMatchObject({ code: 1, stdout: '', stderr });
    }
    expect(await ok(['get', 'pods', '-n', NS, '-o', 'jsonpath={.items[0].status.hostIP}'])).toBe('');
  });
});

describe('capstan patch', () => {
  const NS = 'cli-patch';

  beforeAll(async () => {
    await store.create('Namespace', { kind: 'Namespace', metadata: { name: NS } });
    await store.create('Deployment', {
      kind: 'Deployment',
      metadata: { name: 'shop', namespace: NS, labels: { app: 'shop', tier: 'front' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'shop' } },
        template: {
          metadata: { labels: { app: 'shop' } },
          spec: { containers: [{ name: 'shop', image: 'capstan/hello' }] },
        },
      },
    });
  });

  it('sets and removes labels with a merge patch, and says when a patch changes nothing', async () => {
    const patch = '{"metadata":{"labels":{"team":"a","tier":null}}}';
    expect(await ok(['patch', 'deploy', 'shop', '-n', NS, '--type', 'merge', '-p', patch])).toBe(
      'deployment.apps/shop patched\n',
    );
    expect((await store.get('Deployment', NS, 'shop')).metadata.labels).toEqual({ app: 'shop', team: 'a' });
    expect(await ok(['patch', 'deploy/shop', '-n', NS, '--type=merge', '-p', patch])).toBe(
      'deployment.apps/shop patched (no change)\n',
    );
    expect(await ok(['patch', 'deploy/shop', '-n', NS, '-p', 'spec: {replicas: 5}', '--dry-run=server'])).toBe(
      'deployment.apps/shop patched (server dry run)\n',
    );
    expect((await store.get('Deployment', NS, 'shop')).spec?.replicas).toBe(2);
  });

  it('changes nothing and exits 1 when a json patch test fails, naming the operation', async () => {
    const before = await store.get('Deployment', NS, 'shop');
    const patch = JSON.stringify([
      { op: 'replace', path: '/spec/replicas', value: 7 },
      { op: 'test', path: '/metadata/labels/app', value: 'web' },
    ]);
    const run = await capstan(['patch', 'deploy', 'shop', '-n', NS, '--type', 'json', '-p', patch]);
    expect(run).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        'error: json patch operation 2 (test /metadata/labels/app) failed: the value at "/metadata/labels/app" is "shop", not "web"\n',
    });
    const after = await store.get('Deployment', NS, 'shop');
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(after.spec?.replicas).toBe(2);
  });

  it('refuses status, a rename, a bad patch and a missing object in one line, writing nothing', async () => {
    const before = await store.get('Deployment', NS, 'shop');
    for (const [args, stderr] of [
      [['--type=merge', '-p', '{"status":{"replicas":9}}'], /^error: deployment\.apps "shop": status is not patchable/],
      [
        ['-p', '{"metadata":{"name":"other"}}'],
        /^error: deployment\.apps "shop": the name of the object cannot be changed/,
      ],
      [['-p', '{"spec": '], /^error: the patch is not valid JSON or YAML/],
      [
        ['--type=json', '-p', '[{"op":"remove","path":"/spec/nope"}]'],
        /failed: the path "\/spec\/nope" does not exist\n$/,
      ],
      [['--type=xml', '-p', '{}'], /^error: option '--type <type>' argument 'xml' is invalid/],
    ] as const) {
      const run = await capstan(['patch', 'deploy', 'shop', '-n', NS, ...args]);
      expect(run, args.join(' ')).toMatchObject({ code: 1, stdout: '' });
      expect(run.stderr, args.join(' ')).toMatch(stderr);
      expect(lines(run.stderr)).toHaveLength(1);
    }
    expect((await store.get('Deployment', NS, 'shop')).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    const missing = await capstan(['patch', 'deploy', 'gone', '-n', NS, '-p', '{}']);
    expect(missing).toMatchObject({
      code: 1,
      stderr: 'Error from server (NotFound): deployments.apps "gone" not found\n',
    });
  });
});
