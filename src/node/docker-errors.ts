import { CapstanError, isCapstanError } from '../api/errors.ts';
import type { CapstanErrorCode } from '../api/errors.ts';

/** Socket-level failures: the engine is down, restarting, or its socket is missing. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOENT',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ECONNABORTED',
  'EACCES',
]);

interface DockerLikeError {
  statusCode?: number;
  code?: string;
  reason?: string;
  json?: { message?: string } | string | null;
  message?: string;
}

/** The engine's own message when it sent one, else the error's. */
export function dockerMessage(err: unknown): string {
  const e = (err ?? {}) as DockerLikeError;
  if (e.json && typeof e.json === 'object' && typeof e.json.message === 'string') return e.json.message;
  if (typeof e.json === 'string' && e.json.trim() !== '') return e.json.trim();
  return typeof e.message === 'string' ? e.message.replace(/^\(HTTP code \d+\)\s*[\w ]*-\s*/, '') : String(err);
}

export function dockerStatus(err: unknown): number | undefined {
  const code = (err as DockerLikeError | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

export function isDockerNotFound(err: unknown): boolean {
  return dockerStatus(err) === 404 || isCapstanError(err, 'NOT_FOUND');
}

/** An engine error as a CapstanError: the code follows the HTTP status, connection failures are UNAVAILABLE. */
export function wrapDockerError(err: unknown, action: string): CapstanError {
  if (err instanceof CapstanError) return err;
  const e = (err ?? {}) as DockerLikeError;
  if (e.code && CONNECTION_CODES.has(e.code)) {
    return new CapstanError(
      'UNAVAILABLE',
      `Docker engine unreachable while trying to ${action} (${e.code}); is dockerd running?`,
      { cause: err },
    );
  }
  if ((err as Error | null)?.name === 'AbortError') {
    return new CapstanError('UNAVAILABLE', `Docker request aborted while trying to ${action}`, { cause: err });
  }
  const status = dockerStatus(err);
  const code: CapstanErrorCode =
    status === 404
      ? 'NOT_FOUND'
      : status === 409
        ? 'CONFLICT'
        : status === 400
          ? 'INVALID'
          : status === 403
            ? 'CONFLICT'
            : 'UNAVAILABLE';
  return new CapstanError(code, `Docker could not ${action}: ${dockerMessage(err)}`, { cause: err });
}

/** Runs an engine call, turning any failure into a CapstanError. */
export async function docker<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw wrapDockerError(err, action);
  }
}
