import type { WatchEventType } from '../../sdk/generated/graphql.ts';

/** The least a watched object carries: enough to key it. */
export interface WatchedObject {
  metadata: { name: string; namespace?: string | null };
}

/** One event of a `watch` subscription as the dashboard's operations select it. */
export interface WatchMessage<T> {
  type: WatchEventType;
  resourceVersion: string;
  /** The object; `{}` or null for BOOKMARK and RESYNC (and for kinds the inline fragment does not match). */
  object: T | Record<PropertyKey, never> | null;
}

/** `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(object: WatchedObject): string {
  const { namespace, name } = object.metadata;
  return namespace ? `${namespace}/${name}` : name;
}

/**
 * The objects of one kind as a watch reports them. A snapshot (the first one, the one after RESYNC, or the one a
 * reconnect starts) is gathered aside and replaces the held objects only at its BOOKMARK, so a table never shows half
 * a list or flickers empty, and objects deleted while the page was disconnected disappear with the new snapshot.
 */
export class WatchedCollection<T extends WatchedObject> {
  private objects = new Map<string, T>();
  private snapshot: Map<string, T> | undefined = new Map();
  private completed = false;

  /** Whether a snapshot has ever completed: before that, the (empty) collection is not the cluster's. */
  get loaded(): boolean {
    return this.completed;
  }

  /** Whether the collection follows the watch live: no snapshot is being gathered. */
  get synced(): boolean {
    return this.snapshot === undefined;
  }

  /** The current objects, in no particular order. */
  values(): T[] {
    return [...this.objects.values()];
  }

  get size(): number {
    return this.objects.size;
  }

  /** Called when a watch without sinceResourceVersion is opened (again): a fresh snapshot follows. */
  restart(): void {
    this.snapshot = new Map();
  }

  /** Applies one event; true when the held objects changed (a table needs drawing). */
  apply(message: WatchMessage<T>): boolean {
    switch (message.type) {
      case 'RESYNC':
        this.snapshot = new Map();
        return false;
      case 'BOOKMARK':
        if (this.snapshot === undefined) return false;
        this.objects = this.snapshot;
        this.snapshot = undefined;
        this.completed = true;
        return true;
      case 'ADDED':
      case 'MODIFIED':
      case 'DELETED': {
        if (message.object === null || !('metadata' in message.object)) return false;
        // `{}` (the type of a non-matching inline fragment) would pass for T by its index signature: cast after the check.
        const object = message.object as T;
        const target = this.snapshot ?? this.objects;
        if (message.type === 'DELETED') target.delete(objectKey(object));
        else target.set(objectKey(object), object);
        return this.snapshot === undefined;
      }
    }
  }
}
