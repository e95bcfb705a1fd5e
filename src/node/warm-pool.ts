import { CapstanError } from '../api/errors.ts';
import { logger as rootLogger } from '../util/logger.ts';

/**
 * A node's warm pool: sandboxes that already run and are wired into the pod network (CNI ADD done), kept ready so
 * that a new pod starts only its app containers. The pool is sized from recent demand (the sandboxes asked for
 * since the node was last idle), bounded by `maxSize`, filled only while the node has at most `fillBesides` pod
 * container operations in flight (a refill must not compete with a burst of the pods it is meant to speed up, but
 * pods started one after another would otherwise leave it no gap to refill in, and each one after the pool ran dry
 * paid for a cold sandbox), and drained once the node has neither asked for a sandbox nor had pod work in flight for
 * `idleMs`.
 * The runtime owns the containers; this holds the policy.
 */

export interface WarmPoolOptions {
  /** Upper bound of ready sandboxes; 0 disables the pool. */
  maxSize: number;
  /** A pool with no demand for this long is drained. Default 60 s. */
  idleMs?: number;
  /** Sandboxes made at once while filling. Default 2. */
  fillConcurrency?: number;
  /** The pool fills while at most this many pod container operations are in flight. Default 2 (one pod starting). */
  fillBesides?: number;
}

export interface WarmSandbox {
  id: string;
  podIP: string;
  createdAt: string;
}

export interface WarmPoolHooks {
  create(): Promise<WarmSandbox>;
  remove(sandbox: WarmSandbox): Promise<void>;
  /** Pod container operations (creates, starts, stops, removals) in flight on the node. */
  inFlight(): number;
}

export const DEFAULT_WARM_POOL_IDLE_MS = 60_000;
/** See `WarmPoolOptions.fillBesides`: a pod starting has its sandbox and app container calls in flight at once. */
export const DEFAULT_FILL_BESIDES = 2;
const TICK_MS = 250;

const log = rootLogger.child({ component: 'warm-pool' });

/**
 * How many ready sandboxes to keep: the sandboxes asked for in the current busy period, at most `maxSize`; none once
 * the node has been idle (no request, no pod work) for `idleMs` since `lastActivity`. Pure.
 */
export function warmPoolTarget(
  demand: { requests: number; lastActivity: number },
  now: number,
  idleMs: number,
  maxSize: number,
): number {
  if (now - demand.lastActivity >= idleMs) return 0;
  return Math.max(0, Math.min(maxSize, demand.requests));
}

export class WarmPool {
  private readonly ready: WarmSandbox[] = [];
  private requests = 0;
  private lastActivity = Number.NEGATIVE_INFINITY;
  private filling = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly pending = new Set<Promise<unknown>>();
  readonly maxSize: number;
  readonly idleMs: number;
  private readonly fillConcurrency: number;
  private readonly fillBesides: number;

  constructor(
    private readonly hooks: WarmPoolHooks,
    options: WarmPoolOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.maxSize = Math.max(0, Math.floor(options.maxSize));
    this.idleMs = options.idleMs ?? DEFAULT_WARM_POOL_IDLE_MS;
    this.fillConcurrency = options.fillConcurrency ?? 2;
    this.fillBesides = options.fillBesides ?? DEFAULT_FILL_BESIDES;
  }

  start(): void {
    if (this.timer || this.maxSize === 0) return;
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  /** A ready sandbox for a new pod, or undefined (then the pod starts a sandbox of its own); counts as demand. */
  take(): WarmSandbox | undefined {
    if (this.stopped || this.maxSize === 0) return undefined;
    const now = this.now();
    if (now - this.lastActivity >= this.idleMs) this.requests = 0;
    this.requests++;
    this.lastActivity = now;
    return this.ready.shift();
  }

  /**
   * A sandbox of a terminated pod offered back (see `DockerRuntime.recycleSandbox`): kept as a ready one while the
   * pool is below its target (the current demand), so the engine neither stops it now nor starts another for the
   * refill. False when the pool does not want it; the caller removes it then.
   */
  giveBack(sandbox: WarmSandbox): boolean {
    if (this.stopped || this.ready.length + this.filling >= this.target()) return false;
    this.ready.push(sandbox);
    return true;
  }

  /** Whether `giveBack` would keep a sandbox now, with `promised` more already on their way back. */
  wantsMore(promised = 0): boolean {
    return !this.stopped && this.ready.length + this.filling + promised < this.target();
  }

  get size(): number {
    return this.ready.length;
  }

  /** Ids of the ready sandboxes (not pods: the listing of pod containers leaves them out). */
  ids(): ReadonlySet<string> {
    return new Set(this.ready.map((s) => s.id));
  }

  target(): number {
    return warmPoolTarget(
      { requests: this.requests, lastActivity: this.lastActivity },
      this.now(),
      this.idleMs,
      this.maxSize,
    );
  }

  /** One step of filling or draining; exposed for tests, normally run by the timer. */
  tick(): void {
    if (this.stopped) return;
    const inFlight = this.hooks.inFlight();
    const busy = inFlight > 0;
    // Pod work in flight keeps the period going: a burst that takes longer than idleMs to start is still demand.
    // So does the pool's own filling: the idle time starts once the pool has reached its size.
    if ((busy || this.filling > 0) && this.requests > 0) this.lastActivity = this.now();
    const target = this.target();
    if (target === 0) this.requests = 0;
    while (this.ready.length > target) this.track(this.removeOne(this.ready.pop()!));
    if (inFlight > this.fillBesides) return;
    while (this.ready.length + this.filling < target && this.filling < this.fillConcurrency) {
      this.filling++;
      this.track(
        this.hooks
          .create()
          .then(async (sandbox) => {
            if (this.stopped) await this.removeOne(sandbox);
            else this.ready.push(sandbox);
          })
          .catch((err: unknown) => log.warn({ err }, 'could not make a warm sandbox'))
          .finally(() => this.filling--),
      );
    }
  }

  private track(p: Promise<unknown>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private async removeOne(sandbox: WarmSandbox): Promise<void> {
    await this.hooks.remove(sandbox).catch((err: unknown) => log.warn({ err, sandbox: sandbox.id }, 'removal failed'));
  }

  /** Stops filling and removes every ready sandbox (their addresses released); waits for fills in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    const left = this.ready.splice(0);
    await Promise.all(left.map((s) => this.removeOne(s)));
  }
}

export const DEFAULT_WARM_POOL_SIZE = 16;

/**
 * The pool settings of `capstan up` and `capstan node`: CAPSTAN_WARM_POOL (most ready sandboxes per node, default
 * 16, 0 disables the pool) and CAPSTAN_WARM_POOL_IDLE_S (seconds without demand before it is drained, default 60).
 */
export function warmPoolFromEnv(env: NodeJS.ProcessEnv = process.env): WarmPoolOptions {
  const read = (name: string, fallback: number, min: number): number => {
    const text = env[name];
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > 1000) {
      throw new CapstanError('INVALID', `${name}=${JSON.stringify(text)} must be an integer from ${min} to 1000`);
    }
    return value;
  };
  return {
    maxSize: read('CAPSTAN_WARM_POOL', DEFAULT_WARM_POOL_SIZE, 0),
    idleMs: read('CAPSTAN_WARM_POOL_IDLE_S', DEFAULT_WARM_POOL_IDLE_MS / 1000, 1) * 1000,
  };
}
