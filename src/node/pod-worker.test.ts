import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Pod } from '../api/types.ts';
import { MAX_TIMER_MS } from './certificate-rotation.ts';
import { newPodRecord, PodWorkers } from './pod-worker.ts';
import type { PodRecord } from './pod-worker.ts';

function pod(name: string, deleting = false): Pod {
  return {
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid: name,
      resourceVersion: '1',
      ...(deleting ? { deletionTimestamp: new Date().toISOString() } : {}),
    },
    spec: { containers: [] },
  } as unknown as Pod;
}

/** Workers whose syncs block until released, recording how many run at once. */
function blockingWorkers(options: { concurrency: number; terminationConcurrency: number }) {
  const running = new Set<string>();
  const release = new Map<string, () => void>();
  let most = { syncs: 0, terminations: 0 };
  const count = (terminating: boolean) =>
    [...running].filter((uid) => Boolean(workers.records.get(uid)?.pod?.metadata.deletionTimestamp) === terminating)
      .length;
  const workers: PodWorkers = new PodWorkers({
    ...options,
    sync: async (rec: PodRecord) => {
      running.add(rec.uid);
      most = {
        syncs: Math.max(most.syncs, count(false)),
        terminations: Math.max(most.terminations, count(true)),
      };
      await new Promise<void>((resolve) => release.set(rec.uid, resolve));
      running.delete(rec.uid);
      return undefined;
    },
  });
  const add = (p: Pod) => {
    const rec = newPodRecord(p.metadata.uid, 'default', p.metadata.name);
    rec.pod = p;
    workers.records.set(rec.uid, rec);
    workers.enqueue(rec.uid);
  };
  const settle = () => new Promise((r) => setTimeout(r, 0));
  /** Releases every sync, including those that start meanwhile, until none is left. */
  const drain = async () => {
    while (running.size > 0) {
      for (const uid of running) release.get(uid)?.();
      await settle();
    }
    await workers.idle();
  };
  return { workers, running, release, add, settle, drain, most: () => most };
}

describe('pod workers', () => {
  it('bounds syncs at the concurrency and runs terminations in slots of their own', async () => {
    const w = blockingWorkers({ concurrency: 2, terminationConcurrency: 3 });
    for (let i = 0; i < 4; i++) w.add(pod(`run-${i}`));
    await w.settle();
    expect([...w.running].sort()).toEqual(['run-0', 'run-1']);
    // Pods being deleted do not wait behind the starts that hold every sync slot.
    for (let i = 0; i < 5; i++) w.add(pod(`del-${i}`, true));
    await w.settle();
    expect([...w.running].filter((uid) => uid.startsWith('del-')).sort()).toEqual(['del-0', 'del-1', 'del-2']);
    // A finished termination frees a termination slot, not a sync slot.
    w.release.get('del-0')!();
    await w.settle();
    expect([...w.running].sort()).toEqual(['del-1', 'del-2', 'del-3', 'run-0', 'run-1']);
    w.release.get('run-0')!();
    await w.settle();
    expect(w.running.has('run-2')).toBe(true);
    await w.drain();
    expect(w.most()).toEqual({ syncs: 2, terminations: 3 });
  });

  it('treats a pod gone from the store as a termination', async () => {
    const w = blockingWorkers({ concurrency: 1, terminationConcurrency: 1 });
    w.add(pod('run-0'));
    const rec = newPodRecord('gone-0', 'default', 'gone-0');
    w.workers.records.set(rec.uid, rec);
    w.workers.enqueue(rec.uid);
    await w.settle();
    expect([...w.running].sort()).toEqual(['gone-0', 'run-0']);
    await w.drain();
  });
});

describe('PodWorkers.enqueue with a delay', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function workers(): { pod: PodWorkers; syncs: () => number } {
    let syncs = 0;
    const pod = new PodWorkers({
      sync: async () => {
        syncs++;
        return undefined;
      },
    });
    pod.records.set('u1', newPodRecord('u1', 'default', 'p'));
    return { pod, syncs: () => syncs };
  }

  it('waits a delay longer than setTimeout keeps (2^31-1 ms) in full instead of firing at once', async () => {
    const { pod, syncs } = workers();
    const fortyDays = 40 * 86_400_000;
    expect(fortyDays).toBeGreaterThan(MAX_TIMER_MS);
    pod.enqueue('u1', fortyDays);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(syncs()).toBe(0);
    await vi.advanceTimersByTimeAsync(fortyDays - 1_001);
    expect(syncs()).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(syncs()).toBe(1);
    await pod.stop();
  });

  it('keeps the earlier of two delays, also when the later one is beyond the timer limit', async () => {
    const { pod, syncs } = workers();
    pod.enqueue('u1', 5_000);
    pod.enqueue('u1', 30 * 86_400_000);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(syncs()).toBe(1);
    await vi.advanceTimersByTimeAsync(31 * 86_400_000);
    expect(syncs()).toBe(1);
  });
});
