import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { Agent, fetch as undiciFetch } from 'undici';
import { WebSocket } from 'ws';

/** fetch and WebSocket for a Capstan API over TLS that trust exactly one CA: the cluster's, pinned at join. */
export interface TrustedTransport {
  fetch: typeof fetch;
  /** A WebSocket class (graphql-ws calls `new impl(url, protocols)`). */
  webSocketImpl: unknown;
}

/**
 * A transport trusting only `caPem` (not the machine's CA store): a server certificate another CA issued, or one
 * that does not cover the host name or address in the URL, fails the TLS handshake; there is no fallback to plain
 * HTTP. Plain `http://` URLs (the loopback listener) are served as by the global fetch.
 */
export function trustedTransport(caPem: string): TrustedTransport {
  const dispatcher = new Agent({ connect: { ca: caPem, checkServerIdentity: checkServerAddress } });
  const trustedFetch = ((input: string | URL, init?: RequestInit) =>
    undiciFetch(input, { ...(init as object), dispatcher } as Parameters<
      typeof undiciFetch
    >[1])) as unknown as typeof fetch;
  class TrustedWebSocket extends WebSocket {
    constructor(address: string | URL | null, protocols?: string | string[]) {
      // ws passes the option on to tls.connect, which takes an Error (its own typing says boolean).
      super(address as string | URL, protocols, { ca: caPem, checkServerIdentity: checkServerAddress as never });
    }
  }
  return { fetch: trustedFetch, webSocketImpl: TrustedWebSocket };
}

/**
 * The usual host name check, with an error that says what to do: the server's certificate was issued for the
 * addresses and names it knew at its start (and CAPSTAN_CERT_SANS).
 */
export function checkServerAddress(host: string, cert: PeerCertificate): Error | undefined {
  if (!checkServerIdentity(host, cert)) return undefined;
  const covers = cert.subjectaltname?.replace(/IP Address:/g, 'IP:') ?? 'no names';
  return new Error(
    `the server's certificate does not cover ${host}, the address dialled (it covers ${covers}): dial an address ` +
      `it covers, or add ${host} to CAPSTAN_CERT_SANS on the server and restart it`,
  );
}

/**
 * fetch that does not check the server's certificate: only for the first, public cluster-info request of a join,
 * whose answer is then verified by its JWS and the CA pin before anything else is sent.
 */
export function unverifiedFetch(): typeof fetch {
  const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
  return ((input: string | URL, init?: RequestInit) =>
    undiciFetch(input, { ...(init as object), dispatcher } as Parameters<
      typeof undiciFetch
    >[1])) as unknown as typeof fetch;
}
