import btree from 'sorted-btree';
import { isCapstanError } from '../api/errors.ts';
import { isNamespaced, KINDS, type Kind, type KindMap, type KubeObject, type ObjectInput } from '../api/types.ts';
import { logger } from '../util/logger.ts';
import { decodeContinue, encodeContinue } from './continue-token.ts';
import { fieldValue, parseFieldSelector, selectableFields } from '../labels/field-selector.ts';
import { buildFilter, type ObjectFilter } from './object-filter.ts';
import {
  hasChangeFeed,
  type ChangeFeedStore,
  type DeleteOptions,
  type ListOptions,
  type ListResult,
  type Store,
  type Watch,
  type WatchEvent,
  type WatchOptions,
  type WriteOptions,
} from './store.ts';
import { deepFreeze } from './watch-hub.ts';
import { exponentialDelay } from '../util/backoff.ts';

const log = logger.child({ component: 'read-cache' });

export interface CachedReadStoreOptions {
  /**
   * How long a read waits for the cache to reach the store's current resourceVersion before it reads the store
   * instead. Default 1 s.
   */
  syncTimeoutMs?: number;
  /**
   * First delay before re-listing a kind after its list or feed failed, doubling up to 30 s while it keeps failing
   * (EXPIRED re-lists at once). Default 500 ms.
   */
  retryDelayMs?: number;
  /**
   * Kinds whose objects the cache does not keep, each with the selectable field it keeps of them instead: a list that
   * pins that field (`involvedObject.name=web-1`) finds the matching objects in memory and reads just those from the
   * store; every other read of the kind goes to the store. Default {@link INDEX_ONLY}.
   */
  indexOnly?: Partial<Record<Kind, string>>;
}

/**
 * Events are not kept, as Kubernetes' API server keeps no watch cache of them ("too high memory consumption"): there
 * are several per pod, and they were about 40% of the control plane's heap per pod at scale. What reads them by
 * their object (`describe`, the `events` field) finds them through the index of involvedObject.name.
 */
export const INDEX_ONLY: Partial<Record<Kind, string>> = { Event: 'involvedObject.name' };

/** How many objects an index-only list reads from the store in one round trip. */
const INDEXED_READ_CHUNK = 500;

/** How many reads the cache answered and how many went to the store. */
export interface ReadCacheStats {
  hits: number;
  fallbacks: number;
}

/**
 * Consistent reads from an in-memory cache, as Kubernetes' API server serves them from its watch cache: every
 * get, getMany and list first reads the store's current resourceVersion (one small round trip), waits until the
 * cache of that kind has seen it, and answers from memory. A write that finished before a read started is
 * therefore always in the answer (read-your-writes, across processes too), and nothing is parsed per request.
 *
 * The cache of a kind is filled by a full list, then kept current by the store's change feed from that list's
 * version; it starts with `warm()` or on the kind's first read. Until it is ready, and whenever it cannot catch up within `syncTimeoutMs`, reads go to the store.
 * Writes, watches and `currentResourceVersion` go to the store. Objects read are frozen and shared: copy one before
 * changing it.
 */
export class CachedReadStore implements Store {
  private readonly caches = new Map<Kind, KindCache>();
  private readonly indexes = new Map<Kind, FieldIndex>();
  private readonly indexOnly: Partial<Record<Kind, string>>;
  private readonly counters: ReadCacheStats = { hits: 0, fallbacks: 0 };
  private readonly syncTimeoutMs: number;
  private readonly retryDelayMs: number;
  private stopped = false;

  constructor(
    readonly inner: ChangeFeedStore,
    options: CachedReadStoreOptions = {},
  ) {
    this.syncTimeoutMs = options.syncTimeoutMs ?? 1_000;
    this.retryDelayMs = options.retryDelayMs ?? 500;
    this.indexOnly = options.indexOnly ?? INDEX_ONLY;
    for (const [kind, field] of Object.entries(this.indexOnly) as [Kind, string][]) {
      if (!selectableFields(kind).includes(field)) throw new Error(`${field} is not a selectable field of ${kind}`);
    }
  }

  /** Starts filling the caches (or indexes) of these kinds now, so that the first reads need not go to the store. */
  warm(kinds: readonly Kind[] = KINDS): this {
    for (const kind of kinds) {
      if (!this.cacheOf(kind)) this.indexOf(kind);
    }
    return this;
  }

  stats(): ReadCacheStats {
    return { ...this.counters };
  }

  async get<K extends Kind>(kind: K, namespace: string | undefined, name: string): Promise<KindMap[K]> {
    const cache = await this.consistent(this.cacheOf(kind));
    // A miss goes to the store, which answers with its own NOT_FOUND error.
    return (cache?.get(namespace, name) as KindMap[K] | undefined) ?? this.inner.get(kind, namespace, name);
  }

  async tryGet<K extends Kind>(kind: K, namespace: string | undefined, name: string): Promise<KindMap[K] | undefined> {
    const cache = await this.consistent(this.cacheOf(kind));
    if (!cache) return this.inner.tryGet(kind, namespace, name);
    return cache.get(namespace, name) as KindMap[K] | undefined;
  }

  async getMany<K extends Kind>(
    kind: K,
    refs: readonly { namespace?: string; name: string }[],
  ): Promise<(KindMap[K] | undefined)[]> {
    if (refs.length === 0) return [];
    const cache = await this.consistent(this.cacheOf(kind));
    if (!cache) return this.inner.getMany(kind, refs);
    return refs.map((ref) => cache.get(ref.namespace, ref.name) as KindMap[K] | undefined);
  }

  async list<K extends Kind>(kind: K, options: ListOptions = {}): Promise<ListResult<KindMap[K]>> {
    const namespace = isNamespaced(kind) ? options.namespace || undefined : undefined;
    // Bad selectors and tokens fail before anything is read, as they do in the store.
    const filter = buildFilter(kind, { ...options, namespace });
    const after = options.continue ? decodeContinue(options.continue) : undefined;
    const limit = options.limit && options.limit > 0 ? options.limit : Infinity;
    const field = this.indexOnly[kind];
    if (field !== undefined) {
      const value = parseFieldSelector(options.fieldSelector ?? '', kind).requiresExactMatch(field);
      const index = value === undefined ? undefined : await this.consistent(this.indexOf(kind));
      if (!index) return this.inner.list(kind, options);
      return this.listIndexed(kind, index, index.members(namespace, value!, after), filter, limit);
    }
    const cache = await this.consistent(this.cacheOf(kind));
    if (!cache) return this.inner.list(kind, options);
    return cache.list(namespace, filter, limit, after) as ListResult<KindMap[K]>;
  }

  /**
   * The objects at these members (in index order) that match, read from the store, as a list at the index's version:
   * an object may be newer than that, and a watch from it replays what changed since, so nothing is missed.
   */
  private async listIndexed<K extends Kind>(
    kind: K,
    index: FieldIndex,
    members: readonly string[],
    filter: ObjectFilter,
    limit: number,
  ): Promise<ListResult<KindMap[K]>> {
    const resourceVersion = String(index.resourceVersion);
    const items: KindMap[K][] = [];
    let more = false;
    for (let i = 0; i < members.length && !more; i += INDEXED_READ_CHUNK) {
      const refs = members.slice(i, i + INDEXED_READ_CHUNK).map(refOf);
      for (const object of await this.inner.getMany(kind, refs)) {
        // Gone, or changed so that it no longer matches, since the index reached the read's version.
        if (!object || !filter.matches(object)) continue;
        if (items.length === limit) {
          more = true;
          break;
        }
        items.push(object);
      }
    }
    const result: ListResult<KindMap[K]> = { items, resourceVersion };
    if (more) result.continue = encodeContinue(memberOf(items[items.length - 1]!));
    return result;
  }

  create<K extends Kind>(kind: K, object: ObjectInput<KindMap[K]>, options?: WriteOptions): Promise<KindMap[K]> {
    return this.inner.create(kind, object, options);
  }

  update<K extends Kind>(kind: K, object: ObjectInput<KindMap[K]>, options?: WriteOptions): Promise<KindMap[K]> {
    return this.inner.update(kind, object, options);
  }

  updateStatus<K extends Kind>(kind: K, object: ObjectInput<KindMap[K]>, options?: WriteOptions): Promise<KindMap[K]> {
    return this.inner.updateStatus(kind, object, options);
  }

  mutate<K extends Kind>(
    kind: K,
    namespace: string | undefined,
    name: string,
    fn: (current: KindMap[K]) => KindMap[K] | undefined | Promise<KindMap[K] | undefined>,
    options?: WriteOptions & { status?: boolean },
  ): Promise<KindMap[K]> {
    return this.inner.mutate(kind, namespace, name, fn, options);
  }

  delete<K extends Kind>(
    kind: K,
    namespace: string | undefined,
    name: string,
    options?: DeleteOptions,
  ): Promise<KindMap[K]> {
    return this.inner.delete(kind, namespace, name, options);
  }

  watch<K extends Kind>(kind: K, options?: WatchOptions): Watch<KindMap[K]> {
    return this.inner.watch(kind, options);
  }

  currentResourceVersion(): Promise<string> {
    return this.inner.currentResourceVersion();
  }

  /** Drops the caches and their feeds; reads go to the store from now on. The store stays open. */
  stop(): void {
    this.stopped = true;
    for (const cache of [...this.caches.values(), ...this.indexes.values()]) cache.stop();
    this.caches.clear();
    this.indexes.clear();
  }

  /** Stops the caches and closes the store. */
  async close(): Promise<void> {
    this.stop();
    await this.inner.close();
  }

  /** The cache once it holds at least the store's current version; undefined: read the store. */
  private async consistent<C extends FeedCache>(cache: C | undefined): Promise<C | undefined> {
    if (cache?.ready) {
      const target = Number(await this.inner.currentResourceVersion());
      const reached = cache.reached(target);
      if (reached === true || (reached !== false && (await reached))) {
        this.counters.hits++;
        return cache;
      }
      log.debug(
        { kind: cache.kind, target, cached: cache.resourceVersion },
        'read cache behind the store: reading the store',
      );
    }
    this.counters.fallbacks++;
    return undefined;
  }

  /** The kind's cache; undefined once stopped, or for a kind that is index-only. */
  private cacheOf(kind: Kind): KindCache | undefined {
    if (this.stopped || this.indexOnly[kind] !== undefined) return undefined;
    let cache = this.caches.get(kind);
    if (!cache) {
      cache = new KindCache(this.inner, kind, this.syncTimeoutMs, this.retryDelayMs);
      this.caches.set(kind, cache);
      cache.start();
    }
    return cache;
  }

  /** The index of an index-only kind; undefined once stopped, or for a kind whose objects are kept. */
  private indexOf(kind: Kind): FieldIndex | undefined {
    const field = this.indexOnly[kind];
    if (this.stopped || field === undefined) return undefined;
    let index = this.indexes.get(kind);
    if (!index) {
      index = new FieldIndex(this.inner, kind, this.syncTimeoutMs, this.retryDelayMs, field);
      this.indexes.set(kind, index);
      index.start();
    }
    return index;
  }
}

/**
 * Wraps a store in a {@link CachedReadStore} when it has a change feed and is not cached already. `stop` ends the
 * cache made here (the store itself stays open); it does nothing when nothing was wrapped.
 */
export function withReadCache(store: Store, options?: CachedReadStoreOptions): { store: Store; stop(): void } {
  if (store instanceof CachedReadStore || !hasChangeFeed(store)) return { store, stop: () => undefined };
  const cached = new CachedReadStore(store, options).warm();
  return { store: cached, stop: () => cached.stop() };
}

interface Waiter {
  target: number;
  resolve(reached: boolean): void;
  timer: NodeJS.Timeout;
}

// sorted-btree is CommonJS with its class as `exports.default`: Node's ESM import (and esbuild's) gives the exports
// object, vitest's the class itself.
const loaded = btree as unknown as typeof btree.default | typeof btree;
const BTree = typeof loaded === 'function' ? loaded : loaded.default;

/**
 * Objects of one namespace (or of a cluster-scoped kind) by name, in the order of the store's index: a B+ tree, so
 * that putting or removing one of n objects costs O(log n) (a sorted array's splice costs O(n), which made filling
 * or emptying a namespace of n objects quadratic) and a list from a continue token starts at its place.
 */
type Bucket = InstanceType<typeof BTree<string, KubeObject>>;

/**
 * What the caches of one kind share: a full list, kept current by the store's change feed from that list's version,
 * and the version reached; readers wait for a version with `reached`. Subclasses keep what they need of the objects.
 */
abstract class FeedCache {
  ready = false;
  /** Every change up to this resourceVersion is reflected. */
  resourceVersion = 0;
  private waiters: Waiter[] = [];
  private feed: { close(): void } | undefined;
  private retry: NodeJS.Timeout | undefined;
  private failures = 0;
  private stopped = false;

  constructor(
    private readonly store: ChangeFeedStore,
    readonly kind: Kind,
    private readonly syncTimeoutMs: number,
    private readonly retryDelayMs: number,
  ) {}

  /** Replaces what is kept with these objects, a full list. */
  protected abstract reset(items: readonly KubeObject[]): void;

  /** Applies one change of the feed (which starts at the list's version, so it may replay what the list holds). */
  protected abstract apply(event: WatchEvent<KubeObject>): void;

  start(): void {
    void this.load();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    this.feed?.close();
    this.feed = undefined;
    this.ready = false;
    this.settleWaiters(false);
  }

  /** true, false, or a promise of either: whether the cache reached `target` within the sync timeout. */
  reached(target: number): boolean | Promise<boolean> {
    if (!this.ready) return false;
    if (this.resourceVersion >= target) return true;
    return new Promise((resolve) => {
      const waiter: Waiter = {
        target,
        resolve,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(false);
        }, this.syncTimeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  private async load(): Promise<void> {
    try {
      const listed = await this.store.list(this.kind);
      if (this.stopped) return;
      this.reset(listed.items);
      this.resourceVersion = Number(listed.resourceVersion);
      this.ready = true;
      this.failures = 0;
      this.feed = this.store.feed(this.kind, listed.resourceVersion, {
        onEvent: (event) => this.apply(event),
        onProgress: (rv) => this.progress(rv),
        onError: (err) => this.failed(err),
      });
    } catch (err) {
      this.failed(err);
    }
  }

  private failed(err: unknown): void {
    this.ready = false;
    this.feed = undefined;
    this.settleWaiters(false);
    if (this.stopped) return;
    const expired = isCapstanError(err, 'EXPIRED');
    if (!expired && this.failures === 0) {
      log.warn({ err, kind: this.kind }, 'read cache lost the store: reads go to the store until it lists again');
    }
    const delay = expired ? 0 : exponentialDelay(this.failures, { initialMs: this.retryDelayMs, maxMs: 30_000 });
    if (!expired) this.failures++;
    this.retry = setTimeout(() => void this.load(), delay);
    // A cache must not keep a process alive whose store was closed under it.
    this.retry.unref();
  }

  private progress(rv: number): void {
    if (rv <= this.resourceVersion) return;
    this.resourceVersion = rv;
    if (this.waiters.length === 0) return;
    const waiting: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (waiter.target <= rv) {
        clearTimeout(waiter.timer);
        waiter.resolve(true);
      } else {
        waiting.push(waiter);
      }
    }
    this.waiters = waiting;
  }

  private settleWaiters(reached: boolean): void {
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve(reached);
    }
    this.waiters = [];
  }
}

/** The cache of one kind that keeps its objects, frozen. */
class KindCache extends FeedCache {
  private buckets = new Map<string, Bucket>();
  /** Namespaces in the store's index order; undefined after one appeared or vanished. */
  private order: string[] | undefined;

  get(namespace: string | undefined, name: string): KubeObject | undefined {
    const key = isNamespaced(this.kind) ? namespace || 'default' : '';
    return this.buckets.get(key)?.get(name);
  }

  list(namespace: string | undefined, filter: ObjectFilter, limit: number, after: string | undefined) {
    const items: KubeObject[] = [];
    let more = false;
    /** Adds the bucket's matching objects after the continue token; false once the limit is passed. */
    const take = (key: string, bucket: Bucket | undefined): boolean => {
      if (!bucket || bucket.size === 0) return true;
      // Members are `${key}/${name}` (or the name alone for a cluster-scoped kind): where `after` falls among them.
      const prefix = key ? `${key}/` : '';
      let low: string | undefined;
      if (after !== undefined && after >= prefix) {
        if (!after.startsWith(prefix)) return true; // every member of this bucket sorts before the token
        low = after.slice(prefix.length);
      }
      bucket.forRange(low ?? bucket.minKey()!, bucket.maxKey()!, true, (name, object) => {
        if (name === low || !filter.matches(object)) return;
        if (items.length === limit) {
          more = true;
          return { break: true };
        }
        items.push(object);
      });
      return !more;
    };
    if (namespace !== undefined || !isNamespaced(this.kind)) {
      const key = namespace ?? '';
      take(key, this.buckets.get(key));
    } else {
      for (const key of this.namespaceOrder()) if (!take(key, this.buckets.get(key))) break;
    }
    const result: ListResult<KubeObject> = { items, resourceVersion: String(this.resourceVersion) };
    if (more) result.continue = encodeContinue(memberOf(items[items.length - 1]!));
    return result;
  }

  protected reset(items: readonly KubeObject[]): void {
    this.buckets = new Map();
    this.order = undefined;
    for (const item of items) this.put(deepFreeze(item));
  }

  protected apply(event: WatchEvent<KubeObject>): void {
    const object = event.object;
    const previous = this.get(object.metadata.namespace, object.metadata.name);
    // Replayed changes the list already holds (a list read in several chunks) must not move an object back.
    if (previous && Number(previous.metadata.resourceVersion) >= Number(object.metadata.resourceVersion)) return;
    if (event.type === 'DELETED') this.remove(object);
    else this.put(object);
  }

  private put(object: KubeObject): void {
    const key = object.metadata.namespace ?? '';
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new BTree<string, KubeObject>(undefined, compare);
      this.buckets.set(key, bucket);
      this.order = undefined;
    }
    bucket.set(object.metadata.name, object);
  }

  private remove(object: KubeObject): void {
    const key = object.metadata.namespace ?? '';
    const bucket = this.buckets.get(key);
    if (!bucket?.delete(object.metadata.name)) return;
    if (bucket.size === 0) {
      this.buckets.delete(key);
      this.order = undefined;
    }
  }

  /**
   * Namespaces in the order of the store's index, whose members are `namespace/name` compared bytewise: ordering
   * by `namespace + '/'` gives exactly that order, since '/' never occurs in a namespace.
   */
  private namespaceOrder(): string[] {
    this.order ??= [...this.buckets.keys()].sort((a, b) => compare(`${a}/`, `${b}/`));
    return this.order;
  }
}

/**
 * The cache of an index-only kind: of each object only its value of one selectable field, and the objects by that
 * value. A replayed change may set an object's value back for a moment, but the feed goes on to its latest change,
 * which readers wait for.
 */
class FieldIndex extends FeedCache {
  /** Each object's value of the field, by its member. */
  private values = new Map<string, string>();
  /** The members of the objects with each value. */
  private byValue = new Map<string, Set<string>>();

  constructor(
    store: ChangeFeedStore,
    kind: Kind,
    syncTimeoutMs: number,
    retryDelayMs: number,
    private readonly field: string,
  ) {
    super(store, kind, syncTimeoutMs, retryDelayMs);
  }

  /** The members of the objects whose field is `value`, in a namespace (or every one), after `after`, in order. */
  members(namespace: string | undefined, value: string, after: string | undefined): string[] {
    const prefix = namespace !== undefined && isNamespaced(this.kind) ? `${namespace}/` : '';
    const found: string[] = [];
    for (const member of this.byValue.get(value) ?? []) {
      if (member.startsWith(prefix) && (after === undefined || member > after)) found.push(member);
    }
    return found.sort(compare);
  }

  protected reset(items: readonly KubeObject[]): void {
    this.values = new Map();
    this.byValue = new Map();
    for (const item of items) this.set(memberOf(item), fieldValue(item, this.field));
  }

  protected apply(event: WatchEvent<KubeObject>): void {
    const object = event.object;
    this.set(memberOf(object), event.type === 'DELETED' ? undefined : fieldValue(object, this.field));
  }

  private set(member: string, value: string | undefined): void {
    const before = this.values.get(member);
    if (before === value) return;
    if (before !== undefined) {
      const members = this.byValue.get(before)!;
      members.delete(member);
      if (members.size === 0) this.byValue.delete(before);
    }
    if (value === undefined) {
      this.values.delete(member);
      return;
    }
    this.values.set(member, value);
    let members = this.byValue.get(value);
    if (!members) this.byValue.set(value, (members = new Set()));
    members.add(member);
  }
}

/** The object's member in the store's index, which continue tokens point at. */
function memberOf(object: KubeObject): string {
  const { namespace, name } = object.metadata;
  return namespace ? `${namespace}/${name}` : name;
}

/** The object a member names. */
function refOf(member: string): { namespace?: string; name: string } {
  const slash = member.indexOf('/');
  return slash === -1 ? { name: member } : { namespace: member.slice(0, slash), name: member.slice(slash + 1) };
}

/** Code-unit order, as Redis orders index members (names are ASCII, where the two agree). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
