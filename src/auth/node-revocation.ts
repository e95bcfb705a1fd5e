import { X509Certificate } from 'node:crypto';
import { CapstanError, isCapstanError } from '../api/errors.ts';
import type { Token } from '../api/types.ts';
import { normalSerial } from '../pki/node-endpoint-tls.ts';
import type { Store } from '../store/store.ts';
import type { Identity } from './identity.ts';
import { forgetToken } from './tokens.ts';

/*
 * What a node was given, and taking it back. A node holds two things: its node credential (a Token of role node
 * bound to its name) and the serving certificate of its endpoint, which the CA signed from its CSR. The serial of
 * every certificate signed for a node is written into the credential that asked for it (`certificateSerials`), and
 * the API server trusts a node's endpoint only with a certificate whose serial a live credential of that node holds
 * (node-endpoint-tls.ts, NodeDialer). So deleting the credential revokes the certificate too: deleting a Node
 * deletes its node credentials (revokeNodeCredentials), and `capstan token delete` of a node credential does the
 * same for one credential. X.509 certificates cannot be recalled from their holder; this is the revocation list,
 * kept as the credentials themselves and checked on every call to a node.
 */

/** How many certificate serials a credential keeps: the current one and those still serving open streams. */
const SERIALS_KEPT = 3;

/** The serial of a PEM certificate, normalised. */
export function certificateSerial(certPem: string): string {
  return normalSerial(new X509Certificate(certPem).serialNumber);
}

function live(token: Token, nowMs: number): boolean {
  const expiresAt = token.spec?.expiresAt ? Date.parse(token.spec.expiresAt) : Infinity;
  return token.spec?.role === 'node' && !token.metadata.deletionTimestamp && expiresAt > nowMs;
}

/** Every live node credential bound to `nodeName`. */
export async function nodeCredentialsOf(store: Store, nodeName: string, nowMs = Date.now()): Promise<Token[]> {
  const held: Token[] = [];
  let page: string | undefined;
  do {
    const list = await store.list('Token', { labelSelector: 'capstan.io/token-role=node', continue: page, limit: 500 });
    for (const token of list.items) if (token.spec?.nodeName === nodeName && live(token, nowMs)) held.push(token);
    page = list.continue;
  } while (page);
  return held;
}

/** Writes the serial of a certificate signed for a node into the credential that asked for it. */
export async function recordNodeCertificate(store: Store, tokenName: string, certPem: string): Promise<void> {
  const serial = certificateSerial(certPem);
  await store.mutate('Token', undefined, tokenName, (token) => {
    const serials = [...(token.spec!.certificateSerials ?? []).filter((s) => s !== serial), serial];
    return { ...token, spec: { ...token.spec!, certificateSerials: serials.slice(-SERIALS_KEPT) } };
  });
}

/** The serials of the certificates node `nodeName` may serve with: those its live credentials hold. */
export async function trustedNodeSerials(store: Store, nodeName: string): Promise<Set<string>> {
  const serials = new Set<string>();
  for (const token of await nodeCredentialsOf(store, nodeName)) {
    for (const serial of token.spec?.certificateSerials ?? []) serials.add(normalSerial(serial));
  }
  return serials;
}

/**
 * Deletes every node credential bound to `nodeName` (when its Node is deleted): each is refused from then on on
 * every API server, its sessions are closed (server/token-sessions.ts), and the certificates recorded in it are no
 * longer trusted. Returns the names of the credentials deleted.
 */
export async function revokeNodeCredentials(store: Store, nodeName: string): Promise<string[]> {
  const revoked: string[] = [];
  for (const token of await nodeCredentialsOf(store, nodeName, -Infinity)) {
    try {
      await store.delete('Token', undefined, token.metadata.name);
    } catch (err) {
      if (!isCapstanError(err, 'NOT_FOUND')) throw err;
    }
    forgetToken(store, token.metadata.name);
    revoked.push(token.metadata.name);
  }
  return revoked;
}

/**
 * Throws UNAUTHENTICATED unless the node credential `identity` is still stored, read now rather than from the
 * authentication cache: a node registering its Node must not do so with a credential revoked a moment ago (another
 * API server may still hold it in its cache for a few seconds).
 */
export async function requireLiveNodeCredential(store: Store, identity: Identity): Promise<void> {
  const token = await store.tryGet('Token', undefined, identity.tokenName);
  if (!token || !live(token, Date.now())) {
    throw new CapstanError(
      'UNAUTHENTICATED',
      `node credential "${identity.tokenName}" was revoked (its Node was deleted or the token deleted): join again with a bootstrap token`,
    );
  }
}
