import { describe, expect, it } from 'vitest';
import { toPairs } from './common.ts';

describe('toPairs (string maps as GraphQL key/value pairs)', () => {
  it('gives the pairs in the map’s own order, and none for no map', () => {
    expect(toPairs({ b: '2', a: '1', '10': 'x' })).toEqual([
      { key: '10', value: 'x' },
      { key: 'b', value: '2' },
      { key: 'a', value: '1' },
    ]);
    expect(toPairs(undefined)).toEqual([]);
  });

  it('makes the pairs of a frozen (shared, cached) map once, and follows a map that can still change', () => {
    const shared = Object.freeze({ app: 'web' });
    expect(toPairs(shared)).toBe(toPairs(shared));
    expect(Object.isFrozen(toPairs(shared)[0])).toBe(true);
    const open: Record<string, string> = { app: 'web' };
    expect(toPairs(open)).toEqual([{ key: 'app', value: 'web' }]);
    open.tier = 'front';
    expect(toPairs(open)).toEqual([
      { key: 'app', value: 'web' },
      { key: 'tier', value: 'front' },
    ]);
  });
});
