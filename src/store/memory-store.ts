import { isNamespaced } from '../api/types.ts';
import type { Kind, KindMap, KubeObject, ObjectInput } from '../api/types.ts';
import { buildFilter } from './object-filter.ts';
import { finalize, isReleased, isTerminating, markDeleted, mergeUpdate, prepareCreate } from './object-lifecycle.ts';
import { retryOnConflict } from './retry-on-conflict.ts';
import type {
  DeleteOptions,
  ListOptions,
  ListResult,
  Store,
  Watch,
  WatchEvent,
  WatchOptions,
  WriteOptions,
} from './store.ts';
import {
  alreadyExists,
  assertAddressed,
  assertValid,
  modifiedConcurrently,
  namespaceTerminating,
  notFound,
  staleVersion,
} from './store-errors.ts';

interface Change {
  rv: number;
  kind: string;
  type: WatchEvent<KubeObject>['type'];
  object: KubeObject;
  previous?: KubeObject;
}

/**
 * A `Store` in memory for unit tests of code that works through the store (the node agent), keeping the rules of
 * object-lifecycle.ts as `RedisStore` does (defaults, generation, finalizers, Foreground/Orphan propagation, a
 * bound pod's grace period, a namespace's Terminating phase), its validation and its refusals
 * (store-errors.ts), with compare-and-set by resourceVersion and list and watch with selectors; the store
 * contract test (test/store-contract.test.ts) runs one suite over both. Unlike `RedisStore` it runs no admission
 * and creates objects in a namespace nobody created, so unit tests need not set up namespaces.
 */
export class MemoryStore implements Store {
  private readonly objects = new Map<string, KubeObject>();
  private readonly changes: Change[] = [];
  private readonly watchers = new Set<(change: Change) => void>();
  private rv = 0;
  /** Writes so far by kind and verb (`Pod.updateStatus`), for tests that count what was written. */
  readonly writes = new Map<string, number>();

  async get<K extends Kind>(kind: K, namespace: string | undefined, name: string): Promise<KindMap[K]> {
    const found = await this.tryGet(kind, namespace, name);
    if (!found) throw notFound(kind, namespace, name);
    return found;
  }

  async tryGet<K extends Kind>(kind: K, namespace: string | undefined, name: string): Promise<KindMap[K] | undefined> {
    const found = this.objects.get(key(kind, namespace, name));
    return found ? (structuredClone(found) as KindMap[K]) : undefined;
  }

  async getMany<K extends Kind>(
    kind: K,
    refs: readonly { namespace?: string; name: string }[],
  ): Promise<(KindMap[K] | undefined)[]> {
    return Promise.all(refs.map((r) => this.tryGet(kind, r.namespace, r.name)));
  }

  async list<K extends Kind>(kind: K, options: ListOptions = {}): Promise<ListResult<KindMap[K]>> {
    const filter = buildFilter(kind, options);
    const items = [...this.objects.entries()]
      .filter(([k, o]) => k.startsWith(`${kind}:`) && filter.matches(o))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([, o]) => structuredClone(o) as KindMap[K]);
    return { items, resourceVersion: String(this.rv) };
  }

  async create<K extends Kind>(kind: K, input: ObjectInput<KindMap[K]>, options?: WriteOptions): Promise<KindMap[K]> {
    const object = prepareCreate(kind, input);
    assertValid(object);
    const { namespace, name } = object.metadata;
    const k = key(kind, namespace, name);
    if (this.objects.has(k)) throw alreadyExists(kind, namespace, name);
    const home = namespace === undefined ? undefined : this.objects.get(key('Namespace', undefined, namespace));
    if (home && isTerminating(home)) throw namespaceTerminating(namespace);
    if (options?.dryRun) return object as KindMap[K];
    return this.store(kind, k, object, 'create') as KindMap[K];
  }

  async update<K extends Kind>(kind: K, input: ObjectInput<KindMap[K]>, options?: WriteOptions): Promise<KindMap[K]> {
    return this.conditionalWrite(kind, input, 'update', options, (current) =>
      mergeUpdate(current, input as KubeObject),
    );
  }

  async updateStatus<K extends Kind>(
    kind: K,
    input: ObjectInput<KindMap[K]>,
    options?: WriteOptions,
  ): Promise<KindMap[K]> {
    return this.conditionalWrite(kind, input, 'updateStatus', options, (current) => ({
      ...current,
      status: input.status,
    }));
  }

  async mutate<K extends Kind>(
    kind: K,
    namespace: string | undefined,
    name: string,
    fn: (current: KindMap[K]) => KindMap[K] | undefined | Promise<KindMap[K] | undefined>,
    options: WriteOptions & { status?: boolean } = {},
  ): Promise<KindMap[K]> {
    return retryOnConflict(Infinity, async (write) => {
      const current = await this.get(kind, namespace, name);
      const next = await fn(structuredClone(current));
      if (next === undefined) return current;
      let desired = mergeUpdate(current, next);
      if (options.status) desired = { ...desired, status: next.status };
      return write(async () => this.write(current, desired, options.status ? 'updateStatus' : 'update', options));
    }) as Promise<KindMap[K]>;
  }

  async delete<K extends Kind>(
    kind: K,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): Promise<KindMap[K]> {
    const current = await this.get(kind, namespace, name);
    if (options.resourceVersion && options.resourceVersion !== current.metadata.resourceVersion) {
      throw staleVersion(kind, namespace, name, options.resourceVersion, current.metadata.resourceVersion);
    }
    const desired = markDeleted(current, options);
    if (options.dryRun) return desired as KindMap[K];
    return this.write(current, desired, 'delete', {}) as KindMap[K];
  }

  watch<K extends Kind>(kind: K, options: WatchOptions = {}): Watch<KindMap[K]> {
    const filter = buildFilter(kind, options);
    const queue: WatchEvent<KindMap[K]>[] = [];
    let wake: (() => void) | undefined;
    let closed = false;
    const offer = (change: Change): void => {
      if (change.kind !== kind) return;
      const now = filter.matches(change.object);
      const before = change.previous !== undefined && filter.matches(change.previous);
      let type = change.type;
      if (type === 'MODIFIED' && now && !before) type = 'ADDED';
      else if (type === 'MODIFIED' && !now && before) type = 'DELETED';
      else if (!now) return;
      queue.push({ type, object: (type === 'DELETED' && !now ? change.previous : change.object) as KindMap[K] });
      wake?.();
    };
    if (options.sinceResourceVersion !== undefined) {
      const since = Number(options.sinceResourceVersion);
      for (const change of this.changes) if (change.rv > since) offer(change);
    }
    this.watchers.add(offer);
    const watchers = this.watchers;
    return {
      close() {
        closed = true;
        watchers.delete(offer);
        wake?.();
      },
      async *[Symbol.asyncIterator]() {
        try {
          for (;;) {
            while (queue.length > 0 && !closed) yield queue.shift()!;
            if (closed) return;
            await new Promise<void>((resolve) => (wake = resolve));
            wake = undefined;
          }
        } finally {
          watchers.delete(offer);
        }
      },
    };
  }

  async currentResourceVersion(): Promise<string> {
    return String(this.rv);
  }

  async close(): Promise<void> {
    this.watchers.clear();
  }

  /** Update/updateStatus: read, check the caller's precondition, build, write. */
  private async conditionalWrite<K extends Kind>(
    kind: K,
    input: ObjectInput<KindMap[K]>,
    verb: string,
    options: WriteOptions = {},
    build: (current: KubeObject) => KubeObject,
  ): Promise<KindMap[K]> {
    assertAddressed(kind, input);
    const { namespace, name = '', resourceVersion } = input.metadata;
    const current = (await this.get(kind, namespace, name)) as KubeObject;
    if (resourceVersion && resourceVersion !== current.metadata.resourceVersion) {
      throw staleVersion(kind, namespace, name, resourceVersion, current.metadata.resourceVersion);
    }
    return this.write(current, build(current), verb, options) as KindMap[K];
  }

  /**
   * Writes `desired` over `current` as `RedisStore.write` does: finalized, validated (a delete's mark is not),
   * removed instead when it is deleted and released, skipped when it changes nothing, and refused with CONFLICT
   * when the stored object is no longer `current`.
   */
  private write(current: KubeObject, desired: KubeObject, verb: string, options: WriteOptions): KubeObject {
    const object = finalize(current, desired);
    if (verb !== 'delete') assertValid(object, current);
    const remove = object.metadata.deletionTimestamp !== undefined && isReleased(object);
    if (!remove && storedState(object) === storedState(current)) return structuredClone(current);
    if (options.dryRun) return object;
    const { kind } = current;
    const { namespace, name } = current.metadata;
    const k = key(kind, namespace, name);
    const stored = this.objects.get(k);
    if (!stored) throw notFound(kind as Kind, namespace, name);
    if (stored.metadata.resourceVersion !== current.metadata.resourceVersion) {
      throw modifiedConcurrently(kind as Kind, namespace, name);
    }
    if (!remove) return this.store(kind, k, object, verb, stored);
    const rv = ++this.rv;
    const last = freeze({ ...object, metadata: { ...object.metadata, resourceVersion: String(rv) } } as KubeObject);
    this.objects.delete(k);
    this.count(kind, verb);
    this.publish({ rv, kind, type: 'DELETED', object: last, previous: stored });
    return structuredClone(last);
  }

  private store(kind: string, k: string, object: KubeObject, verb: string, previous?: KubeObject): KubeObject {
    const rv = ++this.rv;
    const stored = freeze({ ...object, metadata: { ...object.metadata, resourceVersion: String(rv) } } as KubeObject);
    this.objects.set(k, stored);
    this.count(kind, verb);
    this.publish({
      rv,
      kind,
      type: previous ? 'MODIFIED' : 'ADDED',
      object: stored,
      ...(previous ? { previous } : {}),
    });
    return structuredClone(stored);
  }

  private count(kind: string, verb: string): void {
    const k = `${kind}.${verb}`;
    this.writes.set(k, (this.writes.get(k) ?? 0) + 1);
  }

  private publish(change: Change): void {
    this.changes.push(change);
    for (const w of this.watchers) w(change);
  }
}

function key(kind: string, namespace: string | undefined, name: string): string {
  return isNamespaced(kind as Kind) ? `${kind}:${namespace ?? 'default'}/${name}` : `${kind}:${name}`;
}

/** An object as the store compares it: everything but its resourceVersion. */
function storedState(object: KubeObject): string {
  const { resourceVersion: _rv, ...metadata } = object.metadata;
  return JSON.stringify({ ...object, metadata });
}

function freeze<T extends object>(value: T): T {
  return Object.freeze(structuredClone(value));
}
