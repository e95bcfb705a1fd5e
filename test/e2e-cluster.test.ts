import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABELS } from '../src/node/runtime.ts';
import { waitFor } from './support/store.ts';
import { startTestBed, type TestBed } from './support/test-bed.ts';

// The seed's walkthrough on three real hosts of the test bed (`npm run cluster -- up --nodes 3`): each host a
// network namespace with its own Docker engine and `capstan node`, joined over the bed's LAN. Everything goes
// through the capstan CLI from this machine and commands run on the hosts, as a user would do it.

interface PodJson {
  metadata: { name: string; labels?: Record<string, string> };
  spec: { nodeName?: string };
  status?: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[] };
}

// Generous: the CLI starts a process per command, and the machine's two cores are shared.
const STEP_TIMEOUT_MS = 240_000;

let bed: TestBed | undefined;

function theBed(): TestBed {
  if (!bed) throw new Error('the test bed did not start');
  return bed;
}

async function pods(selector: string): Promise<PodJson[]> {
  const out = await theBed().capstanOk(['get', 'pods', '-l', selector, '-o', 'json']);
  return (JSON.parse(out) as { items: PodJson[] }).items;
}

const ready = (pod: PodJson): boolean =>
  pod.status?.phase === 'Running' &&
  (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

function waitForReadyPods(selector: string, count: number, timeoutMs = 90_000): Promise<PodJson[]> {
  return waitFor(
    async () => {
      const list = await pods(selector);
      return list.length === count && list.every(ready) ? list : undefined;
    },
    { timeoutMs, intervalMs: 1_000, message: `${count} ready pods with ${selector}` },
  );
}

/** The project's pod containers (sandboxes included) on host `index`'s engine. */
async function podContainers(index: number): Promise<string[]> {
  const result = await theBed().exec(index, ['docker', 'ps', '-aq', '--filter', `label=${LABELS.podName}`]);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout.split('\n').filter(Boolean);
}

/** GET `url` with curl inside host `index`'s namespace; the body, or undefined when it failed. */
async function curlOnHost(index: number, url: string): Promise<string | undefined> {
  const result = await theBed().exec(index, ['curl', '-s', '-m', '3', url], { timeoutMs: 10_000 });
  return result.code === 0 ? result.stdout : undefined;
}

describe('the seed walkthrough across three hosts of the test bed', { timeout: STEP_TIMEOUT_MS }, () => {
  beforeAll(async () => {
    bed = await startTestBed({ nodes: 3 });
  }, 300_000);

  afterAll(async () => {
    if (bed) {
      await bed.capstan(['delete', 'deployment', 'hello-world', '--ignore-not-found']);
      await bed.capstan(['delete', 'service', 'hello-service', '--ignore-not-found']);
      await bed.release();
    }
  }, 120_000);

  it('has three Ready nodes, one per host, each at its LAN address', async () => {
    const out = await theBed().capstanOk(['get', 'nodes', '-o', 'json']);
    const nodes = (
      JSON.parse(out) as {
        items: { metadata: { name: string }; status: { addresses?: { type: string; address: string }[] } }[];
      }
    ).items;
    const byName = Object.fromEntries(
      nodes.map((n) => [n.metadata.name, n.status.addresses?.find((a) => a.type === 'InternalIP')?.address]),
    );
    expect(byName).toMatchObject({ h0: '10.123.0.10', h1: '10.123.0.11', h2: '10.123.0.12' });
  });

  it('runs hello-world, scales it to three replicas spread over the three hosts, each on its own engine', async () => {
    await theBed().capstanOk(['run', 'hello-world', '--image=capstan/hello', '--port=80']);
    await waitForReadyPods('run=hello-world', 1);
    await theBed().capstanOk(['scale', 'deployment', 'hello-world', '--replicas=3']);
    const running = await waitForReadyPods('run=hello-world', 3);
    expect(running.map((p) => p.spec.nodeName).sort()).toEqual(['h0', 'h1', 'h2']);
    // Each host's own engine runs the pod bound to it (sandbox and app container), and only that one.
    for (const index of [0, 1, 2]) {
      const pod = running.find((p) => p.spec.nodeName === `h${index}`)!;
      const names = await theBed().exec(index, ['docker', 'ps', '--format', '{{.Label "' + LABELS.podName + '"}}']);
      expect(names.stdout.split('\n').filter(Boolean).sort()).toEqual([pod.metadata.name, pod.metadata.name]);
    }
  });

  it('exposes it as a NodePort that answers from a host over the LAN', async () => {
    const exposed = await theBed().capstanOk([
      'expose',
      'deployment',
      'hello-world',
      '--type=NodePort',
      '--name=hello-service',
    ]);
    const nodePort = Number(/80:(\d+)\/TCP/.exec(exposed)?.[1]);
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    const names = (await pods('run=hello-world')).map((p) => p.metadata.name);
    // From host h2, the NodePort of host h1: answered by one of the deployment's pods.
    const body = await waitFor(() => curlOnHost(2, `http://${theBed().host(1).address}:${nodePort}/`), {
      timeoutMs: 30_000,
      intervalMs: 500,
      message: `an answer on h1's NodePort ${nodePort}`,
    });
    const server = /Server name: (\S+)/.exec(body)?.[1];
    expect(names).toContain(server);
  });

  it('deletes the deployment and the service: no pod and no container is left on any host', async () => {
    await theBed().capstanOk(['delete', 'service', 'hello-service']);
    await theBed().capstanOk(['delete', 'deployment', 'hello-world']);
    await waitFor(async () => (await pods('run=hello-world')).length === 0, {
      timeoutMs: 60_000,
      intervalMs: 1_000,
      message: 'the pods of hello-world to go',
    });
    for (const index of [0, 1, 2]) {
      await waitFor(async () => (await podContainers(index)).length === 0, {
        timeoutMs: 30_000,
        intervalMs: 500,
        message: `no pod containers on h${index}`,
      });
    }
  });
});
