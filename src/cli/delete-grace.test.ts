import { describe, expect, it } from 'vitest';
import { gracePeriodOf } from './delete-grace.ts';

describe('gracePeriodOf', () => {
  it("leaves pods their own grace period by default and for a negative one, as kubectl's -1", () => {
    expect(gracePeriodOf({})).toBeUndefined();
    expect(gracePeriodOf({ gracePeriod: -1 })).toBeUndefined();
    expect(gracePeriodOf({ gracePeriod: -30 })).toBeUndefined();
  });

  it('passes a positive grace period, and 0 only with --force (0 alone becomes 1)', () => {
    expect(gracePeriodOf({ gracePeriod: 5 })).toBe(5);
    expect(gracePeriodOf({ gracePeriod: 0 })).toBe(1);
    expect(gracePeriodOf({ gracePeriod: 0, force: true })).toBe(0);
    expect(gracePeriodOf({ force: true })).toBe(0);
    expect(gracePeriodOf({ gracePeriod: -1, force: true })).toBe(0);
  });

  it('makes --now 1 and refuses it with --grace-period, and --force with a grace period over 0', () => {
    expect(gracePeriodOf({ now: true })).toBe(1);
    expect(() => gracePeriodOf({ now: true, gracePeriod: 3 })).toThrow(
      '--now and --grace-period cannot be specified together',
    );
    expect(() => gracePeriodOf({ force: true, gracePeriod: 3 })).toThrow(
      '--force and --grace-period greater than 0 cannot be specified together',
    );
  });
});
