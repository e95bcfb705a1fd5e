import type { GraphQLError } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';
import { toGraphQLError } from '../schema/errors.ts';

/**
 * What a client sees for any error: `toGraphQLError`'s mapping (CapstanError codes, masked internal errors),
 * rebuilt with yoga's own GraphQLError constructor. yoga and graphql-ws recognize errors with `instanceof`, which
 * fails when graphql is loaded twice (its ESM and CommonJS builds, as under vitest); the rebuilt error always
 * comes from the copy they use.
 */
export function toClientError(err: unknown): GraphQLError {
  const mapped = toGraphQLError(err);
  return createGraphQLError(mapped.message, {
    ...(mapped.nodes ? { nodes: mapped.nodes } : {}),
    ...(mapped.source ? { source: mapped.source } : {}),
    ...(mapped.positions ? { positions: mapped.positions } : {}),
    ...(mapped.path ? { path: mapped.path } : {}),
    ...(mapped.originalError ? { originalError: mapped.originalError } : {}),
    extensions: mapped.extensions,
  });
}
