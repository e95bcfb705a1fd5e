/**
 * ReplicationController scale on real Docker against Docker Swarm on the same engine, in the same run:
 * - Capstan: a control plane and one local node in this process (own Redis prefix, node, subnets and addresses, so
 *   it does not meet a running `capstan up` or the tests); an RC of capstan/hello created with 0 replicas through
 *   the SDK, then scaled to 50 with the SDK's Scale mutation (what `capstan scale` sends), timed until
 *   `status.readyReplicas` = 50 arrives on the SDK's watch subscription; then scaled to 0, timed until no container
 *   of the node is left (ready sandboxes of the warm pool are the pool's, not pods'). Three rounds: a cold node; a
 *   warm one, scaled down right after the scale-up (the pool below its size takes the pods' sandboxes back); and
 *   the warm one again, scaled down only once the pool has refilled (every sandbox stopped: `down_full_pool_s`).
 * - Swarm: `docker service scale` of the same image (by ID, `--init`) 0→50 until 50 tasks run, then →0 until its
 *   containers are gone.
 * - Engine floor: the same pods' containers started straight through Capstan's Docker runtime with the agent's
 *   calls and parallelism, without control plane or agent (support/engine-floor.ts): how far orchestration is from
 *   what the engine allows for this pod model.
 * Neither side has a readiness probe: Ready means the containers run, as a Swarm task's "running" does. A Capstan pod
 * starts two containers (sandbox + app) where a Swarm task starts one. Target: Capstan faster than Swarm (ratio < 1).
 *
 *   node --import tsx bench/rc-scale.ts   (env: BENCH_RC_REPLICAS=50, BENCH_RC_DEADLINE_S=180)
 */
import './support/quiet-logs.ts';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { isCapstanError } from '../src/api/errors.ts';
import { startLocalNode } from '../src/app/local-node.ts';
import type { LocalNode } from '../src/app/local-node.ts';
import { startControlPlane } from '../src/app/up.ts';
import type { ControlPlane } from '../src/app/up.ts';
import { DockerRuntime } from '../src/node/docker-runtime.ts';
import { DEFAULT_POD_CONCURRENCY } from '../src/node/agent.ts';
import { LABELS } from '../src/node/runtime.ts';
import {
  createCapstanClient,
  CreateReplicationControllerDocument,
  ScaleDocument,
  WatchReplicationControllersDocument,
} from '../src/sdk/index.ts';
import type { CapstanClient } from '../src/sdk/index.ts';
import { deletePrefix } from '../test/support/store.ts';
import { percentile, report } from './report.ts';
import { engineFloor } from './support/engine-floor.ts';
import { swarmScale } from './support/swarm.ts';

const run = promisify(execFile);
const IMAGE = 'capstan/hello:latest';
const REPLICAS = Number(process.env.BENCH_RC_REPLICAS ?? 50);
const DEADLINE_MS = Number(process.env.BENCH_RC_DEADLINE_S ?? 180) * 1000;
const RC_NAME = 'bench-hello';
const SERVICE_CIDR = '10.98.200.0/24';
const DNS_SERVICE_IP = '10.98.200.10';
const NODE_ADDRESS = '127.0.200.1';
/** The RC's pod template spec, also used for the engine floor. */
const POD_SPEC = { containers: [{ name: 'web', image: IMAGE, ports: [{ containerPort: 80 }] }] };

interface CapstanScaleResult {
  upSeconds: number;
  downSeconds: number;
  /** Until the last of the RC's pods is gone from the store (what `capstan get pods` shows). */
  downGoneSeconds: number;
  /** Round 3's →0, once the pool was back at its size (no sandbox taken back: each one stopped). */
  fullPoolDownSeconds: number;
  /** Seconds from the scale request until the last of the pods was created, bound to the node, Running. */
  milestones: { created: number; bound: number; running: number; readyP99: number };
}

/** The first round's (cold node: no demand seen yet, so no warm sandboxes) figures. */
interface ColdRound {
  upSeconds: number;
  downSeconds: number;
  warmReady: number;
}

/**
 * Follows the RC's pods on the store's watch and remembers when each first existed, was bound and ran, so the
 * report can say where the scale-up time goes.
 */
async function followPods(store: ControlPlane['store']) {
  const watch = store.watch('Pod', {
    namespace: 'default',
    labelSelector: `app=${RC_NAME}`,
    sinceResourceVersion: await store.currentResourceVersion(),
  });
  const seen = {
    created: new Map<string, number>(),
    bound: new Map<string, number>(),
    running: new Map<string, number>(),
    ready: new Map<string, number>(),
  };
  const done = (async () => {
    for await (const { object: pod } of watch) {
      const now = performance.now();
      const uid = pod.metadata.uid;
      if (!seen.created.has(uid)) seen.created.set(uid, now);
      if (pod.spec?.nodeName && !seen.bound.has(uid)) seen.bound.set(uid, now);
      if (pod.status?.phase === 'Running' && !seen.running.has(uid)) seen.running.set(uid, now);
      const isReady = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      if (isReady && !seen.ready.has(uid)) seen.ready.set(uid, now);
    }
  })();
  return {
    async stop(since: number): Promise<CapstanScaleResult['milestones']> {
      watch.close();
      await done;
      const last = (times: Map<string, number>) => (Math.max(...times.values()) - since) / 1000;
      const ready = [...seen.ready.values()].map((t) => (t - since) / 1000);
      return {
        created: last(seen.created),
        bound: last(seen.bound),
        running: last(seen.running),
        readyP99: percentile(ready, 99),
      };
    },
  };
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Capstan: ${what} not reached within ${DEADLINE_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Creates the node's network on the first free subnet of 10.244.200-209.0/24 (another test may hold one). */
async function nodeSubnet(runtime: DockerRuntime, node: string): Promise<string> {
  for (let third = 200; ; third++) {
    const subnet = `10.244.${third}.0/24`;
    try {
      await runtime.ensureNodeNetwork({ node, subnet });
      return subnet;
    } catch (err) {
      if (third >= 209 || !isCapstanError(err)) throw err;
    }
  }
}

/**
 * What the local node adds to the host and keeps after it stops (the pod DNS address on `lo`, the unreachable
 * route of the service range), so the benchmark can take back what it added and leave what was there before.
 */
async function hostAdditions(): Promise<{ address: boolean; route: boolean }> {
  const [addresses, routes] = await Promise.all([
    run('ip', ['-o', 'addr', 'show', 'dev', 'lo']),
    run('ip', ['route', 'show', 'type', 'unreachable']),
  ]);
  return {
    address: addresses.stdout.includes(` ${DNS_SERVICE_IP}/32 `),
    route: routes.stdout.split('\n').some((line) => line.includes(SERVICE_CIDR)),
  };
}

async function restoreHost(before: { address: boolean; route: boolean }): Promise<void> {
  if (!before.address) await run('ip', ['addr', 'del', `${DNS_SERVICE_IP}/32`, 'dev', 'lo']).catch(() => undefined);
  if (!before.route) await run('ip', ['route', 'del', 'unreachable', SERVICE_CIDR]).catch(() => undefined);
}

/** Scales the RC and resolves with the seconds until `done(status)` holds for an event of the watch subscription. */
async function timeScale(
  client: CapstanClient,
  replicas: number,
  done: (status: { replicas: number; readyReplicas?: number | null } | null | undefined) => boolean,
): Promise<{ start: number; seconds: number }> {
  const watch = client.subscribe(WatchReplicationControllersDocument, {
    namespace: 'default',
    fieldSelector: `metadata.name=${RC_NAME}`,
  });
  const timer = setTimeout(() => void watch.close(), DEADLINE_MS);
  try {
    const start = performance.now();
    await client.request(ScaleDocument, {
      kind: 'ReplicationController',
      namespace: 'default',
      name: RC_NAME,
      replicas,
    });
    for await (const { watch: event } of watch) {
      const object = event.object;
      if (object && 'status' in object && done(object.status)) {
        return { start, seconds: (performance.now() - start) / 1000 };
      }
    }
    throw new Error(`Capstan: the RC did not reach ${replicas} ready replicas within ${DEADLINE_MS / 1000} s`);
  } finally {
    clearTimeout(timer);
    await watch.close();
  }
}

/** The bench's pool bound (the shipped default, 16, would hold only 16 of the 50 pods' sandboxes). */
const WARM_POOL = Number(process.env.BENCH_WARM_POOL ?? 64);

async function capstanScale(docker: Docker): Promise<CapstanScaleResult & { cold: ColdRound }> {
  const id = randomBytes(3).toString('hex');
  const nodeName = `bench-rc-${id}`;
  const prefix = `capstan-bench:rc-scale-${id}:`;
  const configDir = await mkdtemp(join(tmpdir(), 'capstan-bench-rc-'));
  const savedConfig = process.env.CAPSTAN_CONFIG;
  // The admin credential goes to a file of this run, not to the user's ~/.capstan/config.
  process.env.CAPSTAN_CONFIG = join(configDir, 'config');
  const before = await hostAdditions();
  const runtime = new DockerRuntime({ warmPool: { maxSize: WARM_POOL } });
  const nodeContainers = async () =>
    docker.listContainers({ all: true, filters: { label: [`${LABELS.node}=${nodeName}`] } });
  // Pods' containers, those in warm sandboxes included (their sandboxes carry the pool's labels, not the pod's).
  const noPodContainers = async () =>
    (await nodeContainers()).length === 0 && (await runtime.listPodContainers(nodeName)).length === 0;
  let plane: ControlPlane | undefined;
  let node: LocalNode | undefined;
  let client: CapstanClient | undefined;
  try {
    const podSubnet = await nodeSubnet(runtime, nodeName);
    plane = await startControlPlane({
      port: 0,
      dnsPort: 0,
      prefix,
      nodeName,
      podSubnet,
      serviceCidr: SERVICE_CIDR,
      dnsServiceIp: DNS_SERVICE_IP,
      loadBalancerCidr: '127.100.200.0/24',
      nodeAddress: NODE_ADDRESS,
    });
    node = await startLocalNode(plane, { logPort: 0, runtime });
    const store = plane.store;
    await until(`node ${nodeName} Ready`, async () => {
      const found = await store.tryGet('Node', undefined, nodeName);
      return Boolean(found?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    });
    client = createCapstanClient({ url: plane.api.url, token: plane.adminToken });
    const labels = [{ key: 'app', value: RC_NAME }];
    await client.request(CreateReplicationControllerDocument, {
      replicationController: {
        metadata: { name: RC_NAME, namespace: 'default' },
        spec: {
          replicas: 0,
          template: {
            metadata: { labels },
            spec: POD_SPEC,
          },
        },
      },
    });
    const scaleDown = async (): Promise<{ seconds: number; goneSeconds: number }> => {
      const downStart = performance.now();
      await client!.request(ScaleDocument, {
        kind: 'ReplicationController',
        namespace: 'default',
        name: RC_NAME,
        replicas: 0,
      });
      let goneSeconds: number | undefined;
      await until('no containers left', async () => {
        if (goneSeconds === undefined) {
          const pods = await store.list('Pod', { namespace: 'default', labelSelector: `app=${RC_NAME}` });
          if (pods.items.length === 0) goneSeconds = (performance.now() - downStart) / 1000;
        }
        return noPodContainers();
      });
      const seconds = (performance.now() - downStart) / 1000;
      return { seconds, goneSeconds: goneSeconds ?? seconds };
    };
    // Round 1, a cold node: no demand seen yet, so every pod starts a sandbox of its own.
    const coldUp = await timeScale(client, REPLICAS, (s) => (s?.readyReplicas ?? 0) >= REPLICAS);
    const coldDown = await scaleDown();
    // The demand of round 1 sizes the pool; round 2 runs on the warm node.
    const wanted = Math.min(REPLICAS, WARM_POOL);
    await until(`${wanted} warm sandboxes`, async () => runtime.warmPoolSize(nodeName) >= wanted);
    const warmReady = runtime.warmPoolSize(nodeName);
    const pods = await followPods(store);
    const up = await timeScale(client, REPLICAS, (s) => (s?.readyReplicas ?? 0) >= REPLICAS);
    const milestones = await pods.stop(up.start);
    const down = await scaleDown();
    // Round 3: up again, then down only once the pool is back at its size. A pool at its target takes no sandbox
    // back, so every pod's sandbox is stopped and removed: the scale-down of a node whose pool had time to refill.
    await timeScale(client, REPLICAS, (s) => (s?.readyReplicas ?? 0) >= REPLICAS);
    const full = Math.min(WARM_POOL, 3 * REPLICAS);
    await until(`the pool refilled to ${full}`, async () => runtime.warmPoolSize(nodeName) >= full);
    const fullPoolDown = await scaleDown();
    return {
      upSeconds: up.seconds,
      downSeconds: down.seconds,
      downGoneSeconds: down.goneSeconds,
      milestones,
      cold: { upSeconds: coldUp.seconds, downSeconds: coldDown.seconds, warmReady },
      fullPoolDownSeconds: fullPoolDown.seconds,
    };
  } finally {
    await client?.close().catch(() => undefined);
    await node?.stop().catch((err: unknown) => console.error(`stopping the node: ${String(err)}`));
    await plane?.stop().catch((err: unknown) => console.error(`stopping the control plane: ${String(err)}`));
    // After a failure pods may be left: remove every container of this node.
    const left = await nodeContainers().catch(() => []);
    await Promise.all(
      left.map((c) =>
        docker
          .getContainer(c.Id)
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
    await runtime
      .removeNodeNetwork(nodeName)
      .catch((err: unknown) => console.error(`removing the network: ${String(err)}`));
    await restoreHost(before);
    await deletePrefix(prefix);
    await rm(configDir, { recursive: true, force: true });
    if (savedConfig === undefined) delete process.env.CAPSTAN_CONFIG;
    else process.env.CAPSTAN_CONFIG = savedConfig;
  }
}

/** The engine floor (see support/engine-floor.ts) on a node network of its own, removed again afterwards. */
async function floorScale(docker: Docker): Promise<{ pods: number }> {
  const nodeName = `bench-floor-${randomBytes(3).toString('hex')}`;
  const runtime = new DockerRuntime();
  try {
    await nodeSubnet(runtime, nodeName);
    const pods = await engineFloor({
      runtime,
      node: { name: nodeName, address: NODE_ADDRESS },
      dns: { dnsServerIp: DNS_SERVICE_IP, clusterDomain: 'cluster.local', ndots: 2 },
      podSpec: POD_SPEC,
      replicas: REPLICAS,
      concurrency: DEFAULT_POD_CONCURRENCY,
    });
    return { pods };
  } finally {
    await removeFloorContainers(docker, runtime, nodeName);
    await runtime
      .removeNodeNetwork(nodeName)
      .catch((err: unknown) => console.error(`removing the floor's network: ${String(err)}`));
  }
}

async function removeFloorContainers(docker: Docker, runtime: DockerRuntime, nodeName: string): Promise<void> {
  const left = await docker
    .listContainers({ all: true, filters: { label: [`${LABELS.node}=${nodeName}`] } })
    .catch(() => []);
  const uids = new Set(left.flatMap((c) => c.Labels[LABELS.podUid] ?? []));
  await Promise.all([...uids].map((uid) => runtime.removePod(uid).catch(() => undefined)));
  await Promise.all(
    left
      .filter((c) => !c.Labels[LABELS.podUid])
      .map((c) =>
        docker
          .getContainer(c.Id)
          .remove({ force: true })
          .catch(() => undefined),
      ),
  );
}

export async function benchRcScale(): Promise<void> {
  const docker = new Docker();
  const capstan = await capstanScale(docker);
  console.log(
    `capstan: cold node 0→${REPLICAS} ready in ${capstan.cold.upSeconds.toFixed(2)} s, →0 in ${capstan.cold.downSeconds.toFixed(2)} s; ` +
      `warm node (${capstan.cold.warmReady} warm sandboxes) 0→${REPLICAS} in ${capstan.upSeconds.toFixed(2)} s, →0 in ${capstan.downSeconds.toFixed(2)} s`,
  );
  const floor = await floorScale(docker);
  console.log(
    `engine floor: ${REPLICAS} pods' containers (sandbox and app, no warm pool) started through the runtime in ${floor.pods.toFixed(2)} s`,
  );
  const swarm = await swarmScale({ docker, image: IMAGE, replicas: REPLICAS, deadlineMs: DEADLINE_MS });
  console.log(
    `swarm: 0→${REPLICAS} running in ${swarm.upSeconds.toFixed(2)} s, →0 in ${swarm.downSeconds.toFixed(2)} s` +
      (swarm.initialised ? ' (swarm mode initialised for this run and left again)' : ' (existing swarm reused)'),
  );
  report('rc_scale.up_s', capstan.upSeconds, {
    swarmUpS: swarm.upSeconds,
    ratio: capstan.upSeconds / swarm.upSeconds,
    replicas: REPLICAS,
    warmSandboxes: capstan.cold.warmReady,
    allCreatedS: capstan.milestones.created,
    allBoundS: capstan.milestones.bound,
    allRunningS: capstan.milestones.running,
    engineFloorS: floor.pods,
    overFloor: capstan.upSeconds / floor.pods,
    target: '< 1x swarm',
  });
  report('rc_scale.engine_floor_s', floor.pods, {
    swarmUpS: swarm.upSeconds,
    ratio: floor.pods / swarm.upSeconds,
    replicas: REPLICAS,
  });
  report('rc_scale.down_s', capstan.downSeconds, {
    swarmDownS: swarm.downSeconds,
    ratio: capstan.downSeconds / swarm.downSeconds,
    replicas: REPLICAS,
    target: '<= 1x swarm',
  });
  // What a user sees: the pods gone from the API (Capstan deletes a pod once its containers are stopped and its
  // network released, as the kubelet does) against Swarm's tasks all stopped (a task's container is removed after).
  report('rc_scale.down_api_s', capstan.downGoneSeconds, {
    swarmStoppedS: swarm.downStoppedSeconds,
    ratio: capstan.downGoneSeconds / swarm.downStoppedSeconds,
    replicas: REPLICAS,
  });
  report('rc_scale.burst_p99_s', capstan.milestones.readyP99, {
    swarmTaskP99S: swarm.taskP99Seconds,
    ratio: capstan.milestones.readyP99 / swarm.taskP99Seconds,
    replicas: REPLICAS,
    target: '<= 1x swarm',
  });
  report('rc_scale.cold_up_s', capstan.cold.upSeconds, {
    swarmUpS: swarm.upSeconds,
    ratio: capstan.cold.upSeconds / swarm.upSeconds,
    replicas: REPLICAS,
  });
  report('rc_scale.down_full_pool_s', capstan.fullPoolDownSeconds, {
    swarmDownS: swarm.downSeconds,
    ratio: capstan.fullPoolDownSeconds / swarm.downSeconds,
    replicas: REPLICAS,
  });
  report('rc_scale.cold_down_s', capstan.cold.downSeconds, {
    swarmDownS: swarm.downSeconds,
    ratio: capstan.cold.downSeconds / swarm.downSeconds,
    replicas: REPLICAS,
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await benchRcScale();
