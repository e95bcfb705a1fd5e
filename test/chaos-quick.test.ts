import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BedApi } from './chaos/harness.ts';
import type { ScenarioResult } from './chaos/report.ts';
import { containerKill, leaderKill, redisKill, type ChaosContext } from './chaos/scenarios.ts';
import { cleanWorkload } from './chaos/workload.ts';
import { startTestBed, type TestBed } from './support/test-bed.ts';

/**
 * Short versions of three `npm run chaos` scenarios (test/chaos/, docs/reliability.md) on the multi-host test bed:
 * a container killed under HTTP load, the leader API server SIGKILLed, Redis SIGKILLed under writes.
 */
let bed: TestBed | undefined;
let ctx: ChaosContext;

beforeAll(async () => {
  bed = await startTestBed({ nodes: 3 });
  ctx = { bed, api: BedApi.fromBed(), say: () => undefined };
}, 20 * 60_000);

afterAll(async () => {
  if (!bed) return;
  await cleanWorkload(bed, ctx.api).catch(() => undefined);
  await ctx.api.close();
  await bed.release();
}, 180_000);

function explain(result: ScenarioResult): string {
  return `${result.title}: ${result.notes.join(' ')}`;
}

describe('faults survived on the test bed (quick chaos)', { timeout: 240_000 }, () => {
  it('serves every request while pod containers are SIGKILLed every 5 s', async () => {
    const result = await containerKill(ctx, { durationS: 15, everyS: 5 });
    expect(result.failedRequests, explain(result)).toBe(0);
    expect(result.passed, explain(result)).toBe(true);
  });

  it('resumes the controllers on the other server when the leader is SIGKILLed, without duplicate pods', async () => {
    const result = await leaderKill(ctx, { writeS: 10 });
    expect(result.lostWrites, explain(result)).toBe(0);
    expect(result.failedWrites, explain(result)).toBe(0);
    expect(result.recoverySeconds!, explain(result)).toBeLessThanOrEqual(17);
    expect(result.passed, explain(result)).toBe(true);
  });

  it('loses no acknowledged write when Redis is SIGKILLed and restarted', async () => {
    const result = await redisKill(ctx, { writeS: 10, downS: 2 });
    expect(result.acknowledgedWrites!, explain(result)).toBeGreaterThan(0);
    expect(result.lostWrites, explain(result)).toBe(0);
    expect(result.passed, explain(result)).toBe(true);
  });
});
