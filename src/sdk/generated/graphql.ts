/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type ApplyAction =
  | 'CONFIGURED'
  | 'CREATED'
  | 'UNCHANGED';

export type ConfigMapInput = {
  /** Base64 values by key (keys not in data). */
  binaryData?: Array<KeyValueInput> | null | undefined;
  /** UTF-8 values by key. */
  data?: Array<KeyValueInput> | null | undefined;
  /** Once true, data cannot change: delete and re-create instead. */
  immutable?: boolean | null | undefined;
  metadata: ObjectMetaInput;
};

export type ConfigMapVolumeSourceInput = {
  defaultMode?: number | null | undefined;
  items?: Array<KeyToPathInput> | null | undefined;
  name: string;
  optional?: boolean | null | undefined;
};

export type ContainerImageInput = {
  /** A container name, or "*" for every container. */
  container: string;
  image: string;
};

export type ContainerInput = {
  args?: Array<string> | null | undefined;
  command?: Array<string> | null | undefined;
  env?: Array<EnvVarInput> | null | undefined;
  envFrom?: Array<EnvFromSourceInput> | null | undefined;
  image: string;
  imagePullPolicy?: ImagePullPolicy | null | undefined;
  livenessProbe?: ProbeInput | null | undefined;
  name: string;
  ports?: Array<ContainerPortInput> | null | undefined;
  readinessProbe?: ProbeInput | null | undefined;
  resources?: ResourceRequirementsInput | null | undefined;
  startupProbe?: ProbeInput | null | undefined;
  volumeMounts?: Array<VolumeMountInput> | null | undefined;
  workingDir?: string | null | undefined;
};

export type ContainerPortInput = {
  containerPort: number;
  hostPort?: number | null | undefined;
  name?: string | null | undefined;
  protocol?: Protocol | null | undefined;
};

export type DeploymentInput = {
  metadata: ObjectMetaInput;
  spec: DeploymentSpecInput;
};

export type DeploymentSpecInput = {
  minReadySeconds?: number | null | undefined;
  paused?: boolean | null | undefined;
  progressDeadlineSeconds?: number | null | undefined;
  replicas?: number | null | undefined;
  revisionHistoryLimit?: number | null | undefined;
  selector: LabelSelectorInput;
  strategy?: DeploymentStrategyInput | null | undefined;
  template: PodTemplateSpecInput;
};

export type DeploymentStrategyInput = {
  rollingUpdate?: RollingUpdateDeploymentInput | null | undefined;
  type?: DeploymentStrategyType | null | undefined;
};

export type DeploymentStrategyType =
  | 'Recreate'
  | 'RollingUpdate';

export type EmptyDirVolumeSourceInput = {
  medium?: string | null | undefined;
  sizeLimit?: string | null | undefined;
};

export type EndpointAddressInput = {
  hostname?: string | null | undefined;
  ip: string;
  nodeName?: string | null | undefined;
  targetRef?: EndpointTargetRefInput | null | undefined;
};

export type EndpointPortInput = {
  name?: string | null | undefined;
  port: number;
  protocol?: Protocol | null | undefined;
};

export type EndpointSubsetInput = {
  addresses?: Array<EndpointAddressInput> | null | undefined;
  notReadyAddresses?: Array<EndpointAddressInput> | null | undefined;
  ports?: Array<EndpointPortInput> | null | undefined;
};

export type EndpointTargetRefInput = {
  kind: string;
  name: string;
  namespace: string;
  uid: string;
};

export type EndpointsInput = {
  metadata: ObjectMetaInput;
  subsets?: Array<EndpointSubsetInput> | null | undefined;
};

export type EnvFromReferenceInput = {
  name: string;
  optional?: boolean | null | undefined;
};

export type EnvFromSourceInput = {
  configMapRef?: EnvFromReferenceInput | null | undefined;
  prefix?: string | null | undefined;
  secretRef?: EnvFromReferenceInput | null | undefined;
};

export type EnvVarInput = {
  name: string;
  value?: string | null | undefined;
  valueFrom?: EnvVarSourceInput | null | undefined;
};

export type EnvVarSourceInput = {
  configMapKeyRef?: KeySelectorInput | null | undefined;
  fieldRef?: ObjectFieldSelectorInput | null | undefined;
  secretKeyRef?: KeySelectorInput | null | undefined;
};

export type EventInput = {
  count?: number | null | undefined;
  firstTimestamp?: string | null | undefined;
  involvedObject: ObjectReferenceInput;
  lastTimestamp?: string | null | undefined;
  message: string;
  metadata: ObjectMetaInput;
  reason: string;
  source?: EventSourceInput | null | undefined;
  type: EventType;
};

export type EventSourceInput = {
  component?: string | null | undefined;
  host?: string | null | undefined;
};

export type EventType =
  | 'Normal'
  | 'Warning';

export type ExecActionInput = {
  command: Array<string>;
};

export type ExposableKind =
  | 'Deployment'
  | 'Pod'
  | 'ReplicationController'
  | 'Service';

export type HttpGetActionInput = {
  host?: string | null | undefined;
  httpHeaders?: Array<HttpHeaderInput> | null | undefined;
  path?: string | null | undefined;
  port: number | string;
  scheme?: string | null | undefined;
};

export type HttpHeaderInput = {
  name: string;
  value: string;
};

export type HostPathVolumeSourceInput = {
  path: string;
  type?: string | null | undefined;
};

/** The kinds setImage changes. */
export type ImageKind =
  | 'Deployment'
  | 'Pod'
  | 'ReplicationController';

export type ImagePullPolicy =
  | 'Always'
  | 'IfNotPresent'
  | 'Never';

export type KeySelectorInput = {
  key: string;
  name: string;
  optional?: boolean | null | undefined;
};

export type KeyToPathInput = {
  key: string;
  mode?: number | null | undefined;
  path: string;
};

export type KeyValueInput = {
  key: string;
  value: string;
};

export type LabelSelectorInput = {
  matchExpressions?: Array<LabelSelectorRequirementInput> | null | undefined;
  matchLabels?: Array<KeyValueInput> | null | undefined;
};

export type LabelSelectorOperator =
  | 'DoesNotExist'
  | 'Exists'
  | 'In'
  | 'NotIn';

export type LabelSelectorRequirementInput = {
  key: string;
  operator: LabelSelectorOperator;
  values?: Array<string> | null | undefined;
};

/** The kinds label and annotate change. */
export type LabelableKind =
  | 'ConfigMap'
  | 'Deployment'
  | 'Endpoints'
  | 'Event'
  | 'Lease'
  | 'Namespace'
  | 'Node'
  | 'PersistentVolumeClaim'
  | 'Pod'
  | 'ReplicationController'
  | 'Secret'
  | 'Service';

export type LeaseInput = {
  metadata: ObjectMetaInput;
  spec?: LeaseSpecInput | null | undefined;
};

export type LeaseSpecInput = {
  acquireTime?: string | null | undefined;
  holderIdentity?: string | null | undefined;
  leaseDurationSeconds?: number | null | undefined;
  renewTime?: string | null | undefined;
};

export type LocalObjectReferenceInput = {
  name: string;
};

export type NamespaceInput = {
  metadata: ObjectMetaInput;
};

export type NamespacePhase =
  | 'Active'
  | 'Terminating';

export type NodeInput = {
  metadata: ObjectMetaInput;
  spec?: NodeSpecInput | null | undefined;
};

export type NodeSpecInput = {
  podCIDR?: string | null | undefined;
  taints?: Array<TaintInput> | null | undefined;
  unschedulable?: boolean | null | undefined;
};

export type ObjectFieldSelectorInput = {
  fieldPath: string;
};

export type ObjectMetaInput = {
  annotations?: Array<KeyValueInput> | null | undefined;
  finalizers?: Array<string> | null | undefined;
  generateName?: string | null | undefined;
  labels?: Array<KeyValueInput> | null | undefined;
  name?: string | null | undefined;
  namespace?: string | null | undefined;
  ownerReferences?: Array<OwnerReferenceInput> | null | undefined;
};

export type ObjectReferenceInput = {
  kind: string;
  name: string;
  namespace?: string | null | undefined;
  resourceVersion?: string | null | undefined;
  uid?: string | null | undefined;
};

export type OwnerReferenceInput = {
  apiVersion: string;
  blockOwnerDeletion?: boolean | null | undefined;
  controller?: boolean | null | undefined;
  kind: string;
  name: string;
  uid: string;
};

export type PersistentVolumeAccessMode =
  | 'ReadOnlyMany'
  | 'ReadWriteMany'
  | 'ReadWriteOnce';

export type PersistentVolumeClaimInput = {
  metadata: ObjectMetaInput;
  spec: PersistentVolumeClaimSpecInput;
};

export type PersistentVolumeClaimPhase =
  | 'Bound'
  | 'Lost'
  | 'Pending';

export type PersistentVolumeClaimSpecInput = {
  accessModes?: Array<PersistentVolumeAccessMode> | null | undefined;
  resources?: VolumeResourceRequirementsInput | null | undefined;
  storageClassName?: string | null | undefined;
  volumeName?: string | null | undefined;
};

export type PersistentVolumeClaimVolumeSourceInput = {
  claimName: string;
  readOnly?: boolean | null | undefined;
};

export type PodInput = {
  metadata: ObjectMetaInput;
  spec: PodSpecInput;
};

export type PodPhase =
  | 'Failed'
  | 'Pending'
  | 'Running'
  | 'Succeeded'
  | 'Unknown';

export type PodSpecInput = {
  containers: Array<ContainerInput>;
  hostname?: string | null | undefined;
  imagePullSecrets?: Array<LocalObjectReferenceInput> | null | undefined;
  nodeName?: string | null | undefined;
  nodeSelector?: Array<KeyValueInput> | null | undefined;
  restartPolicy?: RestartPolicy | null | undefined;
  subdomain?: string | null | undefined;
  terminationGracePeriodSeconds?: number | null | undefined;
  tolerations?: Array<TolerationInput> | null | undefined;
  volumes?: Array<VolumeInput> | null | undefined;
};

export type PodTemplateSpecInput = {
  metadata?: TemplateMetaInput | null | undefined;
  spec: PodSpecInput;
};

export type ProbeInput = {
  exec?: ExecActionInput | null | undefined;
  failureThreshold?: number | null | undefined;
  httpGet?: HttpGetActionInput | null | undefined;
  initialDelaySeconds?: number | null | undefined;
  periodSeconds?: number | null | undefined;
  successThreshold?: number | null | undefined;
  tcpSocket?: TcpSocketActionInput | null | undefined;
  timeoutSeconds?: number | null | undefined;
};

export type PropagationPolicy =
  | 'Background'
  | 'Foreground'
  | 'Orphan';

export type Protocol =
  | 'TCP'
  | 'UDP';

export type ReplicationControllerInput = {
  metadata: ObjectMetaInput;
  spec: ReplicationControllerSpecInput;
};

export type ReplicationControllerSpecInput = {
  minReadySeconds?: number | null | undefined;
  replicas?: number | null | undefined;
  /** Default: the template labels. */
  selector?: Array<KeyValueInput> | null | undefined;
  template: PodTemplateSpecInput;
};

export type ResourceListInput = {
  cpu?: string | null | undefined;
  memory?: string | null | undefined;
};

export type ResourceRequirementsInput = {
  limits?: ResourceListInput | null | undefined;
  requests?: ResourceListInput | null | undefined;
};

export type RestartPolicy =
  | 'Always'
  | 'Never'
  | 'OnFailure';

export type RollingUpdateDeploymentInput = {
  maxSurge?: number | string | null | undefined;
  maxUnavailable?: number | string | null | undefined;
};

export type SecretInput = {
  /** Base64 values by key. */
  data?: Array<KeyValueInput> | null | undefined;
  /** Once true, data cannot change: delete and re-create instead. */
  immutable?: boolean | null | undefined;
  metadata: ObjectMetaInput;
  /** Plain-text values, merged into data on write (winning over data); never stored or returned. */
  stringData?: Array<KeyValueInput> | null | undefined;
  /** Opaque (default), kubernetes.io/dockerconfigjson, kubernetes.io/basic-auth, kubernetes.io/tls, or a domain-prefixed type of your own. Immutable. */
  type?: string | null | undefined;
};

export type SecretVolumeSourceInput = {
  defaultMode?: number | null | undefined;
  items?: Array<KeyToPathInput> | null | undefined;
  optional?: boolean | null | undefined;
  secretName: string;
};

export type ServiceInput = {
  metadata: ObjectMetaInput;
  spec: ServiceSpecInput;
};

export type ServicePortInput = {
  name?: string | null | undefined;
  nodePort?: number | null | undefined;
  port: number;
  protocol?: Protocol | null | undefined;
  targetPort?: number | string | null | undefined;
};

export type ServiceSpecInput = {
  /** Assigned when omitted; "None" makes a headless service. Immutable. */
  clusterIP?: string | null | undefined;
  loadBalancerIP?: string | null | undefined;
  ports?: Array<ServicePortInput> | null | undefined;
  selector?: Array<KeyValueInput> | null | undefined;
  sessionAffinity?: SessionAffinity | null | undefined;
  type?: ServiceType | null | undefined;
};

export type ServiceType =
  | 'ClusterIP'
  | 'LoadBalancer'
  | 'NodePort';

export type SessionAffinity =
  | 'ClientIP'
  | 'None';

export type StorageRequestInput = {
  /** A quantity such as "1Gi". */
  storage?: string | null | undefined;
};

export type TcpSocketActionInput = {
  host?: string | null | undefined;
  port: number | string;
};

export type TaintEffect =
  | 'NoExecute'
  | 'NoSchedule'
  | 'PreferNoSchedule';

export type TaintInput = {
  effect: TaintEffect;
  key: string;
  value?: string | null | undefined;
};

export type TemplateMetaInput = {
  annotations?: Array<KeyValueInput> | null | undefined;
  labels?: Array<KeyValueInput> | null | undefined;
};

export type TokenRole =
  /** Everything. */
  | 'admin'
  /** May only join a node (joinNode); kubeadm-style join token. */
  | 'bootstrap'
  /** Acts as one node: its Node, Lease, and the status of pods bound to it. */
  | 'node'
  /** Read-only. */
  | 'viewer';

export type TolerationInput = {
  effect?: TaintEffect | null | undefined;
  key?: string | null | undefined;
  operator?: string | null | undefined;
  tolerationSeconds?: number | null | undefined;
  value?: string | null | undefined;
};

export type VolumeInput = {
  configMap?: ConfigMapVolumeSourceInput | null | undefined;
  emptyDir?: EmptyDirVolumeSourceInput | null | undefined;
  hostPath?: HostPathVolumeSourceInput | null | undefined;
  name: string;
  persistentVolumeClaim?: PersistentVolumeClaimVolumeSourceInput | null | undefined;
  secret?: SecretVolumeSourceInput | null | undefined;
};

export type VolumeMountInput = {
  mountPath: string;
  name: string;
  readOnly?: boolean | null | undefined;
  subPath?: string | null | undefined;
};

export type VolumeResourceRequirementsInput = {
  requests?: StorageRequestInput | null | undefined;
};

export type WatchEventType =
  /** The object appeared (or, in a snapshot, exists). */
  | 'ADDED'
  /** End of a snapshot; resourceVersion is where to resume from. No object. */
  | 'BOOKMARK'
  /** The object is gone (or no longer matches the selectors). */
  | 'DELETED'
  /** The object changed. */
  | 'MODIFIED'
  /** The requested version is older than the change history kept: drop what you hold; a fresh snapshot follows. */
  | 'RESYNC';

export type WorkloadKind =
  | 'Deployment'
  | 'ReplicationController';

export type DashboardNodesSubscriptionVariables = Exact<{
  sinceResourceVersion?: string | null | undefined;
}>;


export type DashboardNodesSubscription = { watch: { type: WatchEventType, resourceVersion: string, object:
      | { displayStatus: string, metadata: { name: string, uid: string, creationTimestamp: string }, spec: { unschedulable: boolean | null } | null, status: { addresses: Array<{ type: string, address: string }> | null, nodeInfo: { kubeletVersion: string | null } | null } | null }
      | Record<PropertyKey, never>
     | null } };

export type DashboardPodsSubscriptionVariables = Exact<{
  sinceResourceVersion?: string | null | undefined;
}>;


export type DashboardPodsSubscription = { watch: { type: WatchEventType, resourceVersion: string, object:
      | { ready: string, restarts: number, displayStatus: string, metadata: { name: string, namespace: string | null, uid: string, creationTimestamp: string }, spec: { nodeName: string | null } | null, status: { phase: PodPhase | null, podIP: string | null } | null }
      | Record<PropertyKey, never>
     | null } };

export type DashboardDeploymentsSubscriptionVariables = Exact<{
  sinceResourceVersion?: string | null | undefined;
}>;


export type DashboardDeploymentsSubscription = { watch: { type: WatchEventType, resourceVersion: string, object:
      | { metadata: { name: string, namespace: string | null, uid: string, creationTimestamp: string }, spec: { replicas: number | null } | null, status: { replicas: number | null, updatedReplicas: number | null, readyReplicas: number | null, availableReplicas: number | null } | null }
      | Record<PropertyKey, never>
     | null } };

export type DashboardReplicationControllersSubscriptionVariables = Exact<{
  sinceResourceVersion?: string | null | undefined;
}>;


export type DashboardReplicationControllersSubscription = { watch: { type: WatchEventType, resourceVersion: string, object:
      | { metadata: { name: string, namespace: string | null, uid: string, creationTimestamp: string, ownerReferences: Array<{ kind: string, name: string }> }, spec: { replicas: number | null } | null, status: { replicas: number, readyReplicas: number | null, availableReplicas: number | null } | null }
      | Record<PropertyKey, never>
     | null } };

export type DashboardServicesSubscriptionVariables = Exact<{
  sinceResourceVersion?: string | null | undefined;
}>;


export type DashboardServicesSubscription = { watch: { type: WatchEventType, resourceVersion: string, object:
      | { metadata: { name: string, namespace: string | null, uid: string, creationTimestamp: string }, spec: { type: ServiceType | null, clusterIP: string | null, ports: Array<{ name: string | null, protocol: Protocol | null, port: number, nodePort: number | null }> | null } | null, status: { loadBalancer: { ingress: Array<{ ip: string }> } } | null }
      | Record<PropertyKey, never>
     | null } };

export type DashboardEventsSubscriptionVariables = Exact<{
  sinceResourceVersion?: string | null | undefined;
}>;


export type DashboardEventsSubscription = { watch: { type: WatchEventType, resourceVersion: string, object:
      | { type: EventType, reason: string, message: string, count: number | null, lastTimestamp: string | null, metadata: { name: string, namespace: string | null, uid: string, creationTimestamp: string }, involvedObject: { kind: string, name: string } }
      | Record<PropertyKey, never>
     | null } };

export type DashboardNamespacesSubscriptionVariables = Exact<{
  sinceResourceVersion?: string | null | undefined;
}>;


export type DashboardNamespacesSubscription = { watch: { type: WatchEventType, resourceVersion: string, object:
      | { metadata: { name: string, uid: string }, status: { phase: NamespacePhase | null } | null }
      | Record<PropertyKey, never>
     | null } };

export type DashboardPodQueryVariables = Exact<{
  namespace: string;
  name: string;
}>;


export type DashboardPodQuery = { pod: { apiVersion: string, kind: string, ready: string, restarts: number, displayStatus: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, spec: { restartPolicy: RestartPolicy | null, terminationGracePeriodSeconds: number | null, nodeName: string | null, hostname: string | null, subdomain: string | null, containers: Array<{ name: string, image: string, imagePullPolicy: ImagePullPolicy | null, command: Array<string> | null, args: Array<string> | null, workingDir: string | null, env: Array<{ name: string, value: string | null, valueFrom: { fieldRef: { fieldPath: string } | null, configMapKeyRef: { name: string, key: string, optional: boolean | null } | null, secretKeyRef: { name: string, key: string, optional: boolean | null } | null } | null }> | null, envFrom: Array<{ prefix: string | null, configMapRef: { name: string, optional: boolean | null } | null, secretRef: { name: string, optional: boolean | null } | null }> | null, ports: Array<{ name: string | null, containerPort: number, hostPort: number | null, protocol: Protocol | null }> | null, resources: { limits: { cpu: string | null, memory: string | null } | null, requests: { cpu: string | null, memory: string | null } | null } | null, volumeMounts: Array<{ name: string, mountPath: string, readOnly: boolean | null, subPath: string | null }> | null, livenessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, readinessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, startupProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null }>, volumes: Array<{ name: string, emptyDir: { medium: string | null, sizeLimit: string | null } | null, hostPath: { path: string, type: string | null } | null, persistentVolumeClaim: { claimName: string, readOnly: boolean | null } | null, configMap: { name: string, defaultMode: number | null, optional: boolean | null, items: Array<{ key: string, path: string, mode: number | null }> | null } | null, secret: { secretName: string, defaultMode: number | null, optional: boolean | null, items: Array<{ key: string, path: string, mode: number | null }> | null } | null }> | null, nodeSelector: Array<{ key: string, value: string }>, tolerations: Array<{ key: string | null, operator: string | null, value: string | null, effect: TaintEffect | null, tolerationSeconds: number | null }> | null, imagePullSecrets: Array<{ name: string }> | null } | null, status: { phase: PodPhase | null, reason: string | null, message: string | null, podIP: string | null, hostIP: string | null, startTime: string | null, conditions: Array<{ type: string, status: string, reason: string | null, message: string | null, lastTransitionTime: string | null }> | null, containerStatuses: Array<{ name: string, image: string, imageID: string | null, containerID: string | null, ready: boolean, started: boolean | null, restartCount: number, state: { waiting: { reason: string | null, message: string | null } | null, running: { startedAt: string | null } | null, terminated: { exitCode: number, reason: string | null, message: string | null, startedAt: string | null, finishedAt: string | null } | null }, lastState: { waiting: { reason: string | null, message: string | null } | null, running: { startedAt: string | null } | null, terminated: { exitCode: number, reason: string | null, message: string | null, startedAt: string | null, finishedAt: string | null } | null } | null }> | null, hostPorts: Array<{ containerPort: number, protocol: Protocol, hostIP: string, hostPort: number }> | null } | null, rootOwner:
      | { kind: string, metadata: { name: string } }
      | { kind: string, metadata: { name: string } }
      | { kind: string, metadata: { name: string } }
      | { kind: string, metadata: { name: string } }
      | { kind: string, metadata: { name: string } }
      | { kind: string, metadata: { name: string } }
      | { kind: string, metadata: { name: string } }
      | { kind: string, metadata: { name: string } }
      | { kind: string, metadata: { name: string } }
      | { kind: string, metadata: { name: string } }
      | { kind: string, metadata: { name: string } }
      | { kind: string, metadata: { name: string } }
     | null, events: Array<{ apiVersion: string, kind: string, reason: string, message: string, type: EventType, count: number | null, firstTimestamp: string | null, lastTimestamp: string | null, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, involvedObject: { kind: string, name: string, namespace: string | null, uid: string | null, resourceVersion: string | null }, source: { component: string | null, host: string | null } | null }> } | null };

export type DashboardNodeQueryVariables = Exact<{
  name: string;
}>;


export type DashboardNodeQuery = { node: { apiVersion: string, kind: string, displayStatus: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, spec: { unschedulable: boolean | null, podCIDR: string | null, taints: Array<{ key: string, value: string | null, effect: TaintEffect, timeAdded: string | null }> | null } | null, status: { capacity: { cpu: string | null, memory: string | null, pods: string | null } | null, allocatable: { cpu: string | null, memory: string | null, pods: string | null } | null, addresses: Array<{ type: string, address: string }> | null, conditions: Array<{ type: string, status: string, reason: string | null, message: string | null, lastHeartbeatTime: string | null, lastTransitionTime: string | null }> | null, nodeInfo: { containerRuntimeVersion: string | null, kubeletVersion: string | null, operatingSystem: string | null, architecture: string | null } | null } | null, events: Array<{ apiVersion: string, kind: string, reason: string, message: string, type: EventType, count: number | null, firstTimestamp: string | null, lastTimestamp: string | null, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, involvedObject: { kind: string, name: string, namespace: string | null, uid: string | null, resourceVersion: string | null }, source: { component: string | null, host: string | null } | null }> } | null };

export type DashboardPodLogsSubscriptionVariables = Exact<{
  namespace: string;
  name: string;
  container: string;
  tailLines?: number | null | undefined;
}>;


export type DashboardPodLogsSubscription = { podLogs: { container: string, text: string, timestamp: string | null } };

export type DashboardApplyMutationVariables = Exact<{
  manifest: string;
  namespace?: string | null | undefined;
  dryRun?: boolean | null | undefined;
}>;


export type DashboardApplyMutation = { apply: Array<{ index: number, kind: string, namespace: string | null, name: string, action: ApplyAction, diff: string }> };

export type DashboardRolloutRestartMutationVariables = Exact<{
  namespace: string;
  name: string;
}>;


export type DashboardRolloutRestartMutation = { rolloutRestart: { metadata: { name: string, namespace: string | null } } };

export type KeyValueFieldsFragment = { key: string, value: string };

export type ObjectMetaFieldsFragment = { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> };

export type ProbeFieldsFragment = { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null };

export type ContainerFieldsFragment = { name: string, image: string, imagePullPolicy: ImagePullPolicy | null, command: Array<string> | null, args: Array<string> | null, workingDir: string | null, env: Array<{ name: string, value: string | null, valueFrom: { fieldRef: { fieldPath: string } | null, configMapKeyRef: { name: string, key: string, optional: boolean | null } | null, secretKeyRef: { name: string, key: string, optional: boolean | null } | null } | null }> | null, envFrom: Array<{ prefix: string | null, configMapRef: { name: string, optional: boolean | null } | null, secretRef: { name: string, optional: boolean | null } | null }> | null, ports: Array<{ name: string | null, containerPort: number, hostPort: number | null, protocol: Protocol | null }> | null, resources: { limits: { cpu: string | null, memory: string | null } | null, requests: { cpu: string | null, memory: string | null } | null } | null, volumeMounts: Array<{ name: string, mountPath: string, readOnly: boolean | null, subPath: string | null }> | null, livenessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, readinessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, startupProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null };

export type PodSpecFieldsFragment = { restartPolicy: RestartPolicy | null, terminationGracePeriodSeconds: number | null, nodeName: string | null, hostname: string | null, subdomain: string | null, containers: Array<{ name: string, image: string, imagePullPolicy: ImagePullPolicy | null, command: Array<string> | null, args: Array<string> | null, workingDir: string | null, env: Array<{ name: string, value: string | null, valueFrom: { fieldRef: { fieldPath: string } | null, configMapKeyRef: { name: string, key: string, optional: boolean | null } | null, secretKeyRef: { name: string, key: string, optional: boolean | null } | null } | null }> | null, envFrom: Array<{ prefix: string | null, configMapRef: { name: string, optional: boolean | null } | null, secretRef: { name: string, optional: boolean | null } | null }> | null, ports: Array<{ name: string | null, containerPort: number, hostPort: number | null, protocol: Protocol | null }> | null, resources: { limits: { cpu: string | null, memory: string | null } | null, requests: { cpu: string | null, memory: string | null } | null } | null, volumeMounts: Array<{ name: string, mountPath: string, readOnly: boolean | null, subPath: string | null }> | null, livenessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, readinessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, startupProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null }>, volumes: Array<{ name: string, emptyDir: { medium: string | null, sizeLimit: string | null } | null, hostPath: { path: string, type: string | null } | null, persistentVolumeClaim: { claimName: string, readOnly: boolean | null } | null, configMap: { name: string, defaultMode: number | null, optional: boolean | null, items: Array<{ key: string, path: string, mode: number | null }> | null } | null, secret: { secretName: string, defaultMode: number | null, optional: boolean | null, items: Array<{ key: string, path: string, mode: number | null }> | null } | null }> | null, nodeSelector: Array<{ key: string, value: string }>, tolerations: Array<{ key: string | null, operator: string | null, value: string | null, effect: TaintEffect | null, tolerationSeconds: number | null }> | null, imagePullSecrets: Array<{ name: string }> | null };

export type PodTemplateFieldsFragment = { metadata: { labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }> }, spec: { restartPolicy: RestartPolicy | null, terminationGracePeriodSeconds: number | null, nodeName: string | null, hostname: string | null, subdomain: string | null, containers: Array<{ name: string, image: string, imagePullPolicy: ImagePullPolicy | null, command: Array<string> | null, args: Array<string> | null, workingDir: string | null, env: Array<{ name: string, value: string | null, valueFrom: { fieldRef: { fieldPath: string } | null, configMapKeyRef: { name: string, key: string, optional: boolean | null } | null, secretKeyRef: { name: string, key: string, optional: boolean | null } | null } | null }> | null, envFrom: Array<{ prefix: string | null, configMapRef: { name: string, optional: boolean | null } | null, secretRef: { name: string, optional: boolean | null } | null }> | null, ports: Array<{ name: string | null, containerPort: number, hostPort: number | null, protocol: Protocol | null }> | null, resources: { limits: { cpu: string | null, memory: string | null } | null, requests: { cpu: string | null, memory: string | null } | null } | null, volumeMounts: Array<{ name: string, mountPath: string, readOnly: boolean | null, subPath: string | null }> | null, livenessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, readinessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, startupProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null }>, volumes: Array<{ name: string, emptyDir: { medium: string | null, sizeLimit: string | null } | null, hostPath: { path: string, type: string | null } | null, persistentVolumeClaim: { claimName: string, readOnly: boolean | null } | null, configMap: { name: string, defaultMode: number | null, optional: boolean | null, items: Array<{ key: string, path: string, mode: number | null }> | null } | null, secret: { secretName: string, defaultMode: number | null, optional: boolean | null, items: Array<{ key: string, path: string, mode: number | null }> | null } | null }> | null, nodeSelector: Array<{ key: string, value: string }>, tolerations: Array<{ key: string | null, operator: string | null, value: string | null, effect: TaintEffect | null, tolerationSeconds: number | null }> | null, imagePullSecrets: Array<{ name: string }> | null } };

export type ContainerStateFieldsFragment = { waiting: { reason: string | null, message: string | null } | null, running: { startedAt: string | null } | null, terminated: { exitCode: number, reason: string | null, message: string | null, startedAt: string | null, finishedAt: string | null } | null };

export type PodFieldsFragment = { apiVersion: string, kind: string, ready: string, restarts: number, displayStatus: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, spec: { restartPolicy: RestartPolicy | null, terminationGracePeriodSeconds: number | null, nodeName: string | null, hostname: string | null, subdomain: string | null, containers: Array<{ name: string, image: string, imagePullPolicy: ImagePullPolicy | null, command: Array<string> | null, args: Array<string> | null, workingDir: string | null, env: Array<{ name: string, value: string | null, valueFrom: { fieldRef: { fieldPath: string } | null, configMapKeyRef: { name: string, key: string, optional: boolean | null } | null, secretKeyRef: { name: string, key: string, optional: boolean | null } | null } | null }> | null, envFrom: Array<{ prefix: string | null, configMapRef: { name: string, optional: boolean | null } | null, secretRef: { name: string, optional: boolean | null } | null }> | null, ports: Array<{ name: string | null, containerPort: number, hostPort: number | null, protocol: Protocol | null }> | null, resources: { limits: { cpu: string | null, memory: string | null } | null, requests: { cpu: string | null, memory: string | null } | null } | null, volumeMounts: Array<{ name: string, mountPath: string, readOnly: boolean | null, subPath: string | null }> | null, livenessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, readinessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, startupProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null }>, volumes: Array<{ name: string, emptyDir: { medium: string | null, sizeLimit: string | null } | null, hostPath: { path: string, type: string | null } | null, persistentVolumeClaim: { claimName: string, readOnly: boolean | null } | null, configMap: { name: string, defaultMode: number | null, optional: boolean | null, items: Array<{ key: string, path: string, mode: number | null }> | null } | null, secret: { secretName: string, defaultMode: number | null, optional: boolean | null, items: Array<{ key: string, path: string, mode: number | null }> | null } | null }> | null, nodeSelector: Array<{ key: string, value: string }>, tolerations: Array<{ key: string | null, operator: string | null, value: string | null, effect: TaintEffect | null, tolerationSeconds: number | null }> | null, imagePullSecrets: Array<{ name: string }> | null } | null, status: { phase: PodPhase | null, reason: string | null, message: string | null, podIP: string | null, hostIP: string | null, startTime: string | null, conditions: Array<{ type: string, status: string, reason: string | null, message: string | null, lastTransitionTime: string | null }> | null, containerStatuses: Array<{ name: string, image: string, imageID: string | null, containerID: string | null, ready: boolean, started: boolean | null, restartCount: number, state: { waiting: { reason: string | null, message: string | null } | null, running: { startedAt: string | null } | null, terminated: { exitCode: number, reason: string | null, message: string | null, startedAt: string | null, finishedAt: string | null } | null }, lastState: { waiting: { reason: string | null, message: string | null } | null, running: { startedAt: string | null } | null, terminated: { exitCode: number, reason: string | null, message: string | null, startedAt: string | null, finishedAt: string | null } | null } | null }> | null, hostPorts: Array<{ containerPort: number, protocol: Protocol, hostIP: string, hostPort: number }> | null } | null };

export type ReplicationControllerFieldsFragment = { apiVersion: string, kind: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, spec: { replicas: number | null, minReadySeconds: number | null, selector: Array<{ key: string, value: string }>, template: { metadata: { labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }> }, spec: { restartPolicy: RestartPolicy | null, terminationGracePeriodSeconds: number | null, nodeName: string | null, hostname: string | null, subdomain: string | null, containers: Array<{ name: string, image: string, imagePullPolicy: ImagePullPolicy | null, command: Array<string> | null, args: Array<string> | null, workingDir: string | null, env: Array<{ name: string, value: string | null, valueFrom: { fieldRef: { fieldPath: string } | null, configMapKeyRef: { name: string, key: string, optional: boolean | null } | null, secretKeyRef: { name: string, key: string, optional: boolean | null } | null } | null }> | null, envFrom: Array<{ prefix: string | null, configMapRef: { name: string, optional: boolean | null } | null, secretRef: { name: string, optional: boolean | null } | null }> | null, ports: Array<{ name: string | null, containerPort: number, hostPort: number | null, protocol: Protocol | null }> | null, resources: { limits: { cpu: string | null, memory: string | null } | null, requests: { cpu: string | null, memory: string | null } | null } | null, volumeMounts: Array<{ name: string, mountPath: string, readOnly: boolean | null, subPath: string | null }> | null, livenessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, readinessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, startupProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null }>, volumes: Array<{ name: string, emptyDir: { medium: string | null, sizeLimit: string | null } | null, hostPath: { path: string, type: string | null } | null, persistentVolumeClaim: { claimName: string, readOnly: boolean | null } | null, configMap: { name: string, defaultMode: number | null, optional: boolean | null, items: Array<{ key: string, path: string, mode: number | null }> | null } | null, secret: { secretName: string, defaultMode: number | null, optional: boolean | null, items: Array<{ key: string, path: string, mode: number | null }> | null } | null }> | null, nodeSelector: Array<{ key: string, value: string }>, tolerations: Array<{ key: string | null, operator: string | null, value: string | null, effect: TaintEffect | null, tolerationSeconds: number | null }> | null, imagePullSecrets: Array<{ name: string }> | null } } } | null, status: { replicas: number, fullyLabeledReplicas: number | null, readyReplicas: number | null, availableReplicas: number | null, observedGeneration: number | null, conditions: Array<{ type: string, status: string, reason: string | null, message: string | null, lastTransitionTime: string | null }> | null } | null };

export type DeploymentFieldsFragment = { apiVersion: string, kind: string, revision: number | null, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, spec: { replicas: number | null, minReadySeconds: number | null, revisionHistoryLimit: number | null, progressDeadlineSeconds: number | null, paused: boolean | null, selector: { matchLabels: Array<{ key: string, value: string }>, matchExpressions: Array<{ key: string, operator: LabelSelectorOperator, values: Array<string> | null }> | null }, template: { metadata: { labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }> }, spec: { restartPolicy: RestartPolicy | null, terminationGracePeriodSeconds: number | null, nodeName: string | null, hostname: string | null, subdomain: string | null, containers: Array<{ name: string, image: string, imagePullPolicy: ImagePullPolicy | null, command: Array<string> | null, args: Array<string> | null, workingDir: string | null, env: Array<{ name: string, value: string | null, valueFrom: { fieldRef: { fieldPath: string } | null, configMapKeyRef: { name: string, key: string, optional: boolean | null } | null, secretKeyRef: { name: string, key: string, optional: boolean | null } | null } | null }> | null, envFrom: Array<{ prefix: string | null, configMapRef: { name: string, optional: boolean | null } | null, secretRef: { name: string, optional: boolean | null } | null }> | null, ports: Array<{ name: string | null, containerPort: number, hostPort: number | null, protocol: Protocol | null }> | null, resources: { limits: { cpu: string | null, memory: string | null } | null, requests: { cpu: string | null, memory: string | null } | null } | null, volumeMounts: Array<{ name: string, mountPath: string, readOnly: boolean | null, subPath: string | null }> | null, livenessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, readinessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, startupProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null }>, volumes: Array<{ name: string, emptyDir: { medium: string | null, sizeLimit: string | null } | null, hostPath: { path: string, type: string | null } | null, persistentVolumeClaim: { claimName: string, readOnly: boolean | null } | null, configMap: { name: string, defaultMode: number | null, optional: boolean | null, items: Array<{ key: string, path: string, mode: number | null }> | null } | null, secret: { secretName: string, defaultMode: number | null, optional: boolean | null, items: Array<{ key: string, path: string, mode: number | null }> | null } | null }> | null, nodeSelector: Array<{ key: string, value: string }>, tolerations: Array<{ key: string | null, operator: string | null, value: string | null, effect: TaintEffect | null, tolerationSeconds: number | null }> | null, imagePullSecrets: Array<{ name: string }> | null } }, strategy: { type: DeploymentStrategyType | null, rollingUpdate: { maxSurge: number | string | null, maxUnavailable: number | string | null } | null } | null } | null, status: { observedGeneration: number | null, replicas: number | null, updatedReplicas: number | null, readyReplicas: number | null, availableReplicas: number | null, unavailableReplicas: number | null, conditions: Array<{ type: string, status: string, reason: string | null, message: string | null, lastUpdateTime: string | null, lastTransitionTime: string | null }> | null } | null };

export type ServiceFieldsFragment = { apiVersion: string, kind: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, spec: { type: ServiceType | null, clusterIP: string | null, sessionAffinity: SessionAffinity | null, loadBalancerIP: string | null, selector: Array<{ key: string, value: string }>, ports: Array<{ name: string | null, protocol: Protocol | null, port: number, targetPort: number | string | null, nodePort: number | null }> | null } | null, status: { loadBalancer: { ingress: Array<{ ip: string }> } } | null };

export type EndpointAddressFieldsFragment = { ip: string, hostname: string | null, nodeName: string | null, targetRef: { kind: string, name: string, namespace: string, uid: string } | null };

export type EndpointsFieldsFragment = { apiVersion: string, kind: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, subsets: Array<{ addresses: Array<{ ip: string, hostname: string | null, nodeName: string | null, targetRef: { kind: string, name: string, namespace: string, uid: string } | null }>, notReadyAddresses: Array<{ ip: string, hostname: string | null, nodeName: string | null, targetRef: { kind: string, name: string, namespace: string, uid: string } | null }>, ports: Array<{ name: string | null, port: number, protocol: Protocol | null }> }> };

export type NodeFieldsFragment = { apiVersion: string, kind: string, displayStatus: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, spec: { unschedulable: boolean | null, podCIDR: string | null, taints: Array<{ key: string, value: string | null, effect: TaintEffect, timeAdded: string | null }> | null } | null, status: { capacity: { cpu: string | null, memory: string | null, pods: string | null } | null, allocatable: { cpu: string | null, memory: string | null, pods: string | null } | null, addresses: Array<{ type: string, address: string }> | null, conditions: Array<{ type: string, status: string, reason: string | null, message: string | null, lastHeartbeatTime: string | null, lastTransitionTime: string | null }> | null, nodeInfo: { containerRuntimeVersion: string | null, kubeletVersion: string | null, operatingSystem: string | null, architecture: string | null } | null } | null };

export type NamespaceFieldsFragment = { apiVersion: string, kind: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, status: { phase: NamespacePhase | null } | null };

export type EventFieldsFragment = { apiVersion: string, kind: string, reason: string, message: string, type: EventType, count: number | null, firstTimestamp: string | null, lastTimestamp: string | null, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, involvedObject: { kind: string, name: string, namespace: string | null, uid: string | null, resourceVersion: string | null }, source: { component: string | null, host: string | null } | null };

export type PersistentVolumeClaimFieldsFragment = { apiVersion: string, kind: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, spec: { accessModes: Array<PersistentVolumeAccessMode> | null, storageClassName: string | null, volumeName: string | null, resources: { requests: { storage: string | null } | null } | null } | null, status: { phase: PersistentVolumeClaimPhase | null } | null };

export type ConfigMapFieldsFragment = { apiVersion: string, kind: string, immutable: boolean | null, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, data: Array<{ key: string, value: string }>, binaryData: Array<{ key: string, value: string }> };

export type SecretFieldsFragment = { apiVersion: string, kind: string, type: string, immutable: boolean | null, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, data: Array<{ key: string, value: string }> };

export type LeaseFieldsFragment = { apiVersion: string, kind: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, spec: { holderIdentity: string | null, leaseDurationSeconds: number | null, acquireTime: string | null, renewTime: string | null } | null };

export type CreatePodMutationVariables = Exact<{
  pod: PodInput;
  dryRun?: boolean | null | undefined;
}>;


export type CreatePodMutation = { createPod: { kind: string, metadata: { name: string, namespace: string | null } } };

export type DeletePodMutationVariables = Exact<{
  namespace: string;
  name: string;
  propagationPolicy?: PropagationPolicy | null | undefined;
  gracePeriodSeconds?: number | null | undefined;
  dryRun?: boolean | null | undefined;
}>;


export type DeletePodMutation = { deletePod: { kind: string, metadata: { name: string, namespace: string | null } } };

export type CreateReplicationControllerMutationVariables = Exact<{
  replicationController: ReplicationControllerInput;
  dryRun?: boolean | null | undefined;
}>;


export type CreateReplicationControllerMutation = { createReplicationController: { kind: string, metadata: { name: string, namespace: string | null } } };

export type DeleteReplicationControllerMutationVariables = Exact<{
  namespace: string;
  name: string;
  propagationPolicy?: PropagationPolicy | null | undefined;
  gracePeriodSeconds?: number | null | undefined;
  dryRun?: boolean | null | undefined;
}>;


export type DeleteReplicationControllerMutation = { deleteReplicationController: { kind: string, metadata: { name: string, namespace: string | null } } };

export type CreateDeploymentMutationVariables = Exact<{
  deployment: DeploymentInput;
  dryRun?: boolean | null | undefined;
}>;


export type CreateDeploymentMutation = { createDeployment: { kind: string, metadata: { name: string, namespace: string | null } } };

export type DeleteDeploymentMutationVariables = Exact<{
  namespace: string;
  name: string;
  propagationPolicy?: PropagationPolicy | null | undefined;
  gracePeriodSeconds?: number | null | undefined;
  dryRun?: boolean | null | undefined;
}>;


export type DeleteDeploymentMutation = { deleteDeployment: { kind: string, metadata: { name: string, namespace: string | null } } };

export type CreateServiceMutationVariables = Exact<{
  service: ServiceInput;
  dryRun?: boolean | null | undefined;
}>;


export type CreateServiceMutation = { createService: { kind: string, metadata: { name: string, namespace: string | null } } };

export type DeleteServiceMutationVariables = Exact<{
  namespace: string;
  name: string;
  propagationPolicy?: PropagationPolicy | null | undefined;
  gracePeriodSeconds?: number | null | undefined;
  dryRun?: boolean | null | undefined;
}>;


export type DeleteServiceMutation = { deleteService: { kind: string, metadata: { name: string, namespace: string | null } } };

export type CreateEndpointsMutationVariables = Exact<{
  endpoints: EndpointsInput;
  dryRun?: boolean | null | undefined;
}>;


export type CreateEndpointsMutation = { createEndpoints: { kind: string, metadata: { name: string, namespace: string | null } } };

export type DeleteEndpointsMutationVariables = Exact<{
  namespace: string;
  name: string;
  propagationPolicy?: PropagationPolicy | null | undefined;
  gracePeriodSeconds?: number | null | undefined;
  dryRun?: boolean | null | undefined;
}>;


export type DeleteEndpointsMutation = { deleteEndpoints: { kind: string, metadata: { name: string, namespace: string | null } } };

export type DeleteNodeMutationVariables = Exact<{
  name: string;
  propagationPolicy?: PropagationPolicy | null | undefined;
  gracePeriodSeconds?: number | null | undefined;
  dryRun?: boolean | null | undefined;
}>;


export type DeleteNodeMutation = { deleteNode: { kind: string, metadata: { name: string, namespace: string | null } } };

export type CreateNamespaceMutationVariables = Exact<{
  namespace: NamespaceInput;
  dryRun?: boolean | null | undefined;
}>;


export type CreateNamespaceMutation = { createNamespace: { kind: string, metadata: { name: string, namespace: string | null } } };

export type DeleteNamespaceMutationVariables = Exact<{
  name: string;
  propagationPolicy?: PropagationPolicy | null | undefined;
  gracePeriodSeconds?: number | null | undefined;
  dryRun?: boolean | null | undefined;
}>;


export type DeleteNamespaceMutation = { deleteNamespace: { kind: string, metadata: { name: string, namespace: string | null } } };

export type DeleteEventMutationVariables = Exact<{
  namespace: string;
  name: string;
  propagationPolicy?: PropagationPolicy | null | undefined;
  gracePeriodSeconds?: number | null | undefined;
  dryRun?: boolean | null | undefined;
}>;


export type DeleteEventMutation = { deleteEvent: { kind: string, metadata: { name: string, namespace: string | null } } };

export type CreatePersistentVolumeClaimMutationVariables = Exact<{
  persistentVolumeClaim: PersistentVolumeClaimInput;
  dryRun?: boolean | null | undefined;
}>;


export type CreatePersistentVolumeClaimMutation = { createPersistentVolumeClaim: { kind: string, metadata: { name: string, namespace: string | null } } };

export type DeletePersistentVolumeClaimMutationVariables = Exact<{
  namespace: string;
  name: string;
  propagationPolicy?: PropagationPolicy | null | undefined;
  gracePeriodSeconds?: number | null | undefined;
  dryRun?: boolean | null | undefined;
}>;


export type DeletePersistentVolumeClaimMutation = { deletePersistentVolumeClaim: { kind: string, metadata: { name: string, namespace: string | null } } };

export type UpdatePodMutationVariables = Exact<{
  pod: PodInput;
  expectedResourceVersion?: string | null | undefined;
  dryRun?: boolean | null | undefined;
}>;


export type UpdatePodMutation = { updatePod: { kind: string, metadata: { name: string, namespace: string | null, resourceVersion: string } } };

export type UpdateReplicationControllerMutationVariables = Exact<{
  replicationController: ReplicationControllerInput;
  expectedResourceVersion?: string | null | undefined;
  dryRun?: boolean | null | undefined;
}>;


export type UpdateReplicationControllerMutation = { updateReplicationController: { kind: string, metadata: { name: string, namespace: string | null, resourceVersion: string } } };

export type UpdateServiceMutationVariables = Exact<{
  service: ServiceInput;
  expectedResourceVersion?: string | null | undefined;
  dryRun?: boolean | null | undefined;
}>;


export type UpdateServiceMutation = { updateService: { kind: string, metadata: { name: string, namespace: string | null, resourceVersion: string } } };

export type UpdateEndpointsMutationVariables = Exact<{
  endpoints: EndpointsInput;
  expectedResourceVersion?: string | null | undefined;
  dryRun?: boolean | null | undefined;
}>;


export type UpdateEndpointsMutation = { updateEndpoints: { kind: string, metadata: { name: string, namespace: string | null, resourceVersion: string } } };

export type UpdateNodeMutationVariables = Exact<{
  node: NodeInput;
  expectedResourceVersion?: string | null | undefined;
  dryRun?: boolean | null | undefined;
}>;


export type UpdateNodeMutation = { updateNode: { kind: string, metadata: { name: string, namespace: string | null, resourceVersion: string } } };

export type UpdateNamespaceMutationVariables = Exact<{
  namespace: NamespaceInput;
  expectedResourceVersion?: string | null | undefined;
  dryRun?: boolean | null | undefined;
}>;


export type UpdateNamespaceMutation = { updateNamespace: { kind: string, metadata: { name: string, namespace: string | null, resourceVersion: string } } };

export type UpdateEventMutationVariables = Exact<{
  event: EventInput;
  expectedResourceVersion?: string | null | undefined;
  dryRun?: boolean | null | undefined;
}>;


export type UpdateEventMutation = { updateEvent: { kind: string, metadata: { name: string, namespace: string | null, resourceVersion: string } } };

export type UpdatePersistentVolumeClaimMutationVariables = Exact<{
  persistentVolumeClaim: PersistentVolumeClaimInput;
  expectedResourceVersion?: string | null | undefined;
  dryRun?: boolean | null | undefined;
}>;


export type UpdatePersistentVolumeClaimMutation = { updatePersistentVolumeClaim: { kind: string, metadata: { name: string, namespace: string | null, resourceVersion: string } } };

export type CreateConfigMapMutationVariables = Exact<{
  configMap: ConfigMapInput;
  dryRun?: boolean | null | undefined;
}>;


export type CreateConfigMapMutation = { createConfigMap: { kind: string, metadata: { name: string, namespace: string | null } } };

export type CreateSecretMutationVariables = Exact<{
  secret: SecretInput;
  dryRun?: boolean | null | undefined;
}>;


export type CreateSecretMutation = { createSecret: { kind: string, metadata: { name: string, namespace: string | null } } };

export type DeleteConfigMapMutationVariables = Exact<{
  namespace: string;
  name: string;
  propagationPolicy?: PropagationPolicy | null | undefined;
  gracePeriodSeconds?: number | null | undefined;
  dryRun?: boolean | null | undefined;
}>;


export type DeleteConfigMapMutation = { deleteConfigMap: { kind: string, metadata: { name: string, namespace: string | null } } };

export type DeleteSecretMutationVariables = Exact<{
  namespace: string;
  name: string;
  propagationPolicy?: PropagationPolicy | null | undefined;
  gracePeriodSeconds?: number | null | undefined;
  dryRun?: boolean | null | undefined;
}>;


export type DeleteSecretMutation = { deleteSecret: { kind: string, metadata: { name: string, namespace: string | null } } };

export type UpdateConfigMapMutationVariables = Exact<{
  configMap: ConfigMapInput;
  expectedResourceVersion?: string | null | undefined;
  dryRun?: boolean | null | undefined;
}>;


export type UpdateConfigMapMutation = { updateConfigMap: { kind: string, metadata: { name: string, namespace: string | null, resourceVersion: string } } };

export type UpdateSecretMutationVariables = Exact<{
  secret: SecretInput;
  expectedResourceVersion?: string | null | undefined;
  dryRun?: boolean | null | undefined;
}>;


export type UpdateSecretMutation = { updateSecret: { kind: string, metadata: { name: string, namespace: string | null, resourceVersion: string } } };

export type CreateLeaseMutationVariables = Exact<{
  lease: LeaseInput;
  dryRun?: boolean | null | undefined;
}>;


export type CreateLeaseMutation = { createLease: { kind: string, metadata: { name: string, namespace: string | null } } };

export type UpdateLeaseMutationVariables = Exact<{
  lease: LeaseInput;
  expectedResourceVersion?: string | null | undefined;
  dryRun?: boolean | null | undefined;
}>;


export type UpdateLeaseMutation = { updateLease: { kind: string, metadata: { name: string, namespace: string | null, resourceVersion: string } } };

export type DeleteLeaseMutationVariables = Exact<{
  namespace: string;
  name: string;
  propagationPolicy?: PropagationPolicy | null | undefined;
  gracePeriodSeconds?: number | null | undefined;
  dryRun?: boolean | null | undefined;
}>;


export type DeleteLeaseMutation = { deleteLease: { kind: string, metadata: { name: string, namespace: string | null } } };

export type ListPodsQueryVariables = Exact<{
  namespace?: string | null | undefined;
  allNamespaces?: boolean | null | undefined;
  labelSelector?: string | null | undefined;
  fieldSelector?: string | null | undefined;
}>;


export type ListPodsQuery = { pods: { resourceVersion: string, items: Array<{ apiVersion: string, kind: string, ready: string, restarts: number, displayStatus: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, spec: { restartPolicy: RestartPolicy | null, terminationGracePeriodSeconds: number | null, nodeName: string | null, hostname: string | null, subdomain: string | null, containers: Array<{ name: string, image: string, imagePullPolicy: ImagePullPolicy | null, command: Array<string> | null, args: Array<string> | null, workingDir: string | null, env: Array<{ name: string, value: string | null, valueFrom: { fieldRef: { fieldPath: string } | null, configMapKeyRef: { name: string, key: string, optional: boolean | null } | null, secretKeyRef: { name: string, key: string, optional: boolean | null } | null } | null }> | null, envFrom: Array<{ prefix: string | null, configMapRef: { name: string, optional: boolean | null } | null, secretRef: { name: string, optional: boolean | null } | null }> | null, ports: Array<{ name: string | null, containerPort: number, hostPort: number | null, protocol: Protocol | null }> | null, resources: { limits: { cpu: string | null, memory: string | null } | null, requests: { cpu: string | null, memory: string | null } | null } | null, volumeMounts: Array<{ name: string, mountPath: string, readOnly: boolean | null, subPath: string | null }> | null, livenessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, readinessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, startupProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null }>, volumes: Array<{ name: string, emptyDir: { medium: string | null, sizeLimit: string | null } | null, hostPath: { path: string, type: string | null } | null, persistentVolumeClaim: { claimName: string, readOnly: boolean | null } | null, configMap: { name: string, defaultMode: number | null, optional: boolean | null, items: Array<{ key: string, path: string, mode: number | null }> | null } | null, secret: { secretName: string, defaultMode: number | null, optional: boolean | null, items: Array<{ key: string, path: string, mode: number | null }> | null } | null }> | null, nodeSelector: Array<{ key: string, value: string }>, tolerations: Array<{ key: string | null, operator: string | null, value: string | null, effect: TaintEffect | null, tolerationSeconds: number | null }> | null, imagePullSecrets: Array<{ name: string }> | null } | null, status: { phase: PodPhase | null, reason: string | null, message: string | null, podIP: string | null, hostIP: string | null, startTime: string | null, conditions: Array<{ type: string, status: string, reason: string | null, message: string | null, lastTransitionTime: string | null }> | null, containerStatuses: Array<{ name: string, image: string, imageID: string | null, containerID: string | null, ready: boolean, started: boolean | null, restartCount: number, state: { waiting: { reason: string | null, message: string | null } | null, running: { startedAt: string | null } | null, terminated: { exitCode: number, reason: string | null, message: string | null, startedAt: string | null, finishedAt: string | null } | null }, lastState: { waiting: { reason: string | null, message: string | null } | null, running: { startedAt: string | null } | null, terminated: { exitCode: number, reason: string | null, message: string | null, startedAt: string | null, finishedAt: string | null } | null } | null }> | null, hostPorts: Array<{ containerPort: number, protocol: Protocol, hostIP: string, hostPort: number }> | null } | null }> } };

export type GetPodQueryVariables = Exact<{
  namespace: string;
  name: string;
}>;


export type GetPodQuery = { pod: { apiVersion: string, kind: string, ready: string, restarts: number, displayStatus: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, spec: { restartPolicy: RestartPolicy | null, terminationGracePeriodSeconds: number | null, nodeName: string | null, hostname: string | null, subdomain: string | null, containers: Array<{ name: string, image: string, imagePullPolicy: ImagePullPolicy | null, command: Array<string> | null, args: Array<string> | null, workingDir: string | null, env: Array<{ name: string, value: string | null, valueFrom: { fieldRef: { fieldPath: string } | null, configMapKeyRef: { name: string, key: string, optional: boolean | null } | null, secretKeyRef: { name: string, key: string, optional: boolean | null } | null } | null }> | null, envFrom: Array<{ prefix: string | null, configMapRef: { name: string, optional: boolean | null } | null, secretRef: { name: string, optional: boolean | null } | null }> | null, ports: Array<{ name: string | null, containerPort: number, hostPort: number | null, protocol: Protocol | null }> | null, resources: { limits: { cpu: string | null, memory: string | null } | null, requests: { cpu: string | null, memory: string | null } | null } | null, volumeMounts: Array<{ name: string, mountPath: string, readOnly: boolean | null, subPath: string | null }> | null, livenessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, readinessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, startupProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null }>, volumes: Array<{ name: string, emptyDir: { medium: string | null, sizeLimit: string | null } | null, hostPath: { path: string, type: string | null } | null, persistentVolumeClaim: { claimName: string, readOnly: boolean | null } | null, configMap: { name: string, defaultMode: number | null, optional: boolean | null, items: Array<{ key: string, path: string, mode: number | null }> | null } | null, secret: { secretName: string, defaultMode: number | null, optional: boolean | null, items: Array<{ key: string, path: string, mode: number | null }> | null } | null }> | null, nodeSelector: Array<{ key: string, value: string }>, tolerations: Array<{ key: string | null, operator: string | null, value: string | null, effect: TaintEffect | null, tolerationSeconds: number | null }> | null, imagePullSecrets: Array<{ name: string }> | null } | null, status: { phase: PodPhase | null, reason: string | null, message: string | null, podIP: string | null, hostIP: string | null, startTime: string | null, conditions: Array<{ type: string, status: string, reason: string | null, message: string | null, lastTransitionTime: string | null }> | null, containerStatuses: Array<{ name: string, image: string, imageID: string | null, containerID: string | null, ready: boolean, started: boolean | null, restartCount: number, state: { waiting: { reason: string | null, message: string | null } | null, running: { startedAt: string | null } | null, terminated: { exitCode: number, reason: string | null, message: string | null, startedAt: string | null, finishedAt: string | null } | null }, lastState: { waiting: { reason: string | null, message: string | null } | null, running: { startedAt: string | null } | null, terminated: { exitCode: number, reason: string | null, message: string | null, startedAt: string | null, finishedAt: string | null } | null } | null }> | null, hostPorts: Array<{ containerPort: number, protocol: Protocol, hostIP: string, hostPort: number }> | null } | null } | null };

export type ListReplicationControllersQueryVariables = Exact<{
  namespace?: string | null | undefined;
  allNamespaces?: boolean | null | undefined;
  labelSelector?: string | null | undefined;
  fieldSelector?: string | null | undefined;
}>;


export type ListReplicationControllersQuery = { replicationControllers: { resourceVersion: string, items: Array<{ apiVersion: string, kind: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, spec: { replicas: number | null, minReadySeconds: number | null, selector: Array<{ key: string, value: string }>, template: { metadata: { labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }> }, spec: { restartPolicy: RestartPolicy | null, terminationGracePeriodSeconds: number | null, nodeName: string | null, hostname: string | null, subdomain: string | null, containers: Array<{ name: string, image: string, imagePullPolicy: ImagePullPolicy | null, command: Array<string> | null, args: Array<string> | null, workingDir: string | null, env: Array<{ name: string, value: string | null, valueFrom: { fieldRef: { fieldPath: string } | null, configMapKeyRef: { name: string, key: string, optional: boolean | null } | null, secretKeyRef: { name: string, key: string, optional: boolean | null } | null } | null }> | null, envFrom: Array<{ prefix: string | null, configMapRef: { name: string, optional: boolean | null } | null, secretRef: { name: string, optional: boolean | null } | null }> | null, ports: Array<{ name: string | null, containerPort: number, hostPort: number | null, protocol: Protocol | null }> | null, resources: { limits: { cpu: string | null, memory: string | null } | null, requests: { cpu: string | null, memory: string | null } | null } | null, volumeMounts: Array<{ name: string, mountPath: string, readOnly: boolean | null, subPath: string | null }> | null, livenessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, readinessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, startupProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null }>, volumes: Array<{ name: string, emptyDir: { medium: string | null, sizeLimit: string | null } | null, hostPath: { path: string, type: string | null } | null, persistentVolumeClaim: { claimName: string, readOnly: boolean | null } | null, configMap: { name: string, defaultMode: number | null, optional: boolean | null, items: Array<{ key: string, path: string, mode: number | null }> | null } | null, secret: { secretName: string, defaultMode: number | null, optional: boolean | null, items: Array<{ key: string, path: string, mode: number | null }> | null } | null }> | null, nodeSelector: Array<{ key: string, value: string }>, tolerations: Array<{ key: string | null, operator: string | null, value: string | null, effect: TaintEffect | null, tolerationSeconds: number | null }> | null, imagePullSecrets: Array<{ name: string }> | null } } } | null, status: { replicas: number, fullyLabeledReplicas: number | null, readyReplicas: number | null, availableReplicas: number | null, observedGeneration: number | null, conditions: Array<{ type: string, status: string, reason: string | null, message: string | null, lastTransitionTime: string | null }> | null } | null }> } };

export type GetReplicationControllerQueryVariables = Exact<{
  namespace: string;
  name: string;
}>;


export type GetReplicationControllerQuery = { replicationController: { apiVersion: string, kind: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, spec: { replicas: number | null, minReadySeconds: number | null, selector: Array<{ key: string, value: string }>, template: { metadata: { labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }> }, spec: { restartPolicy: RestartPolicy | null, terminationGracePeriodSeconds: number | null, nodeName: string | null, hostname: string | null, subdomain: string | null, containers: Array<{ name: string, image: string, imagePullPolicy: ImagePullPolicy | null, command: Array<string> | null, args: Array<string> | null, workingDir: string | null, env: Array<{ name: string, value: string | null, valueFrom: { fieldRef: { fieldPath: string } | null, configMapKeyRef: { name: string, key: string, optional: boolean | null } | null, secretKeyRef: { name: string, key: string, optional: boolean | null } | null } | null }> | null, envFrom: Array<{ prefix: string | null, configMapRef: { name: string, optional: boolean | null } | null, secretRef: { name: string, optional: boolean | null } | null }> | null, ports: Array<{ name: string | null, containerPort: number, hostPort: number | null, protocol: Protocol | null }> | null, resources: { limits: { cpu: string | null, memory: string | null } | null, requests: { cpu: string | null, memory: string | null } | null } | null, volumeMounts: Array<{ name: string, mountPath: string, readOnly: boolean | null, subPath: string | null }> | null, livenessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, readinessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, startupProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null }>, volumes: Array<{ name: string, emptyDir: { medium: string | null, sizeLimit: string | null } | null, hostPath: { path: string, type: string | null } | null, persistentVolumeClaim: { claimName: string, readOnly: boolean | null } | null, configMap: { name: string, defaultMode: number | null, optional: boolean | null, items: Array<{ key: string, path: string, mode: number | null }> | null } | null, secret: { secretName: string, defaultMode: number | null, optional: boolean | null, items: Array<{ key: string, path: string, mode: number | null }> | null } | null }> | null, nodeSelector: Array<{ key: string, value: string }>, tolerations: Array<{ key: string | null, operator: string | null, value: string | null, effect: TaintEffect | null, tolerationSeconds: number | null }> | null, imagePullSecrets: Array<{ name: string }> | null } } } | null, status: { replicas: number, fullyLabeledReplicas: number | null, readyReplicas: number | null, availableReplicas: number | null, observedGeneration: number | null, conditions: Array<{ type: string, status: string, reason: string | null, message: string | null, lastTransitionTime: string | null }> | null } | null } | null };

export type ListDeploymentsQueryVariables = Exact<{
  namespace?: string | null | undefined;
  allNamespaces?: boolean | null | undefined;
  labelSelector?: string | null | undefined;
  fieldSelector?: string | null | undefined;
}>;


export type ListDeploymentsQuery = { deployments: { resourceVersion: string, items: Array<{ apiVersion: string, kind: string, revision: number | null, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, spec: { replicas: number | null, minReadySeconds: number | null, revisionHistoryLimit: number | null, progressDeadlineSeconds: number | null, paused: boolean | null, selector: { matchLabels: Array<{ key: string, value: string }>, matchExpressions: Array<{ key: string, operator: LabelSelectorOperator, values: Array<string> | null }> | null }, template: { metadata: { labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }> }, spec: { restartPolicy: RestartPolicy | null, terminationGracePeriodSeconds: number | null, nodeName: string | null, hostname: string | null, subdomain: string | null, containers: Array<{ name: string, image: string, imagePullPolicy: ImagePullPolicy | null, command: Array<string> | null, args: Array<string> | null, workingDir: string | null, env: Array<{ name: string, value: string | null, valueFrom: { fieldRef: { fieldPath: string } | null, configMapKeyRef: { name: string, key: string, optional: boolean | null } | null, secretKeyRef: { name: string, key: string, optional: boolean | null } | null } | null }> | null, envFrom: Array<{ prefix: string | null, configMapRef: { name: string, optional: boolean | null } | null, secretRef: { name: string, optional: boolean | null } | null }> | null, ports: Array<{ name: string | null, containerPort: number, hostPort: number | null, protocol: Protocol | null }> | null, resources: { limits: { cpu: string | null, memory: string | null } | null, requests: { cpu: string | null, memory: string | null } | null } | null, volumeMounts: Array<{ name: string, mountPath: string, readOnly: boolean | null, subPath: string | null }> | null, livenessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, readinessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, startupProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null }>, volumes: Array<{ name: string, emptyDir: { medium: string | null, sizeLimit: string | null } | null, hostPath: { path: string, type: string | null } | null, persistentVolumeClaim: { claimName: string, readOnly: boolean | null } | null, configMap: { name: string, defaultMode: number | null, optional: boolean | null, items: Array<{ key: string, path: string, mode: number | null }> | null } | null, secret: { secretName: string, defaultMode: number | null, optional: boolean | null, items: Array<{ key: string, path: string, mode: number | null }> | null } | null }> | null, nodeSelector: Array<{ key: string, value: string }>, tolerations: Array<{ key: string | null, operator: string | null, value: string | null, effect: TaintEffect | null, tolerationSeconds: number | null }> | null, imagePullSecrets: Array<{ name: string }> | null } }, strategy: { type: DeploymentStrategyType | null, rollingUpdate: { maxSurge: number | string | null, maxUnavailable: number | string | null } | null } | null } | null, status: { observedGeneration: number | null, replicas: number | null, updatedReplicas: number | null, readyReplicas: number | null, availableReplicas: number | null, unavailableReplicas: number | null, conditions: Array<{ type: string, status: string, reason: string | null, message: string | null, lastUpdateTime: string | null, lastTransitionTime: string | null }> | null } | null }> } };

export type GetDeploymentQueryVariables = Exact<{
  namespace: string;
  name: string;
}>;


export type GetDeploymentQuery = { deployment: { apiVersion: string, kind: string, revision: number | null, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, spec: { replicas: number | null, minReadySeconds: number | null, revisionHistoryLimit: number | null, progressDeadlineSeconds: number | null, paused: boolean | null, selector: { matchLabels: Array<{ key: string, value: string }>, matchExpressions: Array<{ key: string, operator: LabelSelectorOperator, values: Array<string> | null }> | null }, template: { metadata: { labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }> }, spec: { restartPolicy: RestartPolicy | null, terminationGracePeriodSeconds: number | null, nodeName: string | null, hostname: string | null, subdomain: string | null, containers: Array<{ name: string, image: string, imagePullPolicy: ImagePullPolicy | null, command: Array<string> | null, args: Array<string> | null, workingDir: string | null, env: Array<{ name: string, value: string | null, valueFrom: { fieldRef: { fieldPath: string } | null, configMapKeyRef: { name: string, key: string, optional: boolean | null } | null, secretKeyRef: { name: string, key: string, optional: boolean | null } | null } | null }> | null, envFrom: Array<{ prefix: string | null, configMapRef: { name: string, optional: boolean | null } | null, secretRef: { name: string, optional: boolean | null } | null }> | null, ports: Array<{ name: string | null, containerPort: number, hostPort: number | null, protocol: Protocol | null }> | null, resources: { limits: { cpu: string | null, memory: string | null } | null, requests: { cpu: string | null, memory: string | null } | null } | null, volumeMounts: Array<{ name: string, mountPath: string, readOnly: boolean | null, subPath: string | null }> | null, livenessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, readinessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, startupProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null }>, volumes: Array<{ name: string, emptyDir: { medium: string | null, sizeLimit: string | null } | null, hostPath: { path: string, type: string | null } | null, persistentVolumeClaim: { claimName: string, readOnly: boolean | null } | null, configMap: { name: string, defaultMode: number | null, optional: boolean | null, items: Array<{ key: string, path: string, mode: number | null }> | null } | null, secret: { secretName: string, defaultMode: number | null, optional: boolean | null, items: Array<{ key: string, path: string, mode: number | null }> | null } | null }> | null, nodeSelector: Array<{ key: string, value: string }>, tolerations: Array<{ key: string | null, operator: string | null, value: string | null, effect: TaintEffect | null, tolerationSeconds: number | null }> | null, imagePullSecrets: Array<{ name: string }> | null } }, strategy: { type: DeploymentStrategyType | null, rollingUpdate: { maxSurge: number | string | null, maxUnavailable: number | string | null } | null } | null } | null, status: { observedGeneration: number | null, replicas: number | null, updatedReplicas: number | null, readyReplicas: number | null, availableReplicas: number | null, unavailableReplicas: number | null, conditions: Array<{ type: string, status: string, reason: string | null, message: string | null, lastUpdateTime: string | null, lastTransitionTime: string | null }> | null } | null } | null };

export type ListServicesQueryVariables = Exact<{
  namespace?: string | null | undefined;
  allNamespaces?: boolean | null | undefined;
  labelSelector?: string | null | undefined;
  fieldSelector?: string | null | undefined;
}>;


export type ListServicesQuery = { services: { resourceVersion: string, items: Array<{ apiVersion: string, kind: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, spec: { type: ServiceType | null, clusterIP: string | null, sessionAffinity: SessionAffinity | null, loadBalancerIP: string | null, selector: Array<{ key: string, value: string }>, ports: Array<{ name: string | null, protocol: Protocol | null, port: number, targetPort: number | string | null, nodePort: number | null }> | null } | null, status: { loadBalancer: { ingress: Array<{ ip: string }> } } | null }> } };

export type GetServiceQueryVariables = Exact<{
  namespace: string;
  name: string;
}>;


export type GetServiceQuery = { service: { apiVersion: string, kind: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, spec: { type: ServiceType | null, clusterIP: string | null, sessionAffinity: SessionAffinity | null, loadBalancerIP: string | null, selector: Array<{ key: string, value: string }>, ports: Array<{ name: string | null, protocol: Protocol | null, port: number, targetPort: number | string | null, nodePort: number | null }> | null } | null, status: { loadBalancer: { ingress: Array<{ ip: string }> } } | null } | null };

export type ListEndpointsListQueryVariables = Exact<{
  namespace?: string | null | undefined;
  allNamespaces?: boolean | null | undefined;
  labelSelector?: string | null | undefined;
  fieldSelector?: string | null | undefined;
}>;


export type ListEndpointsListQuery = { endpointsList: { resourceVersion: string, items: Array<{ apiVersion: string, kind: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, subsets: Array<{ addresses: Array<{ ip: string, hostname: string | null, nodeName: string | null, targetRef: { kind: string, name: string, namespace: string, uid: string } | null }>, notReadyAddresses: Array<{ ip: string, hostname: string | null, nodeName: string | null, targetRef: { kind: string, name: string, namespace: string, uid: string } | null }>, ports: Array<{ name: string | null, port: number, protocol: Protocol | null }> }> }> } };

export type GetEndpointsQueryVariables = Exact<{
  namespace: string;
  name: string;
}>;


export type GetEndpointsQuery = { endpoints: { apiVersion: string, kind: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, subsets: Array<{ addresses: Array<{ ip: string, hostname: string | null, nodeName: string | null, targetRef: { kind: string, name: string, namespace: string, uid: string } | null }>, notReadyAddresses: Array<{ ip: string, hostname: string | null, nodeName: string | null, targetRef: { kind: string, name: string, namespace: string, uid: string } | null }>, ports: Array<{ name: string | null, port: number, protocol: Protocol | null }> }> } | null };

export type ListNodesQueryVariables = Exact<{
  labelSelector?: string | null | undefined;
  fieldSelector?: string | null | undefined;
}>;


export type ListNodesQuery = { nodes: { resourceVersion: string, items: Array<{ apiVersion: string, kind: string, displayStatus: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, spec: { unschedulable: boolean | null, podCIDR: string | null, taints: Array<{ key: string, value: string | null, effect: TaintEffect, timeAdded: string | null }> | null } | null, status: { capacity: { cpu: string | null, memory: string | null, pods: string | null } | null, allocatable: { cpu: string | null, memory: string | null, pods: string | null } | null, addresses: Array<{ type: string, address: string }> | null, conditions: Array<{ type: string, status: string, reason: string | null, message: string | null, lastHeartbeatTime: string | null, lastTransitionTime: string | null }> | null, nodeInfo: { containerRuntimeVersion: string | null, kubeletVersion: string | null, operatingSystem: string | null, architecture: string | null } | null } | null }> } };

export type GetNodeQueryVariables = Exact<{
  name: string;
}>;


export type GetNodeQuery = { node: { apiVersion: string, kind: string, displayStatus: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, spec: { unschedulable: boolean | null, podCIDR: string | null, taints: Array<{ key: string, value: string | null, effect: TaintEffect, timeAdded: string | null }> | null } | null, status: { capacity: { cpu: string | null, memory: string | null, pods: string | null } | null, allocatable: { cpu: string | null, memory: string | null, pods: string | null } | null, addresses: Array<{ type: string, address: string }> | null, conditions: Array<{ type: string, status: string, reason: string | null, message: string | null, lastHeartbeatTime: string | null, lastTransitionTime: string | null }> | null, nodeInfo: { containerRuntimeVersion: string | null, kubeletVersion: string | null, operatingSystem: string | null, architecture: string | null } | null } | null } | null };

export type ListNamespacesQueryVariables = Exact<{
  labelSelector?: string | null | undefined;
  fieldSelector?: string | null | undefined;
}>;


export type ListNamespacesQuery = { namespaces: { resourceVersion: string, items: Array<{ apiVersion: string, kind: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, status: { phase: NamespacePhase | null } | null }> } };

export type GetNamespaceQueryVariables = Exact<{
  name: string;
}>;


export type GetNamespaceQuery = { namespace: { apiVersion: string, kind: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, status: { phase: NamespacePhase | null } | null } | null };

export type ListEventsQueryVariables = Exact<{
  namespace?: string | null | undefined;
  allNamespaces?: boolean | null | undefined;
  labelSelector?: string | null | undefined;
  fieldSelector?: string | null | undefined;
}>;


export type ListEventsQuery = { events: { resourceVersion: string, items: Array<{ apiVersion: string, kind: string, reason: string, message: string, type: EventType, count: number | null, firstTimestamp: string | null, lastTimestamp: string | null, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, involvedObject: { kind: string, name: string, namespace: string | null, uid: string | null, resourceVersion: string | null }, source: { component: string | null, host: string | null } | null }> } };

export type GetEventQueryVariables = Exact<{
  namespace: string;
  name: string;
}>;


export type GetEventQuery = { event: { apiVersion: string, kind: string, reason: string, message: string, type: EventType, count: number | null, firstTimestamp: string | null, lastTimestamp: string | null, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, involvedObject: { kind: string, name: string, namespace: string | null, uid: string | null, resourceVersion: string | null }, source: { component: string | null, host: string | null } | null } | null };

export type ListPersistentVolumeClaimsQueryVariables = Exact<{
  namespace?: string | null | undefined;
  allNamespaces?: boolean | null | undefined;
  labelSelector?: string | null | undefined;
  fieldSelector?: string | null | undefined;
}>;


export type ListPersistentVolumeClaimsQuery = { persistentVolumeClaims: { resourceVersion: string, items: Array<{ apiVersion: string, kind: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, spec: { accessModes: Array<PersistentVolumeAccessMode> | null, storageClassName: string | null, volumeName: string | null, resources: { requests: { storage: string | null } | null } | null } | null, status: { phase: PersistentVolumeClaimPhase | null } | null }> } };

export type GetPersistentVolumeClaimQueryVariables = Exact<{
  namespace: string;
  name: string;
}>;


export type GetPersistentVolumeClaimQuery = { persistentVolumeClaim: { apiVersion: string, kind: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, spec: { accessModes: Array<PersistentVolumeAccessMode> | null, storageClassName: string | null, volumeName: string | null, resources: { requests: { storage: string | null } | null } | null } | null, status: { phase: PersistentVolumeClaimPhase | null } | null } | null };

export type WhoamiQueryVariables = Exact<{ [key: string]: never; }>;


export type WhoamiQuery = { whoami: { role: TokenRole, tokenName: string, nodeName: string | null } };

export type ClusterInfoQueryVariables = Exact<{ [key: string]: never; }>;


export type ClusterInfoQuery = { clusterInfo: { version: string, clusterDomain: string | null, serviceCidr: string | null, dnsServiceIp: string | null, loadBalancerCidr: string | null, dns: string | null, apiServer: string | null, caCertHash: string | null } };

export type ListConfigMapsQueryVariables = Exact<{
  namespace?: string | null | undefined;
  allNamespaces?: boolean | null | undefined;
  labelSelector?: string | null | undefined;
  fieldSelector?: string | null | undefined;
}>;


export type ListConfigMapsQuery = { configMaps: { resourceVersion: string, items: Array<{ apiVersion: string, kind: string, immutable: boolean | null, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, data: Array<{ key: string, value: string }>, binaryData: Array<{ key: string, value: string }> }> } };

export type ListSecretsQueryVariables = Exact<{
  namespace?: string | null | undefined;
  allNamespaces?: boolean | null | undefined;
  labelSelector?: string | null | undefined;
  fieldSelector?: string | null | undefined;
}>;


export type ListSecretsQuery = { secrets: { resourceVersion: string, items: Array<{ apiVersion: string, kind: string, type: string, immutable: boolean | null, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, data: Array<{ key: string, value: string }> }> } };

export type GetConfigMapQueryVariables = Exact<{
  namespace: string;
  name: string;
}>;


export type GetConfigMapQuery = { configMap: { apiVersion: string, kind: string, immutable: boolean | null, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, data: Array<{ key: string, value: string }>, binaryData: Array<{ key: string, value: string }> } | null };

export type GetSecretQueryVariables = Exact<{
  namespace: string;
  name: string;
}>;


export type GetSecretQuery = { secret: { apiVersion: string, kind: string, type: string, immutable: boolean | null, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, data: Array<{ key: string, value: string }> } | null };

export type TopPodsQueryVariables = Exact<{
  namespace?: string | null | undefined;
  allNamespaces?: boolean | null | undefined;
}>;


export type TopPodsQuery = { pods: { items: Array<{ metadata: { name: string, namespace: string | null }, usage: { cpuCores: number, memoryBytes: number, timestamp: string } | null }> } };

export type TopNodesQueryVariables = Exact<{ [key: string]: never; }>;


export type TopNodesQuery = { nodes: { items: Array<{ metadata: { name: string }, status: { allocatable: { cpu: string | null, memory: string | null } | null } | null, usage: { cpuCores: number, memoryBytes: number, timestamp: string } | null }> } };

export type ListLeasesQueryVariables = Exact<{
  namespace?: string | null | undefined;
  allNamespaces?: boolean | null | undefined;
  labelSelector?: string | null | undefined;
  fieldSelector?: string | null | undefined;
}>;


export type ListLeasesQuery = { leases: { resourceVersion: string, items: Array<{ apiVersion: string, kind: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, spec: { holderIdentity: string | null, leaseDurationSeconds: number | null, acquireTime: string | null, renewTime: string | null } | null }> } };

export type GetLeaseQueryVariables = Exact<{
  namespace: string;
  name: string;
}>;


export type GetLeaseQuery = { lease: { apiVersion: string, kind: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, spec: { holderIdentity: string | null, leaseDurationSeconds: number | null, acquireTime: string | null, renewTime: string | null } | null } | null };

export type WatchPodsSubscriptionVariables = Exact<{
  namespace?: string | null | undefined;
  labelSelector?: string | null | undefined;
  fieldSelector?: string | null | undefined;
  sinceResourceVersion?: string | null | undefined;
}>;


export type WatchPodsSubscription = { watch: { type: WatchEventType, resourceVersion: string, object:
      | { apiVersion: string, kind: string, ready: string, restarts: number, displayStatus: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, spec: { restartPolicy: RestartPolicy | null, terminationGracePeriodSeconds: number | null, nodeName: string | null, hostname: string | null, subdomain: string | null, containers: Array<{ name: string, image: string, imagePullPolicy: ImagePullPolicy | null, command: Array<string> | null, args: Array<string> | null, workingDir: string | null, env: Array<{ name: string, value: string | null, valueFrom: { fieldRef: { fieldPath: string } | null, configMapKeyRef: { name: string, key: string, optional: boolean | null } | null, secretKeyRef: { name: string, key: string, optional: boolean | null } | null } | null }> | null, envFrom: Array<{ prefix: string | null, configMapRef: { name: string, optional: boolean | null } | null, secretRef: { name: string, optional: boolean | null } | null }> | null, ports: Array<{ name: string | null, containerPort: number, hostPort: number | null, protocol: Protocol | null }> | null, resources: { limits: { cpu: string | null, memory: string | null } | null, requests: { cpu: string | null, memory: string | null } | null } | null, volumeMounts: Array<{ name: string, mountPath: string, readOnly: boolean | null, subPath: string | null }> | null, livenessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, readinessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, startupProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null }>, volumes: Array<{ name: string, emptyDir: { medium: string | null, sizeLimit: string | null } | null, hostPath: { path: string, type: string | null } | null, persistentVolumeClaim: { claimName: string, readOnly: boolean | null } | null, configMap: { name: string, defaultMode: number | null, optional: boolean | null, items: Array<{ key: string, path: string, mode: number | null }> | null } | null, secret: { secretName: string, defaultMode: number | null, optional: boolean | null, items: Array<{ key: string, path: string, mode: number | null }> | null } | null }> | null, nodeSelector: Array<{ key: string, value: string }>, tolerations: Array<{ key: string | null, operator: string | null, value: string | null, effect: TaintEffect | null, tolerationSeconds: number | null }> | null, imagePullSecrets: Array<{ name: string }> | null } | null, status: { phase: PodPhase | null, reason: string | null, message: string | null, podIP: string | null, hostIP: string | null, startTime: string | null, conditions: Array<{ type: string, status: string, reason: string | null, message: string | null, lastTransitionTime: string | null }> | null, containerStatuses: Array<{ name: string, image: string, imageID: string | null, containerID: string | null, ready: boolean, started: boolean | null, restartCount: number, state: { waiting: { reason: string | null, message: string | null } | null, running: { startedAt: string | null } | null, terminated: { exitCode: number, reason: string | null, message: string | null, startedAt: string | null, finishedAt: string | null } | null }, lastState: { waiting: { reason: string | null, message: string | null } | null, running: { startedAt: string | null } | null, terminated: { exitCode: number, reason: string | null, message: string | null, startedAt: string | null, finishedAt: string | null } | null } | null }> | null, hostPorts: Array<{ containerPort: number, protocol: Protocol, hostIP: string, hostPort: number }> | null } | null }
      | Record<PropertyKey, never>
     | null } };

export type WatchReplicationControllersSubscriptionVariables = Exact<{
  namespace?: string | null | undefined;
  labelSelector?: string | null | undefined;
  fieldSelector?: string | null | undefined;
  sinceResourceVersion?: string | null | undefined;
}>;


export type WatchReplicationControllersSubscription = { watch: { type: WatchEventType, resourceVersion: string, object:
      | { apiVersion: string, kind: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, spec: { replicas: number | null, minReadySeconds: number | null, selector: Array<{ key: string, value: string }>, template: { metadata: { labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }> }, spec: { restartPolicy: RestartPolicy | null, terminationGracePeriodSeconds: number | null, nodeName: string | null, hostname: string | null, subdomain: string | null, containers: Array<{ name: string, image: string, imagePullPolicy: ImagePullPolicy | null, command: Array<string> | null, args: Array<string> | null, workingDir: string | null, env: Array<{ name: string, value: string | null, valueFrom: { fieldRef: { fieldPath: string } | null, configMapKeyRef: { name: string, key: string, optional: boolean | null } | null, secretKeyRef: { name: string, key: string, optional: boolean | null } | null } | null }> | null, envFrom: Array<{ prefix: string | null, configMapRef: { name: string, optional: boolean | null } | null, secretRef: { name: string, optional: boolean | null } | null }> | null, ports: Array<{ name: string | null, containerPort: number, hostPort: number | null, protocol: Protocol | null }> | null, resources: { limits: { cpu: string | null, memory: string | null } | null, requests: { cpu: string | null, memory: string | null } | null } | null, volumeMounts: Array<{ name: string, mountPath: string, readOnly: boolean | null, subPath: string | null }> | null, livenessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, readinessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, startupProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null }>, volumes: Array<{ name: string, emptyDir: { medium: string | null, sizeLimit: string | null } | null, hostPath: { path: string, type: string | null } | null, persistentVolumeClaim: { claimName: string, readOnly: boolean | null } | null, configMap: { name: string, defaultMode: number | null, optional: boolean | null, items: Array<{ key: string, path: string, mode: number | null }> | null } | null, secret: { secretName: string, defaultMode: number | null, optional: boolean | null, items: Array<{ key: string, path: string, mode: number | null }> | null } | null }> | null, nodeSelector: Array<{ key: string, value: string }>, tolerations: Array<{ key: string | null, operator: string | null, value: string | null, effect: TaintEffect | null, tolerationSeconds: number | null }> | null, imagePullSecrets: Array<{ name: string }> | null } } } | null, status: { replicas: number, fullyLabeledReplicas: number | null, readyReplicas: number | null, availableReplicas: number | null, observedGeneration: number | null, conditions: Array<{ type: string, status: string, reason: string | null, message: string | null, lastTransitionTime: string | null }> | null } | null }
      | Record<PropertyKey, never>
     | null } };

export type WatchDeploymentsSubscriptionVariables = Exact<{
  namespace?: string | null | undefined;
  labelSelector?: string | null | undefined;
  fieldSelector?: string | null | undefined;
  sinceResourceVersion?: string | null | undefined;
}>;


export type WatchDeploymentsSubscription = { watch: { type: WatchEventType, resourceVersion: string, object:
      | { apiVersion: string, kind: string, revision: number | null, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, spec: { replicas: number | null, minReadySeconds: number | null, revisionHistoryLimit: number | null, progressDeadlineSeconds: number | null, paused: boolean | null, selector: { matchLabels: Array<{ key: string, value: string }>, matchExpressions: Array<{ key: string, operator: LabelSelectorOperator, values: Array<string> | null }> | null }, template: { metadata: { labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }> }, spec: { restartPolicy: RestartPolicy | null, terminationGracePeriodSeconds: number | null, nodeName: string | null, hostname: string | null, subdomain: string | null, containers: Array<{ name: string, image: string, imagePullPolicy: ImagePullPolicy | null, command: Array<string> | null, args: Array<string> | null, workingDir: string | null, env: Array<{ name: string, value: string | null, valueFrom: { fieldRef: { fieldPath: string } | null, configMapKeyRef: { name: string, key: string, optional: boolean | null } | null, secretKeyRef: { name: string, key: string, optional: boolean | null } | null } | null }> | null, envFrom: Array<{ prefix: string | null, configMapRef: { name: string, optional: boolean | null } | null, secretRef: { name: string, optional: boolean | null } | null }> | null, ports: Array<{ name: string | null, containerPort: number, hostPort: number | null, protocol: Protocol | null }> | null, resources: { limits: { cpu: string | null, memory: string | null } | null, requests: { cpu: string | null, memory: string | null } | null } | null, volumeMounts: Array<{ name: string, mountPath: string, readOnly: boolean | null, subPath: string | null }> | null, livenessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, readinessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, startupProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null }>, volumes: Array<{ name: string, emptyDir: { medium: string | null, sizeLimit: string | null } | null, hostPath: { path: string, type: string | null } | null, persistentVolumeClaim: { claimName: string, readOnly: boolean | null } | null, configMap: { name: string, defaultMode: number | null, optional: boolean | null, items: Array<{ key: string, path: string, mode: number | null }> | null } | null, secret: { secretName: string, defaultMode: number | null, optional: boolean | null, items: Array<{ key: string, path: string, mode: number | null }> | null } | null }> | null, nodeSelector: Array<{ key: string, value: string }>, tolerations: Array<{ key: string | null, operator: string | null, value: string | null, effect: TaintEffect | null, tolerationSeconds: number | null }> | null, imagePullSecrets: Array<{ name: string }> | null } }, strategy: { type: DeploymentStrategyType | null, rollingUpdate: { maxSurge: number | string | null, maxUnavailable: number | string | null } | null } | null } | null, status: { observedGeneration: number | null, replicas: number | null, updatedReplicas: number | null, readyReplicas: number | null, availableReplicas: number | null, unavailableReplicas: number | null, conditions: Array<{ type: string, status: string, reason: string | null, message: string | null, lastUpdateTime: string | null, lastTransitionTime: string | null }> | null } | null }
      | Record<PropertyKey, never>
     | null } };

export type WatchServicesSubscriptionVariables = Exact<{
  namespace?: string | null | undefined;
  labelSelector?: string | null | undefined;
  fieldSelector?: string | null | undefined;
  sinceResourceVersion?: string | null | undefined;
}>;


export type WatchServicesSubscription = { watch: { type: WatchEventType, resourceVersion: string, object:
      | { apiVersion: string, kind: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, spec: { type: ServiceType | null, clusterIP: string | null, sessionAffinity: SessionAffinity | null, loadBalancerIP: string | null, selector: Array<{ key: string, value: string }>, ports: Array<{ name: string | null, protocol: Protocol | null, port: number, targetPort: number | string | null, nodePort: number | null }> | null } | null, status: { loadBalancer: { ingress: Array<{ ip: string }> } } | null }
      | Record<PropertyKey, never>
     | null } };

export type WatchEndpointsSubscriptionVariables = Exact<{
  namespace?: string | null | undefined;
  labelSelector?: string | null | undefined;
  fieldSelector?: string | null | undefined;
  sinceResourceVersion?: string | null | undefined;
}>;


export type WatchEndpointsSubscription = { watch: { type: WatchEventType, resourceVersion: string, object:
      | { apiVersion: string, kind: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, subsets: Array<{ addresses: Array<{ ip: string, hostname: string | null, nodeName: string | null, targetRef: { kind: string, name: string, namespace: string, uid: string } | null }>, notReadyAddresses: Array<{ ip: string, hostname: string | null, nodeName: string | null, targetRef: { kind: string, name: string, namespace: string, uid: string } | null }>, ports: Array<{ name: string | null, port: number, protocol: Protocol | null }> }> }
      | Record<PropertyKey, never>
     | null } };

export type WatchNodesSubscriptionVariables = Exact<{
  namespace?: string | null | undefined;
  labelSelector?: string | null | undefined;
  fieldSelector?: string | null | undefined;
  sinceResourceVersion?: string | null | undefined;
}>;


export type WatchNodesSubscription = { watch: { type: WatchEventType, resourceVersion: string, object:
      | { apiVersion: string, kind: string, displayStatus: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, spec: { unschedulable: boolean | null, podCIDR: string | null, taints: Array<{ key: string, value: string | null, effect: TaintEffect, timeAdded: string | null }> | null } | null, status: { capacity: { cpu: string | null, memory: string | null, pods: string | null } | null, allocatable: { cpu: string | null, memory: string | null, pods: string | null } | null, addresses: Array<{ type: string, address: string }> | null, conditions: Array<{ type: string, status: string, reason: string | null, message: string | null, lastHeartbeatTime: string | null, lastTransitionTime: string | null }> | null, nodeInfo: { containerRuntimeVersion: string | null, kubeletVersion: string | null, operatingSystem: string | null, architecture: string | null } | null } | null }
      | Record<PropertyKey, never>
     | null } };

export type WatchNamespacesSubscriptionVariables = Exact<{
  namespace?: string | null | undefined;
  labelSelector?: string | null | undefined;
  fieldSelector?: string | null | undefined;
  sinceResourceVersion?: string | null | undefined;
}>;


export type WatchNamespacesSubscription = { watch: { type: WatchEventType, resourceVersion: string, object:
      | { apiVersion: string, kind: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, status: { phase: NamespacePhase | null } | null }
      | Record<PropertyKey, never>
     | null } };

export type WatchEventsSubscriptionVariables = Exact<{
  namespace?: string | null | undefined;
  labelSelector?: string | null | undefined;
  fieldSelector?: string | null | undefined;
  sinceResourceVersion?: string | null | undefined;
}>;


export type WatchEventsSubscription = { watch: { type: WatchEventType, resourceVersion: string, object:
      | { apiVersion: string, kind: string, reason: string, message: string, type: EventType, count: number | null, firstTimestamp: string | null, lastTimestamp: string | null, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, involvedObject: { kind: string, name: string, namespace: string | null, uid: string | null, resourceVersion: string | null }, source: { component: string | null, host: string | null } | null }
      | Record<PropertyKey, never>
     | null } };

export type WatchPersistentVolumeClaimsSubscriptionVariables = Exact<{
  namespace?: string | null | undefined;
  labelSelector?: string | null | undefined;
  fieldSelector?: string | null | undefined;
  sinceResourceVersion?: string | null | undefined;
}>;


export type WatchPersistentVolumeClaimsSubscription = { watch: { type: WatchEventType, resourceVersion: string, object:
      | { apiVersion: string, kind: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, spec: { accessModes: Array<PersistentVolumeAccessMode> | null, storageClassName: string | null, volumeName: string | null, resources: { requests: { storage: string | null } | null } | null } | null, status: { phase: PersistentVolumeClaimPhase | null } | null }
      | Record<PropertyKey, never>
     | null } };

export type PodLogsSubscriptionVariables = Exact<{
  namespace: string;
  name: string;
  container?: string | null | undefined;
  follow?: boolean | null | undefined;
  tailLines?: number | null | undefined;
}>;


export type PodLogsSubscription = { podLogs: { container: string, text: string, timestamp: string | null } };

export type WatchConfigMapsSubscriptionVariables = Exact<{
  namespace?: string | null | undefined;
  labelSelector?: string | null | undefined;
  fieldSelector?: string | null | undefined;
  sinceResourceVersion?: string | null | undefined;
}>;


export type WatchConfigMapsSubscription = { watch: { type: WatchEventType, resourceVersion: string, object:
      | { apiVersion: string, kind: string, immutable: boolean | null, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, data: Array<{ key: string, value: string }>, binaryData: Array<{ key: string, value: string }> }
      | Record<PropertyKey, never>
     | null } };

export type WatchSecretsSubscriptionVariables = Exact<{
  namespace?: string | null | undefined;
  labelSelector?: string | null | undefined;
  fieldSelector?: string | null | undefined;
  sinceResourceVersion?: string | null | undefined;
}>;


export type WatchSecretsSubscription = { watch: { type: WatchEventType, resourceVersion: string, object:
      | { apiVersion: string, kind: string, type: string, immutable: boolean | null, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, data: Array<{ key: string, value: string }> }
      | Record<PropertyKey, never>
     | null } };

export type PodUsageSubscriptionVariables = Exact<{
  namespace: string;
  name: string;
}>;


export type PodUsageSubscription = { podUsage: { cpuCores: number, memoryBytes: number, timestamp: string } | null };

export type NodeUsageSubscriptionVariables = Exact<{
  name: string;
}>;


export type NodeUsageSubscription = { nodeUsage: { cpuCores: number, memoryBytes: number, timestamp: string } | null };

export type DeploymentLogsSubscriptionVariables = Exact<{
  namespace?: string | null | undefined;
  name: string;
  container?: string | null | undefined;
  follow?: boolean | null | undefined;
  tailLines?: number | null | undefined;
}>;


export type DeploymentLogsSubscription = { deploymentLogs: { pod: string, container: string, text: string, timestamp: string | null } };

export type WatchLeasesSubscriptionVariables = Exact<{
  namespace?: string | null | undefined;
  labelSelector?: string | null | undefined;
  fieldSelector?: string | null | undefined;
  sinceResourceVersion?: string | null | undefined;
}>;


export type WatchLeasesSubscription = { watch: { type: WatchEventType, resourceVersion: string, object:
      | { apiVersion: string, kind: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, spec: { holderIdentity: string | null, leaseDurationSeconds: number | null, acquireTime: string | null, renewTime: string | null } | null }
      | Record<PropertyKey, never>
     | null } };

export type ApplyMutationVariables = Exact<{
  manifest: string;
  namespace?: string | null | undefined;
  dryRun?: boolean | null | undefined;
}>;


export type ApplyMutation = { apply: Array<{ index: number, kind: string, namespace: string | null, name: string, action: ApplyAction }> };

export type RunMutationVariables = Exact<{
  namespace: string;
  name: string;
  image: string;
  port?: number | null | undefined;
  replicas?: number | null | undefined;
  labels?: Array<KeyValueInput> | KeyValueInput | null | undefined;
  env?: Array<EnvVarInput> | EnvVarInput | null | undefined;
  command?: Array<string> | string | null | undefined;
  args?: Array<string> | string | null | undefined;
  imagePullPolicy?: ImagePullPolicy | null | undefined;
  dryRun?: boolean | null | undefined;
}>;


export type RunMutation = { run: { kind: string, metadata: { name: string, namespace: string | null } } };

export type ScaleMutationVariables = Exact<{
  kind: WorkloadKind;
  namespace: string;
  name: string;
  replicas: number;
  dryRun?: boolean | null | undefined;
}>;


export type ScaleMutation = { scale:
    | { kind: string, metadata: { name: string, namespace: string | null } }
    | { kind: string, metadata: { name: string, namespace: string | null } }
   };

export type ExposeMutationVariables = Exact<{
  kind: ExposableKind;
  namespace: string;
  name: string;
  port?: number | null | undefined;
  targetPort?: number | string | null | undefined;
  protocol?: Protocol | null | undefined;
  type?: ServiceType | null | undefined;
  serviceName?: string | null | undefined;
  nodePort?: number | null | undefined;
  dryRun?: boolean | null | undefined;
}>;


export type ExposeMutation = { expose: { apiVersion: string, kind: string, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, spec: { type: ServiceType | null, clusterIP: string | null, sessionAffinity: SessionAffinity | null, loadBalancerIP: string | null, selector: Array<{ key: string, value: string }>, ports: Array<{ name: string | null, protocol: Protocol | null, port: number, targetPort: number | string | null, nodePort: number | null }> | null } | null, status: { loadBalancer: { ingress: Array<{ ip: string }> } } | null } };

export type RollbackMutationVariables = Exact<{
  namespace: string;
  name: string;
  toRevision?: number | null | undefined;
  dryRun?: boolean | null | undefined;
}>;


export type RollbackMutation = { rollback: { kind: string, revision: number | null, metadata: { name: string, namespace: string | null } } };

export type RolloutUndoMutationVariables = Exact<{
  namespace: string;
  name: string;
  toRevision?: number | null | undefined;
  dryRun?: boolean | null | undefined;
}>;


export type RolloutUndoMutation = { rolloutUndo: { revision: number, rolledBack: boolean, message: string, deployment: { kind: string, revision: number | null, metadata: { name: string, namespace: string | null, resourceVersion: string } } } };

export type RolloutRestartMutationVariables = Exact<{
  namespace: string;
  name: string;
}>;


export type RolloutRestartMutation = { rolloutRestart: { metadata: { name: string, namespace: string | null } } };

export type UpdateDeploymentMutationVariables = Exact<{
  deployment: DeploymentInput;
  expectedResourceVersion?: string | null | undefined;
  dryRun?: boolean | null | undefined;
}>;


export type UpdateDeploymentMutation = { updateDeployment: { apiVersion: string, kind: string, revision: number | null, metadata: { name: string, generateName: string | null, namespace: string | null, uid: string, resourceVersion: string, generation: number, creationTimestamp: string, deletionTimestamp: string | null, deletionGracePeriodSeconds: number | null, finalizers: Array<string>, labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }>, ownerReferences: Array<{ apiVersion: string, kind: string, name: string, uid: string, controller: boolean | null, blockOwnerDeletion: boolean | null }> }, spec: { replicas: number | null, minReadySeconds: number | null, revisionHistoryLimit: number | null, progressDeadlineSeconds: number | null, paused: boolean | null, selector: { matchLabels: Array<{ key: string, value: string }>, matchExpressions: Array<{ key: string, operator: LabelSelectorOperator, values: Array<string> | null }> | null }, template: { metadata: { labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }> }, spec: { restartPolicy: RestartPolicy | null, terminationGracePeriodSeconds: number | null, nodeName: string | null, hostname: string | null, subdomain: string | null, containers: Array<{ name: string, image: string, imagePullPolicy: ImagePullPolicy | null, command: Array<string> | null, args: Array<string> | null, workingDir: string | null, env: Array<{ name: string, value: string | null, valueFrom: { fieldRef: { fieldPath: string } | null, configMapKeyRef: { name: string, key: string, optional: boolean | null } | null, secretKeyRef: { name: string, key: string, optional: boolean | null } | null } | null }> | null, envFrom: Array<{ prefix: string | null, configMapRef: { name: string, optional: boolean | null } | null, secretRef: { name: string, optional: boolean | null } | null }> | null, ports: Array<{ name: string | null, containerPort: number, hostPort: number | null, protocol: Protocol | null }> | null, resources: { limits: { cpu: string | null, memory: string | null } | null, requests: { cpu: string | null, memory: string | null } | null } | null, volumeMounts: Array<{ name: string, mountPath: string, readOnly: boolean | null, subPath: string | null }> | null, livenessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, readinessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, startupProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null }>, volumes: Array<{ name: string, emptyDir: { medium: string | null, sizeLimit: string | null } | null, hostPath: { path: string, type: string | null } | null, persistentVolumeClaim: { claimName: string, readOnly: boolean | null } | null, configMap: { name: string, defaultMode: number | null, optional: boolean | null, items: Array<{ key: string, path: string, mode: number | null }> | null } | null, secret: { secretName: string, defaultMode: number | null, optional: boolean | null, items: Array<{ key: string, path: string, mode: number | null }> | null } | null }> | null, nodeSelector: Array<{ key: string, value: string }>, tolerations: Array<{ key: string | null, operator: string | null, value: string | null, effect: TaintEffect | null, tolerationSeconds: number | null }> | null, imagePullSecrets: Array<{ name: string }> | null } }, strategy: { type: DeploymentStrategyType | null, rollingUpdate: { maxSurge: number | string | null, maxUnavailable: number | string | null } | null } | null } | null, status: { observedGeneration: number | null, replicas: number | null, updatedReplicas: number | null, readyReplicas: number | null, availableReplicas: number | null, unavailableReplicas: number | null, conditions: Array<{ type: string, status: string, reason: string | null, message: string | null, lastUpdateTime: string | null, lastTransitionTime: string | null }> | null } | null } };

export type DeploymentHistoryQueryVariables = Exact<{
  namespace: string;
  name: string;
}>;


export type DeploymentHistoryQuery = { deployment: { revision: number | null, metadata: { name: string, namespace: string | null }, replicationControllers: Array<{ metadata: { name: string, creationTimestamp: string, annotations: Array<{ key: string, value: string }> }, spec: { template: { metadata: { labels: Array<{ key: string, value: string }>, annotations: Array<{ key: string, value: string }> }, spec: { restartPolicy: RestartPolicy | null, terminationGracePeriodSeconds: number | null, nodeName: string | null, hostname: string | null, subdomain: string | null, containers: Array<{ name: string, image: string, imagePullPolicy: ImagePullPolicy | null, command: Array<string> | null, args: Array<string> | null, workingDir: string | null, env: Array<{ name: string, value: string | null, valueFrom: { fieldRef: { fieldPath: string } | null, configMapKeyRef: { name: string, key: string, optional: boolean | null } | null, secretKeyRef: { name: string, key: string, optional: boolean | null } | null } | null }> | null, envFrom: Array<{ prefix: string | null, configMapRef: { name: string, optional: boolean | null } | null, secretRef: { name: string, optional: boolean | null } | null }> | null, ports: Array<{ name: string | null, containerPort: number, hostPort: number | null, protocol: Protocol | null }> | null, resources: { limits: { cpu: string | null, memory: string | null } | null, requests: { cpu: string | null, memory: string | null } | null } | null, volumeMounts: Array<{ name: string, mountPath: string, readOnly: boolean | null, subPath: string | null }> | null, livenessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, readinessProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null, startupProbe: { initialDelaySeconds: number | null, periodSeconds: number | null, timeoutSeconds: number | null, successThreshold: number | null, failureThreshold: number | null, httpGet: { path: string | null, port: number | string, host: string | null, scheme: string | null, httpHeaders: Array<{ name: string, value: string }> | null } | null, tcpSocket: { port: number | string, host: string | null } | null, exec: { command: Array<string> } | null } | null }>, volumes: Array<{ name: string, emptyDir: { medium: string | null, sizeLimit: string | null } | null, hostPath: { path: string, type: string | null } | null, persistentVolumeClaim: { claimName: string, readOnly: boolean | null } | null, configMap: { name: string, defaultMode: number | null, optional: boolean | null, items: Array<{ key: string, path: string, mode: number | null }> | null } | null, secret: { secretName: string, defaultMode: number | null, optional: boolean | null, items: Array<{ key: string, path: string, mode: number | null }> | null } | null }> | null, nodeSelector: Array<{ key: string, value: string }>, tolerations: Array<{ key: string | null, operator: string | null, value: string | null, effect: TaintEffect | null, tolerationSeconds: number | null }> | null, imagePullSecrets: Array<{ name: string }> | null } } } | null }> } | null };

export type CordonMutationVariables = Exact<{
  name: string;
  dryRun?: boolean | null | undefined;
}>;


export type CordonMutation = { cordon: { metadata: { name: string } } };

export type UncordonMutationVariables = Exact<{
  name: string;
  dryRun?: boolean | null | undefined;
}>;


export type UncordonMutation = { uncordon: { metadata: { name: string } } };

export type DrainMutationVariables = Exact<{
  name: string;
  force?: boolean | null | undefined;
  dryRun?: boolean | null | undefined;
}>;


export type DrainMutation = { drain: { node: { metadata: { name: string } }, deletedPods: Array<{ metadata: { name: string, namespace: string | null } }> } };

export type CreateTokenMutationVariables = Exact<{
  role: TokenRole;
  ttlSeconds?: number | null | undefined;
  description?: string | null | undefined;
  nodeName?: string | null | undefined;
  maxUses?: number | null | undefined;
}>;


export type CreateTokenMutation = { createToken: { token: string, name: string, expiresAt: string | null } };

export type ListTokensQueryVariables = Exact<{
  role?: TokenRole | null | undefined;
}>;


export type ListTokensQuery = { tokens: Array<{ name: string, role: TokenRole, description: string | null, nodeName: string | null, createdAt: string, expiresAt: string | null, maxUses: number | null, uses: number | null, signing: boolean }> };

export type DeleteTokenMutationVariables = Exact<{
  name: string;
}>;


export type DeleteTokenMutation = { deleteToken: { name: string, role: TokenRole } };

export type LabelMutationVariables = Exact<{
  kind: LabelableKind;
  namespace: string;
  name: string;
  set?: Array<KeyValueInput> | KeyValueInput | null | undefined;
  remove?: Array<string> | string | null | undefined;
  overwrite?: boolean | null | undefined;
  dryRun?: boolean | null | undefined;
}>;


export type LabelMutation = { label: { changed: boolean, notFound: Array<string>, object:
      | { kind: string, metadata: { name: string, namespace: string | null } }
      | { kind: string, metadata: { name: string, namespace: string | null } }
      | { kind: string, metadata: { name: string, namespace: string | null } }
      | { kind: string, metadata: { name: string, namespace: string | null } }
      | { kind: string, metadata: { name: string, namespace: string | null } }
      | { kind: string, metadata: { name: string, namespace: string | null } }
      | { kind: string, metadata: { name: string, namespace: string | null } }
      | { kind: string, metadata: { name: string, namespace: string | null } }
      | { kind: string, metadata: { name: string, namespace: string | null } }
      | { kind: string, metadata: { name: string, namespace: string | null } }
      | { kind: string, metadata: { name: string, namespace: string | null } }
      | { kind: string, metadata: { name: string, namespace: string | null } }
     } };

export type AnnotateMutationVariables = Exact<{
  kind: LabelableKind;
  namespace: string;
  name: string;
  set?: Array<KeyValueInput> | KeyValueInput | null | undefined;
  remove?: Array<string> | string | null | undefined;
  overwrite?: boolean | null | undefined;
  dryRun?: boolean | null | undefined;
}>;


export type AnnotateMutation = { annotate: { changed: boolean, notFound: Array<string>, object:
      | { kind: string, metadata: { name: string, namespace: string | null } }
      | { kind: string, metadata: { name: string, namespace: string | null } }
      | { kind: string, metadata: { name: string, namespace: string | null } }
      | { kind: string, metadata: { name: string, namespace: string | null } }
      | { kind: string, metadata: { name: string, namespace: string | null } }
      | { kind: string, metadata: { name: string, namespace: string | null } }
      | { kind: string, metadata: { name: string, namespace: string | null } }
      | { kind: string, metadata: { name: string, namespace: string | null } }
      | { kind: string, metadata: { name: string, namespace: string | null } }
      | { kind: string, metadata: { name: string, namespace: string | null } }
      | { kind: string, metadata: { name: string, namespace: string | null } }
      | { kind: string, metadata: { name: string, namespace: string | null } }
     } };

export type SetImageMutationVariables = Exact<{
  kind: ImageKind;
  namespace: string;
  name: string;
  images: Array<ContainerImageInput> | ContainerImageInput;
  dryRun?: boolean | null | undefined;
}>;


export type SetImageMutation = { setImage: { changed: boolean, object:
      | { kind: string, metadata: { name: string, namespace: string | null, generation: number } }
      | { kind: string, metadata: { name: string, namespace: string | null, generation: number } }
      | { kind: string, metadata: { name: string, namespace: string | null, generation: number } }
      | { kind: string, metadata: { name: string, namespace: string | null, generation: number } }
      | { kind: string, metadata: { name: string, namespace: string | null, generation: number } }
      | { kind: string, metadata: { name: string, namespace: string | null, generation: number } }
      | { kind: string, metadata: { name: string, namespace: string | null, generation: number } }
      | { kind: string, metadata: { name: string, namespace: string | null, generation: number } }
      | { kind: string, metadata: { name: string, namespace: string | null, generation: number } }
      | { kind: string, metadata: { name: string, namespace: string | null, generation: number } }
      | { kind: string, metadata: { name: string, namespace: string | null, generation: number } }
      | { kind: string, metadata: { name: string, namespace: string | null, generation: number } }
     } };

export type ExecMutationVariables = Exact<{
  namespace: string;
  name: string;
  container?: string | null | undefined;
  command: Array<string> | string;
  timeoutSeconds?: number | null | undefined;
}>;


export type ExecMutation = { exec: { stdout: string, stderr: string, exitCode: number | null, timedOut: boolean, truncated: boolean } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const KeyValueFieldsFragmentDoc = new TypedDocumentString(`
    fragment KeyValueFields on KeyValue {
  key
  value
}
    `, {"fragmentName":"KeyValueFields"}) as unknown as TypedDocumentString<KeyValueFieldsFragment, unknown>;
export const ObjectMetaFieldsFragmentDoc = new TypedDocumentString(`
    fragment ObjectMetaFields on ObjectMeta {
  name
  generateName
  namespace
  uid
  labels {
    ...KeyValueFields
  }
  annotations {
    ...KeyValueFields
  }
  resourceVersion
  generation
  creationTimestamp
  deletionTimestamp
  deletionGracePeriodSeconds
  ownerReferences {
    apiVersion
    kind
    name
    uid
    controller
    blockOwnerDeletion
  }
  finalizers
}
    fragment KeyValueFields on KeyValue {
  key
  value
}`, {"fragmentName":"ObjectMetaFields"}) as unknown as TypedDocumentString<ObjectMetaFieldsFragment, unknown>;
export const ProbeFieldsFragmentDoc = new TypedDocumentString(`
    fragment ProbeFields on Probe {
  httpGet {
    path
    port
    host
    scheme
    httpHeaders {
      name
      value
    }
  }
  tcpSocket {
    port
    host
  }
  exec {
    command
  }
  initialDelaySeconds
  periodSeconds
  timeoutSeconds
  successThreshold
  failureThreshold
}
    `, {"fragmentName":"ProbeFields"}) as unknown as TypedDocumentString<ProbeFieldsFragment, unknown>;
export const ContainerFieldsFragmentDoc = new TypedDocumentString(`
    fragment ContainerFields on Container {
  name
  image
  imagePullPolicy
  command
  args
  workingDir
  env {
    name
    value
    valueFrom {
      fieldRef {
        fieldPath
      }
      configMapKeyRef {
        name
        key
        optional
      }
      secretKeyRef {
        name
        key
        optional
      }
    }
  }
  envFrom {
    prefix
    configMapRef {
      name
      optional
    }
    secretRef {
      name
      optional
    }
  }
  ports {
    name
    containerPort
    hostPort
    protocol
  }
  resources {
    limits {
      cpu
      memory
    }
    requests {
      cpu
      memory
    }
  }
  volumeMounts {
    name
    mountPath
    readOnly
    subPath
  }
  livenessProbe {
    ...ProbeFields
  }
  readinessProbe {
    ...ProbeFields
  }
  startupProbe {
    ...ProbeFields
  }
}
    fragment ProbeFields on Probe {
  httpGet {
    path
    port
    host
    scheme
    httpHeaders {
      name
      value
    }
  }
  tcpSocket {
    port
    host
  }
  exec {
    command
  }
  initialDelaySeconds
  periodSeconds
  timeoutSeconds
  successThreshold
  failureThreshold
}`, {"fragmentName":"ContainerFields"}) as unknown as TypedDocumentString<ContainerFieldsFragment, unknown>;
export const PodSpecFieldsFragmentDoc = new TypedDocumentString(`
    fragment PodSpecFields on PodSpec {
  containers {
    ...ContainerFields
  }
  volumes {
    name
    emptyDir {
      medium
      sizeLimit
    }
    hostPath {
      path
      type
    }
    persistentVolumeClaim {
      claimName
      readOnly
    }
    configMap {
      name
      items {
        key
        path
        mode
      }
      defaultMode
      optional
    }
    secret {
      secretName
      items {
        key
        path
        mode
      }
      defaultMode
      optional
    }
  }
  restartPolicy
  terminationGracePeriodSeconds
  nodeName
  nodeSelector {
    ...KeyValueFields
  }
  tolerations {
    key
    operator
    value
    effect
    tolerationSeconds
  }
  hostname
  subdomain
  imagePullSecrets {
    name
  }
}
    fragment KeyValueFields on KeyValue {
  key
  value
}
fragment ProbeFields on Probe {
  httpGet {
    path
    port
    host
    scheme
    httpHeaders {
      name
      value
    }
  }
  tcpSocket {
    port
    host
  }
  exec {
    command
  }
  initialDelaySeconds
  periodSeconds
  timeoutSeconds
  successThreshold
  failureThreshold
}
fragment ContainerFields on Container {
  name
  image
  imagePullPolicy
  command
  args
  workingDir
  env {
    name
    value
    valueFrom {
      fieldRef {
        fieldPath
      }
      configMapKeyRef {
        name
        key
        optional
      }
      secretKeyRef {
        name
        key
        optional
      }
    }
  }
  envFrom {
    prefix
    configMapRef {
      name
      optional
    }
    secretRef {
      name
      optional
    }
  }
  ports {
    name
    containerPort
    hostPort
    protocol
  }
  resources {
    limits {
      cpu
      memory
    }
    requests {
      cpu
      memory
    }
  }
  volumeMounts {
    name
    mountPath
    readOnly
    subPath
  }
  livenessProbe {
    ...ProbeFields
  }
  readinessProbe {
    ...ProbeFields
  }
  startupProbe {
    ...ProbeFields
  }
}`, {"fragmentName":"PodSpecFields"}) as unknown as TypedDocumentString<PodSpecFieldsFragment, unknown>;
export const ContainerStateFieldsFragmentDoc = new TypedDocumentString(`
    fragment ContainerStateFields on ContainerState {
  waiting {
    reason
    message
  }
  running {
    startedAt
  }
  terminated {
    exitCode
    reason
    message
    startedAt
    finishedAt
  }
}
    `, {"fragmentName":"ContainerStateFields"}) as unknown as TypedDocumentString<ContainerStateFieldsFragment, unknown>;
export const PodFieldsFragmentDoc = new TypedDocumentString(`
    fragment PodFields on Pod {
  apiVersion
  kind
  metadata {
    ...ObjectMetaFields
  }
  spec {
    ...PodSpecFields
  }
  status {
    phase
    reason
    message
    conditions {
      type
      status
      reason
      message
      lastTransitionTime
    }
    podIP
    hostIP
    startTime
    containerStatuses {
      name
      image
      imageID
      containerID
      ready
      started
      restartCount
      state {
        ...ContainerStateFields
      }
      lastState {
        ...ContainerStateFields
      }
    }
    hostPorts {
      containerPort
      protocol
      hostIP
      hostPort
    }
  }
  ready
  restarts
  displayStatus
}
    fragment KeyValueFields on KeyValue {
  key
  value
}
fragment ObjectMetaFields on ObjectMeta {
  name
  generateName
  namespace
  uid
  labels {
    ...KeyValueFields
  }
  annotations {
    ...KeyValueFields
  }
  resourceVersion
  generation
  creationTimestamp
  deletionTimestamp
  deletionGracePeriodSeconds
  ownerReferences {
    apiVersion
    kind
    name
    uid
    controller
    blockOwnerDeletion
  }
  finalizers
}
fragment ProbeFields on Probe {
  httpGet {
    path
    port
    host
    scheme
    httpHeaders {
      name
      value
    }
  }
  tcpSocket {
    port
    host
  }
  exec {
    command
  }
  initialDelaySeconds
  periodSeconds
  timeoutSeconds
  successThreshold
  failureThreshold
}
fragment ContainerFields on Container {
  name
  image
  imagePullPolicy
  command
  args
  workingDir
  env {
    name
    value
    valueFrom {
      fieldRef {
        fieldPath
      }
      configMapKeyRef {
        name
        key
        optional
      }
      secretKeyRef {
        name
        key
        optional
      }
    }
  }
  envFrom {
    prefix
    configMapRef {
      name
      optional
    }
    secretRef {
      name
      optional
    }
  }
  ports {
    name
    containerPort
    hostPort
    protocol
  }
  resources {
    limits {
      cpu
      memory
    }
    requests {
      cpu
      memory
    }
  }
  volumeMounts {
    name
    mountPath
    readOnly
    subPath
  }
  livenessProbe {
    ...ProbeFields
  }
  readinessProbe {
    ...ProbeFields
  }
  startupProbe {
    ...ProbeFields
  }
}
fragment PodSpecFields on PodSpec {
  containers {
    ...ContainerFields
  }
  volumes {
    name
    emptyDir {
      medium
      sizeLimit
    }
    hostPath {
      path
      type
    }
    persistentVolumeClaim {
      claimName
      readOnly
    }
    configMap {
      name
      items {
        key
        path
        mode
      }
      defaultMode
      optional
    }
    secret {
      secretName
      items {
        key
        path
        mode
      }
      defaultMode
      optional
    }
  }
  restartPolicy
  terminationGracePeriodSeconds
  nodeName
  nodeSelector {
    ...KeyValueFields
  }
  tolerations {
    key
    operator
    value
    effect
    tolerationSeconds
  }
  hostname
  subdomain
  imagePullSecrets {
    name
  }
}
fragment ContainerStateFields on ContainerState {
  waiting {
    reason
    message
  }
  running {
    startedAt
  }
  terminated {
    exitCode
    reason
    message
    startedAt
    finishedAt
  }
}`, {"fragmentName":"PodFields"}) as unknown as TypedDocumentString<PodFieldsFragment, unknown>;
export const PodTemplateFieldsFragmentDoc = new TypedDocumentString(`
    fragment PodTemplateFields on PodTemplateSpec {
  metadata {
    labels {
      ...KeyValueFields
    }
    annotations {
      ...KeyValueFields
    }
  }
  spec {
    ...PodSpecFields
  }
}
    fragment KeyValueFields on KeyValue {
  key
  value
}
fragment ProbeFields on Probe {
  httpGet {
    path
    port
    host
    scheme
    httpHeaders {
      name
      value
    }
  }
  tcpSocket {
    port
    host
  }
  exec {
    command
  }
  initialDelaySeconds
  periodSeconds
  timeoutSeconds
  successThreshold
  failureThreshold
}
fragment ContainerFields on Container {
  name
  image
  imagePullPolicy
  command
  args
  workingDir
  env {
    name
    value
    valueFrom {
      fieldRef {
        fieldPath
      }
      configMapKeyRef {
        name
        key
        optional
      }
      secretKeyRef {
        name
        key
        optional
      }
    }
  }
  envFrom {
    prefix
    configMapRef {
      name
      optional
    }
    secretRef {
      name
      optional
    }
  }
  ports {
    name
    containerPort
    hostPort
    protocol
  }
  resources {
    limits {
      cpu
      memory
    }
    requests {
      cpu
      memory
    }
  }
  volumeMounts {
    name
    mountPath
    readOnly
    subPath
  }
  livenessProbe {
    ...ProbeFields
  }
  readinessProbe {
    ...ProbeFields
  }
  startupProbe {
    ...ProbeFields
  }
}
fragment PodSpecFields on PodSpec {
  containers {
    ...ContainerFields
  }
  volumes {
    name
    emptyDir {
      medium
      sizeLimit
    }
    hostPath {
      path
      type
    }
    persistentVolumeClaim {
      claimName
      readOnly
    }
    configMap {
      name
      items {
        key
        path
        mode
      }
      defaultMode
      optional
    }
    secret {
      secretName
      items {
        key
        path
        mode
      }
      defaultMode
      optional
    }
  }
  restartPolicy
  terminationGracePeriodSeconds
  nodeName
  nodeSelector {
    ...KeyValueFields
  }
  tolerations {
    key
    operator
    value
    effect
    tolerationSeconds
  }
  hostname
  subdomain
  imagePullSecrets {
    name
  }
}`, {"fragmentName":"PodTemplateFields"}) as unknown as TypedDocumentString<PodTemplateFieldsFragment, unknown>;
export const ReplicationControllerFieldsFragmentDoc = new TypedDocumentString(`
    fragment ReplicationControllerFields on ReplicationController {
  apiVersion
  kind
  metadata {
    ...ObjectMetaFields
  }
  spec {
    replicas
    minReadySeconds
    selector {
      ...KeyValueFields
    }
    template {
      ...PodTemplateFields
    }
  }
  status {
    replicas
    fullyLabeledReplicas
    readyReplicas
    availableReplicas
    observedGeneration
    conditions {
      type
      status
      reason
      message
      lastTransitionTime
    }
  }
}
    fragment KeyValueFields on KeyValue {
  key
  value
}
fragment ObjectMetaFields on ObjectMeta {
  name
  generateName
  namespace
  uid
  labels {
    ...KeyValueFields
  }
  annotations {
    ...KeyValueFields
  }
  resourceVersion
  generation
  creationTimestamp
  deletionTimestamp
  deletionGracePeriodSeconds
  ownerReferences {
    apiVersion
    kind
    name
    uid
    controller
    blockOwnerDeletion
  }
  finalizers
}
fragment ProbeFields on Probe {
  httpGet {
    path
    port
    host
    scheme
    httpHeaders {
      name
      value
    }
  }
  tcpSocket {
    port
    host
  }
  exec {
    command
  }
  initialDelaySeconds
  periodSeconds
  timeoutSeconds
  successThreshold
  failureThreshold
}
fragment ContainerFields on Container {
  name
  image
  imagePullPolicy
  command
  args
  workingDir
  env {
    name
    value
    valueFrom {
      fieldRef {
        fieldPath
      }
      configMapKeyRef {
        name
        key
        optional
      }
      secretKeyRef {
        name
        key
        optional
      }
    }
  }
  envFrom {
    prefix
    configMapRef {
      name
      optional
    }
    secretRef {
      name
      optional
    }
  }
  ports {
    name
    containerPort
    hostPort
    protocol
  }
  resources {
    limits {
      cpu
      memory
    }
    requests {
      cpu
      memory
    }
  }
  volumeMounts {
    name
    mountPath
    readOnly
    subPath
  }
  livenessProbe {
    ...ProbeFields
  }
  readinessProbe {
    ...ProbeFields
  }
  startupProbe {
    ...ProbeFields
  }
}
fragment PodSpecFields on PodSpec {
  containers {
    ...ContainerFields
  }
  volumes {
    name
    emptyDir {
      medium
      sizeLimit
    }
    hostPath {
      path
      type
    }
    persistentVolumeClaim {
      claimName
      readOnly
    }
    configMap {
      name
      items {
        key
        path
        mode
      }
      defaultMode
      optional
    }
    secret {
      secretName
      items {
        key
        path
        mode
      }
      defaultMode
      optional
    }
  }
  restartPolicy
  terminationGracePeriodSeconds
  nodeName
  nodeSelector {
    ...KeyValueFields
  }
  tolerations {
    key
    operator
    value
    effect
    tolerationSeconds
  }
  hostname
  subdomain
  imagePullSecrets {
    name
  }
}
fragment PodTemplateFields on PodTemplateSpec {
  metadata {
    labels {
      ...KeyValueFields
    }
    annotations {
      ...KeyValueFields
    }
  }
  spec {
    ...PodSpecFields
  }
}`, {"fragmentName":"ReplicationControllerFields"}) as unknown as TypedDocumentString<ReplicationControllerFieldsFragment, unknown>;
export const DeploymentFieldsFragmentDoc = new TypedDocumentString(`
    fragment DeploymentFields on Deployment {
  apiVersion
  kind
  metadata {
    ...ObjectMetaFields
  }
  spec {
    replicas
    selector {
      matchLabels {
        ...KeyValueFields
      }
      matchExpressions {
        key
        operator
        values
      }
    }
    template {
      ...PodTemplateFields
    }
    strategy {
      type
      rollingUpdate {
        maxSurge
        maxUnavailable
      }
    }
    minReadySeconds
    revisionHistoryLimit
    progressDeadlineSeconds
    paused
  }
  status {
    observedGeneration
    replicas
    updatedReplicas
    readyReplicas
    availableReplicas
    unavailableReplicas
    conditions {
      type
      status
      reason
      message
      lastUpdateTime
      lastTransitionTime
    }
  }
  revision
}
    fragment KeyValueFields on KeyValue {
  key
  value
}
fragment ObjectMetaFields on ObjectMeta {
  name
  generateName
  namespace
  uid
  labels {
    ...KeyValueFields
  }
  annotations {
    ...KeyValueFields
  }
  resourceVersion
  generation
  creationTimestamp
  deletionTimestamp
  deletionGracePeriodSeconds
  ownerReferences {
    apiVersion
    kind
    name
    uid
    controller
    blockOwnerDeletion
  }
  finalizers
}
fragment ProbeFields on Probe {
  httpGet {
    path
    port
    host
    scheme
    httpHeaders {
      name
      value
    }
  }
  tcpSocket {
    port
    host
  }
  exec {
    command
  }
  initialDelaySeconds
  periodSeconds
  timeoutSeconds
  successThreshold
  failureThreshold
}
fragment ContainerFields on Container {
  name
  image
  imagePullPolicy
  command
  args
  workingDir
  env {
    name
    value
    valueFrom {
      fieldRef {
        fieldPath
      }
      configMapKeyRef {
        name
        key
        optional
      }
      secretKeyRef {
        name
        key
        optional
      }
    }
  }
  envFrom {
    prefix
    configMapRef {
      name
      optional
    }
    secretRef {
      name
      optional
    }
  }
  ports {
    name
    containerPort
    hostPort
    protocol
  }
  resources {
    limits {
      cpu
      memory
    }
    requests {
      cpu
      memory
    }
  }
  volumeMounts {
    name
    mountPath
    readOnly
    subPath
  }
  livenessProbe {
    ...ProbeFields
  }
  readinessProbe {
    ...ProbeFields
  }
  startupProbe {
    ...ProbeFields
  }
}
fragment PodSpecFields on PodSpec {
  containers {
    ...ContainerFields
  }
  volumes {
    name
    emptyDir {
      medium
      sizeLimit
    }
    hostPath {
      path
      type
    }
    persistentVolumeClaim {
      claimName
      readOnly
    }
    configMap {
      name
      items {
        key
        path
        mode
      }
      defaultMode
      optional
    }
    secret {
      secretName
      items {
        key
        path
        mode
      }
      defaultMode
      optional
    }
  }
  restartPolicy
  terminationGracePeriodSeconds
  nodeName
  nodeSelector {
    ...KeyValueFields
  }
  tolerations {
    key
    operator
    value
    effect
    tolerationSeconds
  }
  hostname
  subdomain
  imagePullSecrets {
    name
  }
}
fragment PodTemplateFields on PodTemplateSpec {
  metadata {
    labels {
      ...KeyValueFields
    }
    annotations {
      ...KeyValueFields
    }
  }
  spec {
    ...PodSpecFields
  }
}`, {"fragmentName":"DeploymentFields"}) as unknown as TypedDocumentString<DeploymentFieldsFragment, unknown>;
export const ServiceFieldsFragmentDoc = new TypedDocumentString(`
    fragment ServiceFields on Service {
  apiVersion
  kind
  metadata {
    ...ObjectMetaFields
  }
  spec {
    type
    selector {
      ...KeyValueFields
    }
    ports {
      name
      protocol
      port
      targetPort
      nodePort
    }
    clusterIP
    sessionAffinity
    loadBalancerIP
  }
  status {
    loadBalancer {
      ingress {
        ip
      }
    }
  }
}
    fragment KeyValueFields on KeyValue {
  key
  value
}
fragment ObjectMetaFields on ObjectMeta {
  name
  generateName
  namespace
  uid
  labels {
    ...KeyValueFields
  }
  annotations {
    ...KeyValueFields
  }
  resourceVersion
  generation
  creationTimestamp
  deletionTimestamp
  deletionGracePeriodSeconds
  ownerReferences {
    apiVersion
    kind
    name
    uid
    controller
    blockOwnerDeletion
  }
  finalizers
}`, {"fragmentName":"ServiceFields"}) as unknown as TypedDocumentString<ServiceFieldsFragment, unknown>;
export const EndpointAddressFieldsFragmentDoc = new TypedDocumentString(`
    fragment EndpointAddressFields on EndpointAddress {
  ip
  hostname
  nodeName
  targetRef {
    kind
    name
    namespace
    uid
  }
}
    `, {"fragmentName":"EndpointAddressFields"}) as unknown as TypedDocumentString<EndpointAddressFieldsFragment, unknown>;
export const EndpointsFieldsFragmentDoc = new TypedDocumentString(`
    fragment EndpointsFields on Endpoints {
  apiVersion
  kind
  metadata {
    ...ObjectMetaFields
  }
  subsets {
    addresses {
      ...EndpointAddressFields
    }
    notReadyAddresses {
      ...EndpointAddressFields
    }
    ports {
      name
      port
      protocol
    }
  }
}
    fragment KeyValueFields on KeyValue {
  key
  value
}
fragment ObjectMetaFields on ObjectMeta {
  name
  generateName
  namespace
  uid
  labels {
    ...KeyValueFields
  }
  annotations {
    ...KeyValueFields
  }
  resourceVersion
  generation
  creationTimestamp
  deletionTimestamp
  deletionGracePeriodSeconds
  ownerReferences {
    apiVersion
    kind
    name
    uid
    controller
    blockOwnerDeletion
  }
  finalizers
}
fragment EndpointAddressFields on EndpointAddress {
  ip
  hostname
  nodeName
  targetRef {
    kind
    name
    namespace
    uid
  }
}`, {"fragmentName":"EndpointsFields"}) as unknown as TypedDocumentString<EndpointsFieldsFragment, unknown>;
export const NodeFieldsFragmentDoc = new TypedDocumentString(`
    fragment NodeFields on Node {
  apiVersion
  kind
  metadata {
    ...ObjectMetaFields
  }
  spec {
    unschedulable
    taints {
      key
      value
      effect
      timeAdded
    }
    podCIDR
  }
  status {
    capacity {
      cpu
      memory
      pods
    }
    allocatable {
      cpu
      memory
      pods
    }
    addresses {
      type
      address
    }
    conditions {
      type
      status
      reason
      message
      lastHeartbeatTime
      lastTransitionTime
    }
    nodeInfo {
      containerRuntimeVersion
      kubeletVersion
      operatingSystem
      architecture
    }
  }
  displayStatus
}
    fragment KeyValueFields on KeyValue {
  key
  value
}
fragment ObjectMetaFields on ObjectMeta {
  name
  generateName
  namespace
  uid
  labels {
    ...KeyValueFields
  }
  annotations {
    ...KeyValueFields
  }
  resourceVersion
  generation
  creationTimestamp
  deletionTimestamp
  deletionGracePeriodSeconds
  ownerReferences {
    apiVersion
    kind
    name
    uid
    controller
    blockOwnerDeletion
  }
  finalizers
}`, {"fragmentName":"NodeFields"}) as unknown as TypedDocumentString<NodeFieldsFragment, unknown>;
export const NamespaceFieldsFragmentDoc = new TypedDocumentString(`
    fragment NamespaceFields on Namespace {
  apiVersion
  kind
  metadata {
    ...ObjectMetaFields
  }
  status {
    phase
  }
}
    fragment KeyValueFields on KeyValue {
  key
  value
}
fragment ObjectMetaFields on ObjectMeta {
  name
  generateName
  namespace
  uid
  labels {
    ...KeyValueFields
  }
  annotations {
    ...KeyValueFields
  }
  resourceVersion
  generation
  creationTimestamp
  deletionTimestamp
  deletionGracePeriodSeconds
  ownerReferences {
    apiVersion
    kind
    name
    uid
    controller
    blockOwnerDeletion
  }
  finalizers
}`, {"fragmentName":"NamespaceFields"}) as unknown as TypedDocumentString<NamespaceFieldsFragment, unknown>;
export const EventFieldsFragmentDoc = new TypedDocumentString(`
    fragment EventFields on Event {
  apiVersion
  kind
  metadata {
    ...ObjectMetaFields
  }
  involvedObject {
    kind
    name
    namespace
    uid
    resourceVersion
  }
  reason
  message
  type
  source {
    component
    host
  }
  count
  firstTimestamp
  lastTimestamp
}
    fragment KeyValueFields on KeyValue {
  key
  value
}
fragment ObjectMetaFields on ObjectMeta {
  name
  generateName
  namespace
  uid
  labels {
    ...KeyValueFields
  }
  annotations {
    ...KeyValueFields
  }
  resourceVersion
  generation
  creationTimestamp
  deletionTimestamp
  deletionGracePeriodSeconds
  ownerReferences {
    apiVersion
    kind
    name
    uid
    controller
    blockOwnerDeletion
  }
  finalizers
}`, {"fragmentName":"EventFields"}) as unknown as TypedDocumentString<EventFieldsFragment, unknown>;
export const PersistentVolumeClaimFieldsFragmentDoc = new TypedDocumentString(`
    fragment PersistentVolumeClaimFields on PersistentVolumeClaim {
  apiVersion
  kind
  metadata {
    ...ObjectMetaFields
  }
  spec {
    accessModes
    resources {
      requests {
        storage
      }
    }
    storageClassName
    volumeName
  }
  status {
    phase
  }
}
    fragment KeyValueFields on KeyValue {
  key
  value
}
fragment ObjectMetaFields on ObjectMeta {
  name
  generateName
  namespace
  uid
  labels {
    ...KeyValueFields
  }
  annotations {
    ...KeyValueFields
  }
  resourceVersion
  generation
  creationTimestamp
  deletionTimestamp
  deletionGracePeriodSeconds
  ownerReferences {
    apiVersion
    kind
    name
    uid
    controller
    blockOwnerDeletion
  }
  finalizers
}`, {"fragmentName":"PersistentVolumeClaimFields"}) as unknown as TypedDocumentString<PersistentVolumeClaimFieldsFragment, unknown>;
export const ConfigMapFieldsFragmentDoc = new TypedDocumentString(`
    fragment ConfigMapFields on ConfigMap {
  apiVersion
  kind
  metadata {
    ...ObjectMetaFields
  }
  data {
    ...KeyValueFields
  }
  binaryData {
    ...KeyValueFields
  }
  immutable
}
    fragment KeyValueFields on KeyValue {
  key
  value
}
fragment ObjectMetaFields on ObjectMeta {
  name
  generateName
  namespace
  uid
  labels {
    ...KeyValueFields
  }
  annotations {
    ...KeyValueFields
  }
  resourceVersion
  generation
  creationTimestamp
  deletionTimestamp
  deletionGracePeriodSeconds
  ownerReferences {
    apiVersion
    kind
    name
    uid
    controller
    blockOwnerDeletion
  }
  finalizers
}`, {"fragmentName":"ConfigMapFields"}) as unknown as TypedDocumentString<ConfigMapFieldsFragment, unknown>;
export const SecretFieldsFragmentDoc = new TypedDocumentString(`
    fragment SecretFields on Secret {
  apiVersion
  kind
  metadata {
    ...ObjectMetaFields
  }
  type
  data {
    ...KeyValueFields
  }
  immutable
}
    fragment KeyValueFields on KeyValue {
  key
  value
}
fragment ObjectMetaFields on ObjectMeta {
  name
  generateName
  namespace
  uid
  labels {
    ...KeyValueFields
  }
  annotations {
    ...KeyValueFields
  }
  resourceVersion
  generation
  creationTimestamp
  deletionTimestamp
  deletionGracePeriodSeconds
  ownerReferences {
    apiVersion
    kind
    name
    uid
    controller
    blockOwnerDeletion
  }
  finalizers
}`, {"fragmentName":"SecretFields"}) as unknown as TypedDocumentString<SecretFieldsFragment, unknown>;
export const LeaseFieldsFragmentDoc = new TypedDocumentString(`
    fragment LeaseFields on Lease {
  apiVersion
  kind
  metadata {
    ...ObjectMetaFields
  }
  spec {
    holderIdentity
    leaseDurationSeconds
    acquireTime
    renewTime
  }
}
    fragment KeyValueFields on KeyValue {
  key
  value
}
fragment ObjectMetaFields on ObjectMeta {
  name
  generateName
  namespace
  uid
  labels {
    ...KeyValueFields
  }
  annotations {
    ...KeyValueFields
  }
  resourceVersion
  generation
  creationTimestamp
  deletionTimestamp
  deletionGracePeriodSeconds
  ownerReferences {
    apiVersion
    kind
    name
    uid
    controller
    blockOwnerDeletion
  }
  finalizers
}`, {"fragmentName":"LeaseFields"}) as unknown as TypedDocumentString<LeaseFieldsFragment, unknown>;
export const DashboardNodesDocument = new TypedDocumentString(`
    subscription DashboardNodes($sinceResourceVersion: String) {
  watch(kind: Node, sinceResourceVersion: $sinceResourceVersion) {
    type
    resourceVersion
    object {
      ... on Node {
        metadata {
          name
          uid
          creationTimestamp
        }
        spec {
          unschedulable
        }
        status {
          addresses {
            type
            address
          }
          nodeInfo {
            kubeletVersion
          }
        }
        displayStatus
      }
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardNodesSubscription, DashboardNodesSubscriptionVariables>;
export const DashboardPodsDocument = new TypedDocumentString(`
    subscription DashboardPods($sinceResourceVersion: String) {
  watch(kind: Pod, sinceResourceVersion: $sinceResourceVersion) {
    type
    resourceVersion
    object {
      ... on Pod {
        metadata {
          name
          namespace
          uid
          creationTimestamp
        }
        spec {
          nodeName
        }
        status {
          phase
          podIP
        }
        ready
        restarts
        displayStatus
      }
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardPodsSubscription, DashboardPodsSubscriptionVariables>;
export const DashboardDeploymentsDocument = new TypedDocumentString(`
    subscription DashboardDeployments($sinceResourceVersion: String) {
  watch(kind: Deployment, sinceResourceVersion: $sinceResourceVersion) {
    type
    resourceVersion
    object {
      ... on Deployment {
        metadata {
          name
          namespace
          uid
          creationTimestamp
        }
        spec {
          replicas
        }
        status {
          replicas
          updatedReplicas
          readyReplicas
          availableReplicas
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardDeploymentsSubscription, DashboardDeploymentsSubscriptionVariables>;
export const DashboardReplicationControllersDocument = new TypedDocumentString(`
    subscription DashboardReplicationControllers($sinceResourceVersion: String) {
  watch(kind: ReplicationController, sinceResourceVersion: $sinceResourceVersion) {
    type
    resourceVersion
    object {
      ... on ReplicationController {
        metadata {
          name
          namespace
          uid
          creationTimestamp
          ownerReferences {
            kind
            name
          }
        }
        spec {
          replicas
        }
        status {
          replicas
          readyReplicas
          availableReplicas
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardReplicationControllersSubscription, DashboardReplicationControllersSubscriptionVariables>;
export const DashboardServicesDocument = new TypedDocumentString(`
    subscription DashboardServices($sinceResourceVersion: String) {
  watch(kind: Service, sinceResourceVersion: $sinceResourceVersion) {
    type
    resourceVersion
    object {
      ... on Service {
        metadata {
          name
          namespace
          uid
          creationTimestamp
        }
        spec {
          type
          clusterIP
          ports {
            name
            protocol
            port
            nodePort
          }
        }
        status {
          loadBalancer {
            ingress {
              ip
            }
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardServicesSubscription, DashboardServicesSubscriptionVariables>;
export const DashboardEventsDocument = new TypedDocumentString(`
    subscription DashboardEvents($sinceResourceVersion: String) {
  watch(kind: Event, sinceResourceVersion: $sinceResourceVersion) {
    type
    resourceVersion
    object {
      ... on Event {
        metadata {
          name
          namespace
          uid
          creationTimestamp
        }
        involvedObject {
          kind
          name
        }
        type
        reason
        message
        count
        lastTimestamp
      }
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardEventsSubscription, DashboardEventsSubscriptionVariables>;
export const DashboardNamespacesDocument = new TypedDocumentString(`
    subscription DashboardNamespaces($sinceResourceVersion: String) {
  watch(kind: Namespace, sinceResourceVersion: $sinceResourceVersion) {
    type
    resourceVersion
    object {
      ... on Namespace {
        metadata {
          name
          uid
        }
        status {
          phase
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardNamespacesSubscription, DashboardNamespacesSubscriptionVariables>;
export const DashboardPodDocument = new TypedDocumentString(`
    query DashboardPod($namespace: String!, $name: String!) {
  pod(namespace: $namespace, name: $name) {
    apiVersion
    kind
    metadata {
      name
      generateName
      namespace
      uid
      labels {
        key
        value
      }
      annotations {
        key
        value
      }
      resourceVersion
      generation
      creationTimestamp
      deletionTimestamp
      deletionGracePeriodSeconds
      ownerReferences {
        apiVersion
        kind
        name
        uid
        controller
        blockOwnerDeletion
      }
      finalizers
    }
    spec {
      containers {
        name
        image
        imagePullPolicy
        command
        args
        workingDir
        env {
          name
          value
          valueFrom {
            fieldRef {
              fieldPath
            }
            configMapKeyRef {
              name
              key
              optional
            }
            secretKeyRef {
              name
              key
              optional
            }
          }
        }
        envFrom {
          prefix
          configMapRef {
            name
            optional
          }
          secretRef {
            name
            optional
          }
        }
        ports {
          name
          containerPort
          hostPort
          protocol
        }
        resources {
          limits {
            cpu
            memory
          }
          requests {
            cpu
            memory
          }
        }
        volumeMounts {
          name
          mountPath
          readOnly
          subPath
        }
        livenessProbe {
          httpGet {
            path
            port
            host
            scheme
            httpHeaders {
              name
              value
            }
          }
          tcpSocket {
            port
            host
          }
          exec {
            command
          }
          initialDelaySeconds
          periodSeconds
          timeoutSeconds
          successThreshold
          failureThreshold
        }
        readinessProbe {
          httpGet {
            path
            port
            host
            scheme
            httpHeaders {
              name
              value
            }
          }
          tcpSocket {
            port
            host
          }
          exec {
            command
          }
          initialDelaySeconds
          periodSeconds
          timeoutSeconds
          successThreshold
          failureThreshold
        }
        startupProbe {
          httpGet {
            path
            port
            host
            scheme
            httpHeaders {
              name
              value
            }
          }
          tcpSocket {
            port
            host
          }
          exec {
            command
          }
          initialDelaySeconds
          periodSeconds
          timeoutSeconds
          successThreshold
          failureThreshold
        }
      }
      volumes {
        name
        emptyDir {
          medium
          sizeLimit
        }
        hostPath {
          path
          type
        }
        persistentVolumeClaim {
          claimName
          readOnly
        }
        configMap {
          name
          items {
            key
            path
            mode
          }
          defaultMode
          optional
        }
        secret {
          secretName
          items {
            key
            path
            mode
          }
          defaultMode
          optional
        }
      }
      restartPolicy
      terminationGracePeriodSeconds
      nodeName
      nodeSelector {
        key
        value
      }
      tolerations {
        key
        operator
        value
        effect
        tolerationSeconds
      }
      hostname
      subdomain
      imagePullSecrets {
        name
      }
    }
    status {
      phase
      reason
      message
      conditions {
        type
        status
        reason
        message
        lastTransitionTime
      }
      podIP
      hostIP
      startTime
      containerStatuses {
        name
        image
        imageID
        containerID
        ready
        started
        restartCount
        state {
          waiting {
            reason
            message
          }
          running {
            startedAt
          }
          terminated {
            exitCode
            reason
            message
            startedAt
            finishedAt
          }
        }
        lastState {
          waiting {
            reason
            message
          }
          running {
            startedAt
          }
          terminated {
            exitCode
            reason
            message
            startedAt
            finishedAt
          }
        }
      }
      hostPorts {
        containerPort
        protocol
        hostIP
        hostPort
      }
    }
    ready
    restarts
    displayStatus
    rootOwner {
      kind
      metadata {
        name
      }
    }
    events {
      apiVersion
      kind
      metadata {
        name
        generateName
        namespace
        uid
        labels {
          key
          value
        }
        annotations {
          key
          value
        }
        resourceVersion
        generation
        creationTimestamp
        deletionTimestamp
        deletionGracePeriodSeconds
        ownerReferences {
          apiVersion
          kind
          name
          uid
          controller
          blockOwnerDeletion
        }
        finalizers
      }
      involvedObject {
        kind
        name
        namespace
        uid
        resourceVersion
      }
      reason
      message
      type
      source {
        component
        host
      }
      count
      firstTimestamp
      lastTimestamp
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardPodQuery, DashboardPodQueryVariables>;
export const DashboardNodeDocument = new TypedDocumentString(`
    query DashboardNode($name: String!) {
  node(name: $name) {
    apiVersion
    kind
    metadata {
      name
      generateName
      namespace
      uid
      labels {
        key
        value
      }
      annotations {
        key
        value
      }
      resourceVersion
      generation
      creationTimestamp
      deletionTimestamp
      deletionGracePeriodSeconds
      ownerReferences {
        apiVersion
        kind
        name
        uid
        controller
        blockOwnerDeletion
      }
      finalizers
    }
    spec {
      unschedulable
      taints {
        key
        value
        effect
        timeAdded
      }
      podCIDR
    }
    status {
      capacity {
        cpu
        memory
        pods
      }
      allocatable {
        cpu
        memory
        pods
      }
      addresses {
        type
        address
      }
      conditions {
        type
        status
        reason
        message
        lastHeartbeatTime
        lastTransitionTime
      }
      nodeInfo {
        containerRuntimeVersion
        kubeletVersion
        operatingSystem
        architecture
      }
    }
    displayStatus
    events {
      apiVersion
      kind
      metadata {
        name
        generateName
        namespace
        uid
        labels {
          key
          value
        }
        annotations {
          key
          value
        }
        resourceVersion
        generation
        creationTimestamp
        deletionTimestamp
        deletionGracePeriodSeconds
        ownerReferences {
          apiVersion
          kind
          name
          uid
          controller
          blockOwnerDeletion
        }
        finalizers
      }
      involvedObject {
        kind
        name
        namespace
        uid
        resourceVersion
      }
      reason
      message
      type
      source {
        component
        host
      }
      count
      firstTimestamp
      lastTimestamp
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardNodeQuery, DashboardNodeQueryVariables>;
export const DashboardPodLogsDocument = new TypedDocumentString(`
    subscription DashboardPodLogs($namespace: String!, $name: String!, $container: String!, $tailLines: Int) {
  podLogs(
    namespace: $namespace
    name: $name
    container: $container
    follow: true
    tailLines: $tailLines
  ) {
    container
    text
    timestamp
  }
}
    `) as unknown as TypedDocumentString<DashboardPodLogsSubscription, DashboardPodLogsSubscriptionVariables>;
export const DashboardApplyDocument = new TypedDocumentString(`
    mutation DashboardApply($manifest: String!, $namespace: String, $dryRun: Boolean) {
  apply(manifest: $manifest, namespace: $namespace, dryRun: $dryRun) {
    index
    kind
    namespace
    name
    action
    diff
  }
}
    `) as unknown as TypedDocumentString<DashboardApplyMutation, DashboardApplyMutationVariables>;
export const DashboardRolloutRestartDocument = new TypedDocumentString(`
    mutation DashboardRolloutRestart($namespace: String!, $name: String!) {
  rolloutRestart(namespace: $namespace, name: $name) {
    metadata {
      name
      namespace
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardRolloutRestartMutation, DashboardRolloutRestartMutationVariables>;
export const CreatePodDocument = new TypedDocumentString(`
    mutation CreatePod($pod: PodInput!, $dryRun: Boolean) {
  createPod(pod: $pod, dryRun: $dryRun) {
    kind
    metadata {
      name
      namespace
    }
  }
}
    `) as unknown as TypedDocumentString<CreatePodMutation, CreatePodMutationVariables>;
export const DeletePodDocument = new TypedDocumentString(`
    mutation DeletePod($namespace: String!, $name: String!, $propagationPolicy: PropagationPolicy, $gracePeriodSeconds: Int, $dryRun: Boolean) {
  deletePod(
    namespace: $namespace
    name: $name
    propagationPolicy: $propagationPolicy
    gracePeriodSeconds: $gracePeriodSeconds
    dryRun: $dryRun
  ) {
    kind
    metadata {
      name
      namespace
    }
  }
}
    `) as unknown as TypedDocumentString<DeletePodMutation, DeletePodMutationVariables>;
export const CreateReplicationControllerDocument = new TypedDocumentString(`
    mutation CreateReplicationController($replicationController: ReplicationControllerInput!, $dryRun: Boolean) {
  createReplicationController(
    replicationController: $replicationController
    dryRun: $dryRun
  ) {
    kind
    metadata {
      name
      namespace
    }
  }
}
    `) as unknown as TypedDocumentString<CreateReplicationControllerMutation, CreateReplicationControllerMutationVariables>;
export const DeleteReplicationControllerDocument = new TypedDocumentString(`
    mutation DeleteReplicationController($namespace: String!, $name: String!, $propagationPolicy: PropagationPolicy, $gracePeriodSeconds: Int, $dryRun: Boolean) {
  deleteReplicationController(
    namespace: $namespace
    name: $name
    propagationPolicy: $propagationPolicy
    gracePeriodSeconds: $gracePeriodSeconds
    dryRun: $dryRun
  ) {
    kind
    metadata {
      name
      namespace
    }
  }
}
    `) as unknown as TypedDocumentString<DeleteReplicationControllerMutation, DeleteReplicationControllerMutationVariables>;
export const CreateDeploymentDocument = new TypedDocumentString(`
    mutation CreateDeployment($deployment: DeploymentInput!, $dryRun: Boolean) {
  createDeployment(deployment: $deployment, dryRun: $dryRun) {
    kind
    metadata {
      name
      namespace
    }
  }
}
    `) as unknown as TypedDocumentString<CreateDeploymentMutation, CreateDeploymentMutationVariables>;
export const DeleteDeploymentDocument = new TypedDocumentString(`
    mutation DeleteDeployment($namespace: String!, $name: String!, $propagationPolicy: PropagationPolicy, $gracePeriodSeconds: Int, $dryRun: Boolean) {
  deleteDeployment(
    namespace: $namespace
    name: $name
    propagationPolicy: $propagationPolicy
    gracePeriodSeconds: $gracePeriodSeconds
    dryRun: $dryRun
  ) {
    kind
    metadata {
      name
      namespace
    }
  }
}
    `) as unknown as TypedDocumentString<DeleteDeploymentMutation, DeleteDeploymentMutationVariables>;
export const CreateServiceDocument = new TypedDocumentString(`
    mutation CreateService($service: ServiceInput!, $dryRun: Boolean) {
  createService(service: $service, dryRun: $dryRun) {
    kind
    metadata {
      name
      namespace
    }
  }
}
    `) as unknown as TypedDocumentString<CreateServiceMutation, CreateServiceMutationVariables>;
export const DeleteServiceDocument = new TypedDocumentString(`
    mutation DeleteService($namespace: String!, $name: String!, $propagationPolicy: PropagationPolicy, $gracePeriodSeconds: Int, $dryRun: Boolean) {
  deleteService(
    namespace: $namespace
    name: $name
    propagationPolicy: $propagationPolicy
    gracePeriodSeconds: $gracePeriodSeconds
    dryRun: $dryRun
  ) {
    kind
    metadata {
      name
      namespace
    }
  }
}
    `) as unknown as TypedDocumentString<DeleteServiceMutation, DeleteServiceMutationVariables>;
export const CreateEndpointsDocument = new TypedDocumentString(`
    mutation CreateEndpoints($endpoints: EndpointsInput!, $dryRun: Boolean) {
  createEndpoints(endpoints: $endpoints, dryRun: $dryRun) {
    kind
    metadata {
      name
      namespace
    }
  }
}
    `) as unknown as TypedDocumentString<CreateEndpointsMutation, CreateEndpointsMutationVariables>;
export const DeleteEndpointsDocument = new TypedDocumentString(`
    mutation DeleteEndpoints($namespace: String!, $name: String!, $propagationPolicy: PropagationPolicy, $gracePeriodSeconds: Int, $dryRun: Boolean) {
  deleteEndpoints(
    namespace: $namespace
    name: $name
    propagationPolicy: $propagationPolicy
    gracePeriodSeconds: $gracePeriodSeconds
    dryRun: $dryRun
  ) {
    kind
    metadata {
      name
      namespace
    }
  }
}
    `) as unknown as TypedDocumentString<DeleteEndpointsMutation, DeleteEndpointsMutationVariables>;
export const DeleteNodeDocument = new TypedDocumentString(`
    mutation DeleteNode($name: String!, $propagationPolicy: PropagationPolicy, $gracePeriodSeconds: Int, $dryRun: Boolean) {
  deleteNode(
    name: $name
    propagationPolicy: $propagationPolicy
    gracePeriodSeconds: $gracePeriodSeconds
    dryRun: $dryRun
  ) {
    kind
    metadata {
      name
      namespace
    }
  }
}
    `) as unknown as TypedDocumentString<DeleteNodeMutation, DeleteNodeMutationVariables>;
export const CreateNamespaceDocument = new TypedDocumentString(`
    mutation CreateNamespace($namespace: NamespaceInput!, $dryRun: Boolean) {
  createNamespace(namespace: $namespace, dryRun: $dryRun) {
    kind
    metadata {
      name
      namespace
    }
  }
}
    `) as unknown as TypedDocumentString<CreateNamespaceMutation, CreateNamespaceMutationVariables>;
export const DeleteNamespaceDocument = new TypedDocumentString(`
    mutation DeleteNamespace($name: String!, $propagationPolicy: PropagationPolicy, $gracePeriodSeconds: Int, $dryRun: Boolean) {
  deleteNamespace(
    name: $name
    propagationPolicy: $propagationPolicy
    gracePeriodSeconds: $gracePeriodSeconds
    dryRun: $dryRun
  ) {
    kind
    metadata {
      name
      namespace
    }
  }
}
    `) as unknown as TypedDocumentString<DeleteNamespaceMutation, DeleteNamespaceMutationVariables>;
export const DeleteEventDocument = new TypedDocumentString(`
    mutation DeleteEvent($namespace: String!, $name: String!, $propagationPolicy: PropagationPolicy, $gracePeriodSeconds: Int, $dryRun: Boolean) {
  deleteEvent(
    namespace: $namespace
    name: $name
    propagationPolicy: $propagationPolicy
    gracePeriodSeconds: $gracePeriodSeconds
    dryRun: $dryRun
  ) {
    kind
    metadata {
      name
      namespace
    }
  }
}
    `) as unknown as TypedDocumentString<DeleteEventMutation, DeleteEventMutationVariables>;
export const CreatePersistentVolumeClaimDocument = new TypedDocumentString(`
    mutation CreatePersistentVolumeClaim($persistentVolumeClaim: PersistentVolumeClaimInput!, $dryRun: Boolean) {
  createPersistentVolumeClaim(
    persistentVolumeClaim: $persistentVolumeClaim
    dryRun: $dryRun
  ) {
    kind
    metadata {
      name
      namespace
    }
  }
}
    `) as unknown as TypedDocumentString<CreatePersistentVolumeClaimMutation, CreatePersistentVolumeClaimMutationVariables>;
export const DeletePersistentVolumeClaimDocument = new TypedDocumentString(`
    mutation DeletePersistentVolumeClaim($namespace: String!, $name: String!, $propagationPolicy: PropagationPolicy, $gracePeriodSeconds: Int, $dryRun: Boolean) {
  deletePersistentVolumeClaim(
    namespace: $namespace
    name: $name
    propagationPolicy: $propagationPolicy
    gracePeriodSeconds: $gracePeriodSeconds
    dryRun: $dryRun
  ) {
    kind
    metadata {
      name
      namespace
    }
  }
}
    `) as unknown as TypedDocumentString<DeletePersistentVolumeClaimMutation, DeletePersistentVolumeClaimMutationVariables>;
export const UpdatePodDocument = new TypedDocumentString(`
    mutation UpdatePod($pod: PodInput!, $expectedResourceVersion: String, $dryRun: Boolean) {
  updatePod(
    pod: $pod
    expectedResourceVersion: $expectedResourceVersion
    dryRun: $dryRun
  ) {
    kind
    metadata {
      name
      namespace
      resourceVersion
    }
  }
}
    `) as unknown as TypedDocumentString<UpdatePodMutation, UpdatePodMutationVariables>;
export const UpdateReplicationControllerDocument = new TypedDocumentString(`
    mutation UpdateReplicationController($replicationController: ReplicationControllerInput!, $expectedResourceVersion: String, $dryRun: Boolean) {
  updateReplicationController(
    replicationController: $replicationController
    expectedResourceVersion: $expectedResourceVersion
    dryRun: $dryRun
  ) {
    kind
    metadata {
      name
      namespace
      resourceVersion
    }
  }
}
    `) as unknown as TypedDocumentString<UpdateReplicationControllerMutation, UpdateReplicationControllerMutationVariables>;
export const UpdateServiceDocument = new TypedDocumentString(`
    mutation UpdateService($service: ServiceInput!, $expectedResourceVersion: String, $dryRun: Boolean) {
  updateService(
    service: $service
    expectedResourceVersion: $expectedResourceVersion
    dryRun: $dryRun
  ) {
    kind
    metadata {
      name
      namespace
      resourceVersion
    }
  }
}
    `) as unknown as TypedDocumentString<UpdateServiceMutation, UpdateServiceMutationVariables>;
export const UpdateEndpointsDocument = new TypedDocumentString(`
    mutation UpdateEndpoints($endpoints: EndpointsInput!, $expectedResourceVersion: String, $dryRun: Boolean) {
  updateEndpoints(
    endpoints: $endpoints
    expectedResourceVersion: $expectedResourceVersion
    dryRun: $dryRun
  ) {
    kind
    metadata {
      name
      namespace
      resourceVersion
    }
  }
}
    `) as unknown as TypedDocumentString<UpdateEndpointsMutation, UpdateEndpointsMutationVariables>;
export const UpdateNodeDocument = new TypedDocumentString(`
    mutation UpdateNode($node: NodeInput!, $expectedResourceVersion: String, $dryRun: Boolean) {
  updateNode(
    node: $node
    expectedResourceVersion: $expectedResourceVersion
    dryRun: $dryRun
  ) {
    kind
    metadata {
      name
      namespace
      resourceVersion
    }
  }
}
    `) as unknown as TypedDocumentString<UpdateNodeMutation, UpdateNodeMutationVariables>;
export const UpdateNamespaceDocument = new TypedDocumentString(`
    mutation UpdateNamespace($namespace: NamespaceInput!, $expectedResourceVersion: String, $dryRun: Boolean) {
  updateNamespace(
    namespace: $namespace
    expectedResourceVersion: $expectedResourceVersion
    dryRun: $dryRun
  ) {
    kind
    metadata {
      name
      namespace
      resourceVersion
    }
  }
}
    `) as unknown as TypedDocumentString<UpdateNamespaceMutation, UpdateNamespaceMutationVariables>;
export const UpdateEventDocument = new TypedDocumentString(`
    mutation UpdateEvent($event: EventInput!, $expectedResourceVersion: String, $dryRun: Boolean) {
  updateEvent(
    event: $event
    expectedResourceVersion: $expectedResourceVersion
    dryRun: $dryRun
  ) {
    kind
    metadata {
      name
      namespace
      resourceVersion
    }
  }
}
    `) as unknown as TypedDocumentString<UpdateEventMutation, UpdateEventMutationVariables>;
export const UpdatePersistentVolumeClaimDocument = new TypedDocumentString(`
    mutation UpdatePersistentVolumeClaim($persistentVolumeClaim: PersistentVolumeClaimInput!, $expectedResourceVersion: String, $dryRun: Boolean) {
  updatePersistentVolumeClaim(
    persistentVolumeClaim: $persistentVolumeClaim
    expectedResourceVersion: $expectedResourceVersion
    dryRun: $dryRun
  ) {
    kind
    metadata {
      name
      namespace
      resourceVersion
    }
  }
}
    `) as unknown as TypedDocumentString<UpdatePersistentVolumeClaimMutation, UpdatePersistentVolumeClaimMutationVariables>;
export const CreateConfigMapDocument = new TypedDocumentString(`
    mutation CreateConfigMap($configMap: ConfigMapInput!, $dryRun: Boolean) {
  createConfigMap(configMap: $configMap, dryRun: $dryRun) {
    kind
    metadata {
      name
      namespace
    }
  }
}
    `) as unknown as TypedDocumentString<CreateConfigMapMutation, CreateConfigMapMutationVariables>;
export const CreateSecretDocument = new TypedDocumentString(`
    mutation CreateSecret($secret: SecretInput!, $dryRun: Boolean) {
  createSecret(secret: $secret, dryRun: $dryRun) {
    kind
    metadata {
      name
      namespace
    }
  }
}
    `) as unknown as TypedDocumentString<CreateSecretMutation, CreateSecretMutationVariables>;
export const DeleteConfigMapDocument = new TypedDocumentString(`
    mutation DeleteConfigMap($namespace: String!, $name: String!, $propagationPolicy: PropagationPolicy, $gracePeriodSeconds: Int, $dryRun: Boolean) {
  deleteConfigMap(
    namespace: $namespace
    name: $name
    propagationPolicy: $propagationPolicy
    gracePeriodSeconds: $gracePeriodSeconds
    dryRun: $dryRun
  ) {
    kind
    metadata {
      name
      namespace
    }
  }
}
    `) as unknown as TypedDocumentString<DeleteConfigMapMutation, DeleteConfigMapMutationVariables>;
export const DeleteSecretDocument = new TypedDocumentString(`
    mutation DeleteSecret($namespace: String!, $name: String!, $propagationPolicy: PropagationPolicy, $gracePeriodSeconds: Int, $dryRun: Boolean) {
  deleteSecret(
    namespace: $namespace
    name: $name
    propagationPolicy: $propagationPolicy
    gracePeriodSeconds: $gracePeriodSeconds
    dryRun: $dryRun
  ) {
    kind
    metadata {
      name
      namespace
    }
  }
}
    `) as unknown as TypedDocumentString<DeleteSecretMutation, DeleteSecretMutationVariables>;
export const UpdateConfigMapDocument = new TypedDocumentString(`
    mutation UpdateConfigMap($configMap: ConfigMapInput!, $expectedResourceVersion: String, $dryRun: Boolean) {
  updateConfigMap(
    configMap: $configMap
    expectedResourceVersion: $expectedResourceVersion
    dryRun: $dryRun
  ) {
    kind
    metadata {
      name
      namespace
      resourceVersion
    }
  }
}
    `) as unknown as TypedDocumentString<UpdateConfigMapMutation, UpdateConfigMapMutationVariables>;
export const UpdateSecretDocument = new TypedDocumentString(`
    mutation UpdateSecret($secret: SecretInput!, $expectedResourceVersion: String, $dryRun: Boolean) {
  updateSecret(
    secret: $secret
    expectedResourceVersion: $expectedResourceVersion
    dryRun: $dryRun
  ) {
    kind
    metadata {
      name
      namespace
      resourceVersion
    }
  }
}
    `) as unknown as TypedDocumentString<UpdateSecretMutation, UpdateSecretMutationVariables>;
export const CreateLeaseDocument = new TypedDocumentString(`
    mutation CreateLease($lease: LeaseInput!, $dryRun: Boolean) {
  createLease(lease: $lease, dryRun: $dryRun) {
    kind
    metadata {
      name
      namespace
    }
  }
}
    `) as unknown as TypedDocumentString<CreateLeaseMutation, CreateLeaseMutationVariables>;
export const UpdateLeaseDocument = new TypedDocumentString(`
    mutation UpdateLease($lease: LeaseInput!, $expectedResourceVersion: String, $dryRun: Boolean) {
  updateLease(
    lease: $lease
    expectedResourceVersion: $expectedResourceVersion
    dryRun: $dryRun
  ) {
    kind
    metadata {
      name
      namespace
      resourceVersion
    }
  }
}
    `) as unknown as TypedDocumentString<UpdateLeaseMutation, UpdateLeaseMutationVariables>;
export const DeleteLeaseDocument = new TypedDocumentString(`
    mutation DeleteLease($namespace: String!, $name: String!, $propagationPolicy: PropagationPolicy, $gracePeriodSeconds: Int, $dryRun: Boolean) {
  deleteLease(
    namespace: $namespace
    name: $name
    propagationPolicy: $propagationPolicy
    gracePeriodSeconds: $gracePeriodSeconds
    dryRun: $dryRun
  ) {
    kind
    metadata {
      name
      namespace
    }
  }
}
    `) as unknown as TypedDocumentString<DeleteLeaseMutation, DeleteLeaseMutationVariables>;
export const ListPodsDocument = new TypedDocumentString(`
    query ListPods($namespace: String, $allNamespaces: Boolean, $labelSelector: String, $fieldSelector: String) {
  pods(
    namespace: $namespace
    allNamespaces: $allNamespaces
    labelSelector: $labelSelector
    fieldSelector: $fieldSelector
  ) {
    items {
      apiVersion
      kind
      metadata {
        name
        generateName
        namespace
        uid
        labels {
          key
          value
        }
        annotations {
          key
          value
        }
        resourceVersion
        generation
        creationTimestamp
        deletionTimestamp
        deletionGracePeriodSeconds
        ownerReferences {
          apiVersion
          kind
          name
          uid
          controller
          blockOwnerDeletion
        }
        finalizers
      }
      spec {
        containers {
          name
          image
          imagePullPolicy
          command
          args
          workingDir
          env {
            name
            value
            valueFrom {
              fieldRef {
                fieldPath
              }
              configMapKeyRef {
                name
                key
                optional
              }
              secretKeyRef {
                name
                key
                optional
              }
            }
          }
          envFrom {
            prefix
            configMapRef {
              name
              optional
            }
            secretRef {
              name
              optional
            }
          }
          ports {
            name
            containerPort
            hostPort
            protocol
          }
          resources {
            limits {
              cpu
              memory
            }
            requests {
              cpu
              memory
            }
          }
          volumeMounts {
            name
            mountPath
            readOnly
            subPath
          }
          livenessProbe {
            httpGet {
              path
              port
              host
              scheme
              httpHeaders {
                name
                value
              }
            }
            tcpSocket {
              port
              host
            }
            exec {
              command
            }
            initialDelaySeconds
            periodSeconds
            timeoutSeconds
            successThreshold
            failureThreshold
          }
          readinessProbe {
            httpGet {
              path
              port
              host
              scheme
              httpHeaders {
                name
                value
              }
            }
            tcpSocket {
              port
              host
            }
            exec {
              command
            }
            initialDelaySeconds
            periodSeconds
            timeoutSeconds
            successThreshold
            failureThreshold
          }
          startupProbe {
            httpGet {
              path
              port
              host
              scheme
              httpHeaders {
                name
                value
              }
            }
            tcpSocket {
              port
              host
            }
            exec {
              command
            }
            initialDelaySeconds
            periodSeconds
            timeoutSeconds
            successThreshold
            failureThreshold
          }
        }
        volumes {
          name
          emptyDir {
            medium
            sizeLimit
          }
          hostPath {
            path
            type
          }
          persistentVolumeClaim {
            claimName
            readOnly
          }
          configMap {
            name
            items {
              key
              path
              mode
            }
            defaultMode
            optional
          }
          secret {
            secretName
            items {
              key
              path
              mode
            }
            defaultMode
            optional
          }
        }
        restartPolicy
        terminationGracePeriodSeconds
        nodeName
        nodeSelector {
          key
          value
        }
        tolerations {
          key
          operator
          value
          effect
          tolerationSeconds
        }
        hostname
        subdomain
        imagePullSecrets {
          name
        }
      }
      status {
        phase
        reason
        message
        conditions {
          type
          status
          reason
          message
          lastTransitionTime
        }
        podIP
        hostIP
        startTime
        containerStatuses {
          name
          image
          imageID
          containerID
          ready
          started
          restartCount
          state {
            waiting {
              reason
              message
            }
            running {
              startedAt
            }
            terminated {
              exitCode
              reason
              message
              startedAt
              finishedAt
            }
          }
          lastState {
            waiting {
              reason
              message
            }
            running {
              startedAt
            }
            terminated {
              exitCode
              reason
              message
              startedAt
              finishedAt
            }
          }
        }
        hostPorts {
          containerPort
          protocol
          hostIP
          hostPort
        }
      }
      ready
      restarts
      displayStatus
    }
    resourceVersion
  }
}
    `) as unknown as TypedDocumentString<ListPodsQuery, ListPodsQueryVariables>;
export const GetPodDocument = new TypedDocumentString(`
    query GetPod($namespace: String!, $name: String!) {
  pod(namespace: $namespace, name: $name) {
    apiVersion
    kind
    metadata {
      name
      generateName
      namespace
      uid
      labels {
        key
        value
      }
      annotations {
        key
        value
      }
      resourceVersion
      generation
      creationTimestamp
      deletionTimestamp
      deletionGracePeriodSeconds
      ownerReferences {
        apiVersion
        kind
        name
        uid
        controller
        blockOwnerDeletion
      }
      finalizers
    }
    spec {
      containers {
        name
        image
        imagePullPolicy
        command
        args
        workingDir
        env {
          name
          value
          valueFrom {
            fieldRef {
              fieldPath
            }
            configMapKeyRef {
              name
              key
              optional
            }
            secretKeyRef {
              name
              key
              optional
            }
          }
        }
        envFrom {
          prefix
          configMapRef {
            name
            optional
          }
          secretRef {
            name
            optional
          }
        }
        ports {
          name
          containerPort
          hostPort
          protocol
        }
        resources {
          limits {
            cpu
            memory
          }
          requests {
            cpu
            memory
          }
        }
        volumeMounts {
          name
          mountPath
          readOnly
          subPath
        }
        livenessProbe {
          httpGet {
            path
            port
            host
            scheme
            httpHeaders {
              name
              value
            }
          }
          tcpSocket {
            port
            host
          }
          exec {
            command
          }
          initialDelaySeconds
          periodSeconds
          timeoutSeconds
          successThreshold
          failureThreshold
        }
        readinessProbe {
          httpGet {
            path
            port
            host
            scheme
            httpHeaders {
              name
              value
            }
          }
          tcpSocket {
            port
            host
          }
          exec {
            command
          }
          initialDelaySeconds
          periodSeconds
          timeoutSeconds
          successThreshold
          failureThreshold
        }
        startupProbe {
          httpGet {
            path
            port
            host
            scheme
            httpHeaders {
              name
              value
            }
          }
          tcpSocket {
            port
            host
          }
          exec {
            command
          }
          initialDelaySeconds
          periodSeconds
          timeoutSeconds
          successThreshold
          failureThreshold
        }
      }
      volumes {
        name
        emptyDir {
          medium
          sizeLimit
        }
        hostPath {
          path
          type
        }
        persistentVolumeClaim {
          claimName
          readOnly
        }
        configMap {
          name
          items {
            key
            path
            mode
          }
          defaultMode
          optional
        }
        secret {
          secretName
          items {
            key
            path
            mode
          }
          defaultMode
          optional
        }
      }
      restartPolicy
      terminationGracePeriodSeconds
      nodeName
      nodeSelector {
        key
        value
      }
      tolerations {
        key
        operator
        value
        effect
        tolerationSeconds
      }
      hostname
      subdomain
      imagePullSecrets {
        name
      }
    }
    status {
      phase
      reason
      message
      conditions {
        type
        status
        reason
        message
        lastTransitionTime
      }
      podIP
      hostIP
      startTime
      containerStatuses {
        name
        image
        imageID
        containerID
        ready
        started
        restartCount
        state {
          waiting {
            reason
            message
          }
          running {
            startedAt
          }
          terminated {
            exitCode
            reason
            message
            startedAt
            finishedAt
          }
        }
        lastState {
          waiting {
            reason
            message
          }
          running {
            startedAt
          }
          terminated {
            exitCode
            reason
            message
            startedAt
            finishedAt
          }
        }
      }
      hostPorts {
        containerPort
        protocol
        hostIP
        hostPort
      }
    }
    ready
    restarts
    displayStatus
  }
}
    `) as unknown as TypedDocumentString<GetPodQuery, GetPodQueryVariables>;
export const ListReplicationControllersDocument = new TypedDocumentString(`
    query ListReplicationControllers($namespace: String, $allNamespaces: Boolean, $labelSelector: String, $fieldSelector: String) {
  replicationControllers(
    namespace: $namespace
    allNamespaces: $allNamespaces
    labelSelector: $labelSelector
    fieldSelector: $fieldSelector
  ) {
    items {
      apiVersion
      kind
      metadata {
        name
        generateName
        namespace
        uid
        labels {
          key
          value
        }
        annotations {
          key
          value
        }
        resourceVersion
        generation
        creationTimestamp
        deletionTimestamp
        deletionGracePeriodSeconds
        ownerReferences {
          apiVersion
          kind
          name
          uid
          controller
          blockOwnerDeletion
        }
        finalizers
      }
      spec {
        replicas
        minReadySeconds
        selector {
          key
          value
        }
        template {
          metadata {
            labels {
              key
              value
            }
            annotations {
              key
              value
            }
          }
          spec {
            containers {
              name
              image
              imagePullPolicy
              command
              args
              workingDir
              env {
                name
                value
                valueFrom {
                  fieldRef {
                    fieldPath
                  }
                  configMapKeyRef {
                    name
                    key
                    optional
                  }
                  secretKeyRef {
                    name
                    key
                    optional
                  }
                }
              }
              envFrom {
                prefix
                configMapRef {
                  name
                  optional
                }
                secretRef {
                  name
                  optional
                }
              }
              ports {
                name
                containerPort
                hostPort
                protocol
              }
              resources {
                limits {
                  cpu
                  memory
                }
                requests {
                  cpu
                  memory
                }
              }
              volumeMounts {
                name
                mountPath
                readOnly
                subPath
              }
              livenessProbe {
                httpGet {
                  path
                  port
                  host
                  scheme
                  httpHeaders {
                    name
                    value
                  }
                }
                tcpSocket {
                  port
                  host
                }
                exec {
                  command
                }
                initialDelaySeconds
                periodSeconds
                timeoutSeconds
                successThreshold
                failureThreshold
              }
              readinessProbe {
                httpGet {
                  path
                  port
                  host
                  scheme
                  httpHeaders {
                    name
                    value
                  }
                }
                tcpSocket {
                  port
                  host
                }
                exec {
                  command
                }
                initialDelaySeconds
                periodSeconds
                timeoutSeconds
                successThreshold
                failureThreshold
              }
              startupProbe {
                httpGet {
                  path
                  port
                  host
                  scheme
                  httpHeaders {
                    name
                    value
                  }
                }
                tcpSocket {
                  port
                  host
                }
                exec {
                  command
                }
                initialDelaySeconds
                periodSeconds
                timeoutSeconds
                successThreshold
                failureThreshold
              }
            }
            volumes {
              name
              emptyDir {
                medium
                sizeLimit
              }
              hostPath {
                path
                type
              }
              persistentVolumeClaim {
                claimName
                readOnly
              }
              configMap {
                name
                items {
                  key
                  path
                  mode
                }
                defaultMode
                optional
              }
              secret {
                secretName
                items {
                  key
                  path
                  mode
                }
                defaultMode
                optional
              }
            }
            restartPolicy
            terminationGracePeriodSeconds
            nodeName
            nodeSelector {
              key
              value
            }
            tolerations {
              key
              operator
              value
              effect
              tolerationSeconds
            }
            hostname
            subdomain
            imagePullSecrets {
              name
            }
          }
        }
      }
      status {
        replicas
        fullyLabeledReplicas
        readyReplicas
        availableReplicas
        observedGeneration
        conditions {
          type
          status
          reason
          message
          lastTransitionTime
        }
      }
    }
    resourceVersion
  }
}
    `) as unknown as TypedDocumentString<ListReplicationControllersQuery, ListReplicationControllersQueryVariables>;
export const GetReplicationControllerDocument = new TypedDocumentString(`
    query GetReplicationController($namespace: String!, $name: String!) {
  replicationController(namespace: $namespace, name: $name) {
    apiVersion
    kind
    metadata {
      name
      generateName
      namespace
      uid
      labels {
        key
        value
      }
      annotations {
        key
        value
      }
      resourceVersion
      generation
      creationTimestamp
      deletionTimestamp
      deletionGracePeriodSeconds
      ownerReferences {
        apiVersion
        kind
        name
        uid
        controller
        blockOwnerDeletion
      }
      finalizers
    }
    spec {
      replicas
      minReadySeconds
      selector {
        key
        value
      }
      template {
        metadata {
          labels {
            key
            value
          }
          annotations {
            key
            value
          }
        }
        spec {
          containers {
            name
            image
            imagePullPolicy
            command
            args
            workingDir
            env {
              name
              value
              valueFrom {
                fieldRef {
                  fieldPath
                }
                configMapKeyRef {
                  name
                  key
                  optional
                }
                secretKeyRef {
                  name
                  key
                  optional
                }
              }
            }
            envFrom {
              prefix
              configMapRef {
                name
                optional
              }
              secretRef {
                name
                optional
              }
            }
            ports {
              name
              containerPort
              hostPort
              protocol
            }
            resources {
              limits {
                cpu
                memory
              }
              requests {
                cpu
                memory
              }
            }
            volumeMounts {
              name
              mountPath
              readOnly
              subPath
            }
            livenessProbe {
              httpGet {
                path
                port
                host
                scheme
                httpHeaders {
                  name
                  value
                }
              }
              tcpSocket {
                port
                host
              }
              exec {
                command
              }
              initialDelaySeconds
              periodSeconds
              timeoutSeconds
              successThreshold
              failureThreshold
            }
            readinessProbe {
              httpGet {
                path
                port
                host
                scheme
                httpHeaders {
                  name
                  value
                }
              }
              tcpSocket {
                port
                host
              }
              exec {
                command
              }
              initialDelaySeconds
              periodSeconds
              timeoutSeconds
              successThreshold
              failureThreshold
            }
            startupProbe {
              httpGet {
                path
                port
                host
                scheme
                httpHeaders {
                  name
                  value
                }
              }
              tcpSocket {
                port
                host
              }
              exec {
                command
              }
              initialDelaySeconds
              periodSeconds
              timeoutSeconds
              successThreshold
              failureThreshold
            }
          }
          volumes {
            name
            emptyDir {
              medium
              sizeLimit
            }
            hostPath {
              path
              type
            }
            persistentVolumeClaim {
              claimName
              readOnly
            }
            configMap {
              name
              items {
                key
                path
                mode
              }
              defaultMode
              optional
            }
            secret {
              secretName
              items {
                key
                path
                mode
              }
              defaultMode
              optional
            }
          }
          restartPolicy
          terminationGracePeriodSeconds
          nodeName
          nodeSelector {
            key
            value
          }
          tolerations {
            key
            operator
            value
            effect
            tolerationSeconds
          }
          hostname
          subdomain
          imagePullSecrets {
            name
          }
        }
      }
    }
    status {
      replicas
      fullyLabeledReplicas
      readyReplicas
      availableReplicas
      observedGeneration
      conditions {
        type
        status
        reason
        message
        lastTransitionTime
      }
    }
  }
}
    `) as unknown as TypedDocumentString<GetReplicationControllerQuery, GetReplicationControllerQueryVariables>;
export const ListDeploymentsDocument = new TypedDocumentString(`
    query ListDeployments($namespace: String, $allNamespaces: Boolean, $labelSelector: String, $fieldSelector: String) {
  deployments(
    namespace: $namespace
    allNamespaces: $allNamespaces
    labelSelector: $labelSelector
    fieldSelector: $fieldSelector
  ) {
    items {
      apiVersion
      kind
      metadata {
        name
        generateName
        namespace
        uid
        labels {
          key
          value
        }
        annotations {
          key
          value
        }
        resourceVersion
        generation
        creationTimestamp
        deletionTimestamp
        deletionGracePeriodSeconds
        ownerReferences {
          apiVersion
          kind
          name
          uid
          controller
          blockOwnerDeletion
        }
        finalizers
      }
      spec {
        replicas
        selector {
          matchLabels {
            key
            value
          }
          matchExpressions {
            key
            operator
            values
          }
        }
        template {
          metadata {
            labels {
              key
              value
            }
            annotations {
              key
              value
            }
          }
          spec {
            containers {
              name
              image
              imagePullPolicy
              command
              args
              workingDir
              env {
                name
                value
                valueFrom {
                  fieldRef {
                    fieldPath
                  }
                  configMapKeyRef {
                    name
                    key
                    optional
                  }
                  secretKeyRef {
                    name
                    key
                    optional
                  }
                }
              }
              envFrom {
                prefix
                configMapRef {
                  name
                  optional
                }
                secretRef {
                  name
                  optional
                }
              }
              ports {
                name
                containerPort
                hostPort
                protocol
              }
              resources {
                limits {
                  cpu
                  memory
                }
                requests {
                  cpu
                  memory
                }
              }
              volumeMounts {
                name
                mountPath
                readOnly
                subPath
              }
              livenessProbe {
                httpGet {
                  path
                  port
                  host
                  scheme
                  httpHeaders {
                    name
                    value
                  }
                }
                tcpSocket {
                  port
                  host
                }
                exec {
                  command
                }
                initialDelaySeconds
                periodSeconds
                timeoutSeconds
                successThreshold
                failureThreshold
              }
              readinessProbe {
                httpGet {
                  path
                  port
                  host
                  scheme
                  httpHeaders {
                    name
                    value
                  }
                }
                tcpSocket {
                  port
                  host
                }
                exec {
                  command
                }
                initialDelaySeconds
                periodSeconds
                timeoutSeconds
                successThreshold
                failureThreshold
              }
              startupProbe {
                httpGet {
                  path
                  port
                  host
                  scheme
                  httpHeaders {
                    name
                    value
                  }
                }
                tcpSocket {
                  port
                  host
                }
                exec {
                  command
                }
                initialDelaySeconds
                periodSeconds
                timeoutSeconds
                successThreshold
                failureThreshold
              }
            }
            volumes {
              name
              emptyDir {
                medium
                sizeLimit
              }
              hostPath {
                path
                type
              }
              persistentVolumeClaim {
                claimName
                readOnly
              }
              configMap {
                name
                items {
                  key
                  path
                  mode
                }
                defaultMode
                optional
              }
              secret {
                secretName
                items {
                  key
                  path
                  mode
                }
                defaultMode
                optional
              }
            }
            restartPolicy
            terminationGracePeriodSeconds
            nodeName
            nodeSelector {
              key
              value
            }
            tolerations {
              key
              operator
              value
              effect
              tolerationSeconds
            }
            hostname
            subdomain
            imagePullSecrets {
              name
            }
          }
        }
        strategy {
          type
          rollingUpdate {
            maxSurge
            maxUnavailable
          }
        }
        minReadySeconds
        revisionHistoryLimit
        progressDeadlineSeconds
        paused
      }
      status {
        observedGeneration
        replicas
        updatedReplicas
        readyReplicas
        availableReplicas
        unavailableReplicas
        conditions {
          type
          status
          reason
          message
          lastUpdateTime
          lastTransitionTime
        }
      }
      revision
    }
    resourceVersion
  }
}
    `) as unknown as TypedDocumentString<ListDeploymentsQuery, ListDeploymentsQueryVariables>;
export const GetDeploymentDocument = new TypedDocumentString(`
    query GetDeployment($namespace: String!, $name: String!) {
  deployment(namespace: $namespace, name: $name) {
    apiVersion
    kind
    metadata {
      name
      generateName
      namespace
      uid
      labels {
        key
        value
      }
      annotations {
        key
        value
      }
      resourceVersion
      generation
      creationTimestamp
      deletionTimestamp
      deletionGracePeriodSeconds
      ownerReferences {
        apiVersion
        kind
        name
        uid
        controller
        blockOwnerDeletion
      }
      finalizers
    }
    spec {
      replicas
      selector {
        matchLabels {
          key
          value
        }
        matchExpressions {
          key
          operator
          values
        }
      }
      template {
        metadata {
          labels {
            key
            value
          }
          annotations {
            key
            value
          }
        }
        spec {
          containers {
            name
            image
            imagePullPolicy
            command
            args
            workingDir
            env {
              name
              value
              valueFrom {
                fieldRef {
                  fieldPath
                }
                configMapKeyRef {
                  name
                  key
                  optional
                }
                secretKeyRef {
                  name
                  key
                  optional
                }
              }
            }
            envFrom {
              prefix
              configMapRef {
                name
                optional
              }
              secretRef {
                name
                optional
              }
            }
            ports {
              name
              containerPort
              hostPort
              protocol
            }
            resources {
              limits {
                cpu
                memory
              }
              requests {
                cpu
                memory
              }
            }
            volumeMounts {
              name
              mountPath
              readOnly
              subPath
            }
            livenessProbe {
              httpGet {
                path
                port
                host
                scheme
                httpHeaders {
                  name
                  value
                }
              }
              tcpSocket {
                port
                host
              }
              exec {
                command
              }
              initialDelaySeconds
              periodSeconds
              timeoutSeconds
              successThreshold
              failureThreshold
            }
            readinessProbe {
              httpGet {
                path
                port
                host
                scheme
                httpHeaders {
                  name
                  value
                }
              }
              tcpSocket {
                port
                host
              }
              exec {
                command
              }
              initialDelaySeconds
              periodSeconds
              timeoutSeconds
              successThreshold
              failureThreshold
            }
            startupProbe {
              httpGet {
                path
                port
                host
                scheme
                httpHeaders {
                  name
                  value
                }
              }
              tcpSocket {
                port
                host
              }
              exec {
                command
              }
              initialDelaySeconds
              periodSeconds
              timeoutSeconds
              successThreshold
              failureThreshold
            }
          }
          volumes {
            name
            emptyDir {
              medium
              sizeLimit
            }
            hostPath {
              path
              type
            }
            persistentVolumeClaim {
              claimName
              readOnly
            }
            configMap {
              name
              items {
                key
                path
                mode
              }
              defaultMode
              optional
            }
            secret {
              secretName
              items {
                key
                path
                mode
              }
              defaultMode
              optional
            }
          }
          restartPolicy
          terminationGracePeriodSeconds
          nodeName
          nodeSelector {
            key
            value
          }
          tolerations {
            key
            operator
            value
            effect
            tolerationSeconds
          }
          hostname
          subdomain
          imagePullSecrets {
            name
          }
        }
      }
      strategy {
        type
        rollingUpdate {
          maxSurge
          maxUnavailable
        }
      }
      minReadySeconds
      revisionHistoryLimit
      progressDeadlineSeconds
      paused
    }
    status {
      observedGeneration
      replicas
      updatedReplicas
      readyReplicas
      availableReplicas
      unavailableReplicas
      conditions {
        type
        status
        reason
        message
        lastUpdateTime
        lastTransitionTime
      }
    }
    revision
  }
}
    `) as unknown as TypedDocumentString<GetDeploymentQuery, GetDeploymentQueryVariables>;
export const ListServicesDocument = new TypedDocumentString(`
    query ListServices($namespace: String, $allNamespaces: Boolean, $labelSelector: String, $fieldSelector: String) {
  services(
    namespace: $namespace
    allNamespaces: $allNamespaces
    labelSelector: $labelSelector
    fieldSelector: $fieldSelector
  ) {
    items {
      apiVersion
      kind
      metadata {
        name
        generateName
        namespace
        uid
        labels {
          key
          value
        }
        annotations {
          key
          value
        }
        resourceVersion
        generation
        creationTimestamp
        deletionTimestamp
        deletionGracePeriodSeconds
        ownerReferences {
          apiVersion
          kind
          name
          uid
          controller
          blockOwnerDeletion
        }
        finalizers
      }
      spec {
        type
        selector {
          key
          value
        }
        ports {
          name
          protocol
          port
          targetPort
          nodePort
        }
        clusterIP
        sessionAffinity
        loadBalancerIP
      }
      status {
        loadBalancer {
          ingress {
            ip
          }
        }
      }
    }
    resourceVersion
  }
}
    `) as unknown as TypedDocumentString<ListServicesQuery, ListServicesQueryVariables>;
export const GetServiceDocument = new TypedDocumentString(`
    query GetService($namespace: String!, $name: String!) {
  service(namespace: $namespace, name: $name) {
    apiVersion
    kind
    metadata {
      name
      generateName
      namespace
      uid
      labels {
        key
        value
      }
      annotations {
        key
        value
      }
      resourceVersion
      generation
      creationTimestamp
      deletionTimestamp
      deletionGracePeriodSeconds
      ownerReferences {
        apiVersion
        kind
        name
        uid
        controller
        blockOwnerDeletion
      }
      finalizers
    }
    spec {
      type
      selector {
        key
        value
      }
      ports {
        name
        protocol
        port
        targetPort
        nodePort
      }
      clusterIP
      sessionAffinity
      loadBalancerIP
    }
    status {
      loadBalancer {
        ingress {
          ip
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<GetServiceQuery, GetServiceQueryVariables>;
export const ListEndpointsListDocument = new TypedDocumentString(`
    query ListEndpointsList($namespace: String, $allNamespaces: Boolean, $labelSelector: String, $fieldSelector: String) {
  endpointsList(
    namespace: $namespace
    allNamespaces: $allNamespaces
    labelSelector: $labelSelector
    fieldSelector: $fieldSelector
  ) {
    items {
      apiVersion
      kind
      metadata {
        name
        generateName
        namespace
        uid
        labels {
          key
          value
        }
        annotations {
          key
          value
        }
        resourceVersion
        generation
        creationTimestamp
        deletionTimestamp
        deletionGracePeriodSeconds
        ownerReferences {
          apiVersion
          kind
          name
          uid
          controller
          blockOwnerDeletion
        }
        finalizers
      }
      subsets {
        addresses {
          ip
          hostname
          nodeName
          targetRef {
            kind
            name
            namespace
            uid
          }
        }
        notReadyAddresses {
          ip
          hostname
          nodeName
          targetRef {
            kind
            name
            namespace
            uid
          }
        }
        ports {
          name
          port
          protocol
        }
      }
    }
    resourceVersion
  }
}
    `) as unknown as TypedDocumentString<ListEndpointsListQuery, ListEndpointsListQueryVariables>;
export const GetEndpointsDocument = new TypedDocumentString(`
    query GetEndpoints($namespace: String!, $name: String!) {
  endpoints(namespace: $namespace, name: $name) {
    apiVersion
    kind
    metadata {
      name
      generateName
      namespace
      uid
      labels {
        key
        value
      }
      annotations {
        key
        value
      }
      resourceVersion
      generation
      creationTimestamp
      deletionTimestamp
      deletionGracePeriodSeconds
      ownerReferences {
        apiVersion
        kind
        name
        uid
        controller
        blockOwnerDeletion
      }
      finalizers
    }
    subsets {
      addresses {
        ip
        hostname
        nodeName
        targetRef {
          kind
          name
          namespace
          uid
        }
      }
      notReadyAddresses {
        ip
        hostname
        nodeName
        targetRef {
          kind
          name
          namespace
          uid
        }
      }
      ports {
        name
        port
        protocol
      }
    }
  }
}
    `) as unknown as TypedDocumentString<GetEndpointsQuery, GetEndpointsQueryVariables>;
export const ListNodesDocument = new TypedDocumentString(`
    query ListNodes($labelSelector: String, $fieldSelector: String) {
  nodes(labelSelector: $labelSelector, fieldSelector: $fieldSelector) {
    items {
      apiVersion
      kind
      metadata {
        name
        generateName
        namespace
        uid
        labels {
          key
          value
        }
        annotations {
          key
          value
        }
        resourceVersion
        generation
        creationTimestamp
        deletionTimestamp
        deletionGracePeriodSeconds
        ownerReferences {
          apiVersion
          kind
          name
          uid
          controller
          blockOwnerDeletion
        }
        finalizers
      }
      spec {
        unschedulable
        taints {
          key
          value
          effect
          timeAdded
        }
        podCIDR
      }
      status {
        capacity {
          cpu
          memory
          pods
        }
        allocatable {
          cpu
          memory
          pods
        }
        addresses {
          type
          address
        }
        conditions {
          type
          status
          reason
          message
          lastHeartbeatTime
          lastTransitionTime
        }
        nodeInfo {
          containerRuntimeVersion
          kubeletVersion
          operatingSystem
          architecture
        }
      }
      displayStatus
    }
    resourceVersion
  }
}
    `) as unknown as TypedDocumentString<ListNodesQuery, ListNodesQueryVariables>;
export const GetNodeDocument = new TypedDocumentString(`
    query GetNode($name: String!) {
  node(name: $name) {
    apiVersion
    kind
    metadata {
      name
      generateName
      namespace
      uid
      labels {
        key
        value
      }
      annotations {
        key
        value
      }
      resourceVersion
      generation
      creationTimestamp
      deletionTimestamp
      deletionGracePeriodSeconds
      ownerReferences {
        apiVersion
        kind
        name
        uid
        controller
        blockOwnerDeletion
      }
      finalizers
    }
    spec {
      unschedulable
      taints {
        key
        value
        effect
        timeAdded
      }
      podCIDR
    }
    status {
      capacity {
        cpu
        memory
        pods
      }
      allocatable {
        cpu
        memory
        pods
      }
      addresses {
        type
        address
      }
      conditions {
        type
        status
        reason
        message
        lastHeartbeatTime
        lastTransitionTime
      }
      nodeInfo {
        containerRuntimeVersion
        kubeletVersion
        operatingSystem
        architecture
      }
    }
    displayStatus
  }
}
    `) as unknown as TypedDocumentString<GetNodeQuery, GetNodeQueryVariables>;
export const ListNamespacesDocument = new TypedDocumentString(`
    query ListNamespaces($labelSelector: String, $fieldSelector: String) {
  namespaces(labelSelector: $labelSelector, fieldSelector: $fieldSelector) {
    items {
      apiVersion
      kind
      metadata {
        name
        generateName
        namespace
        uid
        labels {
          key
          value
        }
        annotations {
          key
          value
        }
        resourceVersion
        generation
        creationTimestamp
        deletionTimestamp
        deletionGracePeriodSeconds
        ownerReferences {
          apiVersion
          kind
          name
          uid
          controller
          blockOwnerDeletion
        }
        finalizers
      }
      status {
        phase
      }
    }
    resourceVersion
  }
}
    `) as unknown as TypedDocumentString<ListNamespacesQuery, ListNamespacesQueryVariables>;
export const GetNamespaceDocument = new TypedDocumentString(`
    query GetNamespace($name: String!) {
  namespace(name: $name) {
    apiVersion
    kind
    metadata {
      name
      generateName
      namespace
      uid
      labels {
        key
        value
      }
      annotations {
        key
        value
      }
      resourceVersion
      generation
      creationTimestamp
      deletionTimestamp
      deletionGracePeriodSeconds
      ownerReferences {
        apiVersion
        kind
        name
        uid
        controller
        blockOwnerDeletion
      }
      finalizers
    }
    status {
      phase
    }
  }
}
    `) as unknown as TypedDocumentString<GetNamespaceQuery, GetNamespaceQueryVariables>;
export const ListEventsDocument = new TypedDocumentString(`
    query ListEvents($namespace: String, $allNamespaces: Boolean, $labelSelector: String, $fieldSelector: String) {
  events(
    namespace: $namespace
    allNamespaces: $allNamespaces
    labelSelector: $labelSelector
    fieldSelector: $fieldSelector
  ) {
    items {
      apiVersion
      kind
      metadata {
        name
        generateName
        namespace
        uid
        labels {
          key
          value
        }
        annotations {
          key
          value
        }
        resourceVersion
        generation
        creationTimestamp
        deletionTimestamp
        deletionGracePeriodSeconds
        ownerReferences {
          apiVersion
          kind
          name
          uid
          controller
          blockOwnerDeletion
        }
        finalizers
      }
      involvedObject {
        kind
        name
        namespace
        uid
        resourceVersion
      }
      reason
      message
      type
      source {
        component
        host
      }
      count
      firstTimestamp
      lastTimestamp
    }
    resourceVersion
  }
}
    `) as unknown as TypedDocumentString<ListEventsQuery, ListEventsQueryVariables>;
export const GetEventDocument = new TypedDocumentString(`
    query GetEvent($namespace: String!, $name: String!) {
  event(namespace: $namespace, name: $name) {
    apiVersion
    kind
    metadata {
      name
      generateName
      namespace
      uid
      labels {
        key
        value
      }
      annotations {
        key
        value
      }
      resourceVersion
      generation
      creationTimestamp
      deletionTimestamp
      deletionGracePeriodSeconds
      ownerReferences {
        apiVersion
        kind
        name
        uid
        controller
        blockOwnerDeletion
      }
      finalizers
    }
    involvedObject {
      kind
      name
      namespace
      uid
      resourceVersion
    }
    reason
    message
    type
    source {
      component
      host
    }
    count
    firstTimestamp
    lastTimestamp
  }
}
    `) as unknown as TypedDocumentString<GetEventQuery, GetEventQueryVariables>;
export const ListPersistentVolumeClaimsDocument = new TypedDocumentString(`
    query ListPersistentVolumeClaims($namespace: String, $allNamespaces: Boolean, $labelSelector: String, $fieldSelector: String) {
  persistentVolumeClaims(
    namespace: $namespace
    allNamespaces: $allNamespaces
    labelSelector: $labelSelector
    fieldSelector: $fieldSelector
  ) {
    items {
      apiVersion
      kind
      metadata {
        name
        generateName
        namespace
        uid
        labels {
          key
          value
        }
        annotations {
          key
          value
        }
        resourceVersion
        generation
        creationTimestamp
        deletionTimestamp
        deletionGracePeriodSeconds
        ownerReferences {
          apiVersion
          kind
          name
          uid
          controller
          blockOwnerDeletion
        }
        finalizers
      }
      spec {
        accessModes
        resources {
          requests {
            storage
          }
        }
        storageClassName
        volumeName
      }
      status {
        phase
      }
    }
    resourceVersion
  }
}
    `) as unknown as TypedDocumentString<ListPersistentVolumeClaimsQuery, ListPersistentVolumeClaimsQueryVariables>;
export const GetPersistentVolumeClaimDocument = new TypedDocumentString(`
    query GetPersistentVolumeClaim($namespace: String!, $name: String!) {
  persistentVolumeClaim(namespace: $namespace, name: $name) {
    apiVersion
    kind
    metadata {
      name
      generateName
      namespace
      uid
      labels {
        key
        value
      }
      annotations {
        key
        value
      }
      resourceVersion
      generation
      creationTimestamp
      deletionTimestamp
      deletionGracePeriodSeconds
      ownerReferences {
        apiVersion
        kind
        name
        uid
        controller
        blockOwnerDeletion
      }
      finalizers
    }
    spec {
      accessModes
      resources {
        requests {
          storage
        }
      }
      storageClassName
      volumeName
    }
    status {
      phase
    }
  }
}
    `) as unknown as TypedDocumentString<GetPersistentVolumeClaimQuery, GetPersistentVolumeClaimQueryVariables>;
export const WhoamiDocument = new TypedDocumentString(`
    query Whoami {
  whoami {
    role
    tokenName
    nodeName
  }
}
    `) as unknown as TypedDocumentString<WhoamiQuery, WhoamiQueryVariables>;
export const ClusterInfoDocument = new TypedDocumentString(`
    query ClusterInfo {
  clusterInfo {
    version
    clusterDomain
    serviceCidr
    dnsServiceIp
    loadBalancerCidr
    dns
    apiServer
    caCertHash
  }
}
    `) as unknown as TypedDocumentString<ClusterInfoQuery, ClusterInfoQueryVariables>;
export const ListConfigMapsDocument = new TypedDocumentString(`
    query ListConfigMaps($namespace: String, $allNamespaces: Boolean, $labelSelector: String, $fieldSelector: String) {
  configMaps(
    namespace: $namespace
    allNamespaces: $allNamespaces
    labelSelector: $labelSelector
    fieldSelector: $fieldSelector
  ) {
    items {
      apiVersion
      kind
      metadata {
        name
        generateName
        namespace
        uid
        labels {
          key
          value
        }
        annotations {
          key
          value
        }
        resourceVersion
        generation
        creationTimestamp
        deletionTimestamp
        deletionGracePeriodSeconds
        ownerReferences {
          apiVersion
          kind
          name
          uid
          controller
          blockOwnerDeletion
        }
        finalizers
      }
      data {
        key
        value
      }
      binaryData {
        key
        value
      }
      immutable
    }
    resourceVersion
  }
}
    `) as unknown as TypedDocumentString<ListConfigMapsQuery, ListConfigMapsQueryVariables>;
export const ListSecretsDocument = new TypedDocumentString(`
    query ListSecrets($namespace: String, $allNamespaces: Boolean, $labelSelector: String, $fieldSelector: String) {
  secrets(
    namespace: $namespace
    allNamespaces: $allNamespaces
    labelSelector: $labelSelector
    fieldSelector: $fieldSelector
  ) {
    items {
      apiVersion
      kind
      metadata {
        name
        generateName
        namespace
        uid
        labels {
          key
          value
        }
        annotations {
          key
          value
        }
        resourceVersion
        generation
        creationTimestamp
        deletionTimestamp
        deletionGracePeriodSeconds
        ownerReferences {
          apiVersion
          kind
          name
          uid
          controller
          blockOwnerDeletion
        }
        finalizers
      }
      type
      data {
        key
        value
      }
      immutable
    }
    resourceVersion
  }
}
    `) as unknown as TypedDocumentString<ListSecretsQuery, ListSecretsQueryVariables>;
export const GetConfigMapDocument = new TypedDocumentString(`
    query GetConfigMap($namespace: String!, $name: String!) {
  configMap(namespace: $namespace, name: $name) {
    apiVersion
    kind
    metadata {
      name
      generateName
      namespace
      uid
      labels {
        key
        value
      }
      annotations {
        key
        value
      }
      resourceVersion
      generation
      creationTimestamp
      deletionTimestamp
      deletionGracePeriodSeconds
      ownerReferences {
        apiVersion
        kind
        name
        uid
        controller
        blockOwnerDeletion
      }
      finalizers
    }
    data {
      key
      value
    }
    binaryData {
      key
      value
    }
    immutable
  }
}
    `) as unknown as TypedDocumentString<GetConfigMapQuery, GetConfigMapQueryVariables>;
export const GetSecretDocument = new TypedDocumentString(`
    query GetSecret($namespace: String!, $name: String!) {
  secret(namespace: $namespace, name: $name) {
    apiVersion
    kind
    metadata {
      name
      generateName
      namespace
      uid
      labels {
        key
        value
      }
      annotations {
        key
        value
      }
      resourceVersion
      generation
      creationTimestamp
      deletionTimestamp
      deletionGracePeriodSeconds
      ownerReferences {
        apiVersion
        kind
        name
        uid
        controller
        blockOwnerDeletion
      }
      finalizers
    }
    type
    data {
      key
      value
    }
    immutable
  }
}
    `) as unknown as TypedDocumentString<GetSecretQuery, GetSecretQueryVariables>;
export const TopPodsDocument = new TypedDocumentString(`
    query TopPods($namespace: String, $allNamespaces: Boolean) {
  pods(namespace: $namespace, allNamespaces: $allNamespaces) {
    items {
      metadata {
        name
        namespace
      }
      usage {
        cpuCores
        memoryBytes
        timestamp
      }
    }
  }
}
    `) as unknown as TypedDocumentString<TopPodsQuery, TopPodsQueryVariables>;
export const TopNodesDocument = new TypedDocumentString(`
    query TopNodes {
  nodes {
    items {
      metadata {
        name
      }
      status {
        allocatable {
          cpu
          memory
        }
      }
      usage {
        cpuCores
        memoryBytes
        timestamp
      }
    }
  }
}
    `) as unknown as TypedDocumentString<TopNodesQuery, TopNodesQueryVariables>;
export const ListLeasesDocument = new TypedDocumentString(`
    query ListLeases($namespace: String, $allNamespaces: Boolean, $labelSelector: String, $fieldSelector: String) {
  leases(
    namespace: $namespace
    allNamespaces: $allNamespaces
    labelSelector: $labelSelector
    fieldSelector: $fieldSelector
  ) {
    items {
      apiVersion
      kind
      metadata {
        name
        generateName
        namespace
        uid
        labels {
          key
          value
        }
        annotations {
          key
          value
        }
        resourceVersion
        generation
        creationTimestamp
        deletionTimestamp
        deletionGracePeriodSeconds
        ownerReferences {
          apiVersion
          kind
          name
          uid
          controller
          blockOwnerDeletion
        }
        finalizers
      }
      spec {
        holderIdentity
        leaseDurationSeconds
        acquireTime
        renewTime
      }
    }
    resourceVersion
  }
}
    `) as unknown as TypedDocumentString<ListLeasesQuery, ListLeasesQueryVariables>;
export const GetLeaseDocument = new TypedDocumentString(`
    query GetLease($namespace: String!, $name: String!) {
  lease(namespace: $namespace, name: $name) {
    apiVersion
    kind
    metadata {
      name
      generateName
      namespace
      uid
      labels {
        key
        value
      }
      annotations {
        key
        value
      }
      resourceVersion
      generation
      creationTimestamp
      deletionTimestamp
      deletionGracePeriodSeconds
      ownerReferences {
        apiVersion
        kind
        name
        uid
        controller
        blockOwnerDeletion
      }
      finalizers
    }
    spec {
      holderIdentity
      leaseDurationSeconds
      acquireTime
      renewTime
    }
  }
}
    `) as unknown as TypedDocumentString<GetLeaseQuery, GetLeaseQueryVariables>;
export const WatchPodsDocument = new TypedDocumentString(`
    subscription WatchPods($namespace: String, $labelSelector: String, $fieldSelector: String, $sinceResourceVersion: String) {
  watch(
    kind: Pod
    namespace: $namespace
    labelSelector: $labelSelector
    fieldSelector: $fieldSelector
    sinceResourceVersion: $sinceResourceVersion
  ) {
    type
    resourceVersion
    object {
      ... on Pod {
        apiVersion
        kind
        metadata {
          name
          generateName
          namespace
          uid
          labels {
            key
            value
          }
          annotations {
            key
            value
          }
          resourceVersion
          generation
          creationTimestamp
          deletionTimestamp
          deletionGracePeriodSeconds
          ownerReferences {
            apiVersion
            kind
            name
            uid
            controller
            blockOwnerDeletion
          }
          finalizers
        }
        spec {
          containers {
            name
            image
            imagePullPolicy
            command
            args
            workingDir
            env {
              name
              value
              valueFrom {
                fieldRef {
                  fieldPath
                }
                configMapKeyRef {
                  name
                  key
                  optional
                }
                secretKeyRef {
                  name
                  key
                  optional
                }
              }
            }
            envFrom {
              prefix
              configMapRef {
                name
                optional
              }
              secretRef {
                name
                optional
              }
            }
            ports {
              name
              containerPort
              hostPort
              protocol
            }
            resources {
              limits {
                cpu
                memory
              }
              requests {
                cpu
                memory
              }
            }
            volumeMounts {
              name
              mountPath
              readOnly
              subPath
            }
            livenessProbe {
              httpGet {
                path
                port
                host
                scheme
                httpHeaders {
                  name
                  value
                }
              }
              tcpSocket {
                port
                host
              }
              exec {
                command
              }
              initialDelaySeconds
              periodSeconds
              timeoutSeconds
              successThreshold
              failureThreshold
            }
            readinessProbe {
              httpGet {
                path
                port
                host
                scheme
                httpHeaders {
                  name
                  value
                }
              }
              tcpSocket {
                port
                host
              }
              exec {
                command
              }
              initialDelaySeconds
              periodSeconds
              timeoutSeconds
              successThreshold
              failureThreshold
            }
            startupProbe {
              httpGet {
                path
                port
                host
                scheme
                httpHeaders {
                  name
                  value
                }
              }
              tcpSocket {
                port
                host
              }
              exec {
                command
              }
              initialDelaySeconds
              periodSeconds
              timeoutSeconds
              successThreshold
              failureThreshold
            }
          }
          volumes {
            name
            emptyDir {
              medium
              sizeLimit
            }
            hostPath {
              path
              type
            }
            persistentVolumeClaim {
              claimName
              readOnly
            }
            configMap {
              name
              items {
                key
                path
                mode
              }
              defaultMode
              optional
            }
            secret {
              secretName
              items {
                key
                path
                mode
              }
              defaultMode
              optional
            }
          }
          restartPolicy
          terminationGracePeriodSeconds
          nodeName
          nodeSelector {
            key
            value
          }
          tolerations {
            key
            operator
            value
            effect
            tolerationSeconds
          }
          hostname
          subdomain
          imagePullSecrets {
            name
          }
        }
        status {
          phase
          reason
          message
          conditions {
            type
            status
            reason
            message
            lastTransitionTime
          }
          podIP
          hostIP
          startTime
          containerStatuses {
            name
            image
            imageID
            containerID
            ready
            started
            restartCount
            state {
              waiting {
                reason
                message
              }
              running {
                startedAt
              }
              terminated {
                exitCode
                reason
                message
                startedAt
                finishedAt
              }
            }
            lastState {
              waiting {
                reason
                message
              }
              running {
                startedAt
              }
              terminated {
                exitCode
                reason
                message
                startedAt
                finishedAt
              }
            }
          }
          hostPorts {
            containerPort
            protocol
            hostIP
            hostPort
          }
        }
        ready
        restarts
        displayStatus
      }
    }
  }
}
    `) as unknown as TypedDocumentString<WatchPodsSubscription, WatchPodsSubscriptionVariables>;
export const WatchReplicationControllersDocument = new TypedDocumentString(`
    subscription WatchReplicationControllers($namespace: String, $labelSelector: String, $fieldSelector: String, $sinceResourceVersion: String) {
  watch(
    kind: ReplicationController
    namespace: $namespace
    labelSelector: $labelSelector
    fieldSelector: $fieldSelector
    sinceResourceVersion: $sinceResourceVersion
  ) {
    type
    resourceVersion
    object {
      ... on ReplicationController {
        apiVersion
        kind
        metadata {
          name
          generateName
          namespace
          uid
          labels {
            key
            value
          }
          annotations {
            key
            value
          }
          resourceVersion
          generation
          creationTimestamp
          deletionTimestamp
          deletionGracePeriodSeconds
          ownerReferences {
            apiVersion
            kind
            name
            uid
            controller
            blockOwnerDeletion
          }
          finalizers
        }
        spec {
          replicas
          minReadySeconds
          selector {
            key
            value
          }
          template {
            metadata {
              labels {
                key
                value
              }
              annotations {
                key
                value
              }
            }
            spec {
              containers {
                name
                image
                imagePullPolicy
                command
                args
                workingDir
                env {
                  name
                  value
                  valueFrom {
                    fieldRef {
                      fieldPath
                    }
                    configMapKeyRef {
                      name
                      key
                      optional
                    }
                    secretKeyRef {
                      name
                      key
                      optional
                    }
                  }
                }
                envFrom {
                  prefix
                  configMapRef {
                    name
                    optional
                  }
                  secretRef {
                    name
                    optional
                  }
                }
                ports {
                  name
                  containerPort
                  hostPort
                  protocol
                }
                resources {
                  limits {
                    cpu
                    memory
                  }
                  requests {
                    cpu
                    memory
                  }
                }
                volumeMounts {
                  name
                  mountPath
                  readOnly
                  subPath
                }
                livenessProbe {
                  httpGet {
                    path
                    port
                    host
                    scheme
                    httpHeaders {
                      name
                      value
                    }
                  }
                  tcpSocket {
                    port
                    host
                  }
                  exec {
                    command
                  }
                  initialDelaySeconds
                  periodSeconds
                  timeoutSeconds
                  successThreshold
                  failureThreshold
                }
                readinessProbe {
                  httpGet {
                    path
                    port
                    host
                    scheme
                    httpHeaders {
                      name
                      value
                    }
                  }
                  tcpSocket {
                    port
                    host
                  }
                  exec {
                    command
                  }
                  initialDelaySeconds
                  periodSeconds
                  timeoutSeconds
                  successThreshold
                  failureThreshold
                }
                startupProbe {
                  httpGet {
                    path
                    port
                    host
                    scheme
                    httpHeaders {
                      name
                      value
                    }
                  }
                  tcpSocket {
                    port
                    host
                  }
                  exec {
                    command
                  }
                  initialDelaySeconds
                  periodSeconds
                  timeoutSeconds
                  successThreshold
                  failureThreshold
                }
              }
              volumes {
                name
                emptyDir {
                  medium
                  sizeLimit
                }
                hostPath {
                  path
                  type
                }
                persistentVolumeClaim {
                  claimName
                  readOnly
                }
                configMap {
                  name
                  items {
                    key
                    path
                    mode
                  }
                  defaultMode
                  optional
                }
                secret {
                  secretName
                  items {
                    key
                    path
                    mode
                  }
                  defaultMode
                  optional
                }
              }
              restartPolicy
              terminationGracePeriodSeconds
              nodeName
              nodeSelector {
                key
                value
              }
              tolerations {
                key
                operator
                value
                effect
                tolerationSeconds
              }
              hostname
              subdomain
              imagePullSecrets {
                name
              }
            }
          }
        }
        status {
          replicas
          fullyLabeledReplicas
          readyReplicas
          availableReplicas
          observedGeneration
          conditions {
            type
            status
            reason
            message
            lastTransitionTime
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<WatchReplicationControllersSubscription, WatchReplicationControllersSubscriptionVariables>;
export const WatchDeploymentsDocument = new TypedDocumentString(`
    subscription WatchDeployments($namespace: String, $labelSelector: String, $fieldSelector: String, $sinceResourceVersion: String) {
  watch(
    kind: Deployment
    namespace: $namespace
    labelSelector: $labelSelector
    fieldSelector: $fieldSelector
    sinceResourceVersion: $sinceResourceVersion
  ) {
    type
    resourceVersion
    object {
      ... on Deployment {
        apiVersion
        kind
        metadata {
          name
          generateName
          namespace
          uid
          labels {
            key
            value
          }
          annotations {
            key
            value
          }
          resourceVersion
          generation
          creationTimestamp
          deletionTimestamp
          deletionGracePeriodSeconds
          ownerReferences {
            apiVersion
            kind
            name
            uid
            controller
            blockOwnerDeletion
          }
          finalizers
        }
        spec {
          replicas
          selector {
            matchLabels {
              key
              value
            }
            matchExpressions {
              key
              operator
              values
            }
          }
          template {
            metadata {
              labels {
                key
                value
              }
              annotations {
                key
                value
              }
            }
            spec {
              containers {
                name
                image
                imagePullPolicy
                command
                args
                workingDir
                env {
                  name
                  value
                  valueFrom {
                    fieldRef {
                      fieldPath
                    }
                    configMapKeyRef {
                      name
                      key
                      optional
                    }
                    secretKeyRef {
                      name
                      key
                      optional
                    }
                  }
                }
                envFrom {
                  prefix
                  configMapRef {
                    name
                    optional
                  }
                  secretRef {
                    name
                    optional
                  }
                }
                ports {
                  name
                  containerPort
                  hostPort
                  protocol
                }
                resources {
                  limits {
                    cpu
                    memory
                  }
                  requests {
                    cpu
                    memory
                  }
                }
                volumeMounts {
                  name
                  mountPath
                  readOnly
                  subPath
                }
                livenessProbe {
                  httpGet {
                    path
                    port
                    host
                    scheme
                    httpHeaders {
                      name
                      value
                    }
                  }
                  tcpSocket {
                    port
                    host
                  }
                  exec {
                    command
                  }
                  initialDelaySeconds
                  periodSeconds
                  timeoutSeconds
                  successThreshold
                  failureThreshold
                }
                readinessProbe {
                  httpGet {
                    path
                    port
                    host
                    scheme
                    httpHeaders {
                      name
                      value
                    }
                  }
                  tcpSocket {
                    port
                    host
                  }
                  exec {
                    command
                  }
                  initialDelaySeconds
                  periodSeconds
                  timeoutSeconds
                  successThreshold
                  failureThreshold
                }
                startupProbe {
                  httpGet {
                    path
                    port
                    host
                    scheme
                    httpHeaders {
                      name
                      value
                    }
                  }
                  tcpSocket {
                    port
                    host
                  }
                  exec {
                    command
                  }
                  initialDelaySeconds
                  periodSeconds
                  timeoutSeconds
                  successThreshold
                  failureThreshold
                }
              }
              volumes {
                name
                emptyDir {
                  medium
                  sizeLimit
                }
                hostPath {
                  path
                  type
                }
                persistentVolumeClaim {
                  claimName
                  readOnly
                }
                configMap {
                  name
                  items {
                    key
                    path
                    mode
                  }
                  defaultMode
                  optional
                }
                secret {
                  secretName
                  items {
                    key
                    path
                    mode
                  }
                  defaultMode
                  optional
                }
              }
              restartPolicy
              terminationGracePeriodSeconds
              nodeName
              nodeSelector {
                key
                value
              }
              tolerations {
                key
                operator
                value
                effect
                tolerationSeconds
              }
              hostname
              subdomain
              imagePullSecrets {
                name
              }
            }
          }
          strategy {
            type
            rollingUpdate {
              maxSurge
              maxUnavailable
            }
          }
          minReadySeconds
          revisionHistoryLimit
          progressDeadlineSeconds
          paused
        }
        status {
          observedGeneration
          replicas
          updatedReplicas
          readyReplicas
          availableReplicas
          unavailableReplicas
          conditions {
            type
            status
            reason
            message
            lastUpdateTime
            lastTransitionTime
          }
        }
        revision
      }
    }
  }
}
    `) as unknown as TypedDocumentString<WatchDeploymentsSubscription, WatchDeploymentsSubscriptionVariables>;
export const WatchServicesDocument = new TypedDocumentString(`
    subscription WatchServices($namespace: String, $labelSelector: String, $fieldSelector: String, $sinceResourceVersion: String) {
  watch(
    kind: Service
    namespace: $namespace
    labelSelector: $labelSelector
    fieldSelector: $fieldSelector
    sinceResourceVersion: $sinceResourceVersion
  ) {
    type
    resourceVersion
    object {
      ... on Service {
        apiVersion
        kind
        metadata {
          name
          generateName
          namespace
          uid
          labels {
            key
            value
          }
          annotations {
            key
            value
          }
          resourceVersion
          generation
          creationTimestamp
          deletionTimestamp
          deletionGracePeriodSeconds
          ownerReferences {
            apiVersion
            kind
            name
            uid
            controller
            blockOwnerDeletion
          }
          finalizers
        }
        spec {
          type
          selector {
            key
            value
          }
          ports {
            name
            protocol
            port
            targetPort
            nodePort
          }
          clusterIP
          sessionAffinity
          loadBalancerIP
        }
        status {
          loadBalancer {
            ingress {
              ip
            }
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<WatchServicesSubscription, WatchServicesSubscriptionVariables>;
export const WatchEndpointsDocument = new TypedDocumentString(`
    subscription WatchEndpoints($namespace: String, $labelSelector: String, $fieldSelector: String, $sinceResourceVersion: String) {
  watch(
    kind: Endpoints
    namespace: $namespace
    labelSelector: $labelSelector
    fieldSelector: $fieldSelector
    sinceResourceVersion: $sinceResourceVersion
  ) {
    type
    resourceVersion
    object {
      ... on Endpoints {
        apiVersion
        kind
        metadata {
          name
          generateName
          namespace
          uid
          labels {
            key
            value
          }
          annotations {
            key
            value
          }
          resourceVersion
          generation
          creationTimestamp
          deletionTimestamp
          deletionGracePeriodSeconds
          ownerReferences {
            apiVersion
            kind
            name
            uid
            controller
            blockOwnerDeletion
          }
          finalizers
        }
        subsets {
          addresses {
            ip
            hostname
            nodeName
            targetRef {
              kind
              name
              namespace
              uid
            }
          }
          notReadyAddresses {
            ip
            hostname
            nodeName
            targetRef {
              kind
              name
              namespace
              uid
            }
          }
          ports {
            name
            port
            protocol
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<WatchEndpointsSubscription, WatchEndpointsSubscriptionVariables>;
export const WatchNodesDocument = new TypedDocumentString(`
    subscription WatchNodes($namespace: String, $labelSelector: String, $fieldSelector: String, $sinceResourceVersion: String) {
  watch(
    kind: Node
    namespace: $namespace
    labelSelector: $labelSelector
    fieldSelector: $fieldSelector
    sinceResourceVersion: $sinceResourceVersion
  ) {
    type
    resourceVersion
    object {
      ... on Node {
        apiVersion
        kind
        metadata {
          name
          generateName
          namespace
          uid
          labels {
            key
            value
          }
          annotations {
            key
            value
          }
          resourceVersion
          generation
          creationTimestamp
          deletionTimestamp
          deletionGracePeriodSeconds
          ownerReferences {
            apiVersion
            kind
            name
            uid
            controller
            blockOwnerDeletion
          }
          finalizers
        }
        spec {
          unschedulable
          taints {
            key
            value
            effect
            timeAdded
          }
          podCIDR
        }
        status {
          capacity {
            cpu
            memory
            pods
          }
          allocatable {
            cpu
            memory
            pods
          }
          addresses {
            type
            address
          }
          conditions {
            type
            status
            reason
            message
            lastHeartbeatTime
            lastTransitionTime
          }
          nodeInfo {
            containerRuntimeVersion
            kubeletVersion
            operatingSystem
            architecture
          }
        }
        displayStatus
      }
    }
  }
}
    `) as unknown as TypedDocumentString<WatchNodesSubscription, WatchNodesSubscriptionVariables>;
export const WatchNamespacesDocument = new TypedDocumentString(`
    subscription WatchNamespaces($namespace: String, $labelSelector: String, $fieldSelector: String, $sinceResourceVersion: String) {
  watch(
    kind: Namespace
    namespace: $namespace
    labelSelector: $labelSelector
    fieldSelector: $fieldSelector
    sinceResourceVersion: $sinceResourceVersion
  ) {
    type
    resourceVersion
    object {
      ... on Namespace {
        apiVersion
        kind
        metadata {
          name
          generateName
          namespace
          uid
          labels {
            key
            value
          }
          annotations {
            key
            value
          }
          resourceVersion
          generation
          creationTimestamp
          deletionTimestamp
          deletionGracePeriodSeconds
          ownerReferences {
            apiVersion
            kind
            name
            uid
            controller
            blockOwnerDeletion
          }
          finalizers
        }
        status {
          phase
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<WatchNamespacesSubscription, WatchNamespacesSubscriptionVariables>;
export const WatchEventsDocument = new TypedDocumentString(`
    subscription WatchEvents($namespace: String, $labelSelector: String, $fieldSelector: String, $sinceResourceVersion: String) {
  watch(
    kind: Event
    namespace: $namespace
    labelSelector: $labelSelector
    fieldSelector: $fieldSelector
    sinceResourceVersion: $sinceResourceVersion
  ) {
    type
    resourceVersion
    object {
      ... on Event {
        apiVersion
        kind
        metadata {
          name
          generateName
          namespace
          uid
          labels {
            key
            value
          }
          annotations {
            key
            value
          }
          resourceVersion
          generation
          creationTimestamp
          deletionTimestamp
          deletionGracePeriodSeconds
          ownerReferences {
            apiVersion
            kind
            name
            uid
            controller
            blockOwnerDeletion
          }
          finalizers
        }
        involvedObject {
          kind
          name
          namespace
          uid
          resourceVersion
        }
        reason
        message
        type
        source {
          component
          host
        }
        count
        firstTimestamp
        lastTimestamp
      }
    }
  }
}
    `) as unknown as TypedDocumentString<WatchEventsSubscription, WatchEventsSubscriptionVariables>;
export const WatchPersistentVolumeClaimsDocument = new TypedDocumentString(`
    subscription WatchPersistentVolumeClaims($namespace: String, $labelSelector: String, $fieldSelector: String, $sinceResourceVersion: String) {
  watch(
    kind: PersistentVolumeClaim
    namespace: $namespace
    labelSelector: $labelSelector
    fieldSelector: $fieldSelector
    sinceResourceVersion: $sinceResourceVersion
  ) {
    type
    resourceVersion
    object {
      ... on PersistentVolumeClaim {
        apiVersion
        kind
        metadata {
          name
          generateName
          namespace
          uid
          labels {
            key
            value
          }
          annotations {
            key
            value
          }
          resourceVersion
          generation
          creationTimestamp
          deletionTimestamp
          deletionGracePeriodSeconds
          ownerReferences {
            apiVersion
            kind
            name
            uid
            controller
            blockOwnerDeletion
          }
          finalizers
        }
        spec {
          accessModes
          resources {
            requests {
              storage
            }
          }
          storageClassName
          volumeName
        }
        status {
          phase
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<WatchPersistentVolumeClaimsSubscription, WatchPersistentVolumeClaimsSubscriptionVariables>;
export const PodLogsDocument = new TypedDocumentString(`
    subscription PodLogs($namespace: String!, $name: String!, $container: String, $follow: Boolean, $tailLines: Int) {
  podLogs(
    namespace: $namespace
    name: $name
    container: $container
    follow: $follow
    tailLines: $tailLines
  ) {
    container
    text
    timestamp
  }
}
    `) as unknown as TypedDocumentString<PodLogsSubscription, PodLogsSubscriptionVariables>;
export const WatchConfigMapsDocument = new TypedDocumentString(`
    subscription WatchConfigMaps($namespace: String, $labelSelector: String, $fieldSelector: String, $sinceResourceVersion: String) {
  watch(
    kind: ConfigMap
    namespace: $namespace
    labelSelector: $labelSelector
    fieldSelector: $fieldSelector
    sinceResourceVersion: $sinceResourceVersion
  ) {
    type
    resourceVersion
    object {
      ... on ConfigMap {
        apiVersion
        kind
        metadata {
          name
          generateName
          namespace
          uid
          labels {
            key
            value
          }
          annotations {
            key
            value
          }
          resourceVersion
          generation
          creationTimestamp
          deletionTimestamp
          deletionGracePeriodSeconds
          ownerReferences {
            apiVersion
            kind
            name
            uid
            controller
            blockOwnerDeletion
          }
          finalizers
        }
        data {
          key
          value
        }
        binaryData {
          key
          value
        }
        immutable
      }
    }
  }
}
    `) as unknown as TypedDocumentString<WatchConfigMapsSubscription, WatchConfigMapsSubscriptionVariables>;
export const WatchSecretsDocument = new TypedDocumentString(`
    subscription WatchSecrets($namespace: String, $labelSelector: String, $fieldSelector: String, $sinceResourceVersion: String) {
  watch(
    kind: Secret
    namespace: $namespace
    labelSelector: $labelSelector
    fieldSelector: $fieldSelector
    sinceResourceVersion: $sinceResourceVersion
  ) {
    type
    resourceVersion
    object {
      ... on Secret {
        apiVersion
        kind
        metadata {
          name
          generateName
          namespace
          uid
          labels {
            key
            value
          }
          annotations {
            key
            value
          }
          resourceVersion
          generation
          creationTimestamp
          deletionTimestamp
          deletionGracePeriodSeconds
          ownerReferences {
            apiVersion
            kind
            name
            uid
            controller
            blockOwnerDeletion
          }
          finalizers
        }
        type
        data {
          key
          value
        }
        immutable
      }
    }
  }
}
    `) as unknown as TypedDocumentString<WatchSecretsSubscription, WatchSecretsSubscriptionVariables>;
export const PodUsageDocument = new TypedDocumentString(`
    subscription PodUsage($namespace: String!, $name: String!) {
  podUsage(namespace: $namespace, name: $name) {
    cpuCores
    memoryBytes
    timestamp
  }
}
    `) as unknown as TypedDocumentString<PodUsageSubscription, PodUsageSubscriptionVariables>;
export const NodeUsageDocument = new TypedDocumentString(`
    subscription NodeUsage($name: String!) {
  nodeUsage(name: $name) {
    cpuCores
    memoryBytes
    timestamp
  }
}
    `) as unknown as TypedDocumentString<NodeUsageSubscription, NodeUsageSubscriptionVariables>;
export const DeploymentLogsDocument = new TypedDocumentString(`
    subscription DeploymentLogs($namespace: String, $name: String!, $container: String, $follow: Boolean, $tailLines: Int) {
  deploymentLogs(
    namespace: $namespace
    name: $name
    container: $container
    follow: $follow
    tailLines: $tailLines
  ) {
    pod
    container
    text
    timestamp
  }
}
    `) as unknown as TypedDocumentString<DeploymentLogsSubscription, DeploymentLogsSubscriptionVariables>;
export const WatchLeasesDocument = new TypedDocumentString(`
    subscription WatchLeases($namespace: String, $labelSelector: String, $fieldSelector: String, $sinceResourceVersion: String) {
  watch(
    kind: Lease
    namespace: $namespace
    labelSelector: $labelSelector
    fieldSelector: $fieldSelector
    sinceResourceVersion: $sinceResourceVersion
  ) {
    type
    resourceVersion
    object {
      ... on Lease {
        apiVersion
        kind
        metadata {
          name
          generateName
          namespace
          uid
          labels {
            key
            value
          }
          annotations {
            key
            value
          }
          resourceVersion
          generation
          creationTimestamp
          deletionTimestamp
          deletionGracePeriodSeconds
          ownerReferences {
            apiVersion
            kind
            name
            uid
            controller
            blockOwnerDeletion
          }
          finalizers
        }
        spec {
          holderIdentity
          leaseDurationSeconds
          acquireTime
          renewTime
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<WatchLeasesSubscription, WatchLeasesSubscriptionVariables>;
export const ApplyDocument = new TypedDocumentString(`
    mutation Apply($manifest: String!, $namespace: String, $dryRun: Boolean) {
  apply(manifest: $manifest, namespace: $namespace, dryRun: $dryRun) {
    index
    kind
    namespace
    name
    action
  }
}
    `) as unknown as TypedDocumentString<ApplyMutation, ApplyMutationVariables>;
export const RunDocument = new TypedDocumentString(`
    mutation Run($namespace: String!, $name: String!, $image: String!, $port: Int, $replicas: Int, $labels: [KeyValueInput!], $env: [EnvVarInput!], $command: [String!], $args: [String!], $imagePullPolicy: ImagePullPolicy, $dryRun: Boolean) {
  run(
    namespace: $namespace
    name: $name
    image: $image
    port: $port
    replicas: $replicas
    labels: $labels
    env: $env
    command: $command
    args: $args
    imagePullPolicy: $imagePullPolicy
    dryRun: $dryRun
  ) {
    kind
    metadata {
      name
      namespace
    }
  }
}
    `) as unknown as TypedDocumentString<RunMutation, RunMutationVariables>;
export const ScaleDocument = new TypedDocumentString(`
    mutation Scale($kind: WorkloadKind!, $namespace: String!, $name: String!, $replicas: Int!, $dryRun: Boolean) {
  scale(
    kind: $kind
    namespace: $namespace
    name: $name
    replicas: $replicas
    dryRun: $dryRun
  ) {
    ... on ReplicationController {
      kind
      metadata {
        name
        namespace
      }
    }
    ... on Deployment {
      kind
      metadata {
        name
        namespace
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ScaleMutation, ScaleMutationVariables>;
export const ExposeDocument = new TypedDocumentString(`
    mutation Expose($kind: ExposableKind!, $namespace: String!, $name: String!, $port: Int, $targetPort: IntOrString, $protocol: Protocol, $type: ServiceType, $serviceName: String, $nodePort: Int, $dryRun: Boolean) {
  expose(
    kind: $kind
    namespace: $namespace
    name: $name
    port: $port
    targetPort: $targetPort
    protocol: $protocol
    type: $type
    serviceName: $serviceName
    nodePort: $nodePort
    dryRun: $dryRun
  ) {
    apiVersion
    kind
    metadata {
      name
      generateName
      namespace
      uid
      labels {
        key
        value
      }
      annotations {
        key
        value
      }
      resourceVersion
      generation
      creationTimestamp
      deletionTimestamp
      deletionGracePeriodSeconds
      ownerReferences {
        apiVersion
        kind
        name
        uid
        controller
        blockOwnerDeletion
      }
      finalizers
    }
    spec {
      type
      selector {
        key
        value
      }
      ports {
        name
        protocol
        port
        targetPort
        nodePort
      }
      clusterIP
      sessionAffinity
      loadBalancerIP
    }
    status {
      loadBalancer {
        ingress {
          ip
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ExposeMutation, ExposeMutationVariables>;
export const RollbackDocument = new TypedDocumentString(`
    mutation Rollback($namespace: String!, $name: String!, $toRevision: Int, $dryRun: Boolean) {
  rollback(
    namespace: $namespace
    name: $name
    toRevision: $toRevision
    dryRun: $dryRun
  ) {
    kind
    metadata {
      name
      namespace
    }
    revision
  }
}
    `) as unknown as TypedDocumentString<RollbackMutation, RollbackMutationVariables>;
export const RolloutUndoDocument = new TypedDocumentString(`
    mutation RolloutUndo($namespace: String!, $name: String!, $toRevision: Int, $dryRun: Boolean) {
  rolloutUndo(
    namespace: $namespace
    name: $name
    toRevision: $toRevision
    dryRun: $dryRun
  ) {
    deployment {
      kind
      metadata {
        name
        namespace
        resourceVersion
      }
      revision
    }
    revision
    rolledBack
    message
  }
}
    `) as unknown as TypedDocumentString<RolloutUndoMutation, RolloutUndoMutationVariables>;
export const RolloutRestartDocument = new TypedDocumentString(`
    mutation RolloutRestart($namespace: String!, $name: String!) {
  rolloutRestart(namespace: $namespace, name: $name) {
    metadata {
      name
      namespace
    }
  }
}
    `) as unknown as TypedDocumentString<RolloutRestartMutation, RolloutRestartMutationVariables>;
export const UpdateDeploymentDocument = new TypedDocumentString(`
    mutation UpdateDeployment($deployment: DeploymentInput!, $expectedResourceVersion: String, $dryRun: Boolean) {
  updateDeployment(
    deployment: $deployment
    expectedResourceVersion: $expectedResourceVersion
    dryRun: $dryRun
  ) {
    apiVersion
    kind
    metadata {
      name
      generateName
      namespace
      uid
      labels {
        key
        value
      }
      annotations {
        key
        value
      }
      resourceVersion
      generation
      creationTimestamp
      deletionTimestamp
      deletionGracePeriodSeconds
      ownerReferences {
        apiVersion
        kind
        name
        uid
        controller
        blockOwnerDeletion
      }
      finalizers
    }
    spec {
      replicas
      selector {
        matchLabels {
          key
          value
        }
        matchExpressions {
          key
          operator
          values
        }
      }
      template {
        metadata {
          labels {
            key
            value
          }
          annotations {
            key
            value
          }
        }
        spec {
          containers {
            name
            image
            imagePullPolicy
            command
            args
            workingDir
            env {
              name
              value
              valueFrom {
                fieldRef {
                  fieldPath
                }
                configMapKeyRef {
                  name
                  key
                  optional
                }
                secretKeyRef {
                  name
                  key
                  optional
                }
              }
            }
            envFrom {
              prefix
              configMapRef {
                name
                optional
              }
              secretRef {
                name
                optional
              }
            }
            ports {
              name
              containerPort
              hostPort
              protocol
            }
            resources {
              limits {
                cpu
                memory
              }
              requests {
                cpu
                memory
              }
            }
            volumeMounts {
              name
              mountPath
              readOnly
              subPath
            }
            livenessProbe {
              httpGet {
                path
                port
                host
                scheme
                httpHeaders {
                  name
                  value
                }
              }
              tcpSocket {
                port
                host
              }
              exec {
                command
              }
              initialDelaySeconds
              periodSeconds
              timeoutSeconds
              successThreshold
              failureThreshold
            }
            readinessProbe {
              httpGet {
                path
                port
                host
                scheme
                httpHeaders {
                  name
                  value
                }
              }
              tcpSocket {
                port
                host
              }
              exec {
                command
              }
              initialDelaySeconds
              periodSeconds
              timeoutSeconds
              successThreshold
              failureThreshold
            }
            startupProbe {
              httpGet {
                path
                port
                host
                scheme
                httpHeaders {
                  name
                  value
                }
              }
              tcpSocket {
                port
                host
              }
              exec {
                command
              }
              initialDelaySeconds
              periodSeconds
              timeoutSeconds
              successThreshold
              failureThreshold
            }
          }
          volumes {
            name
            emptyDir {
              medium
              sizeLimit
            }
            hostPath {
              path
              type
            }
            persistentVolumeClaim {
              claimName
              readOnly
            }
            configMap {
              name
              items {
                key
                path
                mode
              }
              defaultMode
              optional
            }
            secret {
              secretName
              items {
                key
                path
                mode
              }
              defaultMode
              optional
            }
          }
          restartPolicy
          terminationGracePeriodSeconds
          nodeName
          nodeSelector {
            key
            value
          }
          tolerations {
            key
            operator
            value
            effect
            tolerationSeconds
          }
          hostname
          subdomain
          imagePullSecrets {
            name
          }
        }
      }
      strategy {
        type
        rollingUpdate {
          maxSurge
          maxUnavailable
        }
      }
      minReadySeconds
      revisionHistoryLimit
      progressDeadlineSeconds
      paused
    }
    status {
      observedGeneration
      replicas
      updatedReplicas
      readyReplicas
      availableReplicas
      unavailableReplicas
      conditions {
        type
        status
        reason
        message
        lastUpdateTime
        lastTransitionTime
      }
    }
    revision
  }
}
    `) as unknown as TypedDocumentString<UpdateDeploymentMutation, UpdateDeploymentMutationVariables>;
export const DeploymentHistoryDocument = new TypedDocumentString(`
    query DeploymentHistory($namespace: String!, $name: String!) {
  deployment(namespace: $namespace, name: $name) {
    metadata {
      name
      namespace
    }
    revision
    replicationControllers {
      metadata {
        name
        annotations {
          key
          value
        }
        creationTimestamp
      }
      spec {
        template {
          metadata {
            labels {
              key
              value
            }
            annotations {
              key
              value
            }
          }
          spec {
            containers {
              name
              image
              imagePullPolicy
              command
              args
              workingDir
              env {
                name
                value
                valueFrom {
                  fieldRef {
                    fieldPath
                  }
                  configMapKeyRef {
                    name
                    key
                    optional
                  }
                  secretKeyRef {
                    name
                    key
                    optional
                  }
                }
              }
              envFrom {
                prefix
                configMapRef {
                  name
                  optional
                }
                secretRef {
                  name
                  optional
                }
              }
              ports {
                name
                containerPort
                hostPort
                protocol
              }
              resources {
                limits {
                  cpu
                  memory
                }
                requests {
                  cpu
                  memory
                }
              }
              volumeMounts {
                name
                mountPath
                readOnly
                subPath
              }
              livenessProbe {
                httpGet {
                  path
                  port
                  host
                  scheme
                  httpHeaders {
                    name
                    value
                  }
                }
                tcpSocket {
                  port
                  host
                }
                exec {
                  command
                }
                initialDelaySeconds
                periodSeconds
                timeoutSeconds
                successThreshold
                failureThreshold
              }
              readinessProbe {
                httpGet {
                  path
                  port
                  host
                  scheme
                  httpHeaders {
                    name
                    value
                  }
                }
                tcpSocket {
                  port
                  host
                }
                exec {
                  command
                }
                initialDelaySeconds
                periodSeconds
                timeoutSeconds
                successThreshold
                failureThreshold
              }
              startupProbe {
                httpGet {
                  path
                  port
                  host
                  scheme
                  httpHeaders {
                    name
                    value
                  }
                }
                tcpSocket {
                  port
                  host
                }
                exec {
                  command
                }
                initialDelaySeconds
                periodSeconds
                timeoutSeconds
                successThreshold
                failureThreshold
              }
            }
            volumes {
              name
              emptyDir {
                medium
                sizeLimit
              }
              hostPath {
                path
                type
              }
              persistentVolumeClaim {
                claimName
                readOnly
              }
              configMap {
                name
                items {
                  key
                  path
                  mode
                }
                defaultMode
                optional
              }
              secret {
                secretName
                items {
                  key
                  path
                  mode
                }
                defaultMode
                optional
              }
            }
            restartPolicy
            terminationGracePeriodSeconds
            nodeName
            nodeSelector {
              key
              value
            }
            tolerations {
              key
              operator
              value
              effect
              tolerationSeconds
            }
            hostname
            subdomain
            imagePullSecrets {
              name
            }
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<DeploymentHistoryQuery, DeploymentHistoryQueryVariables>;
export const CordonDocument = new TypedDocumentString(`
    mutation Cordon($name: String!, $dryRun: Boolean) {
  cordon(name: $name, dryRun: $dryRun) {
    metadata {
      name
    }
  }
}
    `) as unknown as TypedDocumentString<CordonMutation, CordonMutationVariables>;
export const UncordonDocument = new TypedDocumentString(`
    mutation Uncordon($name: String!, $dryRun: Boolean) {
  uncordon(name: $name, dryRun: $dryRun) {
    metadata {
      name
    }
  }
}
    `) as unknown as TypedDocumentString<UncordonMutation, UncordonMutationVariables>;
export const DrainDocument = new TypedDocumentString(`
    mutation Drain($name: String!, $force: Boolean, $dryRun: Boolean) {
  drain(name: $name, force: $force, dryRun: $dryRun) {
    node {
      metadata {
        name
      }
    }
    deletedPods {
      metadata {
        name
        namespace
      }
    }
  }
}
    `) as unknown as TypedDocumentString<DrainMutation, DrainMutationVariables>;
export const CreateTokenDocument = new TypedDocumentString(`
    mutation CreateToken($role: TokenRole!, $ttlSeconds: Int, $description: String, $nodeName: String, $maxUses: Int) {
  createToken(
    role: $role
    ttlSeconds: $ttlSeconds
    description: $description
    nodeName: $nodeName
    maxUses: $maxUses
  ) {
    token
    name
    expiresAt
  }
}
    `) as unknown as TypedDocumentString<CreateTokenMutation, CreateTokenMutationVariables>;
export const ListTokensDocument = new TypedDocumentString(`
    query ListTokens($role: TokenRole) {
  tokens(role: $role) {
    name
    role
    description
    nodeName
    createdAt
    expiresAt
    maxUses
    uses
    signing
  }
}
    `) as unknown as TypedDocumentString<ListTokensQuery, ListTokensQueryVariables>;
export const DeleteTokenDocument = new TypedDocumentString(`
    mutation DeleteToken($name: String!) {
  deleteToken(name: $name) {
    name
    role
  }
}
    `) as unknown as TypedDocumentString<DeleteTokenMutation, DeleteTokenMutationVariables>;
export const LabelDocument = new TypedDocumentString(`
    mutation Label($kind: LabelableKind!, $namespace: String!, $name: String!, $set: [KeyValueInput!], $remove: [String!], $overwrite: Boolean, $dryRun: Boolean) {
  label(
    kind: $kind
    namespace: $namespace
    name: $name
    set: $set
    remove: $remove
    overwrite: $overwrite
    dryRun: $dryRun
  ) {
    changed
    notFound
    object {
      kind
      metadata {
        name
        namespace
      }
    }
  }
}
    `) as unknown as TypedDocumentString<LabelMutation, LabelMutationVariables>;
export const AnnotateDocument = new TypedDocumentString(`
    mutation Annotate($kind: LabelableKind!, $namespace: String!, $name: String!, $set: [KeyValueInput!], $remove: [String!], $overwrite: Boolean, $dryRun: Boolean) {
  annotate(
    kind: $kind
    namespace: $namespace
    name: $name
    set: $set
    remove: $remove
    overwrite: $overwrite
    dryRun: $dryRun
  ) {
    changed
    notFound
    object {
      kind
      metadata {
        name
        namespace
      }
    }
  }
}
    `) as unknown as TypedDocumentString<AnnotateMutation, AnnotateMutationVariables>;
export const SetImageDocument = new TypedDocumentString(`
    mutation SetImage($kind: ImageKind!, $namespace: String!, $name: String!, $images: [ContainerImageInput!]!, $dryRun: Boolean) {
  setImage(
    kind: $kind
    namespace: $namespace
    name: $name
    images: $images
    dryRun: $dryRun
  ) {
    changed
    object {
      kind
      metadata {
        name
        namespace
        generation
      }
    }
  }
}
    `) as unknown as TypedDocumentString<SetImageMutation, SetImageMutationVariables>;
export const ExecDocument = new TypedDocumentString(`
    mutation Exec($namespace: String!, $name: String!, $container: String, $command: [String!]!, $timeoutSeconds: Int) {
  exec(
    namespace: $namespace
    name: $name
    container: $container
    command: $command
    timeoutSeconds: $timeoutSeconds
  ) {
    stdout
    stderr
    exitCode
    timedOut
    truncated
  }
}
    `) as unknown as TypedDocumentString<ExecMutation, ExecMutationVariables>;