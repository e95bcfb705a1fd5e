import type { Kind, KindMap, KubeObject, ObjectInput } from '../api/types.ts';

/** Options of a list. Selectors use Kubernetes syntax (`app=web,tier in (a,b)`, `spec.nodeName=n1`). */
export interface ListOptions {
  /** Only this namespace; omitted or undefined lists every namespace. Ignored for cluster-scoped kinds. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size; the result's `continue` token fetches the next page. */
  limit?: number;
  continue?: string;
}

export interface ListResult<T> {
  items: T[];
  /** The store's resourceVersion when the list was read; a watch from it misses nothing. */
  resourceVersion: string;
  /** Set when more items remain; pass it back as `ListOptions.continue`. */
  continue?: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent<T> {
  type: WatchEventType;
  object: T;
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /**
   * Deliver every change after this resourceVersion, then live changes. Omitted: live changes only.
   * A version older than the change stream's retention makes the watch fail with CapstanError EXPIRED
   * ("expired, re-list"), never a silent gap.
   */
  sinceResourceVersion?: string;
}

/** A running watch. Iterate it for events; `close()` ends the iteration. */
export interface Watch<T> extends AsyncIterable<WatchEvent<T>> {
  close(): void;
}

export interface WriteOptions {
  /** Validate and compute the result but write nothing. */
  dryRun?: boolean;
}

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export interface DeleteOptions extends WriteOptions {
  /** Precondition: fail with CONFLICT unless the object is at this version. */
  resourceVersion?: string;
  propagationPolicy?: PropagationPolicy;
  /**
   * Pods bound to a node are deleted gracefully: they get a deletionTimestamp and the node agent removes them once
   * their containers stopped. 0 deletes at once. Defaults to the pod's terminationGracePeriodSeconds.
   */
  gracePeriodSeconds?: number;
}

/**
 * The cluster state. Every write is a compare-and-set that bumps the cluster-wide resourceVersion and appends
 * the change to the change stream in the same atomic step.
 *
 * Errors are CapstanError: NOT_FOUND, ALREADY_EXISTS, CONFLICT (stale resourceVersion), INVALID (validation,
 * with field violations), EXPIRED (watch too old), UNAVAILABLE (Redis unreachable).
 */
export interface Store {
  /** Throws NOT_FOUND. `namespace` is ignored for cluster-scoped kinds. */
  get<K extends Kind>(kind: K, namespace: string | undefined, name: string): Promise<KindMap[K]>;
  tryGet<K extends Kind>(kind: K, namespace: string | undefined, name: string): Promise<KindMap[K] | undefined>;
  /** Several objects in one round trip; missing ones are undefined. */
  getMany<K extends Kind>(
    kind: K,
    refs: readonly { namespace?: string; name: string }[],
  ): Promise<(KindMap[K] | undefined)[]>;
  list<K extends Kind>(kind: K, options?: ListOptions): Promise<ListResult<KindMap[K]>>;
  /**
   * Defaults, validates and creates. Assigns uid, creationTimestamp, generation 1, resourceVersion, and a name
   * from `generateName` when `name` is empty. Throws ALREADY_EXISTS, INVALID, NOT_FOUND (namespace missing).
   */
  create<K extends Kind>(kind: K, object: ObjectInput<KindMap[K]>, options?: WriteOptions): Promise<KindMap[K]>;
  /**
   * Replaces spec, metadata (labels, annotations, ownerReferences, finalizers) and, for kinds without a spec,
   * the top-level payload. Status is kept. If `metadata.resourceVersion` is set it is a precondition (CONFLICT
   * when stale); otherwise the update is unconditional. `generation` is bumped when spec changes.
   * Removing the last finalizer of an object with a deletionTimestamp deletes it.
   */
  update<K extends Kind>(kind: K, object: ObjectInput<KindMap[K]>, options?: WriteOptions): Promise<KindMap[K]>;
  /** Replaces status only; `metadata.resourceVersion`, if set, is a precondition. */
  updateStatus<K extends Kind>(kind: K, object: ObjectInput<KindMap[K]>, options?: WriteOptions): Promise<KindMap[K]>;
  /**
   * Read-modify-write with retry on conflict: `fn` gets the current object and returns the new one (spec and
   * metadata; status too when `status: true`), or undefined to leave it unchanged. Throws NOT_FOUND.
   */
  mutate<K extends Kind>(
    kind: K,
    namespace: string | undefined,
    name: string,
    fn: (current: KindMap[K]) => KindMap[K] | undefined | Promise<KindMap[K] | undefined>,
    options?: WriteOptions & { status?: boolean },
  ): Promise<KindMap[K]>;
  /**
   * Deletes. With finalizers present the object only gets a deletionTimestamp (MODIFIED) and goes when the last
   * finalizer is removed. Foreground and Orphan propagation add the `foregroundDeletion` / `orphan` finalizer
   * that the garbage collector acts on. Returns the object as last stored.
   */
  delete<K extends Kind>(
    kind: K,
    namespace: string | undefined,
    name: string,
    options?: DeleteOptions,
  ): Promise<KindMap[K]>;
  /**
   * Changes of one kind, in order. Watch events and their objects are shared by every watcher of the process and
   * are frozen: copy one (`structuredClone`) before changing it.
   */
  watch<K extends Kind>(kind: K, options?: WatchOptions): Watch<KindMap[K]>;
  /** The current cluster-wide resourceVersion. */
  currentResourceVersion(): Promise<string>;
  close(): Promise<void>;
}

/**
 * Receives the changes of one kind synchronously and in order, straight from a store's stream reader: what an
 * in-process cache needs to serve consistent reads (see {@link ChangeFeedStore}).
 */
export interface ChangeSink<T> {
  /** A change of an object of the kind. The object is frozen and shared with every watcher of the process. */
  onEvent(event: WatchEvent<T>): void;
  /** Every change up to this resourceVersion, of any kind, has been passed to `onEvent`. */
  onProgress(resourceVersion: number): void;
  /** The feed ended and delivers nothing more; EXPIRED means: re-list and feed again from the new list. */
  onError(err: unknown): void;
}

/** A store whose process-local change stream reader can feed a cache and tell how far it has read. */
export interface ChangeFeedStore extends Store {
  /**
   * Every change of `kind` after `sinceResourceVersion`, delivered synchronously as the stream reader sees it,
   * with progress reports. A version older than the stream's retention ends the feed with EXPIRED.
   */
  feed<K extends Kind>(kind: K, sinceResourceVersion: string, sink: ChangeSink<KindMap[K]>): { close(): void };
}

export function hasChangeFeed(store: Store): store is ChangeFeedStore {
  return typeof (store as Partial<ChangeFeedStore>).feed === 'function';
}

/** What a batch delete did: objects deleted or marked, and objects skipped because they changed or went. */
export interface BatchDeleteResult {
  written: number;
  skipped: number;
}

/** A store that deletes many listed objects in few round trips (Kubernetes' DeleteCollection). */
export interface BatchDeleteStore extends Store {
  /**
   * Deletes each of `objects` as `delete` would (finalizers, grace periods, propagation), each with its listed
   * resourceVersion as precondition: an object that changed or went since it was listed is skipped, not retried.
   * No admission or validation runs, as for `delete`.
   */
  deleteBatch(kind: Kind, objects: readonly KubeObject[], options?: DeleteOptions): Promise<BatchDeleteResult>;
}

export function hasBatchDelete(store: Store): store is BatchDeleteStore {
  return typeof (store as Partial<BatchDeleteStore>).deleteBatch === 'function';
}

/**
 * An admission step run by the store before validation on every create and update, for every writer (API, apply,
 * controllers): defaulting that needs cluster state, such as allocating a Service's ClusterIP and NodePort.
 * It returns the object to write, or throws a CapstanError to refuse it. It must not write to the store itself.
 */
export interface AdmissionPlugin {
  readonly kinds: readonly string[];
  admit(request: {
    operation: 'create' | 'update';
    object: KubeObject;
    old?: KubeObject;
    dryRun: boolean;
  }): Promise<KubeObject> | KubeObject;
}
