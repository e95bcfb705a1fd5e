/**
 * The Capstan object model. Field names follow Kubernetes core/v1 and apps/v1 so that Kubernetes YAML maps onto
 * these objects one to one. Every object is `{ apiVersion, kind, metadata, spec?, status? }`.
 */

export const NAMESPACED_KINDS = [
  'Pod',
  'ReplicationController',
  'Deployment',
  'Service',
  'Endpoints',
  'Event',
  'PersistentVolumeClaim',
  'Lease',
  'ConfigMap',
  'Secret',
] as const;
export const CLUSTER_KINDS = ['Namespace', 'Node', 'Token'] as const;
export const KINDS = [...NAMESPACED_KINDS, ...CLUSTER_KINDS] as const;

export type NamespacedKind = (typeof NAMESPACED_KINDS)[number];
export type ClusterKind = (typeof CLUSTER_KINDS)[number];
export type Kind = (typeof KINDS)[number];

export function isKind(value: string): value is Kind {
  return (KINDS as readonly string[]).includes(value);
}

export function isNamespaced(kind: Kind): kind is NamespacedKind {
  return (NAMESPACED_KINDS as readonly string[]).includes(kind);
}

/** apiVersion per kind, as Kubernetes spells it. */
export const API_VERSIONS: Record<Kind, string> = {
  Pod: 'v1',
  ReplicationController: 'v1',
  Deployment: 'apps/v1',
  Service: 'v1',
  Endpoints: 'v1',
  Event: 'v1',
  PersistentVolumeClaim: 'v1',
  Lease: 'coordination.k8s.io/v1',
  Namespace: 'v1',
  Node: 'v1',
  Token: 'capstan.io/v1',
  ConfigMap: 'v1',
  Secret: 'v1',
};

export type Labels = Record<string, string>;

/** Finalizers Foreground and Orphan deletion add; the garbage collector acts on them and removes them. */
export const FOREGROUND_FINALIZER = 'foregroundDeletion';
export const ORPHAN_FINALIZER = 'orphan';
/** Kept on a deleted Namespace until the namespace controller has emptied it (Kubernetes' spec.finalizers value). */
export const NAMESPACE_FINALIZER = 'kubernetes';

/**
 * Top-level fields that carry an object's data: the envelope plus the payload of kinds that keep it at the top
 * level (Endpoints, Event), as Kubernetes does. Anything else a client sees (age, owner, displayStatus...) is derived.
 */
export const OBJECT_DATA_FIELDS: readonly string[] = [
  'apiVersion',
  'kind',
  'metadata',
  'spec',
  'status',
  'subsets',
  'involvedObject',
  'reason',
  'message',
  'type',
  'source',
  'count',
  'firstTimestamp',
  'lastTimestamp',
  'data',
  'binaryData',
  'stringData',
  'immutable',
];

export interface OwnerReference {
  apiVersion: string;
  kind: Kind;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  generateName?: string;
  namespace?: string;
  uid: string;
  labels?: Labels;
  annotations?: Record<string, string>;
  /** Cluster-wide counter value of the write that produced this version; opaque to clients. */
  resourceVersion: string;
  /** Bumped on every change of `spec`. */
  generation: number;
  creationTimestamp: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
}

/** Metadata as a client writes it: everything the server assigns is optional. */
export type ObjectMetaInput = Partial<ObjectMeta> & { name?: string };

export interface KubeObject<K extends Kind = Kind, Spec = unknown, Status = unknown> {
  apiVersion: string;
  kind: K;
  metadata: ObjectMeta;
  spec?: Spec;
  status?: Status;
}

/** An object as submitted for create/update: metadata not yet completed by the store. */
export type ObjectInput<T extends KubeObject = KubeObject> = Omit<T, 'metadata' | 'apiVersion'> & {
  apiVersion?: string;
  metadata: ObjectMetaInput;
};

// ---------------------------------------------------------------------------------------------------------------
// Selectors

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

/** apps/v1 structured selector. */
export interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: LabelSelectorRequirement[];
}

// ---------------------------------------------------------------------------------------------------------------
// Pods

/** A key of a ConfigMap or Secret (`env[].valueFrom.configMapKeyRef` / `secretKeyRef`). */
export interface KeySelector {
  name: string;
  key: string;
  optional?: boolean;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string }; configMapKeyRef?: KeySelector; secretKeyRef?: KeySelector };
}

/** Every key of a ConfigMap or Secret as env vars, each name prefixed with `prefix`. */
export interface EnvFromSource {
  prefix?: string;
  configMapRef?: { name: string; optional?: boolean };
  secretRef?: { name: string; optional?: boolean };
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  hostPort?: number;
  protocol?: 'TCP' | 'UDP';
}

export interface ResourceRequirements {
  limits?: { cpu?: string; memory?: string };
  requests?: { cpu?: string; memory?: string };
}

export interface HTTPGetAction {
  path?: string;
  port: number | string;
  host?: string;
  scheme?: 'HTTP';
  httpHeaders?: { name: string; value: string }[];
}

export interface Probe {
  httpGet?: HTTPGetAction;
  tcpSocket?: { port: number | string; host?: string };
  exec?: { command: string[] };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
  subPath?: string;
}

export interface Container {
  name: string;
  image: string;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  ports?: ContainerPort[];
  resources?: ResourceRequirements;
  volumeMounts?: VolumeMount[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
}

export interface Volume {
  name: string;
  emptyDir?: { medium?: string; sizeLimit?: string };
  hostPath?: { path: string; type?: string };
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  configMap?: ConfigMapVolumeSource;
  secret?: SecretVolumeSource;
}

/** A key of a ConfigMap or Secret projected into a volume as the file `path` (relative, no `..`). */
export interface KeyToPath {
  key: string;
  path: string;
  mode?: number;
}

export interface ConfigMapVolumeSource {
  name: string;
  items?: KeyToPath[];
  /** File mode of the projected files; default 0644. */
  defaultMode?: number;
  optional?: boolean;
}

export interface SecretVolumeSource {
  secretName: string;
  items?: KeyToPath[];
  defaultMode?: number;
  optional?: boolean;
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  tolerationSeconds?: number;
}

export interface PodSpec {
  containers: Container[];
  volumes?: Volume[];
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  terminationGracePeriodSeconds?: number;
  nodeName?: string;
  nodeSelector?: Labels;
  tolerations?: Toleration[];
  hostname?: string;
  subdomain?: string;
  /** Secrets of type kubernetes.io/dockerconfigjson whose credentials the node uses to pull this pod's images. */
  imagePullSecrets?: { name: string }[];
}

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

export interface PodCondition {
  type: 'PodScheduled' | 'Initialized' | 'ContainersReady' | 'Ready';
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { exitCode: number; reason?: string; message?: string; startedAt?: string; finishedAt?: string };
}

export interface ContainerStatus {
  name: string;
  image: string;
  imageID?: string;
  containerID?: string;
  ready: boolean;
  started?: boolean;
  restartCount: number;
  state: ContainerState;
  lastState?: ContainerState;
}

/** Where the node publishes a container port on its own address. */
export interface HostPortMapping {
  containerPort: number;
  protocol: 'TCP' | 'UDP';
  hostIP: string;
  hostPort: number;
}

export interface PodStatus {
  phase?: PodPhase;
  reason?: string;
  message?: string;
  conditions?: PodCondition[];
  podIP?: string;
  hostIP?: string;
  startTime?: string;
  containerStatuses?: ContainerStatus[];
  hostPorts?: HostPortMapping[];
  /** Startup timeline: scheduled, sandboxCreated, started, ready (ISO timestamps). */
  timeline?: { scheduled?: string; sandboxCreated?: string; started?: string; ready?: string };
}

export type Pod = KubeObject<'Pod', PodSpec, PodStatus>;

export interface PodTemplateSpec {
  metadata?: { labels?: Labels; annotations?: Record<string, string> };
  spec: PodSpec;
}

// ---------------------------------------------------------------------------------------------------------------
// Workloads

export interface ReplicationControllerSpec {
  replicas?: number;
  minReadySeconds?: number;
  /** v1 equality selector; defaults to the template's labels. Immutable. */
  selector?: Labels;
  template: PodTemplateSpec;
}

export interface ReplicationControllerCondition {
  type: 'ReplicaFailure';
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface ReplicationControllerStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: ReplicationControllerCondition[];
}

export type ReplicationController = KubeObject<
  'ReplicationController',
  ReplicationControllerSpec,
  ReplicationControllerStatus
>;

export interface DeploymentStrategy {
  type?: 'RollingUpdate' | 'Recreate';
  rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string };
}

export interface DeploymentSpec {
  replicas?: number;
  selector: LabelSelector;
  template: PodTemplateSpec;
  strategy?: DeploymentStrategy;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
  paused?: boolean;
}

export interface DeploymentCondition {
  type: 'Available' | 'Progressing' | 'ReplicaFailure';
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: DeploymentCondition[];
}

export type Deployment = KubeObject<'Deployment', DeploymentSpec, DeploymentStatus>;

// ---------------------------------------------------------------------------------------------------------------
// Services

export interface ServicePort {
  name?: string;
  protocol?: 'TCP' | 'UDP';
  port: number;
  targetPort?: number | string;
  nodePort?: number;
}

export interface ServiceSpec {
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  selector?: Labels;
  ports?: ServicePort[];
  /** Immutable once set; "None" makes a headless service. */
  clusterIP?: string;
  sessionAffinity?: 'None' | 'ClientIP';
  /** How long ClientIP affinity lasts without traffic; default 10800 s. */
  sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
  loadBalancerIP?: string;
}

export interface ServiceStatus {
  loadBalancer?: { ingress?: { ip: string }[] };
}

export type Service = KubeObject<'Service', ServiceSpec, ServiceStatus>;

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: { kind: 'Pod'; name: string; namespace: string; uid: string };
  /** Capstan: the node address and host ports through which the node agent published this pod's ports. */
  hostIP?: string;
  hostPorts?: HostPortMapping[];
}

export interface EndpointPort {
  name?: string;
  port: number;
  protocol?: 'TCP' | 'UDP';
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

/** Endpoints carry no spec: their payload is `subsets`, as in Kubernetes. */
export interface Endpoints extends KubeObject<'Endpoints', never, never> {
  subsets?: EndpointSubset[];
}

// ---------------------------------------------------------------------------------------------------------------
// Cluster

export interface NamespaceSpec {
  finalizers?: string[];
}
export interface NamespaceStatus {
  phase?: 'Active' | 'Terminating';
}
export type Namespace = KubeObject<'Namespace', NamespaceSpec, NamespaceStatus>;

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  timeAdded?: string;
}

export interface NodeSpec {
  unschedulable?: boolean;
  taints?: Taint[];
  podCIDR?: string;
}

export interface NodeCondition {
  type: 'Ready' | 'MemoryPressure' | 'DiskPressure' | 'PIDPressure' | 'NetworkUnavailable';
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
}

export interface NodeStatus {
  capacity?: { cpu?: string; memory?: string; pods?: string };
  allocatable?: { cpu?: string; memory?: string; pods?: string };
  addresses?: { type: 'InternalIP' | 'Hostname' | 'ExternalIP'; address: string }[];
  conditions?: NodeCondition[];
  nodeInfo?: {
    containerRuntimeVersion?: string;
    kubeletVersion?: string;
    operatingSystem?: string;
    architecture?: string;
  };
  /** Endpoints of daemons on the node: the node agent's log endpoint (Kubernetes' kubelet endpoint). */
  daemonEndpoints?: NodeDaemonEndpoints;
}

export interface NodeDaemonEndpoints {
  /** The node agent's HTTP endpoint (container logs) on the node's InternalIP. */
  kubeletEndpoint?: { Port: number };
}

export type Node = KubeObject<'Node', NodeSpec, NodeStatus>;

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
}
export type Lease = KubeObject<'Lease', LeaseSpec, never>;

export interface PersistentVolumeClaimSpec {
  accessModes?: ('ReadWriteOnce' | 'ReadOnlyMany' | 'ReadWriteMany')[];
  resources?: { requests?: { storage?: string } };
  storageClassName?: string;
  volumeName?: string;
}
export interface PersistentVolumeClaimStatus {
  phase?: 'Pending' | 'Bound' | 'Lost';
}
export type PersistentVolumeClaim = KubeObject<
  'PersistentVolumeClaim',
  PersistentVolumeClaimSpec,
  PersistentVolumeClaimStatus
>;

/** Events carry their payload at the top level, as core/v1 Event does. */
export interface Event extends KubeObject<'Event', never, never> {
  involvedObject: { kind: Kind; name: string; namespace?: string; uid?: string; resourceVersion?: string };
  reason: string;
  message: string;
  type: 'Normal' | 'Warning';
  source?: { component?: string; host?: string };
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
}

/** API credentials. Only the hash of the secret is stored. */
export interface TokenSpec {
  /**
   * admin: everything; viewer: read-only; bootstrap: may only join a node; node: may act as one node.
   */
  role: 'admin' | 'viewer' | 'bootstrap' | 'node';
  secretHash: string;
  /** For role node: the Node this credential may act as. */
  nodeName?: string;
  expiresAt?: string;
  description?: string;
  /** For role bootstrap: how many nodes it may join; unset: any number until it expires. */
  maxUses?: number;
  /** For role bootstrap: how many nodes it has joined. */
  uses?: number;
  /** For role bootstrap: its detached JWS over the cluster-info document (discovery), and that document's digest. */
  discoverySignature?: string;
  discoveryDigest?: string;
  /**
   * For role node: serials of the serving certificates the CA signed for this credential's node (newest last). The
   * API server trusts a node's endpoint only with a certificate a live credential of that node records.
   */
  certificateSerials?: string[];
}
export type Token = KubeObject<'Token', TokenSpec, never>;

/** ConfigMaps carry their payload at the top level, as core/v1 does: `data` (UTF-8) and `binaryData` (base64). */
export interface ConfigMap extends KubeObject<'ConfigMap', never, never> {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
  /** Once true, data cannot change and the flag cannot be unset (delete and re-create instead). */
  immutable?: boolean;
}

export const SECRET_TYPES = [
  'Opaque',
  'kubernetes.io/dockerconfigjson',
  'kubernetes.io/basic-auth',
  'kubernetes.io/tls',
] as const;
export type SecretType = (typeof SECRET_TYPES)[number];

/**
 * Secrets carry base64 `data`; `stringData` (plain text, write-only) is merged into `data` on write and never
 * stored. Encrypted at rest by the store (see docs/security.md).
 */
export interface Secret extends KubeObject<'Secret', never, never> {
  type?: SecretType;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  immutable?: boolean;
}

export interface KindMap {
  Pod: Pod;
  ReplicationController: ReplicationController;
  Deployment: Deployment;
  Service: Service;
  Endpoints: Endpoints;
  Event: Event;
  PersistentVolumeClaim: PersistentVolumeClaim;
  Lease: Lease;
  Namespace: Namespace;
  Node: Node;
  Token: Token;
  ConfigMap: ConfigMap;
  Secret: Secret;
}
