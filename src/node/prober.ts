import type { Container, Probe } from '../api/types.ts';
import type { ProbeResult, ProbeTarget } from './probes.ts';

/** One running container the prober watches. */
export interface ProbeSubject {
  podUid: string;
  containerId: string;
  container: Container;
  podIP: string;
  /** When the container started (ms since the epoch); initialDelaySeconds count from here. */
  startedAtMs: number;
  /** Results carried over from before an agent restart, so a re-adopted container keeps its readiness. */
  initial?: { ready: boolean; started: boolean };
}

export type ProbeKind = 'startup' | 'liveness' | 'readiness';

/** Runs one probe of a container: `runProbe` over the pod network and the runtime's exec, or a runtime's own. */
export type ProbeRunner = (probe: Probe, target: ProbeTarget, kind: ProbeKind) => Promise<ProbeResult>;

export interface ProberHooks {
  /** A result that changes the pod's status (ready, started) or needs action (unhealthy). */
  onChange(podUid: string): void;
  /** Every failed probe run, for the pod's events. */
  onFailure(subject: ProbeSubject, kind: ProbeKind, result: ProbeResult): void;
}

interface Worker {
  subject: ProbeSubject;
  ready: boolean;
  started: boolean;
  unhealthy?: 'liveness' | 'startup';
  timers: Set<NodeJS.Timeout>;
  stopped: boolean;
}

/** Readiness is polled this fast (doubling up to periodSeconds) until the first success, so pods go Ready promptly. */
const FIRST_READY_POLL_MS = 25;

/**
 * Runs startup, liveness and readiness probes of running containers on timers, as the kubelet's prober manager.
 * A container without a readiness probe is ready once started; without a startup probe it is started at once.
 * Liveness starts after startup succeeded; reaching its failureThreshold marks the container unhealthy, which the
 * pod worker acts on (kill and restart).
 *
 * One deliberate difference from Kubernetes: until a readiness probe first succeeds it is retried at 25 ms,
 * doubling up to periodSeconds, instead of once per period, so a pod that is up in 50 ms is not reported unready
 * for a whole period (10 s by default).
 */
export class Prober {
  private readonly workers = new Map<string, Worker>();

  constructor(
    private readonly runProbe: ProbeRunner,
    private readonly hooks: ProberHooks,
  ) {}

  /** Starts probing the container if it is not yet watched. */
  watch(subject: ProbeSubject): void {
    if (this.workers.has(subject.containerId)) return;
    const c = subject.container;
    const worker: Worker = {
      subject,
      ready: subject.initial?.ready ?? !c.readinessProbe,
      started: subject.initial?.started ?? !c.startupProbe,
      timers: new Set(),
      stopped: false,
    };
    this.workers.set(subject.containerId, worker);
    if (!worker.started && c.startupProbe) this.loop(worker, 'startup', c.startupProbe);
    if (worker.started) this.startAfterStartup(worker);
  }

  /** Stops probing containers of the pod that are not in `keepIds` (all of them when omitted). */
  forgetPod(podUid: string, keepIds?: ReadonlySet<string>): void {
    for (const [id, w] of this.workers) if (w.subject.podUid === podUid && !keepIds?.has(id)) this.forget(id);
  }

  forget(containerId: string): void {
    const w = this.workers.get(containerId);
    if (!w) return;
    w.stopped = true;
    for (const t of w.timers) clearTimeout(t);
    this.workers.delete(containerId);
  }

  stop(): void {
    for (const id of [...this.workers.keys()]) this.forget(id);
  }

  isReady(containerId: string): boolean {
    return this.workers.get(containerId)?.ready ?? false;
  }

  isStarted(containerId: string): boolean {
    return this.workers.get(containerId)?.started ?? false;
  }

  unhealthy(containerId: string): 'liveness' | 'startup' | undefined {
    return this.workers.get(containerId)?.unhealthy;
  }

  private startAfterStartup(w: Worker): void {
    const c = w.subject.container;
    if (c.livenessProbe) this.loop(w, 'liveness', c.livenessProbe);
    if (c.readinessProbe) this.loop(w, 'readiness', c.readinessProbe);
  }

  private schedule(w: Worker, delayMs: number, fn: () => void): void {
    if (w.stopped) return;
    const timer = setTimeout(
      () => {
        w.timers.delete(timer);
        if (!w.stopped) fn();
      },
      Math.max(0, delayMs),
    );
    timer.unref();
    w.timers.add(timer);
  }

  private loop(w: Worker, kind: ProbeKind, probe: Probe): void {
    const periodMs = (probe.periodSeconds ?? 10) * 1000;
    const successThreshold = kind === 'readiness' ? (probe.successThreshold ?? 1) : 1;
    const failureThreshold = probe.failureThreshold ?? 3;
    let successes = 0;
    let failures = 0;
    let firstPollMs = FIRST_READY_POLL_MS;
    const initialDelayMs = (probe.initialDelaySeconds ?? 0) * 1000 - (Date.now() - w.subject.startedAtMs);
    const target = {
      podIP: w.subject.podIP,
      containerId: w.subject.containerId,
      ...(w.subject.container.ports ? { ports: w.subject.container.ports } : {}),
    };
    const run = async (): Promise<void> => {
      const result = await this.runProbe(probe, target, kind);
      if (w.stopped) return;
      if (result.success) {
        successes++;
        failures = 0;
      } else {
        failures++;
        successes = 0;
        // Failures of a readiness probe that never succeeded are the normal start-up path, not news.
        if (kind !== 'readiness' || w.ready || firstPollMs >= periodMs) this.hooks.onFailure(w.subject, kind, result);
      }
      if (this.record(w, kind, result.success, successes >= successThreshold, failures >= failureThreshold)) {
        this.hooks.onChange(w.subject.podUid);
      }
      if (w.stopped || w.unhealthy || (kind === 'startup' && w.started)) return;
      let next = periodMs;
      if (kind === 'readiness' && !w.ready && successes === 0 && firstPollMs < periodMs) {
        next = firstPollMs;
        firstPollMs *= 2;
      }
      this.schedule(w, next, () => void run());
    };
    this.schedule(w, initialDelayMs, () => void run());
  }

  /** Applies one result; true when the container's readiness, start or health changed. */
  private record(w: Worker, kind: ProbeKind, success: boolean, passed: boolean, failed: boolean): boolean {
    switch (kind) {
      case 'startup':
        if (passed && !w.started) {
          w.started = true;
          this.startAfterStartup(w);
          return true;
        }
        if (failed && !success) {
          w.unhealthy = 'startup';
          return true;
        }
        return false;
      case 'liveness':
        if (failed && !success) {
          w.unhealthy = 'liveness';
          return true;
        }
        return false;
      case 'readiness':
        if (passed && !w.ready) {
          w.ready = true;
          return true;
        }
        if (failed && w.ready) {
          w.ready = false;
          return true;
        }
        return false;
    }
  }
}
