import { CapstanError } from '../api/errors.ts';
import type { Watch, WatchEvent, WatchEventType } from '../store/store.ts';
import type { Logger } from '../util/logger.ts';
import { toCapstanError } from './errors.ts';
import { exponentialDelay } from '../util/backoff.ts';

/** One message of the API's `watch` subscription. */
export interface WatchMessage {
  type: WatchEventType | 'BOOKMARK' | 'RESYNC';
  resourceVersion: string;
  object: unknown;
}

/** A subscription as the transport opens it: results' data, ended by `return()`. */
export type MessageStream = AsyncIterator<WatchMessage> & { return(): Promise<unknown> };

export interface RemoteWatchOptions<T> {
  /** Opens the subscription, from `since` when given, else from a snapshot. */
  open(since: string | undefined): MessageStream;
  convert(object: unknown): T;
  /** Deliver changes after this version; omitted: live changes only. */
  since?: string;
  /** Back-off between reconnects: from `minMs` doubling to `maxMs`. */
  backoff?: { minMs?: number; maxMs?: number };
  logger?: Logger;
  /** For log lines. */
  what: string;
  /** Called once when the watch ends, whatever the reason. */
  onClose?: () => void;
}

/**
 * A Store watch over the API's `watch` subscription. A lost connection is not the consumer's problem: the watch
 * reconnects with back-off and resumes after the last resourceVersion it delivered, so nothing is missed or repeated.
 * Only answers about the watch itself end it: RESYNC (the version fell out of the change history) as EXPIRED, so an
 * Informer re-lists, and refusals (UNAUTHENTICATED, FORBIDDEN, INVALID).
 */
export class RemoteWatch<T> implements Watch<T> {
  private readonly queue: WatchEvent<T>[] = [];
  private failure: CapstanError | undefined;
  private closed = false;
  private wake: (() => void) | undefined;
  private current: MessageStream | undefined;
  private lastVersion: string | undefined;
  private cancelSleep: (() => void) | undefined;

  constructor(private readonly options: RemoteWatchOptions<T>) {
    this.lastVersion = options.since;
    void this.run();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.options.onClose?.();
    this.cancelSleep?.();
    void this.current?.return().catch(() => undefined);
    this.notify();
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent<T>> {
    return {
      next: () => this.next(),
      return: async () => {
        this.close();
        return { done: true, value: undefined };
      },
    };
  }

  private async next(): Promise<IteratorResult<WatchEvent<T>>> {
    for (;;) {
      const event = this.queue.shift();
      if (event) return { done: false, value: event };
      if (this.failure) {
        const failure = this.failure;
        this.failure = undefined;
        this.close();
        throw failure;
      }
      if (this.closed) return { done: true, value: undefined };
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async run(): Promise<void> {
    const { minMs = 250, maxMs = 10_000 } = this.options.backoff ?? {};
    let failures = 0;
    while (!this.closed) {
      try {
        await this.follow(() => (failures = 0));
        if (!this.closed)
          this.options.logger?.debug({ watch: this.options.what }, 'watch ended by the server; resuming');
      } catch (err) {
        if (this.closed) return;
        const error = toCapstanError(err);
        if (error.code !== 'UNAVAILABLE') {
          this.failure = error;
          this.notify();
          return;
        }
        this.options.logger?.debug({ err: error, watch: this.options.what }, 'watch connection lost; resuming');
      }
      if (this.closed) return;
      failures++;
      await this.sleep(exponentialDelay(failures - 1, { initialMs: minMs, maxMs }));
    }
  }

  /** Follows one subscription until it ends or fails; `onMessage` runs whenever the server answers. */
  private async follow(onMessage: () => void): Promise<void> {
    // Without a version to resume from, the subscription starts with a snapshot: skip it up to the BOOKMARK, after
    // which the changes are live ones.
    let inSnapshot = this.lastVersion === undefined;
    const stream = this.options.open(this.lastVersion);
    this.current = stream;
    if (this.closed) {
      await stream.return();
      return;
    }
    for (;;) {
      const step = await stream.next();
      if (step.done || this.closed) return;
      onMessage();
      const message = step.value;
      switch (message.type) {
        case 'RESYNC':
          throw new CapstanError(
            'EXPIRED',
            `watch of ${this.options.what} expired: version ${this.lastVersion ?? '?'} is older than the change history kept; re-list`,
          );
        case 'BOOKMARK':
          inSnapshot = false;
          this.lastVersion = message.resourceVersion;
          break;
        default:
          if (inSnapshot || message.object === null || message.object === undefined) break;
          // A re-sent subscription may repeat changes already delivered.
          if (this.lastVersion !== undefined && Number(message.resourceVersion) <= Number(this.lastVersion)) break;
          this.lastVersion = message.resourceVersion;
          this.queue.push({ type: message.type, object: this.options.convert(message.object) });
          this.notify();
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.cancelSleep = done;
    });
  }
}
