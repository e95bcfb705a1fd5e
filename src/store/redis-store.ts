import { Redis } from 'ioredis';
import { CapstanError, isCapstanError } from '../api/errors.ts';
import { isNamespaced } from '../api/types.ts';
import type { Kind, KindMap, KubeObject, ObjectInput } from '../api/types.ts';
import { logger } from '../util/logger.ts';
import { storeOps } from '../util/metrics.ts';
import { decodeContinue, encodeContinue } from './continue-token.ts';
import { finalize, isReleased, isTerminating, markDeleted, mergeUpdate, prepareCreate } from './object-lifecycle.ts';
import { buildFilter, matchView } from './object-filter.ts';
import {
  DEFAULT_REDIS_URL,
  isRedisAuthError,
  redactRedisUrl,
  redisAuthError,
  redisConnectionUrl,
} from './redis-url.ts';
import { describeSentinel, sentinelClientOptions, sentinelFromEnv, type SentinelConfig } from './redis-sentinel.ts';
import { retryOnConflict, type WriteStep } from './retry-on-conflict.ts';
import { replicaWaitFromEnv, waitForReplicas, type ReplicaWait } from './replica-wait.ts';
import {
  alreadyExists,
  assertAddressed,
  assertValid,
  describeObject,
  modifiedConcurrently,
  namespaceMissing,
  namespaceTerminating,
  notFound,
  staleVersion,
} from './store-errors.ts';
import { CREATE_SCRIPT, DELETE_BATCH_SCRIPT, LIST_SCRIPT, scriptRefusal, UPDATE_SCRIPT } from './scripts.ts';
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
      const object = await this.admit('create', prepareCreate(kind, input), undefined, options);
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
    return this.retryWrites(kind, namespace, name, false, async (write) => {
      const current = await this.get(kind, namespace, name);
      const next = await fn(structuredClone(current));
      if (next === undefined) return current;
      let desired = mergeUpdate(current, next);
      if (options.status) desired = { ...desired, status: next.status };
      return (await write(() => this.write(kind, current, desired, options))) as KindMap[K];
    });
  }

  async delete<K extends Kind>(
    kind: K,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): Promise<KindMap[K]> {
    return this.retryWrites(kind, namespace, name, Boolean(options.resourceVersion), async (write) => {
      const current = (await this.get(kind, namespace, name)) as KubeObject;
      if (options.resourceVersion && options.resourceVersion !== current.metadata.resourceVersion) {
        throw staleVersion(kind, namespace, name, options.resourceVersion, current.metadata.resourceVersion);
      }
      const desired = markDeleted(current, options);
      if (options.dryRun) return desired as KindMap[K];
      return (await write(() => this.write(kind, current, desired, {}, true))) as KindMap[K];
    });
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
      const remove = isReleased(object);
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

  /** Update/updateStatus: read, check the caller's precondition, build, write; retry races when unconditional. */
  private async conditionalWrite<K extends Kind>(
    kind: K,
    input: ObjectInput<KindMap[K]>,
    options: WriteOptions,
    build: (current: KubeObject) => KubeObject,
  ): Promise<KindMap[K]> {
    assertAddressed(kind, input);
    const { namespace, name = '', resourceVersion } = input.metadata;
    return this.retryWrites(kind, namespace, name, Boolean(resourceVersion), async (write) => {
      const current = (await this.get(kind, namespace, name)) as KubeObject;
      if (resourceVersion && resourceVersion !== current.metadata.resourceVersion) {
        throw staleVersion(kind, namespace, name, resourceVersion, current.metadata.resourceVersion);
      }
      return (await write(() => this.write(kind, current, build(current), options))) as KindMap[K];
    });
  }

  /**
   * Runs a read-modify-write until it is not in a race; a caller's precondition (`resourceVersion`) is tried once,
   * its CONFLICT returned as it is.
   */
  private retryWrites<T>(
    kind: Kind,
    namespace: string | undefined,
    name: string,
    precondition: boolean,
    attempt: (write: WriteStep) => Promise<T>,
  ): Promise<T> {
    if (precondition) return retryOnConflict(1, attempt);
    return retryOnConflict(
      MUTATE_ATTEMPTS,
      attempt,
      () =>
        new CapstanError(
          'CONFLICT',
          `${describeObject(kind, namespace, name)} is changing too fast: gave up after retries`,
        ),
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
      assertValid(object, current);
    }
    const remove = object.metadata.deletionTimestamp !== undefined && isReleased(object);
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
          isTerminating(object) ? '1' : '0',
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
      if (scriptRefusal(err)) throw err;
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
  switch (scriptRefusal(err)) {
    case 'ALREADY_EXISTS':
      return alreadyExists(kind, namespace, name);
    case 'NOT_FOUND':
      return notFound(kind, namespace, name);
    case 'CONFLICT':
      return modifiedConcurrently(kind, namespace, name);
    case 'NAMESPACE_MISSING':
      return namespaceMissing(namespace);
    case 'NAMESPACE_TERMINATING':
      return namespaceTerminating(namespace);
    case undefined:
      return unavailable(err);
  }
}
