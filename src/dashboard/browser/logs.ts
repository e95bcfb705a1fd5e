/// <reference lib="dom" />
import {
  DashboardPodLogsDocument,
  DeploymentLogsDocument,
  isCapstanClientError,
  type CapstanClient,
} from '../../sdk/browser.ts';
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
/** Wait before following again after the connection was lost (a server restart). */
const RETRY_MS = 3_000;

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

  /**
   * Follows every container of every pod of a Deployment (`deploymentLogs`): pods created later join, deleted ones
   * end their part, on the server's side; the stream ends when the Deployment is deleted.
   */
  startDeployment(namespace: string, name: string): void {
    this.view.replaceChildren();
    this.status.textContent = 'Following';
    void this.run(
      `Deployment ${name}`,
      (tailLines) => this.client.subscribe(DeploymentLogsDocument, { namespace, name, follow: true, tailLines }),
      ({ deploymentLogs: line }) => `[${line.pod}/${line.container}] ${line.text}`,
      `Deployment ${name} was deleted: no more logs`,
    );
  }

  private follow(stream: LogStream, prefixed: boolean): Promise<void> {
    const { namespace, pod: name, container, label } = stream;
    return this.run(
      label,
      (tailLines) => this.client.subscribe(DashboardPodLogsDocument, { namespace, name, container, tailLines }),
      ({ podLogs }) => (prefixed ? `[${label}] ${podLogs.text}` : podLogs.text),
    );
  }

  /**
   * Appends the lines of a subscription. When the connection is lost (UNREACHABLE: the server restarted) it follows
   * again from new lines only, so nothing shown is repeated.
   */
  private async run<T>(
    label: string,
    open: (tailLines: number) => AsyncIterableIterator<T> & { return(): Promise<unknown> },
    text: (message: T) => string,
    ended?: string,
  ): Promise<void> {
    let tailLines = TAIL_LINES;
    while (!this.stopped) {
      const subscription = open(tailLines);
      this.subscriptions.push(subscription);
      try {
        for await (const message of subscription) {
          if (this.stopped) return;
          this.append(text(message));
        }
        if (!this.stopped && ended) this.status.textContent = ended;
        return;
      } catch (err) {
        if (this.stopped) return;
        this.status.textContent = `${label}: ${actionError(err)}`;
        if (!isCapstanClientError(err, 'UNREACHABLE')) return;
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      tailLines = 0;
      if (!this.stopped) this.status.textContent = 'Following';
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
