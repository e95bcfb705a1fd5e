/// <reference lib="dom" />
import {
  DashboardNodeDocument,
  DashboardPodDocument,
  type CapstanClient,
  type DashboardNodeQuery,
  type DashboardPodQuery,
} from '../../sdk/browser.ts';
import { objectAge } from '../../resolvers/pod-columns.ts';
import { actionError } from './actions.ts';
import { nodeHref, podRows, statusTone, type DashboardPod } from './columns.ts';
import { h, textTable } from './dom.ts';
import { LogFollower, type LogStream } from './logs.ts';
import { actionButton, rowElement } from './render.ts';
import { showUsage } from './usage.ts';

type PodDetail = NonNullable<DashboardPodQuery['pod']>;
type NodeDetail = NonNullable<DashboardNodeQuery['node']>;
type EventDetail = PodDetail['events'][number];
type ContainerState = NonNullable<NonNullable<PodDetail['status']>['containerStatuses']>[number]['state'];

/** An open page: `refresh` when the cluster changed, `close` when the user leaves it. */
export interface Page {
  refresh(): void;
  close(): void;
}

export interface PageContext {
  api: CapstanClient;
  /** A graphql-ws client for the page's own subscriptions (logs); closed with the page. */
  streams: () => CapstanClient;
  view: HTMLElement;
  /** The pods the live watch holds (for a node's pod list). */
  pods: () => readonly DashboardPod[];
}

function stateText(state: ContainerState | null | undefined): string {
  if (state?.running) return 'Running';
  if (state?.waiting) return `Waiting: ${state.waiting.reason ?? ''}`;
  if (state?.terminated) return `Terminated: ${state.terminated.reason ?? `exit ${state.terminated.exitCode}`}`;
  return 'Unknown';
}

function eventsTable(id: string, events: readonly EventDetail[], now: number): HTMLTableElement {
  const rows = [...events]
    .reverse()
    .map((e) => [
      objectAge(e.lastTimestamp ?? e.metadata.creationTimestamp, now),
      e.type ?? 'Normal',
      e.reason ?? '',
      (e.count ?? 1) > 1 ? `${e.message ?? ''} (x${e.count})` : (e.message ?? ''),
    ]);
  return textTable(id, ['Last seen', 'Type', 'Reason', 'Message'], rows, 'No events');
}

/** The startup of a pod in order: created, scheduled, initialized, each container started, ready. */
export function startupTimeline(pod: PodDetail): { at: string; what: string }[] {
  const steps: { at: string; what: string }[] = [{ at: pod.metadata.creationTimestamp, what: 'Created' }];
  const names: Record<string, string> = {
    PodScheduled: `Scheduled${pod.spec?.nodeName ? ` to ${pod.spec.nodeName}` : ''}`,
    Initialized: 'Initialized',
    ContainersReady: 'Containers ready',
    Ready: 'Ready',
  };
  for (const condition of pod.status?.conditions ?? []) {
    const what = names[condition.type];
    if (what && condition.status === 'True' && condition.lastTransitionTime) {
      steps.push({ at: condition.lastTransitionTime, what });
    }
  }
  for (const status of pod.status?.containerStatuses ?? []) {
    const started = status.state?.running?.startedAt ?? status.state?.terminated?.startedAt;
    if (started) steps.push({ at: started, what: `Container ${status.name} started` });
  }
  return steps.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

function timelineList(pod: PodDetail): HTMLOListElement {
  const steps = startupTimeline(pod);
  const start = Date.parse(steps[0]!.at);
  return h(
    'ol',
    { id: 'pod-timeline', class: 'timeline' },
    ...steps.map((step) =>
      h('li', {}, h('span', { class: 'offset' }, `+${((Date.parse(step.at) - start) / 1000).toFixed(1)} s`), step.what),
    ),
  );
}

function logsPanel(context: PageContext, streams: LogStream[], choices: boolean): { panel: HTMLElement; stop(): void } {
  const view = h('div', { id: 'logs', class: 'logs', role: 'log' });
  const status = h('span', { id: 'logs-status', class: 'hint' });
  const follow = h('input', { id: 'logs-follow', type: 'checkbox' });
  follow.checked = true;
  const select = h('select', { id: 'logs-container' });
  if (choices && streams.length > 1) select.append(new Option('All containers', ''));
  for (const stream of streams) select.append(new Option(stream.label, stream.label));
  let follower: LogFollower | undefined;
  const start = () => {
    follower?.stop();
    follower = undefined;
    if (!follow.checked) return void (status.textContent = 'Paused');
    const chosen = choices ? streams.filter((s) => !select.value || s.label === select.value) : streams;
    follower = new LogFollower(context.streams(), view, status);
    follower.start(chosen, chosen.length > 1);
  };
  follow.addEventListener('change', start);
  select.addEventListener('change', start);
  const controls = h('div', { class: 'controls' }, choices ? select : null, h('label', {}, follow, ' Follow'), status);
  start();
  return { panel: h('section', {}, h('h3', {}, 'Logs'), controls, view), stop: () => follower?.stop() };
}

/** A pod's page: its containers, startup timeline, usage, events and live logs. */
export function openPodPage(context: PageContext, namespace: string, name: string): Page {
  const { api, view } = context;
  let logs: { stop(): void } | undefined;
  let loading: Promise<void> | undefined;
  let again = false;
  const details = h('div', { id: 'pod-details' });
  view.replaceChildren(h('p', { class: 'hint' }, 'Loading…'));

  const load = async (): Promise<void> => {
    let pod: PodDetail | null;
    try {
      pod = (await api.request(DashboardPodDocument, { namespace, name })).pod;
    } catch (err) {
      details.replaceChildren(h('p', { class: 'error', role: 'alert' }, actionError(err)));
      return;
    }
    if (!pod) {
      details.replaceChildren(h('p', { class: 'error', role: 'alert' }, `Pod ${namespace}/${name} does not exist`));
      return;
    }
    const now = Date.now();
    const containers = pod.spec?.containers ?? [];
    const statuses = new Map((pod.status?.containerStatuses ?? []).map((s) => [s.name, s]));
    details.replaceChildren(
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Status'),
        h('dd', { class: `tone-${statusTone(pod.displayStatus)}`, id: 'pod-status' }, pod.displayStatus),
        h('dt', {}, 'Node'),
        h('dd', {}, pod.spec?.nodeName ? h('a', { href: nodeHref(pod.spec.nodeName) }, pod.spec.nodeName) : '<none>'),
        h('dt', {}, 'IP'),
        h('dd', {}, pod.status?.podIP ?? '<none>'),
        h('dt', {}, 'Owner'),
        h('dd', {}, pod.rootOwner ? `${pod.rootOwner.kind}/${pod.rootOwner.metadata.name}` : '<none>'),
      ),
      h('h3', {}, 'Containers'),
      textTable(
        'pod-containers',
        ['Name', 'Image', 'State', 'Ready', 'Restarts'],
        containers.map((c) => {
          const s = statuses.get(c.name);
          return [c.name, c.image, stateText(s?.state), s?.ready ? 'true' : 'false', String(s?.restartCount ?? 0)];
        }),
        'No containers',
      ),
      h('h3', {}, 'Startup'),
      timelineList(pod),
      h('h3', {}, 'Events'),
      eventsTable('pod-events', pod.events, now),
    );
    if (!logs) {
      const streams = containers.map((c) => ({ namespace, pod: name, container: c.name, label: c.name }));
      const panel = logsPanel(context, streams, true);
      logs = panel;
      view.append(panel.panel);
    }
  };

  const refresh = (): void => {
    if (loading) return void (again = true);
    loading = load().finally(() => {
      loading = undefined;
      if (again) {
        again = false;
        refresh();
      }
    });
  };

  const usage = h('div', { id: 'pod-usage', class: 'usage' });
  view.replaceChildren(
    h('h2', {}, `Pod ${namespace}/${name} `, actionButton({ action: 'delete', kind: 'Pod', namespace, name })),
    details,
    h('h3', {}, 'CPU and memory'),
    usage,
  );
  const stopUsage = showUsage(context.streams, usage, { kind: 'Pod', namespace, name });
  refresh();
  return {
    refresh,
    close() {
      logs?.stop();
      stopUsage();
    },
  };
}

/** A node's page: conditions, capacity, its pods, events; cordon and drain. */
export function openNodePage(context: PageContext, name: string): Page {
  const { api, view } = context;
  const details = h('div', { id: 'node-details' }, h('p', { class: 'hint' }, 'Loading…'));
  const podsTable = h(
    'table',
    { id: 'node-pods' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['Namespace', 'Name', 'Ready', 'Status', 'Restarts', 'Node', 'IP', 'Age', ''].map((t) => h('th', {}, t)),
      ),
    ),
    h('tbody'),
  );
  const heading = h('h2', {}, `Node ${name}`);
  const usage = h('div', { id: 'node-usage', class: 'usage' });
  view.replaceChildren(heading, details, h('h3', {}, 'CPU and memory'), usage, h('h3', {}, 'Pods'), podsTable);
  const stopUsage = showUsage(context.streams, usage, { kind: 'Node', name });
  let loading = false;

  const drawPods = (): void => {
    const rows = podRows(
      context.pods().filter((p) => p.spec?.nodeName === name),
      '',
      Date.now(),
    );
    podsTable.tBodies[0]!.replaceChildren(...rows.map(rowElement));
  };

  const load = async (): Promise<void> => {
    let node: NodeDetail | null;
    try {
      node = (await api.request(DashboardNodeDocument, { name })).node;
    } catch (err) {
      details.replaceChildren(h('p', { class: 'error', role: 'alert' }, actionError(err)));
      return;
    }
    if (!node)
      return void details.replaceChildren(h('p', { class: 'error', role: 'alert' }, `Node ${name} does not exist`));
    const now = Date.now();
    heading.replaceChildren(
      `Node ${name} `,
      actionButton({ action: node.spec?.unschedulable ? 'uncordon' : 'cordon', kind: 'Node', name }),
      actionButton({ action: 'drain', kind: 'Node', name }),
    );
    const info = node.status?.nodeInfo;
    details.replaceChildren(
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Status'),
        h('dd', { id: 'node-status', class: `tone-${statusTone(node.displayStatus)}` }, node.displayStatus),
        h('dt', {}, 'Addresses'),
        h('dd', {}, (node.status?.addresses ?? []).map((a) => `${a.type} ${a.address}`).join(', ') || '<none>'),
        h('dt', {}, 'Capacity'),
        h(
          'dd',
          {},
          `cpu ${node.status?.capacity?.cpu ?? '?'}, memory ${node.status?.capacity?.memory ?? '?'}, pods ${node.status?.capacity?.pods ?? '?'}`,
        ),
        h('dt', {}, 'Runtime'),
        h(
          'dd',
          {},
          info
            ? `${info.containerRuntimeVersion} (${info.kubeletVersion}, ${info.operatingSystem}/${info.architecture})`
            : '<unknown>',
        ),
        h('dt', {}, 'Taints'),
        h(
          'dd',
          {},
          (node.spec?.taints ?? []).map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`).join(', ') ||
            '<none>',
        ),
      ),
      h('h3', {}, 'Conditions'),
      textTable(
        'node-conditions',
        ['Type', 'Status', 'Reason', 'Last heartbeat'],
        (node.status?.conditions ?? []).map((c) => [
          c.type,
          c.status,
          c.reason ?? '',
          c.lastHeartbeatTime ? objectAge(c.lastHeartbeatTime, now) : '',
        ]),
        'No conditions reported',
      ),
      h('h3', {}, 'Events'),
      eventsTable('node-events', node.events, now),
    );
  };

  const refresh = (): void => {
    drawPods();
    if (loading) return;
    loading = true;
    void load().finally(() => (loading = false));
  };
  refresh();
  return { refresh, close: stopUsage };
}

/** All pods of a Deployment, every container, their logs interleaved as they arrive; new pods join. */
export function openDeploymentLogs(context: PageContext, namespace: string, name: string): Page {
  const view = h('div', { id: 'logs', class: 'logs', role: 'log' });
  const status = h('span', { id: 'logs-status', class: 'hint' });
  const follow = h('input', { id: 'logs-follow', type: 'checkbox' });
  follow.checked = true;
  let follower: LogFollower | undefined;
  const start = (): void => {
    follower?.stop();
    follower = undefined;
    if (!follow.checked) return void (status.textContent = 'Paused');
    follower = new LogFollower(context.streams(), view, status);
    follower.startDeployment(namespace, name);
  };
  follow.addEventListener('change', start);
  context.view.replaceChildren(
    h('h2', {}, `Logs of Deployment ${namespace}/${name}`),
    h('p', { class: 'hint' }, 'Every container of every pod, as lines arrive; pods created later join.'),
    h('div', { class: 'controls' }, h('label', {}, follow, ' Follow'), status),
    view,
  );
  start();
  return { refresh() {}, close: () => follower?.stop() };
}
