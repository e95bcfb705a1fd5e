import type { Pod } from '../api/types.ts';
import { planPod, shouldRestart } from './pod-plan.ts';
import type { ContainerAction } from './pod-plan.ts';
import { crashKey, observed, refreshContainer, specFor } from './pod-context.ts';
import type { SyncContext, WaitingReasons } from './pod-context.ts';
import { reportStatus } from './pod-report.ts';
import { terminatePod } from './pod-termination.ts';
import { podReferences } from '../auth/config-access.ts';
import { isCapstanError } from '../api/errors.ts';
import { configProblems, EMPTY_POD_CONFIG, fetchPodConfig, projectedFiles, type PodConfig } from './pod-config.ts';
import { claimNames } from './pod-spec.ts';
import { createSandbox, ensureImage, startContainer, startCreated } from './pod-steps.ts';
import type { CreatedContainer } from './pod-steps.ts';
import type { PodRecord } from './pod-worker.ts';
import { containerSpecHash } from './runtime.ts';
import type { SandboxInfo } from './runtime.ts';

export type { SyncContext } from './pod-context.ts';

/** How often a pod waiting for a missing PersistentVolumeClaim looks again. */
const CLAIM_RETRY_MS = 2_000;
/** How often a pod waiting for a missing ConfigMap or Secret looks again. */
const CONFIG_RETRY_MS = 2_000;

/** Brings the record up to date with the engine: a listing taken while nothing changed here, then events. */
async function observe(ctx: SyncContext, rec: PodRecord): Promise<void> {
  if (rec.snapshot) {
    const { version, data } = rec.snapshot;
    rec.snapshot = undefined;
    if (version === rec.version) {
      rec.containers = new Map((data?.containers ?? []).map((c) => [c.id, c]));
      rec.sandbox = data?.sandbox;
    }
  }
  const ids = [...rec.refresh];
  rec.refresh.clear();
  await Promise.all(ids.map((id) => refreshContainer(ctx, rec, id)));
}

function sandboxInfo(ctx: SyncContext, rec: PodRecord, pod: Pod): SandboxInfo | undefined {
  const s = rec.sandbox;
  if (!s || s.state !== 'running' || !s.podIP) return undefined;
  return {
    id: s.id,
    uid: rec.uid,
    namespace: rec.namespace,
    name: rec.name,
    node: ctx.nodeName,
    podIP: s.podIP,
    hostIP: ctx.nodeAddress,
    hostPorts: s.hostPorts,
    volumes: pod.spec?.volumes ?? [],
    createdAt: s.createdAt,
  };
}

/**
 * One reconcile pass of a pod on this node: observe, plan, act, report. Returns when to look again (a back-off
 * ending, a claim to re-check), or undefined when only an event will change anything.
 */
export async function syncPod(ctx: SyncContext, rec: PodRecord): Promise<number | undefined> {
  const pod = rec.pod;
  if (!pod) return undefined;
  await observe(ctx, rec);
  if (pod.metadata.deletionTimestamp) {
    await terminatePod(ctx, rec, pod);
    return undefined;
  }
  let requeue: number | undefined;
  const later = (ms: number): void => {
    requeue = requeue === undefined ? ms : Math.min(requeue, ms);
  };
  const waiting: WaitingReasons = new Map();

  const missing = await missingClaims(ctx, pod);
  if (missing.length > 0) {
    rec.message = `waiting for PersistentVolumeClaim ${missing.map((m) => `"${m}"`).join(', ')} in namespace ${rec.namespace}: it does not exist`;
    ctx.events.record(pod, 'Warning', 'FailedMount', rec.message);
    return (await reportStatus(ctx, rec, waiting)) ? 0 : CLAIM_RETRY_MS;
  }
  rec.message = undefined;

  const held = await resolveConfig(ctx, rec, pod, waiting);
  if (held) return (await reportStatus(ctx, rec, waiting)) ? 0 : CONFIG_RETRY_MS;

  const now = Date.now();
  const obs = observed(rec);
  const sandbox = sandboxInfo(ctx, rec, pod);
  const desiredHash = new Map<string, string>();
  if (sandbox) {
    for (const c of pod.spec?.containers ?? [])
      desiredHash.set(c.name, containerSpecHash(specFor(ctx, pod, c, sandbox.podIP, rec.config)));
  }
  const unhealthy = new Map<string, 'liveness' | 'startup'>();
  const backoffMs = new Map<string, number>();
  for (const c of obs.current.values()) {
    const failed = ctx.prober.unhealthy(c.id);
    if (failed && c.state === 'running') unhealthy.set(c.id, failed);
    if (c.state === 'exited' && shouldRestart(pod, c)) {
      const finished = Date.parse(c.finishedAt ?? '') || now;
      backoffMs.set(c.name, ctx.crashBackoff.remainingMs(crashKey(rec.uid, c.name), finished, now));
    }
  }
  const plan = planPod({ pod, observed: obs, desiredHash, unhealthy, backoffMs });

  await Promise.all(plan.remove.map((id) => ctx.runtime.removeContainer(id)));
  for (const id of plan.remove) rec.containers.delete(id);
  if (plan.remove.length > 0) rec.version++;

  const grace = pod.spec?.terminationGracePeriodSeconds ?? 30;
  if (plan.killFirst.length > 0) {
    await Promise.all(plan.killFirst.map((id) => ctx.runtime.stopContainer(id, grace)));
    await Promise.all(plan.killFirst.map((id) => refreshContainer(ctx, rec, id)));
    rec.version++;
  }

  let sb = sandbox;
  const starts = plan.actions.filter((a): a is Extract<ContainerAction, { type: 'start' }> => a.type === 'start');
  // Images are made available while the sandbox starts: the two are independent and both take round trips.
  const images = new Map(starts.map((a) => [a.name, ensureImage(ctx, rec, pod, a.name, waiting, later)]));
  // A sync that fails before awaiting every image must not leave a rejected one unhandled (the awaits still see it).
  for (const image of images.values()) image.catch(() => undefined);
  let created = new Map<string, CreatedContainer>();
  if (plan.createSandbox) {
    ({ sandbox: sb, created } = await createSandbox(ctx, rec, pod, plan.createSandbox.attempt, starts, images, later));
    if (!sb) {
      await Promise.allSettled(images.values());
      if (await reportStatus(ctx, rec, waiting)) later(0);
      return requeue;
    }
  }

  await Promise.all(
    plan.actions.map(async (action) => {
      switch (action.type) {
        case 'start': {
          const image = await images.get(action.name);
          if (!image || !sb) return;
          const container = pod.spec!.containers.find((c) => c.name === action.name)!;
          const early = created.get(action.name);
          if (early) await startCreated(ctx, rec, pod, container, early, action.restartCount, image, waiting, later);
          else await startContainer(ctx, rec, pod, sb, container, action.restartCount, image, waiting, later);
          return;
        }
        case 'startCreated':
          await ctx.runtime.startContainer(action.id);
          await refreshContainer(ctx, rec, action.id);
          rec.version++;
          return;
        case 'kill': {
          const why =
            action.reason === 'specChanged' ? 'its definition changed' : `it failed its ${action.reason} probe`;
          ctx.events.record(
            pod,
            'Normal',
            'Killing',
            `Stopping container ${action.name}: ${why}, it will be restarted`,
          );
          await ctx.runtime.stopContainer(action.id, grace);
          ctx.prober.forget(action.id);
          await refreshContainer(ctx, rec, action.id);
          rec.version++;
          later(0);
          return;
        }
        case 'backoff': {
          const delay = ctx.crashBackoff.delayMs(crashKey(rec.uid, action.name), now) / 1000;
          const message = `back-off ${delay}s restarting failed container=${action.name} pod=${rec.name}_${rec.namespace}(${rec.uid})`;
          waiting.set(action.name, { reason: 'CrashLoopBackOff', message });
          ctx.events.record(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
          later(action.remainingMs);
          return;
        }
      }
    }),
  );
  if (plan.stopSandbox && rec.sandbox?.state === 'running') {
    await ctx.runtime.stopContainer(rec.sandbox.id, 0);
    await refreshContainer(ctx, rec, rec.sandbox.id);
    rec.version++;
  }
  watchProbes(ctx, rec, pod);
  if (await reportStatus(ctx, rec, waiting)) later(0);
  return requeue;
}

/**
 * Reads the ConfigMaps and Secrets the pod refers to and writes its configMap and secret volumes (atomically, so a
 * change reaches running containers' files at the next sync; env stays as the containers started with it). True
 * when the pod is held: a reference that is not optional is missing, and the containers that need it wait with
 * CreateContainerConfigError and the kubelet's reason, retried until it appears.
 */
async function resolveConfig(ctx: SyncContext, rec: PodRecord, pod: Pod, waiting: WaitingReasons): Promise<boolean> {
  if (podReferences(pod).configMaps.size + podReferences(pod).secrets.size === 0) {
    rec.config = EMPTY_POD_CONFIG;
    return false;
  }
  let config: PodConfig;
  try {
    config = await fetchPodConfig(ctx.store, pod);
  } catch (err) {
    // A node may read only what pods bound to it refer to; just after binding the API's cache may not show that yet.
    if (!isCapstanError(err, 'FORBIDDEN')) throw err;
    rec.message = err.message;
    return true;
  }
  rec.config = config;
  const problems = configProblems(pod, config);
  if (problems.size > 0) {
    for (const [name, message] of problems) {
      waiting.set(name, { reason: 'CreateContainerConfigError', message });
      ctx.events.record(pod, 'Warning', 'Failed', `Error: ${message}`);
    }
    return true;
  }
  await Promise.all(
    (pod.spec?.volumes ?? []).map(async (volume) => {
      const files = projectedFiles(pod, volume, config);
      // Secret volumes on a tmpfs, as kubelet: a Secret never reaches the node's disk.
      if (files) {
        await ctx.runtime.writeProjectedVolume(rec.uid, volume.name, files, volume.secret ? { medium: 'Memory' } : {});
      }
    }),
  );
  return false;
}

async function missingClaims(ctx: SyncContext, pod: Pod): Promise<string[]> {
  const names = claimNames(pod);
  if (names.length === 0) return [];
  const namespace = pod.metadata.namespace ?? 'default';
  const claims = await ctx.store.getMany(
    'PersistentVolumeClaim',
    names.map((name) => ({ namespace, name })),
  );
  return names.filter((_, i) => !claims[i]);
}

/** Keeps the prober in step with the pod's running containers. */
function watchProbes(ctx: SyncContext, rec: PodRecord, pod: Pod): void {
  const podIP = rec.sandbox?.podIP;
  const running = new Set<string>();
  const { current } = observed(rec);
  for (const spec of pod.spec?.containers ?? []) {
    const c = current.get(spec.name);
    if (!c || c.state !== 'running' || !podIP) continue;
    running.add(c.id);
    const previous = pod.status?.containerStatuses?.find((s) => s.containerID === `docker://${c.id}`);
    ctx.prober.watch({
      podUid: rec.uid,
      containerId: c.id,
      container: spec,
      podIP,
      startedAtMs: Date.parse(c.startedAt ?? '') || Date.now(),
      ...(previous ? { initial: { ready: previous.ready, started: previous.started ?? previous.ready } } : {}),
    });
  }
  ctx.prober.forgetPod(rec.uid, running);
}
