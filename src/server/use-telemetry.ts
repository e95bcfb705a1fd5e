import { randomUUID } from 'node:crypto';
import { getOperationAST, type DocumentNode, type ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { Logger } from '../util/logger.ts';
import { activeSubscriptions, apiRequestDuration, apiRequests } from '../util/metrics.ts';

/** What the HTTP server passes to yoga for each request. */
export interface ServerContext {
  /** Request id chosen by the HTTP server (also bound to the log context); generated here when absent. */
  requestId?: string;
  /** Peer address of the TCP connection. */
  remoteAddress?: string;
}

export type Transport = 'http' | 'sse' | 'multipart' | 'ws';

export interface OperationInfo {
  type: 'query' | 'mutation' | 'subscription' | 'none';
  name?: string;
}

/** Type and name of the operation a document and operationName select. */
export function operationInfo(document: DocumentNode, operationName?: string | null): OperationInfo {
  const operation = getOperationAST(document, operationName);
  if (!operation) return { type: 'none' };
  return { type: operation.operation, ...(operation.name ? { name: operation.name.value } : {}) };
}

/** `ok`, or the `extensions.code` of the first error a client received. */
export function outcomeOf(errors: readonly { extensions?: Record<string, unknown> }[] | undefined): string {
  if (!errors?.length) return 'ok';
  const code = errors[0]?.extensions?.['code'];
  return typeof code === 'string' ? code : 'ERROR';
}

/** Counts one finished operation (or rejected request) in the API metrics. */
export function recordOperation(info: OperationInfo, transport: Transport, outcome: string, seconds: number): void {
  apiRequests.inc({ operation_type: info.type, transport, outcome });
  apiRequestDuration.observe({ operation_type: info.type, transport }, seconds);
}

/** Tracks a subscription stream in the active-subscriptions gauge until `end()` is called (once). */
export function trackSubscription(transport: Transport): { end(): void } {
  activeSubscriptions.inc({ transport });
  let ended = false;
  return {
    end() {
      if (ended) return;
      ended = true;
      activeSubscriptions.dec({ transport });
    },
  };
}

export function transportOf(request: Request | undefined): Transport {
  const accept = request?.headers.get('accept') ?? '';
  if (accept.includes('text/event-stream')) return 'sse';
  if (accept.includes('multipart/mixed')) return 'multipart';
  return 'http';
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

interface RequestState {
  requestId: string;
  startedAt: number;
  /** Set once the request reached GraphQL parsing: GraphiQL's page and probes are not operations. */
  graphql: boolean;
  operation: OperationInfo;
  outcome?: string;
}

/**
 * Metrics and one structured log line per HTTP request to the GraphQL endpoint: request id (also returned in
 * `x-request-id`), operation type and name, status, duration and the error code the client got. Subscriptions
 * are counted in the active-subscriptions gauge while they stream, whatever the transport.
 */
export function useTelemetry({
  logger,
  graphqlEndpoint = '/graphql',
}: {
  logger: Logger;
  graphqlEndpoint?: string;
}): Plugin<Record<string, unknown>, ServerContext> {
  const states = new WeakMap<Request, RequestState>();
  return {
    onRequest({ request, url, serverContext }) {
      if (url.pathname !== graphqlEndpoint) return;
      const fromClient = request.headers.get('x-request-id');
      const requestId =
        serverContext?.requestId ?? (fromClient && REQUEST_ID.test(fromClient) ? fromClient : randomUUID());
      states.set(request, { requestId, startedAt: performance.now(), graphql: false, operation: { type: 'none' } });
    },
    onRequestParse({ request }) {
      const state = states.get(request);
      if (state) state.graphql = true;
    },
    onExecute({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      const state = request && states.get(request);
      if (state) state.operation = operationInfo(args.document, args.operationName);
    },
    onSubscribe({ args }) {
      const context = args.contextValue as { request?: Request; transport?: Transport };
      const state = context.request && states.get(context.request);
      if (state) state.operation = operationInfo(args.document, args.operationName);
      const transport = context.transport ?? transportOf(context.request);
      return {
        onSubscribeResult({ result }) {
          if (!isAsyncIterable(result)) return;
          const tracked = trackSubscription(transport);
          return { onEnd: () => tracked.end() };
        },
      };
    },
    onResultProcess({ request, result }) {
      const state = states.get(request);
      if (!state) return;
      const single = Array.isArray(result) ? result[0] : result;
      state.outcome = isAsyncIterable(single) ? 'ok' : outcomeOf((single as ExecutionResult | undefined)?.errors);
    },
    onResponse({ request, response }) {
      const state = states.get(request);
      if (!state) return;
      response.headers.set('x-request-id', state.requestId);
      if (!state.graphql) return;
      const seconds = (performance.now() - state.startedAt) / 1000;
      const outcome = state.outcome ?? (response.status < 400 ? 'ok' : `HTTP_${response.status}`);
      recordOperation(state.operation, transportOf(request), outcome, seconds);
      const fields = {
        requestId: state.requestId,
        method: request.method,
        status: response.status,
        operationType: state.operation.type,
        ...(state.operation.name ? { operationName: state.operation.name } : {}),
        durationMs: Math.round(seconds * 10_000) / 10,
        ...(outcome !== 'ok' ? { errorCode: outcome } : {}),
      };
      if (outcome === 'INTERNAL_SERVER_ERROR') logger.error(fields, 'graphql request failed');
      else logger.info(fields, 'graphql request');
    },
  };
}
