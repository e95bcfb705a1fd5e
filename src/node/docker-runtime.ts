import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { mkdir, open, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { StreamSession } from '../resolvers/pod-streams.ts';
import { attachSession, execSession } from './docker-sessions.ts';
import Docker from 'dockerode';
import { CapstanError } from '../api/errors.ts';
import {
  DEFAULT_CNI_PATH,
  bridgeName,
  checkPlugins,
  execList,
  listFor,
  gatewayOf,
  nodeConfList,
  podIPFromResult,
} from './cni.ts';
import type { CniConfList, CniPortMapping, CniResult } from './cni.ts';
import { ensureNodeChains, removeNodeChains } from './node-iptables.ts';
import { removeVxlanDeviceIfUnused } from './vxlan.ts';
import { docker, isDockerNotFound, dockerStatus, wrapDockerError } from './docker-errors.ts';
import { writeAtomically } from './atomic-writer.ts';
import { ensureImage, hasRegistryHost, imageId } from './docker-images.ts';
import type { ProjectedFile, RegistryAuth } from './pod-config.ts';
import {
  appContainerCreateOptions,
  claimVolumeName,
  legacyClaimVolumeName,
  emptyDirPath,
  gatedCreateOptions,
  HOSTNAME_GATE,
  hostsFile,
  networkName,
  planMounts,
  podHostname,
  podStateDir,
  resolvConf,
  sandboxCreateOptions,
  warmSandboxCreateOptions,
} from './docker-pod-config.ts';
import { runFile } from './process-pool.ts';
import { WarmPool } from './warm-pool.ts';
import type { WarmPoolOptions, WarmSandbox } from './warm-pool.ts';
import type { ClaimVolume } from './docker-pod-config.ts';
import { runState, toContainerInfo } from './docker-inspect.ts';
import { containerEvents, containerLogs, execInContainer, runInContainer } from './docker-io.ts';
import type { HostPortMapping } from '../api/types.ts';
import { logger as rootLogger } from '../util/logger.ts';
import { LABELS, SANDBOX_CONTAINER_NAME, sandboxHostPorts } from './runtime.ts';
import { ensureTmpfs, mountSubPath, removePodDir } from './subpath.ts';
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

export interface DockerRuntimeOptions {
  /** A dockerode client or its options; defaults to the local socket. */
  docker?: Docker | Docker.DockerOptions;
  /** Host directory for per-pod state (resolv.conf, hosts, emptyDirs). Default /var/lib/capstan. */
  stateRoot?: string;
  /** Sandbox image. Default capstan/pause:latest. */
  pauseImage?: string;
  /** Upper bound for one image pull. Default 60 s. */
  pullTimeoutMs?: number;
  /** See ImageOptions.pullFromDockerHub. Default false. */
  pullFromDockerHub?: boolean;
  /** Where the CNI plugins are. Default CAPSTAN_CNI_PATH, else /usr/lib/cni (Debian's containernetworking-plugins). */
  cniPath?: string;
  /** A warm pool of ready sandboxes per node (see warm-pool.ts). Default none. */
  warmPool?: WarmPoolOptions;
  /** The static busybox the hostname gate of warm sandboxes runs with. Default CAPSTAN_BUSYBOX, else /bin/busybox. */
  busybox?: string;
}

/** A warm sandbox given to a pod: kept on disk, since the container's labels (fixed at create) do not name the pod. */
interface WarmClaim {
  node: string;
  uid: string;
  namespace: string;
  name: string;
  hostname: string;
}

const run = promisify(execFile);
const log = rootLogger.child({ component: 'docker-runtime' });

/** What the runtime remembers of a sandbox's CNI ADD, for its DEL and for re-adoption after a restart. */
interface CachedNetwork {
  node: string;
  list: CniConfList;
  portMappings: CniPortMapping[];
  result?: CniResult;
}

/**
 * Whether the network namespace of process `pid` holds a TCP socket in any state (its /proc/<pid>/net/tcp and tcp6
 * list the sockets of its netns, one per line after a header).
 */
export async function netnsHasTcpSockets(pid: number): Promise<boolean> {
  for (const file of ['tcp', 'tcp6']) {
    const text = await readFile(`/proc/${pid}/net/${file}`, 'utf8').catch(() => undefined);
    // tcp unreadable: the process is gone, nothing can be told (so: not reusable); tcp6: a kernel without IPv6.
    if (text === undefined) {
      if (file === 'tcp') return true;
      continue;
    }
    if (text.trim().split('\n').length > 1) return true;
  }
  return false;
}

async function createBridge(name: string, address: string): Promise<void> {
  await run('ip', ['link', 'add', name, 'type', 'bridge']).catch(async (err: unknown) => {
    if ((await bridgeAddresses(name)) === undefined) throw err;
  });
  await run('ip', ['addr', 'replace', address, 'dev', name]);
  await run('ip', ['link', 'set', name, 'up']);
}

/** The IPv4 addresses (with prefix length) of an interface; undefined when it does not exist. */
async function bridgeAddresses(name: string): Promise<string[] | undefined> {
  try {
    const { stdout } = await run('ip', ['-j', '-4', 'addr', 'show', 'dev', name]);
    const parsed = JSON.parse(stdout) as { addr_info?: { local: string; prefixlen: number }[] }[];
    return parsed.flatMap((l) => (l.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`));
  } catch {
    return undefined;
  }
}

const INSPECT_CONCURRENCY = 8;

function toHostPort(m: CniPortMapping): HostPortMapping {
  return {
    containerPort: m.containerPort,
    protocol: m.protocol === 'udp' ? 'UDP' : 'TCP',
    hostIP: m.hostIP ?? '0.0.0.0',
    hostPort: m.hostPort,
  };
}

/** CONFLICT when a host process already listens on the mapping's host address and port. */
async function checkHostPortFree(m: CniPortMapping): Promise<void> {
  const host = m.hostIP ?? '0.0.0.0';
  const inUse = await new Promise<boolean>((resolve) => {
    const onError = (err: NodeJS.ErrnoException): void => resolve(err.code === 'EADDRINUSE');
    if (m.protocol === 'udp') {
      const socket = createSocket('udp4');
      socket.once('error', (err) => {
        socket.close();
        onError(err);
      });
      socket.bind(m.hostPort, host, () => socket.close(() => resolve(false)));
    } else {
      const server = createServer();
      server.once('error', onError);
      server.listen(m.hostPort, host, () => server.close(() => resolve(false)));
    }
  });
  if (inUse) {
    throw new CapstanError(
      'CONFLICT',
      `hostPort ${m.hostPort}/${m.protocol.toUpperCase()} on ${host} is already in use: port is already allocated`,
    );
  }
}

/**
 * ContainerRuntime on the local Docker engine. dockerode opens a fresh socket connection per request, so the
 * runtime rides through an engine restart: calls made while it is down fail with UNAVAILABLE, later ones work.
 */
export class DockerRuntime implements ContainerRuntime {
  readonly client: Docker;
  readonly stateRoot: string;
  private readonly pauseImage: string;
  private readonly pullTimeoutMs: number;
  private readonly pullFromDockerHub: boolean;
  readonly cniPath: string;
  private readonly networks = new Map<string, CniConfList>();
  private readonly warmPoolOptions: WarmPoolOptions | undefined;
  private readonly busybox: string;
  private readonly pools = new Map<string, WarmPool>();
  /** Claimed warm sandboxes by container id. */
  private readonly claims = new Map<string, WarmClaim>();
  /** App containers of warm sandboxes, created and not yet started: the hostname to set at their start. */
  private readonly gated = new Map<string, string>();
  /** Pod container operations in flight: the warm pool fills only while there are few (`fillBesides`). */
  private inFlight = 0;
  /** Sandboxes of terminated pods on their way back to the pool (`recycleSandbox`), by pod uid. */
  private readonly returning = new Map<string, { node: string; sandbox?: WarmSandbox }>();

  constructor(options: DockerRuntimeOptions = {}) {
    this.client = options.docker instanceof Docker ? options.docker : new Docker(options.docker);
    this.stateRoot = options.stateRoot ?? '/var/lib/capstan';
    this.pauseImage = options.pauseImage ?? 'capstan/pause:latest';
    this.pullTimeoutMs = options.pullTimeoutMs ?? 60_000;
    this.pullFromDockerHub = options.pullFromDockerHub ?? false;
    this.cniPath = options.cniPath ?? (process.env.CAPSTAN_CNI_PATH || DEFAULT_CNI_PATH);
    this.warmPoolOptions = options.warmPool && options.warmPool.maxSize > 0 ? options.warmPool : undefined;
    this.busybox = options.busybox ?? (process.env.CAPSTAN_BUSYBOX || '/bin/busybox');
  }

  private async busyWhile<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await work();
    } finally {
      this.inFlight--;
    }
  }

  async version(): Promise<RuntimeVersion> {
    const v = await docker('read the engine version', () => this.client.version());
    return {
      runtimeVersion: `docker://${v.Version}`,
      version: v.Version,
      apiVersion: v.ApiVersion,
      os: v.Os,
      arch: v.Arch,
      kernelVersion: v.KernelVersion,
    };
  }

  async ensureNodeNetwork(config: NodeNetworkConfig): Promise<NodeNetwork> {
    await checkPlugins(this.cniPath);
    if (!/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(config.subnet)) {
      throw new CapstanError('INVALID', `pod subnet ${JSON.stringify(config.subnet)} is not an IPv4 CIDR`);
    }
    // Before the CNI bridge: the Docker network of earlier Capstan versions holds the same subnet on a bridge of
    // its own, and two bridges with one subnet break routing to both.
    await this.removeLegacyNetwork(config.node);
    const bridge = bridgeName(config.node);
    const gateway = gatewayOf(config.subnet);
    const present = await bridgeAddresses(bridge);
    if (present && present.length > 0 && !present.includes(`${gateway}/${config.subnet.split('/')[1]}`)) {
      // The node's podCIDR changed (a re-created Node): the bridge of the old one goes, pods of it are gone anyway.
      await run('ip', ['link', 'del', bridge]).catch(() => undefined);
    }
    // Made here rather than by the bridge plugin's first ADD: the bridge marks this podCIDR as local to this
    // namespace (no VXLAN tunnel to it) from the start.
    if (!(await bridgeAddresses(bridge))?.length)
      await createBridge(bridge, `${gateway}/${config.subnet.split('/')[1]}`);
    await mkdir(this.ipamDir(config.node), { recursive: true });
    await mkdir(this.resultsDir(), { recursive: true });
    await ensureNodeChains(config.node, config.subnet, config.clusterCidr ?? config.subnet);
    const list = nodeConfList({ node: config.node, podCidr: config.subnet, dataDir: this.ipamDir(config.node) });
    this.networks.set(config.node, list);
    await this.startWarmPool(config.node);
    return { id: bridge, name: bridge, subnet: config.subnet, gateway };
  }

  private warmDir(): string {
    return join(this.stateRoot, 'warm');
  }

  private claimPath(id: string): string {
    return join(this.warmDir(), 'claims', `${id}.json`);
  }

  private gatePath(): string {
    return join(this.warmDir(), 'gate');
  }

  /**
   * Reads the node's claims back (a restarted agent re-adopts the pods in warm sandboxes), removes warm sandboxes
   * no pod claimed (a pool of an agent that did not stop cleanly: CNI DEL releases their addresses) and starts the
   * pool when one is configured.
   */
  private async startWarmPool(node: string): Promise<void> {
    await mkdir(join(this.warmDir(), 'claims'), { recursive: true });
    for (const file of await readdir(join(this.warmDir(), 'claims')).catch(() => [] as string[])) {
      if (!file.endsWith('.json')) continue;
      const claim = JSON.parse(await readFile(join(this.warmDir(), 'claims', file), 'utf8').catch(() => '{}')) as
        WarmClaim | Record<string, never>;
      if (claim.node === node) this.claims.set(file.slice(0, -5), claim as WarmClaim);
    }
    const pool = this.pools.get(node);
    const warm = await this.listWarm(node);
    await Promise.all(
      warm
        .filter((c) => !this.claims.has(c.Id) && !pool?.ids().has(c.Id))
        .map((c) =>
          this.removeWarm(c.Id).catch((err: unknown) => log.warn({ err }, 'removing a left-over warm sandbox')),
        ),
    );
    for (const [id, claim] of this.claims) {
      if (claim.node === node && !warm.some((c) => c.Id === id)) await this.releaseClaim(id);
    }
    if (!this.warmPoolOptions || pool) return;
    await writeFile(this.gatePath(), HOSTNAME_GATE, { mode: 0o644 });
    const created = new WarmPool(
      {
        create: () => this.createWarm(node),
        remove: (sandbox) => this.removeWarm(sandbox.id),
        inFlight: () => this.inFlight,
      },
      this.warmPoolOptions,
    );
    this.pools.set(node, created);
    created.start();
  }

  private listWarm(node: string): Promise<Docker.ContainerInfo[]> {
    return docker(`list warm sandboxes of node ${node}`, () =>
      this.client.listContainers({ all: true, filters: { label: [`${LABELS.warmNode}=${node}`] } }),
    );
  }

  /** A ready sandbox for the pool: the pause image running on no network, then wired into the node's bridge. */
  private async createWarm(node: string): Promise<WarmSandbox> {
    const options = warmSandboxCreateOptions(node, this.pauseImage, randomBytes(6).toString('hex'));
    const id = (await docker('create a warm sandbox', () => this.client.createContainer(options))).id;
    try {
      const container = this.client.getContainer(id);
      await docker('start a warm sandbox', () => container.start());
      const info = await docker('inspect a warm sandbox', () => container.inspect());
      if (!info.State.Pid) throw new CapstanError('UNAVAILABLE', 'a warm sandbox exited right after its start');
      const config: SandboxConfig = {
        node,
        uid: '',
        namespace: '',
        name: '',
        hostIP: '',
        ports: [],
        dns: { nameservers: [], searches: [], options: [] },
      };
      const result = await this.attachSandbox(config, id, info.State.Pid);
      return { id, podIP: podIPFromResult(result), createdAt: info.Created };
    } catch (err) {
      await this.removeWarm(id).catch(() => undefined);
      throw err;
    }
  }

  private async removeWarm(id: string): Promise<void> {
    await this.removeContainerNow(id);
  }

  async stopWarmPool(node: string): Promise<void> {
    const pool = this.pools.get(node);
    this.pools.delete(node);
    await pool?.stop();
  }

  /** Ready sandboxes of the node's pool (tests and benchmarks watch it fill and drain). */
  warmPoolSize(node: string): number {
    return this.pools.get(node)?.size ?? 0;
  }

  private async releaseClaim(id: string): Promise<void> {
    this.claims.delete(id);
    this.gated.delete(id);
    await rm(this.claimPath(id), { force: true });
  }

  /** Gives a pod a warm sandbox: the claim on disk first, then the pod's files with the IP it already has. */
  private async claimWarm(config: SandboxConfig, warm: WarmSandbox): Promise<PreparedSandbox> {
    const claim: WarmClaim = {
      node: config.node,
      uid: config.uid,
      namespace: config.namespace,
      name: config.name,
      hostname: podHostname(config),
    };
    await writeFile(this.claimPath(warm.id), JSON.stringify(claim));
    this.claims.set(warm.id, claim);
    const dir = podStateDir(this.stateRoot, config.uid);
    await mkdir(dir, { recursive: true });
    await Promise.all([
      writeFile(join(dir, 'resolv.conf'), resolvConf(config.dns)),
      writeFile(join(dir, 'hosts'), hostsFile(warm.podIP, claim.hostname)),
      writeFile(join(dir, 'hostname'), `${claim.hostname}\n`),
      ...(config.volumes ?? []).flatMap((volume) =>
        volume.emptyDir
          ? [mkdir(emptyDirPath(this.stateRoot, config.uid, volume.name), { recursive: true, mode: 0o777 })]
          : [],
      ),
    ]);
    return {
      id: warm.id,
      uid: config.uid,
      namespace: config.namespace,
      name: config.name,
      node: config.node,
      volumes: config.volumes ?? [],
      config,
      warm: { podIP: warm.podIP, createdAt: warm.createdAt },
    };
  }

  private async removeLegacyNetwork(node: string): Promise<void> {
    const name = networkName(node);
    try {
      await this.client.getNetwork(name).remove();
    } catch (err) {
      if (isDockerNotFound(err)) return;
      throw new CapstanError(
        'CONFLICT',
        `the Docker network ${name} of an earlier Capstan version is still in use; remove its containers ('docker network inspect ${name}')`,
        { cause: err },
      );
    }
  }

  private ipamDir(node: string): string {
    return join(this.stateRoot, 'cni', node, 'ipam');
  }

  private resultsDir(): string {
    return join(this.stateRoot, 'cni', 'results');
  }

  private resultPath(id: string): string {
    return join(this.resultsDir(), `${id}.json`);
  }

  private network(node: string): CniConfList {
    const list = this.networks.get(node);
    if (!list) throw new CapstanError('UNAVAILABLE', `the pod network of node ${node} is not set up`);
    return list;
  }

  async removeNodeNetwork(node: string): Promise<void> {
    await this.stopWarmPool(node);
    const warm = await this.listWarm(node).catch(() => []);
    await Promise.all(warm.map((c) => this.removeWarm(c.Id).catch(() => undefined)));
    await removeNodeChains(node);
    await run('ip', ['link', 'del', bridgeName(node)]).catch(() => undefined);
    await removeVxlanDeviceIfUnused();
    await rm(join(this.stateRoot, 'cni', node), { recursive: true, force: true });
    // Cached results of the node's sandboxes (removed behind the runtime's back): their addresses went with its IPAM.
    const { results } = await this.readNetworkState(node);
    await Promise.all([...results.keys()].map((id) => rm(this.resultPath(id), { force: true })));
    this.networks.delete(node);
    await this.removeLegacyNetwork(node).catch(() => undefined);
  }

  /** Wires a started sandbox into the node's bridge: CNI ADD of the node's list; the cached result. */
  private async attachSandbox(config: SandboxConfig, id: string, pid: number): Promise<CniResult> {
    const netns = `/proc/${pid}/ns/net`;
    const portMappings: CniPortMapping[] = config.ports.flatMap((p) =>
      p.hostPort
        ? [
            {
              hostPort: p.hostPort,
              containerPort: p.containerPort,
              protocol: (p.protocol ?? 'TCP').toLowerCase() as 'tcp' | 'udp',
              hostIP: config.hostIP,
            },
          ]
        : [],
    );
    // portmap's DNAT would silently take a port a host process listens on: refuse it as the engine did.
    for (const m of portMappings) await checkHostPortFree(m);
    const list = listFor(this.network(config.node), portMappings);
    const base = { containerId: id, netns, cniPath: this.cniPath };
    // No `loopback` plugin: the engine made this netns (NetworkMode none) and libnetwork brings `lo` up with
    // 127.0.0.1 in every netns it makes, so its ADD would be one more process per pod that changes nothing.
    // The cache is written before ADD, so a crash half-way leaves what the repair needs to release the address.
    const cached: CachedNetwork = { node: config.node, list, portMappings };
    await writeFile(this.resultPath(id), JSON.stringify(cached));
    const ips = await this.releaseForReuse(config);
    let result: CniResult;
    try {
      result = await execList(list, { ...base, command: 'ADD', ifname: 'eth0' }, { portMappings, ips });
    } catch (err) {
      if (ips.length === 0) throw err;
      // The old address went to another pod in between: undo the half-made ADD and take any free one.
      log.info({ err, container: id, podIP: ips[0] }, 'the previous pod IP is taken; the sandbox gets another');
      await execList(list, { ...base, command: 'DEL', ifname: 'eth0' }, { portMappings }).catch(() => undefined);
      result = await execList(list, { ...base, command: 'ADD', ifname: 'eth0' }, { portMappings });
    }
    await writeFile(this.resultPath(id), JSON.stringify({ ...cached, result }));
    return result;
  }

  /**
   * For a sandbox replacing a dead one of the same pod (`reuseAddress`): releases the address when a dead or
   * removed sandbox of this pod still holds it (its reservation, portmap rules) and returns it to ask for; nothing
   * when a running container or another pod's holds it.
   */
  private async releaseForReuse(config: SandboxConfig): Promise<string[]> {
    const podIP = config.reuseAddress?.podIP;
    if (!podIP) return [];
    const lease = await readFile(join(this.ipamDir(config.node), 'capstan', podIP), 'utf8').catch(() => '');
    const owner = lease.split(/\r?\n/)[0]?.trim();
    if (!owner) return [podIP];
    const old = await this.inspectRaw(owner);
    if (old && (old.State.Running || old.Config.Labels?.[LABELS.podUid] !== config.uid)) return [];
    const leaseFile = join(this.ipamDir(config.node), 'capstan', podIP);
    try {
      // With its cached result (portmap rules too); a reservation without one is released by id.
      await this.detachSandbox(owner);
      if ((await readFile(leaseFile, 'utf8').catch(() => '')).trim()) {
        await execList(this.network(config.node), {
          command: 'DEL',
          containerId: owner,
          netns: '',
          ifname: 'eth0',
          cniPath: this.cniPath,
        });
      }
    } catch (err) {
      log.warn({ err, container: owner }, 'CNI DEL of the dead sandbox failed');
      return [];
    }
    return [podIP];
  }

  /** CNI DEL for a sandbox that had an ADD (address, portmap rules; the veth goes with the netns). */
  private async detachSandbox(id: string): Promise<void> {
    let cached: CachedNetwork;
    try {
      cached = JSON.parse(await readFile(this.resultPath(id), 'utf8')) as CachedNetwork;
    } catch {
      return;
    }
    await execList(
      cached.list,
      { command: 'DEL', containerId: id, netns: '', ifname: 'eth0', cniPath: this.cniPath },
      { ...(cached.result ? { prevResult: cached.result } : {}), portMappings: cached.portMappings },
    );
    await rm(this.resultPath(id), { force: true });
  }

  private async cachedPodIP(id: string): Promise<string | undefined> {
    try {
      const cached = JSON.parse(await readFile(this.resultPath(id), 'utf8')) as CachedNetwork;
      return cached.result ? podIPFromResult(cached.result) : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Releases what CNI holds for sandboxes that no longer exist (an agent killed between a removal and its DEL):
   * cached results and host-local reservations of container ids `live` does not name. `live` must be listed after
   * this reads the state (a reservation is only ever made for a container created before it).
   */
  private async readNetworkState(
    node: string,
  ): Promise<{ results: Map<string, CachedNetwork>; reserved: Map<string, string> }> {
    const results = new Map<string, CachedNetwork>();
    for (const file of await readdir(this.resultsDir()).catch(() => [] as string[])) {
      if (!file.endsWith('.json')) continue;
      try {
        const cached = JSON.parse(await readFile(join(this.resultsDir(), file), 'utf8')) as CachedNetwork;
        if (cached.node === node) results.set(file.slice(0, -5), cached);
      } catch {
        // A file being written: its container is live, nothing to do.
      }
    }
    const reserved = new Map<string, string>();
    const dir = join(this.ipamDir(node), 'capstan');
    for (const file of await readdir(dir).catch(() => [] as string[])) {
      if (!/^\d+\.\d+\.\d+\.\d+$/.test(file)) continue;
      const text = await readFile(join(dir, file), 'utf8').catch(() => '');
      const owner = text.split(/\r?\n/)[0]?.trim();
      if (owner) reserved.set(file, owner);
    }
    return { results, reserved };
  }

  private async repairNetwork(
    node: string,
    state: { results: Map<string, CachedNetwork>; reserved: Map<string, string> },
    live: ReadonlySet<string>,
  ): Promise<void> {
    const list = this.networks.get(node);
    const stale = new Set<string>();
    for (const id of state.results.keys()) if (!live.has(id)) stale.add(id);
    for (const owner of state.reserved.values()) if (!live.has(owner)) stale.add(owner);
    for (const id of stale) {
      if (state.results.has(id)) {
        await this.detachSandbox(id).catch((err: unknown) => log.warn({ err, container: id }, 'CNI DEL failed'));
      } else if (list) {
        await execList(list, {
          command: 'DEL',
          containerId: id,
          netns: '',
          ifname: 'eth0',
          cniPath: this.cniPath,
        }).catch(() => undefined);
      }
    }
  }

  /** Host-local reservations and cached CNI results of the node (tests count them for leaks). */
  async networkReservations(node: string): Promise<{ addresses: string[]; results: string[] }> {
    const state = await this.readNetworkState(node);
    return { addresses: [...state.reserved.keys()], results: [...state.results.keys()] };
  }

  async imagePresent(ref: string): Promise<boolean> {
    return (await imageId(this.client, ref)) !== undefined;
  }

  ensureImage(ref: string, policy: PullPolicy, auth?: RegistryAuth): Promise<ImageInfo> {
    return ensureImage(this.client, ref, policy, {
      pullTimeoutMs: this.pullTimeoutMs,
      pullFromDockerHub: this.pullFromDockerHub,
      ...(auth ? { auth } : {}),
    });
  }

  async writeProjectedVolume(
    uid: string,
    volumeName: string,
    files: readonly ProjectedFile[],
    options: { medium?: 'Memory' } = {},
  ): Promise<boolean> {
    const dir = emptyDirPath(this.stateRoot, uid, volumeName);
    try {
      // Room for the payload twice (the old one stays until the `..data` swap), a page per file and some slack.
      if (options.medium === 'Memory') {
        const pages = files.reduce((n, f) => n + Math.max(1, Math.ceil(f.data.length / 4096)) + 1, 0);
        await ensureTmpfs(dir, 2 * pages * 4096 + 1_048_576);
      }
      return await writeAtomically(dir, files);
    } catch (err) {
      throw new CapstanError('UNAVAILABLE', `cannot write volume ${volumeName}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  async createSandbox(config: SandboxConfig): Promise<SandboxInfo> {
    return this.startSandbox(await this.prepareSandbox(config));
  }

  prepareSandbox(config: SandboxConfig): Promise<PreparedSandbox> {
    return this.busyWhile(async () => {
      const pool = this.pools.get(config.node);
      // A pod with hostPorts needs portmap's rules at its ADD: it gets a sandbox of its own.
      const warm = pool && sandboxHostPorts(config).length === 0 && !config.reuseAddress ? pool.take() : undefined;
      if (warm) {
        try {
          return await this.claimWarm(config, warm);
        } catch (err) {
          log.warn({ err }, 'could not claim a warm sandbox; starting one for the pod');
          await this.removeContainerNow(warm.id).catch(() => undefined);
          await this.releaseClaim(warm.id);
        }
      }
      return this.prepareColdSandbox(config);
    });
  }

  private async prepareColdSandbox(config: SandboxConfig): Promise<PreparedSandbox> {
    const dir = podStateDir(this.stateRoot, config.uid);
    await mkdir(dir, { recursive: true });
    await Promise.all([
      writeFile(join(dir, 'resolv.conf'), resolvConf(config.dns)),
      // App containers bind-mount the hosts file when they are created, before the sandbox has an IP, so it must
      // exist by then. An earlier sandbox's file is kept as it is until the new IP is known.
      open(join(dir, 'hosts'), 'a').then((file) => file.close()),
      ...(config.volumes ?? []).flatMap((volume) =>
        volume.emptyDir
          ? [mkdir(emptyDirPath(this.stateRoot, config.uid, volume.name), { recursive: true, mode: 0o777 })]
          : [],
      ),
    ]);
    const options = sandboxCreateOptions(config, this.pauseImage, this.stateRoot);
    let id: string;
    try {
      id = (await this.client.createContainer(options)).id;
    } catch (err) {
      // The pause image is looked up only when the engine cannot create the sandbox: one round trip less per pod.
      if (isDockerNotFound(err) && !(await this.imagePresent(this.pauseImage))) {
        // From CAPSTAN_IMAGE_REPOSITORY: the pause image comes from that registry, like kubeadm's KUBE_REPO_PREFIX.
        if (hasRegistryHost(this.pauseImage)) {
          await this.ensureImage(this.pauseImage, 'IfNotPresent');
          return this.prepareSandbox(config);
        }
        throw new CapstanError(
          'UNAVAILABLE',
          `sandbox image ${this.pauseImage} is missing; run 'bash scripts/setup.sh'`,
        );
      }
      throw wrapDockerError(err, `create the sandbox of pod ${config.namespace}/${config.name}`);
    }
    return {
      id,
      uid: config.uid,
      namespace: config.namespace,
      name: config.name,
      node: config.node,
      volumes: config.volumes ?? [],
      config,
    };
  }

  startSandbox(sandbox: PreparedSandbox): Promise<SandboxInfo> {
    const { config, warm } = sandbox;
    if (warm) {
      return Promise.resolve({
        id: sandbox.id,
        uid: config.uid,
        namespace: config.namespace,
        name: config.name,
        node: config.node,
        podIP: warm.podIP,
        hostIP: config.hostIP,
        hostPorts: [],
        volumes: sandbox.volumes,
        createdAt: warm.createdAt,
      });
    }
    return this.busyWhile(() => this.startColdSandbox(sandbox));
  }

  private async startColdSandbox(sandbox: PreparedSandbox): Promise<SandboxInfo> {
    const { config } = sandbox;
    const container = this.client.getContainer(sandbox.id);
    try {
      await docker(`start the sandbox of pod ${config.namespace}/${config.name}`, () => container.start());
      const info = await docker('inspect the sandbox', () => container.inspect());
      if (!info.State.Pid) {
        throw new CapstanError('UNAVAILABLE', `sandbox of pod ${config.name} exited right after its start`);
      }
      const result = await this.attachSandbox(config, info.Id, info.State.Pid);
      const podIP = podIPFromResult(result);
      // Written in place (same inode): containers created already bind-mount this very file.
      await writeFile(join(podStateDir(this.stateRoot, config.uid), 'hosts'), hostsFile(podIP, podHostname(config)));
      return {
        id: info.Id,
        uid: config.uid,
        namespace: config.namespace,
        name: config.name,
        node: config.node,
        podIP,
        hostIP: config.hostIP,
        hostPorts: sandboxHostPorts(config),
        volumes: sandbox.volumes,
        createdAt: info.Created,
      };
    } catch (err) {
      // A sandbox that could not start or be wired (e.g. its hostPort is taken) must not linger as a half-made pod.
      await this.removeContainer(sandbox.id).catch(() => undefined);
      throw err;
    }
  }

  createContainer(sandbox: SandboxRef, spec: ContainerSpec, options: { restartCount?: number } = {}): Promise<string> {
    return this.busyWhile(() => this.createAppContainer(sandbox, spec, options));
  }

  private async createAppContainer(
    sandbox: SandboxRef,
    spec: ContainerSpec,
    options: { restartCount?: number },
  ): Promise<string> {
    const claimVolumes = new Map<string, ClaimVolume>();
    for (const vm of spec.volumeMounts ?? []) {
      const claim = sandbox.volumes.find((v) => v.name === vm.name)?.persistentVolumeClaim;
      if (claim && !claimVolumes.has(claim.claimName)) {
        claimVolumes.set(claim.claimName, await this.ensureClaimVolume(sandbox.namespace, claim.claimName));
      }
    }
    const { mounts, subPaths } = planMounts(sandbox, spec, this.stateRoot, claimVolumes);
    for (const p of subPaths) await mountSubPath(p.root, p.subPath, p.target, p.create);
    let create = appContainerCreateOptions(sandbox, spec, options.restartCount ?? 0, this.stateRoot, mounts);
    const claim = this.claims.get(sandbox.id);
    if (claim) {
      const image = await docker(`inspect image ${spec.image}`, () => this.client.getImage(spec.image).inspect());
      create = gatedCreateOptions(
        create,
        spec,
        { entrypoint: image.Config.Entrypoint as string[] | null, cmd: image.Config.Cmd },
        claim.hostname,
        {
          busybox: this.busybox,
          gate: this.gatePath(),
          hostnameFile: join(podStateDir(this.stateRoot, sandbox.uid), 'hostname'),
        },
      );
    }
    const container = await docker(`create container ${spec.name} of pod ${sandbox.namespace}/${sandbox.name}`, () =>
      this.client.createContainer(create),
    );
    if (claim) this.gated.set(container.id, claim.hostname);
    return container.id;
  }

  /**
   * Creates the claim's named volume if missing (Docker's create is idempotent) and returns it with its host
   * mountpoint. A volume made by an earlier release under the old, colliding name is adopted when its labels say it
   * is this very claim's, so data survives the upgrade; one whose labels name another claim is never used.
   */
  private async ensureClaimVolume(namespace: string, claimName: string): Promise<ClaimVolume> {
    const legacy = await this.claimVolumeInfo(legacyClaimVolumeName(namespace, claimName));
    if (
      legacy?.Labels?.['io.capstan.pvc.namespace'] === namespace &&
      legacy.Labels['io.capstan.pvc.name'] === claimName &&
      !(await this.claimVolumeInfo(claimVolumeName(namespace, claimName)))
    ) {
      return { name: legacy.Name, mountpoint: legacy.Mountpoint };
    }
    const name = claimVolumeName(namespace, claimName);
    const volume = (await docker(`create volume ${name}`, () =>
      this.client.createVolume({
        Name: name,
        Labels: { 'io.capstan.pvc.namespace': namespace, 'io.capstan.pvc.name': claimName },
      }),
    )) as unknown as { Mountpoint: string };
    return { name, mountpoint: volume.Mountpoint };
  }

  private async claimVolumeInfo(
    name: string,
  ): Promise<{ Name: string; Mountpoint: string; Labels?: Record<string, string> } | undefined> {
    try {
      return (await this.client.getVolume(name).inspect()) as { Name: string; Mountpoint: string };
    } catch (err) {
      if (isDockerNotFound(err)) return undefined;
      throw wrapDockerError(err, `inspect volume ${name}`);
    }
  }

  async removeClaimVolume(namespace: string, claimName: string): Promise<void> {
    const legacy = await this.claimVolumeInfo(legacyClaimVolumeName(namespace, claimName));
    const names = [claimVolumeName(namespace, claimName)];
    if (
      legacy?.Labels?.['io.capstan.pvc.namespace'] === namespace &&
      legacy.Labels['io.capstan.pvc.name'] === claimName
    ) {
      names.push(legacy.Name);
    }
    for (const name of names) {
      await this.ignoreNotFound(`remove volume ${name}`, () => this.client.getVolume(name).remove());
    }
  }

  startContainer(id: string): Promise<void> {
    return this.busyWhile(async () => {
      try {
        await this.client.getContainer(id).start();
      } catch (err) {
        if (dockerStatus(err) === 304) return;
        throw wrapDockerError(err, `start container ${id.slice(0, 12)}`);
      }
      const hostname = this.gated.get(id);
      if (hostname !== undefined) await this.setHostname(id, hostname);
    });
  }

  /** The pod's hostname in the UTS namespace of an app container of a warm sandbox; its gate then runs the app. */
  private async setHostname(id: string, hostname: string): Promise<void> {
    this.gated.delete(id);
    const info = await docker('inspect the container', () => this.client.getContainer(id).inspect());
    if (!info.State.Pid) return;
    try {
      await runFile('nsenter', [`--uts=/proc/${info.State.Pid}/ns/uts`, this.busybox, 'hostname', hostname]);
    } catch (err) {
      throw new CapstanError('UNAVAILABLE', `cannot set the hostname of container ${id.slice(0, 12)}`, { cause: err });
    }
  }

  /** Stopping is part of a pod's removal: the warm pool does not fill meanwhile (it would compete for the engine). */
  stopContainer(id: string, graceSeconds: number): Promise<void> {
    return this.busyWhile(() => this.stopNow(id, graceSeconds));
  }

  /**
   * Without a grace period, SIGKILL at once (`docker kill`, which returns once the container is down): a stop with
   * `t: 0` sends SIGTERM first and then SIGKILL, one engine round (a runc call) more per container.
   */
  private async stopNow(id: string, graceSeconds: number): Promise<void> {
    const container = this.client.getContainer(id);
    try {
      if (graceSeconds <= 0) await container.kill({ signal: 'SIGKILL' });
      else await container.stop({ t: Math.ceil(graceSeconds) });
    } catch (err) {
      // 304 (stop) and 409 (kill): not running.
      if (dockerStatus(err) === 304 || dockerStatus(err) === 409 || isDockerNotFound(err)) return;
      throw wrapDockerError(err, `stop container ${id.slice(0, 12)}`);
    }
  }

  removeContainer(id: string): Promise<void> {
    return this.busyWhile(() => this.removeContainerNow(id));
  }

  private async removeContainerNow(id: string): Promise<void> {
    await this.removeFromEngine(id);
    await this.afterRemoval(id);
  }

  private async removeFromEngine(id: string): Promise<void> {
    try {
      await this.client.getContainer(id).remove({ force: true, v: false });
    } catch (err) {
      // 409 here means a removal is already in progress, which is what we want.
      if (!isDockerNotFound(err) && dockerStatus(err) !== 409) {
        throw wrapDockerError(err, `remove container ${id.slice(0, 12)}`);
      }
    }
  }

  private async afterRemoval(id: string): Promise<void> {
    // After the removal: the netns and with it the veth are gone, DEL releases the address and portmap's rules. A
    // failed DEL is retried by the repair of the next listing (the cached result stays until a DEL succeeds).
    await this.detachSandbox(id).catch((err: unknown) => log.warn({ err, container: id }, 'CNI DEL failed'));
    this.gated.delete(id);
    if (this.claims.has(id)) await this.releaseClaim(id);
  }

  /** The pod's containers: those labelled with its uid, and the warm sandbox it claimed (labelled as the pool's). */
  private async podContainers(uid: string): Promise<{ apps: Docker.ContainerInfo[]; sandboxes: string[] }> {
    const list = await docker(`list containers of pod ${uid}`, () =>
      this.client.listContainers({ all: true, filters: { label: [`${LABELS.podUid}=${uid}`] } }),
    );
    const isSandbox = (c: Docker.ContainerInfo): boolean => c.Labels[LABELS.containerName] === SANDBOX_CONTAINER_NAME;
    const warm = [...this.claims].flatMap(([id, claim]) => (claim.uid === uid ? [id] : []));
    return {
      apps: list.filter((c) => !isSandbox(c)),
      sandboxes: [...list.filter(isSandbox).map((c) => c.Id), ...warm],
    };
  }

  /**
   * Whether the pod's sandbox may go back to the warm pool once its app containers have stopped: it is a warm one
   * (labelled as the pool's, never with a pod's labels or port mappings) and the pool is below its target. The
   * caller then stops only the app containers and calls `recycleSandbox`.
   */
  mayRecycleSandbox(uid: string): boolean {
    const claim = [...this.claims.values()].find((c) => c.uid === uid);
    return claim ? (this.pools.get(claim.node)?.wantsMore() ?? false) : false;
  }

  /**
   * Takes a terminated pod's warm sandbox away from it, to be given back to the pool by `returnSandbox` once the pod
   * is gone from the store (until then its address is still the pod's). Only a netns nothing of the pod can have
   * left anything in: every app container stopped, the pause process still running, and no TCP socket left (a
   * killed server's connections stay in TIME_WAIT and would keep its port from the next pod's bind). What else a
   * netns holds (addresses, routes, iptables, sysctls) a pod's containers cannot change: they run with the engine's
   * default capabilities less NET_RAW, and admission refuses privileged containers and NET_ADMIN (docs/security.md,
   * "Pod security baseline"). False: the caller stops and releases it as any sandbox.
   */
  recycleSandbox(uid: string): Promise<boolean> {
    return this.busyWhile(async () => {
      const entry = [...this.claims].find(([, c]) => c.uid === uid);
      if (!entry) return false;
      const [id, claim] = entry;
      const refuse = (reason: string): false => {
        this.returning.delete(uid);
        log.debug({ uid, sandbox: id, reason }, 'sandbox not recycled');
        return false;
      };
      // Sandboxes already promised to the pool count (a scale-down checks all its pods at once); this one is
      // promised from here, before the checks, and forgotten again if they refuse it.
      const promised = [...this.returning.values()].filter((r) => r.node === claim.node).length;
      if (!this.pools.get(claim.node)?.wantsMore(promised)) return refuse('the pool is full');
      this.returning.set(uid, { node: claim.node });
      try {
        const { apps } = await this.podContainers(uid);
        if (apps.some((c) => c.State !== 'exited' && c.State !== 'created' && c.State !== 'dead')) {
          return refuse('an app container still runs');
        }
        const info = await this.inspectRaw(id);
        if (!info?.State.Running || !info.State.Pid) return refuse('the sandbox does not run');
        const podIP = await this.cachedPodIP(id);
        if (!podIP) return refuse('no address cached');
        if (await netnsHasTcpSockets(info.State.Pid)) return refuse('TCP sockets are left in its netns');
        await this.releaseClaim(id);
        this.returning.set(uid, { node: claim.node, sandbox: { id, podIP, createdAt: info.Created } });
        return true;
      } catch (err) {
        this.returning.delete(uid);
        throw err;
      }
    });
  }

  /** The sandbox `recycleSandbox` took from the pod: into the pool if `reuse` and it still wants one, else removed. */
  returnSandbox(uid: string, reuse: boolean): Promise<void> {
    const sandbox = this.returning.get(uid)?.sandbox;
    const node = this.returning.get(uid)?.node;
    this.returning.delete(uid);
    if (!sandbox || node === undefined) return Promise.resolve();
    if (reuse && this.pools.get(node)?.giveBack(sandbox)) {
      log.debug({ uid, sandbox: sandbox.id }, 'sandbox recycled');
      return Promise.resolve();
    }
    log.debug({ uid, sandbox: sandbox.id, reuse }, 'sandbox not taken back; removing it');
    return this.removeContainer(sandbox.id);
  }

  releasePodNetwork(uid: string): Promise<void> {
    return this.busyWhile(async () => {
      const { apps, sandboxes } = await this.podContainers(uid);
      // An app container still running here was not stopped by the caller (it did not know it): the address must
      // not be released under it. Sandboxes already stopped answer at once.
      const running = apps.filter((c) => c.State === 'running').map((c) => c.Id);
      await Promise.all([...running, ...sandboxes].map((id) => this.stopNow(id, 0)));
      await Promise.all(sandboxes.map((id) => this.detachSandbox(id)));
    });
  }

  removePod(uid: string): Promise<void> {
    return this.busyWhile(() => this.removePodNow(uid));
  }

  /**
   * App containers and sandboxes at once: the sandbox only holds the network namespace, and the CNI DEL (unless
   * `releasePodNetwork` ran) follows the removal of them all.
   */
  private async removePodNow(uid: string): Promise<void> {
    const { apps, sandboxes } = await this.podContainers(uid);
    const ids = [...apps.map((c) => c.Id), ...sandboxes];
    await Promise.all(ids.map((id) => this.removeFromEngine(id)));
    // Only once every process of the pod is gone may its address go back to the pool.
    await Promise.all(ids.map((id) => this.afterRemoval(id)));
    await removePodDir(podStateDir(this.stateRoot, uid));
  }

  async listPodContainers(node: string, known?: (id: string) => KnownContainer | undefined): Promise<PodContainers[]> {
    const network = await this.readNetworkState(node);
    const [podList, warm] = await Promise.all([
      docker(`list containers of node ${node}`, () =>
        this.client.listContainers({ all: true, filters: { label: [`${LABELS.node}=${node}`] } }),
      ),
      this.listWarm(node),
    ]);
    await this.repairNetwork(node, network, new Set([...podList, ...warm].map((c) => c.Id)));
    // Ready warm sandboxes are no pods; claimed ones are their pods' sandboxes.
    const list = [...podList, ...warm.filter((c) => this.claims.has(c.Id))];
    const infos: (KnownContainer | undefined)[] = list.map((c) => {
      const seen = known?.(c.Id);
      return seen && seen.state === runState(c.State) ? seen : undefined;
    });
    const toInspect = infos.flatMap((info, i) => (info ? [] : [i]));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < toInspect.length) {
        const i = toInspect[next++]!;
        const raw = await this.inspectRaw(list[i]!.Id);
        if (!raw) continue;
        const claim = this.claims.get(raw.Id);
        const info = claim
          ? {
              ...toContainerInfo(raw),
              name: SANDBOX_CONTAINER_NAME,
              podUid: claim.uid,
              podNamespace: claim.namespace,
              podName: claim.name,
            }
          : toContainerInfo(raw);
        infos[i] =
          info.name === SANDBOX_CONTAINER_NAME
            ? {
                ...info,
                podIP: network.results.get(raw.Id)?.result
                  ? podIPFromResult(network.results.get(raw.Id)!.result!)
                  : await this.cachedPodIP(raw.Id),
                hostPorts: (network.results.get(raw.Id)?.portMappings ?? []).map(toHostPort),
              }
            : info;
      }
    };
    await Promise.all(Array.from({ length: Math.min(INSPECT_CONCURRENCY, toInspect.length) }, worker));
    const pods = new Map<string, PodContainers>();
    for (const info of infos) {
      if (!info) continue;
      const pod = pods.get(info.podUid) ?? {
        uid: info.podUid,
        namespace: info.podNamespace,
        name: info.podName,
        containers: [],
      };
      pods.set(info.podUid, pod);
      if (info.name === SANDBOX_CONTAINER_NAME) {
        // Several sandboxes of one pod (attempts) can exist briefly; the newest one holds the pod's network.
        if (!pod.sandbox || pod.sandbox.createdAt < info.createdAt) {
          pod.sandbox = { ...info, hostPorts: info.hostPorts ?? [] };
        }
      } else {
        pod.containers.push(info);
      }
    }
    return [...pods.values()];
  }

  private async inspectRaw(id: string): Promise<Docker.ContainerInspectInfo | undefined> {
    try {
      return await this.client.getContainer(id).inspect();
    } catch (err) {
      if (isDockerNotFound(err)) return undefined;
      throw wrapDockerError(err, `inspect container ${id.slice(0, 12)}`);
    }
  }

  async inspectContainer(id: string): Promise<ContainerInfo> {
    const raw = await this.inspectRaw(id);
    if (!raw) throw new CapstanError('NOT_FOUND', `container ${id} does not exist`);
    return toContainerInfo(raw);
  }

  logs(id: string, options: LogOptions = {}): AsyncGenerator<LogLine> {
    return containerLogs(this.client, id, options);
  }

  exec(id: string, cmd: string[], timeoutMs: number): Promise<ExecResult> {
    return execInContainer(this.client, id, cmd, timeoutMs);
  }

  execCommand(id: string, cmd: string[], options: CommandOptions): Promise<CommandResult> {
    return runInContainer(this.client, id, cmd, options);
  }

  execSession(id: string, cmd: string[], options: { stdin: boolean; tty: boolean }): Promise<StreamSession> {
    return execSession(this.client, id, cmd, options);
  }

  attachSession(id: string, options: { stdin: boolean }): Promise<StreamSession> {
    return attachSession(this.client, id, options);
  }

  /** `GET /containers/ID/stats?stream=false&one-shot=true`: the engine answers at once, without its 1 s pre-sample. */
  async containerStats(id: string): Promise<ContainerStatsSample> {
    const stats = await docker(`read the stats of container ${id.slice(0, 12)}`, () =>
      this.client.getContainer(id).stats({ stream: false, 'one-shot': true }),
    );
    const memory = stats.memory_stats;
    // cgroup v1 names the inactive file pages total_inactive_file, v2 inactive_file.
    const inactive = memory.stats?.total_inactive_file ?? memory.stats?.inactive_file ?? 0;
    const readAt = Date.parse(stats.read);
    return {
      cpuUsageNanos: stats.cpu_stats?.cpu_usage?.total_usage ?? 0,
      memoryWorkingSetBytes: Math.max(0, (memory.usage ?? 0) - inactive),
      readAtMs: Number.isFinite(readAt) && readAt > 0 ? readAt : Date.now(),
    };
  }

  events(node: string, signal?: AbortSignal): AsyncGenerator<RuntimeEvent> {
    return containerEvents(this.client, node, signal);
  }

  private async ignoreNotFound(action: string, call: () => Promise<unknown>): Promise<void> {
    try {
      await call();
    } catch (err) {
      if (!isDockerNotFound(err)) throw wrapDockerError(err, action);
    }
  }
}
