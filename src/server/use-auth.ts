import type { GraphQLError } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { isCapstanError } from '../api/errors.ts';
import { AuthorizedStore } from '../auth/authorized-store.ts';
import { AUTH_CACHE_TTL_MS, authenticate } from '../auth/tokens.ts';
import type { Store } from '../store/store.ts';
import type { RequestLimiters } from '../util/limits.ts';
import type { Context } from './context.ts';
import type { Identity } from '../auth/identity.ts';

/** How a client presents its token, for error messages. */
const HOW_TO_AUTHENTICATE =
  'send "Authorization: Bearer <token>" (graphql-ws: connectionParams { authorization: "Bearer <token>" }); your token is in ~/.capstan/config';

/** An UNAUTHENTICATED GraphQL error that yoga answers with HTTP 401 and a Bearer challenge. */
export function unauthenticatedError(message: string): GraphQLError {
  return createGraphQLError(message, {
    extensions: {
      code: 'UNAUTHENTICATED',
      http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="capstan"' } },
    },
  });
}

/** Whether an error is one `unauthenticatedError` made (by its code: errors may come from another graphql copy). */
export function isUnauthenticatedError(err: unknown): err is GraphQLError {
  return (err as GraphQLError | undefined)?.extensions?.['code'] === 'UNAUTHENTICATED';
}

/** The token of an `Authorization` header value (`Bearer <token>`, case-insensitive scheme), if any. */
export function bearerToken(authorization: string | null | undefined): string | undefined {
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}

/**
 * The identity behind an `Authorization` header value. Throws an UNAUTHENTICATED GraphQLError for a missing,
 * malformed, unknown, revoked or expired token; other failures (store unreachable) propagate as they are.
 */
export async function identify(
  store: Store,
  authorization: string | null | undefined,
  cacheTtlMs = AUTH_CACHE_TTL_MS,
): Promise<Identity> {
  const token = bearerToken(authorization);
  if (!token) {
    throw unauthenticatedError(
      authorization
        ? `malformed Authorization header: ${HOW_TO_AUTHENTICATE}`
        : `authentication required: ${HOW_TO_AUTHENTICATE}`,
    );
  }
  try {
    return await authenticate(store, token, { cacheTtlMs });
  } catch (err) {
    if (isCapstanError(err, 'UNAUTHENTICATED')) throw unauthenticatedError(err.message);
    throw err;
  }
}

export interface AuthOptions {
  store: Store;
  /** How long a successful token check is reused (bounds how long a revoked token keeps working). */
  cacheTtlMs?: number;
}

/**
 * Requires a valid bearer token on every GraphQL request over HTTP (plain, SSE, multipart) and puts the caller's
 * Identity into the context, with the request's store: an AuthorizedStore acting as that identity, built once here
 * for every transport, so whatever a field resolver reads or writes, and however it reaches it, is authorized as the
 * caller (the one enforcement point of object-level rules; root fields' role rules are src/auth/field-rules.ts). It
 * runs before the body is parsed, so an anonymous client learns nothing about the schema, not even through
 * validation errors. GraphiQL's HTML page, /healthz, /readyz and /metrics are answered before this point.
 * graphql-ws connections authenticate once per connection (see graphql-ws.ts) and arrive here with `identity`
 * already in their context.
 */
export function useAuth({ store, cacheTtlMs = AUTH_CACHE_TTL_MS }: AuthOptions): Plugin<Context> {
  const identities = new WeakMap<Request, Identity>();
  return {
    async onRequestParse({ request }) {
      identities.set(request, await identify(store, request.headers.get('authorization'), cacheTtlMs));
    },
    onContextBuilding({ context, extendContext }) {
      const identity = context.identity ?? identities.get(context.request);
      if (!identity) throw unauthenticatedError(`authentication required: ${HOW_TO_AUTHENTICATE}`);
      if (context.store instanceof AuthorizedStore && context.store.identity === identity) return;
      const limiters = (context as { limiters?: RequestLimiters }).limiters;
      const nodeEvents = limiters?.nodeEvents;
      extendContext({
        identity,
        store: new AuthorizedStore(context.store ?? store, identity, nodeEvents ? { nodeEvents } : {}),
      });
    },
  };
}
