import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { CapstanError, isCapstanError } from '../api/errors.ts';
import {
  ERROR_STATUS,
  LOG_STREAM_CONTENT_TYPE,
  matchPodEndpointPath,
  POD_ENDPOINT_METHOD,
  readLogQuery,
  STATS_SUMMARY_PATH,
  type ErrorBody,
  type ExecBody,
  type LogRecord,
} from '../api/node-endpoint.ts';
import type { Pod } from '../api/types.ts';
import type { PodStreamSource } from '../resolvers/pod-streams.ts';
import { refuseUpgrade as sendUpgradeError } from '../server/stream-websocket.ts';
import { createNodeStreamHandler } from './stream-server.ts';
import type { UsageSummary } from './usage-sampler.ts';
import {
  apiClientKey,
  callDigest,
  CallVerifier,
  createNodeEndpointServer,
  nodeEndpointSecureContext,
  type TlsIdentity,
} from '../pki/node-endpoint-tls.ts';
import { validateExecRequest, type ExecOutput, type ExecSource } from '../resolvers/exec.ts';
import type { LogLine, LogSource } from '../resolvers/logs.ts';
import { logger as rootLogger, type Logger } from '../util/logger.ts';

/** What the endpoint serves from: the node agent, once started. */
export interface LogServerTarget {
  findPod(namespace: string, name: string): Pod | undefined;
  readonly logSource: LogSource;
  readonly execSource: ExecSource;
  /** Streams (exec -it, attach, port-forward); without one they answer 503. */
  readonly streamSource?: PodStreamSource;
  /** CPU and memory use of the node's pods; without it `/stats/summary` answers 503. */
  readonly usage?: { summary(): UsageSummary };
}

export interface LogServerOptions {
  /** The node's address (its InternalIP). */
  host: string;
  /** 0 picks a free port. */
  port: number;
  nodeName: string;
  /** The node agent; undefined while it starts (requests get 503). */
  target: () => LogServerTarget | undefined;
  /** The node's serving certificate (issued by the cluster CA from its CSR) and the CA that callers must chain to. */
  tls: TlsIdentity;
  /** Checks call authorizations; default one for `nodeName` on this machine's clock. */
  verifier?: CallVerifier;
  logger?: Logger;
}

export interface LogServer {
  readonly host: string;
  /** The port listened on (the one chosen when 0 was asked). */
  readonly port: number;
  /**
   * Serves `tls` from now on (a renewed certificate): new connections get it; open ones, and the streams on them,
   * go on with the one they were made with.
   */
  setIdentity(tls: TlsIdentity): void;
  /** Stops listening and ends open streams. */
  close(): Promise<void>;
}

/** An exec body is a command line; anything bigger is not one. */
const EXEC_BODY_LIMIT_BYTES = 256 * 1024;

/**
 * The request's URL. A path is read as a path even when it starts with `//` (which `new URL(path, base)` takes for
 * a host: `POST //` made the endpoint fail, found by fuzzing); undefined for what is no URL at all.
 */
function requestUrl(raw: string): URL | undefined {
  try {
    return new URL(raw.startsWith('/') ? `http://node${raw}` : raw, 'http://node');
  } catch {
    return undefined;
  }
}

function bearerToken(header: string | undefined): string | undefined {
  return /^\s*Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw CapstanError.invalid([{ field: 'path', message: `${JSON.stringify(segment)} is not percent-encoded text` }]);
  }
}

function sendError(res: ServerResponse, error: CapstanError, headers: Record<string, string> = {}): void {
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  res.writeHead(ERROR_STATUS[error.code], { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(`${JSON.stringify(body)}\n`);
}

/** Reads a small request body: INVALID when it is too big. */
async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  let size = 0;
  const parts: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw CapstanError.invalid([{ field: 'body', message: `must be at most ${limit} bytes` }]);
    parts.push(chunk);
  }
  return Buffer.concat(parts).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw CapstanError.invalid([{ field: 'body', message: 'must be JSON: {"command": [...], "timeoutSeconds": N}' }]);
  }
}

function parseExecBody(body: unknown): { command: string[]; timeoutSeconds: number } {
  const { command, timeoutSeconds } = (typeof body === 'object' && body !== null ? body : {}) as Partial<
    Record<keyof ExecBody, unknown>
  >;
  if (!Array.isArray(command) || !command.every((word): word is string => typeof word === 'string')) {
    throw CapstanError.invalid([{ field: 'command', message: 'must be a list of strings' }], 'exec');
  }
  if (timeoutSeconds !== undefined && typeof timeoutSeconds !== 'number') {
    throw CapstanError.invalid([{ field: 'timeoutSeconds', message: 'must be a number' }], 'exec');
  }
  return { command, timeoutSeconds: validateExecRequest(command, timeoutSeconds) };
}

/**
 * The node agent's HTTP endpoint, as the kubelet's, for what the API server proxies to the node:
 *
 * - `GET /containerLogs/<namespace>/<pod>/<container>?follow=true&tailLines=N` answers 200 with an NDJSON stream
 *   of LogRecords (chunked) that ends when the container's log ends (at once unless following) or the client goes
 *   away, which releases the runtime's log stream.
 * - `POST /exec/<namespace>/<pod>/<container>` with an ExecBody runs the command in the running container and
 *   answers 200 with its ExecOutput (stdout, stderr, exitCode, timedOut, truncated) once it ended or timed out.
 * - `GET /stats/summary` answers 200 with the node's UsageSummary (usage-sampler.ts), as the kubelet's summary API
 *   that metrics-server reads; its call authorization has the verb `stats` and an empty namespace and pod.
 *
 * Errors before an answer starts are a status code (400, 401, 403, 404, 409, 503) with one JSON
 * `{ error: { code, message } }` body.
 *
 * Only the API server may call (node-endpoint-tls.ts): the TLS handshake requires a client certificate from the
 * cluster CA, the request is refused with 401 unless that certificate is the API server's, and each request carries
 * a call authorization the API server signed for this node, pod, container and exact request, accepted once.
 * Someone holding a token of the API (admin included), another node, or a replayed call gets nothing.
 */
export async function startLogServer(options: LogServerOptions): Promise<LogServer> {
  const { nodeName } = options;
  const log = (options.logger ?? rootLogger).child({ component: 'node-endpoint' });
  const verifier = options.verifier ?? new CallVerifier(nodeName);

  /** Throws UNAUTHENTICATED or FORBIDDEN unless the API server authorized exactly this request. */
  const authorize = async (req: IncomingMessage, verb: string, ref: string[], body: string): Promise<void> => {
    const signer = apiClientKey(req, nodeName);
    const [namespace, pod, container] = ref as [string, string, string];
    const call = callDigest(req.method ?? 'GET', req.url ?? '/', body);
    await verifier.verify(bearerToken(req.headers.authorization), signer, { verb, namespace, pod, container, call });
  };

  /** The pod and container a request names, as this node runs them; throws NOT_FOUND or UNAVAILABLE. */
  const resolve = (namespace: string, name: string, container: string): { target: LogServerTarget; pod: Pod } => {
    const target = options.target();
    if (!target) throw new CapstanError('UNAVAILABLE', `the node agent of ${nodeName} is starting; try again`);
    const pod = target.findPod(namespace, name);
    if (!pod) throw new CapstanError('NOT_FOUND', `pod ${namespace}/${name} is not on node ${nodeName}`);
    if (!pod.spec?.containers.some((c) => c.name === container)) {
      throw new CapstanError('NOT_FOUND', `container not found ("${container}") in pod ${namespace}/${name}`);
    }
    return { target, pod };
  };

  const serveLogs = async (req: IncomingMessage, res: ServerResponse, url: URL, ref: string[]): Promise<void> => {
    const [namespace, name, container] = ref as [string, string, string];
    const abort = new AbortController();
    res.once('close', () => abort.abort());
    let lines: AsyncIterable<LogLine>;
    try {
      const query = readLogQuery(url.searchParams);
      const { target, pod } = resolve(namespace, name, container);
      lines = await target.logSource.stream(pod, { container, ...query, signal: abort.signal });
    } catch (err) {
      if (!isCapstanError(err)) throw err;
      sendError(res, err);
      return;
    }

    res.writeHead(200, { 'content-type': LOG_STREAM_CONTENT_TYPE, 'cache-control': 'no-store' });
    // The status goes out now: a follower of a quiet container learns the stream is open before any line.
    res.flushHeaders();
    const write = async (record: LogRecord): Promise<void> => {
      if (!res.write(`${JSON.stringify(record)}\n`)) await once(res, 'drain', { signal: abort.signal });
    };
    try {
      for await (const line of lines) {
        await write({ text: line.text, ...(line.timestamp ? { timestamp: line.timestamp } : {}) });
      }
    } catch (err) {
      if (abort.signal.aborted) return;
      log.warn({ err, pod: `${namespace}/${name}`, container }, 'container log stream failed');
      const error = isCapstanError(err) ? err : new CapstanError('UNAVAILABLE', 'reading the container log failed');
      await write({ error: { code: error.code, message: error.message } }).catch(() => undefined);
    } finally {
      res.end();
    }
  };

  const serveExec = async (req: IncomingMessage, res: ServerResponse, ref: string[], body: string): Promise<void> => {
    const [namespace, name, container] = ref as [string, string, string];
    const abort = new AbortController();
    res.once('close', () => abort.abort());
    let output: ExecOutput;
    try {
      const { command, timeoutSeconds } = parseExecBody(parseJson(body));
      const { target, pod } = resolve(namespace, name, container);
      log.info({ pod: `${namespace}/${name}`, container, program: command[0] }, 'running a command in a container');
      output = await target.execSource.exec(pod, { container, command, timeoutSeconds, signal: abort.signal });
    } catch (err) {
      if (!isCapstanError(err)) throw err;
      sendError(res, err);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(output));
  };

  const serveStats = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    try {
      const signer = apiClientKey(req, nodeName);
      const call = callDigest('GET', req.url ?? '/');
      await verifier.verify(bearerToken(req.headers.authorization), signer, {
        verb: 'stats',
        namespace: '',
        pod: '',
        call,
      });
      const usage = options.target()?.usage;
      if (!usage) throw new CapstanError('UNAVAILABLE', `node ${nodeName} reports no resource usage (yet)`);
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(JSON.stringify(usage.summary()));
    } catch (err) {
      const error = isCapstanError(err)
        ? err
        : new CapstanError('UNAVAILABLE', 'cannot check the call authorization', { cause: err });
      sendError(res, error);
    }
  };

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = requestUrl(req.url ?? '/');
    if (!url) {
      sendError(
        res,
        CapstanError.invalid([{ field: 'path', message: `${JSON.stringify(req.url)} is not a request path` }]),
      );
      return;
    }
    if (url.pathname === STATS_SUMMARY_PATH) {
      await serveStats(req, res);
      return;
    }
    const match = matchPodEndpointPath(url.pathname);
    if (!match) {
      const hint = '/containerLogs/<namespace>/<pod>/<container> or /exec/<namespace>/<pod>/<container>';
      sendError(res, new CapstanError('NOT_FOUND', `no such endpoint ${url.pathname}: try ${hint}`));
      return;
    }
    const method = POD_ENDPOINT_METHOD[match.verb];
    if (req.method !== method) {
      res.writeHead(405, { allow: method }).end();
      return;
    }
    let body = '';
    let ref: string[] = [];
    try {
      ref = match.segments.map(decodeSegment);
      if (match.verb === 'exec') body = await readBody(req, EXEC_BODY_LIMIT_BYTES);
      await authorize(req, match.verb, ref, body);
    } catch (err) {
      const error = isCapstanError(err)
        ? err
        : new CapstanError('UNAVAILABLE', 'cannot check the call authorization', { cause: err });
      sendError(
        res,
        error,
        error.code === 'UNAUTHENTICATED' ? { 'www-authenticate': 'Bearer realm="capstan-node"' } : {},
      );
      return;
    }
    if (match.verb === 'containerLogs') await serveLogs(req, res, url, ref);
    else await serveExec(req, res, ref, body);
  };
  const server = createNodeEndpointServer(options.tls, (req, res) => {
    serve(req, res).catch((err: unknown) => {
      log.error({ err }, 'node endpoint request failed');
      if (!res.headersSent) sendError(res, new CapstanError('UNAVAILABLE', 'the node failed to serve the request'));
      else res.destroy();
    });
  });
  // Exec with stdin and a TTY, attach and port-forward: WebSocket upgrades (stream-server.ts), checked the same way
  // (client certificate, call authorization) with the same verifier, so a call authorization is good once for either.
  const streams = createNodeStreamHandler({ nodeName, target: options.target, verifier, logger: log });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (streams.handleUpgrade(req, socket, head)) return;
    sendUpgradeError(socket, new CapstanError('NOT_FOUND', `no stream endpoint ${req.url ?? ''}`));
  });
  server.listen(options.port, options.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  log.info({ address: `${options.host}:${port}` }, 'serving container logs and exec');

  return {
    host: options.host,
    port,
    setIdentity(tls) {
      server.setSecureContext(nodeEndpointSecureContext(tls));
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      streams.close();
      // Following streams never end by themselves.
      server.closeAllConnections();
      await closed;
    },
  };
}
