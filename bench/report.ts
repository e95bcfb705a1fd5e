/** One measurement as reported: the name, its value, and the details printed beside it. */
export interface BenchResult {
  name: string;
  value: number;
  details: Record<string, unknown>;
}

const listeners: ((result: BenchResult) => void)[] = [];

/** Calls `listener` with every later `report()` of this process (bench/run.ts collects them for its summary). */
export function onReport(listener: (result: BenchResult) => void): void {
  listeners.push(listener);
}

/** Benchmark reporting: one human line and one JSON line per measurement, so runs can be compared. */
export function report(name: string, value: number, details: Record<string, unknown> = {}): void {
  const extras = Object.entries(details)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? round(v) : String(v)}`)
    .join(' ');
  console.log(`${name}: ${round(value)} ${extras}`);
  console.log(JSON.stringify({ bench: name, value: round(value), ...details }));
  for (const listener of listeners) listener({ name, value, details });
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
