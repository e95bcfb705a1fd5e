import { hostname, networkInterfaces } from 'node:os';
import type { Store } from '../store/store.ts';
import { issueCertificate, type ClusterCa, type KeyedCertificate } from '../pki/cluster-ca.ts';
import { documentDigest, type ClusterInfoDocument } from '../pki/discovery.ts';
import type { CapstanConfig } from './config.ts';

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

function machineAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && !a.internal)
    .map((a) => a!.address);
}

/** The address nodes are told to reach the API on: the configured one, the listen address, or this machine's first. */
export function advertiseAddress(config: CapstanConfig): string {
  if (config.advertiseAddress) return config.advertiseAddress;
  if (!WILDCARDS.has(config.host)) return config.host;
  return machineAddresses().find((a) => !a.includes(':')) ?? '127.0.0.1';
}

/**
 * The API server's certificate, issued by the cluster CA at each start for the names it is reached by: the advertised
 * and listen addresses (every address of the machine for a wildcard), loopback, localhost, the host name and
 * CAPSTAN_CERT_SANS.
 */
export function issueApiCertificate(config: CapstanConfig, ca: ClusterCa): Promise<KeyedCertificate> {
  const names = [
    advertiseAddress(config),
    ...(WILDCARDS.has(config.host) ? machineAddresses() : [config.host]),
    '127.0.0.1',
    '::1',
    'localhost',
    hostname(),
    ...config.certSans,
  ].map((name) => name.replace(/%.*$/, ''));
  return issueCertificate(ca, { commonName: 'capstan-apiserver', names, usage: 'server' });
}

/** The public cluster-info document: the kubeconfig and the signatures of live bootstrap tokens over it. */
export async function clusterInfoDocument(store: Store, kubeconfig: string): Promise<ClusterInfoDocument> {
  const digest = documentDigest(kubeconfig);
  const { items } = await store.list('Token', { labelSelector: 'capstan.io/token-role=bootstrap' });
  const now = Date.now();
  const signatures: Record<string, string> = {};
  for (const token of items) {
    const spec = token.spec;
    if (!spec?.discoverySignature || spec.discoveryDigest !== digest || token.metadata.deletionTimestamp) continue;
    if (spec.expiresAt && Date.parse(spec.expiresAt) <= now) continue;
    if (spec.maxUses !== undefined && (spec.uses ?? 0) >= spec.maxUses) continue;
    signatures[token.metadata.name] = spec.discoverySignature;
  }
  return { kubeconfig, signatures };
}
