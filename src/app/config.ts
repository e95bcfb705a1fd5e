import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { CapstanError } from '../api/errors.ts';
import { DEFAULT_LOG_PORT } from '../api/node-endpoint.ts';
import { DEFAULT_HOST_PATH_ALLOWED, DEFAULT_HOST_PORT_RANGE } from '../security/cluster-policy.ts';
import { DEFAULT_CLUSTER_CIDR } from '../services/addresses.ts';
import { limitsFromEnv, type Limits } from '../util/limits.ts';

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
  /**
   * The podCIDR a node asks for. Env CAPSTAN_POD_SUBNET; by default none, and the control plane assigns the node a
   * block of the cluster CIDR (the first node gets 10.244.0.0/24).
   */
  podSubnet?: string;
  /** Where the control plane takes nodes' podCIDRs from, one /24 each. Env CAPSTAN_CLUSTER_CIDR, default 10.244.0.0/16. */
  clusterCidr: string;
  /**
   * Port of the local node's log endpoint on `nodeAddress`, where other control-plane processes on the same Redis
   * read its containers' logs (as the kubelet's port). Env CAPSTAN_LOG_PORT, default 10250; 0 picks a free port.
   */
  logPort: number;
  /**
   * How often the local node samples its containers' CPU and memory (`pod.usage`, `capstan top`, the dashboard's
   * sparklines). Env CAPSTAN_USAGE_INTERVAL_MS, default 10000 (as metrics-server's resolution), 100 to 600000.
   */
  usageIntervalMs: number;
  /**
   * Pod security: host path prefixes pods may mount. Env CAPSTAN_HOSTPATH_ALLOWED (comma-separated), default
   * /srv,/mnt,/tmp; the protected paths of docs/security.md stay refused under any prefix.
   */
  hostPathAllowed: string[];
  /** Pod security: host ports pods may ask for. Env CAPSTAN_HOST_PORT_RANGE, `MIN-MAX` or `none`; default 1024-65535. */
  hostPortRange: string;
  /**
   * Whether nodes may report loopback and link-local addresses (a cluster on one machine). Env
   * CAPSTAN_LOOPBACK_NODES (true/false); default true exactly when the API listens on loopback only, as `capstan up`
   * does with its node on 127.0.0.1.
   */
  loopbackNodes: boolean;
  /**
   * Port of the TLS listener on `host` (kubeadm's 6443). Env CAPSTAN_SECURE_PORT; default 6443 when `host` is
   * beyond loopback (the plain listener then moves to 127.0.0.1), none on loopback (0: a free port).
   */
  securePort?: number;
  /** Where the cluster CA is kept. Env CAPSTAN_PKI_DIR, default ~/.capstan/pki. */
  pkiDir: string;
  /**
   * The address nodes reach the API on, in cluster-info and the join command. Env CAPSTAN_ADVERTISE_ADDRESS;
   * default `host` unless it is a wildcard, else the first non-internal IPv4 address of this machine.
   */
  advertiseAddress?: string;
  /** More names and addresses the API's certificate covers. Env CAPSTAN_CERT_SANS, comma-separated. */
  certSans: string[];
  /**
   * Lifetime of the certificates the CA signs for node endpoints (kube-controller-manager's
   * --cluster-signing-duration); nodes renew theirs at 70-90% of it while they run. Env
   * CAPSTAN_NODE_CERT_LIFETIME_SECONDS, default one year (at least 5 s, for tests of the renewal).
   */
  nodeCertLifetimeSeconds: number;
  /**
   * How long an Event is kept after it was last recorded (kube-apiserver's --event-ttl). Env
   * CAPSTAN_EVENT_TTL_SECONDS, default 3600 (one hour), 1 to ten years.
   */
  eventTtlSeconds: number;
  /** Resource limits (docs/security.md, "Limits"): env CAPSTAN_MAX_* and CAPSTAN_*_IDLE_SECONDS over the defaults. */
  limits: Limits;
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

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
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
    ...(env.CAPSTAN_POD_SUBNET ? { podSubnet: env.CAPSTAN_POD_SUBNET } : {}),
    clusterCidr: env.CAPSTAN_CLUSTER_CIDR || DEFAULT_CLUSTER_CIDR,
    logPort: integer('CAPSTAN_LOG_PORT', env.CAPSTAN_LOG_PORT, DEFAULT_LOG_PORT, 0, 65535),
    usageIntervalMs: integer('CAPSTAN_USAGE_INTERVAL_MS', env.CAPSTAN_USAGE_INTERVAL_MS, 10_000, 100, 600_000),
    hostPathAllowed:
      env.CAPSTAN_HOSTPATH_ALLOWED !== undefined
        ? env.CAPSTAN_HOSTPATH_ALLOWED.split(',')
            .map((p) => p.trim())
            .filter((p) => p !== '')
        : DEFAULT_HOST_PATH_ALLOWED,
    hostPortRange: env.CAPSTAN_HOST_PORT_RANGE || DEFAULT_HOST_PORT_RANGE,
    loopbackNodes: false,
    ...(env.CAPSTAN_SECURE_PORT
      ? { securePort: integer('CAPSTAN_SECURE_PORT', env.CAPSTAN_SECURE_PORT, 6443, 0, 65535) }
      : {}),
    pkiDir: env.CAPSTAN_PKI_DIR || join(homedir(), '.capstan', 'pki'),
    ...(env.CAPSTAN_ADVERTISE_ADDRESS ? { advertiseAddress: env.CAPSTAN_ADVERTISE_ADDRESS } : {}),
    certSans: (env.CAPSTAN_CERT_SANS ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
    nodeCertLifetimeSeconds: integer(
      'CAPSTAN_NODE_CERT_LIFETIME_SECONDS',
      env.CAPSTAN_NODE_CERT_LIFETIME_SECONDS,
      365 * 86_400,
      5,
      10 * 365 * 86_400,
    ),
    eventTtlSeconds: integer('CAPSTAN_EVENT_TTL_SECONDS', env.CAPSTAN_EVENT_TTL_SECONDS, 3_600, 1, 10 * 365 * 86_400),
    limits: limitsFromEnv(env),
    encryptionKeyFile: env.CAPSTAN_ENCRYPTION_KEY_FILE || '/var/lib/capstan/encryption-key',
    imageRepository: env.CAPSTAN_IMAGE_REPOSITORY || 'capstan',
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) (config as unknown as Record<string, unknown>)[key] = value;
  }
  if (overrides.loopbackNodes === undefined) {
    const flag = env.CAPSTAN_LOOPBACK_NODES;
    if (flag !== undefined && flag !== '' && flag !== 'true' && flag !== 'false') {
      throw CapstanError.invalid([
        { field: 'CAPSTAN_LOOPBACK_NODES', message: `must be true or false, got "${flag}"` },
      ]);
    }
    config.loopbackNodes = flag ? flag === 'true' : isLoopbackHost(config.host);
  }
  if (config.securePort === undefined && !isLoopbackHost(config.host)) config.securePort = 6443;
  return config;
}
