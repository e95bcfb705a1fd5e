/**
 * Hollow nodes: simulated nodes for tests and benchmarks (the kubemark idea), never the default runtime. A hollow
 * node is the real node agent (`startNodeAgent`) on a `MemoryRuntime`: it registers its Node, renews its Lease,
 * runs the pods bound to it through the agent's own sync, probes and back-off, and finishes their graceful
 * deletion, with containers that are records in memory and pod IPs from its podCIDR that nothing answers on.
 */
import { CapstanError, isCapstanError } from '../api/errors.ts';
import type { Taint } from '../api/types.ts';
import { NODE_LEASE_NAMESPACE } from '../auth/authorize.ts';
import { startNodeAgent } from '../node/agent.ts';
import type { NodeAgent, NodeAgentOptions } from '../node/agent.ts';
import { MemoryRuntime } from '../node/memory-runtime.ts';
import type { MemoryRuntimeOptions } from '../node/memory-runtime.ts';
import { ensureLeaseNamespace, registerNode, renewLease } from '../node/node-registration.ts';
import type { NodeIdentity } from '../node/node-registration.ts';
import type { Store } from '../store/store.ts';
import { logger as rootLogger, type Logger } from '../util/logger.ts';

export const HOLLOW_LABEL = 'capstan.io/hollow';
export const HOLLOW_RUNTIME_VERSION = 'hollow://0.1.0';

export interface HollowNodeSpec {
  name: string;
  /** The node's address; default 127.0.1.<index+1>. */
  address?: string;
  /** The node's podCIDR; default 10.<200 + index/250>.<index%250>.0/24 (outside the default cluster CIDR). */
  podSubnet?: string;
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
  /** Each node's runtime: delays (e.g. `{ delays: { startContainer: 150 } }` for pods that start slowly), faults. */
  runtime?: MemoryRuntimeOptions;
  /**
   * Run a node agent for the pods (default true). False gives bare heartbeating nodes (Node and Lease through the
   * agent's registration, nothing runs bound pods), as kube-scheduler's own throughput benchmark uses.
   */
  runPods?: boolean;
  /** Nodes registering at once. Default 32. */
  concurrency?: number;
  /** Passed to every agent (resync and status intervals, back-off, ...). */
  agent?: Partial<Omit<NodeAgentOptions, 'store' | 'runtime' | 'nodeName' | 'nodeAddress'>>;
  logger?: Logger;
}

/** One simulated node; control handles let tests simulate failures. */
export interface HollowNode {
  readonly name: string;
  readonly address: string;
  /** The node's containers; steer it to crash containers, fail probes, slow or break the engine. */
  readonly runtime: MemoryRuntime;
  /** Lease renewals fail from now on (the agent is cut off from the API); pods are left as they are. */
  pauseHeartbeat(): void;
  resumeHeartbeat(): void;
  /** Stops the node's agent, as a dead agent: no status writes, no deletions; containers keep running. */
  freeze(): Promise<void>;
  /** Starts a new agent on the same runtime, which re-adopts the containers, as a restarted kubelet. */
  unfreeze(): Promise<void>;
  /**
   * What the readiness probes of the pod's containers answer from now on (the pod needs a readinessProbe; a pod
   * without one is ready whenever its containers run).
   */
  setPodReady(namespace: string, name: string, ready: boolean): Promise<void>;
}

export interface HollowNodes {
  readonly nodes: ReadonlyMap<string, HollowNode>;
  /** Stops heartbeats and agents; the Node objects stay (delete them with `deleteNodes`). */
  stop(): Promise<void>;
  deleteNodes(): Promise<void>;
}

/** Registers the hollow nodes (Node + Lease) and starts their agents. Resolves once every agent is in charge. */
export async function startHollowNodes(
  store: Store,
  specs: readonly HollowNodeSpec[],
  options: HollowNodesOptions = {},
): Promise<HollowNodes> {
  const logger = (options.logger ?? rootLogger).child({ component: 'hollow-node' });
  const renewIntervalMs = options.renewIntervalMs ?? 2_000;
  const limit = limiter(options.concurrency ?? 32);
  await ensureLeaseNamespace(store);
  const nodes = new Map<string, HollowNode & { stop(): Promise<void> }>();
  const started = specs.map((spec, index) =>
    limit(async () => {
      const node =
        options.runPods === false
          ? await startBareNode(store, spec, index, renewIntervalMs, logger)
          : await startHollowNode(store, spec, index, { ...options, renewIntervalMs }, logger);
      nodes.set(spec.name, node);
    }),
  );
  const results = await Promise.allSettled(started);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) {
    await Promise.allSettled([...nodes.values()].map((n) => n.stop()));
    throw failed.reason;
  }
  return {
    nodes,
    async stop() {
      await Promise.all([...nodes.values()].map((n) => n.stop()));
    },
    async deleteNodes() {
      for (const name of nodes.keys()) {
        await ignoreNotFound(store.delete('Node', undefined, name));
        await ignoreNotFound(store.delete('Lease', NODE_LEASE_NAMESPACE, name));
      }
    },
  };
}

const defaultAddress = (index: number): string => `127.0.1.${index + 1}`;
const defaultSubnet = (index: number): string => `10.${200 + Math.floor(index / 250)}.${index % 250}.0/24`;
const capacityOf = (spec: HollowNodeSpec) => ({
  cpu: spec.cpu ?? '4',
  memory: spec.memory ?? '8Gi',
  pods: spec.pods ?? '110',
});

async function startHollowNode(
  store: Store,
  spec: HollowNodeSpec,
  index: number,
  options: HollowNodesOptions & { renewIntervalMs: number },
  logger: Logger,
): Promise<HollowNode & { stop(): Promise<void> }> {
  const address = spec.address ?? defaultAddress(index);
  const runtime = new MemoryRuntime({ runtimeVersion: HOLLOW_RUNTIME_VERSION, ...options.runtime });
  const link = new Link(store);
  const start = (): Promise<NodeAgent> =>
    startNodeAgent({
      dnsServerIp: '10.96.0.10',
      ...options.agent,
      store: link.store,
      runtime,
      nodeName: spec.name,
      nodeAddress: address,
      podSubnet: spec.podSubnet ?? defaultSubnet(index),
      labels: { [HOLLOW_LABEL]: 'true', ...spec.labels },
      capacity: capacityOf(spec),
      ...(spec.taints ? { registerWithTaints: spec.taints } : {}),
      ...(spec.unschedulable ? { registerUnschedulable: true } : {}),
      renewIntervalMs: options.renewIntervalMs,
      probe: runtime.probe,
      logger,
    });
  let agent: NodeAgent | undefined = await start();
  const freeze = async (): Promise<void> => {
    const running = agent;
    agent = undefined;
    await running?.stop();
  };
  return {
    name: spec.name,
    address,
    runtime,
    pauseHeartbeat: () => void (link.leaseCut = true),
    resumeHeartbeat: () => void (link.leaseCut = false),
    freeze,
    async unfreeze() {
      agent ??= await start();
    },
    async setPodReady(namespace, name, ready) {
      const pod = agent?.findPod(namespace, name) ?? (await store.tryGet('Pod', namespace, name));
      if (!pod || pod.spec?.nodeName !== spec.name) {
        throw new CapstanError('NOT_FOUND', `pod ${namespace}/${name} is not on hollow node ${spec.name}`);
      }
      runtime.setProbeResult(pod.metadata.uid, ready, 'readiness');
    },
    stop: freeze,
  };
}

/** A Node and its Lease, registered and renewed with the agent's own functions, and no agent for pods. */
async function startBareNode(
  store: Store,
  spec: HollowNodeSpec,
  index: number,
  renewIntervalMs: number,
  logger: Logger,
): Promise<HollowNode & { stop(): Promise<void> }> {
  const address = spec.address ?? defaultAddress(index);
  const runtime = new MemoryRuntime({ runtimeVersion: HOLLOW_RUNTIME_VERSION });
  const link = new Link(store);
  const identity: NodeIdentity = {
    nodeName: spec.name,
    nodeAddress: address,
    podSubnet: spec.podSubnet ?? defaultSubnet(index),
    labels: { [HOLLOW_LABEL]: 'true', ...spec.labels },
    runtimeVersion: HOLLOW_RUNTIME_VERSION,
    capacity: capacityOf(spec),
    ...(spec.taints ? { registerWithTaints: spec.taints } : {}),
    ...(spec.unschedulable ? { registerUnschedulable: true } : {}),
  };
  await registerNode(store, identity);
  const acquireTime = new Date().toISOString();
  const renew = () => renewLease(link.store, spec.name, 40, acquireTime);
  await renew();
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    renew()
      .catch((err: unknown) => logger.warn({ err, node: spec.name }, 'hollow node: lease renewal failed'))
      .finally(() => (busy = false));
  }, renewIntervalMs);
  const unsupported = () => {
    throw new CapstanError('INVALID', `hollow node ${spec.name} runs no pods (runPods: false)`);
  };
  return {
    name: spec.name,
    address,
    runtime,
    pauseHeartbeat: () => void (link.leaseCut = true),
    resumeHeartbeat: () => void (link.leaseCut = false),
    freeze: async () => void (link.leaseCut = true),
    unfreeze: async () => void (link.leaseCut = false),
    setPodReady: async () => unsupported(),
    stop: async () => clearInterval(timer),
  };
}

/**
 * The agent's connection to the API: writes of its Lease fail while `leaseCut` is set, as when the node is cut off,
 * so the node lifecycle controller sees the lease go stale while the test keeps everything else running.
 */
class Link {
  leaseCut = false;
  readonly store: Store;

  constructor(target: Store) {
    const cut = (kind: string): boolean => this.leaseCut && kind === 'Lease';
    this.store = new Proxy(target, {
      get: (t, property, receiver) => {
        const value: unknown = Reflect.get(t, property, receiver);
        if (typeof value !== 'function') return value;
        if (property === 'create' || property === 'update' || property === 'updateStatus' || property === 'mutate') {
          return (kind: string, ...args: unknown[]) => {
            if (cut(kind)) return Promise.reject(new CapstanError('UNAVAILABLE', 'hollow node: heartbeat paused'));
            return (value as (...a: unknown[]) => unknown).call(t, kind, ...args);
          };
        }
        return (value as (...a: unknown[]) => unknown).bind(t);
      },
    });
  }
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
