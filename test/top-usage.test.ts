import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../src/auth/tokens.ts';
import { startLogServer, type LogServer } from '../src/node/node-endpoint-server.ts';
import { startApiServer, type ApiServer } from '../src/server/http-server.ts';
import { NodeUsageSource } from '../src/server/node-usage-source.ts';
import { createLogger } from '../src/util/logger.ts';
import { BUSYBOX, NodeHarness, waitForPod } from './support/node-harness.ts';
import { testNodePki, type TestNodePki } from './support/node-pki.ts';

// Usage and limits end to end: the node samples Docker's stats, the API reads them from the node endpoint over
// mutual TLS (no in-process shortcut), the CLI prints them; limits are the engine's, so going over one kills.

const run = promisify(execFile);
const CAPSTAN = new URL('../bin/capstan.mjs', import.meta.url).pathname;
const node = new NodeHarness();
let logServer: LogServer | undefined;
let pki: TestNodePki | undefined;
let api: ApiServer | undefined;
let token = '';

async function capstan(...args: string[]): Promise<string> {
  const env = { ...process.env, CAPSTAN_SERVER: api!.url, CAPSTAN_TOKEN: token, CAPSTAN_CONFIG: '/nonexistent/x' };
  return (await run('node', [CAPSTAN, ...args], { env })).stdout;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  pki = await testNodePki();
  logServer = await startLogServer({
    host: '127.0.0.1',
    port: 0,
    nodeName: node.nodeName,
    target: () => node.agent,
    tls: await pki.node(node.nodeName),
    logger: createLogger({ level: 'silent' }),
  });
  await node.start({ kubeletPort: logServer.port, usageIntervalMs: 500 });
  token = (await createToken(node.store, { role: 'admin', description: 'top test' })).token;
  const logger = createLogger({ level: 'silent' });
  api = await startApiServer({
    store: node.store,
    port: 0,
    logger,
    contextExtras: { usageSource: new NodeUsageSource({ store: node.store, dialer: pki.dialer, logger, cacheMs: 0 }) },
  });
}, 90_000);

afterAll(async () => {
  await api?.close();
  await logServer?.close();
  await node.dispose();
  await pki?.dispose();
}, 60_000);

describe('capstan top', () => {
  it("shows a busy pod's CPU near its limit and its memory, and the node's share", async () => {
    await node.store.create(
      'Pod',
      node.pod('spin', {
        terminationGracePeriodSeconds: 0,
        containers: [
          {
            name: 'spin',
            image: BUSYBOX,
            imagePullPolicy: 'Never',
            command: ['sh', '-c', 'while :; do :; done'],
            resources: { limits: { cpu: '200m', memory: '32Mi' } },
          },
        ],
      }),
    );
    await waitForPod(node.store, 'spin', (p) => p.status?.phase === 'Running', { timeoutMs: 30_000 });
    const line = await until('spin in capstan top pods', async () => {
      const out = await capstan('top', 'pods');
      return /^spin\s+(\d+)m\s+(\d+)Mi$/m.exec(out) ?? undefined;
    });
    // The engine holds it to 200m; on a busy machine it may get less, never much more.
    const millicores = Number(line[1]);
    expect(millicores).toBeGreaterThan(20);
    expect(millicores).toBeLessThanOrEqual(260);
    expect(Number(line[2])).toBeLessThan(32);
    const nodes = await capstan('top', 'nodes');
    expect(nodes).toMatch(/^NAME\s+CPU\(CORES\)\s+CPU%\s+MEMORY\(BYTES\)\s+MEMORY%$/m);
    expect(nodes).toMatch(new RegExp(`^${node.nodeName}\\s+\\d+m\\s+(\\d+%|<unknown>)\\s+\\d+Mi`, 'm'));
  }, 90_000);

  it("serves the busy pod's counters at /metrics/resource to a token that may read pods, and only to one", async () => {
    // The spin pod of the test before: its CPU counter grows between two scrapes, as Prometheus would see it.
    const series = new RegExp(
      `^container_cpu_usage_seconds_total\\{container="spin",namespace="default",pod="spin"\\} ([\\d.e+-]+) \\d+$`,
      'm',
    );
    const scrape = async (auth?: string): Promise<Response> =>
      fetch(`${api!.url}/metrics/resource`, { headers: auth ? { authorization: `Bearer ${auth}` } : {} });
    const first = await until('the spin container in /metrics/resource', async () => {
      const res = await scrape(token);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const m = series.exec(await res.text());
      return m ? Number(m[1]) : undefined;
    });
    const text = await until('a greater CPU counter', async () => {
      const body = await (await scrape(token)).text();
      const m = series.exec(body);
      return m && Number(m[1]) > first ? body : undefined;
    });
    expect(text).toMatch(
      /^container_memory_working_set_bytes\{container="spin",namespace="default",pod="spin"\} [1-9]\d* \d+$/m,
    );
    expect(text).toMatch(/^pod_cpu_usage_seconds_total\{namespace="default",pod="spin"\} [\d.e+-]+ \d+$/m);
    expect(text).toMatch(/^pod_memory_working_set_bytes\{namespace="default",pod="spin"\} [1-9]\d* \d+$/m);
    expect(text).toMatch(
      new RegExp(`^node_cpu_usage_seconds_total\\{node="${node.nodeName}"\\} [\\d.e+-]+ \\d+$`, 'm'),
    );
    expect(text).toMatch(new RegExp(`^node_memory_working_set_bytes\\{node="${node.nodeName}"\\} \\d+ \\d+$`, 'm'));
    expect(text).toMatch(new RegExp(`^scrape_error\\{node="${node.nodeName}"\\} 0$`, 'm'));

    const viewer = await createToken(node.store, { role: 'viewer', description: 'resource metrics test' });
    expect((await scrape(viewer.token)).status).toBe(200);
    const nodeCredential = await createToken(node.store, {
      role: 'node',
      nodeName: node.nodeName,
      description: 'test',
    });
    expect((await scrape(nodeCredential.token)).status).toBe(200);
    // No token: 401, also from loopback (the series name pods); a token that may not read pods: 403.
    const anonymous = await scrape();
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).not.toContain('container_cpu_usage_seconds_total');
    const bootstrap = await createToken(node.store, { role: 'bootstrap', description: 'resource metrics test' });
    const refused = await scrape(bootstrap.token);
    expect(refused.status).toBe(403);
    const body = await refused.text();
    expect(body).toMatch(/^FORBIDDEN: bootstrap token/);
    expect(body).not.toContain('spin');
  }, 90_000);

  it('shows a container over its memory limit as OOMKilled, as the engine killed it', async () => {
    await node.store.create(
      'Pod',
      node.pod('hog', {
        restartPolicy: 'Never',
        containers: [
          {
            name: 'hog',
            image: BUSYBOX,
            imagePullPolicy: 'Never',
            // dd holds a 64 MiB buffer it fills from /dev/zero: twice the limit.
            command: ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=64M', 'count=4'],
            resources: { limits: { memory: '32Mi' } },
          },
        ],
      }),
    );
    // A pod start took 16 s in a CI run at load 69; the wait is for the OOM kill, not for a quick start.
    const pod = await waitForPod(node.store, 'hog', (p) => p.status?.phase === 'Failed', { timeoutMs: 60_000 });
    const terminated = pod.status?.containerStatuses?.[0]?.state?.terminated;
    expect(terminated).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
    expect(await capstan('get', 'pods')).toMatch(/^hog\s+0\/1\s+OOMKilled\s+0\s/m);
    expect(await capstan('describe', 'pod', 'hog')).toMatch(/State:\s+Terminated \(OOMKilled, exit code 137\)/);
  }, 90_000);
});
