import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABELS } from '../src/node/runtime.ts';
import { parseTable, parseTables, startCapstanUp, type CapstanUp, type CliResult } from './support/capstan-up.ts';
import { waitFor } from './support/store.ts';

// The README's tour, typed into a shell: a real `capstan up` process, the real `capstan` binary for every step,
// its tables read the way a user reads them, curl-like requests to the NodePorts and the real `dig`.

const run = promisify(execFile);
const MULTI_TIER = 'examples/multi-tier.yaml';

let up: CapstanUp | undefined;
/** Pod name → pod IP of hello-world's three replicas, as `get pods -o wide` printed them. */
let helloPods = new Map<string, string>();
let helloNodePort = 0;
let helloClusterIP = '';

function cluster(): CapstanUp {
  if (!up) throw new Error('capstan up did not start');
  return up;
}

function describeRun(args: string[], result: CliResult): string {
  return `capstan ${args.join(' ')} exited ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
}

/** Runs a capstan command that must succeed; resolves with its stdout. */
async function capstan(...args: string[]): Promise<string> {
  const result = await cluster().cli(args);
  if (result.code !== 0) throw new Error(describeRun(args, result));
  return result.stdout;
}

/** `capstan get <what>` as table rows; none when it says "No resources found". */
async function getRows(...what: string[]): Promise<Record<string, string>[]> {
  const result = await cluster().cli(['get', ...what]);
  if (result.code !== 0) throw new Error(describeRun(['get', ...what], result));
  if (result.stdout.trim() === '') {
    expect(result.stderr).toMatch(/^No resources found/);
    return [];
  }
  return parseTable(result.stdout);
}

/**
 * Waits until `get pods` lists, among the pods named after `prefixes`, exactly the given number per prefix, all
 * 1/1 Running; pods of other workloads (left by a failed earlier step) do not count.
 */
function waitForRunningPods(prefixes: Record<string, number>, timeoutMs = 45_000): Promise<Record<string, string>[]> {
  const ofPrefix = (row: Record<string, string>, prefix: string) => row.NAME!.startsWith(`${prefix}-`);
  return waitFor(
    async () => {
      const rows = (await getRows('pods')).filter((r) => Object.keys(prefixes).some((p) => ofPrefix(r, p)));
      const counts = Object.entries(prefixes).every(([p, n]) => rows.filter((r) => ofPrefix(r, p)).length === n);
      const running = rows.every((r) => r.READY === '1/1' && r.STATUS === 'Running');
      return counts && running ? rows : undefined;
    },
    { timeoutMs, intervalMs: 250, message: `running pods ${JSON.stringify(prefixes)}` },
  );
}

/** The node port in a PORT(S) cell like `80:31234/TCP`. */
function nodePortOf(ports: string | undefined): number {
  const match = /^80:(\d+)\/TCP$/.exec(ports ?? '');
  if (!match) throw new Error(`PORT(S) is "${ports}", not 80:<node port>/TCP`);
  return Number(match[1]);
}

async function httpGet(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return { status: res.status, body: await res.text() };
}

/** Containers on the node, sandboxes included, of pods whose name starts with `prefix-`. */
async function containersOf(prefix: string): Promise<string[]> {
  const all = await cluster().containers();
  return all.filter((c) => c.Labels[LABELS.podName]?.startsWith(`${prefix}-`)).map((c) => c.Names.join(','));
}

function waitForNoContainers(prefix: string): Promise<true> {
  return waitFor(async () => (await containersOf(prefix)).length === 0, {
    timeoutMs: 30_000,
    intervalMs: 250,
    message: `the containers of the ${prefix} pods to leave Docker`,
  });
}

beforeAll(async () => {
  up = await startCapstanUp();
  await waitFor(
    async () => (await getRows('nodes')).find((r) => r.NAME === cluster().nodeName && r.STATUS === 'Ready'),
    { timeoutMs: 30_000, intervalMs: 250, message: `node ${cluster().nodeName} Ready in capstan get nodes` },
  );
});

afterAll(async () => {
  if (!up) return;
  const problems: string[] = [];
  if (up.running()) {
    // Whatever a failed step left behind goes the way a user would remove it, so the node agent stops the pods.
    await up.cli(['delete', 'deployment', 'hello-world', '--ignore-not-found']);
    await up.cli(['delete', 'pods', '-l', 'run=debug']);
    await up.cli(['delete', 'services', 'hello-service', '--ignore-not-found']);
    await up.cli(['delete', '-f', MULTI_TIER, '--ignore-not-found']);
    await waitFor(async () => (await up!.containers()).length === 0, {
      timeoutMs: 30_000,
      intervalMs: 250,
      message: 'the node to remove its containers',
    }).catch((err: unknown) => problems.push(String(err)));
  }
  problems.push(...(await up.release()));
  if (problems.length > 0) throw new Error(`cleanup after the tour: ${problems.join('; ')}\n${up.output()}`);
});

describe('the README tour through the capstan binary against capstan up', () => {
  it('runs hello-world as a Deployment whose pod shows up Running in get pods', async () => {
    expect(await capstan('run', 'hello-world', '--image=capstan/hello', '--port=80')).toBe(
      'deployment.apps/hello-world created\n',
    );
    const [pod] = await waitForRunningPods({ 'hello-world': 1 });
    expect(pod).toEqual({
      NAME: expect.stringMatching(/^hello-world-[a-z0-9]+-[a-z0-9]+$/),
      READY: '1/1',
      STATUS: 'Running',
      RESTARTS: '0',
      AGE: expect.stringMatching(/^\d+s$/),
    });
  });

  it('scales to three Running replicas, listed with their IPs and node by get pods -o wide', async () => {
    expect(await capstan('scale', 'deployment', 'hello-world', '--replicas=3')).toBe(
      'deployment.apps/hello-world scaled\n',
    );
    await waitForRunningPods({ 'hello-world': 3 });
    const wide = parseTable(await capstan('get', 'pods', '-o', 'wide'));
    expect(wide).toHaveLength(3);
    const { index, nodeName } = cluster();
    for (const row of wide) {
      expect(row).toMatchObject({ READY: '1/1', STATUS: 'Running', NODE: nodeName });
      expect(row.IP).toMatch(new RegExp(`^10\\.250\\.${index}\\.\\d+$`));
    }
    helloPods = new Map(wide.map((r) => [r.NAME!, r.IP!]));
    expect(new Set(helloPods.values()).size).toBe(3);
  });

  it('exposes the deployment on a NodePort that get services shows and all three pods answer', async () => {
    const { index, nodeAddress } = cluster();
    const exposed = await capstan('expose', 'deployment', 'hello-world', '--type=NodePort', '--name=hello-service');
    expect(exposed).toMatch(/^service\/hello-service exposed \(NodePort 80:\d+\/TCP\)\n$/);

    const row = (await getRows('services')).find((r) => r.NAME === 'hello-service');
    expect(row).toMatchObject({ TYPE: 'NodePort', 'EXTERNAL-IP': '<none>' });
    expect(row!['CLUSTER-IP']).toMatch(new RegExp(`^10\\.97\\.${index}\\.\\d+$`));
    helloClusterIP = row!['CLUSTER-IP']!;
    helloNodePort = nodePortOf(row!['PORT(S)']);
    expect(helloNodePort).toBeGreaterThanOrEqual(30_000);
    expect(helloNodePort).toBeLessThanOrEqual(32_767);
    expect(exposed).toContain(`80:${helloNodePort}/TCP`);

    // Each answer names the pod that served it and that pod's address; keep asking until all three have answered.
    const answeredBy = new Map<string, string>();
    let request = 0;
    await waitFor(
      async () => {
        const { status, body } = await httpGet(`http://${nodeAddress}:${helloNodePort}/tour-${request++}`);
        const name = /^Server name: (\S+)$/m.exec(body)?.[1];
        const address = /^Server address: (\S+)$/m.exec(body)?.[1];
        if (status === 200 && name && address) answeredBy.set(name, address);
        return answeredBy.size >= 3;
      },
      { timeoutMs: 30_000, intervalMs: 20, message: 'answers from three pods through the NodePort' },
    );
    expect(Object.fromEntries(answeredBy)).toEqual(
      Object.fromEntries([...helloPods].map(([name, ip]) => [name, `${ip}:80`])),
    );
  });

  it('prints a pod log: everything, or only the last line with --tail 1', async () => {
    const [name, ip] = [...helloPods][0]!;
    const whole = await capstan('logs', name);
    expect(whole.split('\n')[0]).toBe(`hello: ${name} listening on ${ip}:80`);
    // The pod answered at least one request of the previous step; its request lines come after the first line.
    const last = await waitFor(
      async () => {
        const out = await capstan('logs', name, '--tail', '1');
        return /GET \/tour-\d+ 200\n$/.test(out) ? out : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 250, message: `a request line as the last log line of ${name}` },
    );
    expect(last).toMatch(/^\S+ GET \/tour-\d+ 200\n$/);
    expect(whole).toContain(last);
  });

  it("prints the log of one of the deployment's pods for logs deployment/NAME, saying which", async () => {
    const result = await cluster().cli(['logs', 'deployment/hello-world', '--tail', '1']);
    expect(result.code).toBe(0);
    const chosen = /^Found 3 pods, using pod\/(\S+)\n$/.exec(result.stderr)?.[1];
    expect([...helloPods.keys()]).toContain(chosen);
    expect(result.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    const whole = await capstan('logs', chosen!);
    expect(whole).toContain(result.stdout);
  });

  it("runs a command in a pod with exec: the pod's resolv.conf, and the command's exit code", async () => {
    const [name] = [...helloPods.keys()];
    const resolv = await capstan('exec', name!, '--', 'cat', '/etc/resolv.conf');
    expect(resolv.split('\n')).toEqual(
      expect.arrayContaining([
        `nameserver ${cluster().dnsServiceIp}`,
        'search default.svc.cluster.local svc.cluster.local cluster.local',
      ]),
    );
    const failed = await cluster().cli(['exec', name!, '--', 'sh', '-c', 'echo to stdout; echo to stderr >&2; exit 7']);
    expect(failed).toEqual({
      code: 7,
      stdout: 'to stdout\n',
      stderr: 'to stderr\ncommand terminated with exit code 7\n',
    });
  });

  it("prints the same pod log through a second control plane, read from the node's log endpoint", async () => {
    const [name, ip] = [...helloPods][0]!;
    const server = await cluster().startServer();
    try {
      // The admin credential of `capstan up` is valid on every server of the cluster (same Redis).
      const result = await cluster().cli(['--server', server.apiUrl, 'logs', name]);
      expect(result.stderr).toBe('');
      expect(result.stdout.split('\n')[0]).toBe(`hello: ${name} listening on ${ip}:80`);
    } finally {
      await server.stop();
    }
  });

  it('says where the API and the cluster DNS are, with capstan cluster-info', async () => {
    const up = cluster();
    expect(await capstan('cluster-info')).toBe(
      [
        `Capstan API (GraphQL and GraphiQL) is running at ${up.apiUrl}/graphql`,
        `Dashboard is running at ${up.apiUrl}/dashboard`,
        `Cluster DNS is running at 127.0.0.1:${up.dnsPort} (UDP and TCP, zone cluster.local; pods query ${up.dnsServiceIp}:53)`,
        `Service ClusterIPs come from ${up.serviceCidr}`,
        `LoadBalancer addresses come from 127.100.${up.index}.0/24`,
        '',
      ].join('\n'),
    );
  });

  it('resolves the service name to its ClusterIP with dig on the cluster DNS', async () => {
    const { stdout } = await run(
      'dig',
      [
        '@127.0.0.1',
        '-p',
        String(cluster().dnsPort),
        'hello-service.default.svc.cluster.local',
        '+short',
        '+tries=2',
        '+time=2',
      ],
      { timeout: 15_000 },
    );
    expect(stdout).toBe(`${helloClusterIP}\n`);
  });

  it('labels a pod out of the selector: its ReplicationController lets it go and starts a replacement', async () => {
    const [name] = [...helloPods.keys()];
    const refused = await cluster().cli(['label', 'pod', name!, 'run=debug']);
    expect(refused).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: Pod default/${name}: 'run' already has a value (hello-world), and --overwrite is false\n`,
    });
    expect(await capstan('label', 'pod', name!, 'run=debug', '--overwrite')).toBe(`pod/${name} labeled\n`);

    // The released pod keeps running beside three pods that match the selector again.
    const rows = await waitForRunningPods({ 'hello-world': 4 });
    expect((await getRows('pods', '-l', 'run=debug')).map((r) => r.NAME)).toEqual([name]);
    const selected = (await getRows('pods', '-l', 'run=hello-world')).map((r) => r.NAME);
    expect(selected).toHaveLength(3);
    expect(selected).not.toContain(name);
    expect(rows.map((r) => r.NAME).sort()).toEqual([name, ...selected].sort());

    expect(await capstan('delete', 'pods', '-l', 'run=debug')).toBe(`pod "${name}" deleted\n`);
    await waitFor(async () => !(await getRows('pods')).some((r) => r.NAME === name), {
      timeoutMs: 15_000,
      intervalMs: 250,
      message: `the released pod ${name} to go`,
    });
  });

  it('sets a new image: the Deployment rolls it out as revision 2, followed by rollout status', async () => {
    const before = new Set((await getRows('pods')).map((r) => r.NAME));
    expect(await capstan('set', 'image', 'deployment/hello-world', 'hello-world=capstan/hello:latest')).toBe(
      'deployment.apps/hello-world image updated\n',
    );
    const status = await capstan('rollout', 'status', 'deployment/hello-world', '--timeout', '45s');
    expect(status).toMatch(/deployment "hello-world" successfully rolled out\n$/);
    const [heading, ...table] = (await capstan('rollout', 'history', 'deployment/hello-world')).split('\n');
    expect(heading).toBe('deployment.apps/hello-world');
    const history = parseTable(table.join('\n'));
    expect(history.map((r) => [r.REVISION, r.IMAGES])).toEqual([
      ['1', 'capstan/hello'],
      ['2', 'capstan/hello:latest'],
    ]);
    const rows = await waitForRunningPods({ 'hello-world': 3 });
    expect(rows.filter((r) => before.has(r.NAME))).toEqual([]);
  });

  it('restarts every pod of the deployment with rollout restart, as revision 3', async () => {
    const before = new Set((await getRows('pods')).map((r) => r.NAME));
    expect(await capstan('rollout', 'restart', 'deployment/hello-world')).toBe(
      'deployment.apps/hello-world restarted\n',
    );
    const status = await capstan('rollout', 'status', 'deployment/hello-world', '--timeout', '45s');
    expect(status).toMatch(/deployment "hello-world" successfully rolled out\n$/);
    const revisions = parseTable(
      (await capstan('rollout', 'history', 'deployment/hello-world')).split('\n').slice(1).join('\n'),
    );
    expect(revisions.map((r) => r.REVISION)).toEqual(['1', '2', '3']);
    const rows = await waitForRunningPods({ 'hello-world': 3 });
    expect(rows.filter((r) => before.has(r.NAME))).toEqual([]);
  });

  it('deletes the service and the deployment, and their pods and containers go', async () => {
    expect(await capstan('delete', 'services', 'hello-service')).toBe('service "hello-service" deleted\n');
    expect((await getRows('services')).map((r) => r.NAME)).not.toContain('hello-service');
    await waitFor(
      () =>
        httpGet(`http://${cluster().nodeAddress}:${helloNodePort}/`).then(
          () => false,
          (err: Error & { cause?: { code?: string } }) => err.cause?.code === 'ECONNREFUSED',
        ),
      { timeoutMs: 10_000, intervalMs: 100, message: `node port ${helloNodePort} to close` },
    );

    expect(await capstan('delete', 'deployment', 'hello-world')).toBe('deployment.apps "hello-world" deleted\n');
    await waitForNoContainers('hello-world');
    await waitFor(async () => (await getRows('pods')).length === 0, {
      timeoutMs: 15_000,
      intervalMs: 250,
      message: 'get pods to list no pods',
    });
  });

  // A longer test timeout than the waits' deadlines add up to, so a failure names the step that did not happen.
  it('creates the multi-tier example from one file; the frontend answers with what the backend said', async () => {
    expect(await capstan('create', '-f', MULTI_TIER)).toBe(
      [
        'replicationcontroller/backend created',
        'service/backend created',
        'replicationcontroller/frontend created',
        'service/frontend created',
        '',
      ].join('\n'),
    );
    const pods = await waitForRunningPods({ backend: 2, frontend: 1 });
    const backends = pods.filter((p) => p.NAME!.startsWith('backend-')).map((p) => p.NAME);
    const frontend = pods.find((p) => p.NAME!.startsWith('frontend-'))!.NAME!;

    const all = await waitFor(
      async () => {
        const tables = parseTables(await capstan('get', 'all')).flat();
        const rcs = tables.filter((r) => r.NAME?.startsWith('replicationcontroller/'));
        return rcs.length === 2 && rcs.every((r) => r.READY === r.DESIRED) ? tables : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 250, message: 'get all to show both controllers ready' },
    );
    const byName = new Map(all.map((r) => [r.NAME, r]));
    expect(byName.get('replicationcontroller/backend')).toMatchObject({ DESIRED: '2', CURRENT: '2', READY: '2' });
    expect(byName.get('replicationcontroller/frontend')).toMatchObject({ DESIRED: '1', CURRENT: '1', READY: '1' });
    expect(byName.get('service/backend')).toMatchObject({ TYPE: 'ClusterIP', 'PORT(S)': '80/TCP' });
    expect(byName.get('service/frontend')).toMatchObject({ TYPE: 'NodePort' });
    const nodePort = nodePortOf(byName.get('service/frontend')?.['PORT(S)']);

    const body = await waitFor(
      async () => {
        const answer = await httpGet(`http://${cluster().nodeAddress}:${nodePort}/`);
        return answer.status === 200 ? answer.body : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, message: 'a 200 answer from the frontend through its NodePort' },
    );
    expect(body).toMatch(new RegExp(`^Frontend ${frontend} called http://backend/ and got:\n`));
    expect(backends).toContain(/^Server name: (\S+)$/m.exec(body)?.[1]);
  }, 120_000);

  it('deletes the multi-tier example by the same file', async () => {
    expect(await capstan('delete', '-f', MULTI_TIER)).toBe(
      [
        'replicationcontroller "backend" deleted',
        'service "backend" deleted',
        'replicationcontroller "frontend" deleted',
        'service "frontend" deleted',
        '',
      ].join('\n'),
    );
    await waitForNoContainers('backend');
    await waitForNoContainers('frontend');
  });

  it('stops at SIGTERM with exit code 0 and leaves no containers of its node', async () => {
    const exit = await cluster().terminate(30_000);
    expect(exit).toEqual({ code: 0, signal: null, forced: false });
    expect(await cluster().containers()).toEqual([]);
  });
});
