import type {
  Labels,
  ObjectInput,
  OwnerReference,
  Pod,
  ReplicationController,
  ReplicationControllerCondition,
  ReplicationControllerStatus,
} from '../api/types.ts';
import { CapstanError } from '../api/errors.ts';
import { controllerRef, matchesEqualitySelector } from './ownership.ts';
import {
  availableInMs,
  isPodActive,
  isPodAvailable,
  isPodReady,
  isPodTerminated,
  podRef,
  podRestartCount,
  readySinceMs,
  type PodRef,
} from './pod-state.ts';

/** Kubernetes' BurstReplicas: at most this many creates or deletes per sync of one controller. */
export const BURST_REPLICAS = 500;

/** One step of an RC sync, in plan order: adopt/release, then creates or deletes. */
export type ReplicationAction =
  /** Create `count` pods from `pod` (a generateName template), in slow-start batches. */
  | { type: 'createPods'; count: number; pod: ObjectInput<Pod> }
  /** Add `ownerReference` to an orphan pod that matches the selector. */
  | { type: 'adoptPod'; pod: PodRef; ownerReference: OwnerReference }
  /** Remove the ownerReference to `ownerUid` from a pod whose labels no longer match. */
  | { type: 'releasePod'; pod: PodRef; ownerUid: string }
  /**
   * Delete pods. `scaleDown`: extras, most expendable first (record deletion expectations for them);
   * `terminated`: owned pods that Succeeded or Failed, which no longer count and are replaced.
   */
  | { type: 'deletePods'; pods: PodRef[]; reason: 'scaleDown' | 'terminated' };

export interface ReplicationPlanOptions {
  /** False while creates/deletes of an earlier sync are not yet seen in the cache: plan no creates/deletes. */
  expectationsSatisfied?: boolean;
  /** Cap on creates or deletes per sync; default BURST_REPLICAS. */
  burst?: number;
}

/** The RC's selector: `spec.selector`, defaulting to the template's labels as Kubernetes does. */
export function rcSelector(rc: ReplicationController): Labels {
  return rc.spec?.selector ?? rc.spec?.template.metadata?.labels ?? {};
}

/** The ownerReference that marks a pod as controlled by `rc`. */
export function controllerOwnerReference(rc: ReplicationController): OwnerReference {
  return {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    name: rc.metadata.name,
    uid: rc.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export interface ClaimedPods {
  /** Pods this RC controls after adoption and release, including the ones to adopt. */
  owned: Pod[];
  adopt: Pod[];
  release: Pod[];
}

/**
 * Sort `pods` (those matching the selector or owned by the RC) into what the RC controls, after Kubernetes'
 * PodControllerRefManager: pods owned by another controller are left alone; owned pods whose labels stopped
 * matching are released; matching orphans are adopted unless the pod or the RC is being deleted. An empty
 * selector matches nothing here, so a bad object can never adopt a whole namespace.
 */
export function claimPods(rc: ReplicationController, pods: readonly Pod[]): ClaimedPods {
  const selector = rcSelector(rc);
  const selectorUsable = Object.keys(selector).length > 0;
  const namespace = rc.metadata.namespace;
  const claimed: ClaimedPods = { owned: [], adopt: [], release: [] };
  for (const pod of pods) {
    if (pod.metadata.namespace !== namespace) continue;
    const matches = selectorUsable && matchesEqualitySelector(selector, pod.metadata.labels);
    const ref = controllerRef(pod);
    if (ref) {
      if (ref.uid !== rc.metadata.uid) continue;
      if (matches) claimed.owned.push(pod);
      else if (!pod.metadata.deletionTimestamp) claimed.release.push(pod);
      continue;
    }
    if (matches && !pod.metadata.deletionTimestamp && !rc.metadata.deletionTimestamp) {
      claimed.adopt.push(pod);
      claimed.owned.push(pod);
    }
  }
  return claimed;
}

/** The pod to create for `rc`: template labels/annotations/spec, a generated name, a controller ownerReference. */
export function podFromTemplate(rc: ReplicationController): ObjectInput<Pod> {
  const template = rc.spec?.template;
  if (!template) {
    throw CapstanError.invalid(
      [{ field: 'spec.template', message: 'is required' }],
      `ReplicationController ${rc.metadata.name}`,
    );
  }
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      generateName: `${rc.metadata.name}-`,
      namespace: rc.metadata.namespace,
      labels: { ...template.metadata?.labels },
      annotations: { ...template.metadata?.annotations },
      ownerReferences: [controllerOwnerReference(rc)],
    },
    spec: structuredClone(template.spec),
  };
}

/**
 * What the RC must do to hold exactly `spec.replicas` active pods. `pods` are the pods matching its selector or
 * owned by it, from the informer cache. Pods being deleted and terminated pods do not count, so they get
 * replaced; terminated owned pods are deleted.
 */
export function planReplication(
  rc: ReplicationController,
  pods: readonly Pod[],
  options: ReplicationPlanOptions = {},
): ReplicationAction[] {
  const { expectationsSatisfied = true, burst = BURST_REPLICAS } = options;
  const { owned, adopt, release } = claimPods(rc, pods);
  const actions: ReplicationAction[] = [];
  for (const pod of adopt)
    actions.push({ type: 'adoptPod', pod: podRef(pod), ownerReference: controllerOwnerReference(rc) });
  for (const pod of release) actions.push({ type: 'releasePod', pod: podRef(pod), ownerUid: rc.metadata.uid });
  if (rc.metadata.deletionTimestamp) return actions;

  const terminated = owned.filter((pod) => isPodTerminated(pod) && !pod.metadata.deletionTimestamp);
  if (terminated.length > 0) actions.push({ type: 'deletePods', pods: terminated.map(podRef), reason: 'terminated' });

  if (!expectationsSatisfied) return actions;
  const active = owned.filter(isPodActive);
  const diff = active.length - (rc.spec?.replicas ?? 1);
  if (diff < 0) {
    actions.push({ type: 'createPods', count: Math.min(-diff, burst), pod: podFromTemplate(rc) });
  } else if (diff > 0) {
    const victims = [...active].sort(compareForDeletion).slice(0, Math.min(diff, burst));
    actions.push({ type: 'deletePods', pods: victims.map(podRef), reason: 'scaleDown' });
  }
  return actions;
}

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * Order pods so the most expendable comes first (Kubernetes' ActivePods): unassigned before assigned; Pending
 * before Unknown before Running; not ready before ready; ready for less time before longer; more restarts before
 * fewer; newer before older. Why this order: deleting the pod that serves least (or has not started) costs the
 * least availability, so when an unresponsive pod comes back and the count is 4 of 3, the newest replacement
 * that is not serving yet is the one that goes.
 */
export function compareForDeletion(a: Pod, b: Pod): number {
  const assignedA = a.spec?.nodeName ? 1 : 0;
  const assignedB = b.spec?.nodeName ? 1 : 0;
  if (assignedA !== assignedB) return assignedA - assignedB;
  const phaseA = PHASE_RANK[a.status?.phase ?? 'Pending'] ?? 0;
  const phaseB = PHASE_RANK[b.status?.phase ?? 'Pending'] ?? 0;
  if (phaseA !== phaseB) return phaseA - phaseB;
  const readyA = isPodReady(a) ? 1 : 0;
  const readyB = isPodReady(b) ? 1 : 0;
  if (readyA !== readyB) return readyA - readyB;
  if (readyA === 1) {
    const sinceA = readySinceMs(a) ?? 0;
    const sinceB = readySinceMs(b) ?? 0;
    if (sinceA !== sinceB) return sinceB - sinceA;
  }
  const restarts = podRestartCount(b) - podRestartCount(a);
  if (restarts !== 0) return restarts;
  const createdA = Date.parse(a.metadata.creationTimestamp) || 0;
  const createdB = Date.parse(b.metadata.creationTimestamp) || 0;
  if (createdA !== createdB) return createdB - createdA;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

/** Why the last sync's creates or deletes failed; shown as the ReplicaFailure condition. */
export interface ReplicaFailure {
  reason: 'FailedCreate' | 'FailedDelete';
  message: string;
}

/**
 * The RC's status from the pods it controls (same `pods` input as `planReplication`). `failure` is the error
 * of the last sync's creates/deletes: it sets the ReplicaFailure condition; without it the condition is cleared.
 */
export function computeReplicationStatus(
  rc: ReplicationController,
  pods: readonly Pod[],
  now: Date,
  failure?: ReplicaFailure,
): ReplicationControllerStatus {
  const active = claimPods(rc, pods).owned.filter(isPodActive);
  const templateLabels = rc.spec?.template.metadata?.labels ?? {};
  const minReadySeconds = rc.spec?.minReadySeconds ?? 0;
  const status: ReplicationControllerStatus = {
    replicas: active.length,
    fullyLabeledReplicas: active.filter((pod) => matchesEqualitySelector(templateLabels, pod.metadata.labels)).length,
    readyReplicas: active.filter(isPodReady).length,
    availableReplicas: active.filter((pod) => isPodAvailable(pod, minReadySeconds, now)).length,
    observedGeneration: rc.metadata.generation,
  };
  const others = (rc.status?.conditions ?? []).filter((c) => c.type !== 'ReplicaFailure');
  if (failure) {
    const previous = rc.status?.conditions?.find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
    const condition: ReplicationControllerCondition = {
      type: 'ReplicaFailure',
      status: 'True',
      reason: failure.reason,
      message: failure.message,
      lastTransitionTime: previous?.lastTransitionTime ?? now.toISOString(),
    };
    status.conditions = [...others, condition];
  } else if (others.length > 0) {
    status.conditions = others;
  }
  return status;
}

/**
 * When a ready pod of `rc` will become available (minReadySeconds), in ms from `now`: the controller requeues
 * then, since no event marks the moment. Undefined when no pod is waiting on minReadySeconds.
 */
export function nextAvailabilityCheckMs(
  rc: ReplicationController,
  pods: readonly Pod[],
  now: Date,
): number | undefined {
  const minReadySeconds = rc.spec?.minReadySeconds ?? 0;
  if (minReadySeconds <= 0) return undefined;
  let next: number | undefined;
  for (const pod of claimPods(rc, pods).owned) {
    if (!isPodActive(pod)) continue;
    const wait = availableInMs(pod, minReadySeconds, now);
    if (wait !== undefined && wait > 0 && (next === undefined || wait < next)) next = wait;
  }
  return next;
}

/**
 * Kubernetes' slowStartBatch sizes: `initial`, then doubling (1, 2, 4, 8, ...), the last batch trimmed so the
 * batches add up to `count`. Why: when every create fails (quota, a bad template), the first small batch fails
 * and the sync stops, instead of firing hundreds of doomed requests.
 */
export function slowStartBatches(count: number, initial = 1): number[] {
  const batches: number[] = [];
  let size = Math.max(1, initial);
  for (let remaining = count; remaining > 0; remaining -= batches.at(-1) as number) {
    batches.push(Math.min(size, remaining));
    size *= 2;
  }
  return batches;
}

export interface SlowStartResult {
  succeeded: number;
  /** Calls that failed; with `skipped`, the creations the caller must no longer expect. */
  failed: number;
  /** Calls not attempted because an earlier batch failed. */
  skipped: number;
  /** The first error, when any call failed. */
  error?: unknown;
}

/** Run `fn` `count` times in slow-start batches (each batch in parallel), stopping after a batch with a failure. */
export async function runSlowStart(
  count: number,
  fn: (index: number) => Promise<unknown>,
  initial = 1,
): Promise<SlowStartResult> {
  const result: SlowStartResult = { succeeded: 0, failed: 0, skipped: 0 };
  let index = 0;
  for (const size of slowStartBatches(count, initial)) {
    const settled = await Promise.allSettled(Array.from({ length: size }, () => fn(index++)));
    for (const outcome of settled) {
      if (outcome.status === 'fulfilled') result.succeeded++;
      else {
        result.failed++;
        if (result.error === undefined) result.error = outcome.reason;
      }
    }
    if (result.failed > 0) break;
  }
  result.skipped = count - result.succeeded - result.failed;
  return result;
}
