/**
 * RFC 3339 date-times (`2026-12-07T03:31:05.847Z`, `2026-12-07T04:31:05.123456+01:00`), read as Kubernetes reads a
 * Time or MicroTime (Go's `time.Parse(time.RFC3339, …)`): every part in its range — a month of 01–12, a day that the
 * month has (29 February only in a leap year), hours 00–23, minutes and seconds 00–59, an offset of at most 23:59.
 * `Date.parse` alone is not that check: it takes `2026-02-30T00:00:00Z` as 2 March, `T24:00:00Z` as the next day,
 * and `Dec 7 2026` or `1` as times at all.
 */
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** Milliseconds since the epoch of an RFC 3339 date-time; undefined when `value` is not one. */
export function parseRfc3339(value: string): number | undefined {
  const m = DATE_TIME.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12) return undefined;
  const days = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
  if (day < 1 || day > days || hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (m[8] === undefined) {
    const offsetHours = Number(m[10]);
    const offsetMins = Number(m[11]);
    if (offsetHours > 23 || offsetMins > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  // Date.UTC reads years 0–99 as 1900–1999: set the year on its own.
  const at = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, millis));
  at.setUTCFullYear(year);
  return at.getTime() - offsetMinutes * 60_000;
}

/** Whether `value` is an RFC 3339 date-time (see parseRfc3339). */
export const isRfc3339 = (value: string): boolean => parseRfc3339(value) !== undefined;
