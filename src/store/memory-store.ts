import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { CapstanError } from '../api/errors.ts';
import { isNamespaced } from '../api/types.ts';
import type { Kind, KindMap, KubeObject, ObjectInput } from '../api/types.ts';
import { buildFilter } from './object-filter.ts';
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

interface Change {
  rv: number;
  kind: string;
  type: WatchEvent<KubeObject>['type'];
  object: KubeObject;
  previous?: KubeObject;
}

/**
 * A `Store` in memory for unit tests of code that works through the store (the node agent): compare-and-set by
 * resourceVersion, generation, graceful deletion of bound pods and finalizers, list and watch with selectors, as
 * `RedisStore` has them, without Redis. It does no defaulting, validation or admission; the store's own tests and
 * every integration test use the real one.
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
    if (!found) throw new CapstanError('NOT_FOUND', `${kind} ${namespace ? `${namespace}/` : ''}${name} not found`);
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
    const object = structuredClone(input) as unknown as KubeObject;
    const namespace = isNamespaced(kind) ? (object.metadata.namespace ?? 'default') : undefined;
    const name = object.metadata.name || `${object.metadata.generateName ?? 'obj-'}${randomUUID().slice(0, 5)}`;
    const k = key(kind, namespace, name);
    if (this.objects.has(k)) throw new CapstanError('ALREADY_EXISTS', `${kind} ${name} already exists`);
    if (
      namespace &&
      kind !== 'Namespace' &&
      this.objects.get(key('Namespace', undefined, namespace))?.metadata.deletionTimestamp
    ) {
      throw new CapstanError('FORBIDDEN', `namespace ${namespace} is being terminated`);
    }
    const stored: KubeObject = {
      ...object,
      kind,
      metadata: {
        ...object.metadata,
        name,
        ...(namespace ? { namespace } : {}),
        uid: randomUUID(),
        creationTimestamp: new Date().toISOString(),
        generation: 1,
        resourceVersion: '',
      },
    } as KubeObject;
    if (options?.dryRun) return stored as KindMap[K];
    return this.write(kind, k, stored, 'create') as KindMap[K];
  }

  async update<K extends Kind>(kind: K, input: ObjectInput<KindMap[K]>, options?: WriteOptions): Promise<KindMap[K]> {
    return this.replace(kind, input, false, options);
  }

  async updateStatus<K extends Kind>(
    kind: K,
    input: ObjectInput<KindMap[K]>,
    options?: WriteOptions,
  ): Promise<KindMap[K]> {
    return this.replace(kind, input, true, options);
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
      if (!next) return current;
      const input = next as unknown as ObjectInput<KindMap[K]>;
      return write(() =>
        options.status ? this.updateStatus(kind, input, options) : this.update(kind, input, options),
      );
    });
  }

  async delete<K extends Kind>(
    kind: K,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): Promise<KindMap[K]> {
    const k = key(kind, namespace, name);
    const current = this.objects.get(k);
    if (!current) throw new CapstanError('NOT_FOUND', `${kind} ${name} not found`);
    if (options.resourceVersion && options.resourceVersion !== current.metadata.resourceVersion) {
      throw new CapstanError(
        'CONFLICT',
        `${kind} ${name} changed (resourceVersion ${current.metadata.resourceVersion})`,
      );
    }
    const pod = kind === 'Pod' ? (current as KindMap['Pod']) : undefined;
    const grace = options.gracePeriodSeconds ?? pod?.spec?.terminationGracePeriodSeconds ?? 30;
    const graceful = pod?.spec?.nodeName !== undefined && grace > 0;
    if (graceful || (current.metadata.finalizers?.length ?? 0) > 0) {
      if (current.metadata.deletionTimestamp) return structuredClone(current) as KindMap[K];
      const marked = {
        ...current,
        metadata: {
          ...current.metadata,
          deletionTimestamp: new Date().toISOString(),
          ...(graceful ? { deletionGracePeriodSeconds: grace } : {}),
        },
      } as KubeObject;
      return this.write(kind, k, marked, 'delete') as KindMap[K];
    }
    this.objects.delete(k);
    this.count(kind, 'delete');
    this.publish({ rv: ++this.rv, kind, type: 'DELETED', object: freeze(current) });
    return structuredClone(current) as KindMap[K];
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

  private async replace<K extends Kind>(
    kind: K,
    input: ObjectInput<KindMap[K]>,
    statusOnly: boolean,
    options?: WriteOptions,
  ): Promise<KindMap[K]> {
    const object = input as unknown as KubeObject;
    const namespace = isNamespaced(kind) ? (object.metadata.namespace ?? 'default') : undefined;
    const k = key(kind, namespace, object.metadata.name);
    const current = this.objects.get(k);
    if (!current) throw new CapstanError('NOT_FOUND', `${kind} ${object.metadata.name} not found`);
    const expected = object.metadata.resourceVersion;
    if (expected && expected !== current.metadata.resourceVersion) {
      throw new CapstanError(
        'CONFLICT',
        `${kind} ${object.metadata.name} changed (resourceVersion ${current.metadata.resourceVersion})`,
      );
    }
    let next: KubeObject;
    if (statusOnly) {
      next = { ...current, status: structuredClone((object as { status?: unknown }).status) } as KubeObject;
    } else {
      const { status: _status, metadata, ...rest } = structuredClone(object) as KubeObject & { status?: unknown };
      const specChanged = !isDeepStrictEqual((rest as { spec?: unknown }).spec, (current as { spec?: unknown }).spec);
      next = {
        ...rest,
        ...('status' in current ? { status: (current as { status?: unknown }).status } : {}),
        metadata: {
          ...current.metadata,
          labels: metadata.labels,
          annotations: metadata.annotations,
          ownerReferences: metadata.ownerReferences,
          finalizers: metadata.finalizers,
          generation: (current.metadata.generation ?? 1) + (specChanged ? 1 : 0),
        },
      } as KubeObject;
      if (
        next.metadata.deletionTimestamp &&
        !(next.metadata.finalizers?.length ?? 0) &&
        current.metadata.finalizers?.length
      ) {
        if (options?.dryRun) return next as KindMap[K];
        this.objects.delete(k);
        this.count(kind, 'update');
        this.publish({ rv: ++this.rv, kind, type: 'DELETED', object: freeze(current) });
        return next as KindMap[K];
      }
    }
    if (options?.dryRun) return next as KindMap[K];
    return this.write(kind, k, next, statusOnly ? 'updateStatus' : 'update', current) as KindMap[K];
  }

  private write(kind: string, k: string, object: KubeObject, verb: string, previous?: KubeObject): KubeObject {
    const rv = ++this.rv;
    const stored = freeze({ ...object, metadata: { ...object.metadata, resourceVersion: String(rv) } } as KubeObject);
    const before = previous ?? this.objects.get(k);
    this.objects.set(k, stored);
    this.count(kind, verb);
    this.publish({
      rv,
      kind,
      type: before ? 'MODIFIED' : 'ADDED',
      object: stored,
      ...(before ? { previous: before } : {}),
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

function freeze<T extends object>(value: T): T {
  return Object.freeze(structuredClone(value));
}
