import { createHash, createPrivateKey, randomUUID, X509Certificate, type KeyObject } from 'node:crypto';
import { Agent as HttpsAgent, createServer as createHttpsServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkServerIdentity, type PeerCertificate, type TLSSocket } from 'node:tls';
import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import { CapstanError } from '../api/errors.ts';
import type { Node } from '../api/types.ts';

/*
 * The node endpoint (port 10250) over mutual TLS, as kubelet and kube-apiserver do it:
 *
 * - the node serves a certificate the cluster CA issued to it from a CSR (CN `system:node:<name>`, kubelet's serving
 *   certificate); the API server dials a node only when the certificate chains to the cluster CA, covers the address
 *   it dialled and names that very node;
 * - the API server presents a client certificate of its own (CN `capstan-apiserver-node-client`, kube-apiserver's
 *   --kubelet-client-certificate); the node refuses any other caller in the handshake or with 401;
 * - every call carries a call authorization instead of a bearer token: a JWT (ES256) signed with the key of that
 *   client certificate, naming the node, pod, container and the exact request (a digest of method, path, query and
 *   body), living one minute and accepted once. Nothing a node receives is worth anything elsewhere.
 *
 * Both sides use this module: the node's listener (`createNodeEndpointServer`, `verifyCall`) and the API server's
 * dialer (`NodeDialer`), so the log, exec and stream paths share one transport.
 */

/** The common name of the API server's client certificate for node endpoints. */
export const API_CLIENT_COMMON_NAME = 'capstan-apiserver-node-client';
/** How long a call authorization is valid. A stream needs it only until the node accepted the call. */
export const CALL_AUTHORIZATION_TTL_SECONDS = 60;
/** Clock difference between API server and node tolerated on a call authorization's times. */
export const CALL_CLOCK_TOLERANCE_SECONDS = 30;

/** The common name of node `nodeName`'s serving certificate (kubelet's `system:node:<name>`). */
export function nodeCommonName(nodeName: string): string {
  return `system:node:${nodeName}`;
}

/** A certificate, its key and the CA it chains to, PEM. */
export interface TlsIdentity {
  certPem: string;
  keyPem: string;
  caPem: string;
}

/** What one call to a node endpoint is: the authorization names each part. */
export interface CallScope {
  /** The endpoint's kind of call: `containerLogs`, `exec`, ... (the first path segment). */
  verb: string;
  namespace: string;
  pod: string;
  container?: string;
  /** sha256 of `METHOD path?query` and the body: one exact request. */
  call: string;
}

/** The digest of one request, as both sides compute it. */
export function callDigest(method: string, pathAndQuery: string, body = ''): string {
  return createHash('sha256').update(`${method.toUpperCase()} ${pathAndQuery}\n${body}`).digest('base64url');
}

// ---------------------------------------------------------------------------------------------------------------
// The node's side

/**
 * The node endpoint's HTTPS server: its CA-issued serving certificate, and a client certificate from the cluster CA
 * required in the handshake (a caller without one never gets to send a request). Which client may call is checked
 * per request with `apiClientKey`.
 */
export function createNodeEndpointServer(
  tls: TlsIdentity,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Server {
  return createHttpsServer({ ...nodeEndpointSecureContext(tls), requestCert: true, rejectUnauthorized: true }, handler);
}

/** The secure context of the node endpoint: also what a renewed certificate is swapped in with (setSecureContext). */
export function nodeEndpointSecureContext(tls: TlsIdentity): {
  cert: string;
  key: string;
  ca: string;
  minVersion: 'TLSv1.2';
} {
  return { cert: tls.certPem, key: tls.keyPem, ca: tls.caPem, minVersion: 'TLSv1.2' };
}

/**
 * The public key of the API server that sent `req`: its client certificate must be the API server's (CN and
 * clientAuth usage; the handshake already checked the CA). Throws UNAUTHENTICATED otherwise: a node's own serving
 * certificate, issued by the same CA, does not let one node call another.
 */
export function apiClientKey(req: IncomingMessage, nodeName: string): KeyObject {
  const socket = req.socket as TLSSocket;
  const peer = typeof socket.getPeerX509Certificate === 'function' ? socket.getPeerX509Certificate() : undefined;
  if (!peer || !socket.authorized) {
    throw new CapstanError(
      'UNAUTHENTICATED',
      `node ${nodeName} serves only the API server: present its client certificate from the cluster CA`,
    );
  }
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(peer.subject)?.[1];
  if (cn !== API_CLIENT_COMMON_NAME || !(peer.keyUsage ?? []).includes('1.3.6.1.5.5.7.3.2')) {
    throw new CapstanError(
      'UNAUTHENTICATED',
      `node ${nodeName} serves only the API server: the client certificate of "${cn ?? peer.subject}" is not the API server's`,
    );
  }
  return peer.publicKey;
}

/**
 * Checks a call authorization on node `nodeName`: signed by the API client certificate of this very connection,
 * for this node and exactly this request, in its time window, and not seen before (each is accepted once). Throws
 * UNAUTHENTICATED (missing, bad signature, expired, clock skew) or FORBIDDEN (for another node, pod, container or
 * request, or replayed).
 */
export class CallVerifier {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly nodeName: string,
    private readonly now: () => number = Date.now,
  ) {}

  async verify(token: string | undefined, signer: KeyObject, scope: CallScope): Promise<void> {
    const { nodeName } = this;
    if (!token) {
      throw new CapstanError(
        'UNAUTHENTICATED',
        `node ${nodeName} runs only calls the API server authorized: send "Authorization: Bearer <call authorization>"`,
      );
    }
    const nowMs = this.now();
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, signer, {
        algorithms: ['ES256'],
        audience: `node:${nodeName}`,
        clockTolerance: CALL_CLOCK_TOLERANCE_SECONDS,
        currentDate: new Date(nowMs),
      }));
    } catch (err) {
      throw this.refusal(err, token, nowMs);
    }
    const wrong = (['verb', 'namespace', 'pod', 'container', 'call'] as const).find(
      (field) => (payload[field] ?? undefined) !== scope[field],
    );
    if (wrong) {
      const wanted = wrong === 'call' ? 'another request' : `${wrong} ${String(payload[wrong])}`;
      throw new CapstanError(
        'FORBIDDEN',
        `the call authorization is for ${wanted}, not for ${scope.verb} in ${scope.namespace}/${scope.pod}` +
          `${scope.container ? `/${scope.container}` : ''} on node ${nodeName}`,
      );
    }
    const jti = String(payload.jti ?? '');
    for (const [id, until] of this.seen) if (until < nowMs) this.seen.delete(id);
    if (!jti || this.seen.has(jti)) {
      throw new CapstanError(
        'FORBIDDEN',
        `the call authorization "${jti}" was used already: each is good for one call`,
      );
    }
    this.seen.set(jti, (Number(payload.exp) + CALL_CLOCK_TOLERANCE_SECONDS) * 1000);
  }

  private refusal(err: unknown, token: string, nowMs: number): CapstanError {
    const clock = new Date(nowMs).toISOString();
    if (
      err instanceof joseErrors.JWTExpired ||
      (err instanceof joseErrors.JWTClaimValidationFailed && /iat|nbf/.test(err.claim))
    ) {
      const claims = decodeClaims(token);
      const issued = typeof claims.iat === 'number' ? new Date(claims.iat * 1000).toISOString() : 'an unknown time';
      const expired = err instanceof joseErrors.JWTExpired;
      return new CapstanError(
        'UNAUTHENTICATED',
        `the call authorization was issued at ${issued} ${expired ? 'and has expired' : 'and is not valid yet'}: ` +
          `this node's clock reads ${clock}; if the API server's and this node's clocks differ by more than ` +
          `${CALL_CLOCK_TOLERANCE_SECONDS} s, set them right (NTP)`,
      );
    }
    if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === 'aud') {
      return new CapstanError('FORBIDDEN', `the call authorization is for another node, not for ${this.nodeName}`);
    }
    return new CapstanError(
      'UNAUTHENTICATED',
      `the call authorization is not one the API server signed for this connection: ${(err as Error).message}`,
    );
  }
}

function decodeClaims(token: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The API server's side

/** Where a node's endpoint is, from its status, or why there is none. */
export interface NodeEndpoint {
  nodeName: string;
  address: string;
  port: number;
  /** `https://address:port` */
  origin: string;
}

export function nodeEndpoint(node: Node): NodeEndpoint | string {
  const address = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
  if (!address) return 'it publishes no InternalIP address';
  if (!port) return 'it publishes no endpoint (status.daemonEndpoints.kubeletEndpoint); is its agent up to date?';
  const host = address.includes(':') ? `[${address}]` : address;
  return { nodeName: node.metadata.name, address, port, origin: `https://${host}:${port}` };
}

function covered(cert: PeerCertificate): string {
  return cert.subjectaltname?.replace(/IP Address:/g, 'IP:') ?? 'no names';
}

/**
 * How the API server calls node endpoints: TLS trusting only the cluster CA, the node's certificate checked for the
 * address dialled and for the node's name, its own client certificate, and a call authorization per request.
 */
export class NodeDialer {
  private readonly agents = new Map<string, HttpsAgent>();
  private readonly checked = new Map<string, { serials: ReadonlySet<string>; agent: HttpsAgent }>();
  private readonly signingKey: KeyObject;
  private trustedSerials: ((nodeName: string) => Promise<ReadonlySet<string>>) | undefined;

  constructor(private readonly identity: TlsIdentity) {
    this.signingKey = createPrivateKey(identity.keyPem);
  }

  /**
   * From now on `agentFor` trusts a node's certificate only when its serial is one `serials` gives for that node
   * (the control plane: those recorded in the node's live credentials, auth/node-revocation.ts), so a certificate
   * of a deleted node or of a revoked credential is refused in the handshake.
   */
  checkRevocation(serials: (nodeName: string) => Promise<ReadonlySet<string>>): void {
    this.trustedSerials = serials;
  }

  /**
   * The https.Agent for the next call to `nodeName`: with `checkRevocation`, one that trusts only the certificates
   * the node may serve with now (read at each call), so a revocation takes effect on the next call; connections made
   * under a set that lost a serial are cut. Without it, `agent(nodeName)`. Throws UNAVAILABLE when no certificate of
   * the node is trusted at all.
   */
  async agentFor(nodeName: string): Promise<HttpsAgent> {
    if (!this.trustedSerials) return this.agent(nodeName);
    const serials = await this.trustedSerials(nodeName);
    if (serials.size === 0) {
      this.forget(nodeName);
      throw new CapstanError(
        'UNAVAILABLE',
        `no live credential of node ${nodeName} holds a serving certificate: its certificates are revoked (the node ` +
          `or its credential was deleted) until it joins again with a bootstrap token`,
      );
    }
    const previous = this.checked.get(nodeName);
    if (previous && sameSet(previous.serials, serials)) return previous.agent;
    // A certificate no longer trusted: connections to it go. A set that only grew (a renewed certificate) leaves
    // them, so an open stream keeps going while new calls see the new certificate.
    if (previous && [...previous.serials].some((serial) => !serials.has(serial))) previous.agent.destroy();
    const agent = this.newAgent(nodeName, serialCheck(nodeName, serials));
    this.checked.set(nodeName, { serials, agent });
    return agent;
  }

  /**
   * Runs `call` with `agentFor(nodeName)`. When the handshake refused the node's certificate for a serial the set
   * read before it did not hold, reads the set again and tries once more: a node records a renewed certificate's
   * serial before it serves it, so a renewal between the read and the handshake is in the second read (nothing was
   * sent in the first try, the call authorization is unused). A serial still not held is refused.
   */
  async withAgent<T>(nodeName: string, call: (agent: HttpsAgent) => Promise<T>): Promise<T> {
    try {
      return await call(await this.agentFor(nodeName));
    } catch (err) {
      if (!(err instanceof UntrustedNodeSerialError)) throw err;
      return call(await this.agentFor(nodeName));
    }
  }

  /**
   * TLS options for a client of another kind (a WebSocket to the node's stream paths) with the checks of
   * `agentFor`: with `checkRevocation`, only a certificate whose serial a live credential of the node holds.
   */
  async tlsOptionsFor(nodeName: string): Promise<ReturnType<NodeDialer['tlsOptions']>> {
    const options = this.tlsOptions(nodeName);
    if (!this.trustedSerials) return options;
    const serials = await this.trustedSerials(nodeName);
    const check = serialCheck(nodeName, serials);
    return {
      ...options,
      checkServerIdentity: (host, cert) => options.checkServerIdentity(host, cert) ?? check(host, cert),
    };
  }

  /** Drops the connections to `nodeName`. */
  forget(nodeName: string): void {
    this.checked.get(nodeName)?.agent.destroy();
    this.checked.delete(nodeName);
  }

  private newAgent(
    nodeName: string,
    extraCheck?: (host: string, cert: PeerCertificate) => Error | undefined,
  ): HttpsAgent {
    return new HttpsAgent({
      keepAlive: true,
      ca: this.identity.caPem,
      cert: this.identity.certPem,
      key: this.identity.keyPem,
      minVersion: 'TLSv1.2',
      checkServerIdentity: (host, cert) => checkNodeCertificate(nodeName, host, cert) ?? extraCheck?.(host, cert),
    });
  }

  /** The https.Agent for calls to `nodeName` (keep-alive, one per node: its identity check names the node). */
  agent(nodeName: string): HttpsAgent {
    let agent = this.agents.get(nodeName);
    if (!agent) {
      agent = this.newAgent(nodeName);
      this.agents.set(nodeName, agent);
    }
    return agent;
  }

  /** TLS options for a client of another kind (a WebSocket to the node's stream paths). */
  tlsOptions(nodeName: string): {
    ca: string;
    cert: string;
    key: string;
    checkServerIdentity: (host: string, cert: PeerCertificate) => Error | undefined;
  } {
    return {
      ca: this.identity.caPem,
      cert: this.identity.certPem,
      key: this.identity.keyPem,
      checkServerIdentity: (host, cert) => checkNodeCertificate(nodeName, host, cert),
    };
  }

  /** A call authorization for exactly this request to `nodeName`, good once within CALL_AUTHORIZATION_TTL_SECONDS. */
  authorize(nodeName: string, scope: CallScope): Promise<string> {
    const claims: Record<string, string> = { verb: scope.verb, namespace: scope.namespace, pod: scope.pod };
    if (scope.container !== undefined) claims.container = scope.container;
    claims.call = scope.call;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', typ: 'capstan-call+jwt' })
      .setAudience(`node:${nodeName}`)
      .setIssuer(API_CLIENT_COMMON_NAME)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${CALL_AUTHORIZATION_TTL_SECONDS}s`)
      .sign(this.signingKey);
  }

  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
    for (const { agent } of this.checked.values()) agent.destroy();
    this.checked.clear();
  }
}

/**
 * The node's certificate is acceptable for a call to `nodeName` at `host`: it covers that address (the usual TLS
 * check) and its CN is that node's. Each refusal says what was dialled and what the certificate holds.
 */
export function checkNodeCertificate(nodeName: string, host: string, cert: PeerCertificate): Error | undefined {
  const mismatch = checkServerIdentity(host, cert);
  if (mismatch) {
    return new Error(
      `the certificate of node ${nodeName} does not cover the address ${host} it was dialled at (it covers ` +
        `${covered(cert)}); the node gets a new certificate for its current address when its agent restarts`,
    );
  }
  if (cert.subject?.CN !== nodeCommonName(nodeName)) {
    return new Error(
      `the endpoint at ${host} presented the certificate of "${cert.subject?.CN ?? 'nobody'}", not of node ` +
        `${nodeName} (${nodeCommonName(nodeName)}): nothing was sent to it`,
    );
  }
  return undefined;
}

/** A node's certificate refused because no live credential of the node holds its serial. */
export class UntrustedNodeSerialError extends Error {
  readonly code = 'ERR_CAPSTAN_UNTRUSTED_NODE_SERIAL';
}

function serialCheck(
  nodeName: string,
  serials: ReadonlySet<string>,
): (host: string, cert: PeerCertificate) => Error | undefined {
  return (host, cert) => {
    const serial = normalSerial(cert.serialNumber ?? '');
    if (serials.has(serial)) return undefined;
    return new UntrustedNodeSerialError(
      `the endpoint at ${host} presented a certificate of node ${nodeName} (serial ${serial}) that no live ` +
        `credential of that node holds: it was revoked (the node or its credential was deleted) or replaced; ` +
        `nothing was sent to it`,
    );
  };
}

/** A certificate's serial number as compared everywhere: upper-case hex without leading zeros. */
export function normalSerial(serial: string): string {
  return serial
    .replace(/[^0-9a-f]/gi, '')
    .replace(/^0+(?=.)/, '')
    .toUpperCase();
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((item) => b.has(item));
}

/** A certificate's SubjectPublicKeyInfo digest, to compare two CA certificates. */
export function samePublicKey(aPem: string, bPem: string): boolean {
  try {
    const a = new X509Certificate(aPem).publicKey.export({ type: 'spki', format: 'der' });
    const b = new X509Certificate(bPem).publicKey.export({ type: 'spki', format: 'der' });
    return a.equals(b);
  } catch {
    return false;
  }
}
