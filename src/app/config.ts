import { hostname } from 'node:os';
import { CapstanError } from '../api/errors.ts';
import { DEFAULT_LOG_PORT } from '../node/log-server.ts';

/** Settings of `capstan server`, `capstan up` and the local node, from flags over environment over defaults. */
export interface CapstanConfig {
  /** API listen address. Env CAPSTAN_HOST, default 127.0.0.1. */
  host: string;
  /** API port. Env CAPSTAN_PORT, default 7070. */
  port: number;
  /** Host-side DNS responder port on `dnsHost`, UDP and TCP. Env CAPSTAN_DNS_PORT, default 1053. */
  dnsPort: number;
  dnsHost: string;
  /** Env REDIS_URL, default redis://127.0.0.1:6379. */
  redisUrl: string;
  /** Key prefix in Redis: several clusters can share one Redis. Env CAPSTAN_PREFIX, default `capstan:`. */
  prefix: string;
  /** The cluster DNS zone. Env CAPSTAN_CLUSTER_DOMAIN, default cluster.local. */
  clusterDomain: string;
  /** ClusterIP range. Env CAPSTAN_SERVICE_CIDR, default 10.96.0.0/16. */
  serviceCidr: string;
  /** The cluster DNS service address inside the service range, served to pods on port 53. */
  dnsServiceIp: string;
  /** LoadBalancer address pool. Env CAPSTAN_LB_CIDR, default 127.0.100.0/24 (loopback). */
  loadBalancerCidr: string;
  /** Name of the local node of `capstan up`. Env CAPSTAN_NODE_NAME, default the host name. */
  nodeName: string;
  /** Address of the local node: NodePorts listen here. Env CAPSTAN_NODE_ADDRESS, default 127.0.0.1. */
  nodeAddress: string;
  /** The local node's pod subnet. Env CAPSTAN_POD_SUBNET, default 10.244.0.0/24. */
  podSubnet: string;
  /**
   * Port of the local node's log endpoint on `nodeAddress`, where other control-plane processes on the same Redis
   * read its containers' logs (as the kubelet's port). Env CAPSTAN_LOG_PORT, default 10250; 0 picks a free port.
   */
  logPort: number;
  /**
   * The cluster key that encrypts Secrets in Redis (AES-256-GCM), created 0600 at first start. Every `capstan
   * server` of a cluster must read the same key. Env CAPSTAN_ENCRYPTION_KEY_FILE, default
   * /var/lib/capstan/encryption-key (beside the node state).
   */
  encryptionKeyFile: string;
  /**
   * Where Capstan's own images come from (Kubernetes' KUBE_REPO_PREFIX): the pause image is
   * `<imageRepository>/pause:latest`. Env CAPSTAN_IMAGE_REPOSITORY, default `capstan` (the locally built images).
   */
  imageRepository: string;
}

/** The sandbox image under an image repository (`capstan` → `capstan/pause:latest`). */
export function pauseImageOf(imageRepository: string): string {
  return `${imageRepository.replace(/\/+$/, '')}/pause:latest`;
}

function integer(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw CapstanError.invalid([
      { field: name, message: `must be a whole number from ${min} to ${max}, got "${value}"` },
    ]);
  }
  return parsed;
}

/** Reads the configuration; `overrides` (command-line flags) win over the environment. */
export function loadConfig(
  overrides: Partial<CapstanConfig> = {},
  env: NodeJS.ProcessEnv = process.env,
): CapstanConfig {
  const config: CapstanConfig = {
    host: env.CAPSTAN_HOST || '127.0.0.1',
    port: integer('CAPSTAN_PORT', env.CAPSTAN_PORT, 7070, 0, 65535),
    dnsPort: integer('CAPSTAN_DNS_PORT', env.CAPSTAN_DNS_PORT, 1053, 0, 65535),
    dnsHost: env.CAPSTAN_DNS_HOST || '127.0.0.1',
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    prefix: env.CAPSTAN_PREFIX || 'capstan:',
    clusterDomain: env.CAPSTAN_CLUSTER_DOMAIN || 'cluster.local',
    serviceCidr: env.CAPSTAN_SERVICE_CIDR || '10.96.0.0/16',
    dnsServiceIp: env.CAPSTAN_DNS_SERVICE_IP || '10.96.0.10',
    loadBalancerCidr: env.CAPSTAN_LB_CIDR || '127.0.100.0/24',
    nodeName: (env.CAPSTAN_NODE_NAME || hostname()).toLowerCase(),
    nodeAddress: env.CAPSTAN_NODE_ADDRESS || '127.0.0.1',
    podSubnet: env.CAPSTAN_POD_SUBNET || '10.244.0.0/24',
    logPort: integer('CAPSTAN_LOG_PORT', env.CAPSTAN_LOG_PORT, DEFAULT_LOG_PORT, 0, 65535),
    encryptionKeyFile: env.CAPSTAN_ENCRYPTION_KEY_FILE || '/var/lib/capstan/encryption-key',
    imageRepository: env.CAPSTAN_IMAGE_REPOSITORY || 'capstan',
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) (config as unknown as Record<string, unknown>)[key] = value;
  }
  return config;
}
