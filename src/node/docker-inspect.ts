import type Docker from 'dockerode';
import type { HostPortMapping } from '../api/types.ts';
import { LABELS } from './runtime.ts';
import type { ContainerInfo, ContainerRunState } from './runtime.ts';

/** Pure readers of Docker inspect data. */

/** Docker's "never" timestamp. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** The run state of an engine status (`State.Status` of an inspect, `State` of a listing). */
export function runState(status: string): ContainerRunState {
  if (status === 'running' || status === 'restarting' || status === 'paused') return 'running';
  if (status === 'created') return 'created';
  if (status === 'exited' || status === 'dead') return 'exited';
  return 'unknown';
}

export function toContainerInfo(raw: Docker.ContainerInspectInfo): ContainerInfo {
  const labels = raw.Config.Labels ?? {};
  const s = raw.State;
  const state = runState(s.Status);
  return {
    id: raw.Id,
    name: labels[LABELS.containerName] ?? '',
    podUid: labels[LABELS.podUid] ?? '',
    podNamespace: labels[LABELS.podNamespace] ?? '',
    podName: labels[LABELS.podName] ?? '',
    image: raw.Config.Image,
    imageId: raw.Image,
    state,
    ...(state === 'exited' ? { exitCode: s.ExitCode } : {}),
    oomKilled: s.OOMKilled,
    ...(s.Error ? { error: s.Error } : {}),
    ...(s.StartedAt && s.StartedAt !== ZERO_TIME ? { startedAt: s.StartedAt } : {}),
    ...(s.FinishedAt && s.FinishedAt !== ZERO_TIME ? { finishedAt: s.FinishedAt } : {}),
    createdAt: raw.Created,
    ...(labels[LABELS.specHash] ? { specHash: labels[LABELS.specHash] } : {}),
    restartCount: Number(labels[LABELS.restartCount] ?? 0) || 0,
  };
}

export function portMappings(
  ports: Record<string, { HostIp: string; HostPort: string }[] | null> | undefined,
): HostPortMapping[] {
  const out: HostPortMapping[] = [];
  for (const [key, bindings] of Object.entries(ports ?? {})) {
    const [port, proto] = key.split('/');
    for (const b of bindings ?? []) {
      out.push({
        containerPort: Number(port),
        protocol: proto === 'udp' ? 'UDP' : 'TCP',
        hostIP: b.HostIp,
        hostPort: Number(b.HostPort),
      });
    }
  }
  return out;
}

/** Docker's default gateway: the subnet's first host address. */
export function firstHost(cidr: string): string {
  const ip = cidr.split('/')[0] ?? '';
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4) return '';
  parts[3] = (parts[3] ?? 0) + 1;
  return parts.join('.');
}
