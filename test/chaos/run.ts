/**
 * `npm run chaos`: every scenario in turn on the multi-host test bed (3 hosts), then docs/reliability.md with a
 * table and a plot per scenario. Takes the bed's lock for the whole run and tears the bed down at the end.
 *
 *   npm run chaos                       all scenarios, full length (about 12 minutes with the bed's up and down)
 *   npm run chaos -- container-kill     only these
 *   CHAOS_QUICK=1 npm run chaos         short versions (as in npm test), the report is not written
 *
 * Exit status 1 when a scenario missed its criterion or crashed; the report says which and why.
 */
import { cpus, loadavg } from 'node:os';
import { startTestBed } from '../support/test-bed.ts';
import { BedApi } from './harness.ts';
import { writeReport, type ScenarioResult } from './report.ts';
import {
  concurrentScale,
  containerKill,
  leaderKill,
  redisKill,
  rollingUpdate,
  type ChaosContext,
} from './scenarios.ts';
import { cleanWorkload } from './workload.ts';

const quick = process.env.CHAOS_QUICK === '1';

const SCENARIOS: Record<string, (ctx: ChaosContext) => Promise<ScenarioResult>> = {
  'container-kill': (ctx) => containerKill(ctx, quick ? { durationS: 20 } : {}),
  'leader-kill': (ctx) => leaderKill(ctx, quick ? { writeS: 20 } : {}),
  'redis-kill': (ctx) => redisKill(ctx, quick ? { writeS: 12, downS: 3 } : {}),
  'rolling-update': (ctx) => rollingUpdate(ctx, quick ? { replicas: 4 } : {}),
  'concurrent-scale': (ctx) => concurrentScale(ctx),
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  for (const name of wanted)
    if (!SCENARIOS[name]) throw new Error(`no scenario ${name}; known: ${Object.keys(SCENARIOS).join(', ')}`);
  const names = wanted.length ? wanted : Object.keys(SCENARIOS);
  const started = Date.now();
  const say = (line: string): void => console.log(`[chaos ${Math.round((Date.now() - started) / 1000)}s] ${line}`);
  say('bringing the test bed up (or waiting for its lock)');
  const bed = await startTestBed({ nodes: 3 });
  const results: ScenarioResult[] = [];
  const api = BedApi.fromBed();
  try {
    for (const name of names) {
      say(`scenario ${name}`);
      try {
        results.push(await SCENARIOS[name]!({ bed, api, say }));
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
      await cleanWorkload(bed, api).catch((err: unknown) => say(`cleanup after ${name}: ${String(err)}`));
    }
  } finally {
    await api.close();
    say('tearing the bed down');
    await bed.release();
  }
  for (const r of results) say(`${r.passed ? 'met   ' : 'MISSED'} ${r.title}\n  ${r.notes.join('\n  ')}`);
  if (!quick) {
    const file = await writeReport(results, {
      date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
      machine: `a ${cpus().length}-core machine (load average ${loadavg()[0]!.toFixed(1)} at the end, shared with other work)`,
      seconds: (Date.now() - started) / 1000,
    });
    say(`report: ${file}`);
  }
  if (results.some((r) => !r.passed)) process.exitCode = 1;
}

await main();
