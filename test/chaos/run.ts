/**
 * `npm run chaos`: every scenario in turn on the multi-host test bed (3 hosts), then docs/reliability.md with a
 * table and a plot per scenario. Takes the bed's lock for the whole run and tears the bed down at the end.
 *
 *   npm run chaos                       all scenarios, full length (about 12 minutes with the bed's up and down)
 *   npm run chaos -- container-kill     only these
 *   CHAOS_QUICK=1 npm run chaos         short versions (as in npm test), the report is not written
 *
 * A run of some scenarios only writes their plots and prints their rows and sections (to be merged by hand):
 * docs/reliability.md is written by a full run. sentinel-failover needs no bed (its Redis, sentinels and server
 * run on this machine's loopback); run alone, the bed is not brought up.
 *
 * Exit status 1 when a scenario missed its criterion or crashed; the report says which and why.
 */
import { cpus, loadavg } from 'node:os';
import { startTestBed } from '../support/test-bed.ts';
import { BedApi } from './harness.ts';
import { renderReport, writePlots, writeReport, type ScenarioResult } from './report.ts';
import {
  concurrentScale,
  containerKill,
  engineRestart,
  hostPartition,
  hostPowerOff,
  leaderKill,
  redisKill,
  sentinelFailover,
  rollingUpdate,
  type ChaosContext,
} from './scenarios.ts';
import { cleanWorkload } from './workload.ts';

const quick = process.env.CHAOS_QUICK === '1';
/**
 * The node agents' `--max-container-restart-period` (kubelet's crashLoopBackOff.maxContainerRestartPeriod). With
 * the default back-off (10 s doubling to 5 min) a kill every 5 s among 3 replicas takes all three down at once in
 * nearly every run (test/chaos/backoff-model.ts), whatever the proxy does; 1 s, the kubelet's lowest, keeps one up.
 */
const MAX_RESTART_PERIOD = process.env.CHAOS_MAX_RESTART_PERIOD ?? '1s';

/** Scenarios that bring their own processes on this machine and need no bed. */
const WITHOUT_BED = new Set(['sentinel-failover']);

const SCENARIOS: Record<string, (ctx: ChaosContext) => Promise<ScenarioResult>> = {
  'container-kill': (ctx) => containerKill(ctx, quick ? { durationS: 20 } : {}),
  'leader-kill': (ctx) => leaderKill(ctx, quick ? { writeS: 20 } : {}),
  'redis-kill': (ctx) => redisKill(ctx, quick ? { writeS: 12, downS: 3 } : {}),
  'sentinel-failover': (ctx) => sentinelFailover(ctx, quick ? { writeS: 25 } : {}),
  'rolling-update': (ctx) => rollingUpdate(ctx, quick ? { replicas: 4 } : {}),
  'concurrent-scale': (ctx) => concurrentScale(ctx),
  'engine-restart': (ctx) => engineRestart(ctx),
  'host-poweroff': (ctx) => hostPowerOff(ctx),
  'host-partition': (ctx) => hostPartition(ctx),
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  for (const name of wanted)
    if (!SCENARIOS[name]) throw new Error(`no scenario ${name}; known: ${Object.keys(SCENARIOS).join(', ')}`);
  const names = wanted.length ? wanted : Object.keys(SCENARIOS);
  const started = Date.now();
  const say = (line: string): void => console.log(`[chaos ${Math.round((Date.now() - started) / 1000)}s] ${line}`);
  const results: ScenarioResult[] = [];
  const local = names.filter((name) => WITHOUT_BED.has(name));
  for (const name of local) await runOne(name, { say }, results, say);
  const onBed = names.filter((name) => !WITHOUT_BED.has(name));
  if (onBed.length > 0) await runOnBed(onBed, results, say);
  for (const r of results) say(`${r.passed ? 'met   ' : 'MISSED'} ${r.title}\n  ${r.notes.join('\n  ')}`);
  if (!quick) {
    const context = {
      date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
      machine: `a ${cpus().length}-core machine (load average ${loadavg()[0]!.toFixed(1)} at the end, shared with other work)`,
      seconds: (Date.now() - started) / 1000,
    };
    if (names.length === Object.keys(SCENARIOS).length) {
      say(`report: ${await writeReport(results, context)}`);
    } else {
      await writePlots(results);
      say(`some scenarios only: docs/reliability.md left as it is; their plots are in docs/reliability/, and:`);
      console.log(renderReport(results, context));
    }
  }
  if (results.some((r) => !r.passed)) process.exitCode = 1;
}

async function runOne(
  name: string,
  ctx: ChaosContext | Pick<ChaosContext, 'say'>,
  results: ScenarioResult[],
  say: (line: string) => void,
): Promise<void> {
  say(`scenario ${name}`);
  try {
    results.push(await SCENARIOS[name]!(ctx as ChaosContext));
  } catch (err) {
    say(`${name} crashed: ${(err as Error).stack}`);
    results.push({
      id: name,
      title: name,
      criterion: 'ran to its end',
      passed: false,
      notes: [`The scenario crashed: ${(err as Error).message.split('\n')[0]}`],
    });
  }
}

async function runOnBed(names: string[], results: ScenarioResult[], say: (line: string) => void): Promise<void> {
  say('bringing the test bed up (or waiting for its lock)');
  const bed = await startTestBed({ nodes: 3, nodeArgs: ['--max-container-restart-period', MAX_RESTART_PERIOD] });
  const api = BedApi.fromBed();
  try {
    for (const name of names) {
      await runOne(name, { bed, api, say }, results, say);
      await cleanWorkload(bed, api).catch((err: unknown) => say(`cleanup after ${name}: ${String(err)}`));
    }
  } finally {
    await api.close();
    say('tearing the bed down');
    await bed.release();
  }
}

await main();
