import type { Redis } from 'ioredis';
import { CapstanError } from '../api/errors.ts';
import type { KubeObject } from '../api/types.ts';
import type { ChangeSink, Watch, WatchEvent, WatchEventType } from './store.ts';
import type { ObjectFilter, MatchView } from './object-filter.ts';
import { LogEvery } from '../util/log-every.ts';
import { logger } from '../util/logger.ts';
import { watchStreamReadErrors } from '../util/metrics.ts';
import { exponentialDelay } from '../util/backoff.ts';

/** One change as read from the stream. */
export interface ChangeEntry {
  rv: number;
  type: WatchEventType;
  kind: string;
  json: string;
  /** Labels and selectable fields of the object before a MODIFIED change. */
  previous?: MatchView;
  /** The decoded object, shared by every watcher of this process (see {@link objectOf}). */
  object?: KubeObject;
  /** The events made of this change, one per type a watcher may see it as, shared like the object. */
  events?: Partial<Record<WatchEventType, WatchEvent<KubeObject>>>;
}

/** Reads stream entries after `afterRv` (at most `count`), oldest first. */
export type RangeReader = (afterRv: number, count: number) => Promise<ChangeEntry[]>;

/** Where a subscriber's events go: an {@link EventChannel} (a watch) or a synchronous sink (a feed). */
interface Delivery {
  push(event: WatchEvent<KubeObject>): void;
  fail(err: unknown): void;
  close(): void;
  /** Called after each change the subscriber has been shown, of any kind. */
  progress?(rv: number): void;
}

interface Subscriber {
  kind: string;
  filter: ObjectFilter;
  channel: Delivery;
  lastRv: number;
  /** Live entries held back while the subscriber's history is still being replayed. */
  backlog: ChangeEntry[] | undefined;
}

const BACKFILL_PAGE = 1000;
/** At most one "reading the change stream failed" line per this interval (with the count held back). */
const READ_ERROR_LOG_INTERVAL_MS = 30_000;
/** Retries of the stream reader after Redis errors: 50 ms doubling to 2 s. */
const READ_RETRY = { initialMs: 50, maxMs: 2_000 };

/**
 * The one stream reader of a process. It follows the change stream with a blocking XREAD on a dedicated connection
 * and fans every entry out in memory to the watches of this process, so a thousand watchers cost one Redis
 * connection, not a thousand.
 */
export class WatchHub {
  private readonly subscribers = new Set<Subscriber>();
  private position = 0;
  private running = false;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private readonly readErrorLog = new LogEvery(READ_ERROR_LOG_INTERVAL_MS);

  constructor(
    private readonly reader: Redis,
    private readonly streamKey: string,
    private readonly readRange: RangeReader,
    private readonly currentRv: () => Promise<number>,
    private readonly maxQueue = 20_000,
    /** Turns a stored object value into its JSON (decrypts Secrets); default as stored. */
    private readonly open: (stored: string) => string = (stored) => stored,
  ) {}

  get watcherCount(): number {
    return this.subscribers.size;
  }

  /**
   * Starts a watch. With `sinceRv` it first replays the stream after that version; a version the stream no longer
   * holds fails the watch with EXPIRED. Without it, it delivers changes from now on.
   */
  watch(kind: string, filter: ObjectFilter, sinceRv?: number): Watch<KubeObject> {
    const channel = new EventChannel<KubeObject>(() => this.subscribers.delete(sub), this.maxQueue);
    const sub: Subscriber = { kind, filter, channel, lastRv: 0, backlog: [] };
    this.subscribers.add(sub);
    this.ensureRunning();
    void this.begin(sub, sinceRv).catch((err: unknown) => channel.fail(err));
    return channel;
  }

  /**
   * Like {@link watch} from `sinceRv`, but delivers to `sink` synchronously, in stream order, and reports progress
   * after every change of any kind: a cache fed this way knows exactly which resourceVersion it reflects.
   */
  feed(kind: string, filter: ObjectFilter, sinceRv: number, sink: ChangeSink<KubeObject>): { close(): void } {
    let done = false;
    const end = () => {
      done = true;
      this.subscribers.delete(sub);
    };
    const channel: Delivery = {
      push: (event) => {
        if (!done) guard(() => sink.onEvent(event));
      },
      progress: (rv) => {
        if (!done) guard(() => sink.onProgress(rv));
      },
      fail: (err) => {
        if (done) return;
        end();
        sink.onError(err);
      },
      close: end,
    };
    // A sink that throws must not break the stream reader's loop for every other subscriber: it loses its feed.
    const guard = (fn: () => void) => {
      try {
        fn();
      } catch (err) {
        channel.fail(err);
      }
    };
    const sub: Subscriber = { kind, filter, channel, lastRv: 0, backlog: [] };
    this.subscribers.add(sub);
    this.ensureRunning();
    void this.begin(sub, sinceRv).catch((err: unknown) => channel.fail(err));
    return { close: end };
  }

  async close(): Promise<void> {
    this.stopped = true;
    for (const sub of this.subscribers) sub.channel.close();
    this.subscribers.clear();
    this.reader.disconnect();
    await this.loop?.catch(() => undefined);
  }

  private async begin(sub: Subscriber, sinceRv: number | undefined): Promise<void> {
    if (sinceRv === undefined) {
      sub.lastRv = await this.currentRv();
    } else {
      sub.lastRv = sinceRv;
      await this.replay(sub);
    }
    const backlog = sub.backlog ?? [];
    sub.backlog = undefined;
    for (const entry of backlog) this.deliver(sub, entry);
  }

  /** Replays history from the stream until it catches up with what the live reader has buffered. */
  private async replay(sub: Subscriber): Promise<void> {
    for (;;) {
      // Every version up to `latest` has a stream entry unless trimmed, so an empty range below it is a gap.
      const latest = await this.currentRv();
      const entries = await this.readRange(sub.lastRv, BACKFILL_PAGE);
      const first = entries[0];
      if (first === undefined) {
        if (latest > sub.lastRv) throw expired(sub.lastRv);
        return;
      }
      if (first.rv > sub.lastRv + 1) throw expired(sub.lastRv);
      for (const entry of entries) this.deliver(sub, entry);
      if (entries.length < BACKFILL_PAGE) return;
    }
  }

  private deliver(sub: Subscriber, entry: ChangeEntry): void {
    if (entry.rv <= sub.lastRv) return;
    sub.lastRv = entry.rv;
    if (entry.kind === sub.kind) {
      const event = toEvent(entry, sub.filter);
      if (event) sub.channel.push(event);
    }
    sub.channel.progress?.(entry.rv);
  }

  private ensureRunning(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    this.loop = this.follow();
  }

  private async follow(): Promise<void> {
    this.position = await this.retrying(() => this.currentRv());
    let failures = 0;
    while (!this.stopped) {
      try {
        const reply = (await this.reader.xread(
          'COUNT',
          1000,
          'BLOCK',
          5000,
          'STREAMS',
          this.streamKey,
          `${this.position}-0`,
        )) as [string, [string, string[]][]][] | null;
        failures = 0;
        if (!reply) continue;
        const raw = reply[0]?.[1] ?? [];
        const entries = raw.map((r) => parseEntry(r, this.open));
        const first = entries[0];
        if (first && first.rv > this.position + 1) {
          // The reader fell behind the stream's retention: every watcher may have missed changes.
          for (const sub of this.subscribers) sub.channel.fail(expired(this.position));
        }
        for (const entry of entries) {
          this.position = entry.rv;
          for (const sub of this.subscribers) {
            if (sub.backlog) sub.backlog.push(entry);
            else this.deliver(sub, entry);
          }
        }
      } catch (err) {
        if (this.stopped) return;
        await this.readFailed(err, failures++);
      }
    }
  }

  private async retrying<T>(fn: () => Promise<T>): Promise<T> {
    for (let failures = 0; ; failures++) {
      try {
        return await fn();
      } catch (err) {
        if (this.stopped) throw err;
        await this.readFailed(err, failures);
      }
    }
  }

  /**
   * Every watcher of the process waits on this reader: a failed read (of the stream, or of its position before the
   * first) is said and counted rather than retried in silence; an outage retried every 2 s is one line per
   * READ_ERROR_LOG_INTERVAL_MS (the metric counts every one). Then waits out the back-off after `failures`.
   */
  private async readFailed(err: unknown, failures: number): Promise<void> {
    watchStreamReadErrors.inc();
    const delay = exponentialDelay(failures, READ_RETRY);
    this.readErrorLog.maybe((suppressed) =>
      logger.warn(
        { err, retryInMs: delay, position: this.position, suppressed },
        'watch hub: reading the change stream failed',
      ),
    );
    await sleep(delay);
  }
}

function expired(rv: number): CapstanError {
  return new CapstanError(
    'EXPIRED',
    `resourceVersion ${rv} is older than the change stream's retention: expired, re-list and watch again`,
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Decodes one XREAD/XRANGE entry: `[id, [field, value, ...]]`. */
export function parseEntry(
  [id, fields]: [string, string[]],
  open: (stored: string) => string = (stored) => stored,
): ChangeEntry {
  const values: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) values[fields[i]!] = fields[i + 1]!;
  const entry: ChangeEntry = {
    rv: Number(id.slice(0, id.indexOf('-'))),
    type: values.t as WatchEventType,
    kind: values.k ?? '',
    json: open(values.o ?? '{}'),
  };
  if (values.p) entry.previous = JSON.parse(values.p) as MatchView;
  return entry;
}

/**
 * Turns a change into what a filtered watcher sees, as the Kubernetes watch cache does: an object that starts
 * matching appears as ADDED, one that stops matching as DELETED.
 */
function toEvent(entry: ChangeEntry, filter: ObjectFilter): WatchEvent<KubeObject> | undefined {
  const object = objectOf(entry);
  const now = filter.matches(object);
  if (entry.type !== 'MODIFIED') return now ? eventOf(entry, entry.type, object) : undefined;
  const before = entry.previous ? filter.matchesView(entry.previous) : now;
  if (now && before) return eventOf(entry, 'MODIFIED', object);
  if (now) return eventOf(entry, 'ADDED', object);
  if (before) return eventOf(entry, 'DELETED', object);
  return undefined;
}

/**
 * One frozen event per change and type for every watcher of the process: besides saving an allocation per watcher,
 * a shared event lets consumers (the API's subscriptions) compute what they derive from it once for all watchers.
 */
function eventOf(entry: ChangeEntry, type: WatchEventType, object: KubeObject): WatchEvent<KubeObject> {
  entry.events ??= {};
  return (entry.events[type] ??= Object.freeze({ type, object }));
}

/**
 * Decodes a change's object once for all watchers of this process: with a thousand subscriptions, parsing per
 * watcher dominated the fan-out. The object is deep-frozen because it is shared: a consumer that wants to change it
 * must copy it first (`structuredClone`), and one that forgets fails loudly instead of corrupting other watchers.
 */
function objectOf(entry: ChangeEntry): KubeObject {
  if (!entry.object) {
    const object = JSON.parse(entry.json) as KubeObject;
    object.metadata.resourceVersion = String(entry.rv);
    entry.object = deepFreeze(object);
  }
  return entry.object;
}

/**
 * Freezes an object and everything it holds, for objects shared between the consumers of a process; the strings of
 * plain objects and arrays are shared too ({@link shareString}) before they are frozen, and so are their small
 * objects and arrays of plain values ({@link shareLeaf}).
 */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const child: unknown = value[i];
        if (typeof child === 'string') value[i] = shareString(child);
        else if (typeof child === 'object' && child !== null && !Object.isFrozen(child)) value[i] = shareLeaf(child);
      }
    } else if (Object.getPrototypeOf(value) === Object.prototype) {
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        const child = record[key];
        if (typeof child === 'string') record[key] = shareString(child);
        else if (typeof child === 'object' && child !== null && !Object.isFrozen(child)) record[key] = shareLeaf(child);
      }
    }
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * One instance per value for the small leaves of shared objects: a plain object or array of at most
 * {@link SHARED_LEAF_MAX_ENTRIES} strings, finite numbers, booleans or nulls, shared by its JSON text. Most of them
 * repeat from object to object — an Event's `source`, the labels, resource requests and ports of the pods of one
 * template. Sharing them took the scale benchmark's control plane at 12,000 pods from 556,000 objects to 358,000,
 * each of which every collection marks. Shared leaves are frozen, as everything of a shared object is; a leaf that
 * is not (yet) shared is frozen and answered as it is. The table is bounded as {@link shareString}'s is (past
 * {@link SHARED_LEAVES_MAX} leaves it starts over); anything else is answered as it is.
 */
export function shareLeaf<T extends object>(value: T): T {
  const key = leafKey(value);
  if (key === undefined) return value;
  const known = sharedLeaves.get(key);
  if (known !== undefined) {
    Object.freeze(value);
    return known as T;
  }
  if (sharedLeaves.size >= SHARED_LEAVES_MAX) sharedLeaves = new Map();
  const holder = value as unknown as Record<string | number, unknown>;
  if (Array.isArray(value)) for (let i = 0; i < value.length; i++) shareLeafString(holder, i);
  else for (const name of Object.keys(value)) shareLeafString(holder, name);
  sharedLeaves.set(key, Object.freeze(value));
  return value;
}
export const SHARED_LEAVES_MAX = 16_384;
export const SHARED_LEAF_MAX_ENTRIES = 8;
/** Longest JSON text of a shared leaf (key names included). */
export const SHARED_LEAF_MAX_LENGTH = 256;
let sharedLeaves = new Map<string, object>();

/**
 * The leaf's JSON text, or undefined when it is not a small plain object or array of plain values. A leaf is read as
 * JSON reads it (enumerable own string keys; objects are data here, parsed or built as literals); one with symbol
 * keys, holes, -0 or a non-finite number, which JSON would not tell apart, is not shared. A leaf that names one object
 * by its uid (an Event's metadata and involvedObject, an owner reference) is unique or nearly: keeping it would only
 * fill the table.
 */
function leafKey(value: object): string | undefined {
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype || value.length > SHARED_LEAF_MAX_ENTRIES) return undefined;
    for (let i = 0; i < value.length; i++) if (!(i in value) || !plainValue(value[i])) return undefined;
  } else {
    if (Object.getPrototypeOf(value) !== Object.prototype) return undefined;
    let entries = 0;
    for (const name in value) {
      if (++entries > SHARED_LEAF_MAX_ENTRIES || name === 'uid') return undefined;
      if (!plainValue((value as Record<string, unknown>)[name])) return undefined;
    }
    if (Object.getOwnPropertySymbols(value).length > 0) return undefined;
  }
  const key = JSON.stringify(value);
  return key.length <= SHARED_LEAF_MAX_LENGTH ? key : undefined;
}

function plainValue(v: unknown): boolean {
  if (typeof v === 'string' || typeof v === 'boolean' || v === null) return true;
  return typeof v === 'number' && Number.isFinite(v) && !Object.is(v, -0);
}

/** Before a new leaf is shared (and frozen), its strings are shared too. */
function shareLeafString(holder: Record<string | number, unknown>, key: string | number): void {
  const v = holder[key];
  if (typeof v === 'string') holder[key] = shareString(v);
}

/**
 * One string instance per value for the strings of shared objects. `JSON.parse` makes a string per value, so the read
 * cache held, at 20,000 pods, 1.3 million strings (97 MiB, half of the heap): 20,000 copies of "PodScheduled", 40,000
 * of the image, 60,000 of the Events' "capstan-node", and a timestamp for every condition and Event even when a
 * hundred of them fell in the same millisecond. Each copy costs memory and the garbage collector's marking time,
 * which is the control plane's longest pause at scale. The table is bounded: past {@link SHARED_STRINGS_MAX} values
 * it starts over (the strings already shared stay shared), and long strings, rarely repeated, are left alone.
 */
export function shareString(text: string): string {
  if (text.length > SHARED_STRING_MAX_LENGTH) return text;
  const known = sharedStrings.get(text);
  if (known !== undefined) return known;
  if (sharedStrings.size >= SHARED_STRINGS_MAX) sharedStrings = new Map();
  sharedStrings.set(text, text);
  return text;
}
export const SHARED_STRINGS_MAX = 65_536;
export const SHARED_STRING_MAX_LENGTH = 128;
let sharedStrings = new Map<string, string>();

/**
 * A single-consumer async queue of events. A consumer that falls more than `maxQueue` events behind is cut off
 * with EXPIRED rather than letting memory grow without bound; it re-lists like any expired watcher.
 */
export class EventChannel<T> implements Watch<T> {
  private readonly queue: WatchEvent<T>[] = [];
  private waiting: ((result: IteratorResult<WatchEvent<T>>) => void) | undefined;
  private failWaiting: ((err: unknown) => void) | undefined;
  private error: unknown;
  private done = false;

  constructor(
    private readonly onClose: () => void,
    private readonly maxQueue: number,
  ) {}

  push(event: WatchEvent<T>): void {
    if (this.done) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      this.failWaiting = undefined;
      resolve({ value: event, done: false });
      return;
    }
    if (this.queue.length >= this.maxQueue) {
      this.fail(new CapstanError('EXPIRED', 'watcher fell too far behind the change stream: re-list and watch again'));
      return;
    }
    this.queue.push(event);
  }

  fail(err: unknown): void {
    if (this.done) return;
    this.error = err;
    this.finish();
    if (this.failWaiting) {
      const reject = this.failWaiting;
      this.waiting = undefined;
      this.failWaiting = undefined;
      this.error = undefined;
      reject(err);
    }
  }

  close(): void {
    if (this.done) return;
    this.finish();
    this.queue.length = 0;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      this.failWaiting = undefined;
      resolve({ value: undefined, done: true });
    }
  }

  private finish(): void {
    this.done = true;
    this.onClose();
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent<T>> {
    return {
      next: () => {
        const event = this.queue.shift();
        if (event) return Promise.resolve({ value: event, done: false });
        if (this.error !== undefined) {
          const err = this.error;
          this.error = undefined;
          return Promise.reject(err);
        }
        if (this.done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => {
          this.waiting = resolve;
          this.failWaiting = reject;
        });
      },
      return: () => {
        this.close();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
