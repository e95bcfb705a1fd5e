import type {
  Deployment,
  DeploymentStatus,
  ObjectInput,
  Pod,
  PodTemplateSpec,
  ReplicationController,
} from '../api/types.ts';
import { selectorFromLabelSelector } from '../labels/selector.ts';
import { ensureNewController, maxRevision, revisionOf, type RCRef } from './deployment-revisions.ts';
import { computeDeploymentStatus, isCompleteStatus, resolveFenceposts } from './deployment-status.ts';
import { canonicalJson } from '../util/canonical-json.ts';
import { controllerRef } from './ownership.ts';
import { isPodTerminated } from './pod-state.ts';
import { templatesEqualIgnoringHash } from './pod-template-hash.ts';

/** One write the deployment controller's apply step performs, in plan order. */
export type DeploymentAction =
  | { type: 'createRC'; rc: ObjectInput<ReplicationController> }
  | { type: 'scaleRC'; rc: RCRef; replicas: number }
  /** Set annotations on an RC (revision bookkeeping), keeping its others. */
  | { type: 'annotateRC'; rc: RCRef; annotations: Record<string, string> }
  | { type: 'adoptRC'; rc: RCRef }
  | { type: 'releaseRC'; rc: RCRef }
  | { type: 'deleteRC'; rc: RCRef }
  /** Set annotations on the Deployment (its revision), keeping its others. */
  | { type: 'annotateDeployment'; annotations: Record<string, string> }
  /** Replace the Deployment's pod template (a rollback). */
  | { type: 'updateDeploymentSpec'; template: PodTemplateSpec }
  | { type: 'updateDeploymentStatus'; status: DeploymentStatus };

/** The actions of one deployment sync. */
export interface DeploymentPlan {
  actions: DeploymentAction[];
  /** Re-check then: the progress deadline falls due. */
  requeueAfterMs?: number;
}

export interface DeploymentPlanOptions {
  /**
   * Pods owned by the deployment's RCs. Recreate uses them to wait until old pods have really stopped,
   * terminating ones included (an RC's status.replicas leaves those out). Without them, RC status is used.
   */
  pods?: readonly Pod[];
}

/** A working copy of one RC: what it is, and the replicas the plan wants it at. */
export interface RCState {
  rc: ReplicationController;
  /** Not yet in the store: created by this plan. */
  created: boolean;
  replicas: number;
  available: number;
}

const ref = (rc: ReplicationController): RCRef => ({ name: rc.metadata.name, uid: rc.metadata.uid });

/**
 * Everything a Deployment controller sync does, as actions (after Kubernetes' deployment controller, with
 * ReplicationControllers in place of ReplicaSets). `rcs` are the RCs in the deployment's namespace that match
 * its selector or that it owns, from the cache. One RC per pod template: the "new" RC has the deployment's
 * template, the others are old. Actions, in order: adopt/release, create the new RC, revision bookkeeping,
 * scaling per strategy, cleanup of old RCs beyond revisionHistoryLimit, and the status update.
 */
export function planDeployment(
  d: Deployment,
  rcs: readonly ReplicationController[],
  now: Date,
  options: DeploymentPlanOptions = {},
): DeploymentPlan {
  const actions: DeploymentAction[] = [];
  const owned = claimControllers(d, rcs, actions);
  const spec = d.spec;
  const selector = spec ? selectorFromLabelSelector(spec.selector, 'spec.selector') : undefined;
  // An empty selector would select every pod in the namespace: like Kubernetes, report status and do nothing.
  if (!spec || !selector || selector.isEverything() || d.metadata.deletionTimestamp) {
    withStatus(d, actions, owned.map(toState), undefined, now);
    return { actions };
  }

  const sorted = [...owned].sort(byCreation);
  const existingNew = sorted.find((rc) => rc.spec && templatesEqualIgnoringHash(rc.spec.template, spec.template));
  const old = sorted.filter((rc) => rc !== existingNew).map(toState);
  const newRevision = String(maxRevision(old.map((s) => s.rc)) + 1);
  const recreate = spec.strategy?.type === 'Recreate';
  const replicas = spec.replicas ?? 1;

  // Paused, and Recreate while old pods are still up, must not create the new RC yet.
  const oldRunning = old.some((s) => s.replicas > 0 || oldPodsRunning(s.rc, options.pods));
  const mayCreate = !spec.paused && !(recreate && oldRunning);
  let next = existingNew ? toState(existingNew) : undefined;
  if (next || mayCreate) {
    const initial = recreate ? replicas : newControllerReplicas(d, old, undefined);
    next = ensureNewController(d, next, owned, newRevision, initial, actions);
  }

  if (spec.paused) {
    scalePaused(d, next, old, actions);
  } else if (recreate) {
    for (const s of old) if (s.replicas > 0) scale(s, 0, actions);
    if (next && !oldRunning && next.replicas !== replicas) scale(next, replicas, actions);
  } else if (next) {
    rollNewController(d, next, old, actions);
    rollOldControllers(d, next, old, actions);
  }

  const plan = withStatus(d, actions, next ? [...old, next] : old, next, now);
  if (spec.paused || isCompleteStatus(replicas, plan.status, d)) cleanupOldControllers(d, old, actions);
  return { actions, ...(plan.requeueAfterMs !== undefined ? { requeueAfterMs: plan.requeueAfterMs } : {}) };
}

function oldPodsRunning(rc: ReplicationController, pods: readonly Pod[] | undefined): boolean {
  if (!pods) return (rc.status?.replicas ?? 0) > 0;
  return pods.some((pod) => controllerRef(pod)?.uid === rc.metadata.uid && !isPodTerminated(pod));
}

function claimControllers(
  d: Deployment,
  rcs: readonly ReplicationController[],
  actions: DeploymentAction[],
): ReplicationController[] {
  const selector = d.spec ? selectorFromLabelSelector(d.spec.selector, 'spec.selector') : undefined;
  const usable = selector !== undefined && !selector.isEverything() && !selector.isNothing();
  const owned: ReplicationController[] = [];
  for (const rc of rcs) {
    if (rc.metadata.namespace !== d.metadata.namespace) continue;
    const labels = rc.metadata.labels ?? rc.spec?.template.metadata?.labels;
    const matches = usable && selector.matches(labels);
    const owner = controllerRef(rc);
    if (owner && owner.uid !== d.metadata.uid) continue;
    if (owner) {
      if (matches) owned.push(rc);
      else actions.push({ type: 'releaseRC', rc: ref(rc) });
    } else if (matches && !rc.metadata.deletionTimestamp && !d.metadata.deletionTimestamp) {
      actions.push({ type: 'adoptRC', rc: ref(rc) });
      owned.push(rc);
    }
  }
  return owned;
}

function toState(rc: ReplicationController): RCState {
  return { rc, created: false, replicas: rc.spec?.replicas ?? 1, available: rc.status?.availableReplicas ?? 0 };
}

function byCreation(a: ReplicationController, b: ReplicationController): number {
  const diff = Date.parse(a.metadata.creationTimestamp) - Date.parse(b.metadata.creationTimestamp);
  return diff !== 0 && !Number.isNaN(diff) ? diff : a.metadata.name.localeCompare(b.metadata.name);
}

function scale(s: RCState, replicas: number, actions: DeploymentAction[]): void {
  if (s.replicas === replicas) return;
  s.replicas = replicas;
  if (s.created) {
    // Not in the store yet: fold the new size into the pending create instead of scaling a missing object.
    const create = actions.find((a) => a.type === 'createRC' && a.rc.metadata.name === s.rc.metadata.name);
    if (create?.type === 'createRC' && create.rc.spec) create.rc.spec.replicas = replicas;
    return;
  }
  const existing = actions.find((a) => a.type === 'scaleRC' && a.rc.uid === s.rc.metadata.uid);
  if (existing?.type === 'scaleRC') existing.replicas = replicas;
  else actions.push({ type: 'scaleRC', rc: ref(s.rc), replicas });
}

const sum = (states: readonly RCState[], f: (s: RCState) => number) => states.reduce((n, s) => n + f(s), 0);

/** Kubernetes' NewRSNewReplicas for RollingUpdate: grow the new RC as far as maxSurge allows, up to replicas. */
function newControllerReplicas(d: Deployment, old: readonly RCState[], next: RCState | undefined): number {
  const replicas = d.spec?.replicas ?? 1;
  const current = next?.replicas ?? 0;
  const { maxSurge } = resolveFenceposts(d);
  const total = sum(old, (s) => s.replicas) + current;
  const maxTotal = replicas + maxSurge;
  if (total >= maxTotal) return current;
  return current + Math.max(0, Math.min(maxTotal - total, replicas - current));
}

/** Kubernetes' reconcileNewReplicaSet. */
function rollNewController(d: Deployment, next: RCState, old: RCState[], actions: DeploymentAction[]): void {
  const replicas = d.spec?.replicas ?? 1;
  if (next.replicas === replicas) return;
  scale(next, next.replicas > replicas ? replicas : newControllerReplicas(d, old, next), actions);
}

/**
 * Kubernetes' reconcileOldReplicaSets. Why two steps: first old RCs with unavailable pods shrink (those pods
 * serve nobody, so removing them costs no availability and frees room when a rollout is stuck on a broken old
 * version); then healthy old pods go only as far as maxUnavailable allows, counting the new RC's pods that are
 * not yet available as unavailable.
 */
function rollOldControllers(d: Deployment, next: RCState, old: RCState[], actions: DeploymentAction[]): void {
  if (sum(old, (s) => s.replicas) === 0) return;
  const replicas = d.spec?.replicas ?? 1;
  const { maxUnavailable } = resolveFenceposts(d);
  const minAvailable = replicas - maxUnavailable;
  const all = [...old, next];
  const newUnavailable = next.replicas - next.available;
  const maxScaledDown = sum(all, (s) => s.replicas) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return;

  let cleaned = 0;
  for (const s of old) {
    if (cleaned >= maxScaledDown) break;
    if (s.replicas === 0 || s.replicas <= s.available) continue;
    const down = Math.min(maxScaledDown - cleaned, s.replicas - s.available);
    scale(s, s.replicas - down, actions);
    cleaned += down;
  }

  const available = sum(all, (s) => s.available);
  if (available <= minAvailable) return;
  let budget = available - minAvailable;
  for (const s of old) {
    if (budget <= 0) break;
    if (s.replicas === 0) continue;
    const down = Math.min(s.replicas, budget);
    scale(s, s.replicas - down, actions);
    budget -= down;
  }
}

/**
 * While paused there is no rollout progress, but a change of `replicas` still applies. Kept simple: the
 * difference goes to the newest RC with replicas (the new one when it exists); a scale-down that empties it
 * continues on the next newest.
 */
function scalePaused(d: Deployment, next: RCState | undefined, old: RCState[], actions: DeploymentAction[]): void {
  const all = next ? [...old, next] : [...old];
  let delta = (d.spec?.replicas ?? 1) - sum(all, (s) => s.replicas);
  if (delta === 0 || all.length === 0) return;
  const newestFirst = [...all].reverse();
  if (delta > 0) {
    const target = newestFirst.find((s) => s.replicas > 0) ?? (newestFirst[0] as RCState);
    scale(target, target.replicas + delta, actions);
    return;
  }
  for (const s of newestFirst) {
    if (delta === 0) break;
    const down = Math.min(s.replicas, -delta);
    scale(s, s.replicas - down, actions);
    delta += down;
  }
}

/** Delete the oldest old RCs with no replicas beyond revisionHistoryLimit (Kubernetes' cleanupDeployment). */
function cleanupOldControllers(d: Deployment, old: RCState[], actions: DeploymentAction[]): void {
  const limit = d.spec?.revisionHistoryLimit ?? 10;
  const alive = old.filter((s) => !s.rc.metadata.deletionTimestamp);
  let excess = alive.length - limit;
  if (excess <= 0) return;
  const byRevision = [...alive].sort((a, b) => revisionOf(a.rc) - revisionOf(b.rc) || byCreation(a.rc, b.rc));
  for (const s of byRevision) {
    if (excess <= 0) break;
    const idle = s.replicas === 0 && (s.rc.status?.replicas ?? 0) === 0;
    const observed = (s.rc.status?.observedGeneration ?? 0) >= s.rc.metadata.generation;
    if (!idle || !observed) continue;
    actions.push({ type: 'deleteRC', rc: ref(s.rc) });
    excess--;
  }
}

function withStatus(
  d: Deployment,
  actions: DeploymentAction[],
  states: RCState[],
  next: RCState | undefined,
  now: Date,
): { status: DeploymentStatus; requeueAfterMs?: number } {
  const created = actions.some((a) => a.type === 'createRC');
  const result = computeDeploymentStatus(d, states, next, now, created);
  if (canonicalJson(result.status) !== canonicalJson(d.status ?? {})) {
    actions.push({ type: 'updateDeploymentStatus', status: result.status });
  }
  return result;
}
