import { describe, expect, it } from 'vitest';
import { exponentialDelay } from './backoff.ts';

describe('exponentialDelay', () => {
  it('starts at the initial delay and doubles per failure up to the maximum', () => {
    const bounds = { initialMs: 100, maxMs: 1_000 };
    expect([0, 1, 2, 3, 4, 5].map((n) => exponentialDelay(n, bounds))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('takes a negative count as none and stays finite after any number of failures', () => {
    expect(exponentialDelay(-1, { initialMs: 50, maxMs: 2_000 })).toBe(50);
    expect(exponentialDelay(1e6, { initialMs: 50, maxMs: 2_000 })).toBe(2_000);
    expect(exponentialDelay(1e6, { initialMs: 50, maxMs: Number.MAX_SAFE_INTEGER })).toBe(Number.MAX_SAFE_INTEGER);
  });
});
