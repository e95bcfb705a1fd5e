import { CapstanError, type CapstanErrorCode } from '../api/errors.ts';
import { CapstanClientError } from '../sdk/errors.ts';

/** GraphQL `extensions.code` (and the SDK's transport codes) back to CapstanError codes. */
const CODES: Record<string, CapstanErrorCode> = {
  BAD_USER_INPUT: 'INVALID',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  EXPIRED: 'EXPIRED',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  UNAVAILABLE: 'UNAVAILABLE',
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
};

/**
 * The CapstanError for a failed remote call, with the server's code and message, so code written against the Store
 * contract (`isCapstanError(err, 'NOT_FOUND')`) behaves the same over the API. The API reports ALREADY_EXISTS as
 * CONFLICT; for a create (`creating`) that can only mean the name is taken. Everything that is not an answer about
 * the request itself (server unreachable, internal errors, a server of another version) is UNAVAILABLE, which
 * callers retry.
 */
export function toCapstanError(err: unknown, options: { creating?: boolean } = {}): CapstanError {
  if (err instanceof CapstanError) return err;
  if (!(err instanceof CapstanClientError)) {
    const message = err instanceof Error ? err.message : String(err);
    return new CapstanError('UNAVAILABLE', `the API call failed: ${message}`, { cause: err });
  }
  let code = CODES[err.code] ?? 'UNAVAILABLE';
  if (code === 'CONFLICT' && options.creating) code = 'ALREADY_EXISTS';
  let message = err.message;
  if (err.code === 'GRAPHQL_VALIDATION_FAILED') {
    message = `the server does not accept this operation (is it another Capstan version?): ${err.message}`;
  } else if (err.code === 'INTERNAL_SERVER_ERROR') {
    message = `the server failed: ${err.message}`;
  }
  return new CapstanError(code, message, {
    cause: err,
    ...(code === 'INVALID' ? { violations: err.fields.map((f) => ({ field: f.field, message: f.message })) } : {}),
  });
}
