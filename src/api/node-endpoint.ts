import { CapstanError, type CapstanErrorCode } from './errors.ts';

/*
 * The wire contract of a node's HTTP endpoint (the kubelet's port): what the node serves (src/node/node-endpoint-server.ts)
 * and what the API server sends it (src/server/node-log-source.ts, node-exec-source.ts, node-usage-source.ts) are
 * both written against this file, so neither side can change a path, a parameter or a body alone. The streams
 * (exec -it, attach, port-forward) are WebSocket upgrades with a protocol of their own (src/node/stream-server.ts).
 */

/** The node endpoint's port when none is configured: the kubelet's. */
export const DEFAULT_LOG_PORT = 10_250;

/** Content type of a log stream: one JSON LogRecord per line. */
export const LOG_STREAM_CONTENT_TYPE = 'application/x-ndjson; charset=utf-8';

/** `GET` answers the node's UsageSummary (src/node/usage-sampler.ts); its call authorization has verb `stats`. */
export const STATS_SUMMARY_PATH = '/stats/summary';

/** The calls on one container: `GET /containerLogs/...` (a log stream) and `POST /exec/...` (one command). */
export type PodEndpointVerb = 'containerLogs' | 'exec';

/** The HTTP method of each pod call. */
export const POD_ENDPOINT_METHOD: Record<PodEndpointVerb, 'GET' | 'POST'> = { containerLogs: 'GET', exec: 'POST' };

const POD_ENDPOINT_PATH = /^\/(containerLogs|exec)\/([^/]+)\/([^/]+)\/([^/]+)\/?$/;

/** `/<verb>/<namespace>/<pod>/<container>`, each name percent-encoded. */
export function podEndpointPath(verb: PodEndpointVerb, namespace: string, pod: string, container: string): string {
  return `/${verb}/${[namespace, pod, container].map(encodeURIComponent).join('/')}`;
}

/** The verb and the (still percent-encoded) namespace, pod and container of a pod call's path; else undefined. */
export function matchPodEndpointPath(
  pathname: string,
): { verb: PodEndpointVerb; segments: [string, string, string] } | undefined {
  const match = POD_ENDPOINT_PATH.exec(pathname);
  if (!match) return undefined;
  return { verb: match[1] as PodEndpointVerb, segments: [match[2]!, match[3]!, match[4]!] };
}

/** The query of `GET /containerLogs/...`: `follow=true` keeps the stream open, `tailLines=N` starts N lines back. */
export interface LogQuery {
  follow: boolean;
  tailLines?: number;
}

/** Sets a log call's query parameters on `params`. */
export function writeLogQuery(params: URLSearchParams, query: Partial<LogQuery>): void {
  if (query.follow) params.set('follow', 'true');
  if (query.tailLines !== undefined) params.set('tailLines', String(query.tailLines));
}

/** A log call's query as the node reads it; INVALID for a tailLines that is not a whole number of 0 or more. */
export function readLogQuery(params: URLSearchParams): LogQuery {
  const follow = ['true', '1'].includes(params.get('follow') ?? '');
  const tail = params.get('tailLines');
  if (tail === null || tail === '') return { follow };
  const tailLines = Number(tail);
  if (!Number.isInteger(tailLines) || tailLines < 0) {
    throw CapstanError.invalid([{ field: 'tailLines', message: `must be an integer of 0 or more, got "${tail}"` }]);
  }
  return { follow, tailLines };
}

/** The JSON body of `POST /exec/...`; the answer is an ExecOutput (src/resolvers/exec.ts). */
export interface ExecBody {
  command: string[];
  /** Default DEFAULT_EXEC_TIMEOUT_SECONDS, at most MAX_EXEC_TIMEOUT_SECONDS. */
  timeoutSeconds?: number;
}

/** The body of every error answer (with the status of ERROR_STATUS), and the last line of a log stream cut short. */
export interface ErrorBody {
  error: { code: CapstanErrorCode; message: string };
}

/** One line of a log stream: a log line (`timestamp` when the runtime knows it), or the error that ended it early. */
export type LogRecord = { text: string; timestamp?: string } | ErrorBody;

/** The HTTP status of an error answer, by its code. */
export const ERROR_STATUS: Record<CapstanErrorCode, number> = {
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  CONFLICT: 409,
  INVALID: 400,
  EXPIRED: 410,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  UNAVAILABLE: 503,
  TOO_MANY_REQUESTS: 429,
};

/** Whether a received error code is one a node may send (anything else is read as UNAVAILABLE). */
export function isErrorCode(code: unknown): code is CapstanErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_STATUS, code);
}
