import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { CapstanError, isCapstanError } from '../api/errors.ts';
import { BOOTSTRAP_TOKEN_PATTERN } from '../auth/tokens.ts';
import { createCapstanClient, graphqlEndpoint, type CapstanDocument } from '../sdk/client.ts';
import type { Logger } from '../util/logger.ts';
import { discoverClusterCa, type DiscoveryOptions } from './discovery-client.ts';
import { toCapstanError } from './errors.ts';
import { trustedTransport } from './tls-transport.ts';
import { JOIN_NODE, RENEW_NODE_CREDENTIAL, REQUEST_NODE_CERTIFICATE } from './operations.ts';
import { createNodeCsr } from '../pki/node-certificate.ts';
import { samePublicKey, type TlsIdentity } from '../pki/node-endpoint-tls.ts';

export interface NodeCredentialOptions {
  /** The API server URL. */
  server: string;
  /** A bootstrap token (exchanged for a node credential) or a node credential (used as it is). */
  token: string;
  nodeName: string;
  /** Where node credentials are kept. Default ~/.capstan. */
  dir?: string;
  /** Whether a credential works; a saved one that does not is replaced by a new join. */
  verify?: (credential: string, ca: string | undefined) => Promise<void>;
  /** For an https server: `--discovery-token-ca-cert-hash` values. */
  caCertHashes?: string[];
  /** For an https server: `--discovery-token-unsafe-skip-ca-verification`. */
  unsafeSkipCaVerification?: boolean;
  logger?: Logger;
}

interface SavedCredential {
  server: string;
  nodeName: string;
  token: string;
  tokenName?: string;
  expiresAt?: string;
  /** The cluster CA pinned at join (https servers). */
  ca?: string;
}

/** A node credential, when it expires (none: never) and the cluster CA to trust (https servers). */
export interface NodeCredential {
  token: string;
  name?: string;
  expiresAt?: string;
  ca?: string;
}

/** `~/.capstan/node-<name>.yaml`: the credential a node got when it joined, reused when its agent restarts. */
export function nodeCredentialPath(nodeName: string, dir = join(homedir(), '.capstan')): string {
  return join(dir, `node-${nodeName}.yaml`);
}

async function readSaved(path: string): Promise<SavedCredential | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CapstanError('UNAVAILABLE', `cannot read the node credential ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const saved = parse(text) as Partial<SavedCredential> | null;
  if (!saved?.token || !saved.server || !saved.nodeName) return undefined;
  return saved as SavedCredential;
}

async function save(path: string, dir: string, credential: SavedCredential): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(path, stringify(credential), { mode: 0o600 });
  // The mode of writeFile applies only to a new file.
  await chmod(path, 0o600);
}

type IssuedCredential = { token: string; name: string; expiresAt?: string | null };

async function joinCluster(options: NodeCredentialOptions, ca: string | undefined): Promise<IssuedCredential> {
  const client = createCapstanClient({
    url: options.server,
    token: options.token,
    ...(ca ? { fetch: trustedTransport(ca).fetch } : {}),
  });
  try {
    const { joinNode } = await client.request(
      new String(JOIN_NODE) as CapstanDocument<{ joinNode: IssuedCredential }, { nodeName: string }>,
      { nodeName: options.nodeName },
    );
    return joinNode;
  } catch (err) {
    const error = toCapstanError(err);
    const refused = error.code === 'UNAUTHENTICATED' ? 'the server refused the bootstrap token: ' : '';
    throw new CapstanError(
      error.code,
      `cannot join ${client.endpoint} as node ${options.nodeName}: ${refused}${error.message}`,
      { cause: err },
    );
  } finally {
    await client.close();
  }
}

/**
 * The node credential to run with. A bootstrap token (kubeadm format) is exchanged once through `joinNode` and the
 * credential saved (mode 0600) so that a restarted agent reuses it, even after the bootstrap token expired; any
 * other token is taken to be a node credential already. Throws CapstanError with the server's reason when the
 * join is refused (unknown or expired token: UNAUTHENTICATED).
 */
export async function obtainNodeCredential(options: NodeCredentialOptions): Promise<NodeCredential> {
  if (!BOOTSTRAP_TOKEN_PATTERN.test(options.token.trim())) return { token: options.token.trim() };
  const dir = options.dir ?? join(homedir(), '.capstan');
  const path = nodeCredentialPath(options.nodeName, dir);
  const server = graphqlEndpoint(options.server);
  const saved = await readSaved(path);
  if (saved && saved.server === server && saved.nodeName === options.nodeName) {
    try {
      await options.verify?.(saved.token, saved.ca);
      options.logger?.info({ path }, 'using the saved node credential');
      return {
        token: saved.token,
        ...(saved.ca ? { ca: saved.ca } : {}),
        ...(saved.tokenName ? { name: saved.tokenName } : {}),
        ...(saved.expiresAt ? { expiresAt: saved.expiresAt } : {}),
      };
    } catch (err) {
      if (!isCapstanError(err, 'UNAUTHENTICATED')) throw err;
      options.logger?.warn({ path }, 'the saved node credential was refused; joining again with the bootstrap token');
    }
  }
  // Over https the server is trusted only once kubeadm's discovery has pinned its CA; nothing is saved before.
  const ca = new URL(server).protocol === 'https:' ? await discoverClusterCa(discoveryOptions(options)) : undefined;
  const credential = await joinCluster(options, ca);
  const issued = {
    token: credential.token,
    name: credential.name,
    ...(credential.expiresAt ? { expiresAt: credential.expiresAt } : {}),
    ...(ca ? { ca } : {}),
  };
  await save(path, dir, {
    server,
    nodeName: options.nodeName,
    token: issued.token,
    tokenName: issued.name,
    ...(issued.expiresAt ? { expiresAt: issued.expiresAt } : {}),
    ...(ca ? { ca } : {}),
  });
  options.logger?.info({ path, token: credential.name }, 'joined the cluster; node credential saved');
  return issued;
}

function discoveryOptions(options: NodeCredentialOptions): DiscoveryOptions {
  return {
    server: options.server,
    token: options.token.trim(),
    caCertHashes: options.caCertHashes ?? [],
    ...(options.unsafeSkipCaVerification ? { unsafeSkipCaVerification: true } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  };
}

export interface CredentialRenewalOptions {
  server: string;
  nodeName: string;
  credential: NodeCredential;
  /** Where node credentials are kept. Default ~/.capstan. */
  dir?: string;
  /** Called with each renewed credential, once it is saved. */
  onRenewed: (credential: NodeCredential) => void;
  logger?: Logger;
}

/** When to renew: two thirds into the credential's remaining life, at least 1 s and at most a day from now. */
export function renewalDelayMs(expiresAt: string, nowMs = Date.now()): number {
  const remaining = Date.parse(expiresAt) - nowMs;
  return Math.min(86_400_000, Math.max(1_000, Math.floor((remaining * 2) / 3)));
}

/**
 * Renews the node's credential before it expires (kubelet's certificate rotation, with tokens): asks the API for a
 * new one with the current one, saves it (mode 0600) and hands it to `onRenewed`. A failed renewal is retried
 * with back-off up to the expiry. A credential without an expiry is never renewed. Returns a stop function.
 */
export function startCredentialRenewal(options: CredentialRenewalOptions): () => void {
  const dir = options.dir ?? join(homedir(), '.capstan');
  const path = nodeCredentialPath(options.nodeName, dir);
  let current = options.credential;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = (delayMs: number): void => {
    if (stopped) return;
    timer = setTimeout(() => void renew(), delayMs);
    timer.unref();
  };
  const renew = async (): Promise<void> => {
    const client = createCapstanClient({
      url: options.server,
      token: current.token,
      ...(current.ca ? { fetch: trustedTransport(current.ca).fetch } : {}),
    });
    try {
      const { renewNodeCredential } = await client.request(
        new String(RENEW_NODE_CREDENTIAL) as CapstanDocument<{ renewNodeCredential: IssuedCredential }, never>,
      );
      const next: NodeCredential = {
        ...(current.ca ? { ca: current.ca } : {}),
        token: renewNodeCredential.token,
        name: renewNodeCredential.name,
        ...(renewNodeCredential.expiresAt ? { expiresAt: renewNodeCredential.expiresAt } : {}),
      };
      await save(path, dir, {
        server: graphqlEndpoint(options.server),
        nodeName: options.nodeName,
        token: next.token,
        tokenName: renewNodeCredential.name,
        ...(next.expiresAt ? { expiresAt: next.expiresAt } : {}),
        ...(next.ca ? { ca: next.ca } : {}),
      });
      current = next;
      options.onRenewed(next);
      options.logger?.info({ token: next.name, expiresAt: next.expiresAt }, 'node credential renewed');
      if (next.expiresAt) schedule(renewalDelayMs(next.expiresAt));
    } catch (err) {
      options.logger?.warn({ err: toCapstanError(err) }, 'renewing the node credential failed; retrying');
      if (current.expiresAt && Date.parse(current.expiresAt) > Date.now()) schedule(5_000);
    } finally {
      await client.close();
    }
  };
  if (current.expiresAt) schedule(renewalDelayMs(current.expiresAt));
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/**
 * The serving identity of the node's endpoint (port 10250), as kubelet gets its serving certificate: a fresh key and
 * a CSR for `system:node:<name>` with the node's addresses, signed by the cluster CA through `requestNodeCertificate`
 * with the node credential. The key stays in memory; each start asks again. Over https the CA in the answer must be
 * the one pinned at join; over the plain loopback listener the answer is taken as it comes (that is where plain
 * HTTP is allowed at all).
 */
export async function obtainNodeServingIdentity(options: {
  server: string;
  credential: NodeCredential;
  nodeName: string;
  addresses: string[];
}): Promise<TlsIdentity> {
  const { credential } = options;
  const csr = await createNodeCsr(options.nodeName, options.addresses);
  const client = createCapstanClient({
    url: options.server,
    token: credential.token,
    ...(credential.ca ? { fetch: trustedTransport(credential.ca).fetch } : {}),
  });
  try {
    const { requestNodeCertificate: signed } = await client.request(
      new String(REQUEST_NODE_CERTIFICATE) as CapstanDocument<
        { requestNodeCertificate: { certificate: string; caCertificate: string } },
        { csr: string }
      >,
      { csr: csr.csrPem },
    );
    if (credential.ca && !samePublicKey(credential.ca, signed.caCertificate)) {
      throw new CapstanError(
        'UNAUTHENTICATED',
        'the server signed the node certificate with a CA other than the one pinned at join: refusing it',
      );
    }
    return { certPem: signed.certificate, keyPem: csr.keyPem, caPem: credential.ca ?? signed.caCertificate };
  } catch (err) {
    const error = toCapstanError(err);
    throw new CapstanError(
      error.code,
      `cannot get a serving certificate for node ${options.nodeName}: ${error.message}`,
      {
        cause: err,
      },
    );
  } finally {
    await client.close();
  }
}
