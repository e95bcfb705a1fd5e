import { isCapstanError } from '../api/errors.ts';
import type { Pod, PodStatus } from '../api/types.ts';
import { canonicalJson } from '../util/canonical-json.ts';
import type { SyncContext, WaitingReasons } from './pod-context.ts';
import type { PodRecord } from './pod-worker.ts';
import { computePodStatus } from './status.ts';
import type { ContainerView } from './status.ts';

/** A pod's status as this node computes it from its containers, written back once a pass when it changed. */

function containerViews(ctx: SyncContext, rec: PodRecord, pod: Pod, waiting: WaitingReasons): ContainerView[] {
  const all = [...rec.containers.values()];
  return (pod.spec?.containers ?? []).map((spec) => {
    const attempts = all
      .filter((c) => c.name === spec.name)
      .sort((a, b) => b.restartCount - a.restartCount || (a.createdAt < b.createdAt ? 1 : -1));
    const [current, previous] = attempts;
    const id = current?.state === 'running' ? current.id : undefined;
    const failure = waiting.get(spec.name);
    return {
      name: spec.name,
      image: spec.image,
      ...(current ? { current } : {}),
      ...(previous ? { previous } : {}),
      ...(failure ? { waiting: failure } : {}),
      ready: id !== undefined && ctx.prober.isReady(id) && ctx.prober.isStarted(id),
      started: id !== undefined && ctx.prober.isStarted(id),
    };
  });
}

/**
 * Writes the pod's status when it changed, retrying on CONFLICT against the freshly read pod. Returns true when
 * the pod had changed underneath (the conflict case): the caller syncs again, since the informer's event for that
 * change may be older than the record by then and be skipped.
 */
export async function reportStatus(ctx: SyncContext, rec: PodRecord, waiting: WaitingReasons): Promise<boolean> {
  let pod = rec.pod;
  let changed = false;
  for (let attempt = 0; pod && attempt < 5; attempt++) {
    const status: PodStatus = computePodStatus({
      pod,
      containers: containerViews(ctx, rec, pod, waiting),
      ...(rec.sandbox ? { sandbox: rec.sandbox } : {}),
      hostIP: ctx.nodeAddress,
      now: new Date().toISOString(),
      ...(rec.message ? { message: rec.message } : {}),
    });
    if (sameStatus(pod.status, status)) return changed;
    try {
      const written = await ctx.store.updateStatus('Pod', { ...pod, status });
      rec.lastWrittenRv = written.metadata.resourceVersion;
      if (!rec.pod || Number(written.metadata.resourceVersion) > Number(rec.pod.metadata.resourceVersion)) {
        rec.pod = written;
      }
      return changed;
    } catch (err) {
      if (isCapstanError(err, 'NOT_FOUND')) return false;
      if (!isCapstanError(err, 'CONFLICT')) throw err;
      const fresh = await ctx.store.tryGet('Pod', rec.namespace, rec.name);
      if (!fresh || fresh.metadata.uid !== rec.uid) return false;
      pod = fresh;
      changed = true;
      if (Number(fresh.metadata.resourceVersion) > Number(rec.pod?.metadata.resourceVersion ?? 0)) rec.pod = fresh;
    }
  }
  return changed;
}

/** Equal apart from times that only move when something else changed (the new status would keep them anyway). */
function sameStatus(a: PodStatus | undefined, b: PodStatus): boolean {
  return a !== undefined && canonicalJson(a) === canonicalJson(b);
}
