import { randomBytes } from 'node:crypto';
import { isCapstanError } from '../api/errors.ts';
import { isNamespaced, type Event, type KubeObject } from '../api/types.ts';
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

/**
 * How repeats of an event reach the store.
 * - `update`: bump `count` and `lastTimestamp` of the Event the series began with; when that Event is gone (TTL,
 *   namespace cleanup) the series goes on in a new Event.
 * - `create`: write each batch of repeats as a new Event carrying the series' count so far and its
 *   firstTimestamp, for writers that may only create Events (a node credential).
 */
export type EventAggregation = 'update' | 'create';

export interface EventRecorderOptions {
  /** Default `update`. */
  aggregation?: EventAggregation;
  /** Repeats within this many ms are folded into one write. Default 0: each is written once a writer is free. */
  aggregateWindowMs?: number;
  /** Events written at the same time. Default 8. */
  concurrency?: number;
  /** Events waiting to be written beyond which new ones are dropped. Default 1000. */
  maxPending?: number;
  logger?: Logger;
}

/** Kubernetes' correlator window: a repeat within it joins the existing series instead of starting a new Event. */
export const EVENT_AGGREGATION_WINDOW_MS = 10 * 60 * 1000;
const SERIES_LIMIT = 4096;

/** One object, reason, message and source: the occurrences that make up one Event. */
interface Series {
  namespace: string;
  involved: Event['involvedObject'];
  type: EventType;
  reason: string;
  message: string;
  /** The Event last written for the series. */
  name?: string;
  count: number;
  /** Occurrences not yet written. */
  pending: number;
  firstMs: number;
  lastMs: number;
  writing?: Promise<void>;
}

// Per store, so two clusters (tests on their own prefixes) never bump each other's events, and so a recorder made
// later (a new leader term, `recordEvent`) carries on the series of an earlier one.
const seriesByStore = new WeakMap<Store, Map<string, Series>>();

function involvedRef(object: InvolvedObject): Event['involvedObject'] {
  if (!('metadata' in object)) return object;
  const ref: Event['involvedObject'] = { kind: object.kind, name: object.metadata.name };
  if (object.metadata.namespace) ref.namespace = object.metadata.namespace;
  if (object.metadata.uid) ref.uid = object.metadata.uid;
  if (object.metadata.resourceVersion) ref.resourceVersion = object.metadata.resourceVersion;
  return ref;
}

/** Kubernetes' event names: the object's name, a dot, a hex timestamp; plus randomness for same-ms writes. */
function eventName(objectName: string): string {
  return `${objectName.slice(0, 230)}.${Date.now().toString(16)}${randomBytes(3).toString('hex')}`;
}

/**
 * A component's event sink. Events about an object are named `<object name>.<hex time><random>` and live in the
 * object's namespace (`default` for cluster-scoped objects such as Nodes, as in Kubernetes). The first occurrence
 * of an object, reason and message is written at once; repeats within 10 minutes of the last one are counted into
 * the same series and written as `options.aggregation` says, at most once per `aggregateWindowMs`.
 *
 * `record` returns at once and never fails the caller: events are a diagnostic side channel, so writes run in the
 * background with bounded concurrency and a failed write is logged, its occurrences carried into the next write.
 *
 * Why drop when full: events must never slow the control loop down. A scheduler binding a thousand pods a second
 * would otherwise spend half its Redis budget on "Scheduled" events; like Kubernetes' event broadcaster, the
 * recorder keeps a bounded backlog and drops (with a log line) what does not fit.
 */
export class EventRecorder {
  private readonly series: Map<string, Series>;
  private readonly backlog: Series[] = [];
  private readonly queued = new Set<Series>();
  private readonly timers = new Map<Series, NodeJS.Timeout>();
  private readonly idleWaiters: (() => void)[] = [];
  private active = 0;
  private dropped = 0;
  private closed = false;
  private readonly aggregation: EventAggregation;
  private readonly windowMs: number;
  private readonly concurrency: number;
  private readonly maxPending: number;
  private readonly logger: Logger;

  constructor(
    private readonly store: Store,
    private readonly source: EventSource,
    private readonly options: EventRecorderOptions = {},
  ) {
    let series = seriesByStore.get(store);
    if (!series) seriesByStore.set(store, (series = new Map()));
    this.series = series;
    this.aggregation = options.aggregation ?? 'update';
    this.windowMs = options.aggregateWindowMs ?? 0;
    this.concurrency = options.concurrency ?? 8;
    this.maxPending = options.maxPending ?? 1000;
    this.logger = options.logger ?? rootLogger;
  }

  /** A recorder with the same settings writing as another component (its own backlog). */
  withSource(source: EventSource): EventRecorder {
    return new EventRecorder(this.store, source, this.options);
  }

  record(involvedObject: InvolvedObject, type: EventType, reason: string, message: string): void {
    if (this.closed) return;
    if (this.backlog.length >= this.maxPending) {
      if (this.dropped++ % 1000 === 0) {
        this.logger.warn({ dropped: this.dropped, reason }, 'event backlog full: dropping events');
      }
      return;
    }
    const involved = involvedRef(involvedObject);
    const namespace = involved.namespace && isNamespaced(involved.kind) ? involved.namespace : 'default';
    const { component, host = '' } = this.source;
    const key = [involved.kind, namespace, involved.name, involved.uid ?? '', reason, message, component, host].join(
      '\u0000',
    );
    const now = Date.now();
    const existing = this.series.get(key);
    // Re-inserted on every occurrence: the map's order is then least recently seen first, for eviction.
    this.series.delete(key);
    if (existing && now - existing.lastMs < EVENT_AGGREGATION_WINDOW_MS) {
      existing.count++;
      existing.pending++;
      existing.lastMs = now;
      this.series.set(key, existing);
      if (this.windowMs > 0) this.flushLater(existing);
      else this.enqueue(existing);
      return;
    }
    const fresh: Series = {
      namespace,
      involved,
      type,
      reason,
      message,
      count: 1,
      pending: 1,
      firstMs: now,
      lastMs: now,
    };
    this.series.set(key, fresh);
    // An evicted series only loses its aggregation: writes already queued or timed for it still happen.
    for (const oldest of this.series.keys()) {
      if (this.series.size <= SERIES_LIMIT) break;
      this.series.delete(oldest);
    }
    this.enqueue(fresh);
  }

  get droppedCount(): number {
    return this.dropped;
  }

  /** Forgets the series about the object with this uid (a pod that is gone); repeats not yet written are dropped. */
  forgetPod(uid: string): void {
    for (const [key, s] of this.series) {
      if (s.involved.uid !== uid) continue;
      this.series.delete(key);
      clearTimeout(this.timers.get(s));
      this.timers.delete(s);
    }
  }

  /** Writes repeats waiting for their window now and resolves once every event recorded so far is written (or failed). */
  flush(): Promise<void> {
    for (const [s, timer] of this.timers) {
      clearTimeout(timer);
      this.enqueue(s);
    }
    this.timers.clear();
    return this.idle();
  }

  /** Stops recording and waits for the writes queued so far; repeats still waiting for their window are dropped. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await this.idle();
  }

  private idle(): Promise<void> {
    if (this.active === 0 && this.backlog.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private flushLater(s: Series): void {
    if (this.timers.has(s) || this.queued.has(s)) return;
    const timer = setTimeout(() => {
      this.timers.delete(s);
      if (!this.closed) this.enqueue(s);
    }, this.windowMs);
    this.timers.set(s, timer.unref());
  }

  private enqueue(s: Series): void {
    // A queued write takes every occurrence pending when it starts: one per series is enough.
    if (this.queued.has(s)) return;
    this.queued.add(s);
    this.backlog.push(s);
    this.pump();
  }

  private pump(): void {
    while (this.active < this.concurrency && this.backlog.length > 0) {
      const s = this.backlog.shift() as Series;
      this.active++;
      void this.write(s).finally(() => {
        this.active--;
        if (this.backlog.length > 0) this.pump();
        else if (this.active === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
      });
    }
  }

  /** Writes the series' pending occurrences, after any write of it in flight (from this or another recorder). */
  private async write(s: Series): Promise<void> {
    while (s.writing) await s.writing;
    this.queued.delete(s);
    if (s.pending === 0) return;
    s.pending = 0;
    const writing = this.writePending(s).finally(() => {
      if (s.writing === writing) s.writing = undefined;
    });
    s.writing = writing;
    await writing;
  }

  private async writePending(s: Series): Promise<void> {
    const lastTimestamp = new Date(s.lastMs).toISOString();
    try {
      if (s.name && this.aggregation === 'update') {
        try {
          await this.store.mutate('Event', s.namespace, s.name, (event) => ({
            ...event,
            count: s.count,
            lastTimestamp,
          }));
          return;
        } catch (err) {
          // The Event was deleted (TTL, namespace cleanup): the series goes on in a new one, as in Kubernetes.
          if (!isCapstanError(err, 'NOT_FOUND')) throw err;
        }
      }
      const created = await this.store.create('Event', {
        kind: 'Event',
        metadata: { name: eventName(s.involved.name), namespace: s.namespace },
        involvedObject: s.involved,
        reason: s.reason,
        message: s.message,
        type: s.type,
        source: this.source,
        count: s.count,
        firstTimestamp: new Date(s.firstMs).toISOString(),
        lastTimestamp,
      });
      s.name = created.metadata.name;
    } catch (err) {
      const { kind, name } = s.involved;
      this.logger.warn({ err, reason: s.reason, object: `${kind} ${s.namespace}/${name}` }, 'could not record event');
    }
  }
}

/**
 * Records one event (see EventRecorder) and resolves once it is written. Never fails: a failed write is logged.
 * Repeats aggregate with earlier calls and recorders on the same store.
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
  const recorder = new EventRecorder(store, source, { logger: log });
  recorder.record(involvedObject, type, reason, message);
  await recorder.flush();
}
