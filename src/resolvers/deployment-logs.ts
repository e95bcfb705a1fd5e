import { CapstanError, isCapstanError } from '../api/errors.ts';
import type { Pod } from '../api/types.ts';
import { selectorFromLabelSelector } from '../labels/selector.ts';
import type { Store } from '../store/store.ts';
import type { LogLine, LogSource } from './logs.ts';
import { DEFAULT_NAMESPACE } from './objects.ts';
import { watchWithSnapshot, type ClosableIterator } from './watch.ts';

/** One line of one container of one of a Deployment's pods. */
export interface DeploymentLogLine extends LogLine {
  pod: string;
}

export interface DeploymentLogOptions {
  /** Only this container of each pod; default all of them. */
  container?: string;
  /** Keep streaming, and follow the pods created later, until the caller stops iterating. */
  follow: boolean;
  /** Lines of history of each container there at the start (pods that come later are streamed from their start). */
  tailLines?: number;
  /** Takes a followed-stream slot (the logFollows limit) for one container; throws when none is left. */
  acquire?: (what: string) => () => void;
}

/** Lines queued for a slow reader before the containers' streams stop being read. */
const HIGH_WATER_LINES = 1_000;
/**
 * After the Deployment is deleted, how long past its pods' grace period a part may still run: the garbage collector
 * deletes the pods soon after, and pods left behind (an Orphan deletion) would otherwise be followed for ever.
 */
const GONE_MARGIN_MS = 10_000;

/** When a container's current instance started, if it did: only then has it logs to stream. */
function startedAt(pod: Pod, container: string): string | undefined {
  const state = pod.status?.containerStatuses?.find((s) => s.name === container)?.state;
  return state?.running?.startedAt ?? state?.terminated?.startedAt ?? undefined;
}

/**
 * `kubectl logs -f -l SELECTOR --all-containers --prefix`, for a Deployment: the output of every container of every
 * pod its selector matches, interleaved as the lines arrive. Pods that appear later (a rollout, a scale-up) join as
 * their containers start, each from its first line; a pod that is deleted ends its part, and so does a container
 * that stops. Without `follow`, the pods there now, to the end of their logs. When the Deployment is deleted no pod
 * joins any more; the pods followed print until they are deleted (at the latest their grace period plus
 * GONE_MARGIN_MS later), and then the iterator ends (`done`).
 *
 * Throws UNAVAILABLE without a log source, NOT_FOUND for a missing Deployment, INVALID for bad options; the lines'
 * iterator fails with TOO_MANY_REQUESTS when `acquire` refuses a container.
 */
export async function deploymentLogs(
  store: Store,
  logSource: LogSource | undefined,
  ref: { namespace?: string; name: string },
  options: DeploymentLogOptions,
): Promise<ClosableIterator<DeploymentLogLine>> {
  if (!logSource) {
    throw new CapstanError(
      'UNAVAILABLE',
      'container logs come from the node agent, and this server has no log source configured',
    );
  }
  if (options.tailLines !== undefined && (!Number.isInteger(options.tailLines) || options.tailLines < 0)) {
    throw CapstanError.invalid([{ field: 'tailLines', message: 'must be an integer of 0 or more' }]);
  }
  const namespace = ref.namespace ?? DEFAULT_NAMESPACE;
  const deployment = await store.get('Deployment', namespace, ref.name);
  const labelSelector = selectorFromLabelSelector(deployment.spec?.selector, 'spec.selector').toString();
  const pods = watchWithSnapshot(store, 'Pod', { namespace, labelSelector });
  const deployments = watchWithSnapshot(store, 'Deployment', { namespace, fieldSelector: `metadata.name=${ref.name}` });

  const queue: DeploymentLogLine[] = [];
  /** Per pod (by uid): the containers' streams, as the instance followed and a way to end it. */
  const parts = new Map<string, Map<string, { started: string; abort: AbortController; done: boolean }>>();
  let failure: unknown;
  let watching = true;
  /** The Deployment (this uid) is deleted: no pod joins; the stream ends once the pods followed are gone. */
  let gone = false;
  let goneTimer: NodeJS.Timeout | undefined;
  /** The longest grace period of the pods followed, for how long they may print after the Deployment is gone. */
  let graceSeconds = 0;
  let closed = false;
  let wakeReader: (() => void) | undefined;
  let wakeWriters: (() => void)[] = [];
  const wake = (): void => {
    wakeReader?.();
    wakeReader = undefined;
  };
  const room = (): Promise<void> | undefined =>
    queue.length < HIGH_WATER_LINES || closed ? undefined : new Promise((r) => wakeWriters.push(r));

  const endPod = (uid: string): void => {
    for (const part of parts.get(uid)?.values() ?? []) part.abort.abort();
    parts.delete(uid);
  };

  const stream = async (pod: Pod, container: string, tailLines: number | undefined): Promise<void> => {
    const uid = pod.metadata.uid ?? pod.metadata.name;
    const started = startedAt(pod, container)!;
    const abort = new AbortController();
    const part = { started, abort, done: false };
    let release: (() => void) | undefined;
    try {
      if (options.follow && options.acquire) release = options.acquire(`${pod.metadata.name}/${container}`);
    } catch (err) {
      failure ??= err;
      return wake();
    }
    let podParts = parts.get(uid);
    if (!podParts) parts.set(uid, (podParts = new Map()));
    podParts.set(container, part);
    try {
      const source = await logSource.stream(pod, {
        container,
        follow: options.follow,
        tailLines,
        signal: abort.signal,
      });
      const lines = source[Symbol.asyncIterator]();
      // Ending the iteration releases the stream even while it waits for a line (a source may not heed the signal).
      abort.signal.addEventListener('abort', () => void lines.return?.()?.catch(() => undefined), { once: true });
      if (abort.signal.aborted) void lines.return?.();
      for await (const line of { [Symbol.asyncIterator]: () => lines }) {
        if (closed || abort.signal.aborted) break;
        queue.push({ ...line, pod: pod.metadata.name });
        wake();
        await room();
      }
    } catch (err) {
      // A pod that went away (or whose node did) ends its part; anything else ends the whole stream.
      if (!abort.signal.aborted && !isCapstanError(err, 'NOT_FOUND') && !isCapstanError(err, 'UNAVAILABLE')) {
        failure ??= err;
      }
    } finally {
      part.done = true;
      release?.();
      wake();
    }
  };

  const follow = (pod: Pod, snapshot: boolean): void => {
    if (gone) return;
    const uid = pod.metadata.uid ?? pod.metadata.name;
    graceSeconds = Math.max(graceSeconds, pod.spec?.terminationGracePeriodSeconds ?? 30);
    for (const { name } of pod.spec?.containers ?? []) {
      if (options.container !== undefined && name !== options.container) continue;
      const started = startedAt(pod, name);
      const current = parts.get(uid)?.get(name);
      if (!started || (current && (!current.done || current.started === started))) continue;
      void stream(pod, name, snapshot ? options.tailLines : undefined);
    }
  };

  const watch = async (): Promise<void> => {
    let snapshot = true;
    try {
      for await (const delta of pods) {
        if (delta.type === 'BOOKMARK') {
          snapshot = false;
          if (!options.follow) break;
        } else if (delta.type === 'RESYNC') {
          snapshot = true;
        } else if (delta.object && delta.type === 'DELETED') {
          endPod(delta.object.metadata.uid ?? delta.object.metadata.name);
        } else if (delta.object) {
          // A terminating pod still prints during its grace period; its part ends when it is deleted.
          follow(delta.object, snapshot);
        }
      }
    } catch (err) {
      failure ??= err;
    } finally {
      watching = false;
      wake();
    }
  };
  void watch();

  const deploymentGone = (): void => {
    if (gone) return;
    gone = true;
    goneTimer = setTimeout(
      () => {
        for (const uid of [...parts.keys()]) endPod(uid);
        wake();
      },
      graceSeconds * 1000 + GONE_MARGIN_MS,
    );
    goneTimer.unref();
    wake();
  };
  // Only followed streams outlive the Deployment; without follow the pods there now are read to their end.
  const watchDeployment = async (): Promise<void> => {
    let seen = false;
    try {
      for await (const delta of deployments) {
        if (delta.type === 'RESYNC') seen = false;
        else if (delta.type === 'BOOKMARK') {
          if (!seen) deploymentGone();
        } else if (delta.object?.metadata.uid === deployment.metadata.uid) {
          seen = true;
          if (delta.type === 'DELETED') deploymentGone();
        } else if (delta.object && delta.type !== 'DELETED') {
          // Same name, another uid: deleted and created again in between.
          deploymentGone();
        }
        if (gone) break;
      }
    } catch (err) {
      if (!closed) failure ??= err;
      wake();
    }
  };
  if (options.follow) void watchDeployment();

  const running = (): boolean => [...parts.values()].some((p) => [...p.values()].some((part) => !part.done));
  const close = async (): Promise<void> => {
    closed = true;
    clearTimeout(goneTimer);
    for (const uid of [...parts.keys()]) endPod(uid);
    for (const writer of wakeWriters.splice(0)) writer();
    wake();
    await Promise.all([pods.return(), deployments.return()]);
  };

  const iterator: ClosableIterator<DeploymentLogLine> = {
    async next() {
      for (;;) {
        if (failure !== undefined) {
          const err = failure;
          await close();
          throw err;
        }
        const line = queue.shift();
        if (line) {
          if (queue.length < HIGH_WATER_LINES) {
            const writers = wakeWriters;
            wakeWriters = [];
            for (const writer of writers) writer();
          }
          return { done: false, value: line };
        }
        if (closed || ((!watching || gone) && !running())) {
          await close();
          return { done: true, value: undefined };
        }
        await new Promise<void>((resolve) => (wakeReader = resolve));
      }
    },
    async return() {
      await close();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
