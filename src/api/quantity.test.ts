import { describe, expect, it } from 'vitest';
import { isCapstanError } from './errors.ts';
import { parseBytes, parseCpuMillis, parseQuantity, quantityError } from './quantity.ts';

describe('parseQuantity', () => {
  it.each([
    ['2', 2],
    ['500m', 0.5],
    ['0.5', 0.5],
    ['.5', 0.5],
    ['1.', 1],
    ['+3', 3],
    ['-1', -1],
    ['250u', 0.00025],
    ['5n', 5e-9],
    ['1k', 1000],
    ['1M', 1e6],
    ['1G', 1e9],
    ['2T', 2e12],
    ['1P', 1e15],
    ['1E', 1e18],
    ['1Ki', 1024],
    ['128Mi', 134217728],
    ['1.5Gi', 1610612736],
    ['1Ti', 2 ** 40],
    ['1e3', 1000],
    ['1E3', 1000],
    ['12e-1', 1.2],
    ['1e+2', 100],
    ['123456789012', 123456789012],
    [2, 2],
    [0.25, 0.25],
  ] as const)('reads %j as %d', (input, expected) => {
    expect(parseQuantity(input)).toBe(expected);
  });

  it.each(['', ' 1', '1 ', 'abc', '1.2.3', '1Kb', '1e', '1x', '--1', '1Mi3', '.', '-', 'm'])(
    'rejects %j with the Kubernetes syntax rule',
    (input) => {
      let thrown: unknown;
      try {
        parseQuantity(input);
      } catch (err) {
        thrown = err;
      }
      expect(isCapstanError(thrown, 'INVALID')).toBe(true);
      expect(quantityError(input)).toMatch(
        /quantities must match the regular expression|unable to parse quantity's suffix/,
      );
    },
  );

  it('rejects numbers that are not finite', () => {
    expect(quantityError(Number.NaN)).toMatch(/regular expression/);
  });
});

describe('parseCpuMillis', () => {
  it.each([
    ['500m', 500],
    ['2', 2000],
    ['0.1', 100],
    ['1.5', 1500],
    ['100m', 100],
    ['1u', 1],
    ['0', 0],
    ['1e-3', 1],
    [1, 1000],
  ] as const)('reads %j as %d millicores, rounding up', (input, expected) => {
    expect(parseCpuMillis(input)).toBe(expected);
  });

  it('throws INVALID on a malformed cpu value', () => {
    expect(() => parseCpuMillis('one')).toThrow(/quantities must match/);
  });
});

describe('parseBytes', () => {
  it.each([
    ['128Mi', 134217728],
    ['1G', 1_000_000_000],
    ['1e3', 1000],
    ['64Ki', 65536],
    ['500m', 1],
    ['1.1', 2],
    ['0', 0],
    ['2Gi', 2147483648],
  ] as const)('reads %j as %d bytes, rounding up', (input, expected) => {
    expect(parseBytes(input)).toBe(expected);
  });

  it('throws INVALID naming the bad suffix', () => {
    expect(() => parseBytes('1Mk')).toThrow(/unable to parse quantity's suffix/);
  });
});

describe('long quantities', () => {
  it('refuses a quantity of 40,000 digits at once, without parsing it', () => {
    const started = performance.now();
    expect(quantityError('9'.repeat(40_000))).toMatch(/at most 100 characters/);
    expect(quantityError(`${'1'.repeat(40_000)}x`)).toMatch(/at most 100 characters/);
    expect(() => parseCpuMillis('9'.repeat(40_000))).toThrow(/at most 100 characters/);
    expect(performance.now() - started).toBeLessThan(20);
  });

  it('parses in time linear in the length up to the limit', () => {
    expect(parseBytes(`${'0'.repeat(90)}1Ki`)).toBe(1024);
    expect(quantityError('1'.repeat(101))).toMatch(/at most 100 characters/);
  });
});
