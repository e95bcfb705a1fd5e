import type { Endpoints, ServicePort } from '../api/types.ts';

export interface Backend {
  ip: string;
  port: number;
  /** `ip:port`. */
  key: string;
}

/** Kubernetes' default `sessionAffinityConfig.clientIP.timeoutSeconds`: 3 hours. */
export const DEFAULT_AFFINITY_TIMEOUT_SECONDS = 10_800;

/**
 * The ready backends of one service port: each ready address of every subset whose port matches the service
 * port by name and protocol (a single-port service also takes a subset's only port, as hand-written Endpoints
 * often leave it unnamed). Not-ready addresses never receive traffic.
 */
export function backendsFor(port: ServicePort, endpoints: Endpoints | undefined, singlePort: boolean): Backend[] {
  const out = new Map<string, Backend>();
  const protocol = port.protocol ?? 'TCP';
  for (const subset of endpoints?.subsets ?? []) {
    const ports = (subset.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === protocol);
    const match =
      ports.find((p) => (p.name ?? '') === (port.name ?? '')) ??
      (singlePort && ports.length === 1 ? ports[0] : undefined);
    if (!match) continue;
    for (const address of subset.addresses ?? []) {
      const key = `${address.ip}:${match.port}`;
      out.set(key, { ip: address.ip, port: match.port, key });
    }
  }
  return [...out.values()];
}

/**
 * Picks a backend per new connection (TCP) or session (UDP): round-robin, or sticky per client address with
 * sessionAffinity ClientIP (the stickiness lapses after `timeout` without traffic, or when the backend leaves).
 */
export class Balancer {
  private backends: Backend[] = [];
  private byKey = new Map<string, Backend>();
  private next = 0;
  private readonly affinity = new Map<string, { key: string; expires: number }>();
  private picksSinceSweep = 0;

  constructor(
    public sessionAffinity: 'None' | 'ClientIP' = 'None',
    public affinityTimeoutMs = DEFAULT_AFFINITY_TIMEOUT_SECONDS * 1000,
  ) {}

  get size(): number {
    return this.backends.length;
  }

  list(): readonly Backend[] {
    return this.backends;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** Replaces the backend set; open connections are not this class's business (they drain on their own). */
  setBackends(backends: Backend[]): void {
    this.backends = backends;
    this.byKey = new Map(backends.map((b) => [b.key, b]));
    if (this.next >= backends.length) this.next = 0;
  }

  /** The backend for a new connection from `client`, skipping `exclude` (backends that just refused it). */
  pick(client: string | undefined, exclude?: ReadonlySet<string>, now = Date.now()): Backend | undefined {
    const sticky = this.sessionAffinity === 'ClientIP' && client !== undefined;
    if (sticky) {
      const entry = this.affinity.get(client);
      const backend = entry && entry.expires > now ? this.byKey.get(entry.key) : undefined;
      if (backend && !exclude?.has(backend.key)) {
        entry!.expires = now + this.affinityTimeoutMs;
        return backend;
      }
    }
    let chosen: Backend | undefined;
    for (let i = 0; i < this.backends.length && !chosen; i++) {
      const candidate = this.backends[this.next]!;
      this.next = (this.next + 1) % this.backends.length;
      if (!exclude?.has(candidate.key)) chosen = candidate;
    }
    if (chosen && sticky) {
      this.affinity.set(client, { key: chosen.key, expires: now + this.affinityTimeoutMs });
      if (++this.picksSinceSweep >= 1024) this.sweep(now);
    }
    return chosen;
  }

  private sweep(now: number): void {
    this.picksSinceSweep = 0;
    for (const [client, entry] of this.affinity) if (entry.expires <= now) this.affinity.delete(client);
  }
}
