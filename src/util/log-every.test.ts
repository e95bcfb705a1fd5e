import { describe, expect, it } from 'vitest';
import { LogEvery } from './log-every.ts';

describe('LogEvery', () => {
  it('logs the first call, holds back repeats within the interval, and counts them in the next line', () => {
    let now = 1_000;
    const every = new LogEvery(30_000, () => now);
    const lines: number[] = [];
    const log = () => every.maybe((suppressed) => lines.push(suppressed));
    log();
    for (let i = 0; i < 5; i++) {
      now += 2_000;
      log();
    }
    expect(lines).toEqual([0]);
    now += 30_000;
    log();
    expect(lines).toEqual([0, 5]);
    now += 30_000;
    log();
    expect(lines).toEqual([0, 5, 0]);
  });
});
