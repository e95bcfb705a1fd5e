import type { Identity } from '../auth/identity.ts';
import type { Store } from '../store/store.ts';

/** The GraphQL context of one request (or one subscription connection). */
export interface Context {
  store: Store;
  /** null when the request carried no valid token (only introspection-free health endpoints allow that). */
  identity: Identity | null;
}
