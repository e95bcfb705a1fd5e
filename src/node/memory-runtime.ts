import { createHash, randomBytes } from 'node:crypto';
import { PassThrough, Writable } from 'node:stream';
import { CapstanError } from '../api/errors.ts';
import type { HostPortMapping, Probe } from '../api/types.ts';
import type { StreamSession } from '../resolvers/pod-streams.ts';
import type { ProjectedFile } from './pod-config.ts';
import type { ProbeKind } from './prober.ts';
import type { ProbeResult, ProbeTarget } from './probes.ts';
import { ImagePullError, SANDBOX_CONTAINER_NAME, containerSpecHash, sandboxHostPorts } from './runtime.ts';
import type {
  CommandOptions,
  CommandResult,
  ContainerInfo,
  ContainerRuntime,
  ContainerSpec,
  ContainerStatsSample,
  ExecResult,
  ImageInfo,
  KnownContainer,
  LogLine,
  LogOptions,
  NodeNetwork,
  NodeNetworkConfig,
  PodContainers,
  PreparedSandbox,
  PullPolicy,
  RuntimeEvent,
  RuntimeVersion,
  SandboxConfig,
  SandboxInfo,
  SandboxRef,
} from './runtime.ts';

/** The runtime calls a test can slow down or make fail. */
export type MemoryRuntimeOperation =
  | 'version'
  | 'ensureNodeNetwork'
  | 'ensureImage'
  | 'prepareSandbox'
  | 'startSandbox'
  | 'createContainer'
  | 'startContainer'
  | 'stopContainer'
  | 'removeContainer'
  | 'releasePodNetwork'
  | 'removePod'
  | 'listPodContainers'
  | 'inspectContainer';

export interface MemoryRuntimeOptions {
  /** `Node.status.nodeInfo.containerRuntimeVersion`. Default `memory://1.0.0`. */
  runtimeVersion?: string;
  /** Milliseconds each operation takes (e.g. `startContainer: 150` for pods that come up slowly). Default none. */
  delays?: Partial<Record<MemoryRuntimeOperation, number>>;
  /**
   * Called before every operation with what it acts on (a container id, an image, a pod uid, a node name); an
   * error it returns is thrown by the operation, as an engine error would be. Replaceable at any time
   * (`runtime.faults = ...`).
   */
  faults?: (operation: MemoryRuntimeOperation, subject: string) => Error | undefined;
  /** Images the engine does not have and cannot pull: ErrImagePull (ErrImageNeverPull under `Never`). */
  missingImages?: Iterable<string>;
}

interface MemoryContainer {
  info: ContainerInfo;
  node: string;
  /** Sandboxes only. */
  podIP?: string;
  hostPorts?: HostPortMapping[];
  config?: SandboxConfig;
}

type Listener = (event: RuntimeEvent) => void;

/**
 * A `ContainerRuntime` in memory: containers are records that move between created, running and exited, pods get
 * addresses from the node's podCIDR, and nothing runs. It backs the node agent's unit tests and the hollow nodes
 * of `src/hollow/` (the real agent on a runtime without containers, as kubemark's hollow nodes are the real
 * kubelet on a fake runtime). Tests steer it: `exitContainer` (a crash or a completion), `setProbeResult` (what
 * probes of a pod's containers answer), `restartEngine` (every container stops and the event stream breaks),
 * `delays` and `faults`.
 */
/** The usage every running simulated container reports (containerStats). */
const SIMULATED_CPU_CORES = 0.005;
const SIMULATED_MEMORY_BYTES = 8 * 1024 * 1024;

export class MemoryRuntime implements ContainerRuntime {
  faults: MemoryRuntimeOptions['faults'];
  delays: Partial<Record<MemoryRuntimeOperation, number>>;
  readonly missingImages: Set<string>;
  /**
   * Container names whose process ignores SIGTERM (`trap "" TERM`): a stop waits out its grace period (in real
   * time) and then kills (exit 137), and a second stop with a shorter one ends it sooner.
   */
  readonly ignoresSigterm = new Set<string>();
  private readonly containers = new Map<string, MemoryContainer>();
  private readonly networks = new Map<string, NodeNetwork>();
  private readonly listeners = new Set<Listener>();
  private readonly probeResults = new Map<string, boolean>();
  /** configMap/secret volumes by `<pod uid>/<volume>`: the files' paths, modes and contents. */
  private readonly projectedVolumes = new Map<string, string>();
  private readonly runtimeVersion: string;
  private nextIp = new Map<string, number>();
  private sequence = 0;

  constructor(options: MemoryRuntimeOptions = {}) {
    this.runtimeVersion = options.runtimeVersion ?? 'memory://1.0.0';
    this.delays = { ...options.delays };
    this.faults = options.faults;
    this.missingImages = new Set(options.missingImages ?? []);
  }

  // --- test controls ---

  /** Every container the runtime holds (a copy), sandboxes included. */
  list(): ContainerInfo[] {
    return [...this.containers.values()].map((c) => ({ ...c.info }));
  }

  /** The running app containers of a pod, by container name. */
  running(podUid: string): Map<string, ContainerInfo> {
    const out = new Map<string, ContainerInfo>();
    for (const c of this.containers.values()) {
      const i = c.info;
      if (i.podUid === podUid && i.name !== SANDBOX_CONTAINER_NAME && i.state === 'running') out.set(i.name, { ...i });
    }
    return out;
  }

  /**
   * The process of a running container ends with `exitCode` (a crash, a completion, an OOM kill). `silent`: no
   * engine event tells of it (a missed event), so only a listing shows it.
   */
  exitContainer(id: string, exitCode: number, options: { oomKilled?: boolean; silent?: boolean } = {}): void {
    const c = this.containers.get(id);
    if (!c || c.info.state !== 'running') throw new CapstanError('NOT_FOUND', `container ${id} is not running`);
    this.finish(c, exitCode, options.oomKilled ?? false, options.silent ?? false);
  }

  /** What every probe of the kind (or of every kind) of the pod's containers answers from now on. Default success. */
  setProbeResult(podUid: string, success: boolean, kind?: ProbeKind): void {
    if (kind) this.probeResults.set(`${podUid}/${kind}`, success);
    else
      for (const k of ['startup', 'liveness', 'readiness'] as const) this.probeResults.set(`${podUid}/${k}`, success);
  }

  /** The engine restarts: every container stops (exit code 255) and open event streams end with an error. */
  restartEngine(): void {
    for (const c of this.containers.values()) {
      if (c.info.state === 'running') {
        c.info = { ...c.info, state: 'exited', exitCode: 255, finishedAt: new Date().toISOString() };
      }
    }
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const l of listeners)
      l({ type: 'die', containerId: '', podUid: '', containerName: '', time: 'engine-restart' });
  }

  /** A probe of a container in this runtime: success unless `setProbeResult` said otherwise. No network. */
  probe = async (_probe: Probe, target: ProbeTarget, kind: ProbeKind): Promise<ProbeResult> => {
    const podUid = this.containers.get(target.containerId)?.info.podUid ?? '';
    const success = this.probeResults.get(`${podUid}/${kind}`) ?? true;
    return { success, message: success ? 'ok' : `${kind} probe set to fail` };
  };

  // --- ContainerRuntime ---

  async version(): Promise<RuntimeVersion> {
    await this.enter('version', '');
    const version = this.runtimeVersion.replace(/^[a-z]+:\/\//, '');
    return { runtimeVersion: this.runtimeVersion, version, apiVersion: '1', os: 'linux', arch: process.arch };
  }

  async ensureNodeNetwork(config: NodeNetworkConfig): Promise<NodeNetwork> {
    await this.enter('ensureNodeNetwork', config.node);
    const [base] = config.subnet.split('/');
    const gateway = (base ?? '').replace(/\.\d+$/, '.1');
    const network = { id: `memory-${config.node}`, name: `capstan-${config.node}`, subnet: config.subnet, gateway };
    this.networks.set(config.node, network);
    return network;
  }

  async removeNodeNetwork(node: string): Promise<void> {
    this.networks.delete(node);
  }

  async imagePresent(ref: string): Promise<boolean> {
    return !this.missingImages.has(ref);
  }

  async ensureImage(ref: string, policy: PullPolicy): Promise<ImageInfo> {
    await this.enter('ensureImage', ref);
    if (this.missingImages.has(ref)) {
      if (policy === 'Never') {
        throw new ImagePullError('ErrImageNeverPull', ref, `image "${ref}" is not present with pull policy of Never`);
      }
      throw new ImagePullError('ErrImagePull', ref, `pull access denied for ${ref}: no registry is reachable`);
    }
    return { ref, id: imageId(ref), pulled: false };
  }

  async createSandbox(config: SandboxConfig): Promise<SandboxInfo> {
    return this.startSandbox(await this.prepareSandbox(config));
  }

  async prepareSandbox(config: SandboxConfig): Promise<PreparedSandbox> {
    await this.enter('prepareSandbox', config.uid);
    const id = this.newId();
    this.containers.set(id, {
      node: config.node,
      config,
      info: {
        id,
        name: SANDBOX_CONTAINER_NAME,
        podUid: config.uid,
        podNamespace: config.namespace,
        podName: config.name,
        image: 'capstan/pause:latest',
        imageId: imageId('capstan/pause:latest'),
        state: 'created',
        oomKilled: false,
        createdAt: this.now(),
        restartCount: config.attempt ?? 0,
      },
    });
    const ref = { id, uid: config.uid, namespace: config.namespace, name: config.name, node: config.node };
    return { ...ref, volumes: config.volumes ?? [], config };
  }

  async startSandbox(sandbox: PreparedSandbox): Promise<SandboxInfo> {
    const c = this.containers.get(sandbox.id);
    try {
      await this.enter('startSandbox', sandbox.uid);
      if (!c) throw new CapstanError('NOT_FOUND', `sandbox ${sandbox.id} does not exist`);
    } catch (err) {
      this.containers.delete(sandbox.id);
      throw err;
    }
    const { config } = sandbox;
    c.podIP = this.allocateIp(config.node);
    c.hostPorts = sandboxHostPorts(config);
    c.info = { ...c.info, state: 'running', startedAt: this.now() };
    this.emit(c, 'start');
    return {
      id: c.info.id,
      uid: config.uid,
      namespace: config.namespace,
      name: config.name,
      node: config.node,
      podIP: c.podIP,
      hostIP: config.hostIP,
      hostPorts: c.hostPorts,
      volumes: sandbox.volumes,
      createdAt: c.info.createdAt,
    };
  }

  async createContainer(
    sandbox: SandboxRef,
    spec: ContainerSpec,
    options?: { restartCount?: number },
  ): Promise<string> {
    await this.enter('createContainer', sandbox.uid);
    if (!this.containers.has(sandbox.id)) throw new CapstanError('NOT_FOUND', `sandbox ${sandbox.id} does not exist`);
    const id = this.newId();
    this.containers.set(id, {
      node: sandbox.node,
      info: {
        id,
        name: spec.name,
        podUid: sandbox.uid,
        podNamespace: sandbox.namespace,
        podName: sandbox.name,
        image: spec.image,
        imageId: imageId(spec.image),
        state: 'created',
        oomKilled: false,
        createdAt: this.now(),
        specHash: containerSpecHash(spec),
        restartCount: options?.restartCount ?? 0,
      },
    });
    return id;
  }

  async startContainer(id: string): Promise<void> {
    await this.enter('startContainer', id);
    const c = this.get(id);
    if (c.info.state === 'running') return;
    c.info = { ...c.info, state: 'running', startedAt: this.now() };
    delete c.info.exitCode;
    delete c.info.finishedAt;
    this.emit(c, 'start');
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    await this.enter('stopContainer', id);
    const c = this.containers.get(id);
    if (c?.info.state !== 'running') return;
    // Every other process here ends on SIGTERM at once, as the project's own images do.
    if (!this.ignoresSigterm.has(c.info.name)) return this.finish(c, 0, false);
    const started = c.info.startedAt;
    const current = () => this.containers.get(id);
    const deadline = Date.now() + Math.max(0, graceSeconds) * 1000;
    while (current()?.info.state === 'running' && current()?.info.startedAt === started && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(20, deadline - Date.now())));
    }
    const now = current();
    if (now?.info.state === 'running' && now.info.startedAt === started) this.finish(now, 137, false);
  }

  async removeContainer(id: string): Promise<void> {
    await this.enter('removeContainer', id);
    this.containers.delete(id);
  }

  async releasePodNetwork(uid: string): Promise<void> {
    await this.enter('releasePodNetwork', uid);
    for (const c of this.containers.values()) {
      if (c.info.podUid === uid && c.info.state === 'running') this.finish(c, 137, false);
    }
  }

  async removePod(uid: string): Promise<void> {
    await this.enter('removePod', uid);
    for (const [id, c] of this.containers) if (c.info.podUid === uid) this.containers.delete(id);
    for (const key of this.projectedVolumes.keys()) if (key.startsWith(`${uid}/`)) this.projectedVolumes.delete(key);
  }

  async writeProjectedVolume(uid: string, volumeName: string, files: readonly ProjectedFile[]): Promise<boolean> {
    const key = `${uid}/${volumeName}`;
    const content = JSON.stringify(files.map((f) => [f.path, f.mode, f.data.toString('base64')]));
    if (this.projectedVolumes.get(key) === content) return false;
    this.projectedVolumes.set(key, content);
    return true;
  }

  async removeClaimVolume(): Promise<void> {}

  async listPodContainers(node: string, known?: (id: string) => KnownContainer | undefined): Promise<PodContainers[]> {
    await this.enter('listPodContainers', node);
    const pods = new Map<string, PodContainers>();
    for (const c of this.containers.values()) {
      if (c.node !== node) continue;
      const seen = known?.(c.info.id);
      const info = seen && seen.state === c.info.state ? seen : { ...c.info };
      const pod = pods.get(info.podUid) ?? {
        uid: info.podUid,
        namespace: info.podNamespace,
        name: info.podName,
        containers: [],
      };
      pods.set(info.podUid, pod);
      if (info.name !== SANDBOX_CONTAINER_NAME) pod.containers.push(info);
      else if (!pod.sandbox || pod.sandbox.createdAt < info.createdAt) {
        pod.sandbox = { ...info, ...(c.podIP ? { podIP: c.podIP } : {}), hostPorts: c.hostPorts ?? [] };
      }
    }
    return [...pods.values()];
  }

  async inspectContainer(id: string): Promise<ContainerInfo> {
    await this.enter('inspectContainer', id);
    return { ...this.get(id).info };
  }

  /** No process writes anything: every container's log is empty. */
  logs(id: string, _options?: LogOptions): AsyncIterable<LogLine> {
    this.get(id);
    return (async function* () {})();
  }

  async exec(id: string, _cmd: string[], _timeoutMs: number): Promise<ExecResult> {
    if (this.get(id).info.state !== 'running') throw new CapstanError('CONFLICT', `container ${id} is not running`);
    return { exitCode: 0, output: '', timedOut: false };
  }

  async execCommand(id: string, _cmd: string[], _options: CommandOptions): Promise<CommandResult> {
    if (this.get(id).info.state !== 'running') throw new CapstanError('CONFLICT', `container ${id} is not running`);
    return { exitCode: 0, stdout: '', stderr: '', truncated: false, timedOut: false };
  }

  /**
   * Made-up figures, for simulated nodes only (nothing runs here): each running container uses a steady 5 millicores
   * and 8 MiB, so that `top` and usage queries on hollow nodes have numbers of a realistic shape to carry.
   */
  async containerStats(id: string): Promise<ContainerStatsSample> {
    const c = this.get(id);
    if (c.info.state !== 'running') throw new CapstanError('CONFLICT', `container ${id} is not running`);
    const now = this.now();
    const startedAt = Date.parse(c.info.startedAt ?? now);
    const readAtMs = Date.parse(now);
    return {
      cpuUsageNanos: Math.max(0, readAtMs - startedAt) * 1e6 * SIMULATED_CPU_CORES,
      memoryWorkingSetBytes: SIMULATED_MEMORY_BYTES,
      readAtMs,
    };
  }

  /** No process runs: the session's output is empty, stdin is read and dropped, and it ends with exit code 0. */
  async execSession(id: string, _cmd: string[], options: { stdin: boolean; tty: boolean }): Promise<StreamSession> {
    if (this.get(id).info.state !== 'running') throw new CapstanError('CONFLICT', `container ${id} is not running`);
    return emptySession(options.stdin, !options.tty, { exitCode: 0 });
  }

  /** Nothing writes to a simulated container's stdio: attach sees no output until it is closed. */
  async attachSession(id: string, options: { stdin: boolean }): Promise<StreamSession> {
    if (this.get(id).info.state !== 'running') throw new CapstanError('CONFLICT', `container ${id} is not running`);
    return emptySession(options.stdin, true, undefined);
  }

  events(node: string, signal?: AbortSignal): AsyncIterable<RuntimeEvent> {
    const queue: RuntimeEvent[] = [];
    let wake: (() => void) | undefined;
    let broken = false;
    const listener: Listener = (event) => {
      if (event.time === 'engine-restart') broken = true;
      else if (this.containers.get(event.containerId)?.node === node) queue.push(event);
      wake?.();
    };
    this.listeners.add(listener);
    const onAbort = (): void => wake?.();
    signal?.addEventListener('abort', onAbort);
    const listeners = this.listeners;
    return {
      async *[Symbol.asyncIterator]() {
        try {
          for (;;) {
            while (queue.length > 0) yield queue.shift()!;
            if (signal?.aborted) return;
            if (broken) throw new CapstanError('UNAVAILABLE', 'the engine closed the event stream');
            await new Promise<void>((resolve) => (wake = resolve));
            wake = undefined;
          }
        } finally {
          listeners.delete(listener);
          signal?.removeEventListener('abort', onAbort);
        }
      },
    };
  }

  // --- internals ---

  private async enter(operation: MemoryRuntimeOperation, subject: string): Promise<void> {
    const delay = this.delays[operation];
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    const fault = this.faults?.(operation, subject);
    if (fault) throw fault;
  }

  private get(id: string): MemoryContainer {
    const c = this.containers.get(id);
    if (!c) throw new CapstanError('NOT_FOUND', `container ${id} does not exist`);
    return c;
  }

  private finish(c: MemoryContainer, exitCode: number, oomKilled: boolean, silent = false): void {
    c.info = { ...c.info, state: 'exited', exitCode, oomKilled, finishedAt: this.now() };
    if (!silent) this.emit(c, oomKilled ? 'oom' : 'die');
  }

  private emit(c: MemoryContainer, type: RuntimeEvent['type']): void {
    const event: RuntimeEvent = {
      type,
      containerId: c.info.id,
      podUid: c.info.podUid,
      containerName: c.info.name,
      ...(c.info.exitCode !== undefined ? { exitCode: c.info.exitCode } : {}),
      time: this.now(),
    };
    for (const l of this.listeners) l(event);
  }

  private allocateIp(node: string): string {
    const subnet = this.networks.get(node)?.subnet ?? '10.255.0.0/24';
    const prefix = (subnet.split('/')[0] ?? '').replace(/\.\d+$/, '');
    const used = new Set([...this.containers.values()].flatMap((c) => (c.podIP ? [c.podIP] : [])));
    let n = this.nextIp.get(node) ?? 2;
    for (let tries = 0; tries < 253 && used.has(`${prefix}.${n}`); tries++) n = n >= 254 ? 2 : n + 1;
    this.nextIp.set(node, n >= 254 ? 2 : n + 1);
    return `${prefix}.${n}`;
  }

  private newId(): string {
    return `${(++this.sequence).toString(16).padStart(8, '0')}${randomBytes(24).toString('hex')}`;
  }

  private now(): string {
    return new Date().toISOString();
  }
}

function imageId(ref: string): string {
  return `sha256:${createHash('sha256').update(ref).digest('hex')}`;
}

/** A stream session of a simulated container: ends at once with `ended`, or when closed if `ended` is undefined. */
function emptySession(stdin: boolean, stderr: boolean, ended: { exitCode?: number } | undefined): StreamSession {
  const stdout = new PassThrough();
  const err = stderr ? new PassThrough() : undefined;
  let finish: (result: { exitCode?: number }) => void = () => {};
  const done = new Promise<{ exitCode?: number }>((resolve) => (finish = resolve));
  const close = (result: { exitCode?: number }): void => {
    stdout.end();
    err?.end();
    finish(result);
  };
  if (ended) close(ended);
  return {
    stdout,
    stderr: err,
    stdin: stdin ? new Writable({ write: (_chunk, _encoding, callback) => callback() }) : undefined,
    done,
    close: () => close({}),
  };
}
