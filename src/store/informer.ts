import { isCapstanError } from '../api/errors.ts';
import type { Kind, KindMap } from '../api/types.ts';
import type { Store, WatchEventType } from './store.ts';

export interface InformerHandlers<T> {
  onAdd?(object: T): void;
  onUpdate?(previous: T, object: T): void;
  onDelete?(object: T): void;
}

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Delay before re-listing after the watch failed (not EXPIRED, which re-lists at once). Default 500 ms. */
  retryDelayMs?: number;
}

/**
 * An in-memory cache of one kind kept current by list + watch, as client-go's informer. Readers never wait on
 * Redis. When the watch expires or breaks, the informer re-lists and reconciles the cache, reporting the
 * differences as add/update/delete, so a consumer never misses a state (it may miss intermediate versions, which
 * level-based consumers do not need).
 */
export class Informer<K extends Kind> {
  private readonly cache = new Map<string, KindMap[K]>();
  private readonly handlers: InformerHandlers<KindMap[K]>[] = [];
  private stopped = false;
  private closeWatch: (() => void) | undefined;
  private syncedResolve!: () => void;
  /** Resolves once the first list has been loaded into the cache. */
  readonly synced: Promise<void> = new Promise((resolve) => (this.syncedResolve = resolve));
  private loop: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    readonly kind: K,
    private readonly options: InformerOptions = {},
  ) {}

  addHandler(handlers: InformerHandlers<KindMap[K]>): void {
    this.handlers.push(handlers);
  }

  start(): this {
    this.loop ??= this.run();
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.closeWatch?.();
    await this.loop;
  }

  get(namespace: string | undefined, name: string): KindMap[K] | undefined {
    return this.cache.get(cacheKey(namespace, name));
  }

  list(filter?: (object: KindMap[K]) => boolean): KindMap[K][] {
    const out: KindMap[K][] = [];
    for (const object of this.cache.values()) if (!filter || filter(object)) out.push(object);
    return out;
  }

  get size(): number {
    return this.cache.size;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const listed = await this.store.list(this.kind, this.options);
        this.replace(listed.items);
        this.syncedResolve();
        const watch = this.store.watch(this.kind, { ...this.options, sinceResourceVersion: listed.resourceVersion });
        this.closeWatch = () => watch.close();
        if (this.stopped) watch.close();
        for await (const event of watch) this.apply(event.type, event.object);
      } catch (err) {
        if (this.stopped) return;
        if (!isCapstanError(err, 'EXPIRED')) await sleep(this.options.retryDelayMs ?? 500);
      }
    }
  }

  private replace(items: KindMap[K][]): void {
    const seen = new Set<string>();
    for (const item of items) {
      seen.add(cacheKey(item.metadata.namespace, item.metadata.name));
      this.apply('MODIFIED', item);
    }
    for (const [key, object] of this.cache) {
      if (!seen.has(key)) this.apply('DELETED', object);
    }
  }

  private apply(type: WatchEventType, object: KindMap[K]): void {
    const key = cacheKey(object.metadata.namespace, object.metadata.name);
    const previous = this.cache.get(key);
    if (type === 'DELETED') {
      if (!previous) return;
      this.cache.delete(key);
      for (const h of this.handlers) h.onDelete?.(object);
      return;
    }
    if (previous && Number(previous.metadata.resourceVersion) >= Number(object.metadata.resourceVersion)) return;
    this.cache.set(key, object);
    for (const h of this.handlers) {
      if (previous) h.onUpdate?.(previous, object);
      else h.onAdd?.(object);
    }
  }
}

function cacheKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
