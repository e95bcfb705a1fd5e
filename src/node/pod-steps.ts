import { isCapstanError } from '../api/errors.ts';
import type { Container, Pod } from '../api/types.ts';
import { crashKey, failureKey, refreshContainer, specFor } from './pod-context.ts';
import type { SyncContext, WaitingReasons } from './pod-context.ts';
import { sandboxConfig } from './pod-spec.ts';
import type { PodRecord } from './pod-worker.ts';
import { ImagePullError, SANDBOX_CONTAINER_NAME } from './runtime.ts';
import type { SandboxInfo } from './runtime.ts';

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
    const info = await ctx.runtime.ensureImage(container.image, container.imagePullPolicy ?? 'IfNotPresent');
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

export async function createSandbox(
  ctx: SyncContext,
  rec: PodRecord,
  pod: Pod,
  attempt: number,
  later: (ms: number) => void,
): Promise<SandboxInfo | undefined> {
  const scratch: WaitingReasons = new Map();
  if (!failureAllows(ctx, rec, SANDBOX_CONTAINER_NAME, scratch, later)) {
    rec.message = rec.failures.get(SANDBOX_CONTAINER_NAME)?.message;
    return undefined;
  }
  const old = rec.sandbox;
  try {
    const info = await ctx.runtime.createSandbox(
      sandboxConfig(pod, { name: ctx.nodeName, address: ctx.nodeAddress }, ctx.dns, attempt),
    );
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
      restartCount: attempt,
      podIP: info.podIP,
      hostPorts: info.hostPorts,
    };
    rec.version++;
    if (old) void ctx.runtime.removeContainer(old.id).catch(() => undefined);
    return info;
  } catch (err) {
    if (isCapstanError(err, 'UNAVAILABLE') && /unreachable|aborted/.test(err.message)) throw err;
    const message = `failed to create the pod sandbox: ${(err as Error).message}`;
    ctx.events.record(pod, 'Warning', 'FailedCreatePodSandBox', message);
    recordFailure(
      ctx,
      rec,
      SANDBOX_CONTAINER_NAME,
      { reason: 'SandboxError', backoffReason: 'SandboxError', message },
      scratch,
      later,
    );
    rec.message = message;
    return undefined;
  }
}

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
  let id: string;
  try {
    id = await ctx.runtime.createContainer(sandbox, specFor(ctx, pod, container, sandbox.podIP), { restartCount });
  } catch (err) {
    if (!isCapstanError(err, 'INVALID') && !isCapstanError(err, 'NOT_FOUND')) throw err;
    const message = err.message;
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
  rec.version++;
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
