import type { Pod } from '../api/types.ts';
import { checkPrerequisites, planPod, shouldRestart } from './pod-plan.ts';
import type {
  ContainerAction,
  PlanInput,
  PodPlan,
  Prerequisites,
  PrerequisitesRead,
  ProjectedVolume,
  RestartBackoff,
} from './pod-plan.ts';
import { crashKey, observed, refreshContainer, specFor } from './pod-context.ts';
import type { SyncContext, WaitingReasons } from './pod-context.ts';
import { reportStatus } from './pod-report.ts';
import { terminatePod } from './pod-termination.ts';
import { podReferences } from '../auth/config-access.ts';
import { isCapstanError } from '../api/errors.ts';
import { EMPTY_POD_CONFIG, fetchPodConfig } from './pod-config.ts';
import { claimNames } from './pod-spec.ts';
import { createSandbox, ensureImage, startContainer, startCreated } from './pod-steps.ts';
import type { CreatedContainer } from './pod-steps.ts';
import type { PodRecord } from './pod-worker.ts';
import { containerSpecHash } from './runtime.ts';
import type { SandboxInfo } from './runtime.ts';

export type { SyncContext } from './pod-context.ts';

/** What one pass gathers beside the record: why containers wait (for the status), and when to look again. */
class SyncPass {
  readonly waiting: WaitingReasons = new Map();
  requeueMs: number | undefined;
  /** Asks for another pass within `ms`; the earliest ask wins. */
  readonly later = (ms: number): void => {
    this.requeueMs = this.requeueMs === undefined ? ms : Math.min(this.requeueMs, ms);
  };
}

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
 * One reconcile pass of a pod on this node: observe (the engine, then the pod's claims and config), plan (pure:
 * `checkPrerequisites`, then `planPod`), apply the actions, record the status once. Returns when to look again (a
 * back-off ending, a claim to re-check), or undefined when only an event will change anything. A pod being deleted
 * is terminated instead (pod-termination.ts) and has no status to record.
 */
export async function syncPod(ctx: SyncContext, rec: PodRecord): Promise<number | undefined> {
  const pod = rec.pod;
  if (!pod) return undefined;
  await observe(ctx, rec);
  if (pod.metadata.deletionTimestamp) {
    await terminatePod(ctx, rec, pod);
    return undefined;
  }
  const pass = new SyncPass();
  const prerequisites = checkPrerequisites(pod, await readPrerequisites(ctx, rec, pod));
  if (prerequisites.ready) {
    rec.message = undefined;
    await writeVolumes(ctx, rec, prerequisites.volumes);
    const sandbox = sandboxInfo(ctx, rec, pod);
    const plan = planPod(planInput(ctx, rec, pod, sandbox));
    await applyPlan(ctx, rec, pod, plan, sandbox, pass);
  } else {
    hold(ctx, rec, pod, prerequisites, pass);
  }
  if (await reportStatus(ctx, rec, pass.waiting)) pass.later(0);
  return pass.requeueMs;
}

/**
 * Reads what the pod needs before it may run, in order: its PersistentVolumeClaims, then (all there) the
 * ConfigMaps and Secrets it refers to, kept in the record for its containers' env and image pull credentials.
 */
async function readPrerequisites(ctx: SyncContext, rec: PodRecord, pod: Pod): Promise<PrerequisitesRead> {
  const claims = await missingClaims(ctx, pod);
  if (claims.length > 0) return { kind: 'claimsMissing', claims };
  const refs = podReferences(pod);
  if (refs.configMaps.size + refs.secrets.size === 0) {
    rec.config = EMPTY_POD_CONFIG;
    return { kind: 'config', config: rec.config };
  }
  try {
    rec.config = await fetchPodConfig(ctx.store, pod);
  } catch (err) {
    // A node may read only what pods bound to it refer to; just after binding the API's cache may not show that yet.
    if (!isCapstanError(err, 'FORBIDDEN')) throw err;
    return { kind: 'configForbidden', message: err.message };
  }
  return { kind: 'config', config: rec.config };
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

/** A pod that waits for a claim or its config: its status says why, nothing is started. */
function hold(
  ctx: SyncContext,
  rec: PodRecord,
  pod: Pod,
  held: Extract<Prerequisites, { ready: false }>,
  pass: SyncPass,
): void {
  rec.message = held.message;
  for (const [name, waiting] of held.waiting) pass.waiting.set(name, waiting);
  for (const e of held.events) ctx.events.record(pod, e.type, e.reason, e.message);
  pass.later(held.retryMs);
}

/**
 * Writes the pod's configMap and secret volumes (atomically, so a change reaches running containers' files at the
 * next sync; env stays as the containers started with it).
 */
async function writeVolumes(ctx: SyncContext, rec: PodRecord, volumes: readonly ProjectedVolume[]): Promise<void> {
  await Promise.all(
    volumes.map((v) =>
      ctx.runtime.writeProjectedVolume(rec.uid, v.name, v.files, v.medium ? { medium: v.medium } : {}),
    ),
  );
}

/** The planner's inputs: the record's containers, the spec they should run with, the prober and the back-off. */
function planInput(ctx: SyncContext, rec: PodRecord, pod: Pod, sandbox: SandboxInfo | undefined): PlanInput {
  const now = Date.now();
  const obs = observed(rec);
  const desiredHash = new Map<string, string>();
  if (sandbox) {
    for (const c of pod.spec?.containers ?? [])
      desiredHash.set(c.name, containerSpecHash(specFor(ctx, pod, c, sandbox.podIP, rec.config)));
  }
  const unhealthy = new Map<string, 'liveness' | 'startup'>();
  const restartBackoff = new Map<string, RestartBackoff>();
  for (const c of obs.current.values()) {
    const failed = ctx.prober.unhealthy(c.id);
    if (failed && c.state === 'running') unhealthy.set(c.id, failed);
    if (c.state === 'exited' && shouldRestart(pod, c)) {
      const finished = Date.parse(c.finishedAt ?? '') || now;
      const key = crashKey(rec.uid, c.name);
      restartBackoff.set(c.name, {
        remainingMs: ctx.crashBackoff.remainingMs(key, finished, now),
        delayMs: ctx.crashBackoff.delayMs(key, now),
      });
    }
  }
  return { pod, observed: obs, desiredHash, unhealthy, restartBackoff };
}

/** What the container actions of one pass share: the sandbox, the images being made available, early creations. */
interface ActionContext {
  pod: Pod;
  sandbox: SandboxInfo | undefined;
  images: ReadonlyMap<string, Promise<string | undefined>>;
  created: ReadonlyMap<string, CreatedContainer>;
  graceSeconds: number;
  pass: SyncPass;
}

/**
 * Carries out the plan, in this order: old attempts removed, the containers of a dead sandbox stopped, a new
 * sandbox (when planned) started while the images are made available, then each container's action; last the
 * sandbox of a pod whose containers all finished is stopped, and the prober follows what runs now.
 */
async function applyPlan(
  ctx: SyncContext,
  rec: PodRecord,
  pod: Pod,
  plan: PodPlan,
  sandbox: SandboxInfo | undefined,
  pass: SyncPass,
): Promise<void> {
  await Promise.all(plan.remove.map((id) => ctx.runtime.removeContainer(id)));
  for (const id of plan.remove) rec.containers.delete(id);
  if (plan.remove.length > 0) rec.version++;

  const graceSeconds = pod.spec?.terminationGracePeriodSeconds ?? 30;
  if (plan.killFirst.length > 0) {
    await Promise.all(plan.killFirst.map((id) => ctx.runtime.stopContainer(id, graceSeconds)));
    await Promise.all(plan.killFirst.map((id) => refreshContainer(ctx, rec, id)));
    rec.version++;
  }

  const starts = plan.actions.filter((a): a is Extract<ContainerAction, { type: 'start' }> => a.type === 'start');
  // Images are made available while the sandbox starts: the two are independent and both take round trips.
  const images = new Map(
    starts.map((a) => [a.name, ensureImage(ctx, rec, pod, a.name, pass.waiting, pass.later)] as const),
  );
  // A sync that fails before awaiting every image must not leave a rejected one unhandled (the awaits still see it).
  for (const image of images.values()) image.catch(() => undefined);
  let created = new Map<string, CreatedContainer>();
  if (plan.createSandbox) {
    const attempt = plan.createSandbox.attempt;
    ({ sandbox, created } = await createSandbox(ctx, rec, pod, attempt, starts, images, pass.later));
    if (!sandbox) {
      await Promise.allSettled(images.values());
      return;
    }
  }

  const shared: ActionContext = { pod, sandbox, images, created, graceSeconds, pass };
  await Promise.all(plan.actions.map((action) => applyAction(ctx, rec, action, shared)));
  if (plan.stopSandbox && rec.sandbox?.state === 'running') {
    await ctx.runtime.stopContainer(rec.sandbox.id, 0);
    await refreshContainer(ctx, rec, rec.sandbox.id);
    rec.version++;
  }
  watchProbes(ctx, rec, pod);
}

async function applyAction(
  ctx: SyncContext,
  rec: PodRecord,
  action: ContainerAction,
  { pod, sandbox, images, created, graceSeconds, pass }: ActionContext,
): Promise<void> {
  switch (action.type) {
    case 'start': {
      const image = await images.get(action.name);
      if (!image || !sandbox) return;
      const container = pod.spec!.containers.find((c) => c.name === action.name)!;
      const { restartCount } = action;
      const early = created.get(action.name);
      if (early) {
        await startCreated(ctx, rec, pod, container, early, restartCount, image, pass.waiting, pass.later);
      } else {
        await startContainer(ctx, rec, pod, sandbox, container, restartCount, image, pass.waiting, pass.later);
      }
      return;
    }
    case 'startCreated':
      await ctx.runtime.startContainer(action.id);
      await refreshContainer(ctx, rec, action.id);
      rec.version++;
      return;
    case 'kill': {
      const why = action.reason === 'specChanged' ? 'its definition changed' : `it failed its ${action.reason} probe`;
      ctx.events.record(pod, 'Normal', 'Killing', `Stopping container ${action.name}: ${why}, it will be restarted`);
      await ctx.runtime.stopContainer(action.id, graceSeconds);
      ctx.prober.forget(action.id);
      await refreshContainer(ctx, rec, action.id);
      rec.version++;
      pass.later(0);
      return;
    }
    case 'backoff':
      pass.waiting.set(action.name, action.waiting);
      ctx.events.record(pod, action.event.type, action.event.reason, action.event.message);
      pass.later(action.remainingMs);
      return;
  }
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
