import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRfc3339, parseRfc3339 } from './rfc3339.ts';

describe('RFC 3339 date-times', () => {
  it('reads what toISOString writes as the same instant', () => {
    const instants = fc.date({
      min: new Date('0001-01-01T00:00:00Z'),
      max: new Date('9999-12-31T23:59:59.999Z'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(instants, (at) => {
        expect(parseRfc3339(at.toISOString())).toBe(at.getTime());
      }),
    );
  });

  it('reads an offset as the same instant in UTC, with up to nine fractional digits', () => {
    expect(parseRfc3339('2026-12-07T06:31:05.847+01:00')).toBe(Date.parse('2026-12-07T05:31:05.847Z'));
    expect(parseRfc3339('2026-12-07T00:30:00-05:30')).toBe(Date.parse('2026-12-07T06:00:00Z'));
    expect(parseRfc3339('2026-12-07T05:31:05.123456789Z')).toBe(Date.parse('2026-12-07T05:31:05.123Z'));
    expect(parseRfc3339('2026-12-07t05:31:05z')).toBe(Date.parse('2026-12-07T05:31:05Z'));
    expect(parseRfc3339('0050-06-01T00:00:00Z')).toBe(Date.parse('0050-06-01T00:00:00Z'));
  });

  it('takes 29 February in leap years only', () => {
    expect(isRfc3339('2024-02-29T00:00:00Z')).toBe(true);
    expect(isRfc3339('2000-02-29T00:00:00Z')).toBe(true);
    expect(isRfc3339('1900-02-29T00:00:00Z')).toBe(false);
    expect(isRfc3339('2026-02-29T00:00:00Z')).toBe(false);
  });

  it('refuses out-of-range parts and other formats (Date.parse takes several of these)', () => {
    for (const value of [
      '2026-02-30T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-12-07T24:00:00Z',
      '2026-12-07T23:60:00Z',
      '2026-12-07T23:59:60Z',
      '2026-00-07T00:00:00Z',
      '2026-12-00T00:00:00Z',
      '2026-12-07T00:00:00+24:00',
      '2026-12-07T00:00:00+01:60',
      '2026-12-07T00:00:00',
      '2026-12-07',
      '2026-12-07 05:00:00Z',
      '2026-12-07T05:00:00.Z',
      '2026-12-07T05:00:00.1234567890Z',
      'Dec 7 2026',
      '1',
      '',
    ]) {
      expect(parseRfc3339(value), value).toBeUndefined();
    }
  });
});
