import { GraphQLError } from 'graphql';
import { CapstanError, type CapstanErrorCode } from '../api/errors.ts';

/** GraphQL `extensions.code` for each CapstanError code. */
export const GRAPHQL_CODES: Record<CapstanErrorCode, string> = {
  INVALID: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  ALREADY_EXISTS: 'CONFLICT',
  CONFLICT: 'CONFLICT',
  EXPIRED: 'EXPIRED',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  UNAVAILABLE: 'UNAVAILABLE',
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
};

const MASKED_MESSAGE = 'Unexpected error.';

/**
 * Duck-typed on purpose: under vitest, graphql is loaded twice (ESM for project files, CommonJS for Pothos and
 * yoga), so `instanceof GraphQLError` misses errors made by the other copy.
 */
function isGraphQLError(err: unknown): err is GraphQLError {
  return err instanceof Error && err.name === 'GraphQLError' && 'extensions' in err;
}

function findCapstanError(err: unknown): CapstanError | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof CapstanError) return current;
    current = isGraphQLError(current) ? current.originalError : undefined;
  }
  return undefined;
}

/**
 * The one mapping from errors to what a GraphQL client sees. A CapstanError (thrown directly or wrapped by graphql-js
 * as `originalError`) becomes a GraphQLError with `extensions.code` (and `extensions.fields` with the violations
 * for BAD_USER_INPUT); GraphQL's own errors (syntax, validation, bad variables) pass through; anything else is
 * masked as "Unexpected error." with code INTERNAL_SERVER_ERROR so infrastructure errors never reach a client.
 */
export function toGraphQLError(err: unknown): GraphQLError {
  const capstan = findCapstanError(err);
  const located = isGraphQLError(err) ? err : undefined;
  const location = {
    nodes: located?.nodes,
    source: located?.source,
    positions: located?.positions,
    path: located?.path,
  };
  if (capstan) {
    const extensions: Record<string, unknown> = { code: GRAPHQL_CODES[capstan.code] };
    if (capstan.code === 'INVALID') extensions.fields = capstan.violations;
    if (capstan.limit) extensions.limit = capstan.limit;
    return new GraphQLError(capstan.message, { ...location, originalError: capstan, extensions });
  }
  if (located && isGraphQLOwnError(located)) return located;
  return new GraphQLError(MASKED_MESSAGE, {
    ...location,
    originalError: err instanceof Error ? err : undefined,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  });
}

/** Errors produced by GraphQL itself or thrown as GraphQLError on purpose, rather than by an unexpected failure. */
function isGraphQLOwnError(err: GraphQLError): boolean {
  const original = err.originalError;
  if (original === undefined || original === null) return true;
  return isGraphQLError(original);
}

/** Whether a thrown value is an expected error that `toGraphQLError` passes to clients unmasked. */
export function isExpectedError(err: unknown): boolean {
  return toGraphQLError(err).message !== MASKED_MESSAGE;
}
