import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Docker from 'dockerode';
import type { KubeObject, NamespacedKind } from '../../src/api/types.ts';
import type { CapstanConfig } from '../../src/app/config.ts';
import { startLocalNode, type LocalNode, type LocalNodeOptions } from '../../src/app/local-node.ts';
import { startControlPlane, type ControlPlane, type ControlPlaneOptions } from '../../src/app/up.ts';
import { DockerRuntime } from '../../src/node/docker-runtime.ts';
import { LABELS } from '../../src/node/runtime.ts';
import { createCapstanClient, type CapstanClient } from '../../src/sdk/index.ts';
import { removeLoopbackAddress } from '../../src/services/loopback.ts';
import type { RedisStore } from '../../src/store/redis-store.ts';
import { deletePrefix, REDIS_URL, uniquePrefix, waitFor } from './store.ts';

/** One node of a test cluster: a node agent, service proxy and pod DNS on their own loopback address. */
export interface TestNode {
  readonly name: string;
  /** 127.0.<N>.<i>: NodePorts listen here. */
  readonly address: string;
  readonly podSubnet: string;
  readonly runtime: DockerRuntime;
  local: LocalNode;
  /** True once `stopNode` killed its agent. */
  agentStopped: boolean;
}

export interface TestClusterOptions {
  /** Local nodes, 1 to 5. Default 1. */
  nodes?: number;
  /** Controller manager settings (leader election timing, node lifecycle timeouts). */
  controllers?: ControlPlaneOptions['controllers'];
  /** Node agent tuning for every node; default a 500 ms lease renewal and a 2 s resync. */
  agent?: LocalNodeOptions['agent'];
}

/** A second control plane in a child process on the same Redis prefix; `kill()` sends SIGKILL (a crash). */
export interface ControlPlaneProcess {
  readonly identity: string;
  readonly apiUrl: string;
  kill(): Promise<void>;
}

export interface TestCluster {
  /** N: the cluster's number, 100–249, unique among the clusters running on this machine. */
  readonly index: number;
  readonly prefix: string;
  readonly apiUrl: string;
  readonly token: string;
  /** The SDK, authenticated as admin: tests act through it, as a user would. */
  readonly client: CapstanClient;
  /** The control plane's store, to observe state (status, watches) without going through the API. */
  readonly store: RedisStore;
  readonly plane: ControlPlane;
  readonly nodes: TestNode[];
  /** The host-side DNS responder, on 127.0.0.1. */
  readonly dnsPort: number;
  readonly config: Partial<CapstanConfig>;
  /** Creates a namespace `<prefix>-<random>` whose objects cleanup removes. */
  namespace(prefix: string): Promise<string>;
  /** Stops node i's agent (0-based) as if it died: its containers, proxy and pod DNS stay. */
  stopNode(i: number): Promise<void>;
  /** Starts another control plane process on this cluster's prefix and settings (for leader failover). */
  startControlPlaneProcess(options?: ControlPlaneOptions['controllers']): Promise<ControlPlaneProcess>;
  /** Deletes every namespaced object, waits until every node's containers are gone, stops everything. */
  cleanup(): Promise<void>;
}

const LOCK_DIR = join(tmpdir(), 'capstan-e2e-clusters');
const docker = new Docker();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims a cluster number with an atomic mkdir. A lock whose owner process died (a crashed run) is moved aside by
 * an atomic rename, so two reclaimers cannot both win; the claim itself is retried with another number.
 */
export async function claimIndex(): Promise<number> {
  await mkdir(LOCK_DIR, { recursive: true });
  for (let attempt = 0; attempt < 200; attempt++) {
    // 101-249: 100 is left out as 127.0.100.x is the default LoadBalancer pool of `capstan up`, 250 as
    // test/service-proxy.test.ts uses 10.97.250.x.
    const n = 101 + Math.floor(Math.random() * 149);
    const dir = join(LOCK_DIR, String(n));
    try {
      await mkdir(dir);
      await writeFile(join(dir, 'pid'), String(process.pid));
      return n;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number(await readFile(join(dir, 'pid'), 'utf8').catch(() => ''));
    if (owner > 0 && !processAlive(owner)) {
      const aside = `${dir}.stale-${randomBytes(4).toString('hex')}`;
      try {
        await rename(dir, aside);
        await rm(aside, { recursive: true, force: true });
      } catch {
        // Another run reclaimed it first.
      }
    }
  }
  throw new Error(`no free test cluster number in ${LOCK_DIR}`);
}

/** Gives a number taken with `claimIndex` back, once everything derived from it is removed. */
export async function releaseIndex(index: number): Promise<void> {
  await rm(join(LOCK_DIR, String(index)), { recursive: true, force: true });
}

const WORKLOAD_KINDS: NamespacedKind[] = ['Deployment', 'ReplicationController', 'Service', 'PersistentVolumeClaim'];

/**
 * Starts a real cluster for end-to-end tests: a control plane (API on an ephemeral port, host DNS on an ephemeral
 * port, controllers with leader election) on a fresh Redis prefix, and `nodes` local nodes running pods on the real
 * Docker engine. Every address range is derived from a cluster number N that no other cluster on this machine
 * holds, so test files run in parallel without sharing ports or addresses:
 * services 10.97.N.0/24 (DNS 10.97.N.10), LoadBalancers 127.100.N.0/24, node i (1-based) `tN-ni` at 127.0.N.i
 * with pods in 10.(250+i).N.0/24.
 */
export async function startTestCluster(options: TestClusterOptions = {}): Promise<TestCluster> {
  const nodeCount = options.nodes ?? 1;
  if (nodeCount < 1 || nodeCount > 5) throw new Error('a test cluster has 1 to 5 nodes');
  const index = await claimIndex();
  const home = await mkdtemp(join(tmpdir(), `capstan-e2e-${index}-`));
  const prefix = uniquePrefix(`e2e${index}`);
  const env: NodeJS.ProcessEnv = { ...process.env, CAPSTAN_CONFIG: join(home, 'config') };
  delete env.CAPSTAN_TOKEN;
  const config: Partial<CapstanConfig> = {
    host: '127.0.0.1',
    port: 0,
    dnsHost: '127.0.0.1',
    dnsPort: 0,
    redisUrl: REDIS_URL,
    prefix,
    clusterDomain: 'cluster.local',
    serviceCidr: `10.97.${index}.0/24`,
    dnsServiceIp: `10.97.${index}.10`,
    loadBalancerCidr: `127.100.${index}.0/24`,
    nodeName: `t${index}-n1`,
    nodeAddress: `127.0.${index}.1`,
    podSubnet: `10.251.${index}.0/24`,
    // Holds every node's 10.(250 + i).N.0/24.
    clusterCidr: '10.248.0.0/13',
  };
  const controllers = options.controllers;
  const extraPlanes: ChildProcess[] = [];
  const namespaces = new Set<string>();
  const nodes: TestNode[] = [];

  const releaseMachineState = async (): Promise<void> => {
    // The pod DNS address and the service range guard outlive their owners by design (several owners may share
    // them); this cluster's range is its own, so remove them for the next cluster that draws this number.
    await removeLoopbackAddress(`10.97.${index}.10`).catch(() => undefined);
    await run('ip', ['route', 'del', 'unreachable', `10.97.${index}.0/24`]).catch(() => undefined);
    await rm(home, { recursive: true, force: true });
    await deletePrefix(prefix);
    await releaseIndex(index);
  };

  let plane: ControlPlane;
  try {
    plane = await startControlPlane(config, { env, ...(controllers ? { controllers } : {}) });
  } catch (err) {
    await releaseMachineState();
    throw err;
  }
  const client = createCapstanClient({ url: plane.api.url, token: plane.adminToken });

  const stopNodes = async (): Promise<void> => {
    for (const node of nodes) await node.local.stop().catch(() => undefined);
  };
  try {
    for (let i = 1; i <= nodeCount; i++) {
      const name = `t${index}-n${i}`;
      const podSubnet = `10.${250 + i}.${index}.0/24`;
      const runtime = new DockerRuntime({ stateRoot: join(home, name) });
      const local = await startLocalNode(plane, {
        logPort: 0,
        nodeName: name,
        nodeAddress: `127.0.${index}.${i}`,
        podSubnet,
        runtime,
        agent: { renewIntervalMs: 500, resyncIntervalMs: 2_000, ...options.agent },
      });
      nodes.push({ name, address: `127.0.${index}.${i}`, podSubnet, runtime, local, agentStopped: false });
    }
    await waitFor(
      async () => {
        const { items } = await plane.store.list('Node');
        return (
          items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length ===
          nodeCount
        );
      },
      { timeoutMs: 30_000, message: `${nodeCount} Ready nodes` },
    );
  } catch (err) {
    await stopNodes();
    await client.close();
    await plane.stop();
    await releaseMachineState();
    throw err;
  }

  async function deleteNamespacedObjects(): Promise<void> {
    const store = plane.store;
    for (const kind of WORKLOAD_KINDS) {
      for (const obj of (await store.list(kind)).items as KubeObject[]) {
        await store.delete(kind, obj.metadata.namespace, obj.metadata.name).catch(() => undefined);
      }
    }
    // Pods last, once nothing that would recreate them is left; grace 0 removes them from the store at once and the
    // agents stop their containers.
    await waitFor(
      async () => {
        const { items } = await store.list('Pod');
        await Promise.all(
          items.map((p) =>
            store
              .delete('Pod', p.metadata.namespace, p.metadata.name, { gracePeriodSeconds: 0 })
              .catch(() => undefined),
          ),
        );
        return items.length === 0;
      },
      { timeoutMs: 20_000, intervalMs: 200, message: 'every pod deleted' },
    );
    for (const ns of namespaces) await store.delete('Namespace', undefined, ns).catch(() => undefined);
  }

  const containersOf = (node: string) =>
    docker.listContainers({ all: true, filters: { label: [`${LABELS.node}=${node}`] } });

  const cluster: TestCluster = {
    index,
    prefix,
    apiUrl: plane.api.url,
    token: plane.adminToken,
    client,
    store: plane.store,
    plane,
    nodes,
    dnsPort: plane.dns.address.port,
    config,
    async namespace(namePrefix) {
      const name = `${namePrefix}-${randomBytes(3).toString('hex')}`;
      await plane.store.create('Namespace', { kind: 'Namespace', metadata: { name }, spec: {} });
      namespaces.add(name);
      return name;
    },
    async stopNode(i) {
      const node = nodes[i];
      if (!node) throw new Error(`no node ${i}`);
      await node.local.agent.stop();
      node.agentStopped = true;
    },
    async startControlPlaneProcess(extra) {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(import.meta.dirname, 'control-plane-process.ts')],
        {
          env: { ...env, CAPSTAN_E2E_PLANE: JSON.stringify({ config, controllers: extra ?? controllers }) },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      extraPlanes.push(child);
      const ready = await new Promise<{ identity: string; apiUrl: string }>((resolve, reject) => {
        const lines = createInterface({ input: child.stdout! });
        lines.on('line', (line) => {
          if (line.startsWith('CAPSTAN_E2E_READY ')) resolve(JSON.parse(line.slice('CAPSTAN_E2E_READY '.length)));
        });
        child.once('exit', (code) =>
          reject(new Error(`control plane process exited with ${code} before it was ready`)),
        );
      });
      return {
        ...ready,
        async kill() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGKILL');
          await exited;
        },
      };
    },
    async cleanup() {
      const problems: string[] = [];
      await deleteNamespacedObjects().catch((err: unknown) => problems.push(String(err)));
      // A dead agent cleans nothing up: remove its containers the way an operator would.
      for (const node of nodes.filter((n) => n.agentStopped)) {
        const pods = await node.runtime.listPodContainers(node.name).catch(() => []);
        await Promise.all(pods.map((p) => node.runtime.removePod(p.uid).catch(() => undefined)));
      }
      for (const node of nodes) {
        try {
          await waitFor(async () => (await containersOf(node.name)).length === 0, {
            timeoutMs: 30_000,
            intervalMs: 200,
            message: `the containers of ${node.name} to be removed`,
          });
        } catch (err) {
          problems.push(String(err));
          const left = await containersOf(node.name);
          await Promise.all(
            left.map((c) =>
              docker
                .getContainer(c.Id)
                .remove({ force: true })
                .catch(() => undefined),
            ),
          );
        }
      }
      await stopNodes();
      for (const child of extraPlanes) child.kill('SIGKILL');
      await client.close();
      await plane.stop();
      for (const node of nodes) await node.runtime.removeNodeNetwork(node.name).catch(() => undefined);
      await releaseMachineState();
      if (problems.length > 0) throw new Error(`cluster cleanup: ${problems.join('; ')}`);
    },
  };
  return cluster;
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited with ${code}`))));
  });
}
