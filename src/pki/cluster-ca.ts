import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createHash, webcrypto } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import { CapstanError } from '../api/errors.ts';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;
/** kubeadm's CA lives ten years, the certificates it issues one. */
const CA_LIFETIME_DAYS = 3650;
const LEAF_LIFETIME_DAYS = 365;

/** The cluster's certificate authority: it signs the API server's certificate (and, later, nodes'). */
export interface ClusterCa {
  certPem: string;
  cert: x509.X509Certificate;
  key: CryptoKey;
  /** `sha256:<hex>` of the CA's SubjectPublicKeyInfo: what `--discovery-token-ca-cert-hash` pins. */
  hash: string;
  dir: string;
}

/** A certificate and its private key, PEM (PKCS#8 for the key), as Node's TLS takes them. */
export interface KeyedCertificate {
  certPem: string;
  keyPem: string;
}

/** kubeadm's public key pin: SHA-256 over the DER SubjectPublicKeyInfo of the certificate. */
export function caCertHash(certPem: string): string {
  const cert = new x509.X509Certificate(certPem);
  return `sha256:${createHash('sha256').update(Buffer.from(cert.publicKey.rawData)).digest('hex')}`;
}

function pkcs8Pem(der: ArrayBuffer): string {
  const body = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN PRIVATE KEY-----\n${body}${body.endsWith('\n') ? '' : '\n'}-----END PRIVATE KEY-----\n`;
}

function pkcs8Der(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, '').replace(/\s+/g, ''), 'base64');
}

async function exportKeyPem(key: CryptoKey): Promise<string> {
  return pkcs8Pem(await webcrypto.subtle.exportKey('pkcs8', key as webcrypto.CryptoKey));
}

async function readIfExists(path: string, what: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new CapstanError('UNAVAILABLE', `cannot read the cluster CA ${what} ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/**
 * The cluster CA kept in `dir` (`ca.crt`, and `ca.key` with mode 0600), made on first start. A CA with only one of
 * its two files, or a key that cannot be read or does not parse, is one clear UNAVAILABLE error: a new CA would
 * silently cut off every node that pinned the old one.
 */
export async function loadOrCreateClusterCa(dir: string): Promise<ClusterCa> {
  const certPath = join(dir, 'ca.crt');
  const keyPath = join(dir, 'ca.key');
  const [certPem, keyPem] = [await readIfExists(certPath, 'certificate'), await readIfExists(keyPath, 'key')];
  if (certPem !== undefined && keyPem !== undefined) {
    let key: CryptoKey;
    try {
      key = (await webcrypto.subtle.importKey('pkcs8', pkcs8Der(keyPem), KEY_ALGORITHM, true, [
        'sign',
      ])) as unknown as CryptoKey;
    } catch (err) {
      throw new CapstanError('UNAVAILABLE', `the cluster CA key ${keyPath} is not a P-256 PKCS#8 key`, { cause: err });
    }
    return { certPem, cert: new x509.X509Certificate(certPem), key, hash: caCertHash(certPem), dir };
  }
  if (certPem !== undefined || keyPem !== undefined) {
    const missing = certPem === undefined ? certPath : keyPath;
    throw new CapstanError(
      'UNAVAILABLE',
      `the cluster CA in ${dir} is incomplete: ${missing} is missing (restore it, or remove the directory to make a new CA, which every node must join again)`,
    );
  }
  const keys = (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, [
    'sign',
    'verify',
  ])) as unknown as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=capstan-ca',
    keys,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + CA_LIFETIME_DAYS * DAY_MS),
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  // Written to a directory of its own and renamed into place: two servers starting at once end up with one CA.
  await mkdir(dirname(dir), { recursive: true, mode: 0o700 });
  const staging = await mkdtemp(`${dir}.new-`);
  await writeFile(join(staging, 'ca.key'), await exportKeyPem(keys.privateKey), { mode: 0o600 });
  await chmod(join(staging, 'ca.key'), 0o600);
  await writeFile(join(staging, 'ca.crt'), `${cert.toString('pem')}\n`, { mode: 0o644 });
  try {
    await rename(staging, dir);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
    return loadOrCreateClusterCa(dir);
  }
  return loadOrCreateClusterCa(dir);
}

export interface LeafOptions {
  commonName: string;
  /** DNS names and IP addresses the certificate covers (subjectAltName). */
  names?: string[];
  usage: 'server' | 'client' | 'both';
  lifetimeDays?: number;
  /** Instead of lifetimeDays. A lifetime under two minutes (tests of renewal) is not back-dated by a minute. */
  lifetimeSeconds?: number;
  /** Valid from (default a minute ago): a later start is how a clock that runs behind sees a new certificate. */
  notBefore?: Date;
}

/** A certificate signed by the cluster CA for a fresh P-256 key. */
export async function issueCertificate(ca: ClusterCa, options: LeafOptions): Promise<KeyedCertificate> {
  const keys = (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, [
    'sign',
    'verify',
  ])) as unknown as CryptoKeyPair;
  const certPem = await signPublicKey(ca, keys.publicKey, options);
  return { certPem, keyPem: await exportKeyPem(keys.privateKey) };
}

/** Signs `publicKey` (e.g. from a node's CSR) with the cluster CA. */
export async function signPublicKey(ca: ClusterCa, publicKey: CryptoKey, options: LeafOptions): Promise<string> {
  const now = Date.now();
  const lifetimeMs =
    options.lifetimeSeconds !== undefined
      ? options.lifetimeSeconds * 1000
      : (options.lifetimeDays ?? LEAF_LIFETIME_DAYS) * DAY_MS;
  const usages = { server: [x509.ExtendedKeyUsage.serverAuth], client: [x509.ExtendedKeyUsage.clientAuth] };
  const eku = options.usage === 'both' ? [...usages.server, ...usages.client] : usages[options.usage];
  const names = [...new Set(options.names ?? [])].map((name) =>
    isIP(name) ? { type: 'ip' as const, value: name } : { type: 'dns' as const, value: name },
  );
  const cert = await x509.X509CertificateGenerator.create({
    subject: `CN=${options.commonName.replace(/[,+="<>#;\\]/g, '')}`,
    issuer: ca.cert.subject,
    publicKey,
    signingKey: ca.key,
    notBefore: options.notBefore ?? new Date(now - Math.min(60_000, lifetimeMs / 2)),
    notAfter: new Date((options.notBefore?.getTime() ?? now) + lifetimeMs),
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension(eku, false),
      ...(names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names, false)] : []),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert, false),
    ],
  });
  return `${cert.toString('pem')}\n`;
}
