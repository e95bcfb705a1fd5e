import type { Kind, KindMap, KubeObject, ObjectInput } from '../api/types.ts';
import type { Identity } from './identity.ts';
import type { DeleteOptions, ListOptions, Store, WatchOptions, WriteOptions } from '../store/store.ts';
import { authorizeWrite } from './authorize.ts';
import { authorizeKindRead, authorizeObjectRead } from './config-access.ts';

/**
 * A Store that acts as one identity: every read and write is authorized as the API would authorize it. The node
 * agent embedded in `capstan up` runs on it with its node credential, so an in-process node has exactly the rights
 * of a remote one (its own Node and Lease, the status of pods bound to it, events).
 */
export class AuthorizedStore implements Store {
  constructor(
    private readonly inner: Store,
    readonly identity: Identity,
  ) {}

  async get<K extends Kind>(kind: K, namespace: string | undefined, name: string): Promise<KindMap[K]> {
    authorizeKindRead(this.identity, kind, 'get');
    await authorizeObjectRead(this.inner, this.identity, kind, namespace, name);
    return this.inner.get(kind, namespace, name);
  }

  async tryGet<K extends Kind>(kind: K, namespace: string | undefined, name: string): Promise<KindMap[K] | undefined> {
    authorizeKindRead(this.identity, kind, 'get');
    await authorizeObjectRead(this.inner, this.identity, kind, namespace, name);
    return this.inner.tryGet(kind, namespace, name);
  }

  async getMany<K extends Kind>(kind: K, refs: readonly { namespace?: string; name: string }[]) {
    authorizeKindRead(this.identity, kind, 'get');
    for (const ref of refs) await authorizeObjectRead(this.inner, this.identity, kind, ref.namespace, ref.name);
    return this.inner.getMany(kind, refs);
  }

  list<K extends Kind>(kind: K, options?: ListOptions) {
    authorizeKindRead(this.identity, kind, 'list');
    return this.inner.list(kind, options);
  }

  watch<K extends Kind>(kind: K, options?: WatchOptions) {
    authorizeKindRead(this.identity, kind, 'watch');
    return this.inner.watch(kind, options);
  }

  async create<K extends Kind>(kind: K, object: ObjectInput<KindMap[K]>, options?: WriteOptions): Promise<KindMap[K]> {
    authorizeWrite(this.identity, {
      kind,
      namespace: object.metadata.namespace,
      name: object.metadata.name ?? '',
      verb: 'create',
      object: object as KubeObject,
    });
    return this.inner.create(kind, object, options);
  }

  async update<K extends Kind>(kind: K, object: ObjectInput<KindMap[K]>, options?: WriteOptions): Promise<KindMap[K]> {
    await this.authorizeExisting(kind, object, 'update');
    return this.inner.update(kind, object, options);
  }

  async updateStatus<K extends Kind>(
    kind: K,
    object: ObjectInput<KindMap[K]>,
    options?: WriteOptions,
  ): Promise<KindMap[K]> {
    await this.authorizeExisting(kind, object, 'updateStatus');
    return this.inner.updateStatus(kind, object, options);
  }

  mutate<K extends Kind>(
    kind: K,
    namespace: string | undefined,
    name: string,
    fn: (current: KindMap[K]) => KindMap[K] | undefined | Promise<KindMap[K] | undefined>,
    options: WriteOptions & { status?: boolean } = {},
  ): Promise<KindMap[K]> {
    const statusOnly = options.status === true && this.identity.role !== 'admin';
    return this.inner.mutate(
      kind,
      namespace,
      name,
      async (current) => {
        authorizeWrite(this.identity, {
          kind,
          namespace,
          name,
          verb: statusOnly ? 'updateStatus' : 'update',
          current: current as KubeObject,
        });
        const next = await fn(structuredClone(current));
        // A status-only writer changes status and nothing else, whatever its function returned.
        return next && statusOnly ? { ...current, status: next.status } : next;
      },
      options,
    );
  }

  async delete<K extends Kind>(
    kind: K,
    namespace: string | undefined,
    name: string,
    options?: DeleteOptions,
  ): Promise<KindMap[K]> {
    const current = (await this.inner.get(kind, namespace, name)) as KubeObject;
    authorizeWrite(this.identity, { kind, namespace, name, verb: 'delete', current });
    return this.inner.delete(kind, namespace, name, options);
  }

  currentResourceVersion(): Promise<string> {
    return this.inner.currentResourceVersion();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async authorizeExisting(kind: Kind, object: ObjectInput, verb: 'update' | 'updateStatus'): Promise<void> {
    const { namespace, name = '' } = object.metadata;
    // Only a pod's binding decides what a node may write, so only then is the stored object read first.
    const current = kind === 'Pod' ? ((await this.inner.tryGet(kind, namespace, name)) as KubeObject) : undefined;
    authorizeWrite(this.identity, { kind, namespace, name, verb, object: object as KubeObject, current });
  }
}
