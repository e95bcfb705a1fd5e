import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { CapstanError } from '../api/errors.ts';
import { DASHBOARD_PATH } from '../dashboard/use-dashboard.ts';
import { CLUSTER_INFO_PATH, type ClusterInfoDocument } from '../pki/discovery.ts';
import { withReadCache } from '../store/cached-store.ts';
import type { Store } from '../store/store.ts';
import { logContext, logger as defaultLogger, type Logger } from '../util/logger.ts';
import type { PodStreamSource } from '../resolvers/pod-streams.ts';
import { attachGraphQLWebSocket } from './graphql-ws.ts';
import { createPodStreamRoutes } from './pod-stream-routes.ts';
import { TokenSessions } from './token-sessions.ts';
import { identify } from './use-auth.ts';
import { isLoopbackAddress } from './use-probes.ts';
import { createCapstanYoga, GRAPHQL_PATH, type CapstanYoga, type CapstanYogaOptions } from './yoga.ts';

export interface ApiServerOptions extends CapstanYogaOptions {
  store: Store;
  /** Address to listen on. Default 127.0.0.1: reaching the API from elsewhere is an explicit choice. */
  host?: string;
  /** Default 7070; 0 picks a free port. */
  port?: number;
  /** On close, how long requests in flight may take to finish before connections are cut. Default 5 s. */
  closeGraceMs?: number;
  /** Exec with stdin and a TTY, attach and port-forward (pod-stream-routes.ts); without one they are UNAVAILABLE. */
  streamSource?: PodStreamSource;
  /**
   * A second listener speaking only TLS (the API for other machines, port 6443), with the same routes. The plain
   * listener (`host`, `port`) should then be on loopback: see startControlPlane.
   */
  tls?: { host: string; port: number; certPem: string; keyPem: string };
  /** The public cluster-info document served at GET /cluster-info without authentication (kubeadm discovery). */
  clusterInfoDocument?: () => Promise<ClusterInfoDocument | undefined>;
}

export interface ApiServer {
  /** Base URL, e.g. http://127.0.0.1:7070 (GraphQL at `${url}/graphql`, graphql-ws at ws://.../graphql). */
  url: string;
  graphqlUrl: string;
  wsUrl: string;
  server: Server;
  /** The TLS listener's base URL (https://host:6443), when it has one. */
  secureUrl?: string;
  secureServer?: Server;
  yoga: CapstanYoga;
  /** Stops accepting, ends subscriptions (WebSocket and SSE), waits for requests in flight, closes sockets. */
  close(): Promise<void>;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** HTTP requests (streaming ones included) in flight in this process, over every API server it runs. */
let requestsInContext = 0;

/**
 * Runs `handle` with the request's log context. While any AsyncLocalStorage is enabled, Node 20 runs async hooks
 * for every promise the process creates; a subscription fan-out creates a dozen per delivery, and the hooks
 * doubled its cost. The log context is therefore enabled only while HTTP requests are in flight: it is switched
 * off (`disable()`) when the last one ends, and `run()` switches it on again for the next.
 */
function inLogContext(requestId: string, res: ServerResponse, handle: () => void): void {
  requestsInContext++;
  res.once('close', () => {
    if (--requestsInContext === 0) logContext.disable();
  });
  logContext.run({ requestId }, handle);
}

function isStreaming(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return accept.includes('text/event-stream') || accept.includes('multipart/mixed');
}

/**
 * Starts Capstan's API server: GraphQL over HTTP (+ SSE subscriptions) and graphql-ws at /graphql, GraphiQL on a
 * browser GET of /graphql, the live dashboard at /dashboard, /healthz, /readyz and /metrics. Resolves once listening.
 */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { host = '127.0.0.1', port = 7070, closeGraceMs = 5_000, streamSource, ...yogaOptions } = options;
  const logger = options.logger ?? defaultLogger;
  const maxBodyBytes = options.maxBodyBytes ?? 2 * 1024 * 1024;
  // One read cache for HTTP and graphql-ws, so both see (and authenticate against) the same store.
  const cache = options.readCache === false ? undefined : withReadCache(options.store);
  const store = cache?.store ?? options.store;
  const yoga = createCapstanYoga({ ...yogaOptions, store, logger, maxBodyBytes });
  // WebSocket connections and SSE streams end when their token is deleted or expires (token-sessions.ts).
  const sessions = new TokenSessions(logger.child({ component: 'api', part: 'sessions' })).start(store);

  let inFlight = 0;
  let drained: (() => void) | undefined;
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method === 'GET' && req.url === CLUSTER_INFO_PATH) {
      serveClusterInfo(res, options.clusterInfoDocument, logger);
      return;
    }
    const fromClient = req.headers['x-request-id'];
    const requestId = typeof fromClient === 'string' && REQUEST_ID.test(fromClient) ? fromClient : randomUUID();
    if (!isStreaming(req)) {
      inFlight++;
      res.once('close', () => {
        if (--inFlight === 0) drained?.();
      });
    } else {
      // yoga authenticates the request itself; this only learns whose stream it is, to end it on revocation.
      identify(store, req.headers.authorization, options.authCacheTtlMs).then(
        (identity) => {
          if (res.destroyed || res.writableEnded) return;
          res.once(
            'close',
            sessions.register(identity, () => res.destroy()),
          );
        },
        () => undefined,
      );
    }
    inLogContext(requestId, res, () => {
      void yoga(req, res, { requestId, remoteAddress: req.socket.remoteAddress });
    });
  };
  const server = createServer(handle);
  const secureServer = options.tls
    ? (createTlsServer({ cert: options.tls.certPem, key: options.tls.keyPem }, handle) as unknown as Server)
    : undefined;
  try {
    await listen(server, host, port, 'CAPSTAN_PORT / --port');
    if (secureServer && options.tls) {
      await listen(secureServer, options.tls.host, options.tls.port, 'CAPSTAN_SECURE_PORT / --secure-port').catch(
        (err: unknown) => {
          server.close();
          throw err;
        },
      );
    }
  } catch (err) {
    sessions.stop();
    cache?.stop();
    throw err;
  }
  // Attached once listening: a WebSocket server on a server that failed to listen reports that as its own error.
  const streams = createPodStreamRoutes({
    store,
    logger,
    ...(streamSource ? { source: streamSource } : {}),
    sessions,
    ...(options.authCacheTtlMs !== undefined ? { authCacheTtlMs: options.authCacheTtlMs } : {}),
  });
  const wsOptions = {
    otherUpgrades: streams.handleUpgrade,
    yoga,
    store,
    logger,
    maxPayloadBytes: maxBodyBytes,
    ...(options.authCacheTtlMs !== undefined ? { authCacheTtlMs: options.authCacheTtlMs } : {}),
    sessions,
  };
  const sockets = [server, ...(secureServer ? [secureServer] : [])].map((s) =>
    attachGraphQLWebSocket({ server: s, ...wsOptions }),
  );

  const address = server.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${hostPart}:${address.port}`;
  const secureUrl = secureServer ? urlOf('https', secureServer.address() as AddressInfo) : undefined;
  const log = logger.child({ component: 'api' });
  log.info(
    {
      url,
      graphql: `${url}${GRAPHQL_PATH}`,
      dashboard: `${url}${DASHBOARD_PATH}`,
      ...(secureUrl ? { tls: secureUrl } : {}),
      metricsWithoutToken: isLoopbackAddress(address.address),
    },
    'API server listening',
  );

  let closing: Promise<void> | undefined;
  async function close(): Promise<void> {
    const servers = [server, ...(secureServer ? [secureServer] : [])];
    const stopped = Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    for (const ws of sockets) await ws.dispose();
    streams.close();
    for (const s of servers) s.closeIdleConnections();
    if (inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, closeGraceMs);
        drained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    // Cuts SSE streams and anything still running after the grace period; yoga ends their subscriptions.
    for (const s of servers) s.closeAllConnections();
    await stopped;
    sessions.stop();
    cache?.stop();
    log.info({ url }, 'API server closed');
  }

  return {
    url,
    graphqlUrl: `${url}${GRAPHQL_PATH}`,
    wsUrl: `ws://${hostPart}:${address.port}${GRAPHQL_PATH}`,
    server,
    ...(secureServer && secureUrl ? { secureServer, secureUrl } : {}),
    yoga,
    close: () => (closing ??= close()),
  };
}

function serveClusterInfo(
  res: ServerResponse,
  document: ApiServerOptions['clusterInfoDocument'],
  logger: Logger,
): void {
  const send = (status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  if (!document) return send(404, { error: { code: 'NOT_FOUND', message: 'this server publishes no cluster-info' } });
  document().then(
    (doc) =>
      doc
        ? send(200, doc)
        : send(404, { error: { code: 'NOT_FOUND', message: 'this server publishes no cluster-info' } }),
    (err: unknown) => {
      logger.warn({ err }, 'cannot build the cluster-info document');
      send(503, { error: { code: 'UNAVAILABLE', message: 'the cluster-info document is not available right now' } });
    },
  );
}

function urlOf(scheme: 'http' | 'https', address: AddressInfo): string {
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${scheme}://${hostPart}:${address.port}`;
}

async function listen(server: Server, host: string, port: number, setting: string): Promise<void> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'EACCES') {
      const why = code === 'EADDRINUSE' ? 'is in use' : code === 'EACCES' ? 'is not allowed' : 'is not on this machine';
      throw new CapstanError(
        'UNAVAILABLE',
        `the API cannot listen on ${host}:${port}: the address ${why}; choose another with ${setting} or CAPSTAN_HOST / --host`,
        { cause: err },
      );
    }
    throw err;
  }
}
