import type { TokenSpec } from '../api/types.ts';

/**
 * Who is calling. admin: everything; viewer: read-only; bootstrap: may only exchange itself for a node credential;
 * node: may update only its own Node and Lease and the status of pods bound to it.
 */
export interface Identity {
  role: TokenSpec['role'];
  /** Name of the Token object that authenticated the request. */
  tokenName: string;
  /** For role node: the Node this credential acts as. */
  nodeName?: string;
  /** When the token expires (RFC 3339); none: never. Open sessions are closed then (server/token-sessions.ts). */
  expiresAt?: string;
}
