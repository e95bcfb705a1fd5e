import { CapstanError } from '../api/errors.ts';
import type { ManifestParser } from '../resolvers/manifest-parser.ts';
import { limitInUse, limitRejections } from './metrics.ts';

/**
 * Capstan's resource limits against clients that take more than their share (docs/security.md, "Limits"). Each has a
 * default here and an environment setting (LIMIT_SETTINGS); a request past a limit gets TOO_MANY_REQUESTS naming the
 * limit, and is counted in `capstan_limit_rejections_total{limit}`.
 */
export interface Limits {
  /** Subscriptions open at once on one graphql-ws connection. */
  subscriptionsPerConnection: number;
  /** Subscriptions open at once per token in one API server, over graphql-ws and SSE together. */
  subscriptionsPerToken: number;
  /** `podLogs(follow: true)` streams open at once per token in one API server (each holds a Docker log stream). */
  logFollowsPerToken: number;
  /** TCP connections the DNS responder serves at once; more are closed on accept. */
  dnsTcpConnections: number;
  /** A DNS TCP connection with no query (or whose answers cannot be sent) for this long is closed. */
  dnsTcpIdleMs: number;
  /** UDP client sessions (each an upstream socket) per service port listener of the proxy; datagrams of new clients beyond it are dropped. */
  udpProxySessions: number;
  /** A UDP proxy session without traffic for this long is closed. */
  udpProxyIdleMs: number;
  /** Events a node credential may create per minute through the API. */
  eventsPerNodePerMinute: number;
  /** Longest an `apply` manifest may take to parse (in the API server's YAML worker). */
  manifestParseMs: number;
  /** Manifests waiting at once for the API server's YAML worker. */
  queuedManifestParses: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = {
  subscriptionsPerConnection: 100,
  subscriptionsPerToken: 1000,
  logFollowsPerToken: 20,
  dnsTcpConnections: 256,
  dnsTcpIdleMs: 10_000,
  udpProxySessions: 1024,
  udpProxyIdleMs: 30_000,
  eventsPerNodePerMinute: 300,
  manifestParseMs: 5_000,
  queuedManifestParses: 32,
};

/** The environment variable of each limit (times in seconds for the `*Ms` limits). */
export const LIMIT_SETTINGS: Readonly<Record<keyof Limits, string>> = {
  subscriptionsPerConnection: 'CAPSTAN_MAX_SUBSCRIPTIONS_PER_CONNECTION',
  subscriptionsPerToken: 'CAPSTAN_MAX_SUBSCRIPTIONS_PER_TOKEN',
  logFollowsPerToken: 'CAPSTAN_MAX_LOG_FOLLOWS_PER_TOKEN',
  dnsTcpConnections: 'CAPSTAN_MAX_DNS_TCP_CONNECTIONS',
  dnsTcpIdleMs: 'CAPSTAN_DNS_TCP_IDLE_SECONDS',
  udpProxySessions: 'CAPSTAN_MAX_UDP_PROXY_SESSIONS',
  udpProxyIdleMs: 'CAPSTAN_UDP_PROXY_IDLE_SECONDS',
  eventsPerNodePerMinute: 'CAPSTAN_MAX_EVENTS_PER_NODE_PER_MINUTE',
  manifestParseMs: 'CAPSTAN_MANIFEST_PARSE_SECONDS',
  queuedManifestParses: 'CAPSTAN_MAX_QUEUED_MANIFEST_PARSES',
};

/** Limits from the environment over the defaults; a malformed value is an INVALID error naming the variable. */
export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): Limits {
  const limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(LIMIT_SETTINGS) as (keyof Limits)[]) {
    const name = LIMIT_SETTINGS[key];
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1 || value > 1_000_000) {
      throw CapstanError.invalid([{ field: name, message: `must be a whole number from 1 to 1000000, got "${raw}"` }]);
    }
    limits[key] = key.endsWith('Ms') ? value * 1000 : value;
  }
  return limits;
}

/** Counts a refusal by `limit` and returns the TOO_MANY_REQUESTS error to throw. */
export function limitExceeded(limit: keyof Limits, max: number, what: string): CapstanError {
  limitRejections.inc({ limit });
  return CapstanError.limitExceeded(what, { limit, max, setting: LIMIT_SETTINGS[limit] });
}

/**
 * At most `max` holders at once per key (a token, a connection). `acquire` throws TOO_MANY_REQUESTS when the key is
 * full and otherwise returns a release function (idempotent). Usage is reported in `capstan_limit_in_use{limit}`.
 */
export class KeyedLimiter {
  private readonly counts = new Map<string, number>();

  constructor(
    readonly limit: keyof Limits,
    readonly max: number,
  ) {}

  acquire(key: string, what: () => string): () => void {
    const count = this.counts.get(key) ?? 0;
    if (count >= this.max) throw limitExceeded(this.limit, this.max, what());
    this.counts.set(key, count + 1);
    limitInUse.inc({ limit: this.limit });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      limitInUse.dec({ limit: this.limit });
      const left = (this.counts.get(key) ?? 1) - 1;
      if (left <= 0) this.counts.delete(key);
      else this.counts.set(key, left);
    };
  }

  inUse(key: string): number {
    return this.counts.get(key) ?? 0;
  }
}

/**
 * At most `max` events per key in each fixed window of `windowMs` (a node's Events per minute). `take` throws
 * TOO_MANY_REQUESTS when the key's window is full.
 */
export class WindowRateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    readonly limit: keyof Limits,
    readonly max: number,
    readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  take(key: string, what: () => string): void {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || now - window.start >= this.windowMs) {
      // Old windows are dropped as they are replaced; the map holds one entry per key seen in the last window.
      if (this.windows.size > 10_000) this.sweep(now);
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    if (window.count >= this.max) throw limitExceeded(this.limit, this.max, what());
    window.count++;
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (now - window.start >= this.windowMs) this.windows.delete(key);
  }
}

/** The limiters resolvers use, in the request context (one set per API server). */
export interface RequestLimiters {
  /** `podLogs(follow: true)` streams per token. */
  logFollows: KeyedLimiter;
  /** Events created per node credential per minute. */
  nodeEvents: WindowRateLimiter;
  /** Parses `apply` manifests off the event loop, within manifestParseMs and queuedManifestParses. */
  manifests: ManifestParser;
}
