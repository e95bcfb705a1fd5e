import { CapstanError, isCapstanError } from '../api/errors.ts';
import type { Kind, KindMap, KubeObject } from '../api/types.ts';
import type { EventRecorder } from '../events/event-recorder.ts';
import { Informer, type InformerOptions } from '../store/informer.ts';
import type { Store } from '../store/store.ts';
import type { Logger } from '../util/logger.ts';
import type { PodRef } from './pod-state.ts';

/**
 * Informers shared by every controller of one manager: one list+watch per kind (and namespace), whatever the
 * number of controllers reading it, each with an index by namespace so a controller reads "pods of namespace
 * X" without scanning every pod of the cluster.
 *
 * Controllers register their handlers while being constructed; `start()` begins the watches afterwards, so no
 * handler misses the initial list.
 */
export class SharedInformers {
  private readonly informers = new Map<string, Informer<Kind>>();
  private readonly indexes = new Map<Informer<Kind>, Map<string, Map<string, KubeObject>>>();
  private started = false;

  constructor(readonly store: Store) {}

  /** The informer of `kind` (limited to `options.namespace` when given), created on first use. */
  get<K extends Kind>(kind: K, options: Pick<InformerOptions, 'namespace'> = {}): Informer<K> {
    const key = `${kind}/${options.namespace ?? ''}`;
    let informer = this.informers.get(key) as Informer<K> | undefined;
    if (!informer) {
      informer = new Informer(this.store, kind, { ...options, retryDelayMs: 200 });
      const index = new Map<string, Map<string, KubeObject>>();
      informer.addHandler({
        onAdd: (object) => indexPut(index, object),
        onUpdate: (_previous, object) => indexPut(index, object),
        onDelete: (object) => index.get(object.metadata.namespace ?? '')?.delete(object.metadata.name),
      });
      this.informers.set(key, informer as unknown as Informer<Kind>);
      this.indexes.set(informer as unknown as Informer<Kind>, index);
      if (this.started) informer.start();
    }
    return informer;
  }

  /** The cached objects of `kind` in `namespace` (cluster-scoped kinds: namespace undefined). */
  inNamespace<K extends Kind>(kind: K, namespace: string | undefined): KindMap[K][] {
    const index = this.indexes.get(this.get(kind) as unknown as Informer<Kind>);
    return [...(index?.get(namespace ?? '')?.values() ?? [])] as KindMap[K][];
  }

  start(): void {
    this.started = true;
    for (const informer of this.informers.values()) informer.start();
  }

  /** Resolves once every informer created so far has loaded its first list. */
  async synced(): Promise<void> {
    await Promise.all([...this.informers.values()].map((informer) => informer.synced));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((informer) => informer.stop()));
  }
}

function indexPut(index: Map<string, Map<string, KubeObject>>, object: KubeObject): void {
  const namespace = object.metadata.namespace ?? '';
  let names = index.get(namespace);
  if (!names) index.set(namespace, (names = new Map()));
  names.set(object.metadata.name, object);
}

/** What every controller gets from its manager. */
export interface ControllerContext {
  store: Store;
  informers: SharedInformers;
  events: EventRecorder;
  logger: Logger;
}

/** A controller the manager runs: `run()` resolves once `stop()` was called and its workers finished. */
export interface Controller {
  readonly name: string;
  run(): Promise<void>;
  stop(): void;
}

/** The work queue key of a namespaced object: `namespace/name`. */
export function objectKey(object: { metadata: { namespace?: string; name: string } }): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** A short description of an error for logs, events and status messages. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Deletes (evicts) the pod `ref` names, respecting its grace period: a pod bound to a node gets a
 * deletionTimestamp and its node agent stops it within `gracePeriodSeconds` (default: the pod's
 * terminationGracePeriodSeconds). Only the same pod (uid) is deleted; a pod already gone or already being
 * deleted is left as it is. Returns false when there was nothing to delete.
 */
export async function deletePod(
  store: Store,
  ref: PodRef,
  options: { gracePeriodSeconds?: number } = {},
): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await store.tryGet('Pod', ref.namespace, ref.name);
    if (!current || current.metadata.uid !== ref.uid || current.metadata.deletionTimestamp) return false;
    try {
      await store.delete('Pod', ref.namespace, ref.name, {
        ...options,
        resourceVersion: current.metadata.resourceVersion,
      });
      return true;
    } catch (err) {
      if (isCapstanError(err, 'NOT_FOUND')) return false;
      // A status write came between the read and the delete: read again, it may still be the same pod.
      if (!isCapstanError(err, 'CONFLICT')) throw err;
    }
  }
  throw new CapstanError('CONFLICT', `pod ${ref.namespace}/${ref.name} is changing too fast to delete; retrying`);
}
