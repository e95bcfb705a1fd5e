import { describe, expect, it } from 'vitest';
import { inSlices } from './list-slices.ts';

const isThenable = (v: unknown): v is PromiseLike<unknown> => typeof (v as { then?: unknown })?.then === 'function';

describe('inSlices (long lists completed a slice per event-loop turn)', () => {
  it('returns a short list as it is', () => {
    const items = [1, 2, 3];
    expect(inSlices(items, 4)).toBe(items);
  });

  it('gives every item back in order, the first slice at once and each later slice in a turn of its own', async () => {
    const items = Array.from({ length: 10 }, (_, i) => ({ i }));
    const sliced = inSlices(items, 4);
    expect(sliced.slice(0, 4)).toEqual(items.slice(0, 4));
    const settledAt: number[] = [];
    let turn = 0;
    const turns = setInterval(() => turn++, 0);
    const values = await Promise.all(
      sliced.map(async (item, index) => {
        const value = await item;
        if (index >= 4) settledAt.push(turn);
        return value;
      }),
    );
    clearInterval(turns);
    expect(values).toEqual(items);
    expect(sliced.slice(4).every(isThenable)).toBe(true);
    // Items 4-7 settle together, items 8-9 in a later turn.
    expect(new Set(settledAt.slice(0, 4)).size).toBe(1);
    expect(settledAt[8 - 4]!).toBeGreaterThanOrEqual(settledAt[0]!);
  });

  it('lets a socket read or a timer in between two slices', async () => {
    const sliced = inSlices(
      Array.from({ length: 1000 }, (_, i) => i),
      10,
    );
    const order: string[] = [];
    setImmediate(() => order.push('other work'));
    await Promise.all(
      sliced.map((item, i) =>
        Promise.resolve(item).then(() => {
          if (i === 999) order.push('last item');
        }),
      ),
    );
    expect(order).toEqual(['other work', 'last item']);
  });

  it('behaves as a thenable: chained then, a throwing handler rejects, a then after settling still runs', async () => {
    const [, later] = inSlices(['a', 'b'], 1) as [string, PromiseLike<string>];
    const chained = later.then((v) => `${v}!`).then((v) => Promise.resolve(`${v}?`));
    await expect(chained).resolves.toBe('b!?');
    const failing = later.then(() => {
      throw new Error('boom');
    });
    await expect(Promise.resolve(failing)).rejects.toThrow('boom');
    const caught = failing.then(undefined, (err: unknown) => `caught ${(err as Error).message}`);
    await expect(caught).resolves.toBe('caught boom');
    let sync = true;
    const after = later.then((v) => ({ v, sync }));
    sync = false;
    await expect(after).resolves.toEqual({ v: 'b', sync: false });
  });
});
