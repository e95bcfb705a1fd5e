import { describe, expect, it } from 'vitest';
import type { BenchResult } from '../bench/report.ts';
import { parseTarget, peerOf, renderSummary, runLabel, targetMet } from '../bench/support/summary.ts';

const result = (value: number, details: Record<string, unknown>): BenchResult => ({ name: 'x', value, details });

describe('benchmark summary', () => {
  it('reads absolute targets and ratio targets', () => {
    expect(parseTarget('>= 10000/s')).toEqual({ op: '>=', bound: 10000, onRatio: false });
    expect(parseTarget('< 10 ms')).toEqual({ op: '<', bound: 10, onRatio: false });
    expect(parseTarget('<= 1.5x docker run')).toEqual({ op: '<=', bound: 1.5, onRatio: true });
    expect(parseTarget('faster than swarm')).toBeUndefined();
    expect(parseTarget(0.7)).toBeUndefined();
  });

  it('checks an absolute target against the value and a ratio target against the ratio', () => {
    expect(targetMet(result(12_000, { target: '>= 10000/s' }))).toBe('yes');
    expect(targetMet(result(9_000, { target: '>= 10000/s' }))).toBe('no');
    expect(targetMet(result(12.1, { target: '< 10 ms' }))).toBe('no');
    expect(targetMet(result(5, { ratio: 0.8, target: '< 1x swarm' }))).toBe('yes');
    expect(targetMet(result(5, { ratio: 1.2, target: '< 1x swarm' }))).toBe('no');
    expect(targetMet(result(5, { target: '< 1x swarm' }))).toBe('-');
    expect(targetMet(result(5, {}))).toBe('-');
  });

  it('names the peer as the detail equal to value / ratio, unless a benchmark names it', () => {
    expect(peerOf(result(13.7, { swarmUpS: 8.77, ratio: 13.7 / 8.77, replicas: 50 }))).toBe('swarmUpS=8.77');
    expect(peerOf(result(40_000, { redisSetPerS: 95_000, ratio: 40_000 / 95_000 }))).toBe('redisSetPerS=95000');
    expect(peerOf(result(1, { peer: 'dnsmasq 117k q/s', ratio: 0.5 }))).toBe('dnsmasq 117k q/s');
    expect(peerOf(result(1, {}))).toBe('-');
  });

  it('lists measurements, crashes with their reason, and skipped benchmarks', () => {
    const table = renderSummary([
      {
        name: 'rc-scale',
        status: 'ok',
        seconds: 1,
        results: [{ name: 'rc_scale.up_s', value: 5, details: { swarmUpS: 10, ratio: 0.5, target: '< 1x swarm' } }],
      },
      { name: 'dns', status: 'crashed', reason: 'dnsmasq did not answer', seconds: 1, results: [] },
      { name: 'api', status: 'skipped', reason: 'bench/api.ts does not exist', seconds: 0, results: [] },
    ]);
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^BENCHMARK\s+VALUE\s+PEER\s+RATIO\s+TARGET\s+MET$/);
    expect(lines[1]).toMatch(/^rc_scale\.up_s\s+5\s+swarmUpS=10\s+0\.5\s+< 1x swarm\s+yes$/);
    expect(lines[2]).toMatch(/^dns\s+CRASHED\s.*\sno$/);
    expect(lines[3]).toMatch(/^api\s+SKIPPED\s/);
    expect(table).toContain('dns crashed: dnsmasq did not answer');
  });
});

describe('run label', () => {
  it('calls a run quiet only when the load stayed at or under the core count', () => {
    expect(runLabel([1.5, 2], 2)).toBe('quiet');
    expect(runLabel([1.5, 2.1], 2)).toBe('loaded');
    expect(runLabel([9.5, 1], 2)).toBe('loaded');
  });
});
