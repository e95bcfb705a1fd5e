import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
import type { DocumentNode, FormattedExecutionResult, GraphQLFormattedError } from 'graphql';
// The printer alone: the package's index would bring all of graphql-js into every client.
import { print } from 'graphql/language/printer.js';
import type { Client as SseClient } from 'graphql-sse';
import type { Client as WsClient } from 'graphql-ws';
import { clockSkewMessage } from './certificate-time.ts';
import { CapstanClientError } from './errors.ts';
import type { HttpPost } from './node-http.ts';

/** Header that passes the server's CSRF prevention (src/server/yoga.ts accepts it on every HTTP GraphQL request). */
export const CSRF_HEADER = 'x-capstan-csrf';

export interface CapstanClientOptions {
  /** The server (`http://127.0.0.1:8080`) or its GraphQL endpoint (`.../graphql`). */
  url: string;
  /** Bearer token; sent as `Authorization` over HTTP and as connectionParams over graphql-ws. */
  token?: string;
  /** Transport of `subscribe`: graphql-ws over WebSocket (default) or graphql-sse over HTTP. */
  subscriptionTransport?: 'ws' | 'sse';
  /** Timeout of one `request`, in milliseconds (default 30 s). */
  timeoutMs?: number;
  /** fetch implementation (default: the global one). */
  fetch?: typeof fetch;
  /**
   * How queries and mutations are posted (default: with `fetch`). `nodeHttpPost` (src/sdk/node-http.ts) posts with
   * Node's http module, which starts faster.
   */
  post?: HttpPost;
  /** WebSocket implementation (default: the global one, else the `ws` package). */
  webSocketImpl?: unknown;
}

/** An open subscription: iterate it for results; `return()` (or `close()`) ends it. */
export interface Subscription<T> extends AsyncIterableIterator<T> {
  return(): Promise<IteratorResult<T>>;
  close(): Promise<void>;
}

/** A small typed GraphQL client for Capstan's API. */
export interface CapstanClient {
  /** The GraphQL endpoint, e.g. `http://127.0.0.1:8080/graphql`. */
  readonly endpoint: string;
  /** Runs a query or mutation. Throws CapstanClientError for GraphQL errors, refused tokens and network failures. */
  request<TResult, TVariables extends Record<string, unknown>>(
    document: CapstanDocument<TResult, TVariables>,
    variables?: TVariables,
    options?: { signal?: AbortSignal },
  ): Promise<TResult>;
  /** Runs a subscription; each value is one result's `data`. A GraphQL error ends it with CapstanClientError. */
  subscribe<TResult, TVariables extends Record<string, unknown>>(
    document: CapstanDocument<TResult, TVariables>,
    variables?: TVariables,
  ): Subscription<TResult>;
  /** Closes the subscription connection, if any. */
  close(): Promise<void>;
}

/** The GraphQL endpoint of a server URL: `/graphql` unless the URL already names a path. */
export function graphqlEndpoint(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CapstanClientError(
      'UNREACHABLE',
      `invalid server URL ${JSON.stringify(url)} (expected http://host:port)`,
    );
  }
  if (parsed.pathname === '/' || parsed.pathname === '') parsed.pathname = '/graphql';
  return parsed.toString();
}

/**
 * A GraphQL document typed with its result and variables: the generated documents (query strings, see
 * `documentMode: 'string'` in codegen.ts) or a TypedDocumentNode.
 */
export type CapstanDocument<TResult, TVariables> = DocumentTypeDecoration<TResult, TVariables> &
  // eslint-disable-next-line @typescript-eslint/no-wrapper-object-types -- the generated documents extend String
  (DocumentNode | String);

const printed = new WeakMap<DocumentNode, string>();
function queryText(document: DocumentNode | object): string {
  if (document instanceof String) return document.toString();
  let text = printed.get(document as DocumentNode);
  if (text === undefined) {
    text = print(document as DocumentNode);
    printed.set(document as DocumentNode, text);
  }
  return text;
}

function describeCause(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  if (cause instanceof AggregateError && cause.errors[0] instanceof Error) return cause.errors[0].message;
  if (cause instanceof Error) return cause.message || cause.name;
  return String(cause);
}

/** The CapstanClientError for whatever a transport rejected with: GraphQL errors, a close event, a socket error. */
export function toClientError(err: unknown, endpoint: string): CapstanClientError {
  if (err instanceof CapstanClientError) return err;
  // A certificate outside its validity period (a clock off on one side): say so, not "cannot reach".
  const skew = clockSkewMessage(err, `the server at ${endpoint}`);
  if (skew) return new CapstanClientError('UNREACHABLE', skew, { cause: err });
  if (Array.isArray(err) && err.every((e) => typeof e === 'object' && e !== null && 'message' in e)) {
    return CapstanClientError.fromGraphQLErrors(err as GraphQLFormattedError[]);
  }
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'number') {
    const { code } = err;
    const reason = 'reason' in err && typeof err.reason === 'string' && err.reason ? err.reason : `code ${code}`;
    if (code === 4401 || code === 4403) {
      return new CapstanClientError('UNAUTHENTICATED', `the server refused the token: ${reason}`, { cause: err });
    }
    return new CapstanClientError('UNREACHABLE', `connection to ${endpoint} closed: ${reason}`, { cause: err });
  }
  if (typeof err === 'object' && err !== null && 'response' in err && err.response instanceof Response) {
    const status = err.response.status;
    const code = status === 401 ? 'UNAUTHENTICATED' : status === 403 ? 'FORBIDDEN' : 'HTTP_ERROR';
    return new CapstanClientError(code, `${endpoint} answered HTTP ${status} ${err.response.statusText}`, {
      cause: err,
      status,
    });
  }
  const message =
    !(err instanceof Error) &&
    typeof err === 'object' &&
    err !== null &&
    'message' in err &&
    typeof err.message === 'string'
      ? err.message
      : describeCause(err);
  return new CapstanClientError('UNREACHABLE', `cannot reach the Capstan server at ${endpoint}: ${message}`, {
    cause: err,
  });
}

async function resolveWebSocket(impl: unknown): Promise<unknown> {
  if (impl) return impl;
  if (typeof globalThis.WebSocket === 'function') return globalThis.WebSocket;
  // Imported only when needed, so that a browser bundle of the SDK does not pull in the Node `ws` package.
  const ws = await import('ws');
  return ws.WebSocket;
}

/**
 * Creates a client for a Capstan server. Queries and mutations go over HTTP POST with the Bearer token and the CSRF
 * header; subscriptions over one shared graphql-ws connection (opened on first use) or graphql-sse.
 */
export function createCapstanClient(options: CapstanClientOptions): CapstanClient {
  const endpoint = graphqlEndpoint(options.url);
  const doFetch = options.fetch ?? globalThis.fetch;
  const post: HttpPost =
    options.post ??
    (async (url, init) => {
      const response = await doFetch(url, { method: 'POST', ...init });
      return { status: response.status, text: await response.text() };
    });
  const timeoutMs = options.timeoutMs ?? 30_000;
  const authorization: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  let ws: Promise<WsClient> | undefined;
  let sse: Promise<SseClient> | undefined;

  async function request<TResult, TVariables extends Record<string, unknown>>(
    document: CapstanDocument<TResult, TVariables>,
    variables?: TVariables,
    requestOptions: { signal?: AbortSignal } = {},
  ): Promise<TResult> {
    const signals = [AbortSignal.timeout(timeoutMs), ...(requestOptions.signal ? [requestOptions.signal] : [])];
    let response: { status: number; text: string };
    try {
      response = await post(endpoint, {
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          [CSRF_HEADER]: '1',
          ...authorization,
        },
        body: JSON.stringify({ query: queryText(document), variables: variables ?? {} }),
        signal: AbortSignal.any(signals),
      });
    } catch (err) {
      if (err instanceof Error && err.name === 'TimeoutError') {
        throw new CapstanClientError('UNREACHABLE', `${endpoint} did not answer within ${timeoutMs} ms`, {
          cause: err,
        });
      }
      throw toClientError(err, endpoint);
    }
    const text = response.text;
    let body: FormattedExecutionResult<TResult>;
    try {
      body = JSON.parse(text) as FormattedExecutionResult<TResult>;
    } catch {
      const code = response.status === 401 ? 'UNAUTHENTICATED' : response.status === 403 ? 'FORBIDDEN' : 'HTTP_ERROR';
      const snippet = text.trim().slice(0, 200);
      throw new CapstanClientError(
        code,
        `${endpoint} answered HTTP ${response.status}${snippet ? `: ${snippet}` : ''}`,
        {
          status: response.status,
        },
      );
    }
    if (body.errors && body.errors.length > 0) throw CapstanClientError.fromGraphQLErrors(body.errors, response.status);
    if (body.data === undefined || body.data === null) {
      throw new CapstanClientError('HTTP_ERROR', `${endpoint} answered HTTP ${response.status} without data`, {
        status: response.status,
      });
    }
    return body.data;
  }

  // The subscription transports are loaded on the first subscription: a process that only queries (one `capstan
  // get`) does not pay for them.
  function wsClient(): Promise<WsClient> {
    ws ??= Promise.all([resolveWebSocket(options.webSocketImpl), import('graphql-ws')]).then(([webSocketImpl, lib]) =>
      lib.createClient({
        url: endpoint.replace(/^http/, 'ws'),
        webSocketImpl,
        connectionParams: { ...authorization },
        retryAttempts: 0,
        // The socket closes as soon as the last subscription ends. A lazy-close delay would keep the process alive
        // for that long even after close(): graphql-ws's dispose() does not clear its lazy-close timer.
        lazyCloseTimeout: 0,
      }),
    );
    return ws;
  }

  function sseClient(): Promise<SseClient> {
    sse ??= import('graphql-sse').then((lib) =>
      lib.createClient({
        url: endpoint,
        headers: { [CSRF_HEADER]: '1', ...authorization },
        fetchFn: doFetch,
        retryAttempts: 0,
      }),
    );
    return sse;
  }

  function subscribe<TResult, TVariables extends Record<string, unknown>>(
    document: CapstanDocument<TResult, TVariables>,
    variables?: TVariables,
  ): Subscription<TResult> {
    const payload = { query: queryText(document), variables: variables ?? {} };
    let source: AsyncIterableIterator<FormattedExecutionResult<TResult, unknown>> | undefined;
    let closed = false;
    const open = async () => {
      source ??=
        options.subscriptionTransport === 'sse'
          ? (await sseClient()).iterate<TResult>(payload)
          : (await wsClient()).iterate<TResult>(payload);
      return source;
    };
    const subscription: Subscription<TResult> = {
      async next() {
        if (closed) return { done: true, value: undefined };
        let step: IteratorResult<FormattedExecutionResult<TResult, unknown>>;
        try {
          step = await (await open()).next();
        } catch (err) {
          closed = true;
          throw toClientError(err, endpoint);
        }
        if (step.done) {
          closed = true;
          return { done: true, value: undefined };
        }
        const result = step.value;
        if (result.errors && result.errors.length > 0) {
          await subscription.return();
          throw CapstanClientError.fromGraphQLErrors(result.errors);
        }
        return { done: false, value: result.data as TResult };
      },
      async return() {
        closed = true;
        await source?.return?.();
        return { done: true, value: undefined };
      },
      async close() {
        await subscription.return();
      },
      [Symbol.asyncIterator]() {
        return subscription;
      },
    };
    return subscription;
  }

  return {
    endpoint,
    request,
    subscribe,
    async close() {
      const [pendingWs, pendingSse] = [ws, sse];
      ws = undefined;
      sse = undefined;
      if (pendingWs) await (await pendingWs).dispose();
      if (pendingSse) (await pendingSse).dispose();
    },
  };
}
