import { createHash } from 'node:crypto';
import { CapstanError } from '../api/errors.ts';
import { createCapstanClient } from '../sdk/client.ts';
import { WhoamiDocument } from '../sdk/generated/graphql.ts';
import type { Identity } from '../server/context.ts';
import { toCapstanError } from './errors.ts';

export interface TokenReviewerOptions {
  /** The API server (`http://host:7070`) or its GraphQL endpoint. */
  server: string;
  /** fetch trusting the cluster CA, for an https server. */
  fetch?: typeof fetch;
  /** How long a positive answer is reused; bounds how long a revoked token keeps working here. Default 5 s. */
  cacheTtlMs?: number;
  /** Timeout of one question to the API. Default 10 s. */
  timeoutMs?: number;
  /** Most answers kept. Default 1,000. */
  maxEntries?: number;
}

/**
 * Tells who a bearer token is by asking the API (`whoami`, sent with that token), as a kubelet asks the API server
 * with a TokenReview: the node holds no token data of its own. Only successful answers are cached, keyed by a
 * hash of the token, so a refused token is asked about again next time.
 */
export class ApiTokenReviewer {
  private readonly cache = new Map<string, { identity: Identity; expiresAt: number }>();
  private readonly cacheTtlMs: number;
  private readonly maxEntries: number;

  constructor(private readonly options: TokenReviewerOptions) {
    this.cacheTtlMs = options.cacheTtlMs ?? 5_000;
    this.maxEntries = options.maxEntries ?? 1_000;
  }

  /** The token's identity. Throws CapstanError UNAUTHENTICATED for a token the API refuses, UNAVAILABLE when it cannot be asked. */
  async review(token: string): Promise<Identity> {
    const key = createHash('sha256').update(token).digest('hex');
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.expiresAt > now) return hit.identity;
    this.cache.delete(key);

    const client = createCapstanClient({
      url: this.options.server,
      token,
      timeoutMs: this.options.timeoutMs ?? 10_000,
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
    });
    let identity: Identity;
    try {
      const { whoami } = await client.request(WhoamiDocument);
      identity = {
        role: whoami.role,
        tokenName: whoami.tokenName,
        ...(whoami.nodeName ? { nodeName: whoami.nodeName } : {}),
      };
    } catch (err) {
      const error = toCapstanError(err);
      if (error.code === 'UNAUTHENTICATED') throw error;
      throw new CapstanError('UNAVAILABLE', `cannot check the token with the API: ${error.message}`, { cause: err });
    } finally {
      await client.close();
    }
    if (this.cache.size >= this.maxEntries) {
      for (const [k, entry] of this.cache) if (entry.expiresAt <= now) this.cache.delete(k);
      if (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
    }
    this.cache.set(key, { identity, expiresAt: now + this.cacheTtlMs });
    return identity;
  }
}
