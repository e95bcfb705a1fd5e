/// <reference lib="dom" />
import {
  isCapstanClientError,
  NodeUsageDocument,
  PodUsageDocument,
  type CapstanClient,
  type Subscription,
} from '../../sdk/browser.ts';
import { actionError } from './actions.ts';

/**
 * CPU and memory sparklines for a pod or a node, driven by the `podUsage` / `nodeUsage` subscription: each newer
 * figure the node samples adds a point. A lost connection is retried; a server that cannot read usage (UNAVAILABLE)
 * or an object that is gone is said on the page instead.
 */

interface UsagePoint {
  cpuCores: number;
  memoryBytes: number;
  timestamp: string;
}

type Target = { kind: 'Pod'; namespace: string; name: string } | { kind: 'Node'; name: string };

const POINTS = 60;
const RETRY_MS = 3_000;

/** Viewbox height; the width is one unit per point kept. */
const HEIGHT = 40;

/**
 * One figure's sparkline under a caption with its latest value and the highest of those drawn (the line's top), so
 * that it reads without hovering. The newest point is at the right edge.
 */
function sparkline(values: number[], label: string, format: (v: number) => string): HTMLElement {
  const svg = window.document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', `0 0 ${POINTS - 1} ${HEIGHT}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('class', 'sparkline');
  svg.setAttribute('role', 'img');
  svg.dataset['points'] = String(values.length);
  const max = Math.max(...values, 1e-9);
  const y = (v: number) => (HEIGHT - 2 - (v / max) * (HEIGHT - 4)).toFixed(2);
  // The points there are span the width (the oldest at the left), so that a few already read as a line.
  const x = (i: number) => (values.length === 1 ? POINTS - 1 : (i * (POINTS - 1)) / (values.length - 1)).toFixed(2);
  const line = window.document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
  // A single point is drawn as a level line across.
  const coordinates = values.length === 1 ? [`0,${y(values[0]!)}`] : [];
  line.setAttribute('points', [...coordinates, ...values.map((v, i) => `${x(i)},${y(v)}`)].join(' '));
  svg.append(line);
  const latest = format(values.at(-1) ?? 0);
  svg.setAttribute('aria-label', `${label}: ${latest}`);
  const caption = window.document.createElement('figcaption');
  caption.append(`${label} `, Object.assign(window.document.createElement('strong'), { textContent: latest }));
  caption.append(` (highest ${format(max)}, ${values.length} samples)`);
  const figure = window.document.createElement('figure');
  figure.className = 'usage-chart';
  figure.append(caption, svg);
  return figure;
}

function usageStream(client: CapstanClient, target: Target): Subscription<UsagePoint | null> {
  const source =
    target.kind === 'Pod'
      ? client.subscribe(PodUsageDocument, { namespace: target.namespace, name: target.name })
      : client.subscribe(NodeUsageDocument, { name: target.name });
  const iterator: Subscription<UsagePoint | null> = {
    async next() {
      const step = await source.next();
      if (step.done) return step;
      return { done: false, value: 'podUsage' in step.value ? step.value.podUsage : step.value.nodeUsage };
    },
    return: async () => (await source.return(), { done: true, value: undefined }),
    close: () => source.close(),
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/** Shows usage sparklines in `view` while the page is open; returns a function that stops them. */
export function showUsage(streams: () => CapstanClient, view: HTMLElement, target: Target): () => void {
  let stopped = false;
  let subscription: Subscription<UsagePoint | null> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const points: UsagePoint[] = [];
  view.textContent = 'Waiting for usage data…';

  const draw = (): void => {
    if (points.length === 0) return void (view.textContent = 'No usage data reported yet');
    view.replaceChildren(
      sparkline(
        points.map((p) => p.cpuCores),
        'CPU',
        (v) => `${(v * 1000).toFixed(0)}m`,
      ),
      sparkline(
        points.map((p) => p.memoryBytes),
        'Memory',
        (v) => `${(v / 2 ** 20).toFixed(1)} MiB`,
      ),
    );
  };

  const follow = async (): Promise<void> => {
    timer = undefined;
    subscription = usageStream(streams(), target);
    try {
      for await (const usage of subscription) {
        if (stopped) return;
        if (usage && usage.timestamp !== points.at(-1)?.timestamp) points.push(usage);
        if (points.length > POINTS) points.shift();
        draw();
      }
      if (!stopped) view.textContent = `No usage data: the ${target.kind.toLowerCase()} is gone`;
    } catch (err) {
      if (stopped) return;
      if (isCapstanClientError(err, 'UNAVAILABLE')) {
        view.textContent = 'No usage data: this server does not report resource usage';
      } else if (isCapstanClientError(err, 'NOT_FOUND') || isCapstanClientError(err, 'FORBIDDEN')) {
        view.textContent = `No usage data: ${actionError(err)}`;
      } else {
        // The connection went (a server restart): keep the points, try again.
        if (points.length === 0) view.textContent = `No usage data yet: ${actionError(err)}; retrying`;
        timer = setTimeout(() => void follow(), RETRY_MS);
      }
    }
  };
  void follow();
  return () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    void subscription?.return().catch(() => undefined);
  };
}
