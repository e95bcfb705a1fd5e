import { isCapstanError } from '../api/errors.ts';
import type { CapstanError } from '../api/errors.ts';
import type { Container, Pod } from '../api/types.ts';
import { crashKey, failureKey, refreshContainer, specFor } from './pod-context.ts';
import type { SyncContext, WaitingReasons } from './pod-context.ts';
import { pullCredentials } from './pod-config.ts';
import { sandboxConfig, usesPodIP } from './pod-spec.ts';
import type { PodRecord } from './pod-worker.ts';
import { ImagePullError, SANDBOX_CONTAINER_NAME } from './runtime.ts';
import type { PreparedSandbox, SandboxInfo, SandboxRef } from './runtime.ts';

/** The steps of starting a pod's containers, each recording its failure for a retry with back-off. */

/** Checks (or reports) the back-off of an earlier failure; true when the step may be tried now. */
function failureAllows(
  ctx: SyncContext,
  rec: PodRecord,
  name: string,
  waiting: WaitingReasons,
  later: (ms: number) => void,
): boolean {
  const failure = rec.failures.get(name);
  if (!failure) return true;
  const remaining = ctx.backoff.remainingMs(failureKey(rec.uid, name), failure.atMs, Date.now());
  if (remaining <= 0) return true;
  const fresh = Date.now() - failure.atMs < 1_000;
  waiting.set(name, { reason: fresh ? failure.reason : failure.backoffReason, message: failure.message });
  // Show the back-off reason shortly after the failure itself, as the kubelet's next sync would.
  later(fresh ? 1_000 : remaining);
  return false;
}

function recordFailure(
  ctx: SyncContext,
  rec: PodRecord,
  name: string,
  failure: { reason: string; backoffReason: string; message: string },
  waiting: WaitingReasons,
  later: (ms: number) => void,
): void {
  const atMs = Date.now();
  ctx.backoff.next(failureKey(rec.uid, name), atMs);
  rec.failures.set(name, { ...failure, atMs });
  waiting.set(name, { reason: failure.reason, message: failure.message });
  later(1_000);
}

export async function ensureImage(
  ctx: SyncContext,
  rec: PodRecord,
  pod: Pod,
  name: string,
  waiting: WaitingReasons,
  later: (ms: number) => void,
): Promise<string | undefined> {
  if (!failureAllows(ctx, rec, name, waiting, later)) return undefined;
  const container = pod.spec?.containers.find((c) => c.name === name);
  if (!container) return undefined;
  try {
    const auth = rec.config ? pullCredentials(pod, container.image, rec.config) : undefined;
    const info = await ctx.runtime.ensureImage(container.image, container.imagePullPolicy ?? 'IfNotPresent', auth);
    ctx.events.record(
      pod,
      'Normal',
      'Pulled',
      info.pulled
        ? `Successfully pulled image "${container.image}"`
        : `Container image "${container.image}" already present on machine`,
    );
    return info.id;
  } catch (err) {
    if (!(err instanceof ImagePullError)) throw err;
    ctx.events.record(pod, 'Warning', 'Failed', `Failed to pull image "${container.image}": ${err.message}`);
    recordFailure(
      ctx,
      rec,
      name,
      {
        reason: err.reason,
        backoffReason: err.reason === 'ErrImagePull' ? 'ImagePullBackOff' : err.reason,
        message: err.message,
      },
      waiting,
      later,
    );
    return undefined;
  }
}

function sandboxFailed(ctx: SyncContext, rec: PodRecord, pod: Pod, err: unknown, later: (ms: number) => void): void {
  if (isCapstanError(err, 'UNAVAILABLE') && /unreachable|aborted/.test(err.message)) throw err;
  const message = `failed to create the pod sandbox: ${(err as Error).message}`;
  ctx.events.record(pod, 'Warning', 'FailedCreatePodSandBox', message);
  recordFailure(
    ctx,
    rec,
    SANDBOX_CONTAINER_NAME,
    { reason: 'SandboxError', backoffReason: 'SandboxError', message },
    new Map(),
    later,
  );
  rec.message = message;
}

async function prepareSandbox(
  ctx: SyncContext,
  rec: PodRecord,
  pod: Pod,
  attempt: number,
  later: (ms: number) => void,
): Promise<PreparedSandbox | undefined> {
  if (!failureAllows(ctx, rec, SANDBOX_CONTAINER_NAME, new Map(), later)) {
    rec.message = rec.failures.get(SANDBOX_CONTAINER_NAME)?.message;
    return undefined;
  }
  try {
    return await ctx.runtime.prepareSandbox(
      sandboxConfig(pod, { name: ctx.nodeName, address: ctx.nodeAddress }, ctx.dns, attempt),
    );
  } catch (err) {
    sandboxFailed(ctx, rec, pod, err, later);
    return undefined;
  }
}

async function startSandbox(
  ctx: SyncContext,
  rec: PodRecord,
  pod: Pod,
  prepared: PreparedSandbox,
  later: (ms: number) => void,
): Promise<SandboxInfo | undefined> {
  const old = rec.sandbox;
  try {
    const info = await ctx.runtime.startSandbox(prepared);
    rec.failures.delete(SANDBOX_CONTAINER_NAME);
    rec.sandbox = {
      id: info.id,
      name: SANDBOX_CONTAINER_NAME,
      podUid: rec.uid,
      podNamespace: rec.namespace,
      podName: rec.name,
      image: '',
      imageId: '',
      state: 'running',
      oomKilled: false,
      startedAt: info.createdAt,
      createdAt: info.createdAt,
      restartCount: prepared.config.attempt ?? 0,
      podIP: info.podIP,
      hostPorts: info.hostPorts,
    };
    rec.version++;
    if (old) void ctx.runtime.removeContainer(old.id).catch(() => undefined);
    return info;
  } catch (err) {
    sandboxFailed(ctx, rec, pod, err, later);
    return undefined;
  }
}

/** An app container created for the pod, or why it could not be (recorded only when it is to be started). */
export type CreatedContainer = { id: string } | { error: CapstanError };

/** The sandbox a sync made, and the app containers created for it by name (absent: not created yet). */
export interface NewSandbox {
  sandbox?: SandboxInfo;
  created: Map<string, CreatedContainer>;
}

/**
 * Creates and starts the pod's sandbox, creating the app containers to start while the sandbox starts: Docker lets
 * a container join the network namespace of one that only exists, so the pod's two container starts then follow
 * each other with nothing in between. A container whose spec needs the pod IP, or whose image is not available,
 * is not created here. When the sandbox cannot start, the containers created for it are removed again.
 */
export async function createSandbox(
  ctx: SyncContext,
  rec: PodRecord,
  pod: Pod,
  attempt: number,
  starts: readonly { name: string; restartCount: number }[],
  images: ReadonlyMap<string, Promise<string | undefined>>,
  later: (ms: number) => void,
): Promise<NewSandbox> {
  const created = new Map<string, CreatedContainer>();
  const prepared = await prepareSandbox(ctx, rec, pod, attempt, later);
  if (!prepared) return { created };
  const early = starts.flatMap(({ name, restartCount }) => {
    const container = pod.spec?.containers.find((c) => c.name === name);
    const image = images.get(name);
    if (!container || !image || usesPodIP(container)) return [];
    const result = image.then((found) =>
      found ? createContainer(ctx, rec, pod, prepared, container, restartCount, '') : undefined,
    );
    return [{ name, result }];
  });
  const [started, ...results] = await Promise.allSettled([
    startSandbox(ctx, rec, pod, prepared, later),
    ...early.map((e) => e.result),
  ]);
  const sandbox = started.status === 'fulfilled' ? started.value : undefined;
  const failed = [started, ...results].find((r) => r.status === 'rejected');
  if (failed || !sandbox) {
    const ids = results.flatMap((r) => (r.status === 'fulfilled' && r.value && 'id' in r.value ? [r.value.id] : []));
    await Promise.all(ids.map((id) => ctx.runtime.removeContainer(id).catch(() => undefined)));
    if (ids.length > 0) rec.version++;
    if (failed) throw failed.reason;
    return { created };
  }
  early.forEach(({ name }, i) => {
    const r = results[i];
    if (r?.status === 'fulfilled' && r.value) created.set(name, r.value);
  });
  return { sandbox, created };
}

async function createContainer(
  ctx: SyncContext,
  rec: PodRecord,
  pod: Pod,
  sandbox: SandboxRef,
  container: Container,
  restartCount: number,
  podIP: string,
): Promise<CreatedContainer> {
  try {
    const spec = specFor(ctx, pod, container, podIP, rec.config);
    const id = await ctx.runtime.createContainer(sandbox, spec, { restartCount });
    rec.version++;
    return { id };
  } catch (err) {
    if (!isCapstanError(err, 'INVALID') && !isCapstanError(err, 'NOT_FOUND')) throw err;
    return { error: err };
  }
}

/** Creates and starts a new attempt of an app container in a running sandbox. */
export async function startContainer(
  ctx: SyncContext,
  rec: PodRecord,
  pod: Pod,
  sandbox: SandboxInfo,
  container: Container,
  restartCount: number,
  imageId: string,
  waiting: WaitingReasons,
  later: (ms: number) => void,
): Promise<void> {
  const created = await createContainer(ctx, rec, pod, sandbox, container, restartCount, sandbox.podIP);
  await startCreated(ctx, rec, pod, container, created, restartCount, imageId, waiting, later);
}

/** Starts an app container created for a running sandbox, or records why it could not be created. */
export async function startCreated(
  ctx: SyncContext,
  rec: PodRecord,
  pod: Pod,
  container: Container,
  created: CreatedContainer,
  restartCount: number,
  imageId: string,
  waiting: WaitingReasons,
  later: (ms: number) => void,
): Promise<void> {
  if ('error' in created) {
    const message = created.error.message;
    ctx.events.record(pod, 'Warning', 'Failed', `Error: ${message}`);
    recordFailure(
      ctx,
      rec,
      container.name,
      { reason: 'CreateContainerConfigError', backoffReason: 'CreateContainerConfigError', message },
      waiting,
      later,
    );
    return;
  }
  const { id } = created;
  ctx.events.record(pod, 'Normal', 'Created', `Created container ${container.name}`);
  if (restartCount > 0) ctx.backoff.next(crashKey(rec.uid, container.name), Date.now());
  try {
    await ctx.runtime.startContainer(id);
    rec.failures.delete(container.name);
    ctx.events.record(pod, 'Normal', 'Started', `Started container ${container.name}`);
  } catch (err) {
    if (isCapstanError(err, 'UNAVAILABLE') && /unreachable|aborted/.test(err.message)) throw err;
    const message = `failed to start container ${container.name}: ${(err as Error).message}`;
    ctx.events.record(pod, 'Warning', 'Failed', `Error: ${message}`);
    await ctx.runtime.removeContainer(id);
    rec.containers.delete(id);
    recordFailure(
      ctx,
      rec,
      container.name,
      { reason: 'RunContainerError', backoffReason: 'CrashLoopBackOff', message },
      waiting,
      later,
    );
    return;
  }
  await refreshContainer(ctx, rec, id);
  const info = rec.containers.get(id);
  if (info && !info.imageId) info.imageId = imageId;
}
