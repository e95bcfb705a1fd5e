/// <reference lib="dom" />
import { DashboardPodLogsDocument, type CapstanClient } from '../../sdk/browser.ts';
import { actionError } from './actions.ts';

/** One container to follow: its lines are prefixed with `label` when several streams share the view. */
export interface LogStream {
  namespace: string;
  pod: string;
  container: string;
  label: string;
}

/** Lines kept in the view; older ones are dropped as new ones arrive. */
const MAX_LINES = 2_000;
/** Lines of history each stream starts with. */
const TAIL_LINES = 200;

/**
 * Follows the output of one or more containers (`podLogs` with follow) into a <pre>, one line per element, in the
 * order the lines arrive: several containers (all of a pod, or all pods of a Deployment) interleave as they print.
 * Keeps the view scrolled to the end unless the user scrolled up.
 */
export class LogFollower {
  private readonly subscriptions: { return(): Promise<unknown> }[] = [];
  private stopped = false;

  constructor(
    private readonly client: CapstanClient,
    private readonly view: HTMLElement,
    private readonly status: HTMLElement,
  ) {}

  start(streams: readonly LogStream[], prefixed: boolean): void {
    this.view.replaceChildren();
    this.status.textContent = streams.length === 0 ? 'No containers to follow' : 'Following';
    for (const stream of streams) void this.follow(stream, prefixed);
  }

  private async follow(stream: LogStream, prefixed: boolean): Promise<void> {
    const subscription = this.client.subscribe(DashboardPodLogsDocument, {
      namespace: stream.namespace,
      name: stream.pod,
      container: stream.container,
      tailLines: TAIL_LINES,
    });
    this.subscriptions.push(subscription);
    try {
      for await (const { podLogs } of subscription) {
        if (this.stopped) return;
        this.append(prefixed ? `[${stream.label}] ${podLogs.text}` : podLogs.text);
      }
    } catch (err) {
      if (!this.stopped) this.status.textContent = `${stream.label}: ${actionError(err)}`;
    }
  }

  private append(text: string): void {
    const atEnd = this.view.scrollTop + this.view.clientHeight >= this.view.scrollHeight - 4;
    const line = document.createElement('div');
    line.className = 'log-line';
    line.textContent = text;
    this.view.append(line);
    while (this.view.childElementCount > MAX_LINES) this.view.firstElementChild?.remove();
    if (atEnd) this.view.scrollTop = this.view.scrollHeight;
  }

  /** Ends every stream; lines already shown stay. */
  stop(): void {
    this.stopped = true;
    for (const subscription of this.subscriptions.splice(0)) void subscription.return().catch(() => undefined);
  }
}
