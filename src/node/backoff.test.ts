import { describe, expect, it } from 'vitest';
import { Backoff, crashLoopBackOff } from './backoff.ts';

describe('Backoff', () => {
  it('lets the first retry go at once, then waits 10 s doubling up to 5 min', () => {
    const b = new Backoff();
    expect(b.remainingMs('c', 0, 0)).toBe(0);
    const delays = [];
    let now = 0;
    for (let i = 0; i < 7; i++) {
      delays.push(b.next('c', now));
      now += delays[i]!;
    }
    expect(delays).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  });

  it('counts the wait from the failure, not from the check', () => {
    const b = new Backoff();
    b.next('c', 1_000);
    expect(b.remainingMs('c', 2_000, 5_000)).toBe(7_000);
    expect(b.remainingMs('c', 2_000, 12_000)).toBe(0);
  });

  it('starts over once a key has been quiet for twice the maximum (10 min of running)', () => {
    const b = new Backoff();
    b.next('c', 0);
    b.next('c', 10_000);
    expect(b.delayMs('c', 10_000)).toBe(20_000);
    const later = 10_000 + 600_001;
    expect(b.remainingMs('c', later, later)).toBe(0);
    expect(b.next('c', later)).toBe(10_000);
  });

  it('keeps keys apart and forgets a prefix', () => {
    const b = new Backoff({ initialMs: 100 });
    b.next('pod1/a', 0);
    b.next('pod2/a', 0);
    b.resetPrefix('pod1/');
    expect(b.remainingMs('pod1/a', 0, 50)).toBe(0);
    expect(b.remainingMs('pod2/a', 0, 50)).toBe(50);
  });

  it("follows the kubelet's maxContainerRestartPeriod: initial clamped to it, reset after 10 min whatever the maximum", () => {
    const sequence = (b: Backoff): number[] => {
      const delays: number[] = [];
      let now = 0;
      for (let i = 0; i < 5; i++) {
        delays.push(b.next('c', now));
        now += delays[i]!;
      }
      return delays;
    };
    expect(sequence(new Backoff(crashLoopBackOff(5_000)))).toEqual([5_000, 5_000, 5_000, 5_000, 5_000]);
    expect(sequence(new Backoff(crashLoopBackOff(60_000)))).toEqual([10_000, 20_000, 40_000, 60_000, 60_000]);
    expect(sequence(new Backoff(crashLoopBackOff()))).toEqual([10_000, 20_000, 40_000, 80_000, 160_000]);
    const b = new Backoff(crashLoopBackOff(5_000));
    b.next('c', 0);
    // Ran 9 minutes, then failed: still in back-off (client-go's 2 × max would have forgotten it after 10 s).
    expect(b.remainingMs('c', 540_000, 541_000)).toBe(4_000);
    // Ran more than 10 minutes: restarted at once.
    expect(b.remainingMs('c', 600_001, 600_002)).toBe(0);
    expect(() => crashLoopBackOff(500)).toThrow(/between 1s and 300s/);
    expect(() => crashLoopBackOff(301_000)).toThrow(/between 1s and 300s/);
  });
});
