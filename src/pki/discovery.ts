import { CompactSign, compactVerify } from 'jose';
import { createHash } from 'node:crypto';
import { parse, stringify } from 'yaml';
import { CapstanError } from '../api/errors.ts';
import { caCertHash } from './cluster-ca.ts';

/*
 * kubeadm's token discovery (cmd/kubeadm/app/discovery/token, and the bootstrap signer of the controller manager):
 * the control plane publishes a kubeconfig-like document naming the API server and the cluster CA, and beside it one
 * detached JWS per bootstrap token, HS256 keyed by the token's secret, with the token id as `kid`. A joining node
 * fetches the document without trusting the server yet, checks the JWS with the secret it holds (the server knows the
 * token, so it is the cluster the token came from), then checks the CA against the hash it was given (the token
 * alone may have leaked), and only then talks to the API, trusting that CA alone.
 */

/** Where the public document is served, on every listener, without authentication. */
export const CLUSTER_INFO_PATH = '/cluster-info';

/** The public document: the kubeconfig text, and per bootstrap token id its detached JWS over exactly that text. */
export interface ClusterInfoDocument {
  kubeconfig: string;
  signatures: Record<string, string>;
}

/** kubeadm's cluster-info kubeconfig: one cluster with the CA data and the server, nothing secret. */
export function clusterInfoKubeconfig(server: string, caPem: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: '', cluster: { 'certificate-authority-data': Buffer.from(caPem).toString('base64'), server } }],
    contexts: [],
    'current-context': '',
    preferences: {},
    users: [],
  });
}

/** The server and CA (PEM) a cluster-info kubeconfig names; INVALID when it does not have them. */
export function parseClusterInfoKubeconfig(text: string): { server: string; caPem: string } {
  let doc: { clusters?: { cluster?: { server?: unknown; 'certificate-authority-data'?: unknown } }[] } | null;
  try {
    doc = parse(text) as typeof doc;
  } catch (err) {
    throw new CapstanError('INVALID', 'the cluster-info document is not YAML', { cause: err });
  }
  const cluster = doc?.clusters?.[0]?.cluster;
  const server = cluster?.server;
  const caData = cluster?.['certificate-authority-data'];
  if (typeof server !== 'string' || typeof caData !== 'string') {
    throw new CapstanError('INVALID', 'the cluster-info document names no server or certificate authority');
  }
  return { server, caPem: Buffer.from(caData, 'base64').toString('utf8') };
}

/** sha256 of the document, to tell which stored signatures are over the document served now. */
export function documentDigest(kubeconfig: string): string {
  return `sha256:${createHash('sha256').update(kubeconfig).digest('hex')}`;
}

/** The detached JWS (`header..signature`) of the document for bootstrap token `tokenId`, keyed by its secret. */
export async function signClusterInfo(kubeconfig: string, tokenId: string, tokenSecret: string): Promise<string> {
  const jws = await new CompactSign(new TextEncoder().encode(kubeconfig))
    .setProtectedHeader({ alg: 'HS256', kid: tokenId })
    .sign(new TextEncoder().encode(tokenSecret));
  const [header, , signature] = jws.split('.');
  return `${header}..${signature}`;
}

/**
 * Checks the detached JWS of the document for the token; throws UNAUTHENTICATED when the document has no
 * signature for it (unknown or expired token) or the signature does not match (a tampered document, or a server
 * that does not know this token).
 */
export async function verifyClusterInfo(
  document: ClusterInfoDocument,
  tokenId: string,
  tokenSecret: string,
): Promise<void> {
  const detached = document.signatures[tokenId];
  if (typeof detached !== 'string') {
    throw new CapstanError(
      'UNAUTHENTICATED',
      `the cluster-info document has no signature for token id "${tokenId}": the token is unknown, expired or spent`,
    );
  }
  const [header, payload, signature, ...rest] = detached.split('.');
  if (payload !== '' || rest.length > 0 || !header || !signature) {
    throw new CapstanError(
      'UNAUTHENTICATED',
      `the cluster-info signature for token id "${tokenId}" is not a detached JWS`,
    );
  }
  const encoded = Buffer.from(document.kubeconfig).toString('base64url');
  try {
    const { protectedHeader } = await compactVerify(
      `${header}.${encoded}.${signature}`,
      new TextEncoder().encode(tokenSecret),
      { algorithms: ['HS256'] },
    );
    if (protectedHeader.kid !== tokenId) throw new Error(`kid is ${String(protectedHeader.kid)}`);
  } catch (err) {
    throw new CapstanError(
      'UNAUTHENTICATED',
      `the cluster-info signature for token id "${tokenId}" does not verify with the token's secret: the document was altered or the server does not hold this token`,
      { cause: err },
    );
  }
}

/** Normalizes a `--discovery-token-ca-cert-hash` value; INVALID unless it is `sha256:` and 64 hex digits. */
export function parseCaCertHash(value: string): string {
  const normalized = value.trim().toLowerCase();
  if (!/^sha256:[0-9a-f]{64}$/.test(normalized)) {
    throw new CapstanError(
      'INVALID',
      `invalid --discovery-token-ca-cert-hash "${value}": expected "sha256:" and 64 hex digits (from "capstan token create --print-join-command")`,
    );
  }
  return normalized;
}

/** Throws UNAUTHENTICATED unless the CA's public key hash is one of `pins`. */
export function checkCaPin(caPem: string, pins: readonly string[]): void {
  let actual: string;
  try {
    actual = caCertHash(caPem);
  } catch (err) {
    throw new CapstanError('INVALID', 'the cluster-info certificate authority is not a certificate', { cause: err });
  }
  if (!pins.includes(actual)) {
    throw new CapstanError(
      'UNAUTHENTICATED',
      `the cluster CA's public key hash is ${actual}, not the ${pins.join(' or ')} given with --discovery-token-ca-cert-hash: refusing to trust this server`,
    );
  }
}
