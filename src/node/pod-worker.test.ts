import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_TIMER_MS } from './certificate-rotation.ts';
import { newPodRecord, PodWorkers } from './pod-worker.ts';

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
