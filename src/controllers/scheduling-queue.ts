import type { Node, Pod } from '../api/types.ts';
import { couldFitNode, waitsOnResources } from './scheduler-plan.ts';
import { exponentialDelay } from '../util/backoff.ts';

/** What the scheduler learns from the informers that may let a pod kept aside fit now (kube-scheduler's events). */
export type ClusterEvent =
  /** A node appeared, or one changed in a field that decides placement (labels, taints, cordon, allocatable, Ready). */
  | { type: 'NodeChanged'; node: Node }
  /** A bound pod went away or finished: its node has room again. */
  | { type: 'AssignedPodGone'; nodeName: string };

export interface UnschedulablePodsOptions {
  /** Back-off after the first failed attempt; doubles per further attempt. Default 1 s (kube-scheduler's). */
  initialBackoffMs?: number;
  /** Back-off ceiling. Default 10 s (kube-scheduler's). */
  maxBackoffMs?: number;
  /**
   * A pod kept aside this long is tried again even when no event concerned it, in case an event was missed or
   * not foreseen. Default 5 min (kube-scheduler's podMaxInUnschedulablePodsDuration).
   */
  maxAsideMs?: number;
}

/** Where pods released from the unschedulable set go: ready now, or after the rest of their back-off. */
export interface Released {
  key: string;
  /** 0: try now; otherwise the rest of the pod's back-off. */
  delayMs: number;
}

interface Entry {
  key: string;
  group: Group;
  since: number;
  /** The back-off ends at this time. */
  backoffUntil: number;
}

/** Pods kept aside for the same reasons: one representative answers for all of them whether an event helps. */
interface Group {
  signature: string;
  pod: Pod;
  waitsOnResources: boolean;
  keys: Set<string>;
}

/**
 * The unschedulable pods of kube-scheduler's scheduling queue, without timers: pure bookkeeping the scheduler
 * drives with its clock. A pod that fits nowhere is kept here instead of being retried on a timer; it leaves
 * only when
 * - a cluster event could make it fit (`onEvent`): a node it passes the node filters of (selector, taints,
 *   cordon, Ready, capacity of an empty node) appeared or changed, or a bound pod left when the pod waits on
 *   resources;
 * - the pod itself changed (`remove`, and the scheduler queues it);
 * - it has been aside for `maxAsideMs` (`flushOld`).
 * Each failed attempt doubles the pod's back-off (1 s up to 10 s); a pod released before its back-off ends
 * waits out the rest. Attempts are counted until the pod is scheduled or gone (`forget`).
 *
 * Why groups: 30,000 pods of one controller share a selector, tolerations and requests, so an event is checked
 * once per distinct pod shape, not once per pod.
 */
export class UnschedulablePods {
  private readonly entries = new Map<string, Entry>();
  private readonly groups = new Map<string, Group>();
  private readonly attempts = new Map<string, number>();
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxAsideMs: number;

  constructor(options: UnschedulablePodsOptions = {}) {
    this.initialBackoffMs = options.initialBackoffMs ?? 1_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.maxAsideMs = options.maxAsideMs ?? 5 * 60_000;
  }

  get size(): number {
    return this.entries.size;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** The back-off a pod gets for its attempts so far: initial × 2^(attempts−1), at most the maximum. */
  backoffMs(key: string): number {
    const attempts = this.attempts.get(key) ?? 0;
    if (attempts === 0) return 0;
    return exponentialDelay(attempts - 1, { initialMs: this.initialBackoffMs, maxMs: this.maxBackoffMs });
  }

  /** A scheduling attempt of `pod` failed with `message` at `now`: keep it aside. */
  add(key: string, pod: Pod, message: string, now: number): void {
    this.remove(key);
    this.attempts.set(key, (this.attempts.get(key) ?? 0) + 1);
    const waits = waitsOnResources(message);
    const signature = podSignature(pod, waits);
    let group = this.groups.get(signature);
    if (!group) {
      group = { signature, pod, waitsOnResources: waits, keys: new Set() };
      this.groups.set(signature, group);
    }
    group.keys.add(key);
    this.entries.set(key, { key, group, since: now, backoffUntil: now + this.backoffMs(key) });
  }

  /** Takes `key` out (the pod changed, is scheduled, or is gone); returns the rest of its back-off, if it was here. */
  remove(key: string, now?: number): Released | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    entry.group.keys.delete(key);
    if (entry.group.keys.size === 0) this.groups.delete(entry.group.signature);
    return { key, delayMs: now === undefined ? 0 : Math.max(0, entry.backoffUntil - now) };
  }

  /** The pod was scheduled or deleted: drop it and its attempt count. */
  forget(key: string): void {
    this.remove(key);
    this.attempts.delete(key);
  }

  /** The pods `event` could make fit, taken out of the set. */
  onEvent(event: ClusterEvent, now: number): Released[] {
    const released: Released[] = [];
    for (const group of [...this.groups.values()]) {
      if (!helps(event, group)) continue;
      for (const key of [...group.keys]) released.push(this.remove(key, now)!);
    }
    return released;
  }

  /** Pods aside for `maxAsideMs` or longer, taken out of the set. */
  flushOld(now: number): Released[] {
    const released: Released[] = [];
    // Entries are in insertion order, which is the order they were put aside: stop at the first young one.
    for (const entry of this.entries.values()) {
      if (now - entry.since < this.maxAsideMs) break;
      released.push(this.remove(entry.key, now)!);
    }
    return released;
  }
}

function helps(event: ClusterEvent, group: Group): boolean {
  switch (event.type) {
    case 'NodeChanged':
      return couldFitNode(group.pod, event.node);
    case 'AssignedPodGone':
      return group.waitsOnResources;
  }
}

/** What decides where a pod may go, as a string: pods with equal signatures fit the same nodes. */
function podSignature(pod: Pod, waitsOnResources: boolean): string {
  const spec = pod.spec;
  return JSON.stringify([
    waitsOnResources,
    spec?.nodeSelector ?? null,
    spec?.tolerations ?? null,
    (spec?.containers ?? []).map((c) => [c.resources ?? null, (c.ports ?? []).map((p) => p.hostPort ?? 0)]),
  ]);
}
