import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { applyDefaults } from '../api/defaults.ts';
import { CapstanError, isCapstanError } from '../api/errors.ts';
import {
  API_VERSIONS,
  FOREGROUND_FINALIZER,
  isNamespaced,
  NAMESPACE_FINALIZER,
  ORPHAN_FINALIZER,
} from '../api/types.ts';
import type { Kind, KindMap, KubeObject, ObjectInput } from '../api/types.ts';
import { validateObject } from '../api/validation.ts';
import { logger } from '../util/logger.ts';
import { storeOps } from '../util/metrics.ts';
import { decodeContinue, encodeContinue } from './continue-token.ts';
import { buildFilter, matchView } from './object-filter.ts';
import {
  DEFAULT_REDIS_URL,
  isRedisAuthError,
  redactRedisUrl,
  redisAuthError,
  redisConnectionUrl,
} from './redis-url.ts';
import { describeSentinel, sentinelClientOptions, sentinelFromEnv, type SentinelConfig } from './redis-sentinel.ts';
import { replicaWaitFromEnv, waitForReplicas, type ReplicaWait } from './replica-wait.ts';
import { CREATE_SCRIPT, DELETE_BATCH_SCRIPT, LIST_SCRIPT, UPDATE_SCRIPT } from './scripts.ts';
import type {
  AdmissionPlugin,
  BatchDeleteResult,
  BatchDeleteStore,
  ChangeFeedStore,
  ChangeSink,
  DeleteOptions,
  ListOptions,
  ListResult,
  Watch,
  WatchOptions,
  WriteOptions,
} from './store.ts';
import { NO_ENCRYPTION, type SecretCodec } from './secret-encryption.ts';
import { parseEntry, WatchHub } from './watch-hub.ts';
import type { ChangeEntry } from './watch-hub.ts';

export interface RedisStoreOptions {
  /** redis://host:port/db; defaults to REDIS_URL or redis://127.0.0.1:6379. */
  url?: string;
  /** Prepended to every key, so tests and several clusters can share one Redis. Default `capstan:`. */
  prefix?: string;
  /** Approximate number of changes the stream retains for resuming watches. Default 100,000. */
  streamMaxLen?: number;
  /** Create the `default` namespace when missing. Default true. */
  ensureDefaultNamespace?: boolean;
  /** Admission steps run before validation on every create and update (e.g. Service address allocation). */
  admission?: AdmissionPlugin[];
  /**
   * Encryption at rest of Secrets (see secret-encryption.ts): they are sealed here, before the write scripts, so
   * Redis (its memory, AOF, RDB and replicas) only ever holds ciphertext. Default none (Kubernetes' identity provider).
   */
  encryption?: SecretCodec;
  /**
   * The sentinels to find the primary through (redis-sentinel.ts); default from REDIS_SENTINELS, none when unset
   * (then `url` is dialled). `null` ignores the environment.
   */
  sentinel?: SentinelConfig | null;
  /** Replicas every acknowledged write waits for (replica-wait.ts); default from REDIS_MIN_REPLICAS, 0 = off. */
  replicaWait?: ReplicaWait;
}

/** Counters a test or benchmark can read: how many Redis round trips this store made. */
export interface StoreStats {
  roundTrips: number;
}

export interface RedisStore extends ChangeFeedStore, BatchDeleteStore {
  stats(): StoreStats;
  /** The command connection, for health checks. */
  readonly redis: Redis;
  readonly prefix: string;
}

const log = logger.child({ component: 'store' });
const LIST_CHUNK = 500;
/** Objects per DELETE_BATCH_SCRIPT call: big enough to spare round trips, small enough not to stall Redis. */
const DELETE_CHUNK = 500;
const MUTATE_ATTEMPTS = 50;
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Connects to Redis, loads the scripts and returns a Store over it. */
export async function createRedisStore(options: RedisStoreOptions = {}): Promise<RedisStore> {
  const given = options.url ?? process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  const url = redisConnectionUrl(given);
  const sentinel = options.sentinel === undefined ? sentinelFromEnv() : (options.sentinel ?? undefined);
  const replicaWait = options.replicaWait ?? replicaWaitFromEnv();
  const common = { lazyConnect: true, maxRetriesPerRequest: 2, enableAutoPipelining: true } as const;
  const redis = sentinel ? new Redis({ ...sentinelClientOptions(url, sentinel), ...common }) : new Redis(url, common);
  const where = sentinel ? describeSentinel(sentinel) : redactRedisUrl(url);
  // Connection errors surface as UNAVAILABLE on the calls they affect, and ioredis reconnects by itself; the
  // listener keeps ioredis from reporting them as unhandled.
  let lastError: Error | undefined;
  redis.on('error', (err: Error) => {
    lastError = err;
    log.debug({ err }, 'Redis connection error');
  });
  try {
    await redis.connect();
    // A Redis that wants a password answers the first command with NOAUTH: ask now, not in the middle of a write.
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    // A refused AUTH arrives as an error event; the connect itself then only says "Connection is closed".
    if (isRedisAuthError(err)) throw redisAuthError(url, err);
    if (isRedisAuthError(lastError)) throw redisAuthError(url, lastError);
    throw new CapstanError('UNAVAILABLE', `cannot connect to Redis at ${where}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const store = new RedisStoreImpl(
    redis,
    options.prefix ?? 'capstan:',
    options.streamMaxLen ?? 100_000,
    options.admission ?? [],
    options.encryption ?? NO_ENCRYPTION,
    replicaWait,
  );
  if (sentinel || replicaWait.minReplicas > 0) {
    log.info({ redis: where, minReplicas: replicaWait.minReplicas }, 'state store with replication settings');
  }
  if (options.ensureDefaultNamespace ?? true) await store.ensureNamespace('default');
  return store;
}

type Json = Record<string, unknown>;

class RedisStoreImpl implements RedisStore {
  private readonly counters: StoreStats = { roundTrips: 0 };
  private readonly hub: WatchHub;
  private readonly rvKey: string;
  private readonly streamKey: string;
  private readonly scripts: ScriptCommands;

  constructor(
    readonly redis: Redis,
    readonly prefix: string,
    private readonly streamMaxLen: number,
    private readonly admission: AdmissionPlugin[],
    private readonly codec: SecretCodec,
    private readonly replicaWait: ReplicaWait,
  ) {
    this.rvKey = `${prefix}rv`;
    this.streamKey = `${prefix}changes`;
    redis.defineCommand('capstanCreate', { numberOfKeys: 5, lua: CREATE_SCRIPT });
    redis.defineCommand('capstanUpdate', { numberOfKeys: 4, lua: UPDATE_SCRIPT });
    redis.defineCommand('capstanList', { numberOfKeys: 2, lua: LIST_SCRIPT });
    redis.defineCommand('capstanDeleteBatch', { numberOfKeys: 3, lua: DELETE_BATCH_SCRIPT });
    this.scripts = redis as unknown as ScriptCommands;
    const reader = redis.duplicate({ maxRetriesPerRequest: null });
    reader.on('error', (err: Error) => log.debug({ err }, 'Redis stream reader connection error'));
    this.hub = new WatchHub(
      reader,
      this.streamKey,
      (afterRv, count) => this.readRange(afterRv, count),
      async () => Number(await this.call('rv', 'Stream', () => this.redis.get(this.rvKey))) || 0,
      20_000,
      (stored) => codec.open(stored),
    );
  }

  stats(): StoreStats {
    return { ...this.counters };
  }

  async ensureNamespace(name: string): Promise<void> {
    try {
      await this.create('Namespace', { kind: 'Namespace', metadata: { name }, spec: {}, status: { phase: 'Active' } });
    } catch (err) {
      if (!isCapstanError(err, 'ALREADY_EXISTS')) throw err;
    }
  }

  async get<K extends Kind>(kind: K, namespace: string | undefined, name: string): Promise<KindMap[K]> {
    const object = await this.tryGet(kind, namespace, name);
    if (!object) throw notFound(kind, namespace, name);
    return object;
  }

  async tryGet<K extends Kind>(kind: K, namespace: string | undefined, name: string): Promise<KindMap[K] | undefined> {
    const [rv, json] = await this.call('get', kind, () =>
      this.redis.hmget(this.objectKey(kind, namespace, name), 'rv', 'obj'),
    );
    return rv && json ? (decode(this.codec.open(json), rv) as KindMap[K]) : undefined;
  }

  async getMany<K extends Kind>(
    kind: K,
    refs: readonly { namespace?: string; name: string }[],
  ): Promise<(KindMap[K] | undefined)[]> {
    if (refs.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const ref of refs) pipeline.hmget(this.objectKey(kind, ref.namespace, ref.name), 'rv', 'obj');
    const replies = await this.call('getMany', kind, () => pipeline.exec());
    return (replies ?? []).map(([err, value]) => {
      if (err) throw unavailable(err);
      const [rv, json] = value as [string | null, string | null];
      return rv && json ? (decode(this.codec.open(json), rv) as KindMap[K]) : undefined;
    });
  }

  async list<K extends Kind>(kind: K, options: ListOptions = {}): Promise<ListResult<KindMap[K]>> {
    const namespace = isNamespaced(kind) ? options.namespace || undefined : undefined;
    const filter = buildFilter(kind, { ...options, namespace });
    const limit = options.limit && options.limit > 0 ? options.limit : Infinity;
    const upper = namespace === undefined ? '+' : `(${namespace}0`;
    let lower = namespace === undefined ? '-' : `[${namespace}/`;
    if (options.continue) lower = `(${decodeContinue(options.continue)}`;
    const items: KindMap[K][] = [];
    let listRv: string | undefined;
    let more = true;
    let last: string | undefined;
    while (more && items.length < limit) {
      const chunk = limit === Infinity ? LIST_CHUNK : Math.min(LIST_CHUNK, Math.max(limit - items.length, 50));
      const reply = (await this.call('list', kind, () =>
        this.scripts.capstanList(
          `${this.prefix}i:${kind}`,
          this.rvKey,
          lower,
          upper,
          chunk,
          `${this.prefix}o:${kind}:`,
        ),
      )) as (string | number)[];
      listRv ??= String(reply[0]);
      const scanned = Number(reply[1]);
      more = scanned === chunk;
      if (scanned > 0) last = String(reply[2]);
      for (let i = 3; i < reply.length; i += 3) {
        const object = decode(this.codec.open(String(reply[i + 2])), String(reply[i + 1]));
        if (!filter.matches(object)) continue;
        if (items.length === limit) {
          // The page is full and another match exists: the next page starts after the last item returned.
          more = true;
          last = items[items.length - 1]!.metadata.namespace
            ? member(items[items.length - 1]!.metadata.namespace, items[items.length - 1]!.metadata.name)
            : items[items.length - 1]!.metadata.name;
          break;
        }
        items.push(object as KindMap[K]);
      }
      if (last !== undefined) lower = `(${last}`;
    }
    const result: ListResult<KindMap[K]> = { items, resourceVersion: listRv ?? '0' };
    if (more && last !== undefined) result.continue = encodeContinue(last);
    return result;
  }

  async create<K extends Kind>(
    kind: K,
    input: ObjectInput<KindMap[K]>,
    options: WriteOptions = {},
  ): Promise<KindMap[K]> {
    const generated = !input.metadata.name && input.metadata.generateName;
    for (let attempt = 0; ; attempt++) {
      const object = await this.admit('create', this.prepareCreate(kind, input), undefined, options);
      assertValid(object);
      if (options.dryRun) {
        if (await this.tryGet(kind, object.metadata.namespace, object.metadata.name)) {
          throw alreadyExists(kind, object.metadata.namespace, object.metadata.name);
        }
        if (isNamespaced(kind)) await this.get('Namespace', undefined, object.metadata.namespace!);
        return object as KindMap[K];
      }
      const { metadata } = object;
      const json = encode(object);
      const namespaceKey = isNamespaced(kind)
        ? this.objectKey('Namespace', undefined, metadata.namespace!)
        : this.objectKey(kind, undefined, metadata.name);
      try {
        const rv = await this.call('create', kind, () =>
          this.scripts.capstanCreate(
            this.objectKey(kind, metadata.namespace, metadata.name),
            `${this.prefix}i:${kind}`,
            this.rvKey,
            this.streamKey,
            namespaceKey,
            this.seal(kind, json),
            member(metadata.namespace, metadata.name),
            kind,
            this.streamMaxLen,
            isNamespaced(kind) ? '1' : '0',
          ),
        );
        await this.replicated(kind);
        return decode(json, String(rv)) as KindMap[K];
      } catch (err) {
        const mapped = scriptError(err, kind, metadata.namespace, metadata.name);
        if (generated && mapped.code === 'ALREADY_EXISTS' && attempt < 5) continue;
        throw mapped;
      }
    }
  }

  async update<K extends Kind>(
    kind: K,
    input: ObjectInput<KindMap[K]>,
    options: WriteOptions = {},
  ): Promise<KindMap[K]> {
    return this.conditionalWrite(kind, input, options, (current) => mergeUpdate(current, input as KubeObject));
  }

  async updateStatus<K extends Kind>(
    kind: K,
    input: ObjectInput<KindMap[K]>,
    options: WriteOptions = {},
  ): Promise<KindMap[K]> {
    return this.conditionalWrite(kind, input, options, (current) => ({ ...current, status: input.status }));
  }

  async mutate<K extends Kind>(
    kind: K,
    namespace: string | undefined,
    name: string,
    fn: (current: KindMap[K]) => KindMap[K] | undefined | Promise<KindMap[K] | undefined>,
    options: WriteOptions & { status?: boolean } = {},
  ): Promise<KindMap[K]> {
    for (let attempt = 0; attempt < MUTATE_ATTEMPTS; attempt++) {
      const current = await this.get(kind, namespace, name);
      const next = await fn(structuredClone(current));
      if (next === undefined) return current;
      let desired = mergeUpdate(current, next);
      if (options.status) desired = { ...desired, status: next.status };
      try {
        return (await this.write(kind, current, desired, options)) as KindMap[K];
      } catch (err) {
        if (!isCapstanError(err, 'CONFLICT')) throw err;
      }
    }
    throw new CapstanError(
      'CONFLICT',
      `${describe(kind, namespace, name)} is changing too fast: gave up after retries`,
    );
  }

  async delete<K extends Kind>(
    kind: K,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): Promise<KindMap[K]> {
    for (let attempt = 0; attempt < MUTATE_ATTEMPTS; attempt++) {
      const current = (await this.get(kind, namespace, name)) as KubeObject;
      if (options.resourceVersion && options.resourceVersion !== current.metadata.resourceVersion) {
        throw staleVersion(kind, namespace, name, options.resourceVersion, current.metadata.resourceVersion);
      }
      const desired = markDeleted(current, options);
      try {
        if (options.dryRun) return desired as KindMap[K];
        return (await this.write(kind, current, desired, {}, true)) as KindMap[K];
      } catch (err) {
        if (!isCapstanError(err, 'CONFLICT') || options.resourceVersion) throw err;
      }
    }
    throw new CapstanError(
      'CONFLICT',
      `${describe(kind, namespace, name)} is changing too fast: gave up after retries`,
    );
  }

  async deleteBatch(
    kind: Kind,
    objects: readonly KubeObject[],
    options: DeleteOptions = {},
  ): Promise<BatchDeleteResult> {
    const result: BatchDeleteResult = { written: 0, skipped: 0 };
    const pending: (string | number)[][] = [];
    let chunk: (string | number)[] = [];
    for (const current of objects) {
      const object = finalize(current, markDeleted(current, options));
      const remove = !(object.metadata.finalizers?.length ?? 0) && !keepsForGrace(object);
      const json = encode(object);
      if (!remove && json === encode(current)) continue;
      const { namespace, name } = current.metadata;
      chunk.push(
        this.objectKey(kind, namespace, name),
        current.metadata.resourceVersion,
        this.seal(kind, json),
        member(namespace, name),
        JSON.stringify(matchView(current)),
        remove ? '1' : '0',
      );
      if (chunk.length >= DELETE_CHUNK * 6) {
        pending.push(chunk);
        chunk = [];
      }
    }
    if (chunk.length > 0) pending.push(chunk);
    for (const args of pending) {
      const [written, skipped] = await this.call('delete', kind, () =>
        this.scripts.capstanDeleteBatch(
          `${this.prefix}i:${kind}`,
          this.rvKey,
          this.streamKey,
          kind,
          this.streamMaxLen,
          ...args,
        ),
      );
      if (written > 0) await this.replicated(kind);
      result.written += written;
      result.skipped += skipped;
    }
    return result;
  }

  watch<K extends Kind>(kind: K, options: WatchOptions = {}): Watch<KindMap[K]> {
    const namespace = isNamespaced(kind) ? options.namespace || undefined : undefined;
    const filter = buildFilter(kind, { ...options, namespace });
    let since: number | undefined;
    if (options.sinceResourceVersion !== undefined && options.sinceResourceVersion !== '') {
      since = Number(options.sinceResourceVersion);
      if (!Number.isInteger(since) || since < 0) {
        throw CapstanError.invalid([
          {
            field: 'sinceResourceVersion',
            message: `must be a resourceVersion returned by Capstan, got "${options.sinceResourceVersion}"`,
          },
        ]);
      }
    }
    return this.hub.watch(kind, filter, since) as unknown as Watch<KindMap[K]>;
  }

  feed<K extends Kind>(kind: K, sinceResourceVersion: string, sink: ChangeSink<KindMap[K]>): { close(): void } {
    const since = Number(sinceResourceVersion);
    if (!Number.isInteger(since) || since < 0) {
      throw CapstanError.invalid([
        { field: 'sinceResourceVersion', message: `must be a resourceVersion, got "${sinceResourceVersion}"` },
      ]);
    }
    return this.hub.feed(kind, buildFilter(kind, {}), since, sink as unknown as ChangeSink<KubeObject>);
  }

  async currentResourceVersion(): Promise<string> {
    return (await this.call('rv', 'Stream', () => this.redis.get(this.rvKey))) ?? '0';
  }

  async close(): Promise<void> {
    await this.hub.close();
    this.redis.disconnect();
  }

  // -------------------------------------------------------------------------------------------------------------

  private prepareCreate(kind: Kind, input: ObjectInput): KubeObject {
    const source = structuredClone(input) as KubeObject;
    const meta = source.metadata;
    let name = meta.name ?? '';
    if (!name && meta.generateName) name = meta.generateName + randomSuffix();
    const object: KubeObject = applyDefaults({
      ...source,
      apiVersion: source.apiVersion ?? API_VERSIONS[kind],
      kind,
      metadata: {
        ...meta,
        name,
        uid: randomUUID(),
        resourceVersion: '',
        generation: 1,
        creationTimestamp: new Date().toISOString(),
      },
    });
    const metadata = object.metadata as unknown as Json;
    delete metadata.deletionTimestamp;
    delete metadata.deletionGracePeriodSeconds;
    delete metadata.resourceVersion;
    if (isNamespaced(kind)) object.metadata.namespace = meta.namespace || 'default';
    else delete object.metadata.namespace;
    if (source.kind && source.kind !== kind) {
      throw CapstanError.invalid([{ field: 'kind', message: `must be ${kind}, got ${source.kind}` }]);
    }
    return object;
  }

  /** Update/updateStatus: read, check the caller's precondition, build, write; retry races when unconditional. */
  private async conditionalWrite<K extends Kind>(
    kind: K,
    input: ObjectInput<KindMap[K]>,
    options: WriteOptions,
    build: (current: KubeObject) => KubeObject,
  ): Promise<KindMap[K]> {
    const { namespace, name, resourceVersion } = input.metadata;
    if (!name) throw CapstanError.invalid([{ field: 'metadata.name', message: 'Required value: name is required' }]);
    if (input.kind && input.kind !== kind) {
      throw CapstanError.invalid([{ field: 'kind', message: `must be ${kind}, got ${input.kind}` }]);
    }
    for (let attempt = 0; attempt < MUTATE_ATTEMPTS; attempt++) {
      const current = (await this.get(kind, namespace, name)) as KubeObject;
      if (resourceVersion && resourceVersion !== current.metadata.resourceVersion) {
        throw staleVersion(kind, namespace, name, resourceVersion, current.metadata.resourceVersion);
      }
      try {
        return (await this.write(kind, current, build(current), options)) as KindMap[K];
      } catch (err) {
        if (!isCapstanError(err, 'CONFLICT') || resourceVersion) throw err;
      }
    }
    throw new CapstanError(
      'CONFLICT',
      `${describe(kind, namespace, name)} is changing too fast: gave up after retries`,
    );
  }

  /**
   * Writes `desired` over `current` with a compare-and-set on current's resourceVersion. An object that is being
   * deleted and has no finalizers left is removed instead. A write that changes nothing is skipped.
   */
  private async write(
    kind: Kind,
    current: KubeObject,
    desired: KubeObject,
    options: WriteOptions,
    deleting = false,
  ): Promise<KubeObject> {
    let object = finalize(current, desired);
    if (!deleting) {
      object = await this.admit('update', object, current, options);
      const violations = validateObject(object, current);
      if (violations.length > 0)
        throw CapstanError.invalid(violations, describe(kind, current.metadata.namespace, current.metadata.name));
    }
    const remove =
      object.metadata.deletionTimestamp !== undefined &&
      !(object.metadata.finalizers?.length ?? 0) &&
      !keepsForGrace(object);
    const json = encode(object);
    if (!remove && json === encode(current)) return current;
    if (options.dryRun) return object;
    const { namespace, name } = current.metadata;
    try {
      const rv = await this.call(remove ? 'delete' : 'update', kind, () =>
        this.scripts.capstanUpdate(
          this.objectKey(kind, namespace, name),
          `${this.prefix}i:${kind}`,
          this.rvKey,
          this.streamKey,
          current.metadata.resourceVersion,
          this.seal(kind, json),
          member(namespace, name),
          kind,
          this.streamMaxLen,
          JSON.stringify(matchView(current)),
          remove ? '1' : '0',
          object.metadata.deletionTimestamp ? '1' : '0',
        ),
      );
      await this.replicated(kind);
      return decode(json, String(rv));
    } catch (err) {
      throw scriptError(err, kind, namespace, name);
    }
  }

  private async admit(
    operation: 'create' | 'update',
    object: KubeObject,
    old: KubeObject | undefined,
    options: WriteOptions,
  ): Promise<KubeObject> {
    let admitted = object;
    for (const plugin of this.admission) {
      if (plugin.kinds.includes(object.kind)) {
        admitted = await plugin.admit({ operation, object: admitted, old, dryRun: options.dryRun ?? false });
      }
    }
    return admitted;
  }

  private async readRange(afterRv: number, count: number): Promise<ChangeEntry[]> {
    const raw = (await this.call('watch', 'Stream', () =>
      this.redis.xrange(this.streamKey, `(${afterRv}-0`, '+', 'COUNT', count),
    )) as [string, string[]][];
    return raw.map((r) => parseEntry(r, (stored) => this.codec.open(stored)));
  }

  /** The stored form of an object's JSON: Secrets sealed with the cluster key, everything else as it is. */
  private seal(kind: Kind, json: string): string {
    return kind === 'Secret' ? this.codec.seal(json) : json;
  }

  private objectKey(kind: Kind, namespace: string | undefined, name: string): string {
    return `${this.prefix}o:${kind}:${member(isNamespaced(kind) ? namespace || 'default' : undefined, name)}`;
  }

  /** With REDIS_MIN_REPLICAS: waits for the replicas of the write just made, UNAVAILABLE when too few confirm. */
  private async replicated(kind: Kind): Promise<void> {
    if (this.replicaWait.minReplicas <= 0) return;
    this.counters.roundTrips++;
    try {
      await waitForReplicas(this.redis, this.replicaWait);
      storeOps.inc({ op: 'wait', kind, outcome: 'ok' });
    } catch (err) {
      storeOps.inc({ op: 'wait', kind, outcome: 'error' });
      throw err;
    }
  }

  /** Runs one Redis round trip, counting it and turning connection failures into UNAVAILABLE. */
  private async call<T>(op: string, kind: string, fn: () => Promise<T>): Promise<T> {
    this.counters.roundTrips++;
    try {
      const result = await fn();
      storeOps.inc({ op, kind, outcome: 'ok' });
      return result;
    } catch (err) {
      storeOps.inc({ op, kind, outcome: 'error' });
      if (err instanceof Error && /ALREADY_EXISTS|NOT_FOUND|CONFLICT|NAMESPACE_/.test(err.message)) throw err;
      throw unavailable(err);
    }
  }
}

/** The commands `defineCommand` adds for the Lua scripts. */
interface ScriptCommands {
  capstanCreate(...args: (string | number)[]): Promise<number>;
  capstanUpdate(...args: (string | number)[]): Promise<number>;
  capstanList(...args: (string | number)[]): Promise<(string | number)[]>;
  capstanDeleteBatch(...args: (string | number)[]): Promise<[number, number]>;
}

/** Index member and key suffix: `namespace/name`, or `name` for cluster-scoped kinds. */
function member(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** Stored JSON never holds the resourceVersion: it lives beside the object and is filled in on read. */
function encode(object: KubeObject): string {
  const { resourceVersion: _rv, ...metadata } = object.metadata;
  return JSON.stringify({ ...object, metadata });
}

function decode(json: string, rv: string): KubeObject {
  const object = JSON.parse(json) as KubeObject;
  object.metadata.resourceVersion = rv;
  return object;
}

/**
 * Applies an update's fields to the current object: spec, the payload of spec-less kinds, and the user-owned
 * metadata (labels, annotations, ownerReferences, finalizers) come from `next`; identity, timestamps and status
 * stay as stored.
 */
function mergeUpdate(current: KubeObject, next: KubeObject | ObjectInput): KubeObject {
  const { metadata, status: _status, apiVersion: _apiVersion, kind: _kind, ...payload } = next as KubeObject;
  const merged: Json = { apiVersion: current.apiVersion, kind: current.kind, metadata: { ...current.metadata } };
  const currentMeta = merged.metadata as Json;
  for (const field of ['labels', 'annotations', 'ownerReferences', 'finalizers'] as const) {
    if (metadata[field] === undefined) delete currentMeta[field];
    else currentMeta[field] = metadata[field];
  }
  Object.assign(merged, payload);
  if (current.status !== undefined) merged.status = current.status;
  return merged as unknown as KubeObject;
}

/** Fixes the fields only the store may set and bumps generation when the spec (or spec-less payload) changed. */
function finalize(current: KubeObject, desired: KubeObject): KubeObject {
  const object = applyDefaults(desired);
  const keep = current.metadata;
  object.metadata = {
    ...object.metadata,
    name: keep.name,
    uid: keep.uid,
    creationTimestamp: keep.creationTimestamp,
    generation: keep.generation,
    resourceVersion: keep.resourceVersion,
  };
  if (keep.namespace !== undefined) object.metadata.namespace = keep.namespace;
  if (keep.generateName !== undefined) object.metadata.generateName = keep.generateName;
  if (JSON.stringify(payloadOf(object)) !== JSON.stringify(payloadOf(current))) {
    object.metadata.generation = keep.generation + 1;
  }
  return object;
}

function payloadOf(object: KubeObject): unknown {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...payload } = object;
  return payload;
}

/**
 * Deletion as Kubernetes does it: finalizers (and Foreground/Orphan propagation, which add one) keep the object
 * with a deletionTimestamp until they are removed; a pod bound to a node is kept for its grace period so the
 * node agent can stop its containers and then delete it with grace 0.
 */
function markDeleted(current: KubeObject, options: DeleteOptions): KubeObject {
  const object = structuredClone(current);
  const meta = object.metadata;
  const finalizers = new Set(meta.finalizers ?? []);
  if (options.propagationPolicy === 'Foreground') finalizers.add(FOREGROUND_FINALIZER);
  if (options.propagationPolicy === 'Orphan') finalizers.add(ORPHAN_FINALIZER);
  if (finalizers.size > 0) meta.finalizers = [...finalizers];
  meta.deletionTimestamp ??= new Date().toISOString();
  if (object.kind === 'Namespace') {
    // Terminating first: from this write on the create script refuses new objects in it; the namespace controller
    // empties it and removes the finalizer, which removes the namespace.
    if (!finalizers.has(NAMESPACE_FINALIZER) && !current.metadata.deletionTimestamp) {
      meta.finalizers = [...(meta.finalizers ?? []), NAMESPACE_FINALIZER];
    }
    object.status = { ...(object.status as object), phase: 'Terminating' };
  }
  if (object.kind === 'Pod') {
    const spec = object.spec as KindMap['Pod']['spec'];
    // A repeated delete may shorten the grace period, never lengthen it.
    const requested = options.gracePeriodSeconds ?? spec?.terminationGracePeriodSeconds ?? 30;
    const grace = Math.max(0, Math.min(requested, meta.deletionGracePeriodSeconds ?? Infinity));
    meta.deletionGracePeriodSeconds = spec?.nodeName ? grace : 0;
  }
  return object;
}

/** A pod still bound to a node with grace left waits for its node agent. */
function keepsForGrace(object: KubeObject): boolean {
  if (object.kind !== 'Pod') return false;
  const spec = object.spec as KindMap['Pod']['spec'];
  return Boolean(spec?.nodeName) && (object.metadata.deletionGracePeriodSeconds ?? 0) > 0;
}

function assertValid(object: KubeObject): void {
  const violations = validateObject(object);
  if (violations.length > 0) {
    throw CapstanError.invalid(violations, describe(object.kind, object.metadata.namespace, object.metadata.name));
  }
}

function randomSuffix(): string {
  let out = '';
  for (let i = 0; i < 5; i++) out += NAME_ALPHABET[Math.floor(Math.random() * NAME_ALPHABET.length)];
  return out;
}

function describe(kind: string, namespace: string | undefined, name: string): string {
  return namespace && isNamespaced(kind as Kind) ? `${kind} ${namespace}/${name}` : `${kind} ${name}`;
}

function notFound(kind: Kind, namespace: string | undefined, name: string): CapstanError {
  return new CapstanError('NOT_FOUND', `${describe(kind, namespace || 'default', name)} not found`);
}

function alreadyExists(kind: Kind, namespace: string | undefined, name: string): CapstanError {
  return new CapstanError('ALREADY_EXISTS', `${describe(kind, namespace, name)} already exists`);
}

function staleVersion(kind: Kind, namespace: string | undefined, name: string, expected: string, actual: string) {
  return new CapstanError(
    'CONFLICT',
    `${describe(kind, namespace, name)} was modified: you have resourceVersion ${expected}, the stored one is ${actual}; re-read and retry`,
  );
}

function unavailable(err: unknown): CapstanError {
  return new CapstanError(
    'UNAVAILABLE',
    `the state store (Redis) is unavailable: ${(err as Error)?.message ?? String(err)}`,
    {
      cause: err,
    },
  );
}

function scriptError(err: unknown, kind: Kind, namespace: string | undefined, name: string): CapstanError {
  if (isCapstanError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (message.includes('ALREADY_EXISTS')) return alreadyExists(kind, namespace, name);
  if (message.includes('NOT_FOUND')) return notFound(kind, namespace, name);
  if (message.includes('CONFLICT')) {
    return new CapstanError(
      'CONFLICT',
      `${describe(kind, namespace, name)} was modified concurrently; re-read and retry`,
    );
  }
  if (message.includes('NAMESPACE_MISSING')) {
    return new CapstanError('NOT_FOUND', `namespace ${namespace} not found: create it first`);
  }
  if (message.includes('NAMESPACE_TERMINATING')) {
    return new CapstanError(
      'FORBIDDEN',
      `namespace ${namespace} is being deleted: no new objects may be created in it`,
    );
  }
  return unavailable(err);
}
