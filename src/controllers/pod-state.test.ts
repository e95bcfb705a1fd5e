import { describe, expect, it } from 'vitest';
import { availableInMs, isPodActive, isPodAvailable, isPodReady } from './pod-state.ts';
import { at, newPod } from './test-fixtures.ts';

describe('pod readiness', () => {
  it('is ready only with a Ready=True condition', () => {
    expect(isPodReady(newPod({ readySince: 0 }))).toBe(true);
    expect(isPodReady(newPod())).toBe(false);
    const bare = newPod();
    delete bare.status;
    expect(isPodReady(bare)).toBe(false);
  });

  it('is available once ready for minReadySeconds', () => {
    const pod = newPod({ readySince: 10 });
    expect(isPodAvailable(pod, 0, at(10))).toBe(true);
    expect(isPodAvailable(pod, 30, at(39))).toBe(false);
    expect(availableInMs(pod, 30, at(39))).toBe(1000);
    expect(isPodAvailable(pod, 30, at(40))).toBe(true);
    expect(availableInMs(newPod(), 30, at(40))).toBeUndefined();
  });

  it('is active unless terminated or being deleted', () => {
    expect(isPodActive(newPod({ phase: 'Running' }))).toBe(true);
    expect(isPodActive(newPod({ phase: 'Pending' }))).toBe(true);
    expect(isPodActive(newPod({ phase: 'Failed' }))).toBe(false);
    expect(isPodActive(newPod({ phase: 'Succeeded' }))).toBe(false);
    expect(isPodActive(newPod({ phase: 'Running', deleting: true }))).toBe(false);
  });
});
