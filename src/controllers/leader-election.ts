import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { logger as rootLogger, type Logger } from '../util/logger.ts';

export interface LeaderElectionOptions {
  /** How long a lease lasts without renewal; a follower takes over at most this long after the leader died. */
  leaseDurationMs?: number;
  /** How often the leader renews. Default 5 s. */
  renewIntervalMs?: number;
  /** How often a follower tries to acquire (it also wakes up just as the current lease would expire). Default 2 s. */
  retryIntervalMs?: number;
}

export interface LeaderCallbacks {
  /** Called when this process becomes leader. */
  onStartedLeading(): void;
  /** Called at once when leadership is lost or given up; controllers must stop acting. */
  onStoppedLeading(): void;
}

/** Holder identity of this process: `hostname-pid-random`, unique even for two managers in one process. */
export function defaultIdentity(): string {
  return `${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

// Compare-and-extend: only the holder may renew. Compare-and-delete: only the holder may release.
const RENEW_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/**
 * Leader election on one Redis key, after client-go's leaderelection: the leader holds `key` (value: its identity)
 * with a TTL of the lease duration, set with SET NX PX and renewed by a Lua compare-and-extend.
 *
 * Why stop on the first failed renewal that says "not yours", but tolerate errors for a while: a reply saying
 * another identity holds the key (or nobody does) means a follower may already be acting, so acting on is a
 * split brain. A Redis error says nothing about the key; the lease is still ours until it expires, so the
 * leader keeps trying and gives up only once two thirds of the lease have passed since the last renewal
 * (client-go's renewDeadline), leaving a margin before a follower can acquire it.
 */
export class LeaderElector {
  private readonly leaseDurationMs: number;
  private readonly renewIntervalMs: number;
  private readonly retryIntervalMs: number;
  private leading = false;
  private stopped = false;
  private lastRenewMs = 0;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly redis: Redis,
    readonly key: string,
    readonly identity: string,
    private readonly callbacks: LeaderCallbacks,
    options: LeaderElectionOptions = {},
    private readonly logger: Logger = rootLogger,
  ) {
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewIntervalMs = options.renewIntervalMs ?? Math.max(1, Math.floor(this.leaseDurationMs / 3));
    this.retryIntervalMs = options.retryIntervalMs ?? Math.min(2_000, this.renewIntervalMs);
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops campaigning; a leader releases the key so a follower takes over without waiting for expiry. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    if (this.leading) {
      this.setLeading(false);
      try {
        await this.redis.eval(RELEASE_SCRIPT, 1, this.key, this.identity);
      } catch (err) {
        this.logger.warn({ err }, 'could not release the leader lease; it expires by itself');
      }
    }
  }

  /** The identity holding the lease now, if any. */
  async holder(): Promise<string | undefined> {
    return (await this.redis.get(this.key)) ?? undefined;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const delay = this.leading ? await this.renew() : await this.tryAcquire();
      if (this.stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private async tryAcquire(): Promise<number> {
    try {
      const acquired = await this.redis.set(this.key, this.identity, 'PX', this.leaseDurationMs, 'NX');
      if (acquired === 'OK' || (await this.extend())) {
        this.lastRenewMs = Date.now();
        this.setLeading(true);
        return this.renewIntervalMs;
      }
      // Wake up right when the current lease would run out rather than up to a retry interval later.
      const ttl = await this.redis.pttl(this.key);
      return ttl > 0 ? Math.min(this.retryIntervalMs, ttl + 5) : 5;
    } catch (err) {
      this.logger.warn({ err }, 'leader election: cannot reach Redis');
      return this.retryIntervalMs;
    }
  }

  private async renew(): Promise<number> {
    try {
      if (await this.extend()) {
        this.lastRenewMs = Date.now();
        return this.renewIntervalMs;
      }
      this.logger.warn({ key: this.key }, 'leader lease lost to another holder');
      this.setLeading(false);
      return this.retryIntervalMs;
    } catch (err) {
      if (Date.now() - this.lastRenewMs > (this.leaseDurationMs * 2) / 3) {
        this.logger.error({ err }, 'could not renew the leader lease in time: stepping down');
        this.setLeading(false);
        return this.retryIntervalMs;
      }
      return Math.min(this.renewIntervalMs, 500);
    }
  }

  private async extend(): Promise<boolean> {
    const result = await this.redis.eval(RENEW_SCRIPT, 1, this.key, this.identity, String(this.leaseDurationMs));
    return Number(result) === 1;
  }

  private setLeading(leading: boolean): void {
    if (leading === this.leading) return;
    this.leading = leading;
    this.logger.info({ identity: this.identity, key: this.key }, leading ? 'became leader' : 'stopped leading');
    try {
      if (leading) this.callbacks.onStartedLeading();
      else this.callbacks.onStoppedLeading();
    } catch (err) {
      this.logger.error({ err }, 'leader election callback failed');
    }
  }
}
