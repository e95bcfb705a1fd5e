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
 *
 * A warm sandbox (one the pod took from the node's warm pool) the pool wants back is not stopped: once the apps
 * have stopped it leaves the pod with its address and goes back to the pool when the pod is gone from the store, so
 * a scale-down stops one engine container per pod, and the refill need not start a sandbox for it (see
 * `DockerRuntime.recycleSandbox` for what makes a netns reusable).
 */
export async function terminatePod(ctx: SyncContext, rec: PodRecord, pod: Pod): Promise<void> {
  ctx.prober.forgetPod(rec.uid);
  const steps = new StepTimer();
  const graceSeconds = pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
  const requestedAt = Date.parse(pod.metadata.deletionTimestamp ?? '');
  let deadlineMs = (Number.isNaN(requestedAt) ? Date.now() : requestedAt) + graceSeconds * 1000;
  // What is left of the grace period, in the whole seconds Docker takes (a 50 ms check must not cost a second).
  const secondsLeft = (): number => Math.max(0, Math.ceil((deadlineMs - Date.now()) / 1000));
  const running = [...rec.containers.values()].filter((c) => c.state === 'running');
  const cut = new Signal();
  const abandoned = new Signal();
  let stopping = false;
  const extraStops: Promise<void>[] = [];
  let recycle = false;
  rec.termination = {
    shorten: (seconds) => {
      const at = Date.now() + Math.max(0, seconds) * 1000;
      if (at >= deadlineMs) return;
      deadlineMs = at;
      cut.fire();
      // Stops already sent wait for the old grace period: a second one with the new one ends them sooner.
      if (stopping) {
        const left = secondsLeft();
        for (const c of running) {
          extraStops.push(
            ctx.runtime
              .stopContainer(c.id, left)
              .catch((err: unknown) => ctx.logger.warn({ err, pod: rec.name }, 'cannot cut a container’s stop short')),
          );
        }
      }
    },
    abandon: () => abandoned.fire(),
  };
  try {
    const remaining = secondsLeft();
    if (running.length > 0 && remaining > 0) {
      // Out of every Service's proxies first, within half the grace period (the rest is the app's to shut down).
      const drained = waitOutOfEndpoints(ctx.store, rec.namespace, rec.sandbox?.podIP, (remaining * 1000) / 2).catch(
        (err: unknown) => ctx.logger.warn({ err, pod: rec.name }, 'cannot check the endpoints before stopping'),
      );
      await Promise.race([drained, cut.fired, abandoned.fired]);
      steps.done('endpoints');
    }
    if (abandoned.done) return;
    for (const c of running) ctx.events.record(pod, 'Normal', 'Killing', `Stopping container ${c.name}`);
    // A warm sandbox the pool wants back keeps running: only the apps are stopped (see recycleSandbox).
    recycle = ctx.runtime.mayRecycleSandbox?.(rec.uid) ?? false;
    const sandbox = rec.sandbox?.state === 'running' && !recycle ? [rec.sandbox.id] : [];
    stopping = true;
    const stops = Promise.all([
      ...running.map((c) => ctx.runtime.stopContainer(c.id, secondsLeft())),
      ...sandbox.map((id) => ctx.runtime.stopContainer(id, 0)),
    ]);
    await Promise.race([stops, abandoned.fired]);
    if (abandoned.done) {
      stops.catch(() => undefined);
      return;
    }
    await Promise.all(extraStops);
    steps.done('stop');
  } finally {
    rec.termination = undefined;
  }
  const recycled = recycle && ((await ctx.runtime.recycleSandbox?.(rec.uid)) ?? false);
  // Not recycled after all: releasePodNetwork stops the sandbox first.
  if (!recycled) await ctx.runtime.releasePodNetwork(rec.uid);
  steps.done('network');
  rec.version++;
  // The pod is terminated: its object goes now, the engine's clean-up runs beside (an agent that dies meanwhile
  // removes the containers of a pod that no longer exists when it starts again). A recycled sandbox goes back to
  // the pool only after both: until the pod is gone from the store its address is the pod's.
  let gone = false;
  try {
    await Promise.all([
      finishDeletion(ctx, rec).then(() => steps.done('storeDelete')),
      ctx.runtime.removePod(rec.uid).then(() => steps.done('remove')),
    ]);
    gone = true;
  } finally {
    if (recycled) await ctx.runtime.returnSandbox?.(rec.uid, gone);
  }
  rec.containers.clear();
  rec.sandbox = undefined;
  rec.version++;
  ctx.logger.debug({ pod: `${rec.namespace}/${rec.name}`, uid: rec.uid, stepsMs: steps.ms }, 'pod terminated');
}

/** A one-shot event to race against. */
class Signal {
  done = false;
  readonly fired: Promise<void>;
  private resolve!: () => void;

  constructor() {
    this.fired = new Promise((resolve) => (this.resolve = resolve));
  }

  fire(): void {
    this.done = true;
    this.resolve();
  }
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
