import type { Store } from '../store/store.ts';
import { authorizeWrite } from './authorize.ts';
import { authorizeKindRead } from './config-access.ts';
import type { Identity } from './identity.ts';
import {
  createToken,
  deleteToken,
  exchangeBootstrapToken,
  listTokens,
  renewNodeCredential,
  type CreatedToken,
  type CreateTokenOptions,
  type TokenRole,
  type TokenSummary,
} from './tokens.ts';

/**
 * The API's token operations, on the store requests are authenticated against (not a request's AuthorizedStore):
 * joinNode and renewNodeCredential write Tokens no caller may write directly, each proving its right with the
 * credential it presents, and a deleted token must leave this store's authentication cache at once. Every method
 * checks its caller itself, so a schema field holding this port can do no more than the operation allows.
 */
export interface TokenService {
  /** Every Token (admin only). */
  list(identity: Identity | null, options?: { role?: TokenRole }): Promise<TokenSummary[]>;
  /** A new token (admin only). */
  create(identity: Identity | null, options: CreateTokenOptions): Promise<CreatedToken>;
  /** Revokes a token (admin only). */
  delete(identity: Identity | null, idOrToken: string): Promise<TokenSummary>;
  /** A bootstrap token (given, or the caller's) traded for a node credential; see exchangeBootstrapToken. */
  join(bootstrap: string | Identity, nodeName: string): Promise<CreatedToken>;
  /** The calling node's credential renewed; see renewNodeCredential. */
  renew(identity: Identity | null): Promise<CreatedToken>;
}

export function tokenService(store: Store): TokenService {
  return {
    list(identity, options = {}) {
      authorizeKindRead(identity, 'Token', 'list');
      return listTokens(store, options);
    },
    create(identity, options) {
      authorizeWrite(identity, { kind: 'Token', name: '(new token)', verb: 'create' });
      return createToken(store, options);
    },
    delete(identity, idOrToken) {
      authorizeWrite(identity, { kind: 'Token', name: idOrToken.split('.')[0] ?? '', verb: 'delete' });
      return deleteToken(store, idOrToken);
    },
    join: (bootstrap, nodeName) => exchangeBootstrapToken(store, bootstrap, nodeName),
    renew: (identity) => renewNodeCredential(store, identity),
  };
}
