/**
 * `npm run bench`: every benchmark module in turn, then a summary table of what they measured against which peer
 * and whether each target is met.
 *
 *   npm run bench                 all of them
 *   npm run bench -- dns proxy    only these (names as below)
 *   env: BENCH_TIMEOUT_S=1200     per benchmark; CAPSTAN_LOG_LEVEL (default error: warnings of components shutting down would bury the numbers)
 *
 * Each benchmark runs in a child process of its own (this file in child mode: it imports the module and calls the
 * one `bench*` function it exports), so a crash, a leaked handle or a left-over timer of one benchmark cannot
 * stop or disturb the next. A module that does not exist is skipped with a line saying so. The child sends every
 * `report()` to this process, which keeps what a benchmark measured before it crashed.
 *
 * Exit status: 0 when every benchmark ran to its end, whatever the numbers (they are measurements, not tests);
 * 1 when one crashed or timed out.
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { onReport } from './report.ts';
import type { BenchResult } from './report.ts';
import { renderSummary, runLabel } from './support/summary.ts';
import type { BenchOutcome } from './support/summary.ts';

/** In the order they run: the cheap in-process ones first, the ones that start containers last. */
const BENCHMARKS = ['cli', 'store', 'api', 'dns', 'proxy', 'scheduler', 'scale', 'pod-startup', 'rc-scale'] as const;
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_S ?? 1200) * 1000;
const CHILD_FLAG = '--child';

type FromChild = { type: 'result'; result: BenchResult } | { type: 'crashed'; reason: string };

const moduleFile = (name: string): string => fileURLToPath(new URL(`./${name}.ts`, import.meta.url));

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]!.slice(0, 200);
}

/** Child mode: runs one benchmark module and sends its results to the parent over the IPC channel. */
async function runChild(name: string): Promise<void> {
  const sent: Promise<void>[] = [];
  const send = (message: FromChild): void => {
    sent.push(new Promise((resolve) => process.send!(message, () => resolve())));
  };
  onReport((result) => send({ type: 'result', result }));
  let failed = false;
  try {
    const module = (await import(moduleFile(name))) as Record<string, unknown>;
    const entries = Object.entries(module).filter(([key, v]) => /^bench[A-Z]/.test(key) && typeof v === 'function');
    if (entries.length !== 1) {
      throw new Error(`bench/${name}.ts exports ${entries.length} bench* functions; run.ts needs exactly one`);
    }
    await (entries[0]![1] as () => Promise<void>)();
  } catch (err) {
    failed = true;
    console.error(`${name}: benchmark failed:`, err);
    send({ type: 'crashed', reason: firstLine(err) });
  }
  await Promise.all(sent);
  // Exit even if the benchmark left a handle open: its measurements are in.
  process.exit(failed ? 1 : 0);
}

async function runInChild(name: string): Promise<BenchOutcome> {
  if (!existsSync(moduleFile(name))) {
    console.log(`\n=== ${name}: skipped, bench/${name}.ts does not exist`);
    return { name, status: 'skipped', reason: `bench/${name}.ts does not exist`, results: [], seconds: 0 };
  }
  console.log(`\n=== ${name} (bench/${name}.ts)`);
  const start = performance.now();
  const results: BenchResult[] = [];
  let reason: string | undefined;
  // A process group of its own, so a timeout also ends the load generators and servers it started (wrk, dnsmasq).
  const child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG, name], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, CAPSTAN_LOG_LEVEL: process.env.CAPSTAN_LOG_LEVEL ?? 'error' },
    detached: true,
  });
  const killGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // Already gone.
    }
  };
  // Ctrl-C reaches only this process now: pass it on.
  const forward = (signal: NodeJS.Signals): void => killGroup(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('message', (message: FromChild) => {
    if (message.type === 'result') results.push(message.result);
    else reason = message.reason;
  });
  const timer = setTimeout(() => {
    reason = `timed out after ${TIMEOUT_MS / 1000} s (BENCH_TIMEOUT_S); its clean-up may not have run`;
    killGroup('SIGTERM');
    setTimeout(() => killGroup('SIGKILL'), 10_000).unref();
  }, TIMEOUT_MS);
  // 'close' comes after the IPC channel is drained, so every result sent before the child ended is in.
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (c, s) => resolve([c, s])),
  );
  clearTimeout(timer);
  process.off('SIGINT', forward);
  process.off('SIGTERM', forward);
  const seconds = (performance.now() - start) / 1000;
  if (code === 0 && reason === undefined) {
    console.log(`=== ${name}: done in ${seconds.toFixed(1)} s`);
    return { name, status: 'ok', results, seconds };
  }
  reason ??= signal ? `killed by ${signal}` : `exited with code ${code}`;
  console.log(`=== ${name}: CRASHED after ${seconds.toFixed(1)} s: ${reason}`);
  return { name, status: 'crashed', reason, results, seconds };
}

async function main(args: string[]): Promise<number> {
  const unknown = args.filter((a) => !(BENCHMARKS as readonly string[]).includes(a));
  if (unknown.length > 0) {
    console.error(`unknown benchmark ${unknown.join(', ')}; known: ${BENCHMARKS.join(', ')}`);
    return 1;
  }
  const selected = args.length > 0 ? BENCHMARKS.filter((b) => args.includes(b)) : BENCHMARKS;
  const started = new Date();
  // This machine is shared: the load while measuring says how far to trust absolute numbers (ratios hold better).
  const cores = availableParallelism();
  const loadBefore = loadavg()[0]!;
  console.log(`=== load average ${loadBefore.toFixed(2)} on ${cores} cores at start`);
  const outcomes: BenchOutcome[] = [];
  for (const name of selected) outcomes.push(await runInChild(name));
  const minutes = (Date.now() - started.getTime()) / 60_000;
  const loadAfter = loadavg()[0]!;
  const label = runLabel([loadBefore, loadAfter], cores);
  const load = `load average ${loadBefore.toFixed(2)} at start, ${loadAfter.toFixed(2)} at end, ${cores} cores: ${label}`;
  console.log(`\n=== summary (started ${started.toISOString()}, ${minutes.toFixed(1)} min, ${load})\n`);
  console.log(renderSummary(outcomes));
  return outcomes.some((o) => o.status === 'crashed') ? 1 : 0;
}

if (process.argv[2] === CHILD_FLAG) await runChild(process.argv[3]!);
else process.exitCode = await main(process.argv.slice(2));
