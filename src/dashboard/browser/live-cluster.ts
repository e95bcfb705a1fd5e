import {
  createCapstanClient,
  DashboardDeploymentsDocument,
  DashboardEventsDocument,
  DashboardNamespacesDocument,
  DashboardNodesDocument,
  DashboardPodsDocument,
  DashboardReplicationControllersDocument,
  DashboardServicesDocument,
  isCapstanClientError,
  type CapstanClient,
  type CapstanDocument,
} from '../../sdk/browser.ts';
import { exponentialDelay } from '../../util/backoff.ts';
import type {
  DashboardDeployment,
  DashboardEvent,
  DashboardNamespace,
  DashboardNode,
  DashboardPod,
  DashboardReplicationController,
  DashboardService,
} from './columns.ts';
import { WatchedCollection, type WatchedObject, type WatchMessage } from './watched-collection.ts';

/** What the page tells the user about its connection. */
export type ConnectionStatus =
  | { state: 'connecting' }
  | { state: 'live' }
  | { state: 'retrying'; message: string; retryInMs: number }
  /** The token was refused (UNAUTHENTICATED) or may not read (FORBIDDEN): no retry, a new token is needed. */
  | { state: 'refused'; code: string; message: string };

export interface LiveClusterOptions {
  /** The server's base URL (the page's origin). */
  url: string;
  token: string;
  /** A kind's objects changed. */
  onChange(): void;
  onStatus(status: ConnectionStatus): void;
  /** First and longest wait before reconnecting after a failure (doubling in between). Default 1 s and 30 s. */
  retryMs?: { initial: number; max: number };
}

/** The cluster as the page's watches report it, one collection per kind. */
export interface LiveCluster {
  readonly nodes: WatchedCollection<DashboardNode>;
  readonly pods: WatchedCollection<DashboardPod>;
  readonly deployments: WatchedCollection<DashboardDeployment>;
  readonly replicationControllers: WatchedCollection<DashboardReplicationController>;
  readonly services: WatchedCollection<DashboardService>;
  readonly events: WatchedCollection<DashboardEvent>;
  readonly namespaces: WatchedCollection<DashboardNamespace>;
  /** Ends every watch and the connection; no reconnect follows. */
  stop(): Promise<void>;
}

type WatchDocument<T> = CapstanDocument<{ watch: WatchMessage<T> }, { sinceResourceVersion?: string | null }>;

interface KindWatch<T extends WatchedObject> {
  document: WatchDocument<T>;
  collection: WatchedCollection<T>;
}

function kindWatch<T extends WatchedObject>(document: WatchDocument<T>): KindWatch<T> {
  return { document, collection: new WatchedCollection<T>() };
}

/**
 * Opens one `watch` subscription per kind over one graphql-ws connection and keeps the collections current. Any
 * failure of the connection closes it and, after a back-off, opens every watch again. A reconnect starts fresh
 * snapshots rather than resuming from the last resourceVersion: the snapshot's BOOKMARK is the only sign the server
 * gives that a watch is live again, and the snapshot replaces each table whole, so nothing missed while disconnected
 * (deletions included) lingers.
 */
export function startLiveCluster(options: LiveClusterOptions): LiveCluster {
  const { url, token, onChange, onStatus } = options;
  const retry = options.retryMs ?? { initial: 1_000, max: 30_000 };
  const watches = {
    nodes: kindWatch<DashboardNode>(DashboardNodesDocument),
    pods: kindWatch<DashboardPod>(DashboardPodsDocument),
    deployments: kindWatch<DashboardDeployment>(DashboardDeploymentsDocument),
    replicationControllers: kindWatch<DashboardReplicationController>(DashboardReplicationControllersDocument),
    services: kindWatch<DashboardService>(DashboardServicesDocument),
    events: kindWatch<DashboardEvent>(DashboardEventsDocument),
    namespaces: kindWatch<DashboardNamespace>(DashboardNamespacesDocument),
  };
  const all: KindWatch<WatchedObject>[] = Object.values(watches);
  let client: CapstanClient | undefined;
  let failures = 0;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function connect(): void {
    timer = undefined;
    onStatus({ state: 'connecting' });
    const session = createCapstanClient({ url, token, subscriptionTransport: 'ws' });
    client = session;
    for (const watch of all) void follow(session, watch);
  }

  async function follow<T extends WatchedObject>(session: CapstanClient, watch: KindWatch<T>): Promise<void> {
    watch.collection.restart();
    try {
      for await (const { watch: message } of session.subscribe(watch.document, {})) {
        if (session !== client) return;
        if (watch.collection.apply(message)) onChange();
        if (message.type === 'BOOKMARK' && all.every((w) => w.collection.synced)) {
          failures = 0;
          onStatus({ state: 'live' });
        }
      }
      if (session === client) fail(session, new Error('the server ended a watch'));
    } catch (err) {
      if (session === client) fail(session, err);
    }
  }

  function fail(session: CapstanClient, err: unknown): void {
    client = undefined;
    void session.close().catch(() => undefined);
    if (stopped) return;
    const message = err instanceof Error ? err.message : String(err);
    if (isCapstanClientError(err) && (err.code === 'UNAUTHENTICATED' || err.code === 'FORBIDDEN')) {
      stopped = true;
      onStatus({ state: 'refused', code: err.code, message });
      return;
    }
    const retryInMs = exponentialDelay(failures++, { initialMs: retry.initial, maxMs: retry.max });
    onStatus({ state: 'retrying', message, retryInMs });
    timer = setTimeout(connect, retryInMs);
  }

  connect();
  return {
    nodes: watches.nodes.collection,
    pods: watches.pods.collection,
    deployments: watches.deployments.collection,
    replicationControllers: watches.replicationControllers.collection,
    services: watches.services.collection,
    events: watches.events.collection,
    namespaces: watches.namespaces.collection,
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      const session = client;
      client = undefined;
      await session?.close();
    },
  };
}
