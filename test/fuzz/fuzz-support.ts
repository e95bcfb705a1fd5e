import { appendFileSync, readFileSync } from 'node:fs';

/**
 * Shared parts of the fuzz suites (`test/fuzz-*.test.ts`). They run in two sizes: a fast one in `npm test` (a few
 * hundred inputs per target, seconds) and a long one in `npm run fuzz` (CAPSTAN_FUZZ=long: many more inputs,
 * bounded by count and by time per target).
 */
export const LONG = process.env.CAPSTAN_FUZZ === 'long';

/** fast-check settings for a target: `fast` inputs in `npm test`, `long` in `npm run fuzz`, never past the time. */
export function runs(fast: number, long: number): { numRuns: number; interruptAfterTimeLimit: number; seed?: number } {
  const seed = process.env.CAPSTAN_FUZZ_SEED ? Number(process.env.CAPSTAN_FUZZ_SEED) : undefined;
  return {
    numRuns: LONG ? long : fast,
    interruptAfterTimeLimit: (LONG ? 120 : 20) * 1000,
    ...(seed !== undefined ? { seed } : {}),
  };
}

/**
 * Measures how long the event loop stalls while a target runs: a 10 ms timer notes the gap between its ticks (wall
 * clock) and the CPU time the loop's own thread used in that gap. On a machine shared by many processes a gap can be
 * long only because the thread was not scheduled; the CPU time the thread used in the gap is what its own work
 * blocked the loop for, so that is the stall the property bounds. Only this thread counts: work in worker threads
 * (the API server parses YAML in one) or other threads of the process does not stall the loop. Both are reported.
 */
export class StallProbe {
  private timer: NodeJS.Timeout | undefined;
  private lastAt = 0;
  private lastCpu = 0;
  /** Since the last mark: longest CPU-busy stall, longest wall-clock gap. */
  private windowBusy = 0;
  private windowWall = 0;
  private longestBusy = 0;
  private longestWall = 0;
  private slowestInput = '';

  start(): void {
    this.lastAt = performance.now();
    this.lastCpu = cpuMs();
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  stop(): void {
    this.tick();
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    const at = performance.now();
    const cpu = cpuMs();
    const wall = Math.max(0, at - this.lastAt - TICK_MS);
    const busy = Math.min(wall, cpu - this.lastCpu);
    this.lastAt = at;
    this.lastCpu = cpu;
    this.windowBusy = Math.max(this.windowBusy, busy);
    this.windowWall = Math.max(this.windowWall, wall);
    this.longestWall = Math.max(this.longestWall, wall);
  }

  /** After one input of a target: the stall seen since the previous mark is charged to `input`. */
  mark(input: unknown): void {
    if (this.timer) this.tick();
    if (this.windowBusy > this.longestBusy) {
      this.longestBusy = this.windowBusy;
      this.slowestInput = describeInput(input);
    }
    this.windowBusy = 0;
    this.windowWall = 0;
  }

  /**
   * Times one synchronous step (a parse, a DNS answer), charged to `input` like `mark`: for targets driven in a
   * synchronous loop, where the timer cannot tick, each step's own time is the stall it causes.
   */
  time<T>(input: unknown, step: () => T): T {
    const started = performance.now();
    const startedCpu = cpuMs();
    try {
      return step();
    } finally {
      const busy = Math.min(performance.now() - started, cpuMs() - startedCpu);
      this.windowBusy = Math.max(this.windowBusy, busy);
      this.mark(input);
    }
  }

  /** Longest stall of the loop by this process' own work, in ms (CPU time used while the loop did not turn). */
  get longestMs(): number {
    return Math.max(this.longestBusy, this.windowBusy);
  }

  /** Longest gap between timer ticks in wall-clock time, whatever the cause (the machine's load included). */
  get longestWallMs(): number {
    return this.longestWall;
  }

  get slowestInputText(): string {
    return this.slowestInput;
  }
}

const TICK_MS = 10;

/**
 * CPU time of the calling thread in ms: Linux' /proc/thread-self/schedstat (nanoseconds on the CPU), which Node 20
 * has no API for (process.cpuUsage counts every thread of the process).
 */
export function cpuMs(): number {
  return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ', 1)[0]) / 1e6;
}

function describeInput(input: unknown): string {
  return briefJson(input, 200);
}

/**
 * A value as JSON for a message, at most about `max` characters. Long strings are cut before encoding: encoding a
 * megabyte input in full would itself stall the event loop.
 */
export function briefJson(value: unknown, max: number): string {
  const cut = (v: unknown): unknown =>
    typeof v === 'string' && v.length > max ? `${v.slice(0, max)}... (${v.length} chars)` : v;
  const text =
    typeof value === 'string' ? value : (JSON.stringify(value, (_key, v: unknown) => cut(v)) ?? String(value));
  return text.length > max ? `${text.slice(0, max)}... (${text.length} chars)` : text;
}

/**
 * Prints one summary line per target (`fuzz <target>: N inputs, longest event-loop stall X ms`) and, when
 * CAPSTAN_FUZZ_REPORT names a file, appends it there as JSON for docs/security.md.
 */
export function report(target: string, inputs: number, probe: StallProbe): void {
  const stall = Math.round(probe.longestMs * 10) / 10;
  const wall = Math.round(probe.longestWallMs * 10) / 10;
  const line =
    `fuzz ${target}: ${inputs} inputs, longest event-loop stall ${stall} ms (wall clock, machine load included: ` +
    `${wall} ms)${probe.slowestInputText ? `; slowest input: ${probe.slowestInputText}` : ''}`;
  console.log(line);
  const file = process.env.CAPSTAN_FUZZ_REPORT;
  if (file) {
    appendFileSync(
      file,
      `${JSON.stringify({ target, inputs, longestStallMs: stall, longestWallMs: wall, long: LONG })}\n`,
    );
  }
}

/** The stall a target may cause at most (the issue's bound). */
export const MAX_STALL_MS = 100;
