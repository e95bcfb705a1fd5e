import type { Pod } from '../api/types.ts';
import type { ContainerInfo } from './runtime.ts';

/** Desired versus actual for one pod: which containers to start, kill or leave, as the kubelet's computePodActions. */

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
  /** Milliseconds the restart of an exited container (by name) must still wait; absent or 0: may restart now. */
  backoffMs: ReadonlyMap<string, number>;
}

export type ContainerAction =
  /** Create and start a new attempt (after making its image available). */
  | { type: 'start'; name: string; restartCount: number }
  /** Start an attempt that was created but never started (the agent stopped in between). */
  | { type: 'startCreated'; name: string; id: string }
  | { type: 'kill'; name: string; id: string; reason: 'liveness' | 'startup' | 'specChanged' }
  /** An exited container that will be restarted once its back-off has passed. */
  | { type: 'backoff'; name: string; remainingMs: number };

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
    const wait = input.backoffMs.get(c.name) ?? 0;
    if (wait > 0) plan.actions.push({ type: 'backoff', name: c.name, remainingMs: wait });
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
