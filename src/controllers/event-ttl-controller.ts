import type { Event } from '../api/types.ts';
import { isCapstanError } from '../api/errors.ts';
import { hasBatchDelete } from '../store/store.ts';
import type { Controller, ControllerContext } from './controller-context.ts';

/** kube-apiserver's `--event-ttl` default: an Event is kept an hour after it was last recorded. */
export const DEFAULT_EVENT_TTL_MS = 3_600_000;

export interface EventTtlOptions {
  /** How long an Event is kept after it was last recorded. Default {@link DEFAULT_EVENT_TTL_MS}. */
  ttlMs?: number;
  /** How often expired Events are looked for. Default a tenth of the TTL, between 1 s and 60 s. */
  sweepMs?: number;
  /** Events read per page of a sweep. Default 500. */
  pageSize?: number;
}

/**
 * When an Event was last recorded: the later of its creation (the server's clock) and its `lastTimestamp` (or
 * `firstTimestamp`), the time its recorder gives when a series is bumped. A recorder's time later than `now` is not
 * believed — an Event must not outlive its TTL by claiming a time to come — and counts as its creation.
 */
export function eventRecordedAt(event: Event, now: number): number {
  const created = Date.parse(event.metadata.creationTimestamp);
  const stated = Date.parse(event.lastTimestamp ?? event.firstTimestamp ?? '');
  const recorded = Number.isFinite(stated) && stated <= now ? stated : -Infinity;
  return Math.max(Number.isFinite(created) ? created : -Infinity, recorded);
}

/** The Events of `events` whose TTL has passed at `now`. An Event without a readable time is kept. */
export function expiredEvents(events: readonly Event[], ttlMs: number, now: number): Event[] {
  return events.filter((event) => {
    const recorded = eventRecordedAt(event, now);
    return Number.isFinite(recorded) && recorded + ttlMs <= now;
  });
}

/**
 * Deletes Events a while after they were last recorded, as kube-apiserver's `--event-ttl` (default one hour) does
 * with etcd leases: without it, every pod's Scheduled, Pulled, Created and Started stayed in Redis and in every read
 * cache for as long as the cluster ran. A sweep reads the Events page by page and deletes the expired ones with
 * their resourceVersion as precondition, so an Event recorded again (its count bumped) since it was read stays.
 */
export class EventTtlController implements Controller {
  readonly name = 'event-ttl-controller';
  private readonly ttlMs: number;
  private readonly sweepMs: number;
  private readonly pageSize: number;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly ctx: ControllerContext,
    options: EventTtlOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_EVENT_TTL_MS;
    this.sweepMs = options.sweepMs ?? Math.min(60_000, Math.max(1_000, this.ttlMs / 10));
    this.pageSize = options.pageSize ?? 500;
  }

  async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const deleted = await this.sweep();
        if (deleted > 0) this.ctx.logger.info({ deleted, ttlMs: this.ttlMs }, 'deleted expired events');
      } catch (err) {
        if (this.stopped) return;
        this.ctx.logger.warn({ err }, 'event TTL sweep failed; retrying at the next sweep');
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.sweepMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  /** One pass over every Event; answers how many it deleted. */
  async sweep(): Promise<number> {
    const { store } = this.ctx;
    let deleted = 0;
    let continueToken: string | undefined;
    do {
      if (this.stopped) break;
      const page = await store.list('Event', { limit: this.pageSize, continue: continueToken });
      continueToken = page.continue;
      const expired = expiredEvents(page.items, this.ttlMs, Date.now());
      if (expired.length === 0) continue;
      if (hasBatchDelete(store)) {
        deleted += (await store.deleteBatch('Event', expired)).written;
        continue;
      }
      for (const event of expired) {
        try {
          await store.delete('Event', event.metadata.namespace, event.metadata.name, {
            resourceVersion: event.metadata.resourceVersion,
          });
          deleted++;
        } catch (err) {
          if (!isCapstanError(err, 'NOT_FOUND') && !isCapstanError(err, 'CONFLICT')) throw err;
        }
      }
    } while (continueToken);
    return deleted;
  }
}
