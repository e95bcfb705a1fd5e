import type { UsageSummary } from '../node/usage-sampler.ts';
import type { UsageSource } from '../resolvers/usage.ts';
import type { Store } from '../store/store.ts';

/** The Prometheus text exposition format of `GET /metrics/resource`. */
export const RESOURCE_METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Nodes asked at once for their summaries (each answer is cached by the NodeUsageSource). */
const NODE_CONCURRENCY = 16;

interface Family {
  name: string;
  type: 'counter' | 'gauge';
  help: string;
  lines: string[];
}

/** A label value as the exposition format wants it: backslash, double quote and newline escaped. */
function labelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function sample(labels: Record<string, string>, value: number, timestamp?: string): string {
  const body = Object.entries(labels)
    .map(([key, v]) => `${key}="${labelValue(v)}"`)
    .join(',');
  const at = timestamp === undefined ? NaN : Date.parse(timestamp);
  return `{${body}} ${Number.isFinite(value) ? value : 0}${Number.isFinite(at) ? ` ${at}` : ''}`;
}

/**
 * The figures of node summaries with kubelet's resource-metrics names (`/metrics/resource`, what metrics-server
 * scrapes): per container and pod CPU as a counter of core-seconds and the memory working set, per node the same over
 * its pods, with the sample's time. Node series carry a `node` label (one scrape covers every node here, where a
 * kubelet's covers itself); `scrape_error{node}` is 1 for a node that gave no summary. Series are sorted, so two
 * scrapes of the same figures are the same text.
 */
export function formatResourceMetrics(
  nodes: ReadonlyArray<{ node: string; summary: UsageSummary | undefined }>,
): string {
  const families: Family[] = [
    {
      name: 'container_cpu_usage_seconds_total',
      type: 'counter',
      help: 'Cumulative cpu time consumed by the container in core-seconds',
      lines: [],
    },
    {
      name: 'container_memory_working_set_bytes',
      type: 'gauge',
      help: 'Current working set of the container in bytes',
      lines: [],
    },
    {
      name: 'pod_cpu_usage_seconds_total',
      type: 'counter',
      help: "Cumulative cpu time consumed by the pod's running containers in core-seconds",
      lines: [],
    },
    { name: 'pod_memory_working_set_bytes', type: 'gauge', help: 'Current working set of the pod in bytes', lines: [] },
    {
      name: 'node_cpu_usage_seconds_total',
      type: 'counter',
      help: "Cumulative cpu time consumed by the node's pods in core-seconds, since its agent started",
      lines: [],
    },
    {
      name: 'node_memory_working_set_bytes',
      type: 'gauge',
      help: "Current working set of the node's pods in bytes",
      lines: [],
    },
    {
      name: 'scrape_error',
      type: 'gauge',
      help: '1 if the node gave no usage summary, 0 otherwise',
      lines: [],
    },
  ];
  const [containerCpu, containerMemory, podCpu, podMemory, nodeCpu, nodeMemory, scrapeError] = families as [
    Family,
    Family,
    Family,
    Family,
    Family,
    Family,
    Family,
  ];
  const byName = [...nodes].sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  for (const { node, summary } of byName) {
    scrapeError.lines.push(sample({ node }, summary ? 0 : 1));
    if (!summary) continue;
    if (summary.usage) {
      if (summary.cpuSeconds !== undefined)
        nodeCpu.lines.push(sample({ node }, summary.cpuSeconds, summary.usage.timestamp));
      nodeMemory.lines.push(sample({ node }, summary.usage.memoryBytes, summary.usage.timestamp));
    }
    const pods = [...summary.pods].sort((a, b) =>
      a.namespace === b.namespace ? (a.name < b.name ? -1 : 1) : a.namespace < b.namespace ? -1 : 1,
    );
    for (const pod of pods) {
      const podLabels = { namespace: pod.namespace, pod: pod.name };
      podMemory.lines.push(sample(podLabels, pod.usage.memoryBytes, pod.usage.timestamp));
      if (!pod.containers) continue;
      podCpu.lines.push(
        sample(
          podLabels,
          pod.containers.reduce((sum, c) => sum + c.cpuSeconds, 0),
          pod.usage.timestamp,
        ),
      );
      const containers = [...pod.containers].sort((a, b) => (a.name < b.name ? -1 : 1));
      for (const c of containers) {
        const labels = { container: c.name, namespace: pod.namespace, pod: pod.name };
        containerCpu.lines.push(sample(labels, c.cpuSeconds, c.timestamp));
        containerMemory.lines.push(sample(labels, c.memoryBytes, c.timestamp));
      }
    }
  }
  return families
    .map((f) => [`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`, ...f.lines.map((l) => f.name + l)])
    .flat()
    .join('\n')
    .concat('\n');
}

/** Reads every Node's usage summary (NODE_CONCURRENCY at a time) and formats them as formatResourceMetrics. */
export async function collectResourceMetrics(store: Store, source: UsageSource): Promise<string> {
  const names = (await store.list('Node')).items.map((n) => n.metadata.name);
  const results: Array<{ node: string; summary: UsageSummary | undefined }> = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < names.length) {
      const node = names[next++]!;
      results.push({ node, summary: await source.summary(node).catch(() => undefined) });
    }
  };
  await Promise.all(Array.from({ length: Math.min(NODE_CONCURRENCY, names.length) }, worker));
  return formatResourceMetrics(results);
}
