import type * as sdk from '../sdk/browser.ts';
import { CliError } from './cli-error.ts';
import { KIND_INFO, notFound, type CliKind } from './kinds.ts';
import { KIND_API, type AnyObject } from './resources.ts';
import type { Session } from './session.ts';

/** Where an object stands on its way to ready: a progress line, and whether it got there (or cannot). */
export interface Readiness {
  done: boolean;
  message: string;
  /** Set when waiting longer cannot help (e.g. the rollout exceeded its progress deadline). */
  failed?: boolean;
}

/** `rollout status` of a Deployment, with kubectl's messages. */
export function deploymentReadiness(d: sdk.DeploymentFieldsFragment): Readiness {
  const name = d.metadata.name;
  const status = d.status;
  if ((status?.observedGeneration ?? 0) < d.metadata.generation) {
    return { done: false, message: 'Waiting for deployment spec update to be observed...' };
  }
  const progressing = status?.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { done: false, failed: true, message: `deployment "${name}" exceeded its progress deadline` };
  }
  const desired = d.spec?.replicas ?? 1;
  const updated = status?.updatedReplicas ?? 0;
  const replicas = status?.replicas ?? 0;
  const available = status?.availableReplicas ?? 0;
  const waiting = `Waiting for deployment "${name}" rollout to finish:`;
  if (updated < desired)
    return { done: false, message: `${waiting} ${updated} out of ${desired} new replicas have been updated...` };
  if (replicas > updated)
    return { done: false, message: `${waiting} ${replicas - updated} old replicas are pending termination...` };
  if (available < updated)
    return { done: false, message: `${waiting} ${available} of ${updated} updated replicas are available...` };
  return { done: true, message: `deployment "${name}" successfully rolled out` };
}

/** When `apply --wait` may stop waiting for an object. */
export function readiness(kind: CliKind, object: AnyObject): Readiness {
  const label = `${KIND_INFO[kind].resource}/${object.metadata.name}`;
  switch (kind) {
    case 'Deployment':
      return deploymentReadiness(object as sdk.DeploymentFieldsFragment);
    case 'ReplicationController': {
      const rc = object as sdk.ReplicationControllerFieldsFragment;
      const desired = rc.spec?.replicas ?? 1;
      const ready = rc.status?.readyReplicas ?? 0;
      const observed = (rc.status?.observedGeneration ?? 0) >= rc.metadata.generation;
      return observed && ready >= desired && (rc.status?.replicas ?? 0) === desired
        ? { done: true, message: `${label}: ${ready} of ${desired} replicas ready` }
        : { done: false, message: `Waiting for ${label}: ${ready} of ${desired} replicas ready...` };
    }
    case 'Pod': {
      const pod = object as sdk.PodFieldsFragment;
      const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      if (ready || pod.status?.phase === 'Succeeded')
        return { done: true, message: `${label} is ${pod.displayStatus}` };
      if (pod.status?.phase === 'Failed')
        return { done: false, failed: true, message: `${label} failed: ${pod.displayStatus}` };
      return { done: false, message: `Waiting for ${label}: ${pod.displayStatus} (${pod.ready} ready)...` };
    }
    default:
      return { done: true, message: `${label} exists` };
  }
}

/**
 * Follows one object through a watch subscription until `check` says done, printing each new progress line.
 * Throws a CliError when the object fails, disappears, or `timeoutMs` passes.
 */
export async function waitUntil(
  session: Session,
  ref: { kind: CliKind; namespace?: string; name: string },
  check: (object: AnyObject) => Readiness,
  timeoutMs: number,
): Promise<void> {
  const label = `${KIND_INFO[ref.kind].resource}/${ref.name}`;
  const stream = KIND_API[ref.kind].watch(session.api(), {
    ...(KIND_INFO[ref.kind].namespaced ? { namespace: ref.namespace ?? session.settings.namespace } : {}),
    fieldSelector: `metadata.name=${ref.name}`,
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void stream.close();
  }, timeoutMs);
  let last = '';
  let seen = false;
  try {
    for await (const event of stream) {
      if (event.type === 'BOOKMARK' && !seen) throw notFound(ref.kind, ref.name);
      if (!event.object) continue;
      seen = true;
      if (event.type === 'DELETED') throw new CliError(`${label} was deleted while waiting for it`);
      const state = check(event.object);
      if (state.message !== last) {
        session.out(state.message);
        last = state.message;
      }
      if (state.failed) throw new CliError(state.message);
      if (state.done) return;
    }
    if (timedOut)
      throw new CliError(
        `timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${label}${last ? ` (${last})` : ''}`,
      );
    throw new CliError(`the watch of ${label} ended before it was ready`);
  } finally {
    clearTimeout(timer);
    await stream.close();
  }
}

/** A duration flag like kubectl's: `90s`, `5m`, `1h`, or plain seconds. */
export function parseDuration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) throw new CliError(`invalid duration "${value}" (use e.g. 30s, 5m, 1h)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Number(match[1]) * unit;
}
