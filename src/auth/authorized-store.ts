import { CapstanError } from '../api/errors.ts';
import type { Kind, KindMap, KubeObject, ObjectInput } from '../api/types.ts';
import type { Identity } from './identity.ts';
import type { DeleteOptions, ListOptions, Store, WatchOptions, WriteOptions } from '../store/store.ts';
import type { WindowRateLimiter } from '../util/limits.ts';
import { authorizeWrite } from './authorize.ts';
import { authorizeKindRead, authorizeObjectRead } from './config-access.ts';
import { requireLiveNodeCredential } from './node-revocation.ts';

export interface AuthorizedStoreOptions {
  /** A node's Event creates (not dry runs) past this limiter's window fail TOO_MANY_REQUESTS (`eventsPerNodePerMinute`). */
  nodeEvents?: WindowRateLimiter;
}

/**
 * A Store that acts as one identity: every read and write is authorized as that identity, on the stored object
 * where the rule depends on it (a node's pods, the ConfigMaps and Secrets they refer to). It is the one enforcement
 * point of object-level rules: each API request's store is one (src/server/use-auth.ts), so no field resolver,
 * however it reaches an object (a root field, an Event's object, an owner), reads or writes what its caller may
 * not. The node agent embedded in `capstan up` runs on one with its node credential, so an in-process node has
 * exactly the rights of a remote one (its own Node and Lease, the status of pods bound to it, events).
 */
export class AuthorizedStore implements Store {
  constructor(
    private readonly inner: Store,
    readonly identity: Identity,
    private readonly options: AuthorizedStoreOptions = {},
  ) {}

  /**
   * As getMany, but each object is authorized on its own: a refused one is its CapstanError (FORBIDDEN) in the
   * result, the others are fetched in one round trip (a request's DataLoader batch may mix both).
   */
  async getEach<K extends Kind>(
    kind: K,
    refs: readonly { namespace?: string; name: string }[],
  ): Promise<(KindMap[K] | undefined | CapstanError)[]> {
    authorizeKindRead(this.identity, kind, 'get');
    const refusals = await Promise.all(
      refs.map((ref) =>
        authorizeObjectRead(this.inner, this.identity, kind, ref.namespace, ref.name).then(
          () => undefined,
          (err: unknown) => {
            if (err instanceof CapstanError) return err;
            throw err;
          },
        ),
      ),
    );
    const allowed = refs.filter((_, i) => !refusals[i]);
    const objects = allowed.length > 0 ? await this.inner.getMany(kind, allowed) : [];
    let next = 0;
    return refs.map((_, i) => refusals[i] ?? objects[next++]);
  }

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
    // A node registering its Node does so with a credential stored now, not one revoked a moment ago that another
    // API server's authentication cache may still hold (deleting a Node revokes its credentials).
    if (kind === 'Node' && this.identity.role === 'node') await requireLiveNodeCredential(this.inner, this.identity);
    const nodeName = this.identity.nodeName;
    if (kind === 'Event' && this.identity.role === 'node' && nodeName && !options?.dryRun) {
      this.options.nodeEvents?.take(nodeName, () => `node ${nodeName} wrote too many events this minute`);
    }
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

  async mutate<K extends Kind>(
    kind: K,
    namespace: string | undefined,
    name: string,
    fn: (current: KindMap[K]) => KindMap[K] | undefined | Promise<KindMap[K] | undefined>,
    options: WriteOptions & { status?: boolean } = {},
  ): Promise<KindMap[K]> {
    const statusOnly = options.status === true && this.identity.role !== 'admin';
    const verb = statusOnly ? 'updateStatus' : 'update';
    // Only a pod's binding needs the stored object; any other refusal comes before the read (a caller learns nothing
    // of whether an object it may not write exists).
    if (kind !== 'Pod') authorizeWrite(this.identity, { kind, namespace, name, verb });
    return this.inner.mutate(
      kind,
      namespace,
      name,
      async (current) => {
        authorizeWrite(this.identity, {
          kind,
          namespace,
          name,
          verb,
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
    // Only a pod's binding decides what a node may delete, so only then is the stored object read first. A pod
    // that is gone is NOT_FOUND, as for anyone (a node may read every pod): the agent finishing a deletion someone
    // else finished first takes that as done.
    const current = await this.storedPod(kind, namespace, name);
    if (kind === 'Pod' && this.identity.role === 'node' && !current) {
      throw new CapstanError('NOT_FOUND', `pod ${namespace || 'default'}/${name} not found`);
    }
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
    const current = await this.storedPod(kind, namespace, name);
    authorizeWrite(this.identity, { kind, namespace, name, verb, object: object as KubeObject, current });
  }

  /** The stored pod a node's write is judged on; undefined for other kinds and other callers (nothing to read). */
  private async storedPod(kind: Kind, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    if (kind !== 'Pod' || this.identity.role !== 'node') return undefined;
    return this.inner.tryGet(kind, namespace, name);
  }
}

/**
 * Objects by reference, each authorized on its own when `store` is an AuthorizedStore (a refused one is its
 * CapstanError); any other store answers as getMany does.
 */
export function getEach<K extends Kind>(
  store: Store,
  kind: K,
  refs: readonly { namespace?: string; name: string }[],
): Promise<(KindMap[K] | undefined | CapstanError)[]> {
  return store instanceof AuthorizedStore ? store.getEach(kind, refs) : store.getMany(kind, refs);
}
