/** What controllers read of a pod's state (after Kubernetes' podutil): readiness, availability, whether it counts. */
import type { Pod } from '../api/types.ts';

/** Enough to address a pod in a write, with its uid as a precondition. */
export interface PodRef {
  namespace: string;
  name: string;
  uid: string;
}

/** The ref of a pod, for actions. */
export function podRef(pod: Pod): PodRef {
  return { namespace: pod.metadata.namespace ?? '', name: pod.metadata.name, uid: pod.metadata.uid };
}

/** True when the pod's Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  return readyCondition(pod)?.status === 'True';
}

/**
 * True when the pod has been ready for at least `minReadySeconds` at `now`. With minReadySeconds 0 this is
 * `isPodReady`. A ready pod without a transition time counts as ready since forever.
 */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: Date): boolean {
  return availableInMs(pod, minReadySeconds, now) === 0;
}

/**
 * Milliseconds until a ready pod becomes available: 0 when it already is, undefined when it is not ready (so no
 * time will make it available by itself). Controllers requeue after the smallest positive value.
 */
export function availableInMs(pod: Pod, minReadySeconds: number, now: Date): number | undefined {
  const ready = readyCondition(pod);
  if (ready?.status !== 'True') return undefined;
  if (minReadySeconds <= 0 || !ready.lastTransitionTime) return 0;
  const availableAt = Date.parse(ready.lastTransitionTime) + minReadySeconds * 1000;
  return Math.max(0, availableAt - now.getTime());
}

/** A pod that counts toward a controller's replicas: not terminated (Succeeded/Failed) and not being deleted. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

/** True when the pod ended: phase Succeeded or Failed. */
export function isPodTerminated(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** Sum of the restart counts of the pod's containers. */
export function podRestartCount(pod: Pod): number {
  let total = 0;
  for (const status of pod.status?.containerStatuses ?? []) total += status.restartCount;
  return total;
}

/** The Ready condition's last transition time in ms since the epoch, when the pod is ready. */
export function readySinceMs(pod: Pod): number | undefined {
  const ready = readyCondition(pod);
  if (ready?.status !== 'True' || !ready.lastTransitionTime) return undefined;
  return Date.parse(ready.lastTransitionTime);
}

function readyCondition(pod: Pod) {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}
