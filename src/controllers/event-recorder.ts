import { randomBytes } from 'node:crypto';
import { isCapstanError } from '../api/errors.ts';
import { isNamespaced, type Event, type Kind, type KubeObject } from '../api/types.ts';
import type { Store } from '../store/store.ts';
import { logger as rootLogger, type Logger } from '../util/logger.ts';

export type EventType = 'Normal' | 'Warning';

/** Who reports an event: `scheduler`, `replication-controller`, a node agent (`host` = node name), ... */
export interface EventSource {
  component: string;
  host?: string;
}

/** The object an event is about; a full object or just enough to name it. */
export type InvolvedObject = Pick<KubeObject, 'kind' | 'metadata'> | Event['involvedObject'];

/** Kubernetes' correlator window: a repeat within it bumps the existing event's count instead of adding one. */
export const EVENT_AGGREGATION_WINDOW_MS = 10 * 60 * 1000;
const CACHE_LIMIT = 4096;

interface Seen {
  namespace: string;
  name: string;
  lastMs: number;
}

// Per store, so two clusters (tests on their own prefixes) never bump each other's events.
const caches = new WeakMap<Store, Map<string, Seen>>();

function involvedRef(object: InvolvedObject): Event['involvedObject'] {
  if (!('metadata' in object)) return object;
  const ref: Event['involvedObject'] = { kind: object.kind, name: object.metadata.name };
  if (object.metadata.namespace) ref.namespace = object.metadata.namespace;
  if (object.metadata.uid) ref.uid = object.metadata.uid;
  if (object.metadata.resourceVersion) ref.resourceVersion = object.metadata.resourceVersion;
  return ref;
}

/**
 * Records an Event about `involvedObject` (named `<object name>.<time><random>` as Kubernetes names them, in the object's namespace; events of
 * cluster-scoped objects such as Nodes go to `default`, as in Kubernetes). The same object, reason and message
 * again within 10 minutes bumps `count` and `lastTimestamp` of the existing event instead of adding one.
 *
 * Never fails the caller: events are a diagnostic side channel, so a failed write is logged and dropped.
 */
export async function recordEvent(
  store: Store,
  involvedObject: InvolvedObject,
  type: EventType,
  reason: string,
  message: string,
  source: EventSource,
  log: Logger = rootLogger,
): Promise<void> {
  const involved = involvedRef(involvedObject);
  const namespace = involved.namespace && isNamespaced(involved.kind as Kind) ? involved.namespace : 'default';
  let cache = caches.get(store);
  if (!cache) caches.set(store, (cache = new Map()));
  const key = [involved.kind, namespace, involved.name, involved.uid ?? '', reason, message, source.component].join(
    '\u0000',
  );
  const now = new Date();
  try {
    const seen = cache.get(key);
    if (seen && now.getTime() - seen.lastMs < EVENT_AGGREGATION_WINDOW_MS) {
      seen.lastMs = now.getTime();
      try {
        await store.mutate('Event', seen.namespace, seen.name, (event) => ({
          ...event,
          count: (event.count ?? 1) + 1,
          lastTimestamp: now.toISOString(),
        }));
        return;
      } catch (err) {
        // The earlier event was deleted (TTL, namespace cleanup): start a new one.
        if (!isCapstanError(err, 'NOT_FOUND')) throw err;
      }
    }
    const created = await store.create('Event', {
      kind: 'Event',
      metadata: { name: eventName(involved.name, now), namespace },
      involvedObject: involved,
      reason,
      message,
      type,
      source,
      count: 1,
      firstTimestamp: now.toISOString(),
      lastTimestamp: now.toISOString(),
    });
    cache.delete(key);
    cache.set(key, { namespace, name: created.metadata.name, lastMs: now.getTime() });
    // Oldest first in a Map: drop the oldest entries once over the limit.
    for (const oldest of cache.keys()) {
      if (cache.size <= CACHE_LIMIT) break;
      cache.delete(oldest);
    }
  } catch (err) {
    log.warn({ err, reason, object: `${involved.kind} ${namespace}/${involved.name}` }, 'could not record event');
  }
}

/** Kubernetes' event names: the object's name, a dot, a hex timestamp; plus randomness for same-ms repeats. */
function eventName(objectName: string, now: Date): string {
  const stamp = now.getTime().toString(16);
  return `${objectName.slice(0, 200)}.${stamp}${randomBytes(2).toString('hex')}`;
}

export interface EventRecorderOptions {
  /** Events written at the same time. Default 8. */
  concurrency?: number;
  /** Events waiting to be written beyond which new ones are dropped. Default 1000. */
  maxPending?: number;
  logger?: Logger;
}

/**
 * A component's event sink. `record` returns at once; writes run in the background with bounded concurrency.
 *
 * Why drop when full: events must never slow the control loop down. A scheduler binding a thousand pods a second
 * would otherwise spend half its Redis budget on "Scheduled" events; like Kubernetes' event broadcaster, the
 * recorder keeps a bounded backlog and drops (with a log line) what does not fit.
 */
export class EventRecorder {
  private readonly pending: (() => Promise<void>)[] = [];
  private active = 0;
  private dropped = 0;
  private readonly idleWaiters: (() => void)[] = [];
  private readonly concurrency: number;
  private readonly maxPending: number;
  private readonly logger: Logger;

  constructor(
    private readonly store: Store,
    private readonly source: EventSource,
    options: EventRecorderOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 8;
    this.maxPending = options.maxPending ?? 1000;
    this.logger = options.logger ?? rootLogger;
  }

  /** A recorder with the same settings writing as another component (its own backlog). */
  withSource(source: EventSource): EventRecorder {
    return new EventRecorder(this.store, source, {
      concurrency: this.concurrency,
      maxPending: this.maxPending,
      logger: this.logger,
    });
  }

  record(involvedObject: InvolvedObject, type: EventType, reason: string, message: string): void {
    if (this.pending.length >= this.maxPending) {
      if (this.dropped++ % 1000 === 0) {
        this.logger.warn({ dropped: this.dropped, reason }, 'event backlog full: dropping events');
      }
      return;
    }
    this.pending.push(() => recordEvent(this.store, involvedObject, type, reason, message, this.source, this.logger));
    this.pump();
  }

  get droppedCount(): number {
    return this.dropped;
  }

  /** Resolves once every event recorded so far has been written (or failed). */
  flush(): Promise<void> {
    if (this.active === 0 && this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.active < this.concurrency && this.pending.length > 0) {
      const task = this.pending.shift() as () => Promise<void>;
      this.active++;
      void task().finally(() => {
        this.active--;
        if (this.pending.length > 0) this.pump();
        else if (this.active === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
      });
    }
  }
}
