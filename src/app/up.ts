import { isCapstanError } from '../api/errors.ts';
import { NodeStatusAdmission } from '../api/node-status-admission.ts';
import { trustedNodeSerials } from '../auth/node-revocation.ts';
import { DnsIndex } from '../dns/dns-index.ts';
import { startDnsServer } from '../dns/dns-server.ts';
import type { DnsServer } from '../dns/dns-server.ts';
import { NODE_LEASE_NAMESPACE } from '../auth/authorize.ts';
import type { ExecSource } from '../resolvers/exec.ts';
import type { LogSource } from '../resolvers/logs.ts';
import { ensureAdminCredentials } from '../server/admin-credentials.ts';
import { startApiServer } from '../server/http-server.ts';
import type { ClusterInfo } from '../schema/cluster-info.ts';
import { NodeExecSource } from '../server/node-exec-source.ts';
import type { PodStreamSource } from '../resolvers/pod-streams.ts';
import { NodeLogSource } from '../server/node-log-source.ts';
import { NodeStreamSource } from '../server/node-stream-source.ts';
import { NodeUsageSource } from '../server/node-usage-source.ts';
import type { UsageSummary } from '../node/usage-sampler.ts';
import type { ApiServer } from '../server/http-server.ts';
import { startAllocationRepair } from '../services/allocation-repair.ts';
import { ClusterPolicy } from '../security/cluster-policy.ts';
import { ServiceAllocator } from '../services/allocator.ts';
import { PodCidrAllocator } from '../services/pod-cidr-allocator.ts';
import { createRedisStore } from '../store/redis-store.ts';
import { aesGcmCodec, loadOrCreateEncryptionKey } from '../store/secret-encryption.ts';
import { ImagePullSecretsAdmission } from '../resolvers/image-pull-secrets.ts';
import type { RedisStore } from '../store/redis-store.ts';
import { logger } from '../util/logger.ts';
import { advertiseAddress, clusterInfoDocument, issueApiCertificate } from './api-tls.ts';
import { isLoopbackHost, loadConfig } from './config.ts';
import { loadOrCreateClusterCa } from '../pki/cluster-ca.ts';
import { nodeEndpointPki, type NodeEndpointPki } from '../pki/node-certificate.ts';
import { clusterInfoKubeconfig } from '../pki/discovery.ts';
import type { CapstanConfig } from './config.ts';
import { syncDnsIndex } from './dns-sync.ts';
import { startControllerManager } from '../controllers/controller-manager.ts';
import type { ControllerManager, ControllerManagerOptions } from '../controllers/controller-manager.ts';
import { startLocalNode } from './local-node.ts';

const log = logger.child({ component: 'capstan' });

/** A running control plane: API, controllers (while leader), DNS. */
export interface ControlPlane {
  config: CapstanConfig;
  store: RedisStore;
  api: ApiServer;
  dns: DnsServer;
  dnsIndex: DnsIndex;
  /** The controllers of this process; they act only while it holds the leader lease. */
  manager: ControllerManager;
  adminToken: string;
  configPath: string;
  /**
   * Serves the logs of pods on `nodeName` (default the configured local node) from a node agent of this process;
   * the returned function undoes it. Pods on other nodes are read from their nodes' log endpoints.
   */
  attachLogSource(source: LogSource, nodeName?: string): () => void;
  /** As attachLogSource, for commands run in containers (`exec`). */
  attachExecSource(source: ExecSource, nodeName?: string): () => void;
  /** Serves the streams (exec -it, attach, port-forward) of a node agent of this process. */
  attachStreamSource(source: PodStreamSource, nodeName?: string): () => void;
  /** Serves the resource usage (`top`, `pod.usage`) of a node agent of this process. */
  attachUsageSource(sampler: { summary(): UsageSummary }, nodeName?: string): () => void;
  /** The node endpoints' PKI: the API server's client certificate and dialer, and node certificates from the CA. */
  nodePki: NodeEndpointPki;
  stop(): Promise<void>;
}

/** Settings of the control plane that are not user configuration: embedding and tests. */
export interface ControlPlaneOptions {
  /** Environment read for the admin credential (CAPSTAN_TOKEN, CAPSTAN_CONFIG). Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Controller manager settings: leader election timing, node lifecycle timeouts, ... Default: the defaults. */
  controllers?: Partial<Omit<ControllerManagerOptions, 'store'>>;
}

/**
 * Starts the control plane of `capstan server`: the store with Service address allocation, the GraphQL API, the
 * controllers and scheduler (which run only while this process holds the leader lease), and the host-side DNS
 * responder fed by informers.
 */
export async function startControlPlane(
  overrides: Partial<CapstanConfig> = {},
  options: ControlPlaneOptions = {},
): Promise<ControlPlane> {
  const config = loadConfig(overrides);
  const allocator = new ServiceAllocator({
    serviceCidr: config.serviceCidr,
    dnsAddress: config.dnsServiceIp,
    loadBalancerCidr: config.loadBalancerCidr,
  });
  const policy = new ClusterPolicy({
    serviceCidr: config.serviceCidr,
    hostPathAllowed: config.hostPathAllowed,
    hostPortRange: config.hostPortRange,
  });
  const nodeStatus = new NodeStatusAdmission({ allowLoopback: config.loopbackNodes });
  const podCidrs = new PodCidrAllocator({ clusterCidr: config.clusterCidr });
  const encryption = aesGcmCodec(loadOrCreateEncryptionKey(config.encryptionKeyFile));
  const store = await createRedisStore({
    url: config.redisUrl,
    prefix: config.prefix,
    admission: [allocator, podCidrs, policy, nodeStatus, new ImagePullSecretsAdmission(() => store)],
    encryption,
  });
  allocator.attach(store);
  podCidrs.attach(store);
  nodeStatus.attach(store);
  const stops: (() => Promise<void>)[] = [() => store.close()];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((err: unknown) => log.warn({ err }, 'error while stopping'));
  };
  try {
    await ensureNamespace(store, NODE_LEASE_NAMESPACE);
    const repair = startAllocationRepair(store);
    stops.push(() => repair.stop());

    // The CA is made on first start and kept beside the admin credential; TLS only where the API leaves loopback.
    const ca = await loadOrCreateClusterCa(config.pkiDir);
    // Node endpoints are called over mutual TLS with a client certificate of this process and a call authorization
    // per request: no token of this server ever goes to a node (pki/node-endpoint-tls.ts).
    const nodePki = await nodeEndpointPki(ca, { nodeCertLifetimeSeconds: config.nodeCertLifetimeSeconds });
    stops.push(async () => nodePki.dialer.close());
    nodePki.dialer.checkRevocation((nodeName) => trustedNodeSerials(store, nodeName));
    const logs = new NodeLogSource({ store, dialer: nodePki.dialer });
    const execs = new NodeExecSource({ store, dialer: nodePki.dialer });
    // Streams (exec -it, attach, port-forward) the same way: one call authorization per stream.
    const streams = new NodeStreamSource({ store, dialer: nodePki.dialer });
    // Resource usage as metrics-server reads it: each node's summary, fetched at most every few seconds.
    const usage = new NodeUsageSource({ store, dialer: nodePki.dialer, logger: log });
    // Completed with the DNS address once that listens; resolvers see this very object.
    const clusterInfo: ClusterInfo = {
      clusterDomain: config.clusterDomain,
      serviceCidr: config.serviceCidr,
      dnsServiceIp: config.dnsServiceIp,
      loadBalancerCidr: config.loadBalancerCidr,
    };
    clusterInfo.caCertHash = ca.hash;
    const secure = config.securePort !== undefined;
    const api = await startApiServer({
      store,
      host: isLoopbackHost(config.host) ? config.host : '127.0.0.1',
      port: config.port,
      limits: config.limits,
      contextExtras: {
        logSource: logs,
        execSource: execs,
        usageSource: usage,
        clusterInfo,
        nodeCertificates: nodePki.signer,
      },
      streamSource: streams,
      ...(secure
        ? {
            tls: { host: config.host, port: config.securePort!, ...(await issueApiCertificate(config, ca)) },
            clusterInfoDocument: async () =>
              clusterInfo.discoveryKubeconfig ? clusterInfoDocument(store, clusterInfo.discoveryKubeconfig) : undefined,
          }
        : {}),
    });
    stops.push(() => api.close());
    if (api.secureUrl) {
      const port = new URL(api.secureUrl).port;
      const address = advertiseAddress(config);
      clusterInfo.apiServer = `https://${address.includes(':') ? `[${address}]` : address}:${port}`;
      clusterInfo.discoveryKubeconfig = clusterInfoKubeconfig(clusterInfo.apiServer, ca.certPem);
    }
    const credentials = await ensureAdminCredentials({ store, serverUrl: api.url, env: options.env ?? process.env });

    const dnsIndex = new DnsIndex({ zone: config.clusterDomain, nameserverIp: config.dnsServiceIp });
    const dnsSync = syncDnsIndex(store, dnsIndex);
    stops.push(() => dnsSync.stop());
    const dns = await startDnsServer(dnsIndex, {
      host: config.dnsHost,
      port: config.dnsPort,
      maxTcpConnections: config.limits.dnsTcpConnections,
      tcpIdleTimeoutMs: config.limits.dnsTcpIdleMs,
    });
    stops.push(() => dns.stop());
    clusterInfo.dns = `${dns.address.host}:${dns.address.port}`;

    const manager = startControllerManager({
      leaderElection: {},
      ...options.controllers,
      eventTtl: { ttlMs: config.eventTtlSeconds * 1000, ...options.controllers?.eventTtl },
      store,
    });
    stops.push(() => manager.stop());

    log.info({ api: `${api.url}/graphql`, dns: `${dns.address.host}:${dns.address.port}` }, 'control plane started');
    return {
      config,
      store,
      api,
      dns,
      dnsIndex,
      manager,
      adminToken: credentials.token,
      configPath: credentials.configPath,
      attachLogSource(source, nodeName = config.nodeName) {
        return logs.attach(nodeName, source);
      },
      attachExecSource(source, nodeName = config.nodeName) {
        return execs.attach(nodeName, source);
      },
      attachStreamSource(source, nodeName = config.nodeName) {
        return streams.attachNode(nodeName, source);
      },
      attachUsageSource(sampler, nodeName = config.nodeName) {
        return usage.attachNode(nodeName, sampler);
      },
      nodePki,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

async function ensureNamespace(store: RedisStore, name: string): Promise<void> {
  try {
    await store.create('Namespace', { kind: 'Namespace', metadata: { name } });
  } catch (err) {
    if (!isCapstanError(err, 'ALREADY_EXISTS')) throw err;
  }
}

/** `capstan server`: the control plane until SIGINT/SIGTERM. */
export async function runServer(overrides: Partial<CapstanConfig> = {}): Promise<void> {
  const plane = await startControlPlane(overrides);
  printReady(plane, false);
  await untilSignal();
  await plane.stop();
}

/** `capstan up`: the control plane plus one local node in this process, until SIGINT/SIGTERM. */
export async function runUp(overrides: Partial<CapstanConfig> = {}): Promise<void> {
  const plane = await startControlPlane(overrides);
  const node = await startLocalNode(plane).catch(async (err: unknown) => {
    await plane.stop();
    throw err;
  });
  printReady(plane, true);
  await untilSignal();
  await node.stop();
  await plane.stop();
}

function printReady(plane: ControlPlane, withNode: boolean): void {
  const lines = [
    `Capstan is up${withNode ? ` with node ${plane.config.nodeName}` : ''}.`,
    `  API and GraphiQL: ${plane.api.url}/graphql`,
    ...(plane.api.secureUrl ? [`  API over TLS:     ${plane.api.secureUrl}/graphql (nodes join here)`] : []),
    `  Dashboard:        ${plane.api.url}/dashboard`,
    `  DNS:              ${plane.dns.address.host}:${plane.dns.address.port} (UDP and TCP), zone ${plane.config.clusterDomain}`,
    `  Admin credential: ${plane.configPath} (the capstan CLI reads it)`,
    'Press Ctrl-C to stop.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}
