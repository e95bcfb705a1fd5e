import type { IncomingMessage } from 'node:http';
import { request as httpsRequest, type Agent as HttpsAgent } from 'node:https';
import { CapstanError } from '../api/errors.ts';
import {
  isErrorCode,
  podEndpointPath,
  writeLogQuery,
  type LogRecord,
  type PodEndpointVerb,
} from '../api/node-endpoint.ts';
import type { Node, Pod } from '../api/types.ts';
import { callDigest, nodeEndpoint, type NodeDialer } from '../pki/node-endpoint-tls.ts';
import type { LogLine, LogSource, LogStreamOptions } from '../resolvers/logs.ts';
import { clockSkewMessage } from '../sdk/certificate-time.ts';
import type { Store } from '../store/store.ts';

export interface NodeLogSourceOptions {
  /** Where Node objects (address, log port) are read. */
  store: Store;
  /** TLS to node endpoints and the call authorizations (node-endpoint-tls.ts). */
  dialer: NodeDialer;
  /** How long a node may take to answer a log request (connect and status). Default 10 s. */
  answerTimeoutMs?: number;
}

function podRef(pod: Pod): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
}

/**
 * An iterator over `source` whose `return()` aborts first: a consumer that stops while the source waits for its
 * next line (a quiet container being followed) releases the stream at once instead of after that line.
 */
function releasing<T>(source: AsyncIterable<T>, abort: AbortController): AsyncIterableIterator<T> {
  const iterator = source[Symbol.asyncIterator]();
  return {
    next: () => iterator.next(),
    async return() {
      abort.abort();
      await iterator.return?.();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

function linkAbort(outer: AbortSignal | undefined): AbortController {
  const abort = new AbortController();
  if (outer?.aborted) abort.abort();
  else outer?.addEventListener('abort', () => abort.abort(), { once: true });
  return abort;
}

/**
 * The API's LogSource for a whole cluster, as the API server proxies `kubectl logs` to the kubelet: a pod on a node
 * whose agent runs in this process is read from that agent directly; any other from its node's log endpoint
 * (node-endpoint-server.ts) at the Node's InternalIP and `status.daemonEndpoints.kubeletEndpoint.Port`, over mutual TLS with
 * a call authorization for this one request (node-endpoint-tls.ts): no token of this server goes to a node.
 */
export class NodeLogSource implements LogSource {
  private readonly local = new Map<string, LogSource>();

  constructor(private readonly options: NodeLogSourceOptions) {}

  /** Serves the pods of `nodeName` from an in-process agent's source; the returned function undoes it. */
  attach(nodeName: string, source: LogSource): () => void {
    this.local.set(nodeName, source);
    return () => {
      if (this.local.get(nodeName) === source) this.local.delete(nodeName);
    };
  }

  async stream(pod: Pod, options: LogStreamOptions): Promise<AsyncIterable<LogLine>> {
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) {
      throw new CapstanError(
        'NOT_FOUND',
        `pod ${podRef(pod)} is ${pod.status?.phase ?? 'Pending'} and not scheduled to a node yet: it has no logs until it runs`,
      );
    }
    const abort = linkAbort(options.signal);
    const local = this.local.get(nodeName);
    const source = local
      ? await local.stream(pod, { ...options, signal: abort.signal })
      : await this.fromNode(nodeName, pod, { ...options, signal: abort.signal });
    return releasing(source, abort);
  }

  private async fromNode(nodeName: string, pod: Pod, options: LogStreamOptions): Promise<AsyncIterable<LogLine>> {
    const unreachable = (why: string, cause?: unknown) =>
      new CapstanError('UNAVAILABLE', `node ${nodeName} is not reachable for logs: ${why}`, { cause });
    const node = await this.options.store.tryGet('Node', undefined, nodeName);
    if (!node) throw unreachable(`pod ${podRef(pod)} is bound to it, but no such node is registered`);
    const url = logUrl(node, pod, options);
    if (typeof url === 'string') throw unreachable(url);
    const { dialer } = this.options;
    const token = await dialer.authorize(nodeName, {
      verb: 'containerLogs',
      namespace: pod.metadata.namespace ?? 'default',
      pod: pod.metadata.name,
      container: options.container,
      call: callDigest('GET', `${url.pathname}${url.search}`),
    });

    let res: IncomingMessage;
    try {
      res = await dialer.withAgent(nodeName, (agent) =>
        get(url, token, agent, options.signal!, this.options.answerTimeoutMs ?? 10_000),
      );
    } catch (err) {
      throw unreachable(`${url.origin}: ${describeError(err, `node ${nodeName}`)}`, err);
    }
    if (res.statusCode !== 200) {
      const body = await readSmall(res).catch(() => '');
      const message = parseRecord(body)?.error?.message;
      const detail = typeof message === 'string' ? message : body.trim().slice(0, 200) || 'no detail';
      if (res.statusCode === 404 || res.statusCode === 400) {
        throw new CapstanError(res.statusCode === 404 ? 'NOT_FOUND' : 'INVALID', detail);
      }
      if (res.statusCode === 401 || res.statusCode === 403) {
        throw unreachable(`it refused this API server's credential (HTTP ${res.statusCode}): ${detail}`);
      }
      throw unreachable(`HTTP ${res.statusCode}: ${detail}`);
    }
    return readLines(res, options.container, options.signal!, unreachable);
  }
}

/**
 * The URL of `/<path>/<namespace>/<pod>/<container>` on the node's endpoint (node-endpoint-server.ts), at its InternalIP and
 * `status.daemonEndpoints.kubeletEndpoint.Port`; or why there is none.
 */
export function nodeEndpointUrl(node: Node, verb: PodEndpointVerb, pod: Pod, container: string): URL | string {
  const endpoint = nodeEndpoint(node);
  if (typeof endpoint === 'string') return endpoint;
  const path = podEndpointPath(verb, pod.metadata.namespace ?? 'default', pod.metadata.name, container);
  return new URL(`${endpoint.origin}${path}`);
}

/** The node's log URL for this request, or why there is none. */
function logUrl(node: Node, pod: Pod, options: LogStreamOptions): URL | string {
  const url = nodeEndpointUrl(node, 'containerLogs', pod, options.container);
  if (typeof url === 'string') return url;
  writeLogQuery(url.searchParams, options);
  return url;
}

/**
 * An error's message, the first of an AggregateError's (a refused connection to every address); for a handshake
 * that failed on a certificate's validity period, what to check (the clocks of this machine and of `peer`).
 */
export function describeError(err: unknown, peer?: string): string {
  const skew = peer ? clockSkewMessage(err, peer, { self: 'the API server' }) : undefined;
  if (skew) return skew;
  if (err instanceof AggregateError && err.errors[0] instanceof Error) return err.errors[0].message;
  return err instanceof Error ? err.message : String(err);
}

/**
 * GET with node:http rather than fetch: a followed stream may be quiet for hours, which fetch's body timeout
 * would cut. Resolves with the response once its status arrives.
 */
function get(
  url: URL,
  token: string,
  agent: HttpsAgent,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, {
      method: 'GET',
      headers: { authorization: `Bearer ${token}`, accept: 'application/x-ndjson' },
      agent,
      signal,
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.once('response', (res) => {
      clearTimeout(timer);
      resolve(res);
    });
    req.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end();
  });
}

/** The first `limit` characters of a response body; the rest is not read. */
export async function readSmall(res: IncomingMessage, limit = 64 * 1024): Promise<string> {
  res.setEncoding('utf8');
  let text = '';
  for await (const chunk of res as AsyncIterable<string>) {
    text += chunk;
    if (text.length > limit) break;
  }
  res.destroy();
  return text;
}

/** A LogRecord (or an ErrorBody) as received: every field unchecked. */
export type ReceivedRecord = { [K in 'text' | 'timestamp']?: unknown } & {
  error?: { [K in keyof Extract<LogRecord, { error: unknown }>['error']]?: unknown };
};

export function parseRecord(raw: string): ReceivedRecord | undefined {
  try {
    const value = JSON.parse(raw) as unknown;
    return typeof value === 'object' && value !== null ? (value as ReceivedRecord) : undefined;
  } catch {
    return undefined;
  }
}

async function* readLines(
  res: IncomingMessage,
  container: string,
  signal: AbortSignal,
  unreachable: (why: string, cause?: unknown) => CapstanError,
): AsyncGenerator<LogLine> {
  res.setEncoding('utf8');
  let buffer = '';
  const toLine = (raw: string): LogLine => {
    const record = parseRecord(raw);
    if (record?.error) {
      const { code, message } = record.error;
      throw new CapstanError(
        isErrorCode(code) ? code : 'UNAVAILABLE',
        typeof message === 'string' ? message : `node log stream failed: ${raw.slice(0, 200)}`,
      );
    }
    if (typeof record?.text !== 'string') throw unreachable(`it sent a malformed log record: ${raw.slice(0, 200)}`);
    const timestamp = typeof record.timestamp === 'string' ? { timestamp: record.timestamp } : {};
    return { container, text: record.text, ...timestamp };
  };
  try {
    for await (const chunk of res as AsyncIterable<string>) {
      buffer += chunk;
      for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
        const raw = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        if (raw.trim()) yield toLine(raw);
      }
    }
  } catch (err) {
    if (signal.aborted) return;
    if (err instanceof CapstanError) throw err;
    throw unreachable(`the log stream broke: ${describeError(err)}`, err);
  } finally {
    res.destroy();
  }
  if (buffer.trim()) yield toLine(buffer);
}
