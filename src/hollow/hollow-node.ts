/**
 * Hollow nodes: simulated nodes for tests and benchmarks (the kubemark idea), never the default runtime. A hollow
 * node registers a Node, renews its Lease and plays the node agent's part for the pods bound to it without any
 * container: it marks them Running and Ready (with a fake pod IP) and finishes their graceful deletion.
 */
import { isCapstanError } from '../api/errors.ts';
import type { ContainerStatus, HostPortMapping, Lease, Node, Pod, PodCondition, Taint } from '../api/types.ts';
import { NODE_LEASE_NAMESPACE } from '../auth/authorize.ts';
import { Informer } from '../store/informer.ts';
import type { Store } from '../store/store.ts';
import { logger as rootLogger, type Logger } from '../util/logger.ts';

export const HOLLOW_LABEL = 'capstan.io/hollow';
export const HOLLOW_RUNTIME_VERSION = 'hollow://0.1.0';

export interface HollowNodeSpec {
  name: string;
  /** The node's address; default 127.0.1.<index+1>. */
  address?: string;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  cpu?: string;
  memory?: string;
  pods?: string;
}

export interface HollowNodesOptions {
  /** Lease renewal interval. Default 2 s. */
  renewIntervalMs?: number;
  /** Delay between a pod being marked Running and Ready (readiness probe stand-in). Default 0: both at once. */
  readyAfterMs?: number;
  /**
   * Play the agent for bound pods (mark them Running/Ready, finish deletions). Default true; false gives bare
   * heartbeating nodes, as kube-scheduler's own throughput benchmark uses.
   */
  runPods?: boolean;
  /** Status and deletion writes in flight at once, over all nodes. Default 32. */
  concurrency?: number;
  logger?: Logger;
}

/** One simulated node; control handles let tests simulate failures. */
export interface HollowNode {
  readonly name: string;
  readonly address: string;
  /** Stop renewing the lease (the agent "died" or is partitioned); pods are left as they are. */
  pauseHeartbeat(): void;
  resumeHeartbeat(): void;
  /** Stop acting on pods (no status writes, no deletions), as a dead agent would. */
  freeze(): void;
  unfreeze(): void;
  /** Set a pod's readiness, as a readiness probe would. */
  setPodReady(namespace: string, name: string, ready: boolean): Promise<void>;
}

export interface HollowNodes {
  readonly nodes: ReadonlyMap<string, HollowNode>;
  /** Stops heartbeats and pod handling; the Node objects stay (delete them with `deleteNodes`). */
  stop(): Promise<void>;
  deleteNodes(): Promise<void>;
}

interface NodeState extends HollowNode {
  heartbeat: boolean;
  frozen: boolean;
  nextIp: number;
  index: number;
}

/** Registers the hollow nodes (Node + Lease) and starts playing their agents. Resolves once all are Ready. */
export async function startHollowNodes(
  store: Store,
  specs: readonly HollowNodeSpec[],
  options: HollowNodesOptions = {},
): Promise<HollowNodes> {
  const logger = (options.logger ?? rootLogger).child({ component: 'hollow-node' });
  const renewMs = options.renewIntervalMs ?? 2_000;
  const limit = limiter(options.concurrency ?? 32);
  const handled = new Set<string>();
  const states = new Map<string, NodeState>();
  await ensureLeaseNamespace(store);

  specs.forEach((spec, index) => {
    const state: NodeState = {
      name: spec.name,
      address: spec.address ?? `127.0.1.${index + 1}`,
      heartbeat: true,
      frozen: false,
      nextIp: 2,
      index,
      pauseHeartbeat: () => void (state.heartbeat = false),
      resumeHeartbeat: () => void (state.heartbeat = true),
      freeze: () => void (state.frozen = true),
      unfreeze: () => {
        state.frozen = false;
        for (const pod of pods.list((p) => p.spec?.nodeName === spec.name)) onPod(pod);
      },
      setPodReady: (namespace, name, ready) => setReady(store, namespace, name, spec.name, ready),
    };
    states.set(spec.name, state);
  });
  await Promise.all(specs.map((spec) => limit(() => registerNode(store, spec, states.get(spec.name)!.address))));
  await Promise.all(specs.map((spec) => limit(() => renewLease(store, spec.name))));

  const pods = new Informer(store, 'Pod', { retryDelayMs: 200 });
  const onPod = (pod: Pod) => {
    const state = pod.spec?.nodeName ? states.get(pod.spec.nodeName) : undefined;
    if (!state || state.frozen || options.runPods === false) return;
    const key = `${pod.metadata.uid}/${pod.metadata.deletionTimestamp ? 'delete' : 'run'}`;
    if (handled.has(key)) return;
    if (pod.metadata.deletionTimestamp) {
      handled.add(key);
      void limit(() => finishDeletion(store, pod)).catch((err: unknown) => {
        handled.delete(key);
        logger.warn({ err, pod: pod.metadata.name }, 'hollow node: deleting pod failed');
      });
      return;
    }
    if (pod.status?.phase === 'Running' || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return;
    handled.add(key);
    const podIP = `10.${200 + Math.floor(state.index / 250)}.${state.index % 250}.${state.nextIp}`;
    state.nextIp = state.nextIp >= 254 ? 2 : state.nextIp + 1;
    void limit(() => startPod(store, pod, state, podIP, options.readyAfterMs ?? 0)).catch((err: unknown) => {
      handled.delete(key);
      logger.warn({ err, pod: pod.metadata.name }, 'hollow node: starting pod failed');
    });
  };
  pods.addHandler({ onAdd: onPod, onUpdate: (_previous, pod) => onPod(pod), onDelete: (pod) => forget(handled, pod) });
  pods.start();
  await pods.synced;

  let renewing = false;
  const timer = setInterval(() => {
    if (renewing) return;
    renewing = true;
    const due = [...states.values()].filter((s) => s.heartbeat);
    void Promise.all(due.map((s) => limit(() => renewLease(store, s.name))))
      .catch((err: unknown) => logger.warn({ err }, 'hollow node: lease renewal failed'))
      .finally(() => (renewing = false));
  }, renewMs);

  return {
    nodes: states,
    async stop() {
      clearInterval(timer);
      await pods.stop();
    },
    async deleteNodes() {
      for (const name of states.keys()) {
        await ignoreNotFound(store.delete('Node', undefined, name));
        await ignoreNotFound(store.delete('Lease', NODE_LEASE_NAMESPACE, name));
      }
    },
  };
}

function forget(handled: Set<string>, pod: Pod): void {
  handled.delete(`${pod.metadata.uid}/run`);
  handled.delete(`${pod.metadata.uid}/delete`);
}

async function ensureLeaseNamespace(store: Store): Promise<void> {
  try {
    await store.create('Namespace', { kind: 'Namespace', metadata: { name: NODE_LEASE_NAMESPACE }, spec: {} });
  } catch (err) {
    if (!isCapstanError(err, 'ALREADY_EXISTS')) throw err;
  }
}

async function registerNode(store: Store, spec: HollowNodeSpec, address: string): Promise<void> {
  const now = new Date().toISOString();
  const resources = { cpu: spec.cpu ?? '4', memory: spec.memory ?? '8Gi', pods: spec.pods ?? '110' };
  const status: Node['status'] = {
    capacity: resources,
    allocatable: resources,
    addresses: [
      { type: 'InternalIP', address },
      { type: 'Hostname', address: spec.name },
    ],
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'KubeletReady',
        message: 'hollow node is ready',
        lastHeartbeatTime: now,
        lastTransitionTime: now,
      },
    ],
    nodeInfo: {
      containerRuntimeVersion: HOLLOW_RUNTIME_VERSION,
      kubeletVersion: 'capstan-hollow',
      operatingSystem: 'linux',
      architecture: process.arch,
    },
  };
  const node = {
    kind: 'Node' as const,
    metadata: {
      name: spec.name,
      labels: { 'kubernetes.io/hostname': spec.name, [HOLLOW_LABEL]: 'true', ...spec.labels },
    },
    spec: { ...(spec.taints ? { taints: spec.taints } : {}), ...(spec.unschedulable ? { unschedulable: true } : {}) },
    status,
  };
  try {
    await store.create('Node', node);
  } catch (err) {
    if (!isCapstanError(err, 'ALREADY_EXISTS')) throw err;
    await store.mutate(
      'Node',
      undefined,
      spec.name,
      (current) => ({ ...current, ...node, metadata: { ...current.metadata, labels: node.metadata.labels } }),
      { status: true },
    );
  }
}

async function renewLease(store: Store, name: string): Promise<void> {
  const renewTime = new Date().toISOString();
  try {
    await store.mutate('Lease', NODE_LEASE_NAMESPACE, name, (lease) => ({
      ...lease,
      spec: { ...lease.spec, renewTime },
    }));
  } catch (err) {
    if (!isCapstanError(err, 'NOT_FOUND')) throw err;
    const lease: Omit<Lease, 'metadata' | 'apiVersion'> & { metadata: { name: string; namespace: string } } = {
      kind: 'Lease',
      metadata: { name, namespace: NODE_LEASE_NAMESPACE },
      spec: { holderIdentity: name, leaseDurationSeconds: 40, acquireTime: renewTime, renewTime },
    };
    try {
      await store.create('Lease', lease);
    } catch (createErr) {
      if (!isCapstanError(createErr, 'ALREADY_EXISTS')) throw createErr;
    }
  }
}

function condition(type: PodCondition['type'], ready: boolean, now: string): PodCondition {
  return { type, status: ready ? 'True' : 'False', lastTransitionTime: now };
}

async function startPod(store: Store, pod: Pod, node: NodeState, podIP: string, readyAfterMs: number): Promise<void> {
  await writeRunning(store, pod, node, podIP, readyAfterMs === 0);
  if (readyAfterMs > 0) {
    await new Promise((resolve) => setTimeout(resolve, readyAfterMs));
    await setReady(store, pod.metadata.namespace!, pod.metadata.name, node.name, true);
  }
}

async function writeRunning(store: Store, pod: Pod, node: NodeState, podIP: string, ready: boolean): Promise<void> {
  const now = new Date().toISOString();
  await ignoreNotFound(
    store.mutate(
      'Pod',
      pod.metadata.namespace,
      pod.metadata.name,
      (current) => {
        if (current.metadata.uid !== pod.metadata.uid || current.spec?.nodeName !== node.name) return undefined;
        if (current.metadata.deletionTimestamp) return undefined;
        const containers = current.spec?.containers ?? [];
        const hostPorts: HostPortMapping[] = containers.flatMap((c) =>
          (c.ports ?? [])
            .filter((p) => p.hostPort)
            .map((p) => ({
              containerPort: p.containerPort,
              protocol: p.protocol ?? 'TCP',
              hostIP: node.address,
              hostPort: p.hostPort!,
            })),
        );
        const containerStatuses: ContainerStatus[] = containers.map((c) => ({
          name: c.name,
          image: c.image,
          imageID: `hollow://${c.image}`,
          containerID: `hollow://${current.metadata.uid}/${c.name}`,
          ready,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: now } },
        }));
        const scheduled = current.status?.conditions?.find((c) => c.type === 'PodScheduled');
        return {
          ...current,
          status: {
            phase: 'Running',
            podIP,
            hostIP: node.address,
            startTime: now,
            conditions: [
              scheduled ?? condition('PodScheduled', true, now),
              condition('Initialized', true, now),
              condition('ContainersReady', ready, now),
              condition('Ready', ready, now),
            ],
            containerStatuses,
            ...(hostPorts.length > 0 ? { hostPorts } : {}),
            timeline: {
              ...current.status?.timeline,
              sandboxCreated: now,
              started: now,
              ...(ready ? { ready: now } : {}),
            },
          },
        };
      },
      { status: true },
    ),
  );
}

async function setReady(
  store: Store,
  namespace: string,
  name: string,
  nodeName: string,
  ready: boolean,
): Promise<void> {
  const now = new Date().toISOString();
  await ignoreNotFound(
    store.mutate(
      'Pod',
      namespace,
      name,
      (pod) => {
        if (pod.spec?.nodeName !== nodeName || pod.status?.phase !== 'Running') return undefined;
        const status = pod.status;
        const flip = (c: PodCondition): PodCondition =>
          (c.type === 'Ready' || c.type === 'ContainersReady') && c.status !== (ready ? 'True' : 'False')
            ? { ...c, status: ready ? 'True' : 'False', lastTransitionTime: now }
            : c;
        return {
          ...pod,
          status: {
            ...status,
            conditions: (status.conditions ?? []).map(flip),
            containerStatuses: (status.containerStatuses ?? []).map((c) => ({ ...c, ready })),
            ...(ready ? { timeline: { ...status.timeline, ready: status.timeline?.ready ?? now } } : {}),
          },
        };
      },
      { status: true },
    ),
  );
}

/** The node agent's last step of a graceful deletion: the "containers" are stopped, remove the pod. */
async function finishDeletion(store: Store, pod: Pod): Promise<void> {
  const current = await store.tryGet('Pod', pod.metadata.namespace, pod.metadata.name);
  if (current?.metadata.uid !== pod.metadata.uid) return;
  await ignoreNotFound(store.delete('Pod', pod.metadata.namespace, pod.metadata.name, { gracePeriodSeconds: 0 }));
}

async function ignoreNotFound<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise;
  } catch (err) {
    if (isCapstanError(err, 'NOT_FOUND')) return undefined;
    throw err;
  }
}

/** A tiny concurrency limiter: at most `max` tasks at once, the rest wait in order. */
function limiter(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    // A finishing task hands its slot straight to the next waiter, so `active` never exceeds `max`.
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
