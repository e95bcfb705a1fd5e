import type { Plugin } from 'graphql-yoga';
import { isCapstanError } from '../api/errors.ts';
import { authorizeRead } from '../auth/authorize.ts';
import { authorizeKindRead } from '../auth/config-access.ts';
import type { Identity } from '../auth/identity.ts';
import type { UsageSource } from '../resolvers/usage.ts';
import type { Store } from '../store/store.ts';
import type { Logger } from '../util/logger.ts';
import { registry } from '../util/metrics.ts';
import { collectResourceMetrics, RESOURCE_METRICS_CONTENT_TYPE } from './resource-metrics.ts';
import { identify, isUnauthenticatedError } from './use-auth.ts';
import type { ServerContext } from './use-telemetry.ts';

/**
 * Who may scrape /metrics. `loopback` (default): clients connecting from 127.0.0.0/8 or ::1 need no token (a
 * local Prometheus or curl), everyone else needs a token that may read (admin, viewer, node). `token`: always a
 * token. `open`: nobody needs one. Metrics carry no object data, only counts and latencies, but on a shared
 * network they still describe the cluster's activity, hence the default.
 */
export type MetricsAccess = 'loopback' | 'token' | 'open';

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

const READY_TIMEOUT_MS = 2_000;

async function storeReachable(store: Store): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
  });
  try {
    await Promise.race([store.currentResourceVersion(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `/healthz`: 200 while the process serves HTTP. `/readyz`: 200 when the store (Redis) answers within 2 s, else
 * 503. `/metrics`: the Prometheus text exposition of the process registry, guarded by `metricsAccess`.
 * `/metrics/resource`: every node's pods' CPU and memory with kubelet's resource-metrics names (resource-metrics.ts),
 * for a token that may read pods (401 without one, 403 for one that may not), also from loopback: the series name
 * pods. Only `metricsAccess: 'open'` serves it to anyone.
 */
export function useProbes({
  store,
  logger,
  metricsAccess = 'loopback',
  usageSource,
}: {
  store: Store;
  logger: Logger;
  metricsAccess?: MetricsAccess;
  usageSource?: UsageSource;
}): Plugin<Record<string, unknown>, ServerContext> {
  let ResponseClass: typeof Response = Response;
  function text(body: string, status: number, headers: Record<string, string> = {}): Response {
    return new ResponseClass(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers } });
  }

  /** undefined when `check` accepts the request's token, else the answer (401, 403, 503) with the reason. */
  async function refusal(request: Request, check: (identity: Identity | null) => void): Promise<Response | undefined> {
    try {
      check(await identify(store, request.headers.get('authorization')));
      return undefined;
    } catch (err) {
      if (isUnauthenticatedError(err)) {
        return text(`${err.message}\n`, 401, { 'www-authenticate': 'Bearer realm="capstan"' });
      }
      if (isCapstanError(err, 'FORBIDDEN')) return text(`FORBIDDEN: ${err.message}\n`, 403);
      logger.error({ err }, 'metrics authentication failed');
      return text('authentication is unavailable\n', 503);
    }
  }

  async function metricsResponse(request: Request, serverContext: ServerContext | undefined): Promise<Response> {
    const needsToken =
      metricsAccess === 'token' || (metricsAccess === 'loopback' && !isLoopbackAddress(serverContext?.remoteAddress));
    if (needsToken) {
      const refused = await refusal(request, (identity) => authorizeRead(identity));
      if (refused) return refused;
    }
    return text(await registry.metrics(), 200, { 'content-type': registry.contentType });
  }

  async function resourceMetricsResponse(request: Request): Promise<Response> {
    if (metricsAccess !== 'open') {
      const refused = await refusal(request, (identity) => authorizeKindRead(identity, 'Pod', 'list'));
      if (refused) return refused;
    }
    if (!usageSource) return text('UNAVAILABLE: this server has no way to reach node agents configured\n', 503);
    return text(await collectResourceMetrics(store, usageSource), 200, {
      'content-type': RESOURCE_METRICS_CONTENT_TYPE,
    });
  }

  async function readyResponse(): Promise<Response> {
    try {
      await storeReachable(store);
      return text('ok\n', 200);
    } catch (err) {
      logger.warn({ err }, 'readiness check failed: store unreachable');
      return text('store unreachable\n', 503);
    }
  }

  return {
    onYogaInit({ yoga }) {
      // Responses must come from yoga's fetch implementation, which may be a ponyfill rather than Node's own.
      ResponseClass = yoga.fetchAPI.Response;
    },
    async onRequest({ request, url, endResponse, serverContext }) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      switch (url.pathname) {
        case '/healthz':
          return endResponse(text('ok\n', 200));
        case '/readyz':
          return endResponse(await readyResponse());
        case '/metrics':
          return endResponse(await metricsResponse(request, serverContext));
        case '/metrics/resource':
          return endResponse(await resourceMetricsResponse(request));
      }
    },
  };
}
