import { CapstanError } from './errors.ts';

/**
 * Kubernetes resource quantities (k8s.io/apimachinery/pkg/api/resource): a signed decimal number followed by a
 * suffix that is either binary (`Ki`, `Mi`, `Gi`, `Ti`, `Pi`, `Ei`), decimal (`n`, `u`, `m`, `k`, `M`, `G`, `T`,
 * `P`, `E`) or a decimal exponent (`e3`, `E-2`). Examples: cpu `500m`, `2`, `0.5`; memory `128Mi`, `1G`, `1e3`.
 *
 * Arithmetic is exact (BigInt) so that `0.1` cpu is exactly 100 millicores; conversions to integer units round
 * up, as Kubernetes' `Value()` and `MilliValue()` do.
 */

/** Kubernetes' own wording for a malformed quantity. */
export const QUANTITY_FORMAT_MESSAGE =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const SUFFIX_MESSAGE = "unable to parse quantity's suffix";
/**
 * Longest quantity accepted. Kubernetes' own parser is linear; this one's regular expression backtracks on a
 * failing match and BigInt conversion is quadratic in the digits, so the length is bounded before either runs:
 * 100 characters hold any real amount (an int64 has 19 digits) and parse in microseconds.
 */
export const MAX_QUANTITY_LENGTH = 100;
const LENGTH_MESSAGE = `quantities must be at most ${MAX_QUANTITY_LENGTH} characters`;

const NUMBER_RE = /^([+-]?)([0-9]*)(?:\.([0-9]*))?([eEinumkKMGTP]*[-+]?[0-9]*)$/;

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

/** An exact quantity: `mantissa * 10^exp10 * 2^exp2`. */
interface ExactQuantity {
  mantissa: bigint;
  exp10: number;
  exp2: number;
}

/** Parses the syntax or returns the broken rule. */
function parseExact(input: string | number): ExactQuantity | string {
  const s = typeof input === 'number' ? numberToString(input) : input;
  if (s === undefined) return QUANTITY_FORMAT_MESSAGE;
  if (s.length > MAX_QUANTITY_LENGTH) return LENGTH_MESSAGE;
  const m = NUMBER_RE.exec(s);
  // Kubernetes accepts a bare "." or "-" as zero; requiring one digit is stricter and catches typos.
  if (!m || ((m[2] ?? '') === '' && (m[3] ?? '') === '')) return QUANTITY_FORMAT_MESSAGE;
  const [, sign = '', whole = '', fraction = '', suffix = ''] = m;
  let exp10 = -fraction.length;
  let exp2 = 0;
  const decimal = DECIMAL_SUFFIXES[suffix];
  const binary = BINARY_SUFFIXES[suffix];
  if (decimal !== undefined) exp10 += decimal;
  else if (binary !== undefined) exp2 = binary;
  else if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?[0-9]+$/.test(suffix.slice(1))) {
    const exponent = Number(suffix.slice(1));
    if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 1000) return SUFFIX_MESSAGE;
    exp10 += exponent;
  } else return SUFFIX_MESSAGE;
  const digits = BigInt(`${whole}${fraction}` || '0');
  return { mantissa: sign === '-' ? -digits : digits, exp10, exp2 };
}

/** YAML turns `cpu: 2` into a number; accept plain finite numbers as Kubernetes accepts JSON integers. */
function numberToString(n: number): string | undefined {
  if (!Number.isFinite(n)) return undefined;
  return String(n).replace('e+', 'e');
}

/** `q * 10^scale`, rounded towards positive infinity. */
function scaledCeil(q: ExactQuantity, scale: number): bigint {
  let numerator = q.mantissa * 2n ** BigInt(q.exp2);
  let denominator = 1n;
  const exp = q.exp10 + scale;
  if (exp >= 0) numerator *= 10n ** BigInt(exp);
  else denominator = 10n ** BigInt(-exp);
  const quotient = numerator / denominator;
  return numerator % denominator > 0n ? quotient + 1n : quotient;
}

function parseOrThrow(s: string | number): ExactQuantity {
  const q = parseExact(s);
  if (typeof q === 'string') {
    const shown = typeof s === 'string' && s.length > 40 ? `${JSON.stringify(s.slice(0, 40))}...` : JSON.stringify(s);
    throw new CapstanError('INVALID', `invalid quantity ${shown}: ${q}`);
  }
  return q;
}

/**
 * The rule a quantity breaks, or undefined when it parses. Does not judge the sign: resource fields reject
 * negative values separately (`must be greater than or equal to 0`).
 */
export function quantityError(s: string | number): string | undefined {
  const q = parseExact(s);
  return typeof q === 'string' ? q : undefined;
}

/**
 * The value of a quantity in its base unit: cores for cpu (`500m` -> 0.5), bytes for memory and storage
 * (`128Mi` -> 134217728). Very large values lose precision beyond 2^53, as any JS number does.
 * Throws CapstanError INVALID naming the quantity syntax when `s` does not parse.
 */
export function parseQuantity(s: string | number): number {
  const q = parseOrThrow(s);
  // Nanos is the finest suffix (n); whole and fraction are converted apart so large byte counts stay exact.
  const nanos = scaledCeil(q, 9);
  return Number(nanos / 1_000_000_000n) + Number(nanos % 1_000_000_000n) / 1e9;
}

/**
 * A cpu quantity in millicores, rounded up (`500m` -> 500, `2` -> 2000, `0.1` -> 100, `1u` -> 1).
 * Multiply by 1e6 for Docker's NanoCpus. Throws CapstanError INVALID when `s` does not parse.
 */
export function parseCpuMillis(s: string | number): number {
  return Number(scaledCeil(parseOrThrow(s), 3));
}

/**
 * A memory or storage quantity in bytes, rounded up (`128Mi` -> 134217728, `1G` -> 1e9, `1e3` -> 1000,
 * `500m` -> 1). Throws CapstanError INVALID when `s` does not parse.
 */
export function parseBytes(s: string | number): number {
  return Number(scaledCeil(parseOrThrow(s), 0));
}
