import { arch, cpus, hostname, platform, totalmem } from 'node:os';
import { isCapstanError } from '../api/errors.ts';
import type { Lease, Node, NodeCondition, NodeStatus, Taint } from '../api/types.ts';
import { NODE_LEASE_NAMESPACE } from '../auth/authorize.ts';
import type { Store } from '../store/store.ts';
import { CAPSTAN_VERSION } from '../util/version.ts';

export interface NodeIdentity {
  nodeName: string;
  nodeAddress: string;
  podSubnet?: string;
  labels?: Record<string, string>;
  /** `docker://<version>` from the runtime. */
  runtimeVersion: string;
  /** Port of the node agent's log endpoint on `nodeAddress`, if it serves one. */
  kubeletPort?: number;
  /** Reported instead of the machine's CPUs and memory (and 110 pods). */
  capacity?: NodeCapacity;
  /** Taints and cordon a new Node is created with. */
  registerWithTaints?: Taint[];
  registerUnschedulable?: boolean;
}

/** A node's capacity as Kubernetes quantities (`cpu: '4'`, `memory: '8Gi'`, `pods: '110'`). */
export interface NodeCapacity {
  cpu: string;
  memory: string;
  pods: string;
}

const GO_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386' };

export const KUBELET_VERSION = CAPSTAN_VERSION;

export function nodeLabels(identity: Pick<NodeIdentity, 'nodeName' | 'labels'>): Record<string, string> {
  return {
    'kubernetes.io/hostname': identity.nodeName,
    'kubernetes.io/os': platform(),
    'kubernetes.io/arch': GO_ARCH[arch()] ?? arch(),
    ...identity.labels,
  };
}

/** Why a node is not ready yet (its pod network is being set up, or failed to): Ready=False with this message. */
export interface NotReady {
  reason: string;
  message: string;
}

export function readyCondition(previous: NodeCondition[] | undefined, now: string, notReady?: NotReady): NodeCondition {
  const prev = previous?.find((c) => c.type === 'Ready');
  const status = notReady ? 'False' : 'True';
  return {
    type: 'Ready',
    status,
    reason: notReady?.reason ?? 'KubeletReady',
    message: notReady?.message ?? 'capstan node agent is posting ready status',
    lastHeartbeatTime: now,
    lastTransitionTime: prev?.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : now,
  };
}

/** The Node's status as this machine reports it; other conditions than Ready (set by others) are kept. */
export function nodeStatus(
  identity: NodeIdentity,
  previous: NodeStatus | undefined,
  now: string,
  notReady?: NotReady,
): NodeStatus {
  const resources = identity.capacity ?? {
    cpu: String(cpus().length),
    memory: `${Math.floor(totalmem() / 1024)}Ki`,
    pods: '110',
  };
  return {
    capacity: resources,
    allocatable: resources,
    addresses: [
      { type: 'InternalIP', address: identity.nodeAddress },
      { type: 'Hostname', address: hostname() },
    ],
    conditions: [
      readyCondition(previous?.conditions, now, notReady),
      ...(previous?.conditions ?? []).filter((c) => c.type !== 'Ready'),
    ],
    nodeInfo: {
      containerRuntimeVersion: identity.runtimeVersion,
      kubeletVersion: KUBELET_VERSION,
      operatingSystem: platform(),
      architecture: GO_ARCH[arch()] ?? arch(),
    },
    ...(identity.kubeletPort !== undefined
      ? { daemonEndpoints: { kubeletEndpoint: { Port: identity.kubeletPort } } }
      : {}),
  };
}

/**
 * Creates the Node or brings its labels, podCIDR and status up to date. With `notReady` the Node reports Ready=False
 * (the agent registers so, learns its podCIDR from the answer, and reports Ready once its pod network works).
 */
export async function registerNode(store: Store, identity: NodeIdentity, notReady?: NotReady): Promise<Node> {
  const now = new Date().toISOString();
  const existing = await store.tryGet('Node', undefined, identity.nodeName);
  if (!existing) {
    try {
      return await store.create('Node', {
        kind: 'Node',
        metadata: { name: identity.nodeName, labels: nodeLabels(identity) },
        spec: {
          ...(identity.podSubnet ? { podCIDR: identity.podSubnet } : {}),
          ...(identity.registerWithTaints?.length ? { taints: identity.registerWithTaints } : {}),
          ...(identity.registerUnschedulable ? { unschedulable: true } : {}),
        },
        status: nodeStatus(identity, undefined, now, notReady),
      });
    } catch (err) {
      if (!isCapstanError(err, 'ALREADY_EXISTS')) throw err;
    }
  }
  await store.mutate('Node', undefined, identity.nodeName, (node) => {
    const labels = { ...node.metadata.labels, ...nodeLabels(identity) };
    const spec = { ...node.spec, ...(identity.podSubnet ? { podCIDR: identity.podSubnet } : {}) };
    return { ...node, metadata: { ...node.metadata, labels }, spec };
  });
  return refreshNodeStatus(store, identity, notReady);
}

/** Rewrites the Node's status (heartbeat time of Ready included); the lease is the frequent heartbeat. */
export async function refreshNodeStatus(store: Store, identity: NodeIdentity, notReady?: NotReady): Promise<Node> {
  return store.mutate(
    'Node',
    undefined,
    identity.nodeName,
    (node) => ({ ...node, status: nodeStatus(identity, node.status, new Date().toISOString(), notReady) }),
    { status: true },
  );
}

/** Makes sure the namespace of node leases exists (a node credential may not create it: someone else did). */
export async function ensureLeaseNamespace(store: Store): Promise<void> {
  if (await store.tryGet('Namespace', undefined, NODE_LEASE_NAMESPACE)) return;
  try {
    await store.create('Namespace', { kind: 'Namespace', metadata: { name: NODE_LEASE_NAMESPACE }, spec: {} });
  } catch (err) {
    if (!isCapstanError(err, 'ALREADY_EXISTS') && !isCapstanError(err, 'FORBIDDEN')) throw err;
  }
}

function leaseObject(nodeName: string, durationSeconds: number, now: string, acquireTime: string): Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: nodeName, namespace: NODE_LEASE_NAMESPACE } as Lease['metadata'],
    spec: { holderIdentity: nodeName, leaseDurationSeconds: durationSeconds, acquireTime, renewTime: now },
  };
}

/**
 * Renews the node's Lease: one unconditional update of a small object (no read), created on first use. This is
 * the node's heartbeat, so that a full Node rewrite is needed only when its status changes.
 */
export async function renewLease(
  store: Store,
  nodeName: string,
  durationSeconds: number,
  acquireTime: string,
): Promise<void> {
  const now = new Date().toISOString();
  const lease = leaseObject(nodeName, durationSeconds, now, acquireTime);
  try {
    await store.update('Lease', lease);
  } catch (err) {
    if (!isCapstanError(err, 'NOT_FOUND')) throw err;
    try {
      await store.create('Lease', lease);
    } catch (createErr) {
      if (!isCapstanError(createErr, 'ALREADY_EXISTS')) throw createErr;
      await store.update('Lease', lease);
    }
  }
}
