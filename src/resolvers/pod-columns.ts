import type { Pod } from '../api/types.ts';

/** Reason Kubernetes' node lifecycle controller sets on pods of an unreachable node. */
export const NODE_UNREACHABLE_REASON = 'NodeLost';

/**
 * The STATUS column of `kubectl get pods`: the phase, overridden by the pod's reason, then by the first container
 * (from the end, as kubectl walks them) that is waiting or terminated with a reason; Terminating once the pod has a
 * deletionTimestamp. Follows kubectl's printPod.
 */
export function podDisplayStatus(pod: Pod): string {
  const status = pod.status ?? {};
  let reason: string = status.reason || status.phase || 'Pending';
  let hasRunning = false;
  const statuses = status.containerStatuses ?? [];
  for (let i = statuses.length - 1; i >= 0; i--) {
    const state = statuses[i]!.state ?? {};
    if (state.waiting?.reason) {
      reason = state.waiting.reason;
    } else if (state.terminated?.reason) {
      reason = state.terminated.reason;
    } else if (state.terminated) {
      reason = `ExitCode:${state.terminated.exitCode}`;
    } else if (statuses[i]!.ready && state.running) {
      hasRunning = true;
    }
  }
  if (reason === 'Completed' && hasRunning) {
    const ready = status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    reason = ready ? 'Running' : 'NotReady';
  }
  if (pod.metadata.deletionTimestamp) {
    reason = status.reason === NODE_UNREACHABLE_REASON ? 'Unknown' : 'Terminating';
  }
  return reason;
}

/** The READY column: ready containers (ready and running) over the containers the spec declares, e.g. "2/3". */
export function podReadyCount(pod: Pod): string {
  const total = pod.spec?.containers.length ?? 0;
  const statuses = pod.status?.containerStatuses;
  let ready = 0;
  // A loop rather than filter(): this runs for every pod of every list the CLI and the dashboard make.
  if (statuses)
    for (let i = 0; i < statuses.length; i++) if (statuses[i]!.ready && statuses[i]!.state?.running) ready++;
  return `${ready}/${total}`;
}

/** The RESTARTS column: restarts summed over the pod's containers. */
export function podRestarts(pod: Pod): number {
  return (pod.status?.containerStatuses ?? []).reduce((sum, c) => sum + (c.restartCount ?? 0), 0);
}

/**
 * A duration as kubectl prints ages ("45s", "3m12s", "5h", "12d", "2y30d"), after k8s.io/apimachinery's
 * HumanDuration.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8)
    return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const years = Math.floor(hours / 24 / 365);
    const days = Math.floor(hours / 24) % 365;
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

const parsedTimestamps = new Map<string, number>();

/** Date.parse, remembered: a list shows the age of the same objects again and again. */
function parseTimestamp(timestamp: string): number {
  let parsed = parsedTimestamps.get(timestamp);
  if (parsed === undefined) {
    parsed = Date.parse(timestamp);
    if (parsedTimestamps.size >= 50_000) parsedTimestamps.clear();
    parsedTimestamps.set(timestamp, parsed);
  }
  return parsed;
}

/** The AGE column of an object created at `creationTimestamp`. */
export function objectAge(creationTimestamp: string, now: number = Date.now()): string {
  const created = parseTimestamp(creationTimestamp);
  return Number.isNaN(created) ? '<unknown>' : humanDuration(now - created);
}

/**
 * When {@link objectAge} of an object created at `creationTimestamp`, evaluated at `now`, next changes: the next
 * boundary of the unit its text ends in (a second below 10 minutes, a minute below 8 hours, an hour below 8 days, a
 * day below 8 years, then a year). Never for a timestamp that does not parse ('<unknown>' stays).
 */
export function objectAgeChangesAt(creationTimestamp: string, now: number): number {
  const created = parseTimestamp(creationTimestamp);
  if (Number.isNaN(created)) return Infinity;
  const seconds = Math.floor((now - created) / 1000);
  const unit =
    seconds < 600
      ? 1
      : seconds < 8 * 3600
        ? 60
        : seconds < 8 * 86_400
          ? 3600
          : seconds < 8 * 365 * 86_400
            ? 86_400
            : 365 * 86_400;
  return created + (Math.floor(seconds / unit) + 1) * unit * 1000;
}
