import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CreatedToken } from '../auth/tokens.ts';
import { createLogger } from '../util/logger.ts';
import { renewLocalCredential } from './local-node.ts';

const silent = createLogger({ level: 'silent' });

function credential(name: string, lifetimeMs: number): CreatedToken {
  return { name, token: `${name}.secret`, expiresAt: new Date(Date.now() + lifetimeMs).toISOString() };
}

describe('renewLocalCredential', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-12-03T00:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('renews at two thirds of the life left, retries a failure after 5 s, and keeps renewing each new credential', async () => {
    let current = credential('first', 24 * 3600_000);
    const renew = vi
      .fn<() => Promise<CreatedToken>>()
      .mockRejectedValueOnce(new Error('Redis is away'))
      .mockImplementation(async () => credential(`next${renew.mock.calls.length}`, 24 * 3600_000));
    const stop = renewLocalCredential(
      () => current,
      renew,
      (next) => (current = next),
      silent,
    );
    await vi.advanceTimersByTimeAsync(16 * 3600_000 - 1);
    expect(renew).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(renew).toHaveBeenCalledTimes(1);
    expect(current.name).toBe('first');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(renew).toHaveBeenCalledTimes(2);
    expect(current.name).toBe('next2');
    // More than a day after the start: the node still holds a credential that has not expired.
    await vi.advanceTimersByTimeAsync(16 * 3600_000);
    expect(renew).toHaveBeenCalledTimes(3);
    expect(Date.parse(current.expiresAt!)).toBeGreaterThan(Date.now() + 3600_000);
    stop();
    await vi.advanceTimersByTimeAsync(48 * 3600_000);
    expect(renew).toHaveBeenCalledTimes(3);
  });

  it('renews nothing once stopped during a renewal', async () => {
    const current = credential('only', 3_000);
    let finish: (value: CreatedToken) => void = () => undefined;
    const renew = vi.fn(() => new Promise<CreatedToken>((resolve) => (finish = resolve)));
    const onRenewed = vi.fn();
    const stop = renewLocalCredential(() => current, renew, onRenewed, silent);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(renew).toHaveBeenCalledTimes(1);
    stop();
    finish(credential('late', 3_000));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(onRenewed).not.toHaveBeenCalled();
    expect(renew).toHaveBeenCalledTimes(1);
  });
});
