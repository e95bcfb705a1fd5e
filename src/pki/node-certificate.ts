import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import { CapstanError } from '../api/errors.ts';
import { signPublicKey, type ClusterCa } from './cluster-ca.ts';
import { API_CLIENT_COMMON_NAME, NodeDialer, nodeCommonName, type TlsIdentity } from './node-endpoint-tls.ts';
import { issueCertificate } from './cluster-ca.ts';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;
/** A node's serving certificate lives a year by default (kubelet's); the node renews it at 70-90% of that. */
export const NODE_CERT_LIFETIME_SECONDS = 365 * 86_400;
const MAX_NAMES = 16;

/** A CSR and the private key it was made for (PKCS#8 PEM), which never leaves the node. */
export interface NodeCsr {
  csrPem: string;
  keyPem: string;
}

function pkcs8Pem(der: ArrayBuffer): string {
  const body = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN PRIVATE KEY-----\n${body}${body.endsWith('\n') ? '' : '\n'}-----END PRIVATE KEY-----\n`;
}

/**
 * The node's CSR for its serving certificate, as kubelet makes one: a fresh P-256 key, CN `system:node:<name>`, and
 * its addresses and name as subjectAltNames.
 */
export async function createNodeCsr(nodeName: string, addresses: string[]): Promise<NodeCsr> {
  const keys = (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, [
    'sign',
    'verify',
  ])) as unknown as CryptoKeyPair;
  const names = [...new Set([...addresses, nodeName])].map((name) =>
    isIP(name) ? { type: 'ip' as const, value: name } : { type: 'dns' as const, value: name },
  );
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${nodeCommonName(nodeName)}`,
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [new x509.SubjectAlternativeNameExtension(names, false)],
  });
  const der = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey as unknown as webcrypto.CryptoKey);
  return { csrPem: csr.toString('pem'), keyPem: pkcs8Pem(der) };
}

function invalid(message: string): CapstanError {
  return CapstanError.invalid([{ field: 'csr', message }], 'node certificate request');
}

/**
 * Signs node `nodeName`'s CSR with the cluster CA (the API server's CSR approver for kubelet serving certificates):
 * the CSR must be well-formed and self-signed, name exactly `system:node:<nodeName>` (a node gets a certificate for
 * itself only), and ask only for IP addresses and that node name. Throws INVALID naming what is wrong.
 */
export async function signNodeCsr(
  ca: ClusterCa,
  nodeName: string,
  csrPem: string,
  lifetimeSeconds = NODE_CERT_LIFETIME_SECONDS,
): Promise<string> {
  if (csrPem.length > 16_384) throw invalid('is longer than 16 KiB: not a CSR');
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(csrPem);
  } catch {
    throw invalid('is not a PEM PKCS#10 certificate request');
  }
  if (!(await csr.verify().catch(() => false))) throw invalid('its signature does not verify');
  if (csr.subject !== `CN=${nodeCommonName(nodeName)}`) {
    throw invalid(`names "${csr.subject}"; this node may only ask for CN=${nodeCommonName(nodeName)}`);
  }
  const san = csr.extensions.find((e) => e instanceof x509.SubjectAlternativeNameExtension);
  const names = (san?.names.items ?? []).map((n) => ({ type: n.type as string, value: n.value }));
  if (names.length > MAX_NAMES) throw invalid(`asks for ${names.length} names; at most ${MAX_NAMES}`);
  for (const { type, value } of names) {
    const ok = (type === 'ip' && isIP(value) !== 0) || (type === 'dns' && value === nodeName);
    if (!ok) throw invalid(`asks for ${type}:${value}; only IP addresses and the node name ${nodeName} are allowed`);
  }
  const publicKey = await csr.publicKey.export(KEY_ALGORITHM, ['verify']).catch(() => {
    throw invalid('its key is not a P-256 ECDSA key');
  });
  return signPublicKey(ca, publicKey, {
    commonName: nodeCommonName(nodeName),
    names: names.map((n) => n.value),
    usage: 'server',
    lifetimeSeconds,
  });
}

/** A node's signed serving certificate and the CA it chains to (which also signs the API server's client certificate). */
export interface SignedNodeCertificate {
  certificate: string;
  caCertificate: string;
}

/** What the API offers nodes for their endpoint: `requestNodeCertificate` signs with it. */
export interface NodeCertificateSigner {
  sign(nodeName: string, csrPem: string): Promise<SignedNodeCertificate>;
}

/** The control plane's side of the node endpoints: its client certificate and dialer, and the CSR signer. */
export interface NodeEndpointPki {
  dialer: NodeDialer;
  signer: NodeCertificateSigner;
  /** A serving identity for a node of this very process (`capstan up`), made by the same CSR path. */
  issueNodeIdentity(nodeName: string, addresses: string[]): Promise<TlsIdentity>;
}

/** Issues the API server's client certificate for node endpoints (at each start, kept in memory) and the signer. */
export async function nodeEndpointPki(
  ca: ClusterCa,
  options: { nodeCertLifetimeSeconds?: number } = {},
): Promise<NodeEndpointPki> {
  const { nodeCertLifetimeSeconds = NODE_CERT_LIFETIME_SECONDS } = options;
  const client = await issueCertificate(ca, { commonName: API_CLIENT_COMMON_NAME, usage: 'client' });
  const signer: NodeCertificateSigner = {
    sign: async (nodeName, csrPem) => ({
      certificate: await signNodeCsr(ca, nodeName, csrPem, nodeCertLifetimeSeconds),
      caCertificate: ca.certPem,
    }),
  };
  return {
    dialer: new NodeDialer({ ...client, caPem: ca.certPem }),
    signer,
    async issueNodeIdentity(nodeName, addresses) {
      const csr = await createNodeCsr(nodeName, addresses);
      const certPem = await signNodeCsr(ca, nodeName, csr.csrPem, nodeCertLifetimeSeconds);
      return { certPem, keyPem: csr.keyPem, caPem: ca.certPem };
    },
  };
}
