import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { CapstanError } from '../api/errors.ts';
import type { FieldViolation } from '../api/errors.ts';
import { parseBytes, parseCpuMillis } from '../api/quantity.ts';
import { subPathMountTarget } from './subpath.ts';
import { LABELS, SANDBOX_CONTAINER_NAME, containerSpecHash } from './runtime.ts';
import type { ContainerSpec, DnsConfig, SandboxConfig, SandboxInfo, SandboxRef } from './runtime.ts';

/** Pure translation of sandboxes and app containers into Docker create options. */

export function networkName(node: string): string {
  return `capstan-${node}`;
}

/**
 * The Docker volume of a claim. `_` occurs in neither a namespace (DNS label) nor a claim name (DNS subdomain), so
 * the name is injective: `a-b`/`c` and `a`/`b-c` no longer share `capstan-pvc-a-b-c`. Names too long for a
 * directory name get a hash instead (no `_`: they cannot equal a plain one).
 */
export function claimVolumeName(namespace: string, claimName: string): string {
  const plain = `capstan-pvc-${namespace}_${claimName}`;
  if (plain.length <= 200) return plain;
  return `capstan-pvc-h-${createHash('sha256').update(`${namespace}/${claimName}`).digest('hex')}`;
}

/** The name releases before this one gave a claim's volume (not injective); read only to adopt such volumes. */
export function legacyClaimVolumeName(namespace: string, claimName: string): string {
  return `capstan-pvc-${namespace}-${claimName}`;
}

/** A claim's Docker volume as the runtime found or made it. */
export interface ClaimVolume {
  name: string;
  mountpoint: string;
}

/** Per-pod host directory: resolv.conf, hosts and emptyDir volumes live here and go with the pod. */
export function podStateDir(stateRoot: string, uid: string): string {
  return join(stateRoot, 'pods', uid);
}

export function emptyDirPath(stateRoot: string, uid: string, volumeName: string): string {
  return join(podStateDir(stateRoot, uid), 'volumes', volumeName);
}

export function resolvConf(dns: DnsConfig): string {
  const lines = dns.nameservers.map((ns) => `nameserver ${ns}`);
  if (dns.searches.length > 0) lines.push(`search ${dns.searches.join(' ')}`);
  if (dns.options.length > 0) lines.push(`options ${dns.options.join(' ')}`);
  return lines.join('\n') + '\n';
}

export function hostsFile(podIP: string, hostname: string): string {
  return [
    '# Capstan-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
    `${podIP}\t${hostname}`,
    '',
  ].join('\n');
}

export function podHostname(config: Pick<SandboxConfig, 'hostname' | 'name'>): string {
  return (config.hostname ?? config.name).slice(0, 63).replace(/[-.]+$/, '');
}

function podLabels(p: { node: string; uid: string; namespace: string; name: string }): Record<string, string> {
  return {
    [LABELS.node]: p.node,
    [LABELS.podUid]: p.uid,
    [LABELS.podNamespace]: p.namespace,
    [LABELS.podName]: p.name,
  };
}

/**
 * The sandbox holds the pod's namespaces. Its network namespace starts empty (NetworkMode `none`): the runtime
 * wires it with CNI once it runs, so Docker sets up no network (nor its embedded DNS) for pods.
 */
export function sandboxCreateOptions(
  config: SandboxConfig,
  image: string,
  stateRoot: string,
): Docker.ContainerCreateOptions {
  const extra = Object.fromEntries(Object.entries(config.labels ?? {}).filter(([k]) => !k.startsWith('io.capstan.')));
  return {
    name: `capstan_${config.node}_${config.namespace}_${config.name}_${config.uid}_${SANDBOX_CONTAINER_NAME}_${config.attempt ?? 0}`,
    Image: image,
    Hostname: podHostname(config),
    Labels: {
      ...extra,
      ...podLabels(config),
      [LABELS.containerName]: SANDBOX_CONTAINER_NAME,
      [LABELS.restartCount]: String(config.attempt ?? 0),
    },
    HostConfig: {
      NetworkMode: 'none',
      RestartPolicy: { Name: 'no' },
      Mounts: [
        {
          Type: 'bind',
          Source: join(podStateDir(stateRoot, config.uid), 'resolv.conf'),
          Target: '/etc/resolv.conf',
          ReadOnly: true,
        },
      ],
    },
  };
}

/**
 * A path the runtime resolves beneath `root` without following links and bind-mounts onto `target` (see
 * subpath.ts), creating what is missing as `create` says: subPaths of every volume, and every hostPath.
 */
export interface SubPathToMount {
  root: string;
  subPath: string;
  target: string;
  create: 'dir' | 'file' | 'none';
}

type Mount = NonNullable<NonNullable<Docker.ContainerCreateOptions['HostConfig']>['Mounts']>[number];

/**
 * Docker mounts for a container's volumeMounts. `claimVolumes` maps PVC claim names to their Docker volume and its
 * host mountpoint, used for subPath mounts (Docker 20.10 cannot mount a volume's subdirectory). The source of a
 * subPath or hostPath mount is a mount point of the runtime's own, prepared from `subPaths` before the container is
 * created: a hostPath too is opened from `/` without following links, so a pod that may write under an allowed
 * prefix cannot plant a link there that takes the next pod's hostPath elsewhere.
 */
export function planMounts(
  sandbox: Pick<SandboxInfo, 'uid' | 'namespace' | 'volumes'>,
  spec: ContainerSpec,
  stateRoot: string,
  claimVolumes: ReadonlyMap<string, ClaimVolume>,
): { mounts: Mount[]; subPaths: SubPathToMount[] } {
  const mounts: Mount[] = [];
  const subPaths: SubPathToMount[] = [];
  const violations: FieldViolation[] = [];
  (spec.volumeMounts ?? []).forEach((vm, i) => {
    const field = `containers[${spec.name}].volumeMounts[${i}]`;
    const volume = sandbox.volumes.find((v) => v.name === vm.name);
    if (subPathInvalid(vm.subPath)) {
      violations.push({ field: `${field}.subPath`, message: 'must be a relative path without ".."' });
      return;
    }
    if (!volume) {
      violations.push({ field: `${field}.name`, message: `no volume named "${vm.name}" in the pod` });
      return;
    }
    const beneath = (root: string, subPath: string, create: SubPathToMount['create'], readOnly: boolean): void => {
      const target = subPathMountTarget(podStateDir(stateRoot, sandbox.uid), volume.name, spec.name, i);
      subPaths.push({ root, subPath, target, create });
      mounts.push({ Type: 'bind', Source: target, Target: vm.mountPath, ReadOnly: readOnly });
    };
    const readOnly = vm.readOnly === true;
    if (volume.emptyDir) {
      const root = emptyDirPath(stateRoot, sandbox.uid, volume.name);
      if (vm.subPath) beneath(root, vm.subPath, 'dir', readOnly);
      else mounts.push({ Type: 'bind', Source: root, Target: vm.mountPath, ReadOnly: readOnly });
    } else if (volume.hostPath) {
      const type = volume.hostPath.type ?? '';
      const path = join(volume.hostPath.path, vm.subPath ?? '');
      const create = vm.subPath || type === '' || type === 'DirectoryOrCreate' ? 'dir' : 'none';
      beneath('/', path, type === 'FileOrCreate' && !vm.subPath ? 'file' : create, readOnly);
    } else if (volume.persistentVolumeClaim) {
      const claim = volume.persistentVolumeClaim;
      const ro = readOnly || claim.readOnly === true;
      const found = claimVolumes.get(claim.claimName);
      if (vm.subPath && found) {
        beneath(found.mountpoint, vm.subPath, 'dir', ro);
      } else {
        mounts.push({
          Type: 'volume',
          Source: found?.name ?? claimVolumeName(sandbox.namespace, claim.claimName),
          Target: vm.mountPath,
          ReadOnly: ro,
        });
      }
    } else if (volume.configMap || volume.secret) {
      // Written by the agent (writeProjectedVolume) before containers are created; read-only, as Kubernetes mounts it.
      // A subPath is resolved in the current payload (`..data`, the agent's own link): like Kubernetes, it then keeps
      // the content it started with.
      const root = emptyDirPath(stateRoot, sandbox.uid, volume.name);
      if (vm.subPath) beneath(join(root, '..data'), vm.subPath, 'none', true);
      else mounts.push({ Type: 'bind', Source: root, Target: vm.mountPath, ReadOnly: true });
    } else {
      violations.push({ field: `${field}.name`, message: `volume "${vm.name}" has no supported source` });
    }
  });
  if (violations.length > 0) throw CapstanError.invalid(violations, `container ${spec.name}`);
  return { mounts, subPaths };
}

function subPathInvalid(subPath: string | undefined): boolean {
  return subPath !== undefined && subPath !== '' && (subPath.startsWith('/') || subPath.split('/').includes('..'));
}

function resourceLimits(spec: ContainerSpec): { NanoCpus?: number; Memory?: number; MemorySwap?: number } {
  const limits = spec.resources?.limits;
  const out: { NanoCpus?: number; Memory?: number; MemorySwap?: number } = {};
  try {
    if (limits?.cpu) out.NanoCpus = Math.round(parseCpuMillis(limits.cpu) * 1_000_000);
    if (limits?.memory) {
      out.Memory = Math.round(parseBytes(limits.memory));
      // Kubernetes gives containers no swap beyond the memory limit.
      out.MemorySwap = out.Memory;
    }
  } catch (err) {
    throw new CapstanError('INVALID', `container ${spec.name}: resources.limits: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return out;
}

export function appContainerCreateOptions(
  sandbox: SandboxRef,
  spec: ContainerSpec,
  restartCount: number,
  stateRoot: string,
  mounts: Mount[],
): Docker.ContainerCreateOptions {
  const dir = podStateDir(stateRoot, sandbox.uid);
  const options: Docker.ContainerCreateOptions = {
    name: `capstan_${sandbox.node}_${sandbox.namespace}_${sandbox.name}_${sandbox.uid}_${spec.name}_${restartCount}`,
    Image: spec.image,
    Env: (spec.env ?? []).map((e) => `${e.name}=${e.value}`),
    Labels: {
      ...podLabels(sandbox),
      [LABELS.containerName]: spec.name,
      [LABELS.specHash]: containerSpecHash(spec),
      [LABELS.restartCount]: String(restartCount),
    },
    HostConfig: {
      NetworkMode: `container:${sandbox.id}`,
      // docker-init forwards SIGTERM to the app, so images whose PID 1 has no TERM handler still stop at once.
      Init: true,
      RestartPolicy: { Name: 'no' },
      // Pod Security Standards "baseline": no setuid gain of privileges, and no raw sockets (ARP/IP spoofing on
      // the pod network). See docs/security.md.
      SecurityOpt: ['no-new-privileges'],
      CapDrop: ['NET_RAW'],
      Mounts: [
        { Type: 'bind', Source: join(dir, 'resolv.conf'), Target: '/etc/resolv.conf' },
        { Type: 'bind', Source: join(dir, 'hosts'), Target: '/etc/hosts' },
        ...mounts,
      ],
      ...resourceLimits(spec),
    },
  };
  // Kubernetes semantics: command replaces the image's ENTRYPOINT (and drops its CMD), args replace CMD.
  if (spec.command && spec.command.length > 0) options.Entrypoint = spec.command;
  if (spec.args && spec.args.length > 0) options.Cmd = spec.args;
  if (spec.workingDir) options.WorkingDir = spec.workingDir;
  return options;
}

/** Where the warm pool's files are mounted in an app container (see `hostnameGate`). */
export const GATE_DIR = '/.capstan';

/**
 * The script an app container of a warm sandbox runs before its own command. Docker gives a container that joins
 * another's network namespace (`NetworkMode: container:<id>`) that container's hostname, fixed when it was created,
 * and refuses a hostname of its own: a warm sandbox was made before its pod existed. So the app's own UTS namespace
 * gets the pod's hostname from the runtime right after the start (`nsenter --uts`), and this gate holds the app's
 * command back until it is set, then execs it (a command without `/` is looked up in PATH first, so busybox never
 * runs one of its applets in its place). After 30 s without it the container fails instead of running misnamed.
 */
export const HOSTNAME_GATE = [
  'want=$1',
  'shift',
  'i=0',
  'while :; do',
  '  read -r have < /proc/sys/kernel/hostname',
  '  [ "$have" = "$want" ] && break',
  '  i=$((i+1))',
  '  if [ $i -gt 15000 ]; then echo "capstan: the pod hostname was not set" >&2; exit 1; fi',
  `  ${GATE_DIR}/busybox usleep 2000`,
  'done',
  'cmd=$1',
  'shift',
  'case $cmd in',
  '  */*) ;;',
  '  *) IFS=:; for d in $PATH; do if [ -f "$d/$cmd" ] && [ -x "$d/$cmd" ]; then cmd=$d/$cmd; break; fi; done; unset IFS ;;',
  'esac',
  'exec "$cmd" "$@"',
  '',
].join('\n');

/** The image's own ENTRYPOINT and CMD, for a container whose command the gate runs. */
export interface ImageCommand {
  entrypoint?: string[] | null;
  cmd?: string[] | null;
}

/**
 * Create options of an app container in a warm sandbox: the gate runs first and then the container's effective
 * command (Kubernetes' rules: `command` replaces ENTRYPOINT and drops CMD, `args` replace CMD); the pod's own
 * /etc/hostname file replaces the warm sandbox's.
 */
export function gatedCreateOptions(
  options: Docker.ContainerCreateOptions,
  spec: ContainerSpec,
  image: ImageCommand,
  hostname: string,
  files: { busybox: string; gate: string; hostnameFile: string },
): Docker.ContainerCreateOptions {
  const entrypoint = spec.command?.length ? spec.command : (image.entrypoint ?? []);
  const cmd = spec.args?.length ? spec.args : spec.command?.length ? [] : (image.cmd ?? []);
  const command = [...entrypoint, ...cmd];
  if (command.length === 0) {
    throw new CapstanError(
      'INVALID',
      `container ${spec.name}: neither the pod nor the image ${spec.image} names a command`,
    );
  }
  const hostConfig = options.HostConfig ?? {};
  return {
    ...options,
    Entrypoint: [`${GATE_DIR}/busybox`, 'sh', `${GATE_DIR}/gate`, hostname],
    Cmd: command,
    Labels: { ...options.Labels, [LABELS.hostname]: hostname },
    HostConfig: {
      ...hostConfig,
      Mounts: [
        ...(hostConfig.Mounts ?? []),
        { Type: 'bind', Source: files.busybox, Target: `${GATE_DIR}/busybox`, ReadOnly: true },
        { Type: 'bind', Source: files.gate, Target: `${GATE_DIR}/gate`, ReadOnly: true },
        { Type: 'bind', Source: files.hostnameFile, Target: '/etc/hostname' },
      ],
    },
  };
}

/** A warm sandbox: the pause image on no network, labelled for its node's pool only (never a pod's labels). */
export function warmSandboxCreateOptions(node: string, image: string, serial: string): Docker.ContainerCreateOptions {
  return {
    name: `capstan_${node}_warm_${serial}`,
    Image: image,
    Hostname: 'capstan-warm',
    Labels: { [LABELS.warmNode]: node },
    HostConfig: { NetworkMode: 'none', RestartPolicy: { Name: 'no' } },
  };
}
