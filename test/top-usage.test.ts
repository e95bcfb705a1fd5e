import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../src/auth/tokens.ts';
import { startLogServer, type LogServer } from '../src/node/log-server.ts';
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
    const pod = await waitForPod(node.store, 'hog', (p) => p.status?.phase === 'Failed', { timeoutMs: 30_000 });
    const terminated = pod.status?.containerStatuses?.[0]?.state?.terminated;
    expect(terminated).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
    expect(await capstan('get', 'pods')).toMatch(/^hog\s+0\/1\s+OOMKilled\s+0\s/m);
    expect(await capstan('describe', 'pod', 'hog')).toMatch(/State:\s+Terminated \(OOMKilled, exit code 137\)/);
  }, 60_000);
});
