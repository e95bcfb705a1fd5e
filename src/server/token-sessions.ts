import type { Node, Token } from '../api/types.ts';
import type { Store } from '../store/store.ts';
import type { Logger } from '../util/logger.ts';
import type { Identity } from '../auth/identity.ts';
import { forgetToken } from '../auth/tokens.ts';

/** How often sessions are checked against their token's expiry. */
const EXPIRY_SWEEP_MS = 1_000;
/** After a watch failed, how long before it is opened again. */
const REWATCH_MS = 1_000;

interface Session {
  identity: Identity;
  expiresAtMs: number;
  close(reason: string): void;
}

/**
 * The long-lived sessions of one API server (graphql-ws connections, SSE streams), by the token each authenticated
 * with. A token is checked once when a session opens; this closes the session as soon as the token is deleted
 * (on any API server: every one watches Tokens), expires, or, for a node credential, its Node is deleted. A
 * client then has to authenticate again, which a revoked token cannot.
 */
export class TokenSessions {
  private readonly sessions = new Set<Session>();
  private sweep: NodeJS.Timeout | undefined;
  private readonly watches: { close(): void }[] = [];
  private stopped = false;

  constructor(private readonly log?: Logger) {}

  /** Follows Token and Node changes in `store`; `stop()` ends it. */
  start(store: Store): this {
    this.follow(store, 'Token', (type, token) => {
      const expired = token.spec?.expiresAt !== undefined && Date.parse(token.spec.expiresAt) <= Date.now();
      if (type === 'DELETED' || token.metadata.deletionTimestamp || expired) {
        // This server's authentication cache forgets it now rather than within AUTH_CACHE_TTL_MS.
        forgetToken(store, token.metadata.name);
        this.closeWhere(
          (s) => s.identity.tokenName === token.metadata.name,
          `token "${token.metadata.name}" was revoked`,
        );
      } else if (token.spec?.expiresAt) {
        const until = Date.parse(token.spec.expiresAt);
        for (const session of this.sessions) {
          if (session.identity.tokenName === token.metadata.name) session.expiresAtMs = until;
        }
      }
    });
    this.follow(store, 'Node', (type, node) => {
      if (type !== 'DELETED') return;
      const name = node.metadata.name;
      this.closeWhere((s) => s.identity.role === 'node' && s.identity.nodeName === name, `node ${name} was deleted`);
    });
    this.sweep = setInterval(() => {
      const now = Date.now();
      this.closeWhere((s) => s.expiresAtMs <= now, 'its token expired');
    }, EXPIRY_SWEEP_MS);
    this.sweep.unref();
    return this;
  }

  /** Registers an open session; `close` ends it with a reason. Returns the function that unregisters it. */
  register(identity: Identity, close: (reason: string) => void): () => void {
    const session: Session = {
      identity,
      expiresAtMs: identity.expiresAt ? Date.parse(identity.expiresAt) : Infinity,
      close,
    };
    this.sessions.add(session);
    return () => this.sessions.delete(session);
  }

  get size(): number {
    return this.sessions.size;
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.sweep);
    for (const watch of this.watches) watch.close();
  }

  private closeWhere(match: (session: Session) => boolean, reason: string): void {
    for (const session of [...this.sessions]) {
      if (!match(session)) continue;
      this.sessions.delete(session);
      this.log?.info({ tokenName: session.identity.tokenName, reason }, 'closing a session');
      try {
        session.close(reason);
      } catch (err) {
        this.log?.warn({ err }, 'closing a session failed');
      }
    }
  }

  private follow<K extends 'Token' | 'Node'>(
    store: Store,
    kind: K,
    onEvent: (type: string, object: K extends 'Token' ? Token : Node) => void,
  ): void {
    // Watched again from the last change seen, so that a deletion while the watch was down is not missed.
    let since: string | undefined;
    const run = async (): Promise<void> => {
      while (!this.stopped) {
        try {
          since ??= await store.currentResourceVersion();
          const watch = store.watch(kind, { sinceResourceVersion: since });
          this.watches.push(watch);
          for await (const event of watch) {
            since = event.object.metadata.resourceVersion ?? since;
            onEvent(event.type, event.object as never);
          }
        } catch (err) {
          if ((err as { code?: string }).code === 'EXPIRED') since = undefined;
          if (this.stopped) return;
          this.log?.warn({ err, kind }, 'watch for session revocation failed; watching again');
        }
        if (!this.stopped) await new Promise((resolve) => setTimeout(resolve, REWATCH_MS).unref());
      }
    };
    void run();
  }
}
