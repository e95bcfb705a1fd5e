import { describe, expect, it } from 'vitest';
import { visibleWindow } from './virtual-table.ts';

describe('visibleWindow', () => {
  it('draws the rows in view and a margin around them, never past either end', () => {
    expect(visibleWindow(5_000, 0, 600, 30, 10)).toEqual({ start: 0, end: 30 });
    expect(visibleWindow(5_000, 30_000, 600, 30, 10)).toEqual({ start: 990, end: 1_030 });
    expect(visibleWindow(5_000, 149_400, 600, 30, 10)).toEqual({ start: 4_970, end: 5_000 });
    expect(visibleWindow(3, 0, 600, 30, 10)).toEqual({ start: 0, end: 3 });
    expect(visibleWindow(0, 500, 600, 30, 10)).toEqual({ start: 0, end: 0 });
  });
});
