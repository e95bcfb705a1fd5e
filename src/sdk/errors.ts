import type { GraphQLFormattedError } from 'graphql';

/**
 * What went wrong, for a program to branch on. The server's `extensions.code` values (BAD_USER_INPUT, NOT_FOUND,
 * CONFLICT, EXPIRED, UNAUTHENTICATED, FORBIDDEN, UNAVAILABLE, TOO_MANY_REQUESTS, INTERNAL_SERVER_ERROR, GRAPHQL_VALIDATION_FAILED, ...)
 * pass through as they are; the client adds UNREACHABLE (no connection to the server) and HTTP_ERROR (an answer
 * that is not GraphQL).
 */
export type CapstanClientErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'EXPIRED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'UNAVAILABLE'
  | 'TOO_MANY_REQUESTS'
  | 'INTERNAL_SERVER_ERROR'
  | 'UNREACHABLE'
  | 'HTTP_ERROR'
  | (string & {});

/** One field-level problem behind a BAD_USER_INPUT error. */
export interface ClientFieldViolation {
  field: string;
  message: string;
}

/** The one error the SDK throws: a GraphQL error (first of the response), a refused request or a lost connection. */
export class CapstanClientError extends Error {
  readonly code: CapstanClientErrorCode;
  /** Every GraphQL error of the response, when the server answered with errors. */
  readonly errors: readonly GraphQLFormattedError[];
  /** Field violations of a BAD_USER_INPUT error (`extensions.fields`). */
  readonly fields: readonly ClientFieldViolation[];
  /** HTTP status, when the error came with one. */
  readonly status?: number;

  constructor(
    code: CapstanClientErrorCode,
    message: string,
    options: { cause?: unknown; errors?: readonly GraphQLFormattedError[]; status?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CapstanClientError';
    this.code = code;
    this.errors = options.errors ?? [];
    this.status = options.status;
    this.fields = fieldsOf(this.errors[0]);
  }

  /** The error for a GraphQL response that carries `errors`. */
  static fromGraphQLErrors(errors: readonly GraphQLFormattedError[], status?: number): CapstanClientError {
    const first = errors[0];
    const code = typeof first?.extensions?.code === 'string' ? first.extensions.code : 'INTERNAL_SERVER_ERROR';
    const message = first?.message ?? 'the server answered with an error and no message';
    return new CapstanClientError(code, message, { errors, status });
  }
}

function fieldsOf(error: GraphQLFormattedError | undefined): ClientFieldViolation[] {
  const fields = error?.extensions?.fields;
  if (!Array.isArray(fields)) return [];
  return fields.filter(
    (f): f is ClientFieldViolation =>
      typeof f === 'object' && f !== null && typeof f.field === 'string' && typeof f.message === 'string',
  );
}

export function isCapstanClientError(err: unknown, code?: CapstanClientErrorCode): err is CapstanClientError {
  return err instanceof CapstanClientError && (code === undefined || err.code === code);
}
