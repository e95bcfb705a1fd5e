import type { Store } from '../store/store.ts';
import { authorizeWrite } from './authorize.ts';
import { authorizeKindRead } from './config-access.ts';
import type { Identity } from './identity.ts';
import { recordNodeCertificate, revokeNodeCredentials } from './node-revocation.ts';
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
  /** Writes the serial of a certificate just signed for the calling node into its credential (node-revocation.ts). */
  recordCertificate(identity: Identity, certificatePem: string): Promise<void>;
  /**
   * Before Node `name` is deleted (by a caller who may delete it), revokes its node credentials and with them its
   * certificates: a deleted node cannot act again, and its name joins again only with a bootstrap token. Nothing is
   * revoked for a Node that is gone or not at `expectedResourceVersion`, so a refused delete revokes nothing.
   */
  revokeNode(identity: Identity | null, name: string, expectedResourceVersion?: string | null): Promise<void>;
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
    recordCertificate: (identity, certificatePem) => recordNodeCertificate(store, identity.tokenName, certificatePem),
    async revokeNode(identity, name, expectedResourceVersion) {
      authorizeWrite(identity, { kind: 'Node', name, verb: 'delete' });
      const node = await store.tryGet('Node', undefined, name);
      if (!node || (expectedResourceVersion && node.metadata.resourceVersion !== expectedResourceVersion)) return;
      await revokeNodeCredentials(store, name);
    },
  };
}
