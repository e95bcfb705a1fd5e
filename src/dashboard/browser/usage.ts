/// <reference lib="dom" />
import type { CapstanClient, CapstanDocument } from '../../sdk/browser.ts';

/**
 * CPU and memory sparklines for a pod or a node, from `usage { cpuCores memoryBytes timestamp }` when the server's
 * schema has that field (the node agent's resource figures). The page asks the schema first, so a server without it
 * shows "no usage data" rather than a failed query; the query itself is built here, not in the SDK's operations,
 * because the SDK is generated from a schema that may not have the field.
 */

interface UsagePoint {
  cpuCores: number;
  memoryBytes: number;
}

type Target = { kind: 'Pod'; namespace: string; name: string } | { kind: 'Node'; name: string };

const POINTS = 60;
const POLL_MS = 5_000;

function document<R>(text: string): CapstanDocument<R, Record<string, unknown>> {
  // eslint-disable-next-line @typescript-eslint/no-wrapper-object-types -- the client runs String documents as text
  return new String(text) as CapstanDocument<R, Record<string, unknown>> & String;
}

const hasUsage = new Map<string, Promise<boolean>>();

/** Whether the server's schema gives `usage` on the type (asked once per page load). */
export function supportsUsage(api: CapstanClient, type: 'Pod' | 'Node'): Promise<boolean> {
  let known = hasUsage.get(type);
  if (!known) {
    known = api
      .request(
        document<{ __type: { fields: { name: string }[] } | null }>(
          `query ($t: String!) { __type(name: $t) { fields { name } } }`,
        ),
        { t: type },
      )
      .then((r) => r.__type?.fields.some((f) => f.name === 'usage') ?? false)
      .catch(() => false);
    hasUsage.set(type, known);
  }
  return known;
}

function sparkline(values: number[], label: string, format: (v: number) => string): SVGSVGElement {
  const svg = window.document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', `0 0 ${POINTS} 20`);
  svg.setAttribute('class', 'sparkline');
  svg.setAttribute('role', 'img');
  const max = Math.max(...values, 1e-9);
  const line = window.document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
  line.setAttribute('points', values.map((v, i) => `${i},${20 - (v / max) * 18}`).join(' '));
  svg.append(line);
  svg.setAttribute('aria-label', `${label}: ${format(values.at(-1) ?? 0)}`);
  return svg;
}

/** Shows usage sparklines in `view`, polling while the page is open; returns a function that stops it. */
export function showUsage(api: CapstanClient, view: HTMLElement, target: Target): () => void {
  let stopped = false;
  const points: UsagePoint[] = [];
  view.textContent = 'Checking for usage data…';
  const query =
    target.kind === 'Pod'
      ? `query ($namespace: String!, $name: String!) { object: pod(namespace: $namespace, name: $name) { usage { cpuCores memoryBytes } } }`
      : `query ($name: String!) { object: node(name: $name) { usage { cpuCores memoryBytes } } }`;
  const variables = target.kind === 'Pod' ? { namespace: target.namespace, name: target.name } : { name: target.name };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const poll = async (): Promise<void> => {
    try {
      const { object } = await api.request(document<{ object: { usage: UsagePoint | null } | null }>(query), variables);
      if (stopped) return;
      if (object?.usage) points.push(object.usage);
      if (points.length > POINTS) points.shift();
      if (points.length === 0) view.textContent = 'No usage data reported yet';
      else {
        const cpu = points.map((p) => p.cpuCores);
        const memory = points.map((p) => p.memoryBytes);
        view.replaceChildren(
          sparkline(cpu, 'CPU', (v) => `${(v * 1000).toFixed(0)}m`),
          sparkline(memory, 'Memory', (v) => `${(v / 2 ** 20).toFixed(1)} MiB`),
        );
      }
    } catch {
      if (!stopped) view.textContent = 'No usage data (the query failed)';
    }
    if (!stopped) timer = setTimeout(() => void poll(), POLL_MS);
  };
  void supportsUsage(api, target.kind).then((supported) => {
    if (stopped) return;
    if (!supported) view.textContent = 'No usage data: this server does not report resource usage';
    else void poll();
  });
  return () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
  };
}
