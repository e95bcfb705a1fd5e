import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { GraphQLError, GraphQLSchema } from 'graphql';
import { createYoga, type YogaLogger, type YogaServerInstance } from 'graphql-yoga';
import { tokenService } from '../auth/token-service.ts';
import { AUTH_CACHE_TTL_MS } from '../auth/tokens.ts';
import { useDashboard } from '../dashboard/use-dashboard.ts';
import { schema as capstanSchema } from '../schema/index.ts';
import { ManifestParser } from '../resolvers/manifest-parser.ts';
import { isExpectedError } from '../schema/errors.ts';
import { withReadCache } from '../store/cached-store.ts';
import type { Store } from '../store/store.ts';
import {
  DEFAULT_LIMITS as DEFAULT_RESOURCE_LIMITS,
  KeyedLimiter,
  WindowRateLimiter,
  type Limits,
  type RequestLimiters,
} from '../util/limits.ts';
import { logger as defaultLogger, type Logger } from '../util/logger.ts';
import { toClientError } from './client-error.ts';
import type { Context } from './context.ts';
import { useAuth } from './use-auth.ts';
import { useGraphQLJit } from './use-jit.ts';
import { useSlicedResponses } from './use-sliced-responses.ts';
import { useSharedSubscriptionResults } from './use-shared-subscriptions.ts';
import { useSubscriptionLimits } from './use-subscription-limits.ts';
import { useProbes, type MetricsAccess } from './use-probes.ts';
import type { UsageSource } from '../resolvers/usage.ts';
import { useTelemetry, type ServerContext } from './use-telemetry.ts';

export const GRAPHQL_PATH = '/graphql';
/** Header a non-browser client may send to pass CSRF prevention with a "simple" request (no JSON content type). */
export const CSRF_HEADER = 'x-capstan-csrf';

/**
 * Default operation limits. Depth and cost use graphql-armor's model (objects 2, scalars 1, x1.5 per level, list
 * sizes not counted); the heaviest operation the SDK ships (watching deployments with every field) costs about
 * 176,000 at depth 10, so these leave room for it and stop queries far beyond it.
 */
export const DEFAULT_LIMITS = { maxDepth: 15, maxCost: 500_000, maxAliases: 30 } as const;

export interface CapstanYogaOptions {
  store: Store;
  /** Defaults to Capstan's schema (src/schema/index.ts). */
  schema?: GraphQLSchema;
  logger?: Logger;
  /** Deepest selection nesting accepted (introspection exempt). Default DEFAULT_LIMITS.maxDepth. */
  maxDepth?: number;
  /** Largest query cost accepted (introspection exempt). Default DEFAULT_LIMITS.maxCost. */
  maxCost?: number;
  /** Most aliases in one operation. Default DEFAULT_LIMITS.maxAliases. */
  maxAliases?: number;
  /** Largest request body accepted, in bytes; larger bodies get HTTP 413. Default 2 MiB. */
  maxBodyBytes?: number;
  metricsAccess?: MetricsAccess;
  /** How long a successful token check is reused; bounds the delay before a revoked token stops working. */
  authCacheTtlMs?: number;
  /** Extra fields merged into every request context (e.g. ports the schema's resolvers can use). */
  contextExtras?: Record<string, unknown>;
  /**
   * Serve gets and lists from an in-memory cache kept current by the store's change feed, consistent with the
   * store (see CachedReadStore). Only for stores with a change feed (the Redis store). Default true.
   */
  readCache?: boolean;
  /** Execute repeated queries with graphql-jit (see use-jit.ts). Default true. */
  jit?: boolean;
  /** Answer long lists' items as JSON text kept per object (see schema/items-json.ts). Default true. */
  listsAsJson?: boolean;
  /** Resource limits (subscriptions, log follows, node events, manifest parsing); unset ones take `DEFAULT_LIMITS` of util/limits.ts. */
  limits?: Partial<Limits>;
}

export type CapstanYoga = YogaServerInstance<ServerContext, Context>;

/** Yoga's logger interface on top of pino; expected (client) errors are not logged as server errors. */
function yogaLogger(log: Logger): YogaLogger {
  const text = (args: unknown[]): string => args.map((a) => (typeof a === 'string' ? a : String(a))).join(' ');
  return {
    debug: (...args) => {
      if (log.isLevelEnabled('debug')) log.debug(text(args));
    },
    info: (...args) => log.info(text(args)),
    warn: (...args) => log.warn(text(args)),
    error: (...args) => {
      const [first] = args;
      if (!(first instanceof Error)) return log.error(text(args));
      if (isExpectedError(first)) return log.debug({ err: first }, 'error returned to the client');
      const graphqlError = first as Partial<GraphQLError>;
      const err = graphqlError.originalError ?? first;
      const path = graphqlError.path?.join('.');
      log.error({ err, ...(path ? { path } : {}) }, 'internal error, masked as "Unexpected error." for the client');
    },
  };
}

/** The GraphiQL page, with every asset inlined: it must work on a machine with no internet access. */
const graphiql = {
  title: 'Capstan GraphiQL',
  // GraphiQL sends these headers with every request (queries and SSE subscriptions); users replace the
  // placeholder with the token from ~/.capstan/config in the Headers tab.
  headers: JSON.stringify({ Authorization: 'Bearer <paste the token from ~/.capstan/config>' }, null, 2),
  defaultQuery: '# Put your token in the Headers tab below, then run:\n{\n  __typename\n}\n',
  subscriptionsProtocol: 'GRAPHQL_SSE' as const,
  // GraphiQL sends subscriptions as GET requests, which CSRF prevention refuses without this header.
  additionalHeaders: { [CSRF_HEADER]: '1' },
};

/**
 * The GraphQL-over-HTTP edge of the API server as a yoga instance (`yoga.fetch` in tests, `handleNodeRequest`
 * in the HTTP server): token auth, CSRF prevention, body size, depth, cost and alias limits, masked internal
 * errors, metrics and request logs, /healthz, /readyz, /metrics, an offline GraphiQL and the live dashboard at
 * /dashboard.
 */
export function createCapstanYoga(options: CapstanYogaOptions): CapstanYoga {
  const {
    schema = capstanSchema,
    logger = defaultLogger,
    maxDepth = DEFAULT_LIMITS.maxDepth,
    maxCost = DEFAULT_LIMITS.maxCost,
    maxAliases = DEFAULT_LIMITS.maxAliases,
    maxBodyBytes = 2 * 1024 * 1024,
    metricsAccess,
    authCacheTtlMs = AUTH_CACHE_TTL_MS,
    contextExtras = {},
    readCache = true,
    jit = true,
    listsAsJson = true,
  } = options;
  const limits = { ...DEFAULT_RESOURCE_LIMITS, ...options.limits };
  const limiters: RequestLimiters = {
    logFollows: new KeyedLimiter('logFollowsPerToken', limits.logFollowsPerToken),
    nodeEvents: new WindowRateLimiter('eventsPerNodePerMinute', limits.eventsPerNodePerMinute),
    manifests: new ManifestParser({ timeoutMs: limits.manifestParseMs, maxQueued: limits.queuedManifestParses }),
  };
  // startApiServer passes a store it has cached already (its graphql-ws server shares it): then this is a no-op.
  const cache = readCache ? withReadCache(options.store) : { store: options.store, stop: () => undefined };
  const store = cache.store;
  const log = logger.child({ component: 'api' });
  const tokens = tokenService(store);
  return createYoga<ServerContext, Context>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    // identity is added by useAuth (HTTP) or given by the graphql-ws server; never set it here, since this
    // factory runs after the graphql-ws server has placed it in the initial context.
    // The store here is the server's own; useAuth replaces it with the caller's AuthorizedStore. Token operations
    // keep the server's store (see TokenService).
    context: () => ({ store, limiters, tokens, ...contextExtras }) as unknown as Context,
    logging: yogaLogger(log),
    maskedErrors: { maskError: (error) => toClientError(error) },
    graphiql,
    renderGraphiQL,
    landingPage: false,
    // Same-origin only: the dashboard and GraphiQL are served from this origin; other sites get no CORS grant.
    cors: false,
    maxRequestBodySize: maxBodyBytes,
    plugins: [
      {
        onDispose: async () => {
          cache.stop();
          await limiters.manifests.close();
        },
      },
      useTelemetry({ logger: log, graphqlEndpoint: GRAPHQL_PATH }),
      useProbes({
        store,
        logger: log,
        ...(metricsAccess ? { metricsAccess } : {}),
        // The same source Pod.usage reads (the API server's NodeUsageSource), when the server was given one.
        ...(contextExtras.usageSource ? { usageSource: contextExtras.usageSource as UsageSource } : {}),
      }),
      useDashboard({ logger: log }),
      // Refuses "simple" requests (no JSON content type, no custom header) that a foreign page can make a
      // browser send without a CORS preflight, e.g. GET /graphql?query=... or a form post.
      useCSRFPrevention({ requestHeaders: [CSRF_HEADER, 'x-graphql-yoga-csrf'] }),
      useAuth({ store, cacheTtlMs: authCacheTtlMs }),
      useSubscriptionLimits({
        perConnection: limits.subscriptionsPerConnection,
        perToken: limits.subscriptionsPerToken,
      }),
      maxDepthPlugin({ n: maxDepth, flattenFragments: true }),
      costLimitPlugin({ maxCost, flattenFragments: true }),
      maxAliasesPlugin({ n: maxAliases }),
      ...(jit ? [useGraphQLJit()] : []),
      useSharedSubscriptionResults(),
      // Last: it takes over from yoga's regular result processor only when that one was chosen.
      useSlicedResponses({ listsAsJson }),
    ],
  });
}
