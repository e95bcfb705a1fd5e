import type { StreamSession } from '../resolvers/pod-streams.ts';
import { attachSession, execSession } from './docker-sessions.ts';
import { mkdir, open, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import Docker from 'dockerode';
import { CapstanError } from '../api/errors.ts';
import { docker, isDockerNotFound, dockerStatus, wrapDockerError } from './docker-errors.ts';
import { ensureImage, imageId } from './docker-images.ts';
import {
  appContainerCreateOptions,
  claimVolumeName,
  emptyDirPath,
  hostsFile,
  networkName,
  planMounts,
  podHostname,
  podStateDir,
  resolvConf,
  sandboxCreateOptions,
} from './docker-pod-config.ts';
import { firstHost, portMappings, runState, toContainerInfo } from './docker-inspect.ts';
import { containerEvents, containerLogs, execInContainer, runInContainer } from './docker-io.ts';
import { LABELS, SANDBOX_CONTAINER_NAME } from './runtime.ts';
import type {
  CommandOptions,
  CommandResult,
  ContainerInfo,
  ContainerRuntime,
  ContainerSpec,
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
}

const INSPECT_CONCURRENCY = 8;

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

  constructor(options: DockerRuntimeOptions = {}) {
    this.client = options.docker instanceof Docker ? options.docker : new Docker(options.docker);
    this.stateRoot = options.stateRoot ?? '/var/lib/capstan';
    this.pauseImage = options.pauseImage ?? 'capstan/pause:latest';
    this.pullTimeoutMs = options.pullTimeoutMs ?? 60_000;
    this.pullFromDockerHub = options.pullFromDockerHub ?? false;
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
    const name = networkName(config.node);
    let existing = await this.inspectNetwork(name);
    if (!existing) {
      try {
        await this.client.createNetwork({
          Name: name,
          Driver: 'bridge',
          CheckDuplicate: true,
          Labels: { [LABELS.node]: config.node },
          IPAM: {
            Driver: 'default',
            Config: [{ Subnet: config.subnet, ...(config.gateway ? { Gateway: config.gateway } : {}) }],
          },
        });
      } catch (err) {
        // 409: another agent process created it first; reuse it below.
        if (dockerStatus(err) !== 409) {
          const wrapped = wrapDockerError(err, `create network ${name} with subnet ${config.subnet}`);
          throw new CapstanError(wrapped.code, `${wrapped.message} (choose a pod subnet no other network uses)`, {
            cause: err,
          });
        }
      }
      existing = await this.inspectNetwork(name);
      if (!existing) throw new CapstanError('UNAVAILABLE', `network ${name} vanished right after its creation`);
    }
    if (existing.subnet !== config.subnet) {
      throw new CapstanError(
        'CONFLICT',
        `network ${name} exists with subnet ${existing.subnet}, not ${config.subnet}; remove it or use its subnet`,
      );
    }
    return existing;
  }

  private async inspectNetwork(name: string): Promise<NodeNetwork | undefined> {
    try {
      const info = (await this.client.getNetwork(name).inspect()) as Docker.NetworkInspectInfo;
      const ipam = info.IPAM?.Config?.[0];
      const subnet = ipam?.Subnet ?? '';
      return { id: info.Id, name: info.Name, subnet, gateway: ipam?.Gateway ?? firstHost(subnet) };
    } catch (err) {
      if (isDockerNotFound(err)) return undefined;
      throw wrapDockerError(err, `inspect network ${name}`);
    }
  }

  async removeNodeNetwork(node: string): Promise<void> {
    await this.ignoreNotFound(`remove network ${networkName(node)}`, () =>
      this.client.getNetwork(networkName(node)).remove(),
    );
  }

  async imagePresent(ref: string): Promise<boolean> {
    return (await imageId(this.client, ref)) !== undefined;
  }

  ensureImage(ref: string, policy: PullPolicy): Promise<ImageInfo> {
    return ensureImage(this.client, ref, policy, {
      pullTimeoutMs: this.pullTimeoutMs,
      pullFromDockerHub: this.pullFromDockerHub,
    });
  }

  async createSandbox(config: SandboxConfig): Promise<SandboxInfo> {
    return this.startSandbox(await this.prepareSandbox(config));
  }

  async prepareSandbox(config: SandboxConfig): Promise<PreparedSandbox> {
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

  async startSandbox(sandbox: PreparedSandbox): Promise<SandboxInfo> {
    const { config } = sandbox;
    const container = this.client.getContainer(sandbox.id);
    try {
      await docker(`start the sandbox of pod ${config.namespace}/${config.name}`, () => container.start());
      const info = await docker('inspect the sandbox', () => container.inspect());
      const podIP = info.NetworkSettings.Networks[networkName(config.node)]?.IPAddress ?? '';
      if (!podIP)
        throw new CapstanError('UNAVAILABLE', `sandbox of pod ${config.name} got no IP on ${networkName(config.node)}`);
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
        hostPorts: portMappings(info.NetworkSettings.Ports),
        volumes: sandbox.volumes,
        createdAt: info.Created,
      };
    } catch (err) {
      // A sandbox that could not start (e.g. its hostPort is taken) must not linger as a half-made pod.
      await this.removeContainer(sandbox.id).catch(() => undefined);
      throw err;
    }
  }

  async createContainer(
    sandbox: SandboxRef,
    spec: ContainerSpec,
    options: { restartCount?: number } = {},
  ): Promise<string> {
    const claimMountpoints = new Map<string, string>();
    for (const vm of spec.volumeMounts ?? []) {
      const claim = sandbox.volumes.find((v) => v.name === vm.name)?.persistentVolumeClaim;
      if (claim && !claimMountpoints.has(claim.claimName)) {
        claimMountpoints.set(claim.claimName, await this.ensureClaimVolume(sandbox.namespace, claim.claimName));
      }
    }
    const { mounts, ensure } = planMounts(sandbox, spec, this.stateRoot, claimMountpoints);
    for (const p of ensure) {
      if (p.kind === 'dir') await mkdir(p.path, { recursive: true, mode: 0o777 });
      else {
        await mkdir(dirname(p.path), { recursive: true });
        await (await open(p.path, 'a')).close();
      }
    }
    const create = appContainerCreateOptions(sandbox, spec, options.restartCount ?? 0, this.stateRoot, mounts);
    const container = await docker(`create container ${spec.name} of pod ${sandbox.namespace}/${sandbox.name}`, () =>
      this.client.createContainer(create),
    );
    return container.id;
  }

  /** Creates the claim's named volume if missing (Docker's create is idempotent) and returns its host mountpoint. */
  private async ensureClaimVolume(namespace: string, claimName: string): Promise<string> {
    const name = claimVolumeName(namespace, claimName);
    const volume = (await docker(`create volume ${name}`, () =>
      this.client.createVolume({
        Name: name,
        Labels: { 'io.capstan.pvc.namespace': namespace, 'io.capstan.pvc.name': claimName },
      }),
    )) as unknown as { Mountpoint: string };
    return volume.Mountpoint;
  }

  async removeClaimVolume(namespace: string, claimName: string): Promise<void> {
    const name = claimVolumeName(namespace, claimName);
    await this.ignoreNotFound(`remove volume ${name}`, () => this.client.getVolume(name).remove());
  }

  async startContainer(id: string): Promise<void> {
    try {
      await this.client.getContainer(id).start();
    } catch (err) {
      if (dockerStatus(err) === 304) return;
      throw wrapDockerError(err, `start container ${id.slice(0, 12)}`);
    }
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    try {
      await this.client.getContainer(id).stop({ t: Math.max(0, Math.ceil(graceSeconds)) });
    } catch (err) {
      if (dockerStatus(err) === 304 || isDockerNotFound(err)) return;
      throw wrapDockerError(err, `stop container ${id.slice(0, 12)}`);
    }
  }

  async removeContainer(id: string): Promise<void> {
    try {
      await this.client.getContainer(id).remove({ force: true, v: false });
    } catch (err) {
      // 409 here means a removal is already in progress, which is what we want.
      if (isDockerNotFound(err) || dockerStatus(err) === 409) return;
      throw wrapDockerError(err, `remove container ${id.slice(0, 12)}`);
    }
  }

  async removePod(uid: string): Promise<void> {
    const list = await docker(`list containers of pod ${uid}`, () =>
      this.client.listContainers({ all: true, filters: { label: [`${LABELS.podUid}=${uid}`] } }),
    );
    const isSandbox = (c: Docker.ContainerInfo): boolean => c.Labels[LABELS.containerName] === SANDBOX_CONTAINER_NAME;
    await Promise.all(list.filter((c) => !isSandbox(c)).map((c) => this.removeContainer(c.Id)));
    await Promise.all(list.filter(isSandbox).map((c) => this.removeContainer(c.Id)));
    await rm(podStateDir(this.stateRoot, uid), { recursive: true, force: true });
  }

  async listPodContainers(node: string, known?: (id: string) => KnownContainer | undefined): Promise<PodContainers[]> {
    const list = await docker(`list containers of node ${node}`, () =>
      this.client.listContainers({ all: true, filters: { label: [`${LABELS.node}=${node}`] } }),
    );
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
        const info = toContainerInfo(raw);
        infos[i] =
          info.name === SANDBOX_CONTAINER_NAME
            ? {
                ...info,
                podIP: raw.NetworkSettings.Networks[networkName(node)]?.IPAddress || undefined,
                hostPorts: portMappings(raw.NetworkSettings.Ports),
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
