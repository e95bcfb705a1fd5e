import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CapstanError } from '../api/errors.ts';
import { DASHBOARD_PATH } from '../dashboard/use-dashboard.ts';
import { withReadCache } from '../store/cached-store.ts';
import type { Store } from '../store/store.ts';
import { logContext, logger as defaultLogger } from '../util/logger.ts';
import type { PodStreamSource } from '../resolvers/pod-streams.ts';
import { attachGraphQLWebSocket } from './graphql-ws.ts';
import { createPodStreamRoutes } from './pod-stream-routes.ts';
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
}

export interface ApiServer {
  /** Base URL, e.g. http://127.0.0.1:7070 (GraphQL at `${url}/graphql`, graphql-ws at ws://.../graphql). */
  url: string;
  graphqlUrl: string;
  wsUrl: string;
  server: Server;
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

  let inFlight = 0;
  let drained: (() => void) | undefined;
  const server = createServer((req, res) => {
    const fromClient = req.headers['x-request-id'];
    const requestId = typeof fromClient === 'string' && REQUEST_ID.test(fromClient) ? fromClient : randomUUID();
    if (!isStreaming(req)) {
      inFlight++;
      res.once('close', () => {
        if (--inFlight === 0) drained?.();
      });
    }
    inLogContext(requestId, res, () => {
      void yoga(req, res, { requestId, remoteAddress: req.socket.remoteAddress });
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    cache?.stop();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'EACCES') {
      const why = code === 'EADDRINUSE' ? 'is in use' : code === 'EACCES' ? 'is not allowed' : 'is not on this machine';
      throw new CapstanError(
        'UNAVAILABLE',
        `the API cannot listen on ${host}:${port}: the address ${why}; choose another with CAPSTAN_PORT / --port or CAPSTAN_HOST / --host`,
        { cause: err },
      );
    }
    throw err;
  }
  // Attached once listening: a WebSocket server on a server that failed to listen reports that as its own error.
  const streams = createPodStreamRoutes({
    store,
    logger,
    ...(streamSource ? { source: streamSource } : {}),
    ...(options.authCacheTtlMs !== undefined ? { authCacheTtlMs: options.authCacheTtlMs } : {}),
  });
  const ws = attachGraphQLWebSocket({
    server,
    otherUpgrades: streams.handleUpgrade,
    yoga,
    store,
    logger,
    maxPayloadBytes: maxBodyBytes,
    ...(options.authCacheTtlMs !== undefined ? { authCacheTtlMs: options.authCacheTtlMs } : {}),
  });

  const address = server.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${hostPart}:${address.port}`;
  const log = logger.child({ component: 'api' });
  log.info(
    {
      url,
      graphql: `${url}${GRAPHQL_PATH}`,
      dashboard: `${url}${DASHBOARD_PATH}`,
      metricsWithoutToken: isLoopbackAddress(address.address),
    },
    'API server listening',
  );

  let closing: Promise<void> | undefined;
  async function close(): Promise<void> {
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    await ws.dispose();
    streams.close();
    server.closeIdleConnections();
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
    server.closeAllConnections();
    await stopped;
    cache?.stop();
    log.info({ url }, 'API server closed');
  }

  return {
    url,
    graphqlUrl: `${url}${GRAPHQL_PATH}`,
    wsUrl: `ws://${hostPart}:${address.port}${GRAPHQL_PATH}`,
    server,
    yoga,
    close: () => (closing ??= close()),
  };
}
