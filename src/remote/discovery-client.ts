import { CapstanError } from '../api/errors.ts';
import { parseToken } from '../auth/tokens.ts';
import {
  checkCaPin,
  CLUSTER_INFO_PATH,
  parseCaCertHash,
  parseClusterInfoKubeconfig,
  verifyClusterInfo,
  type ClusterInfoDocument,
} from '../pki/discovery.ts';
import { clockSkewMessage } from '../sdk/certificate-time.ts';
import type { Logger } from '../util/logger.ts';
import { trustedTransport, unverifiedFetch } from './tls-transport.ts';

export interface DiscoveryOptions {
  /** https://host:6443 as given to `capstan node --server`. */
  server: string;
  /** The bootstrap token `<id>.<secret>`. */
  token: string;
  /** `--discovery-token-ca-cert-hash` values: the CA's public key must match one. */
  caCertHashes: string[];
  /** `--discovery-token-unsafe-skip-ca-verification`: trust whatever CA a server with a valid JWS names. */
  unsafeSkipCaVerification?: boolean;
  logger?: Logger;
}

function cause(err: unknown): string {
  const inner = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  return inner instanceof Error ? inner.message : String(inner);
}

async function fetchDocument(url: string, doFetch: typeof fetch, how: string): Promise<ClusterInfoDocument> {
  let response: Response;
  try {
    response = await doFetch(url, { signal: AbortSignal.timeout(15_000) });
  } catch (err) {
    const why = clockSkewMessage(err, `the server at ${new URL(url).origin}`) ?? cause(err);
    throw new CapstanError('UNAVAILABLE', `cannot fetch ${url} (${how}): ${why}`, { cause: err });
  }
  if (!response.ok) {
    throw new CapstanError(
      'UNAVAILABLE',
      `${url} answered HTTP ${response.status}: not a Capstan API server with discovery`,
    );
  }
  const body = (await response.json().catch(() => undefined)) as Partial<ClusterInfoDocument> | undefined;
  if (typeof body?.kubeconfig !== 'string' || typeof body.signatures !== 'object' || body.signatures === null) {
    throw new CapstanError('INVALID', `${url} sent no cluster-info document`);
  }
  return { kubeconfig: body.kubeconfig, signatures: body.signatures };
}

/**
 * kubeadm's token discovery: fetches the public cluster-info document without trusting the server, verifies its
 * JWS with the bootstrap token's secret, then the CA's public key against the pinned hashes, and only then fetches
 * the document again over TLS verified against that CA (the server's certificate must chain to it and cover the
 * address in `server`). Returns the CA (PEM) to trust for every later call. Throws UNAUTHENTICATED for a wrong
 * signature or hash, INVALID for bad flags, UNAVAILABLE for a server that cannot be reached or whose certificate
 * does not verify.
 */
export async function discoverClusterCa(options: DiscoveryOptions): Promise<string> {
  const url = new URL(options.server);
  if (url.protocol !== 'https:') {
    throw new CapstanError(
      'INVALID',
      `discovery needs an https:// server (the API's TLS port, 6443), not ${options.server}`,
    );
  }
  const pins = options.caCertHashes.map(parseCaCertHash);
  if (pins.length === 0 && !options.unsafeSkipCaVerification) {
    throw new CapstanError(
      'INVALID',
      'joining over https needs --discovery-token-ca-cert-hash sha256:<hex> (printed by "capstan token create --print-join-command"), or --discovery-token-unsafe-skip-ca-verification',
    );
  }
  const { id, secret } = parseToken(options.token);
  const documentUrl = new URL(CLUSTER_INFO_PATH, url).toString();
  const insecure = await fetchDocument(documentUrl, unverifiedFetch(), 'certificate not yet checked');
  await verifyClusterInfo(insecure, id, secret);
  const { caPem } = parseClusterInfoKubeconfig(insecure.kubeconfig);
  if (options.unsafeSkipCaVerification && pins.length === 0) {
    options.logger?.warn(
      'discovery without CA verification: the CA is trusted because the document is signed with the token, so anyone who knows the token could pose as the cluster',
    );
  } else {
    checkCaPin(caPem, pins);
  }
  const secure = await fetchDocument(documentUrl, trustedTransport(caPem).fetch, 'verified against the cluster CA');
  if (secure.kubeconfig !== insecure.kubeconfig) {
    throw new CapstanError(
      'UNAUTHENTICATED',
      `${documentUrl} sent a different cluster-info over the verified connection`,
    );
  }
  return caPem;
}
