/** Back-off of the kubelet: 10 s doubling to 5 min, forgotten once nothing went wrong for twice the maximum. */
export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  /** An entry not bumped for this long starts over at `initialMs`. Default 2 × maxMs (10 min), as the kubelet. */
  resetAfterMs?: number;
}

/** The kubelet's bounds for `crashLoopBackOff.maxContainerRestartPeriod`: 1 s to 300 s. */
export const MAX_CONTAINER_RESTART_PERIOD_RANGE_MS = { min: 1_000, max: 300_000 } as const;

/**
 * The container restart back-off of a node whose operator set `maxContainerRestartPeriod` (kubelet's
 * KubeletCrashLoopBackOffMax, KEP-4603): the delay doubles from 10 s up to that maximum, the initial delay clamped
 * down to it when it is lower; a container that ran 10 minutes starts over (the kubelet hard-codes the 600 s, it
 * does not follow the maximum). Without a maximum: 10 s doubling to 5 min.
 */
export function crashLoopBackOff(maxContainerRestartPeriodMs?: number): BackoffOptions {
  const maxMs = maxContainerRestartPeriodMs ?? 300_000;
  const { min, max } = MAX_CONTAINER_RESTART_PERIOD_RANGE_MS;
  if (!(maxMs >= min && maxMs <= max)) {
    throw new RangeError(`maxContainerRestartPeriod must be between 1s and 300s, not ${maxMs / 1000}s`);
  }
  return { initialMs: Math.min(10_000, maxMs), maxMs, resetAfterMs: 600_000 };
}

interface Entry {
  delayMs: number;
  lastUpdateMs: number;
}

/**
 * Per-key exponential back-off with the kubelet's semantics (client-go `flowcontrol.Backoff`): the first retry of
 * a key is immediate; `next` records a retry and grows the delay for the one after; `remainingMs` says how long a
 * failure at `eventMs` must still wait. A crash-looping container is therefore restarted at once the first time,
 * then after 10 s, 20 s, 40 s ... 5 min; after 10 min of running the next crash is again restarted at once.
 */
export class Backoff {
  private readonly entries = new Map<string, Entry>();
  readonly initialMs: number;
  readonly maxMs: number;
  readonly resetAfterMs: number;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 10_000;
    this.maxMs = options.maxMs ?? 300_000;
    this.resetAfterMs = options.resetAfterMs ?? 2 * this.maxMs;
  }

  /** Milliseconds before `key` may be retried after a failure at `eventMs`; 0 when it may be retried now. */
  remainingMs(key: string, eventMs: number, nowMs: number): number {
    // As the kubelet's HasExpiredFunc: whether the entry expired is judged at the failure (how long it ran).
    const entry = this.live(key, eventMs);
    if (!entry) return 0;
    return Math.max(0, entry.delayMs - (nowMs - eventMs));
  }

  /** Records a retry of `key` at `nowMs`: the delay doubles (up to the maximum), or starts over when it expired. */
  next(key: string, nowMs: number): number {
    const entry = this.live(key, nowMs);
    const delayMs = entry ? Math.min(entry.delayMs * 2, this.maxMs) : this.initialMs;
    this.entries.set(key, { delayMs, lastUpdateMs: nowMs });
    return delayMs;
  }

  /** The delay a failure of `key` currently waits out (0 when the key has no live entry). */
  delayMs(key: string, nowMs: number): number {
    return this.live(key, nowMs)?.delayMs ?? 0;
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets every key starting with `prefix` (e.g. all keys of one pod). */
  resetPrefix(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  private live(key: string, nowMs: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && nowMs - entry.lastUpdateMs > this.resetAfterMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
}
