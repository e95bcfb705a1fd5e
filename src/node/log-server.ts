import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CapstanError, isCapstanError, type CapstanErrorCode } from '../api/errors.ts';
import type { Pod } from '../api/types.ts';
import type { LogLine, LogSource } from '../resolvers/logs.ts';
import type { Identity } from '../server/context.ts';
import { logger as rootLogger, type Logger } from '../util/logger.ts';

/** The node agent's log port when none is configured: the kubelet's. */
export const DEFAULT_LOG_PORT = 10_250;

/** Content type of a log stream: one JSON object per line (see LogRecord). */
export const LOG_STREAM_CONTENT_TYPE = 'application/x-ndjson; charset=utf-8';

/**
 * One line of the log endpoint's NDJSON answer: a log line (`text`, `timestamp` when the runtime knows it), or, as
 * the last line, the error that ended the stream early.
 */
export type LogRecord = { text: string; timestamp?: string } | { error: { code: CapstanErrorCode; message: string } };

/** What the endpoint serves from: the node agent, once started. */
export interface LogServerTarget {
  findPod(namespace: string, name: string): Pod | undefined;
  readonly logSource: LogSource;
}

export interface LogServerOptions {
  /** The node's address (its InternalIP). */
  host: string;
  /** 0 picks a free port. */
  port: number;
  nodeName: string;
  /** The node agent; undefined while it starts (requests get 503). */
  target: () => LogServerTarget | undefined;
  /** Who a bearer token is: throws CapstanError UNAUTHENTICATED for a refused token, UNAVAILABLE if unknown. */
  authenticate(token: string): Promise<Identity>;
  logger?: Logger;
}

export interface LogServer {
  readonly host: string;
  /** The port listened on (the one chosen when 0 was asked). */
  readonly port: number;
  /** Stops listening and ends open streams. */
  close(): Promise<void>;
}

const STATUS: Record<CapstanErrorCode, number> = {
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  CONFLICT: 409,
  INVALID: 400,
  EXPIRED: 410,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  UNAVAILABLE: 503,
};

const PATH = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)\/?$/;

function bearerToken(header: string | undefined): string | undefined {
  return /^\s*Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
}

function sendError(res: ServerResponse, error: CapstanError, headers: Record<string, string> = {}): void {
  const body: LogRecord = { error: { code: error.code, message: error.message } };
  res.writeHead(STATUS[error.code], { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(`${JSON.stringify(body)}\n`);
}

function parseQuery(url: URL): { follow: boolean; tailLines?: number } {
  const follow = ['true', '1'].includes(url.searchParams.get('follow') ?? '');
  const tail = url.searchParams.get('tailLines');
  if (tail === null || tail === '') return { follow };
  const tailLines = Number(tail);
  if (!Number.isInteger(tailLines) || tailLines < 0) {
    throw CapstanError.invalid([{ field: 'tailLines', message: `must be an integer of 0 or more, got "${tail}"` }]);
  }
  return { follow, tailLines };
}

/**
 * The node agent's HTTP endpoint for container logs, as the kubelet's: `GET
 * /containerLogs/<namespace>/<pod>/<container>?follow=true&tailLines=N` answers 200 with an NDJSON stream of
 * LogRecords (chunked) that ends when the container's log ends (at once unless following) or the client goes away,
 * which releases the runtime's log stream. Errors before the stream starts are a status code (400, 401, 403, 404,
 * 503) with one JSON `{ error: { code, message } }` body.
 *
 * The caller's bearer token is checked with `authenticate` (the API's `whoami`). Read-only (viewer) and admin
 * credentials are accepted: whoever may read logs through the API may read them here. The API server calls with a
 * viewer credential of its own, so a node never receives a credential that can change the cluster. Node and
 * bootstrap tokens get 403: one node has no business reading another's containers.
 */
export async function startLogServer(options: LogServerOptions): Promise<LogServer> {
  const { nodeName } = options;
  const log = (options.logger ?? rootLogger).child({ component: 'log-server' });

  const authorize = async (req: IncomingMessage): Promise<void> => {
    const token = bearerToken(req.headers.authorization);
    if (!token) {
      throw new CapstanError(
        'UNAUTHENTICATED',
        `node ${nodeName} serves logs only to the API server: send "Authorization: Bearer <token>"`,
      );
    }
    const identity = await options.authenticate(token);
    if (identity.role !== 'admin' && identity.role !== 'viewer') {
      throw new CapstanError(
        'FORBIDDEN',
        `token "${identity.tokenName}" (role ${identity.role}) may not read container logs on node ${nodeName}: ` +
          'ask the API (capstan logs) instead',
      );
    }
  };

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://node');
    const match = PATH.exec(url.pathname);
    if (!match) {
      sendError(
        res,
        new CapstanError(
          'NOT_FOUND',
          `no such endpoint ${url.pathname}: try /containerLogs/<namespace>/<pod>/<container>`,
        ),
      );
      return;
    }
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    try {
      await authorize(req);
    } catch (err) {
      const error = isCapstanError(err)
        ? err
        : new CapstanError('UNAVAILABLE', 'cannot check the token', { cause: err });
      sendError(
        res,
        error,
        error.code === 'UNAUTHENTICATED' ? { 'www-authenticate': 'Bearer realm="capstan-node"' } : {},
      );
      return;
    }
    const [namespace, name, container] = match.slice(1).map((s) => decodeURIComponent(s)) as [string, string, string];
    const abort = new AbortController();
    res.once('close', () => abort.abort());
    let lines: AsyncIterable<LogLine>;
    try {
      const query = parseQuery(url);
      const target = options.target();
      if (!target) throw new CapstanError('UNAVAILABLE', `the node agent of ${nodeName} is starting; try again`);
      const pod = target.findPod(namespace, name);
      if (!pod) throw new CapstanError('NOT_FOUND', `pod ${namespace}/${name} is not on node ${nodeName}`);
      if (!pod.spec?.containers.some((c) => c.name === container)) {
        throw new CapstanError('NOT_FOUND', `pod ${namespace}/${name} has no container ${container}`);
      }
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

  const server = createServer((req, res) => {
    serve(req, res).catch((err: unknown) => {
      log.error({ err }, 'log request failed');
      if (!res.headersSent) sendError(res, new CapstanError('UNAVAILABLE', 'the node failed to serve the logs'));
      else res.destroy();
    });
  });
  server.listen(options.port, options.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  log.info({ address: `${options.host}:${port}` }, 'serving container logs');

  return {
    host: options.host,
    port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Following streams never end by themselves.
      server.closeAllConnections();
      await closed;
    },
  };
}
