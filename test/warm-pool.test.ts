import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../src/api/types.ts';
import { startNodeAgent } from '../src/node/agent.ts';
import type { NodeAgent } from '../src/node/agent.ts';
import { bridgeName } from '../src/node/cni.ts';
import { DockerRuntime } from '../src/node/docker-runtime.ts';
import { LABELS } from '../src/node/runtime.ts';
import { PodCidrAllocator } from '../src/services/pod-cidr-allocator.ts';
import { BUSYBOX, HELLO, ready, waitForPod } from './support/node-harness.ts';
import { newTestStore, waitFor } from './support/store.ts';

const run = promisify(execFile);
const docker = new Docker();

// This file's cluster CIDR and DNS address: no other test uses 10.229.x.x or 10.97.29.x.
const CLUSTER_CIDR = '10.229.0.0/16';
const allocator = new PodCidrAllocator({ clusterCidr: CLUSTER_CIDR });
const IDLE_MS = 20_000;
let store: Awaited<ReturnType<typeof newTestStore>>;
let runtime: DockerRuntime;
let agent: NodeAgent | undefined;
let stateRoot: string;
const nodeName = `warm${randomBytes(3).toString('hex')}`;

function startAgent(): Promise<NodeAgent> {
  return startNodeAgent({
    store,
    runtime,
    nodeName,
    nodeAddress: '127.0.0.1',
    clusterCidr: CLUSTER_CIDR,
    dnsServerIp: '10.97.29.10',
    renewIntervalMs: 250,
    resyncIntervalMs: 1_000,
  });
}

function pod(
  name: string,
  containers: NonNullable<Pod['spec']>['containers'],
): {
  kind: 'Pod';
  metadata: { name: string; namespace: string };
  spec: Pod['spec'];
} {
  return {
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName, terminationGracePeriodSeconds: 0, containers },
  };
}

const sleeper = (name: string) =>
  pod(name, [{ name: 'main', image: BUSYBOX, command: ['sh', '-c', 'exec sleep 3600'] }]);

function containerId(p: Pod): string {
  return (p.status?.containerStatuses?.[0]?.containerID ?? '').replace('docker://', '');
}

async function exec(p: Pod, cmd: string[]): Promise<string> {
  const r = await runtime.exec(containerId(p), cmd, 10_000);
  return r.output;
}

async function warmContainers(): Promise<string[]> {
  const list = await docker.listContainers({ all: true, filters: { label: [`${LABELS.warmNode}=${nodeName}`] } });
  return list.map((c) => c.Id);
}

async function veths(): Promise<number> {
  const { stdout } = await run('ip', ['-o', 'link', 'show', 'master', bridgeName(nodeName)]).catch(() => ({
    stdout: '',
  }));
  return stdout.split('\n').filter((l) => l.includes('veth')).length;
}

async function deletePods(names: string[]): Promise<void> {
  await Promise.all(names.map((n) => store.delete('Pod', 'default', n).catch(() => undefined)));
  await waitFor(async () => (await Promise.all(names.map((n) => store.tryGet('Pod', 'default', n)))).every((p) => !p), {
    timeoutMs: 60_000,
    message: `pods ${names.join(', ')} gone`,
  });
}

beforeAll(async () => {
  store = await newTestStore({ admission: [allocator] });
  allocator.attach(store);
  stateRoot = await mkdtemp(join(tmpdir(), 'capstan-warm-'));
  runtime = new DockerRuntime({ stateRoot, warmPool: { maxSize: 4, idleMs: IDLE_MS } });
  agent = await startAgent();
}, 60_000);

afterAll(async () => {
  await agent?.stop().catch(() => undefined);
  const pods = await runtime.listPodContainers(nodeName).catch(() => []);
  await Promise.all(pods.map((p) => runtime.removePod(p.uid)));
  await runtime.removeNodeNetwork(nodeName).catch(() => undefined);
  await Promise.all((await warmContainers()).map((id) => docker.getContainer(id).remove({ force: true })));
  await rm(stateRoot, { recursive: true, force: true });
  await store?.dispose();
}, 60_000);

describe('warm pool of sandboxes', () => {
  it('gives pods warm sandboxes with their own hostname, hosts file, resolv.conf and IP, reachable from another pod', async () => {
    // Demand first: the pool fills after pods asked for sandboxes.
    await store.create('Pod', sleeper('cold'));
    const cold = await waitForPod(store, 'cold', ready, { timeoutMs: 180_000 });
    await waitFor(() => runtime.warmPoolSize(nodeName) >= 1, { timeoutMs: 240_000, message: 'a warm sandbox' });
    const before = new Set(await warmContainers());

    await store.create('Pod', pod('warm-web', [{ name: 'web', image: HELLO, ports: [{ containerPort: 80 }] }]));
    const web = await waitForPod(store, 'warm-web', ready, { timeoutMs: 180_000 });
    // The pod runs in one of the sandboxes that were ready before it existed: only its app container was started.
    const sandboxes = (await runtime.listPodContainers(nodeName)).find((p) => p.uid === web.metadata.uid)!.sandbox!;
    expect(before.has(sandboxes.id)).toBe(true);
    const podIP = web.status!.podIP!;
    expect(podIP).not.toBe(cold.status!.podIP);

    expect((await exec(web, ['hostname'])).trim()).toBe('warm-web');
    expect((await exec(web, ['cat', '/etc/hostname'])).trim()).toBe('warm-web');
    expect(await exec(web, ['cat', '/etc/hosts'])).toContain(`${podIP}\twarm-web`);
    expect(await exec(web, ['cat', '/etc/resolv.conf'])).toContain('nameserver 10.97.29.10');
    expect(await exec(web, ['cat', '/etc/resolv.conf'])).toContain('search default.svc.cluster.local');
    expect(await exec(web, ['ip', '-4', '-o', 'addr', 'show', 'eth0'])).toContain(`${podIP}/24`);
    // The app read its hostname at start (capstan/hello), and another pod reaches it by its pod IP.
    const answer = await waitFor(
      async () => {
        const out = await exec(cold, ['sh', '-c', `timeout 5 wget -q -O - http://${podIP}/`]);
        return out.includes('Server name:') ? out : undefined;
      },
      { timeoutMs: 30_000, message: 'an answer from the warm pod' },
    );
    expect(answer).toContain('Server name: warm-web');
    expect(answer).toContain(`Server address: ${podIP}`);
    // Ready warm sandboxes are never listed as pods.
    const listed = await runtime.listPodContainers(nodeName);
    expect(listed.map((p) => p.name).sort()).toEqual(['cold', 'warm-web']);
    await deletePods(['cold', 'warm-web']);
  }, 600_000);

  it('takes a deleted pod’s sandbox back into the pool while it is below its target, unless a TCP socket is left', async () => {
    // Demand of 4, the pool at its target of 4.
    const base = Array.from({ length: 4 }, (_, i) => `base-${i}`);
    await Promise.all(base.map((n) => store.create('Pod', sleeper(n))));
    await Promise.all(base.map((n) => waitForPod(store, n, ready, { timeoutMs: 300_000 })));
    await waitFor(() => runtime.warmPoolSize(nodeName) >= 4, { timeoutMs: 240_000, message: 'the pool at 4' });
    // Three pods that ignore SIGTERM, deleted with 120 s of grace: their stops keep the node busy, so the pool does
    // not refill meanwhile and stays below its target once a new pod has taken a sandbox.
    const stubborn = Array.from({ length: 3 }, (_, i) => `stubborn-${i}`);
    await Promise.all(
      stubborn.map((n) =>
        store.create('Pod', {
          ...pod(n, [
            { name: 'main', image: BUSYBOX, command: ['sh', '-c', "trap '' TERM; while true; do sleep 1; done"] },
          ]),
          spec: {
            nodeName,
            terminationGracePeriodSeconds: 120,
            containers: [
              { name: 'main', image: BUSYBOX, command: ['sh', '-c', "trap '' TERM; while true; do sleep 1; done"] },
            ],
          },
        }),
      ),
    );
    await Promise.all(stubborn.map((n) => waitForPod(store, n, ready, { timeoutMs: 300_000 })));
    await waitFor(() => runtime.warmPoolSize(nodeName) >= 4, { timeoutMs: 240_000, message: 'the pool refilled' });
    try {
      await Promise.all(stubborn.map((n) => store.delete('Pod', 'default', n)));
      await waitFor(
        async () => {
          const events = await store.list('Event', { namespace: 'default' });
          const killing = new Set(events.items.filter((e) => e.reason === 'Killing').map((e) => e.involvedObject.name));
          return stubborn.every((n) => killing.has(n));
        },
        { timeoutMs: 60_000, message: 'the stubborn pods being stopped' },
      );
      const sandboxOf = async (name: string): Promise<string> =>
        (await runtime.listPodContainers(nodeName)).find((p) => p.name === name)!.sandbox!.id;

      // A pod that leaves nothing in its netns: its sandbox goes back to the pool, still running, as a ready one.
      // Deleted gracefully (a grace period of 0 removes a pod from the store at once, before its containers stop).
      const graceful = (name: string, script: string) => ({
        ...pod(name, []),
        spec: {
          nodeName,
          terminationGracePeriodSeconds: 30,
          containers: [{ name: 'main', image: BUSYBOX, command: ['sh', '-c', `trap 'exit 0' TERM; ${script}`] }],
        },
      });
      await store.create('Pod', graceful('recycled', 'while true; do sleep 1; done'));
      await waitForPod(store, 'recycled', ready, { timeoutMs: 180_000 });
      const recycledId = await sandboxOf('recycled');
      expect(await warmContainers()).toContain(recycledId);
      // One with a TCP connection over its loopback: once killed, its sockets stay in the netns (TIME_WAIT) for a while.
      await store.create(
        'Pod',
        graceful(
          'talker',
          'sleep 3600 | nc -l -p 9000 >/dev/null & sleep 1; sleep 3600 | nc 127.0.0.1 9000 >/dev/null & while true; do sleep 1; done',
        ),
      );
      const talker = await waitForPod(store, 'talker', ready, { timeoutMs: 180_000 });
      const talkerId = await sandboxOf('talker');
      // An established connection (state 01); nc listens on ::, so it is in tcp6 (as ::ffff:127.0.0.1).
      await waitFor(async () => / 01 /.test(await exec(talker, ['cat', '/proc/net/tcp', '/proc/net/tcp6'])), {
        timeoutMs: 30_000,
        message: 'an established connection in the talker pod',
      });
      const sizeBefore = runtime.warmPoolSize(nodeName);
      expect(sizeBefore).toBeLessThan(4);

      await deletePods(['recycled', 'talker']);
      const warm = await warmContainers();
      expect(warm).toContain(recycledId);
      await waitFor(async () => !(await warmContainers()).includes(talkerId), {
        timeoutMs: 30_000,
        message: 'the talker’s sandbox removed',
      });
      expect(runtime.warmPoolSize(nodeName)).toBe(sizeBefore + 1);
      // Ready again, not a pod: not listed, and its pause process still runs with the address it had.
      expect((await runtime.listPodContainers(nodeName)).some((p) => p.sandbox?.id === recycledId)).toBe(false);
      expect((await docker.getContainer(recycledId).inspect()).State.Running).toBe(true);
    } finally {
      await Promise.all(
        stubborn.map((n) => store.delete('Pod', 'default', n, { gracePeriodSeconds: 0 }).catch(() => undefined)),
      );
      await deletePods([...stubborn, ...base, 'recycled', 'talker']);
    }
  }, 900_000);

  it('drains when idle and leaks no sandbox, veth or address over many warm pods', async () => {
    const names = Array.from({ length: 8 }, (_, i) => `churn-${i}`);
    for (let round = 0; round < 2; round++) {
      await Promise.all(names.map((n) => store.create('Pod', sleeper(n))));
      await Promise.all(names.map((n) => waitForPod(store, n, ready, { timeoutMs: 300_000 })));
      await deletePods(names);
      await waitFor(() => runtime.warmPoolSize(nodeName) >= 4, { timeoutMs: 240_000, message: 'the pool refilled' });
    }
    expect(runtime.warmPoolSize(nodeName)).toBeLessThanOrEqual(4);
    // Ready sandboxes hold an address and a veth each, and nothing else is left.
    await waitFor(async () => (await runtime.networkReservations(nodeName)).addresses.length === 4, {
      timeoutMs: 30_000,
      message: 'only the pool holding addresses',
    });
    // The kernel frees a removed sandbox's veth when it destroys its netns, asynchronously: wait, with a deadline.
    await waitFor(async () => (await veths()) === 4, { timeoutMs: 30_000, message: 'one veth per ready sandbox' });
    // No demand for IDLE_MS: the pool is drained, addresses released (CNI DEL), veths gone.
    await waitFor(async () => (await warmContainers()).length === 0, {
      timeoutMs: IDLE_MS + 30_000,
      message: 'the pool drained',
    });
    // CNI DEL releases the address first and drops the cached result after it: wait for both.
    await waitFor(
      async () => {
        const state = await runtime.networkReservations(nodeName);
        return state.addresses.length === 0 && state.results.length === 0;
      },
      { timeoutMs: 30_000, message: 'addresses released and cached CNI results dropped' },
    );
    await waitFor(async () => (await veths()) === 0, { timeoutMs: 30_000, message: 'no veth left on the bridge' });
  }, 900_000);

  it('removes its ready sandboxes when the agent stops and re-adopts pods in claimed ones after a restart', async () => {
    await store.create('Pod', sleeper('keep'));
    await waitForPod(store, 'keep', ready, { timeoutMs: 180_000 });
    await waitFor(() => runtime.warmPoolSize(nodeName) >= 1, { timeoutMs: 240_000, message: 'a warm sandbox' });
    await store.create('Pod', sleeper('adopted'));
    const adopted = await waitForPod(store, 'adopted', ready, { timeoutMs: 180_000 });
    const sandboxId = (await runtime.listPodContainers(nodeName)).find((p) => p.name === 'adopted')!.sandbox!.id;
    expect(await warmContainers()).toContain(sandboxId);
    await waitFor(() => runtime.warmPoolSize(nodeName) >= 1, { timeoutMs: 240_000, message: 'the pool refilled' });

    await agent!.stop();
    agent = undefined;
    // Only the claimed sandbox is left of the pool; the pods keep running.
    expect(await warmContainers()).toEqual([sandboxId]);
    expect((await runtime.networkReservations(nodeName)).addresses.length).toBe(2);

    // A new runtime, as after a restart of the agent's process: it reads the claim back.
    runtime = new DockerRuntime({ stateRoot, warmPool: { maxSize: 4, idleMs: IDLE_MS } });
    agent = await startAgent();
    const after = await waitForPod(store, 'adopted', (p) => ready(p) && Boolean(p.status?.podIP), {
      timeoutMs: 30_000,
    });
    expect(after.status!.podIP).toBe(adopted.status!.podIP);
    expect(containerId(after)).toBe(containerId(adopted));
    expect((await exec(after, ['hostname'])).trim()).toBe('adopted');
    await deletePods(['keep', 'adopted']);
    await waitFor(async () => !(await warmContainers()).includes(sandboxId), {
      timeoutMs: 30_000,
      message: 'the claimed sandbox removed with its pod',
    });
  }, 600_000);
});
