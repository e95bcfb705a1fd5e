import { describe, expect, it } from 'vitest';
import type { UsageSummary } from '../node/usage-sampler.ts';
import { parseSummary } from './node-usage-source.ts';
import { formatResourceMetrics } from './resource-metrics.ts';

const at = '2026-12-03T07:00:00.000Z';
const ms = Date.parse(at);

const summary: UsageSummary = {
  node: 'n1',
  usage: { cpuCores: 0.25, memoryBytes: 3_000_000, timestamp: at },
  cpuSeconds: 42.5,
  pods: [
    {
      namespace: 'web',
      name: 'front',
      usage: { cpuCores: 0.25, memoryBytes: 3_000_000, timestamp: at },
      containers: [
        { name: 'sidecar', cpuSeconds: 0.5, memoryBytes: 1_000_000, timestamp: at },
        { name: 'app', cpuSeconds: 12, memoryBytes: 2_000_000, timestamp: at },
      ],
    },
  ],
};

describe('formatResourceMetrics', () => {
  it("writes kubelet's resource-metrics series per container, pod and node, with the sample time", () => {
    const text = formatResourceMetrics([{ node: 'n1', summary }]);
    expect(text).toContain('# TYPE container_cpu_usage_seconds_total counter\n');
    expect(text).toContain(`container_cpu_usage_seconds_total{container="app",namespace="web",pod="front"} 12 ${ms}\n`);
    expect(text).toContain(
      `container_memory_working_set_bytes{container="sidecar",namespace="web",pod="front"} 1000000 ${ms}\n`,
    );
    expect(text).toContain(`pod_cpu_usage_seconds_total{namespace="web",pod="front"} 12.5 ${ms}\n`);
    expect(text).toContain(`pod_memory_working_set_bytes{namespace="web",pod="front"} 3000000 ${ms}\n`);
    expect(text).toContain(`node_cpu_usage_seconds_total{node="n1"} 42.5 ${ms}\n`);
    expect(text).toContain(`node_memory_working_set_bytes{node="n1"} 3000000 ${ms}\n`);
    expect(text).toContain('scrape_error{node="n1"} 0\n');
    // Containers in name order: two scrapes of the same figures are the same text.
    expect(text.indexOf('container="app"')).toBeLessThan(text.indexOf('container="sidecar"'));
  });

  it('marks a node without a summary with scrape_error 1 and escapes label values', () => {
    const odd: UsageSummary = {
      ...summary,
      node: 'n2',
      pods: [{ ...summary.pods[0]!, name: 'a"b\\c\nd', containers: [] }],
    };
    const text = formatResourceMetrics([
      { node: 'gone', summary: undefined },
      { node: 'n2', summary: odd },
    ]);
    expect(text).toContain('scrape_error{node="gone"} 1\n');
    expect(text).toContain(`pod_memory_working_set_bytes{namespace="web",pod="a\\"b\\\\c\\nd"} 3000000 ${ms}\n`);
    // Every sample line is one line: a name, labels, a value and a time.
    for (const line of text.trimEnd().split('\n'))
      expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+\{.*\} [\d.e+-]+( \d+)?)$/);
  });

  it('leaves out pod CPU counters a node of an earlier release does not send', () => {
    const { containers: _omitted, ...pod } = summary.pods[0]!;
    const text = formatResourceMetrics([{ node: 'old', summary: { node: 'old', usage: summary.usage, pods: [pod] } }]);
    expect(text).not.toMatch(/^pod_cpu_usage_seconds_total\{/m);
    expect(text).not.toMatch(/^node_cpu_usage_seconds_total\{/m);
    expect(text).toMatch(/^pod_memory_working_set_bytes\{namespace="web",pod="front"\} 3000000/m);
  });
});

describe('parseSummary', () => {
  it("keeps a node's counters and drops malformed pods and containers", () => {
    const raw = {
      ...summary,
      pods: [
        { ...summary.pods[0], containers: [...summary.pods[0]!.containers!, { name: 'x', cpuSeconds: 'lots' }] },
        { namespace: 'web', name: 'bad', usage: { cpuCores: -1, memoryBytes: 1, timestamp: at } },
      ],
    };
    const parsed = parseSummary(JSON.stringify(raw))!;
    expect(parsed.cpuSeconds).toBe(42.5);
    expect(parsed.pods.map((p) => p.name)).toEqual(['front']);
    expect(parsed.pods[0]!.containers!.map((c) => c.name)).toEqual(['sidecar', 'app']);
  });
});
