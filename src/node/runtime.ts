import type { StreamSession } from '../resolvers/pod-streams.ts';
import { createHash } from 'node:crypto';
import { CapstanError } from '../api/errors.ts';
import type { CapstanErrorCode } from '../api/errors.ts';
import type { HostPortMapping, ResourceRequirements, Volume } from '../api/types.ts';
import type { ProjectedFile, RegistryAuth } from './pod-config.ts';

/**
 * The node agent's port to a container engine (the CRI side of a kubelet). The reconcile loop talks only to this
 * interface; `DockerRuntime` implements it on the local Docker engine and a hollow runtime can implement it in
 * memory. Every method throws `CapstanError` (UNAVAILABLE when the engine cannot be reached), never a raw engine
 * error.
 */
export interface ContainerRuntime {
  /** Engine identity for `Node.status.nodeInfo.containerRuntimeVersion`. */
  version(): Promise<RuntimeVersion>;

  /**
   * Sets up the node's pod network (CNI configuration, the node's iptables chains); idempotent. UNAVAILABLE with
   * the path when a CNI plugin is missing.
   */
  ensureNodeNetwork(config: NodeNetworkConfig): Promise<NodeNetwork>;
  /** Removes the node's pod network (bridge, iptables chains, IPAM state); a missing network is not an error. */
  removeNodeNetwork(node: string): Promise<void>;

  imagePresent(ref: string): Promise<boolean>;
  /**
   * Makes `ref` usable under `policy`; throws `ImagePullError` with a Kubernetes-style reason when it cannot. `auth`
   * (from the pod's imagePullSecrets) goes to the engine with this one pull and is never written to disk.
   */
  ensureImage(ref: string, policy: PullPolicy, auth?: RegistryAuth): Promise<ImageInfo>;

  /**
   * Writes the files of a pod's configMap or secret volume atomically (timestamped directory + `..data` symlink
   * swap, as kubelet's AtomicWriter), so running containers see a change without a restart. True when it changed.
   * `medium: 'Memory'` (secret volumes) keeps the files on a tmpfs, never on the node's disk.
   */
  writeProjectedVolume(
    uid: string,
    volumeName: string,
    files: readonly ProjectedFile[],
    options?: { medium?: 'Memory' },
  ): Promise<boolean>;

  /** Writes the pod's state dir (resolv.conf, hosts, emptyDirs), creates and starts the sandbox holding its network. */
  createSandbox(config: SandboxConfig): Promise<SandboxInfo>;
  /**
   * The first half of `createSandbox`: writes the pod's state dir (the hosts file still without the pod's IP) and
   * creates the sandbox container without starting it. App containers can be created against the result while
   * `startSandbox` runs; they must not be started before it has resolved.
   */
  prepareSandbox(config: SandboxConfig): Promise<PreparedSandbox>;
  /** The second half: starts the sandbox and writes the pod's hosts file; removes the sandbox when it cannot start. */
  startSandbox(sandbox: PreparedSandbox): Promise<SandboxInfo>;
  /** Creates (not starts) an app container joined to the sandbox's network namespace; returns its id. */
  createContainer(sandbox: SandboxRef, spec: ContainerSpec, options?: { restartCount?: number }): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** SIGTERM, then SIGKILL once `graceSeconds` have passed. A container already stopped or gone is not an error. */
  stopContainer(id: string, graceSeconds: number): Promise<void>;
  /** Removes a container (forcefully if running). A container already gone is not an error. */
  removeContainer(id: string): Promise<void>;
  /**
   * Releases the pod's network once its app containers have stopped: stops what of the pod still runs at once (its
   * sandboxes), then CNI DEL of each sandbox (its address, its port mappings; the veth goes with the netns). The
   * stopped containers stay for `removePod`. Throws when a DEL fails (the caller retries).
   */
  releasePodNetwork(uid: string): Promise<void>;
  /**
   * A runtime with a warm pool may take a terminated pod's sandbox back into it instead of stopping it:
   * `mayRecycleSandbox` before the app containers are stopped (then only they are), `recycleSandbox` once they have
   * (false: stop and release it as any), `returnSandbox` after the final delete (`reuse` false when that failed:
   * the sandbox is removed then).
   */
  mayRecycleSandbox?(uid: string): boolean;
  recycleSandbox?(uid: string): Promise<boolean>;
  returnSandbox?(uid: string, reuse: boolean): Promise<void>;
  /** Removes every container of the pod (sandbox included) and its state dir with emptyDirs; PVC volumes stay. */
  removePod(uid: string): Promise<void>;
  /** Removes the Docker volume backing a PersistentVolumeClaim; NOT_FOUND-safe, CONFLICT while a container uses it. */
  removeClaimVolume(namespace: string, claimName: string): Promise<void>;

  /**
   * Every Capstan container of the node, grouped by pod uid, with states, pod IP and port mappings. What `known`
   * returns for a container is used as it is when the engine lists it in the same state: a container's details
   * only change with its state, so a periodic listing costs one engine call, not one per container.
   */
  listPodContainers(node: string, known?: (id: string) => KnownContainer | undefined): Promise<PodContainers[]>;
  inspectContainer(id: string): Promise<ContainerInfo>;

  /** Log lines of a container; ends when the log ends (or on `signal` when following). */
  logs(id: string, options?: LogOptions): AsyncIterable<LogLine>;
  /** Runs a command in a running container; a timeout yields `timedOut: true` (the process may live on). */
  exec(id: string, cmd: string[], timeoutMs: number): Promise<ExecResult>;
  /**
   * Runs a command for a user (`capstan exec`): stdout and stderr apart and byte-exact, each cut at
   * `limitBytes`. A timeout or `signal` stops the reading, not the process (the engine cannot kill an exec).
   */
  execCommand(id: string, cmd: string[], options: CommandOptions): Promise<CommandResult>;
  /** An interactive exec (`capstan exec -i -t`): stdin, output and the terminal as streams. */
  execSession(id: string, cmd: string[], options: { stdin: boolean; tty: boolean }): Promise<StreamSession>;
  /** The stdio of the container's main process (`capstan attach`). */
  attachSession(id: string, options: { stdin: boolean }): Promise<StreamSession>;
  /**
   * One sample of a running container's resource use, read once from the engine (no stream held open): the CPU
   * time it used since it started and its memory working set. Usage rates come from two samples (usage-sampler.ts).
   */
  containerStats(id: string): Promise<ContainerStatsSample>;
  /** Container start/die/oom events of the node's containers until `signal` aborts. */
  events(node: string, signal?: AbortSignal): AsyncIterable<RuntimeEvent>;
  /** Stops the node's warm pool, if it has one, removing its ready sandboxes and releasing their addresses. */
  stopWarmPool?(node: string): Promise<void>;
}

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';

export interface RuntimeVersion {
  /** `docker://20.10.24`, the form Kubernetes shows as containerRuntimeVersion. */
  runtimeVersion: string;
  version: string;
  apiVersion: string;
  os: string;
  arch: string;
  kernelVersion?: string;
}

export interface NodeNetworkConfig {
  node: string;
  /** The node's podCIDR, e.g. 10.244.1.0/24. */
  subnet: string;
  /** The cluster CIDR all podCIDRs come from: pod traffic to it is not masqueraded. Default the subnet alone. */
  clusterCidr?: string;
}

export interface NodeNetwork {
  id: string;
  name: string;
  subnet: string;
  /** The bridge's address on the host (the pods' gateway): pods reach host listeners bound to it. */
  gateway: string;
}

export interface ImageInfo {
  ref: string;
  /** Content-addressed image id (`sha256:...`), for ContainerStatus.imageID. */
  id: string;
  /** True when this call pulled the image from a registry. */
  pulled: boolean;
}

/** Kubernetes' waiting reasons for image problems. */
export type ImagePullReason = 'ErrImagePull' | 'ErrImageNeverPull' | 'InvalidImageName';

/** The image cannot be made available; `reason` is what the pod's container status shows as waiting reason. */
export class ImagePullError extends CapstanError {
  readonly reason: ImagePullReason;
  readonly image: string;

  constructor(
    reason: ImagePullReason,
    image: string,
    message: string,
    options?: { cause?: unknown; code?: CapstanErrorCode },
  ) {
    super(options?.code ?? (reason === 'ErrImagePull' ? 'UNAVAILABLE' : 'INVALID'), message, options);
    this.name = 'ImagePullError';
    this.reason = reason;
    this.image = image;
  }
}

export interface DnsConfig {
  nameservers: string[];
  searches: string[];
  /** resolv.conf `options` entries, e.g. `ndots:5`. */
  options: string[];
}

/** A container port of the pod; published on the node's address only with a hostPort. */
export interface PortSpec {
  containerPort: number;
  protocol?: 'TCP' | 'UDP';
  /** Host port on the node's address (CNI portmap); absent or 0: the port is reachable on the pod IP only. */
  hostPort?: number;
}

export interface SandboxConfig {
  node: string;
  uid: string;
  namespace: string;
  name: string;
  /** Defaults to the pod name (cut to 63 characters). */
  hostname?: string;
  /** The node's address, on which hostPorts are published, e.g. 127.0.0.1 or 127.0.1.N. */
  hostIP: string;
  ports: PortSpec[];
  dns: DnsConfig;
  /** The pod's volumes; emptyDirs are created under the pod state dir. */
  volumes?: Volume[];
  /** Sandbox attempt of this pod (0 for the first); part of the Docker container name. */
  attempt?: number;
  /** Extra Docker labels for the sandbox; `io.capstan.*` keys are reserved and dropped. */
  labels?: Record<string, string>;
  /**
   * The pod's address in its previous sandbox (status.podIP), which is dead (e.g. its engine restarted): the new
   * sandbox asks host-local for it again once a dead sandbox of the same pod holding it is released, so the pod
   * keeps its IP. Another address when a live container, or another pod's, holds it.
   */
  reuseAddress?: { podIP: string };
}

export interface SandboxInfo {
  id: string;
  uid: string;
  namespace: string;
  name: string;
  node: string;
  podIP: string;
  hostIP: string;
  hostPorts: HostPortMapping[];
  volumes: Volume[];
  createdAt: string;
}

/** What creating an app container needs of its sandbox: a started one (`SandboxInfo`) or a prepared one. */
export type SandboxRef = Pick<SandboxInfo, 'id' | 'uid' | 'namespace' | 'name' | 'node' | 'volumes'>;

/** A sandbox container created but not started yet (see `ContainerRuntime.prepareSandbox`). */
export interface PreparedSandbox extends SandboxRef {
  config: SandboxConfig;
  /** Set when the sandbox was taken from the node's warm pool: it runs and has its IP already. */
  warm?: { podIP: string; createdAt: string };
}

/** An app container as the runtime needs it: env already resolved (fieldRefs substituted by the caller). */
export interface ContainerSpec {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value: string }[];
  /**
   * Names of env vars whose values come from ConfigMaps and Secrets. Their values are left out of the spec hash:
   * env stays as the container started with it when the source changes (as Kubernetes), and a Secret's value never
   * reaches a Docker label.
   */
  configEnv?: string[];
  workingDir?: string;
  resources?: ResourceRequirements;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean; subPath?: string }[];
}

export type ContainerRunState = 'created' | 'running' | 'exited' | 'unknown';

export interface ContainerInfo {
  id: string;
  /** Container name within the pod; `POD` for the sandbox. */
  name: string;
  podUid: string;
  podNamespace: string;
  podName: string;
  image: string;
  imageId: string;
  state: ContainerRunState;
  exitCode?: number;
  oomKilled: boolean;
  error?: string;
  startedAt?: string;
  finishedAt?: string;
  createdAt: string;
  /** `containerSpecHash` of the spec the container was created from. */
  specHash?: string;
  restartCount: number;
}

/** What `containerStats` reads. */
export interface ContainerStatsSample {
  /** CPU time used since the container started, in nanoseconds (cgroup cpuacct). */
  cpuUsageNanos: number;
  /** Memory in use less what the kernel can drop at once (inactive file pages), as kubelet's working set. */
  memoryWorkingSetBytes: number;
  /** When the engine read it (milliseconds since the epoch). */
  readAtMs: number;
}

/** A container as the caller last saw it; a sandbox with its pod IP and port mappings. */
export type KnownContainer = ContainerInfo & { podIP?: string; hostPorts?: HostPortMapping[] };

export interface PodContainers {
  uid: string;
  namespace: string;
  name: string;
  sandbox?: ContainerInfo & { podIP?: string; hostPorts: HostPortMapping[] };
  containers: ContainerInfo[];
}

export interface LogOptions {
  follow?: boolean;
  tailLines?: number;
  timestamps?: boolean;
  /** Only lines newer than this (Date or seconds since the epoch). */
  since?: Date | number;
  signal?: AbortSignal;
}

export interface LogLine {
  stream: 'stdout' | 'stderr';
  text: string;
  /** RFC 3339 timestamp, present when requested with `timestamps`. */
  timestamp?: string;
}

export interface ExecResult {
  /** Null when the command did not finish within the timeout. */
  exitCode: number | null;
  /** stdout and stderr interleaved, cut to the first 64 KiB. */
  output: string;
  timedOut: boolean;
}

export interface CommandOptions {
  timeoutMs: number;
  /** Bytes kept of each stream; what follows is dropped and `truncated` set. */
  limitBytes: number;
  signal?: AbortSignal;
}

export interface CommandResult {
  /** Null when the command did not finish within the timeout (or the caller went away). */
  exitCode: number | null;
  /** UTF-8 text; a character cut by the limit is dropped whole. */
  stdout: string;
  stderr: string;
  /** Some output was dropped: a stream went over `limitBytes`. */
  truncated: boolean;
  timedOut: boolean;
}

export interface RuntimeEvent {
  type: 'start' | 'die' | 'oom';
  containerId: string;
  podUid: string;
  containerName: string;
  exitCode?: number;
  time: string;
}

/** Docker labels every Capstan container carries. */
export const LABELS = {
  podUid: 'io.capstan.pod.uid',
  podNamespace: 'io.capstan.pod.namespace',
  podName: 'io.capstan.pod.name',
  containerName: 'io.capstan.container.name',
  node: 'io.capstan.node',
  specHash: 'io.capstan.container.hash',
  restartCount: 'io.capstan.restart-count',
  /** On a warm sandbox: the node whose pool it belongs to (it carries no pod labels, so it is never listed as one). */
  warmNode: 'io.capstan.warm.node',
  /** On an app container of a warm sandbox: the pod hostname the runtime sets in its UTS namespace at start. */
  hostname: 'io.capstan.hostname',
} as const;

export const SANDBOX_CONTAINER_NAME = 'POD';

/** The pod's hostPorts (the only ports published on the node's address; every other port is on the pod IP). */
export function sandboxHostPorts(config: SandboxConfig): HostPortMapping[] {
  return config.ports.flatMap((p) =>
    p.hostPort
      ? [{ containerPort: p.containerPort, protocol: p.protocol ?? 'TCP', hostIP: config.hostIP, hostPort: p.hostPort }]
      : [],
  );
}

/** Stable JSON: object keys sorted, so equal specs hash equally whatever the key order. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}

/** Hash of a container spec; the agent compares it with a container's label to tell a changed spec. */
export function containerSpecHash(spec: ContainerSpec): string {
  const configured = new Set(spec.configEnv ?? []);
  const hashed = configured.size
    ? { ...spec, env: spec.env?.map((e) => (configured.has(e.name) ? { name: e.name, value: '' } : e)) }
    : spec;
  return createHash('sha256')
    .update(JSON.stringify(canonical(hashed)))
    .digest('hex')
    .slice(0, 16);
}
