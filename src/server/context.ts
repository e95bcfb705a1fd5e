import type { Identity } from '../auth/identity.ts';
import type { TokenService } from '../auth/token-service.ts';
import type { Store } from '../store/store.ts';

/** The GraphQL context of one request (or one subscription connection). */
export interface Context {
  /**
   * The request's store: an AuthorizedStore acting as `identity` (useAuth builds it), so every read and write a
   * resolver makes is authorized as the caller.
   */
  store: Store;
  /** null when the request carried no valid token (only introspection-free health endpoints allow that). */
  identity: Identity | null;
  /** Token operations (list, create, delete, joinNode, renewNodeCredential) on the server's own store. */
  tokens?: TokenService;
}
