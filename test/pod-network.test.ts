import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Node, Pod } from '../src/api/types.ts';
import { startNodeAgent } from '../src/node/agent.ts';
import type { NodeAgent } from '../src/node/agent.ts';
import { bridgeName } from '../src/node/cni.ts';
import { DockerRuntime } from '../src/node/docker-runtime.ts';
import { iptablesHas, nodeChains } from '../src/node/node-iptables.ts';
import { LABELS } from '../src/node/runtime.ts';
import { PodCidrAllocator } from '../src/services/pod-cidr-allocator.ts';
import { BUSYBOX, ready, waitForPod } from './support/node-harness.ts';
import { newTestStore, waitFor } from './support/store.ts';

const run = promisify(execFile);

// This file's cluster CIDR: no other test uses 10.230.x.x.
const CLUSTER_CIDR = '10.230.0.0/16';
const allocator = new PodCidrAllocator({ clusterCidr: CLUSTER_CIDR });
let store: Awaited<ReturnType<typeof newTestStore>>;

interface TestNode {
  name: string;
  runtime: DockerRuntime;
  agent: NodeAgent;
  stateRoot: string;
}
const nodes: TestNode[] = [];

async function startNode(name: string, runtime?: DockerRuntime): Promise<TestNode> {
  const stateRoot = runtime?.stateRoot ?? (await mkdtemp(join(tmpdir(), 'capstan-net-')));
  runtime ??= new DockerRuntime({ stateRoot });
  const agent = await startNodeAgent({
    store,
    runtime,
    nodeName: name,
    nodeAddress: '127.0.0.1',
    clusterCidr: CLUSTER_CIDR,
    dnsServerIp: '10.97.0.10',
    renewIntervalMs: 250,
    resyncIntervalMs: 1_000,
  });
  return { name, runtime, agent, stateRoot };
}

function sleeper(
  name: string,
  node: string,
  command = 'exec sleep 3600',
): { kind: 'Pod'; metadata: { name: string; namespace: string }; spec: Pod['spec'] } {
  return {
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      nodeName: node,
      terminationGracePeriodSeconds: 0,
      containers: [{ name: 'main', image: BUSYBOX, command: ['sh', '-c', command] }],
    },
  };
}

function containerId(pod: Pod): string {
  return (pod.status?.containerStatuses?.[0]?.containerID ?? '').replace('docker://', '');
}

async function veths(node: TestNode): Promise<number> {
  const { stdout } = await run('ip', ['-o', 'link', 'show', 'master', bridgeName(node.name)]).catch(() => ({
    stdout: '',
  }));
  return stdout.split('\n').filter((l) => l.includes('veth')).length;
}

async function deletePod(name: string): Promise<void> {
  await store.delete('Pod', 'default', name).catch(() => undefined);
  await waitFor(async () => !(await store.tryGet('Pod', 'default', name)), {
    timeoutMs: 30_000,
    message: `pod ${name} gone`,
  });
}

beforeAll(async () => {
  store = await newTestStore({ admission: [allocator] });
  allocator.attach(store);
  const suffix = randomBytes(3).toString('hex');
  nodes.push(await startNode(`neta${suffix}`), await startNode(`netb${suffix}`));
}, 60_000);

afterAll(async () => {
  for (const node of nodes) {
    await node.agent.stop().catch(() => undefined);
    const pods = await node.runtime.listPodContainers(node.name).catch(() => []);
    await Promise.all(pods.map((p) => node.runtime.removePod(p.uid)));
    await node.runtime.removeNodeNetwork(node.name).catch(() => undefined);
    await rm(node.stateRoot, { recursive: true, force: true });
  }
  await store?.dispose();
}, 60_000);

describe('pod network: podCIDR allocation', () => {
  it('assigns each node a /24 of the cluster CIDR and reports it Ready once the network is up', async () => {
    const [a, b] = await Promise.all(nodes.map((n) => store.get('Node', undefined, n.name)));
    expect(a!.spec?.podCIDR).toMatch(/^10\.230\.\d+\.0\/24$/);
    expect(b!.spec?.podCIDR).toMatch(/^10\.230\.\d+\.0\/24$/);
    expect(a!.spec?.podCIDR).not.toBe(b!.spec?.podCIDR);
    expect(a!.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  });

  it('refuses a requested podCIDR another node holds, one outside the cluster CIDR, and a misaligned one', async () => {
    const held = (await store.get('Node', undefined, nodes[0]!.name)).spec!.podCIDR!;
    const node = (name: string, podCIDR: string): { kind: 'Node'; metadata: { name: string }; spec: Node['spec'] } => ({
      kind: 'Node',
      metadata: { name },
      spec: { podCIDR },
    });
    await expect(store.create('Node', node('thief', held))).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(`already the podCIDR of node ${nodes[0]!.name}`),
    });
    await expect(store.create('Node', node('outsider', '10.231.0.0/24'))).rejects.toMatchObject({
      code: 'INVALID',
      message: expect.stringContaining('outside the cluster CIDR 10.230.0.0/16'),
    });
    await expect(store.create('Node', node('odd', '10.230.7.128/25'))).rejects.toMatchObject({ code: 'INVALID' });
    expect(await store.tryGet('Node', undefined, 'thief')).toBeUndefined();
  });

  it('says the cluster CIDR is exhausted when every block belongs to a node', async () => {
    const small = new PodCidrAllocator({ clusterCidr: '10.230.254.0/23', orphanGraceMs: 0 });
    const own = await newTestStore({ admission: [small] });
    small.attach(own);
    try {
      const a = await own.create('Node', { kind: 'Node', metadata: { name: 'one' }, spec: {} });
      const b = await own.create('Node', { kind: 'Node', metadata: { name: 'two' }, spec: {} });
      expect([a.spec?.podCIDR, b.spec?.podCIDR].sort()).toEqual(['10.230.254.0/24', '10.230.255.0/24']);
      await expect(own.create('Node', { kind: 'Node', metadata: { name: 'three' }, spec: {} })).rejects.toMatchObject({
        code: 'CONFLICT',
        message: expect.stringContaining('cluster CIDR 10.230.254.0/23 is exhausted'),
      });
      // A deleted node's block goes to the next one that needs it.
      await own.delete('Node', undefined, 'one');
      const c = await own.create('Node', { kind: 'Node', metadata: { name: 'three' }, spec: {} });
      expect(c.spec?.podCIDR).toBe(a.spec?.podCIDR);
    } finally {
      await own.dispose();
    }
  });

  it('hands out distinct blocks to nodes registering at once (one Redis, concurrent admissions)', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `burst${i}`);
    const created = await Promise.all(
      names.map((name) => store.create('Node', { kind: 'Node', metadata: { name }, spec: {} })),
    );
    const cidrs = new Set(created.map((n) => n.spec?.podCIDR));
    expect(cidrs.size).toBe(names.length);
    await Promise.all(names.map((name) => store.delete('Node', undefined, name)));
  });
});

describe('pod network: a flat network between nodes', () => {
  it('lets a pod on one node reach a pod on another by its IP, the server seeing the client pod own IP', async () => {
    const [a, b] = nodes as [TestNode, TestNode];
    // The server answers each connection with its socket table: the client's address is in it as seen by the server.
    await store.create('Pod', sleeper('server', b.name, 'while true; do nc -l -p 9000 -e netstat -tn; done'));
    await store.create('Pod', sleeper('client', a.name));
    const server = await waitForPod(store, 'server', ready, { timeoutMs: 60_000 });
    const client = await waitForPod(store, 'client', ready, { timeoutMs: 60_000 });
    const nodeB = await store.get('Node', undefined, b.name);
    const prefix = nodeB.spec!.podCIDR!.split('.').slice(0, 3).join('.');
    expect(server.status?.podIP?.startsWith(`${prefix}.`)).toBe(true);
    expect(server.status?.hostPorts ?? []).toEqual([]);
    const answer = await waitFor(
      async () => {
        const r = await a.runtime.exec(
          containerId(client),
          ['sh', '-c', `echo | timeout 5 nc ${server.status!.podIP} 9000`],
          10_000,
        );
        return r.output.includes(':9000') ? r.output : undefined;
      },
      { timeoutMs: 30_000, message: 'an answer from the server pod' },
    );
    const ip = (text: string): string => `(::ffff:)?${text.replace(/\./g, '\\.')}`;
    expect(answer).toMatch(new RegExp(`${ip(server.status!.podIP!)}:9000\\s+${ip(client.status!.podIP!)}:\\d+`));
    // Pods keep their own hostname and hosts file.
    const hosts = await a.runtime.exec(containerId(client), ['cat', '/etc/hosts'], 5_000);
    expect(hosts.output).toContain(`${client.status!.podIP}\tclient`);
  }, 120_000);

  it('keeps the node chains scoped to its podCIDR', async () => {
    const a = nodes[0]!;
    const cidr = (await store.get('Node', undefined, a.name)).spec!.podCIDR!;
    const chains = nodeChains(a.name);
    expect(await iptablesHas(['-t', 'filter', '-C', 'FORWARD', '-j', chains.forward])).toBe(true);
    expect(await iptablesHas(['-t', 'filter', '-C', chains.forward, '-s', cidr, '-j', 'ACCEPT'])).toBe(true);
    expect(
      await iptablesHas(['-t', 'nat', '-C', chains.masquerade, '-s', cidr, '-d', CLUSTER_CIDR, '-j', 'RETURN']),
    ).toBe(true);
  });

  it('releases every address and veth over many pod creations and deletions', async () => {
    const a = nodes[0]!;
    const before = await a.runtime.networkReservations(a.name);
    const vethsBefore = await veths(a);
    for (let round = 0; round < 3; round++) {
      const names = Array.from({ length: 4 }, (_, i) => `churn-${round}-${i}`);
      await Promise.all(names.map((name) => store.create('Pod', sleeper(name, a.name))));
      const pods = await Promise.all(names.map((name) => waitForPod(store, name, ready, { timeoutMs: 60_000 })));
      expect(new Set(pods.map((p) => p.status?.podIP)).size).toBe(names.length);
      expect(await veths(a)).toBe(vethsBefore + names.length);
      await Promise.all(names.map(deletePod));
    }
    await waitFor(async () => (await veths(a)) === vethsBefore, { message: 'veths released' });
    // DEL runs right after the container's removal: the last ones may still be under way.
    const same = (x: string[], y: string[]): boolean => JSON.stringify([...x].sort()) === JSON.stringify([...y].sort());
    const after = await waitFor(
      async () => {
        const now = await a.runtime.networkReservations(a.name);
        return same(now.addresses, before.addresses) && same(now.results, before.results) ? now : undefined;
      },
      { message: 'addresses and cached CNI results released' },
    ).catch(async (err: unknown) => {
      console.log('left', await a.runtime.networkReservations(a.name), 'before', before);
      throw err;
    });
    expect(after.addresses.length).toBe(before.addresses.length);
  }, 240_000);

  it('re-adopts running pods after a restart, and releases the address of a sandbox removed meanwhile', async () => {
    const a = nodes[0]!;
    await store.create('Pod', sleeper('lost', a.name));
    const lost = await waitForPod(store, 'lost', ready, { timeoutMs: 60_000 });
    const client = await waitForPod(store, 'client', ready);
    await a.agent.stop();
    // Behind the stopped agent's back: the sandbox goes without a CNI DEL.
    const sandbox = (
      await a.runtime.client.listContainers({
        all: true,
        filters: { label: [`${LABELS.podUid}=${lost.metadata.uid}`, `${LABELS.containerName}=POD`] },
      })
    )[0]!;
    await a.runtime.client.getContainer(sandbox.Id).remove({ force: true });
    await store.delete('Pod', 'default', 'lost', { gracePeriodSeconds: 0 }).catch(() => undefined);
    const restarted = await startNode(a.name, a.runtime);
    nodes[0] = restarted;
    await waitFor(async () => !(await store.tryGet('Pod', 'default', 'lost')), {
      timeoutMs: 30_000,
      message: 'lost pod gone',
    });
    const reservations = await restarted.runtime.networkReservations(a.name);
    expect(reservations.addresses).not.toContain(lost.status!.podIP);
    expect(reservations.addresses).toContain(client.status!.podIP);
    const again = await waitForPod(store, 'client', ready);
    expect(again.status?.podIP).toBe(client.status?.podIP);
    expect(containerId(again)).toBe(containerId(client));
  }, 120_000);
});

describe('pod network: setup errors', () => {
  it('names the missing CNI plugin', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'capstan-nocni-'));
    try {
      const runtime = new DockerRuntime({ stateRoot: empty, cniPath: empty });
      await expect(runtime.ensureNodeNetwork({ node: 'nocni', subnet: '10.230.250.0/24' })).rejects.toMatchObject({
        code: 'UNAVAILABLE',
        message: expect.stringContaining(`CNI plugin ${join(empty, 'bridge')} is missing`),
      });
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('removes the node chains and bridge when the node network is torn down', async () => {
    const root = await mkdtemp(join(tmpdir(), 'capstan-net-'));
    const runtime = new DockerRuntime({ stateRoot: root });
    const name = `nett${randomBytes(3).toString('hex')}`;
    try {
      await runtime.ensureNodeNetwork({ node: name, subnet: '10.230.251.0/24', clusterCidr: CLUSTER_CIDR });
      await runtime.ensureNodeNetwork({ node: name, subnet: '10.230.251.0/24', clusterCidr: CLUSTER_CIDR });
      const chains = nodeChains(name);
      const { stdout } = await run('iptables', ['-w', '5', '-S', 'FORWARD']);
      expect(stdout.split('\n').filter((l) => l.includes(chains.forward))).toHaveLength(1);
      await runtime.removeNodeNetwork(name);
      expect(await iptablesHas(['-t', 'filter', '-n', '-L', chains.forward])).toBe(false);
      expect(await iptablesHas(['-t', 'nat', '-n', '-L', chains.masquerade])).toBe(false);
    } finally {
      await runtime.removeNodeNetwork(name).catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    }
  });
});
