import type { HostPortMapping, Pod } from '../api/types.ts';
import type { Logger } from '../util/logger.ts';
import { MAX_TIMER_MS } from './certificate-rotation.ts';
import type { ContainerInfo, PodContainers } from './runtime.ts';

/** The agent's view of one pod on this node: its desired object and the containers the engine has for it. */
import type { PodConfig } from './pod-config.ts';
import { exponentialDelay } from '../util/backoff.ts';

export interface PodRecord {
  uid: string;
  namespace: string;
  name: string;
  /** The newest Pod object seen; undefined once it is gone from the store. */
  pod?: Pod;
  sandbox?: ContainerInfo & { podIP?: string; hostPorts: HostPortMapping[] };
  /** App containers by id, every attempt still present. */
  containers: Map<string, ContainerInfo>;
  /** Container ids to re-inspect at the next sync (engine events). */
  refresh: Set<string>;
  /** A node-wide listing taken while nothing changed locally; applied at the next sync if still current. */
  snapshot?: { version: number; data: PodContainers | undefined };
  /** Failed attempts to make a container (or `POD`, the sandbox) runnable, retried with back-off. */
  failures: Map<string, { atMs: number; reason: string; backoffReason: string; message: string }>;
  /** Pod-level explanation while it cannot start. */
  message?: string;
  /** The ConfigMaps and Secrets the pod refers to, as read at the last sync. */
  config?: PodConfig;
  /** Bumped on every change this agent makes to the pod's containers. */
  version: number;
  /** resourceVersion of the agent's last status write, so its own echo does not trigger another sync. */
  lastWrittenRv?: string;
  /** The graceful termination in progress, while its sync waits for the pod's processes to end. */
  termination?: Termination;
}

/**
 * A termination in progress can be cut short, never lengthened: a repeated delete with a shorter grace period, or
 * the pod's removal from the store (a force deletion, its namespace gone), as the kubelet's grace period override.
 */
export interface Termination {
  /** A grace period of `seconds` from now, if that ends sooner than the current one (0: SIGKILL at once). */
  shorten(seconds: number): void;
  /** The agent is stopping: stop waiting (the engine finishes the stops; the next agent resumes the deletion). */
  abandon(): void;
}

export function newPodRecord(uid: string, namespace: string, name: string): PodRecord {
  return { uid, namespace, name, containers: new Map(), refresh: new Set(), failures: new Map(), version: 0 };
}

/** Loads a node-wide listing of one pod into its record. */
export function applyListing(rec: PodRecord, data: PodContainers | undefined): void {
  rec.containers = new Map((data?.containers ?? []).map((c) => [c.id, c]));
  rec.sandbox = data?.sandbox;
}

export interface PodWorkersOptions {
  /** Reconciles one pod; returns when to look at it again (ms), or undefined. Throwing retries with back-off. */
  sync(rec: PodRecord): Promise<number | undefined>;
  /** Pods synced at once across the node. Default 16. */
  concurrency?: number;
  /**
   * Syncs of pods being deleted (or gone) at once, in slots of their own, not counted in `concurrency`. Default
   * DEFAULT_TERMINATION_CONCURRENCY (64).
   */
  terminationConcurrency?: number;
  logger?: Logger;
}

/** Pods a node terminates at once unless told otherwise (see `PodWorkersOptions.terminationConcurrency`). */
export const DEFAULT_TERMINATION_CONCURRENCY = 64;

/** True for a record whose sync stops and removes the pod: gone from the store, or with a deletionTimestamp. */
export function isTerminating(rec: PodRecord | undefined): boolean {
  return !rec?.pod || Boolean(rec.pod.metadata.deletionTimestamp);
}

/** A counting semaphore: at most `limit` holders, the rest wait in order. */
class Slots {
  private active = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.active--;
  }
}

interface Slot {
  dirty: boolean;
  running?: Promise<void>;
  timer?: NodeJS.Timeout;
  timerAt?: number;
  errors: number;
}

/**
 * Per-pod work queue: syncs of one pod never overlap (a trigger during a sync makes it run once more after),
 * different pods sync in parallel up to a concurrency cap. Level-based: a trigger carries no payload, the sync
 * reads the record.
 *
 * Terminations have slots of their own. A terminating pod's sync spends most of its time waiting for the app to
 * exit after SIGTERM (up to its grace period, 30 s by default): sharing the 16 slots of starts, a scale-down of 50
 * pods ran in waves of 16, each as long as its slowest stop, and starts queued behind them. The kubelet bounds
 * neither (a goroutine per pod); Swarm stops a service's tasks all at once. The cap (64) only keeps a node from
 * sending thousands of stops to its engine at once when a large namespace goes.
 */
export class PodWorkers {
  readonly records = new Map<string, PodRecord>();
  private readonly slots = new Map<string, Slot>();
  private stopped = false;
  private readonly syncSlots: Slots;
  private readonly terminationSlots: Slots;

  constructor(private readonly options: PodWorkersOptions) {
    this.syncSlots = new Slots(options.concurrency ?? 16);
    this.terminationSlots = new Slots(options.terminationConcurrency ?? DEFAULT_TERMINATION_CONCURRENCY);
  }

  /**
   * Syncs the pod now (or right after its current sync), or after `delayMs`. A delay beyond what setTimeout keeps
   * (2^31-1 ms, about 24.8 days: it would fire at once) is waited for in steps.
   */
  enqueue(uid: string, delayMs = 0): void {
    if (this.stopped || !this.records.has(uid)) return;
    const slot = this.slot(uid);
    if (delayMs > 0) {
      const at = Date.now() + delayMs;
      if (slot.timer && slot.timerAt !== undefined && slot.timerAt <= at) return;
      clearTimeout(slot.timer);
      slot.timerAt = at;
      const step = Math.min(delayMs, MAX_TIMER_MS);
      slot.timer = setTimeout(() => {
        slot.timer = undefined;
        slot.timerAt = undefined;
        if (step < delayMs) this.enqueue(uid, Math.max(0, at - Date.now()));
        else this.enqueue(uid);
      }, step);
      slot.timer.unref();
      return;
    }
    slot.dirty = true;
    slot.running ??= this.run(uid, slot);
  }

  enqueueAll(): void {
    for (const uid of this.records.keys()) this.enqueue(uid);
  }

  /** Drops a pod's record once its worker is idle. */
  forget(uid: string): void {
    const slot = this.slots.get(uid);
    if (slot) clearTimeout(slot.timer);
    this.slots.delete(uid);
    this.records.delete(uid);
  }

  /** Stops scheduling and waits for syncs in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const slot of this.slots.values()) clearTimeout(slot.timer);
    await Promise.allSettled([...this.slots.values()].map((s) => s.running));
  }

  /** Resolves when no sync is running or queued (for tests and orderly shutdown). */
  async idle(): Promise<void> {
    while ([...this.slots.values()].some((s) => s.running)) {
      await Promise.allSettled([...this.slots.values()].map((s) => s.running));
    }
  }

  private slot(uid: string): Slot {
    let slot = this.slots.get(uid);
    if (!slot) {
      slot = { dirty: false, errors: 0 };
      this.slots.set(uid, slot);
    }
    return slot;
  }

  private async run(uid: string, slot: Slot): Promise<void> {
    // The kind of slot is chosen when the sync is taken up; one that starts terminating meanwhile keeps its slot.
    const slots = isTerminating(this.records.get(uid)) ? this.terminationSlots : this.syncSlots;
    await slots.acquire();
    try {
      while (slot.dirty && !this.stopped) {
        slot.dirty = false;
        const rec = this.records.get(uid);
        if (!rec) break;
        try {
          const again = await this.options.sync(rec);
          slot.errors = 0;
          if (again !== undefined) this.enqueue(uid, again);
        } catch (err) {
          // The engine or the store is unreachable, or something unexpected: retry with back-off, never crash.
          slot.errors++;
          const delay = exponentialDelay(slot.errors - 1, { initialMs: 500, maxMs: 30_000 });
          this.options.logger?.warn({ err, pod: `${rec.namespace}/${rec.name}`, retryInMs: delay }, 'pod sync failed');
          this.enqueue(uid, delay);
        }
      }
    } finally {
      slot.running = undefined;
      slots.release();
    }
    // A trigger that arrived after the loop checked `dirty` but before `running` was cleared.
    if (slot.dirty && !this.stopped && this.slots.get(uid) === slot) slot.running = this.run(uid, slot);
  }
}
