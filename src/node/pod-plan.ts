import type { Pod } from '../api/types.ts';
import type { EventType } from '../events/event-recorder.ts';
import { configProblems, projectedFiles } from './pod-config.ts';
import type { PodConfig, ProjectedFile } from './pod-config.ts';
import type { ContainerInfo } from './runtime.ts';

/**
 * The pure half of a pod's sync. `checkPrerequisites`: may the pod run yet (its claims exist, its config resolves)?
 * `planPod`: desired versus actual, which containers to start, kill or leave, as the kubelet's computePodActions.
 */

/** How often a pod waiting for a missing PersistentVolumeClaim looks again. */
export const CLAIM_RETRY_MS = 2_000;
/** How often a pod waiting for a missing ConfigMap or Secret looks again. */
export const CONFIG_RETRY_MS = 2_000;

/** Why a container is not running this pass, as its status shows it (`state.waiting`). */
export interface Waiting {
  reason: string;
  message?: string;
}

/** An Event the plan records on the pod. */
export interface PlannedEvent {
  type: EventType;
  reason: string;
  message: string;
}

/** What a pass read of the objects the pod needs before it may run: its claims first, then its config. */
export type PrerequisitesRead =
  /** PersistentVolumeClaims the pod mounts that do not exist (its config is not read then). */
  | { kind: 'claimsMissing'; claims: readonly string[] }
  /** The node may not read the pod's ConfigMaps or Secrets (yet): the API's message. */
  | { kind: 'configForbidden'; message: string }
  /** Every claim exists; the ConfigMaps and Secrets the pod refers to (empty when it refers to none). */
  | { kind: 'config'; config: PodConfig };

/** A configMap or secret volume's files, written before the pod's containers are planned. */
export interface ProjectedVolume {
  name: string;
  files: ProjectedFile[];
  /** Secret volumes are on a tmpfs, as the kubelet's: a Secret never reaches the node's disk. */
  medium?: 'Memory';
}

export type Prerequisites =
  /** The pod may run; its projected volumes are (re)written first. */
  | { ready: true; volumes: ProjectedVolume[] }
  /** The pod waits: nothing is started, its status says why, and it looks again after `retryMs`. */
  | { ready: false; message?: string; waiting: Map<string, Waiting>; events: PlannedEvent[]; retryMs: number };

/**
 * Whether the pod may run, from what the pass read. A missing claim holds the whole pod (a FailedMount event and
 * the pod's message); a ConfigMap or Secret reference that is not optional and does not resolve holds the
 * containers that need it with CreateContainerConfigError and the kubelet's message. Both are looked at again
 * every 2 s until they appear. Throws (INVALID) for a volume source no container mounts that does not resolve.
 */
export function checkPrerequisites(pod: Pod, read: PrerequisitesRead): Prerequisites {
  if (read.kind === 'claimsMissing') {
    const names = read.claims.map((m) => `"${m}"`).join(', ');
    const message = `waiting for PersistentVolumeClaim ${names} in namespace ${pod.metadata.namespace ?? 'default'}: it does not exist`;
    const events: PlannedEvent[] = [{ type: 'Warning', reason: 'FailedMount', message }];
    return { ready: false, message, waiting: new Map(), events, retryMs: CLAIM_RETRY_MS };
  }
  if (read.kind === 'configForbidden') {
    return { ready: false, message: read.message, waiting: new Map(), events: [], retryMs: CONFIG_RETRY_MS };
  }
  const problems = configProblems(pod, read.config);
  if (problems.size > 0) {
    const waiting = new Map<string, Waiting>();
    const events: PlannedEvent[] = [];
    for (const [name, message] of problems) {
      waiting.set(name, { reason: 'CreateContainerConfigError', message });
      events.push({ type: 'Warning', reason: 'Failed', message: `Error: ${message}` });
    }
    return { ready: false, waiting, events, retryMs: CONFIG_RETRY_MS };
  }
  const volumes = (pod.spec?.volumes ?? []).flatMap((volume): ProjectedVolume[] => {
    const files = projectedFiles(pod, volume, read.config);
    if (!files) return [];
    return [{ name: volume.name, files, ...(volume.secret ? { medium: 'Memory' as const } : {}) }];
  });
  return { ready: true, volumes };
}

export interface ObservedContainers {
  /** The newest attempt per container name. */
  current: ReadonlyMap<string, ContainerInfo>;
  /** Every app container of the pod, any attempt. */
  all: readonly ContainerInfo[];
  sandbox?: ContainerInfo;
}

export interface PlanInput {
  pod: Pod;
  observed: ObservedContainers;
  /** Spec hash each container should run with. */
  desiredHash: ReadonlyMap<string, string>;
  /** Running containers (by id) whose liveness or startup probe failed. */
  unhealthy: ReadonlyMap<string, 'liveness' | 'startup'>;
  /** The restart back-off of exited containers that are to restart, by name; absent or remainingMs 0: restart now. */
  restartBackoff: ReadonlyMap<string, RestartBackoff>;
}

export interface RestartBackoff {
  /** How long the restart must still wait. */
  remainingMs: number;
  /** The back-off's current delay, shown in the waiting message. */
  delayMs: number;
}

export type ContainerAction =
  /** Create and start a new attempt (after making its image available). */
  | { type: 'start'; name: string; restartCount: number }
  /** Start an attempt that was created but never started (the agent stopped in between). */
  | { type: 'startCreated'; name: string; id: string }
  | { type: 'kill'; name: string; id: string; reason: 'liveness' | 'startup' | 'specChanged' }
  /** An exited container that will be restarted once its back-off has passed (CrashLoopBackOff). */
  | { type: 'backoff'; name: string; remainingMs: number; waiting: Waiting; event: PlannedEvent };

export interface PodPlan {
  /** Create a new sandbox with this attempt number (the old one, if any, is gone or dead). */
  createSandbox?: { attempt: number };
  /** Containers of a dead sandbox to stop before anything is created. */
  killFirst: string[];
  actions: ContainerAction[];
  /** Old attempts and containers no longer in the spec, to remove. */
  remove: string[];
  /** Every container has finished for good: stop the sandbox, which frees the pod's host ports. */
  stopSandbox: boolean;
}

export function shouldRestart(pod: Pod, c: ContainerInfo): boolean {
  const policy = pod.spec?.restartPolicy ?? 'Always';
  if (policy === 'Always') return true;
  if (policy === 'OnFailure') return (c.exitCode ?? 0) !== 0;
  return false;
}

/**
 * Why this order: a pod whose sandbox is gone (killed, or the engine restarted) has lost its network, so every
 * app container must start over in a new sandbox, whatever its own state; otherwise each container is judged
 * alone. A container that finished for good is never restarted, not even for a new sandbox.
 */
export function planPod(input: PlanInput): PodPlan {
  const { pod, observed } = input;
  const terminal = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
  const specNames = new Set((pod.spec?.containers ?? []).map((c) => c.name));
  const plan: PodPlan = { killFirst: [], actions: [], remove: [], stopSandbox: false };
  const keep = new Set<string>();
  for (const name of specNames) {
    const attempts = observed.all
      .filter((c) => c.name === name)
      .sort((a, b) => b.restartCount - a.restartCount || (a.createdAt < b.createdAt ? 1 : -1));
    for (const c of attempts.slice(0, 2)) keep.add(c.id);
  }
  for (const c of observed.all) if (!keep.has(c.id)) plan.remove.push(c.id);

  const finished = (c: ContainerInfo | undefined): boolean =>
    terminal || (c?.state === 'exited' && !shouldRestart(pod, c));
  const sandboxAlive = observed.sandbox?.state === 'running';
  const containers = pod.spec?.containers ?? [];

  if (!sandboxAlive) {
    const toStart = containers.filter((c) => !finished(observed.current.get(c.name)));
    if (toStart.length === 0) return plan;
    plan.createSandbox = { attempt: observed.sandbox ? observed.sandbox.restartCount + 1 : 0 };
    for (const c of observed.all) if (c.state === 'running' && keep.has(c.id)) plan.killFirst.push(c.id);
    for (const c of toStart) {
      const current = observed.current.get(c.name);
      plan.actions.push({ type: 'start', name: c.name, restartCount: current ? current.restartCount + 1 : 0 });
    }
    return plan;
  }

  for (const c of containers) {
    const current = observed.current.get(c.name);
    if (!current) {
      if (!terminal) plan.actions.push({ type: 'start', name: c.name, restartCount: 0 });
      continue;
    }
    if (current.state === 'created') {
      if (!terminal) plan.actions.push({ type: 'startCreated', name: c.name, id: current.id });
      continue;
    }
    if (current.state === 'running') {
      const failed = input.unhealthy.get(current.id);
      if (terminal) plan.actions.push({ type: 'kill', name: c.name, id: current.id, reason: 'specChanged' });
      else if (failed) plan.actions.push({ type: 'kill', name: c.name, id: current.id, reason: failed });
      else if (current.specHash && current.specHash !== input.desiredHash.get(c.name)) {
        plan.actions.push({ type: 'kill', name: c.name, id: current.id, reason: 'specChanged' });
      }
      continue;
    }
    if (finished(current)) continue;
    const backoff = input.restartBackoff.get(c.name);
    if (backoff && backoff.remainingMs > 0) plan.actions.push(crashLoopBackOff(pod, c.name, backoff));
    else plan.actions.push({ type: 'start', name: c.name, restartCount: current.restartCount + 1 });
  }
  const allFinished =
    containers.length > 0 &&
    containers.every(
      (c) => finished(observed.current.get(c.name)) && observed.current.get(c.name)?.state !== 'running',
    );
  plan.stopSandbox = allFinished;
  return plan;
}

/** Waiting in CrashLoopBackOff, with the kubelet's message and event. */
function crashLoopBackOff(pod: Pod, name: string, backoff: RestartBackoff): ContainerAction {
  const { name: podName, namespace = 'default', uid } = pod.metadata;
  const message = `back-off ${backoff.delayMs / 1000}s restarting failed container=${name} pod=${podName}_${namespace}(${uid})`;
  return {
    type: 'backoff',
    name,
    remainingMs: backoff.remainingMs,
    waiting: { reason: 'CrashLoopBackOff', message },
    event: { type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container' },
  };
}
