/**
 * Exponential back-off, the one implementation every retry loop uses: `exponentialDelay` for a loop that counts
 * its own failures, `Backoff` for per-key state with the kubelet's expiry rules.
 */

/** Bounds of an exponential back-off: the first delay and the most it grows to. */
export interface DelayBounds {
  initialMs: number;
  maxMs: number;
}

/**
 * The delay after `failures` earlier failures: initialMs × 2^failures, at most maxMs (0 failures: initialMs).
 * Negative counts are taken as 0; the exponent is bounded so a long outage never overflows to Infinity or NaN.
 */
export function exponentialDelay(failures: number, { initialMs, maxMs }: DelayBounds): number {
  return Math.min(initialMs * 2 ** Math.min(Math.max(0, failures), 52), maxMs);
}

/** Per-key back-off (as the kubelet's): by default 10 s doubling to 5 min, forgotten after twice the maximum. */
export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  /** An entry not bumped for this long starts over at `initialMs`. Default 2 × maxMs (10 min), as the kubelet. */
  resetAfterMs?: number;
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
