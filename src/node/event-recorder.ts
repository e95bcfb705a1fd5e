import { randomBytes } from 'node:crypto';
import { isCapstanError } from '../api/errors.ts';
import type { Event, Pod } from '../api/types.ts';
import type { Store } from '../store/store.ts';
import type { Logger } from '../util/logger.ts';

interface Series {
  name?: string;
  namespace: string;
  count: number;
  /** Occurrences not yet written. */
  pending: number;
  firstTimestamp: string;
  lastTimestamp: string;
  flushTimer?: NodeJS.Timeout;
  writing?: Promise<void>;
}

export interface EventRecorderOptions {
  component?: string;
  host?: string;
  /** Repeats of one event within this window are folded into one count bump. Default 5 s. */
  aggregateWindowMs?: number;
  logger?: Logger;
}

const SERIES_TTL_MS = 10 * 60_000;

function eventName(podName: string): string {
  return `${podName.slice(0, 230)}.${Date.now().toString(16)}${randomBytes(3).toString('hex')}`;
}

/**
 * Pod events (Pulled, Created, Started, Killing, Unhealthy, BackOff, Failed ...) written through the store without
 * ever blocking the caller. The first occurrence is created at once (named `<pod>.<hex time>`); repeats of the same
 * reason and message for the same pod bump that Event's `count` at most once per window, so a crash loop or a
 * failing probe costs a write every few seconds, not one per occurrence.
 */
export class EventRecorder {
  private readonly series = new Map<string, Series>();
  private readonly windowMs: number;
  private readonly inflight = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly options: EventRecorderOptions = {},
  ) {
    this.windowMs = options.aggregateWindowMs ?? 5_000;
  }

  record(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string): void {
    if (this.closed) return;
    const namespace = pod.metadata.namespace ?? 'default';
    const key = `${pod.metadata.uid}\u0000${reason}\u0000${message}`;
    const now = new Date().toISOString();
    const existing = this.series.get(key);
    if (existing && Date.now() - Date.parse(existing.lastTimestamp) < SERIES_TTL_MS) {
      existing.count++;
      existing.pending++;
      existing.lastTimestamp = now;
      existing.flushTimer ??= setTimeout(() => this.flush(key, pod, type, reason, message), this.windowMs).unref();
      return;
    }
    const series: Series = { namespace, count: 1, pending: 1, firstTimestamp: now, lastTimestamp: now };
    this.series.set(key, series);
    this.prune();
    this.track(this.write(series, pod, type, reason, message));
  }

  /** Forgets the series of a pod that is gone. */
  forgetPod(uid: string): void {
    for (const [key, s] of this.series) {
      if (key.startsWith(`${uid}\u0000`)) {
        clearTimeout(s.flushTimer);
        this.series.delete(key);
      }
    }
  }

  /** Stops recording and waits for writes in flight. */
  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.series.values()) clearTimeout(s.flushTimer);
    await Promise.allSettled([...this.inflight]);
  }

  private flush(key: string, pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const s = this.series.get(key);
    if (!s) return;
    s.flushTimer = undefined;
    if (!this.closed) this.track(this.write(s, pod, type, reason, message));
  }

  private track(p: Promise<void>): void {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  private async write(s: Series, pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    await s.writing;
    const pending = s.pending;
    if (pending === 0) return;
    s.pending = 0;
    const writing = (async () => {
      try {
        if (s.name) {
          try {
            await this.store.mutate('Event', s.namespace, s.name, (current) => ({
              ...current,
              count: s.count,
              lastTimestamp: s.lastTimestamp,
            }));
            return;
          } catch (err) {
            // A node credential may only create Events, and the Event may have been removed: start a new one.
            if (!isCapstanError(err, 'FORBIDDEN') && !isCapstanError(err, 'NOT_FOUND')) throw err;
          }
        }
        const created = await this.store.create('Event', {
          kind: 'Event',
          // Kubernetes' naming, `<pod>.<hex time>`; unique enough with a random tail, and no generateName round.
          metadata: { name: eventName(pod.metadata.name), namespace: s.namespace },
          involvedObject: {
            kind: 'Pod',
            name: pod.metadata.name,
            namespace: s.namespace,
            uid: pod.metadata.uid,
            resourceVersion: pod.metadata.resourceVersion,
          },
          reason,
          message,
          type,
          source: {
            component: this.options.component ?? 'capstan-node',
            ...(this.options.host ? { host: this.options.host } : {}),
          },
          count: s.count,
          firstTimestamp: s.firstTimestamp,
          lastTimestamp: s.lastTimestamp,
        } as unknown as Event);
        s.name = created.metadata.name;
      } catch (err) {
        s.pending += pending;
        this.options.logger?.debug({ err, reason, pod: pod.metadata.name }, 'could not record event');
      }
    })();
    s.writing = writing;
    await writing;
  }

  private prune(): void {
    if (this.series.size < 5_000) return;
    const cutoff = Date.now() - SERIES_TTL_MS;
    for (const [key, s] of this.series) {
      if (Date.parse(s.lastTimestamp) < cutoff) {
        clearTimeout(s.flushTimer);
        this.series.delete(key);
      }
    }
  }
}
