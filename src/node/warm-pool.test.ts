import { describe, expect, it } from 'vitest';
import { WarmPool, warmPoolFromEnv, warmPoolTarget } from './warm-pool.ts';
import type { WarmSandbox } from './warm-pool.ts';

function fakePool(options: { maxSize: number; idleMs: number }) {
  let now = 1_000_000;
  let inFlight = 0;
  let serial = 0;
  const removed: string[] = [];
  const pool = new WarmPool(
    {
      create: () => Promise.resolve<WarmSandbox>({ id: `s${serial++}`, podIP: '10.0.0.1', createdAt: '' }),
      remove: (s) => {
        removed.push(s.id);
        return Promise.resolve();
      },
      inFlight: () => inFlight,
    },
    { ...options, fillConcurrency: 100 },
    () => now,
  );
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return {
    pool,
    removed,
    advance: (ms: number) => (now += ms),
    /** Busy: more pod operations in flight than the pool fills beside (a burst). */
    setBusy: (b: boolean) => (inFlight = b ? 3 : 0),
    setInFlight: (n: number) => (inFlight = n),
    settle,
  };
}

describe('warm pool sizing', () => {
  it('targets the sandboxes asked for since the node was last idle, bounded by the maximum', () => {
    expect(warmPoolTarget({ requests: 0, lastActivity: 90 }, 100, 60, 10)).toBe(0);
    expect(warmPoolTarget({ requests: 2, lastActivity: 90 }, 100, 60, 10)).toBe(2);
    expect(warmPoolTarget({ requests: 5, lastActivity: 90 }, 100, 60, 3)).toBe(3);
    expect(warmPoolTarget({ requests: 5, lastActivity: 40 }, 100, 60, 10)).toBe(0);
  });

  it('fills to the recent demand only while the node is not busy with a burst, and drains once idle', async () => {
    const { pool, removed, advance, setBusy, settle } = fakePool({ maxSize: 3, idleMs: 1_000 });
    pool.tick();
    expect(pool.size).toBe(0);
    for (let i = 0; i < 5; i++) expect(pool.take()).toBeUndefined();
    setBusy(true);
    pool.tick();
    await settle();
    expect(pool.size).toBe(0);
    setBusy(false);
    pool.tick();
    await settle();
    expect(pool.size).toBe(3);
    expect(pool.take()?.id).toBe('s0');
    pool.tick();
    await settle();
    expect(pool.size).toBe(3);
    // Pod work in flight counts as activity: no drain while busy, however long.
    setBusy(true);
    advance(5_000);
    pool.tick();
    await settle();
    expect(pool.size).toBe(3);
    setBusy(false);
    advance(1_001);
    pool.tick();
    await settle();
    expect(pool.size).toBe(0);
    expect(removed.sort()).toEqual(['s1', 's2', 's3']);
  });

  it('keeps filling while one pod at a time starts, so pods started one after another find warm sandboxes', async () => {
    const { pool, advance, setInFlight, settle } = fakePool({ maxSize: 4, idleMs: 1_000 });
    for (let i = 0; i < 4; i++) pool.take();
    // One pod starting: its sandbox claim and app container create in flight at once.
    setInFlight(2);
    pool.tick();
    await settle();
    expect(pool.size).toBe(4);
    for (let i = 0; i < 10; i++) {
      expect(pool.take()).toBeDefined();
      advance(100);
      pool.tick();
      await settle();
      expect(pool.size).toBe(4);
    }
    // A third operation (a second pod) stops the filling.
    pool.take();
    setInFlight(3);
    pool.tick();
    await settle();
    expect(pool.size).toBe(3);
  });

  it('gives nothing and removes what it holds once stopped', async () => {
    const { pool, removed, settle } = fakePool({ maxSize: 2, idleMs: 1_000 });
    pool.take();
    pool.take();
    pool.tick();
    await settle();
    await pool.stop();
    expect(pool.size).toBe(0);
    expect(removed.length).toBe(2);
    expect(pool.take()).toBeUndefined();
  });

  it('takes a sandbox back only while it is below its target, counting those promised to it', async () => {
    const { pool, setBusy, settle } = fakePool({ maxSize: 3, idleMs: 1_000 });
    const back = (id: string): WarmSandbox => ({ id, podIP: '10.0.0.9', createdAt: '' });
    // No demand yet: the target is 0, nothing is taken back.
    expect(pool.wantsMore()).toBe(false);
    expect(pool.giveBack(back('early'))).toBe(false);
    // Two pods asked during a burst (no refill): the pool is 2 below its target.
    setBusy(true);
    pool.take();
    pool.take();
    pool.tick();
    await settle();
    expect(pool.size).toBe(0);
    expect(pool.wantsMore()).toBe(true);
    expect(pool.wantsMore(2)).toBe(false);
    expect(pool.giveBack(back('a'))).toBe(true);
    expect(pool.giveBack(back('b'))).toBe(true);
    expect(pool.giveBack(back('c'))).toBe(false);
    // The sandboxes given back are handed out again, oldest first.
    expect(pool.take()?.id).toBe('a');
    await pool.stop();
    expect(pool.giveBack(back('late'))).toBe(false);
  });

  it('reads its settings from the environment and names a bad one', () => {
    expect(warmPoolFromEnv({})).toEqual({ maxSize: 16, idleMs: 60_000 });
    expect(warmPoolFromEnv({ CAPSTAN_WARM_POOL: '0', CAPSTAN_WARM_POOL_IDLE_S: '5' })).toEqual({
      maxSize: 0,
      idleMs: 5_000,
    });
    expect(() => warmPoolFromEnv({ CAPSTAN_WARM_POOL: 'many' })).toThrow(/CAPSTAN_WARM_POOL="many" must be an integer/);
  });
});
