/**
 * The summary table of `npm run bench`, from the measurements the benchmarks reported. Benchmarks describe their
 * target as text in `details.target` (`>= 10000/s`, `< 10 ms`, `>= 0.6x direct`, `< 1x swarm`): a bound followed
 * by `x` applies to `details.ratio` (the measurement over its peer's), any other bound to the value itself.
 */
import { renderTable } from '../../src/cli/table.ts';
import type { BenchResult } from '../report.ts';

export interface Target {
  op: '>=' | '<=' | '>' | '<' | '=';
  bound: number;
  /** The bound applies to `details.ratio`, not to the value. */
  onRatio: boolean;
}

/** Parses a target text; undefined when it does not start with a comparison and a number. */
export function parseTarget(text: unknown): Target | undefined {
  if (typeof text !== 'string') return undefined;
  const match = /^\s*(>=|<=|>|<|=|≥|≤)\s*(\d+(?:\.\d+)?)\s*(x|×)?/.exec(text);
  if (!match) return undefined;
  const op = ({ '≥': '>=', '≤': '<=' } as Record<string, Target['op']>)[match[1]!] ?? (match[1] as Target['op']);
  return { op, bound: Number(match[2]), onRatio: match[3] !== undefined };
}

function compare(value: number, { op, bound }: Target): boolean {
  switch (op) {
    case '>=':
      return value >= bound;
    case '<=':
      return value <= bound;
    case '>':
      return value > bound;
    case '<':
      return value < bound;
    case '=':
      return value === bound;
  }
}

/** Whether a measurement meets its target: 'yes', 'no', or '-' when it has none or it cannot be checked. */
export function targetMet(result: BenchResult): 'yes' | 'no' | '-' {
  const target = parseTarget(result.details.target);
  if (!target) return '-';
  const subject = target.onRatio ? result.details.ratio : result.value;
  if (typeof subject !== 'number' || !Number.isFinite(subject)) return '-';
  return compare(subject, target) ? 'yes' : 'no';
}

/**
 * The peer a measurement was compared with, as `name=value`: `details.peer` when a benchmark names it, else the
 * detail whose number equals value ÷ ratio (how every benchmark here reports its peer), else '-'.
 */
export function peerOf(result: BenchResult): string {
  const { peer, ratio } = result.details;
  if (typeof peer === 'string') return peer;
  if (typeof ratio !== 'number' || !Number.isFinite(ratio) || ratio === 0) return '-';
  const expected = result.value / ratio;
  for (const [key, v] of Object.entries(result.details)) {
    if (key !== 'ratio' && typeof v === 'number' && Math.abs(v - expected) <= Math.abs(expected) * 1e-3) {
      return `${key}=${formatNumber(v)}`;
    }
  }
  return '-';
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return String(Math.round(value));
  return String(Math.round(value * 100) / 100);
}

/** How one benchmark module ended. */
export interface BenchOutcome {
  name: string;
  status: 'ok' | 'crashed' | 'skipped';
  /** Why it crashed or was skipped. */
  reason?: string;
  results: BenchResult[];
  seconds: number;
}

/**
 * The summary table: a row per measurement and a row for each benchmark that crashed or was skipped, then one line
 * per crash or skip with its reason.
 */
export function renderSummary(outcomes: readonly BenchOutcome[]): string {
  const rows: string[][] = [];
  for (const outcome of outcomes) {
    for (const r of outcome.results) {
      const ratio = typeof r.details.ratio === 'number' ? formatNumber(r.details.ratio) : '-';
      const target = typeof r.details.target === 'string' ? r.details.target : '-';
      rows.push([r.name, formatNumber(r.value), peerOf(r), ratio, target, targetMet(r)]);
    }
    if (outcome.status !== 'ok') {
      rows.push([outcome.name, outcome.status.toUpperCase(), '-', '-', '-', outcome.status === 'crashed' ? 'no' : '-']);
    }
  }
  const notes = outcomes
    .filter((o) => o.status !== 'ok')
    .map((o) => `${o.name} ${o.status}: ${o.reason ?? 'no reason given'}`);
  return [renderTable(['benchmark', 'value', 'peer', 'ratio', 'target', 'met'], rows), ...notes].join('\n');
}

/**
 * How a run is labelled in its summary: "quiet" only when the 1-minute load average was at or under the core count
 * at start and at end, else "loaded" (absolute numbers of a loaded run are not comparable; ratios hold better).
 */
export function runLabel(loads: readonly number[], cores: number): 'quiet' | 'loaded' {
  return loads.every((load) => load <= cores) ? 'quiet' : 'loaded';
}
