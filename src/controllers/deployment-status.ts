/**
 * A Deployment's status (after Kubernetes' deployment/util): replica counts over its ReplicationControllers, the
 * Available condition against maxUnavailable, and the Progressing condition with its deadline.
 */
import { CapstanError } from '../api/errors.ts';
import type { Deployment, DeploymentCondition, DeploymentStatus, ReplicationController } from '../api/types.ts';
import type { RCState } from './deployment-plan.ts';

/** Progressing condition reasons (Kubernetes' names, with ReplicationController for ReplicaSet). */
export const REASONS = {
  created: 'NewReplicationControllerCreated',
  found: 'FoundNewReplicationController',
  updated: 'ReplicationControllerUpdated',
  available: 'NewReplicationControllerAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
} as const;

/**
 * maxSurge and maxUnavailable as pod counts for the deployment's replicas (Kubernetes' ResolveFenceposts): an
 * int as is, a percentage of replicas with surge rounded up and unavailable rounded down; both 0 makes
 * unavailable 1 so a rollout can move at all. Recreate has neither. Defaults 25% / 25%.
 */
export function resolveFenceposts(d: Deployment): { maxSurge: number; maxUnavailable: number } {
  const replicas = d.spec?.replicas ?? 1;
  if (d.spec?.strategy?.type === 'Recreate') return { maxSurge: 0, maxUnavailable: 0 };
  const rolling = d.spec?.strategy?.rollingUpdate;
  const path = 'spec.strategy.rollingUpdate';
  const maxSurge = intOrPercent(rolling?.maxSurge ?? '25%', replicas, true, `${path}.maxSurge`);
  let maxUnavailable = intOrPercent(rolling?.maxUnavailable ?? '25%', replicas, false, `${path}.maxUnavailable`);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable: Math.min(maxUnavailable, replicas) };
}

function intOrPercent(value: number | string, total: number, roundUp: boolean, field: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  const match = typeof value === 'string' ? /^(\d+)(%?)$/.exec(value) : null;
  if (!match) {
    throw CapstanError.invalid([{ field, message: 'must be a non-negative integer or a percentage such as "25%"' }]);
  }
  const n = Number(match[1]);
  if (!match[2]) return n;
  const scaled = (n * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/**
 * The deployment's status from its RCs (Kubernetes' calculateStatus and syncRolloutStatus): counts, the
 * Available condition (at least replicas - maxUnavailable available) and the Progressing condition, which
 * turns False with ProgressDeadlineExceeded when nothing improved for progressDeadlineSeconds. Also when to
 * look again for that deadline.
 */
export function computeDeploymentStatus(
  d: Deployment,
  states: readonly RCState[],
  next: RCState | undefined,
  now: Date,
  createdNew: boolean,
): { status: DeploymentStatus; requeueAfterMs?: number } {
  const replicas = d.spec?.replicas ?? 1;
  const count = (f: (rc: ReplicationController) => number | undefined) =>
    states.reduce((n, s) => n + (f(s.rc) ?? 0), 0);
  const available = count((rc) => rc.status?.availableReplicas);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation,
    replicas: count((rc) => rc.status?.replicas),
    updatedReplicas: next?.rc.status?.replicas ?? 0,
    readyReplicas: count((rc) => rc.status?.readyReplicas),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, states.reduce((n, s) => n + s.replicas, 0) - available),
  };
  const conditions = [...(d.status?.conditions ?? [])];
  const set = (c: DeploymentCondition, touch = false) => setCondition(conditions, c, now, touch);
  const { maxUnavailable } = resolveFenceposts(d);
  if (available >= replicas - maxUnavailable) {
    set({
      type: 'Available',
      status: 'True',
      reason: 'MinimumReplicasAvailable',
      message: 'Deployment has minimum availability.',
    });
  } else {
    set({
      type: 'Available',
      status: 'False',
      reason: 'MinimumReplicasUnavailable',
      message: 'Deployment does not have minimum availability.',
    });
  }

  const progressing = () => conditions.find((c) => c.type === 'Progressing');
  const name = next ? `ReplicationController "${next.rc.metadata.name}"` : 'ReplicationController';
  let requeueAfterMs: number | undefined;
  if (d.spec?.paused) {
    if (progressing()?.reason !== REASONS.paused) {
      set({ type: 'Progressing', status: 'Unknown', reason: REASONS.paused, message: 'Deployment is paused' });
    }
  } else {
    if (progressing()?.reason === REASONS.paused) {
      set({ type: 'Progressing', status: 'Unknown', reason: REASONS.resumed, message: 'Deployment is resumed' });
    }
    if (createdNew) {
      set({ type: 'Progressing', status: 'True', reason: REASONS.created, message: `Created new ${name}` });
    } else if (next && !progressing()) {
      set({ type: 'Progressing', status: 'True', reason: REASONS.found, message: `Found new ${name}` });
    }
    const deadlineMs = (d.spec?.progressDeadlineSeconds ?? 600) * 1000;
    const current = progressing();
    const done = status.replicas === status.updatedReplicas && current?.reason === REASONS.available;
    if (!done) {
      if (isCompleteStatus(replicas, status, d)) {
        set({
          type: 'Progressing',
          status: 'True',
          reason: REASONS.available,
          message: `${name} has successfully progressed.`,
        });
      } else if (madeProgress(d.status ?? {}, status)) {
        set({ type: 'Progressing', status: 'True', reason: REASONS.updated, message: `${name} is progressing.` }, true);
      } else if (current && current.reason !== REASONS.timedOut && sinceMs(current, now) + deadlineMs < now.getTime()) {
        set({
          type: 'Progressing',
          status: 'False',
          reason: REASONS.timedOut,
          message: `${name} has timed out progressing.`,
        });
      }
    }
    // No event marks the deadline passing: look again just after it, while a rollout is under way.
    const latest = progressing();
    if (latest && latest.reason !== REASONS.available && latest.reason !== REASONS.timedOut) {
      requeueAfterMs = sinceMs(latest, now) + deadlineMs - now.getTime() + 1;
    }
  }
  if (conditions.length > 0) status.conditions = conditions;
  return requeueAfterMs !== undefined && requeueAfterMs > 0 ? { status, requeueAfterMs } : { status };
}

function sinceMs(c: DeploymentCondition, now: Date): number {
  return Date.parse(c.lastUpdateTime ?? c.lastTransitionTime ?? '') || now.getTime();
}

/** Kubernetes' DeploymentComplete: every replica updated and available, nothing else left, generation seen. */
export function isCompleteStatus(replicas: number, s: DeploymentStatus, d: Deployment): boolean {
  return (
    s.updatedReplicas === replicas &&
    s.replicas === replicas &&
    s.availableReplicas === replicas &&
    (s.observedGeneration ?? 0) >= d.metadata.generation
  );
}

/** Kubernetes' DeploymentProgressing: more updated, ready or available pods, or fewer old ones, than before. */
function madeProgress(before: DeploymentStatus, after: DeploymentStatus): boolean {
  const oldBefore = (before.replicas ?? 0) - (before.updatedReplicas ?? 0);
  const oldAfter = (after.replicas ?? 0) - (after.updatedReplicas ?? 0);
  return (
    (after.updatedReplicas ?? 0) > (before.updatedReplicas ?? 0) ||
    oldAfter < oldBefore ||
    (after.readyReplicas ?? 0) > (before.readyReplicas ?? 0) ||
    (after.availableReplicas ?? 0) > (before.availableReplicas ?? 0)
  );
}

/**
 * Set a condition in place (Kubernetes' SetDeploymentCondition): an identical status and reason leaves it as it
 * is unless `touch` (progress refreshes lastUpdateTime); a status change moves lastTransitionTime.
 */
function setCondition(conditions: DeploymentCondition[], c: DeploymentCondition, now: Date, touch = false): void {
  const i = conditions.findIndex((x) => x.type === c.type);
  const current = conditions[i];
  const stamp = now.toISOString();
  if (current && current.status === c.status && current.reason === c.reason && !touch) return;
  const lastTransitionTime = current && current.status === c.status ? current.lastTransitionTime : stamp;
  const updated: DeploymentCondition = { ...c, lastUpdateTime: stamp, lastTransitionTime: lastTransitionTime ?? stamp };
  if (i >= 0) conditions[i] = updated;
  else conditions.push(updated);
}
