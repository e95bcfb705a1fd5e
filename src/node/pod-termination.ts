import { CapstanError, isCapstanError } from '../api/errors.ts';
import type { Pod } from '../api/types.ts';
import { waitOutOfEndpoints } from './endpoint-drain.ts';
import type { SyncContext } from './pod-context.ts';
import type { PodRecord } from './pod-worker.ts';

/** The end of a pod on this node: graceful deletion of one being deleted, clean-up of one gone from the store. */

/**
 * Graceful deletion, in the kubelet's order: out of the Services' endpoints, the app containers stopped with the
 * pod's grace period (SIGTERM, then SIGKILL when it runs out), the pod network released; then the deletion is
 * finished in the store (grace 0) while the stopped containers and the pod's directory are removed.
 *
 * The sandbox is stopped beside the app containers, not after them: it only holds the network namespace, which the
 * app containers' processes keep alive (and networked) until they exit, and its stop is a second engine round that
 * would otherwise follow the slowest app's. Its address is released (CNI DEL) only once every process of the pod
 * has stopped. Each step's duration is logged at debug level (`pod terminated`).
 */
export async function terminatePod(ctx: SyncContext, rec: PodRecord, pod: Pod): Promise<void> {
  ctx.prober.forgetPod(rec.uid);
  const steps = new StepTimer();
  const graceSeconds = pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
  const deadline = Date.parse(pod.metadata.deletionTimestamp ?? '') + graceSeconds * 1000;
  const remaining = Number.isNaN(deadline) ? graceSeconds : Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
  const running = [...rec.containers.values()].filter((c) => c.state === 'running');
  let stopSeconds = remaining;
  if (running.length > 0 && remaining > 0) {
    // Out of every Service's proxies first, within half the grace period (the rest is the app's to shut down).
    const started = Date.now();
    await waitOutOfEndpoints(ctx.store, rec.namespace, rec.sandbox?.podIP, (remaining * 1000) / 2).catch(
      (err: unknown) => ctx.logger.warn({ err, pod: rec.name }, 'cannot check the endpoints before stopping'),
    );
    // What is left of the grace period, in the whole seconds Docker takes (a 50 ms check must not cost a second).
    stopSeconds = Math.max(0, Math.ceil((started + remaining * 1000 - Date.now()) / 1000));
    steps.done('endpoints');
  }
  for (const c of running) ctx.events.record(pod, 'Normal', 'Killing', `Stopping container ${c.name}`);
  const sandbox = rec.sandbox?.state === 'running' ? [rec.sandbox.id] : [];
  await Promise.all([
    ...running.map((c) => ctx.runtime.stopContainer(c.id, stopSeconds)),
    ...sandbox.map((id) => ctx.runtime.stopContainer(id, 0)),
  ]);
  steps.done('stop');
  await ctx.runtime.releasePodNetwork(rec.uid);
  steps.done('network');
  rec.version++;
  // The pod is terminated: its object goes now, the engine's clean-up runs beside (an agent that dies meanwhile
  // removes the containers of a pod that no longer exists when it starts again).
  await Promise.all([
    finishDeletion(ctx, rec).then(() => steps.done('storeDelete')),
    ctx.runtime.removePod(rec.uid).then(() => steps.done('remove')),
  ]);
  rec.containers.clear();
  rec.sandbox = undefined;
  rec.version++;
  ctx.logger.debug({ pod: `${rec.namespace}/${rec.name}`, uid: rec.uid, stepsMs: steps.ms }, 'pod terminated');
}

/** The final delete (grace 0) of a terminated pod, against the pod's current version. */
async function finishDeletion(ctx: SyncContext, rec: PodRecord): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await ctx.store.tryGet('Pod', rec.namespace, rec.name);
    if (!current || current.metadata.uid !== rec.uid) return;
    try {
      await ctx.store.delete('Pod', rec.namespace, rec.name, {
        gracePeriodSeconds: 0,
        resourceVersion: current.metadata.resourceVersion,
      });
      return;
    } catch (err) {
      if (isCapstanError(err, 'NOT_FOUND')) return;
      if (!isCapstanError(err, 'CONFLICT')) throw err;
    }
  }
  throw new CapstanError(
    'CONFLICT',
    `pod ${rec.namespace}/${rec.name} kept changing while its deletion was being finished`,
  );
}

/** Milliseconds from the start to each step's end. */
class StepTimer {
  readonly ms: Record<string, number> = {};
  private readonly start = performance.now();

  done(step: string): void {
    this.ms[step] = Math.round(performance.now() - this.start);
  }
}

/** Removes everything of a pod that is gone from the store (deleted at once, or its namespace removed). */
export async function removeGonePod(ctx: SyncContext, uid: string): Promise<void> {
  ctx.prober.forgetPod(uid);
  ctx.events.forgetPod(uid);
  ctx.backoff.resetPrefix(`${uid}/`);
  ctx.crashBackoff.resetPrefix(`${uid}/`);
  await ctx.runtime.removePod(uid);
}
