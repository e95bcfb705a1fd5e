import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The one Prometheus registry of a Capstan process, served at `/metrics` by the API server. Components import
 * the metric they update from here so names and labels stay in one place.
 */
export const registry = new Registry();

collectDefaultMetrics({ register: registry, prefix: 'capstan_' });

/**
 * GraphQL operations handled by the API, over every transport. `operation_type`: query, mutation, subscription,
 * or none when the request failed before an operation was known (bad body, no token, CSRF). `outcome`: `ok`, or
 * the error code the client saw (UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, GRAPHQL_VALIDATION_FAILED,
 * INTERNAL_SERVER_ERROR, ...).
 */
export const apiRequests = new Counter({
  name: 'capstan_api_requests_total',
  help: 'GraphQL operations handled by the API server, by operation type, transport and outcome',
  labelNames: ['operation_type', 'transport', 'outcome'] as const,
  registers: [registry],
});

/** Time from request to result of GraphQL queries and mutations (subscriptions: until the stream is set up). */
export const apiRequestDuration = new Histogram({
  name: 'capstan_api_request_duration_seconds',
  help: 'Latency of GraphQL operations, by operation type and transport',
  labelNames: ['operation_type', 'transport'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

/** Subscriptions currently streaming, by transport (ws = graphql-ws, sse = GraphQL over server-sent events). */
export const activeSubscriptions = new Gauge({
  name: 'capstan_api_active_subscriptions',
  help: 'GraphQL subscriptions currently open, by transport',
  labelNames: ['transport'] as const,
  registers: [registry],
});

/** WebSocket (graphql-ws) connections currently open. */
export const activeWebSocketConnections = new Gauge({
  name: 'capstan_api_websocket_connections',
  help: 'graphql-ws connections currently open',
  registers: [registry],
});

/** Failed reads of the change stream (XREAD, or its position before the first) by the watch hub, each retried. */
export const watchStreamReadErrors = new Counter({
  name: 'capstan_watch_stream_read_errors_total',
  help: 'Failed reads of the change stream by the watch hub, each retried with back-off',
  registers: [registry],
});

/**
 * Store operations. `op`: get, list, create, update, updateStatus, delete, watch, ...; `kind`: the object kind;
 * `outcome`: ok or the CapstanError code (CONFLICT, NOT_FOUND, UNAVAILABLE, ...).
 */
export const storeOps = new Counter({
  name: 'capstan_store_operations_total',
  help: 'Store operations, by operation, kind and outcome',
  labelNames: ['op', 'kind', 'outcome'] as const,
  registers: [registry],
});

/** Latency of store operations against Redis, by operation. */
export const storeOpDuration = new Histogram({
  name: 'capstan_store_operation_duration_seconds',
  help: 'Latency of store operations, by operation',
  labelNames: ['op'] as const,
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
  registers: [registry],
});

/** Authentications by outcome (ok, cached, unknown, expired, malformed). */
export const authentications = new Counter({
  name: 'capstan_auth_authentications_total',
  help: 'Bearer token authentications, by outcome',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

/**
 * Requests refused by one of Capstan's limits (docs/security.md, "Limits"), by limit: subscriptionsPerConnection,
 * subscriptionsPerToken, logFollowsPerToken, dnsTcpConnections, udpProxySessions, eventsPerNodePerMinute,
 * manifestParseMs, queuedManifestParses.
 */
export const limitRejections = new Counter({
  name: 'capstan_limit_rejections_total',
  help: 'Requests refused because a limit was reached, by limit',
  labelNames: ['limit'] as const,
  registers: [registry],
});

/** What each limited resource holds now in this process (summed over tokens, connections or nodes), by limit. */
export const limitInUse = new Gauge({
  name: 'capstan_limit_in_use',
  help: 'Current use of each limited resource in this process, by limit',
  labelNames: ['limit'] as const,
  registers: [registry],
});
