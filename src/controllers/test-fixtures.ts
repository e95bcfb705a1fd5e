/**
 * Fixture builders for the controller planning tests. Only tests import this file.
 */
import type {
  Container,
  Node,
  OwnerReference,
  Pod,
  PodPhase,
  ReplicationController,
  Taint,
  Toleration,
} from '../api/types.ts';

let counter = 0;
const nextUid = (prefix: string) => `${prefix}-uid-${++counter}`;

export const T0 = new Date('2025-01-01T00:00:00Z');
/** `T0` plus `seconds`, as a Date. */
export const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
/** `T0` plus `seconds`, as an ISO timestamp. */
export const iso = (seconds: number) => at(seconds).toISOString();

export interface PodOptions {
  name?: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  phase?: PodPhase;
  /** Seconds after T0 at which the pod became ready; undefined: not ready. */
  readySince?: number;
  nodeName?: string;
  restarts?: number;
  /** Seconds after T0. */
  created?: number;
  owner?: OwnerReference;
  deleting?: boolean;
  podIP?: string;
  hostIP?: string;
  containers?: Container[];
  requests?: { cpu?: string; memory?: string };
  tolerations?: Toleration[];
  nodeSelector?: Record<string, string>;
}

export function newPod(options: PodOptions = {}): Pod {
  const name = options.name ?? `pod-${++counter}`;
  const ready = options.readySince !== undefined;
  const containers = options.containers ?? [
    { name: 'app', image: 'hello:1', ...(options.requests ? { resources: { requests: options.requests } } : {}) },
  ];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: options.namespace ?? 'default',
      uid: options.uid ?? nextUid(name),
      labels: options.labels ?? { app: 'web' },
      resourceVersion: '1',
      generation: 1,
      creationTimestamp: iso(options.created ?? 0),
      ...(options.deleting ? { deletionTimestamp: iso(1) } : {}),
      ...(options.owner ? { ownerReferences: [options.owner] } : {}),
    },
    spec: {
      containers,
      ...(options.nodeName ? { nodeName: options.nodeName } : {}),
      ...(options.tolerations ? { tolerations: options.tolerations } : {}),
      ...(options.nodeSelector ? { nodeSelector: options.nodeSelector } : {}),
    },
    status: {
      phase: options.phase ?? (options.nodeName ? 'Running' : 'Pending'),
      conditions: [
        {
          type: 'Ready',
          status: ready ? 'True' : 'False',
          ...(ready ? { lastTransitionTime: iso(options.readySince as number) } : {}),
        },
      ],
      containerStatuses: [
        { name: 'app', image: 'hello:1', ready, restartCount: options.restarts ?? 0, state: { running: {} } },
      ],
      ...(options.podIP ? { podIP: options.podIP } : {}),
      ...(options.hostIP ? { hostIP: options.hostIP } : {}),
    },
  };
}

export function newRC(
  options: { name?: string; replicas?: number; selector?: Record<string, string>; minReadySeconds?: number } = {},
): ReplicationController {
  const name = options.name ?? 'web';
  const selector = options.selector ?? { app: 'web' };
  return {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: {
      name,
      namespace: 'default',
      uid: nextUid(name),
      resourceVersion: '1',
      generation: 3,
      creationTimestamp: iso(0),
    },
    spec: {
      replicas: options.replicas ?? 3,
      selector,
      minReadySeconds: options.minReadySeconds ?? 0,
      template: {
        metadata: { labels: { ...selector } },
        spec: { containers: [{ name: 'app', image: 'hello:1' }] },
      },
    },
    status: { replicas: 0 },
  };
}

/** A controller ownerReference to `rc`. */
export function ownedBy(owner: { kind?: string; metadata: { name: string; uid: string } }): OwnerReference {
  return {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
  };
}

export interface NodeOptions {
  name?: string;
  cpu?: string;
  memory?: string;
  pods?: string;
  ready?: 'True' | 'False' | 'Unknown';
  /** Seconds after T0 of the Ready condition's last transition. */
  readySince?: number;
  unschedulable?: boolean;
  taints?: Taint[];
  labels?: Record<string, string>;
  address?: string;
}

export function newNode(options: NodeOptions = {}): Node {
  const name = options.name ?? `node-${++counter}`;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      uid: nextUid(name),
      labels: options.labels ?? { 'kubernetes.io/hostname': name },
      resourceVersion: '1',
      generation: 1,
      creationTimestamp: iso(0),
    },
    spec: {
      ...(options.unschedulable ? { unschedulable: true } : {}),
      ...(options.taints ? { taints: options.taints } : {}),
    },
    status: {
      allocatable: { cpu: options.cpu ?? '4', memory: options.memory ?? '8Gi', pods: options.pods ?? '110' },
      conditions: [
        { type: 'Ready', status: options.ready ?? 'True', lastTransitionTime: iso(options.readySince ?? 0) },
      ],
      ...(options.address ? { addresses: [{ type: 'InternalIP' as const, address: options.address }] } : {}),
    },
  };
}
