import { humanDuration } from '../resolvers/pod-columns.ts';

/**
 * Renders rows under upper-case headers in columns padded to the widest cell plus three spaces, as kubectl's
 * tabwriter does; the last column is not padded.
 */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [headers.map((h) => h.toUpperCase()), ...rows.map((r) => r.map((cell) => cell || ''))];
  // Widths in a loop, not Math.max(...column): spreading the column of about 125,000 rows or more overflows
  // the stack.
  const widths = headers.map(() => 0);
  for (const row of all)
    for (let i = 0; i < headers.length; i++) widths[i] = Math.max(widths[i]!, (row[i] ?? '').length);
  return all
    .map((row) =>
      headers
        .map((_, i) => (i === headers.length - 1 ? (row[i] ?? '') : (row[i] ?? '').padEnd(widths[i]! + 3)))
        .join('')
        .trimEnd(),
    )
    .join('\n');
}

/** An object's AGE column: time since `creationTimestamp` as kubectl prints it (`5s`, `3m`, `2h`, `4d`). */
export function age(creationTimestamp: string | null | undefined, now: number = Date.now()): string {
  if (!creationTimestamp) return '<unknown>';
  const created = Date.parse(creationTimestamp);
  return Number.isNaN(created) ? '<unknown>' : humanDuration(now - created);
}

/** A string map as kubectl prints labels and selectors: `app=web,tier=front`, or `<none>`. */
export function formatMap(pairs: readonly { key: string; value: string }[] | null | undefined): string {
  if (!pairs || pairs.length === 0) return '<none>';
  return pairs.map((p) => `${p.key}=${p.value}`).join(',');
}

/** Joins values, or `<none>` when there are none. */
export function orNone(values: readonly (string | null | undefined)[] | null | undefined, separator = ','): string {
  const present = (values ?? []).filter((v): v is string => Boolean(v));
  return present.length === 0 ? '<none>' : present.join(separator);
}
