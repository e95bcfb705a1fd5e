import { isCapstanError } from '../api/errors.ts';
import type { Container, Pod } from '../api/types.ts';
import type { EventRecorder } from '../events/event-recorder.ts';
import type { Store } from '../store/store.ts';
import type { Logger } from '../util/logger.ts';
import type { Backoff } from './backoff.ts';
import type { ObservedContainers, Waiting } from './pod-plan.ts';
import { EMPTY_POD_CONFIG, type PodConfig } from './pod-config.ts';
import { containerSpec } from './pod-spec.ts';
import type { PodDnsOptions } from './pod-spec.ts';
import type { PodRecord } from './pod-worker.ts';
import type { Prober } from './prober.ts';
import { SANDBOX_CONTAINER_NAME } from './runtime.ts';
import type { ContainerInfo, ContainerRuntime, ContainerSpec } from './runtime.ts';

/** What a pod sync works with; shared by the sync steps. */
export interface SyncContext {
  store: Store;
  runtime: ContainerRuntime;
  nodeName: string;
  nodeAddress: string;
  dns: PodDnsOptions;
  prober: Prober;
  /** Image pulls, sandbox and config errors. */
  backoff: Backoff;
  /** Restarts of exited containers (CrashLoopBackOff); kept apart, as the kubelet's, for its own maximum. */
  crashBackoff: Backoff;
  events: EventRecorder;
  logger: Logger;
}

/** Why containers are not running this pass, by container name (image pull, back-off, config errors). */
export type WaitingReasons = Map<string, Waiting>;

export const crashKey = (uid: string, name: string): string => `${uid}/${name}`;
export const failureKey = (uid: string, name: string): string => `${uid}/failure/${name}`;

/** Re-reads one container from the engine into the record (gone: dropped). */
export async function refreshContainer(ctx: SyncContext, rec: PodRecord, id: string): Promise<void> {
  let info: ContainerInfo | undefined;
  try {
    info = await ctx.runtime.inspectContainer(id);
  } catch (err) {
    if (!isCapstanError(err, 'NOT_FOUND')) throw err;
  }
  if (rec.sandbox?.id === id) {
    rec.sandbox = info ? { ...rec.sandbox, ...info } : undefined;
  } else if (info && info.name !== SANDBOX_CONTAINER_NAME) {
    rec.containers.set(id, info);
  } else if (!info) {
    rec.containers.delete(id);
  }
}

/** The record as the planner sees it: the newest attempt per container name. */
export function observed(rec: PodRecord): ObservedContainers {
  const current = new Map<string, ContainerInfo>();
  for (const c of rec.containers.values()) {
    const seen = current.get(c.name);
    if (
      !seen ||
      c.restartCount > seen.restartCount ||
      (c.restartCount === seen.restartCount && c.createdAt > seen.createdAt)
    ) {
      current.set(c.name, c);
    }
  }
  return { current, all: [...rec.containers.values()], ...(rec.sandbox ? { sandbox: rec.sandbox } : {}) };
}

export function specFor(
  ctx: SyncContext,
  pod: Pod,
  c: Container,
  podIP: string,
  config: PodConfig = EMPTY_POD_CONFIG,
): ContainerSpec {
  return containerSpec(pod, c, { podIP, hostIP: ctx.nodeAddress }, config);
}
