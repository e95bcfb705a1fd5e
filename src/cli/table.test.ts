import { describe, expect, it } from 'vitest';
import { age, formatMap, renderTable } from './table.ts';

describe('renderTable', () => {
  it('renders 200,000 rows (a column too long to spread into Math.max)', () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => [`pod-${i}`, 'Running']);
    const lines = renderTable(['NAME', 'STATUS'], rows).split('\n');
    expect(lines).toHaveLength(200_001);
    expect(lines[0]).toBe(`NAME${' '.repeat('pod-199999'.length - 4 + 3)}STATUS`);
    expect(lines[200_000]).toBe('pod-199999   Running');
    expect(lines[1]).toBe(`pod-0${' '.repeat(8)}Running`);
  });

  it('pads columns to the widest cell plus three spaces, like kubectl', () => {
    const text = renderTable(
      ['NAME', 'READY', 'STATUS'],
      [
        ['web-1', '1/1', 'Running'],
        ['a-much-longer-name', '0/1', 'Pending'],
      ],
    );
    expect(text.split('\n')).toEqual([
      'NAME                 READY   STATUS',
      'web-1                1/1     Running',
      'a-much-longer-name   0/1     Pending',
    ]);
  });

  it('prints headers only for no rows and trims trailing blanks', () => {
    expect(renderTable(['NAME', 'AGE'], [])).toBe('NAME   AGE');
    expect(renderTable(['NAME', 'LABELS', 'AGE'], [['x', '', '']])).toBe('NAME   LABELS   AGE\nx');
  });
});

describe('age', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');
  const ago = (ms: number) => new Date(now - ms).toISOString();
  it.each([
    [5_000, '5s'],
    [3 * 60_000, '3m'],
    [3 * 60_000 + 12_000, '3m12s'],
    [5 * 3_600_000, '5h'],
    [2 * 3_600_000, '120m'],
    [4 * 86_400_000, '4d'],
    [30 * 86_400_000, '30d'],
  ])('prints %i ms as %s', (ms, text) => {
    expect(age(ago(ms), now)).toBe(text);
  });

  it('prints <unknown> for a missing timestamp', () => {
    expect(age(undefined, now)).toBe('<unknown>');
  });
});

describe('formatMap', () => {
  it('joins pairs like kubectl, or says <none>', () => {
    expect(
      formatMap([
        { key: 'app', value: 'web' },
        { key: 'tier', value: 'front' },
      ]),
    ).toBe('app=web,tier=front');
    expect(formatMap([])).toBe('<none>');
  });
});
