import { loadConfig, pauseImageOf } from './config.ts';
import { syncDnsIndex } from './dns-sync.ts';
import { DnsIndex } from '../dns/dns-index.ts';
import { GraphQLStore } from '../remote/graphql-store.ts';
import { obtainNodeCredential, obtainNodeServingIdentity, startCredentialRenewal } from '../remote/node-credentials.ts';
import { startPodDns } from '../services/pod-dns.ts';
import { startServiceProxy } from '../services/proxy.ts';
import { logger as rootLogger, type Logger } from '../util/logger.ts';
import { startNodeAgent, type NodeAgent } from '../node/agent.ts';
import { crashLoopBackOff } from '../node/backoff.ts';
import { DockerRuntime } from '../node/docker-runtime.ts';
import { warmPoolFromEnv } from '../node/warm-pool.ts';
import { startLogServer, type LogServer } from '../node/node-endpoint-server.ts';
import { startCertificateRotation } from '../node/certificate-rotation.ts';

export interface RunNodeOptions {
  /** The API server, e.g. http://10.0.0.1:7070. */
  server: string;
  /** A bootstrap token (`capstan token create --bootstrap`) or a node credential. */
  token: string;
  /** `--discovery-token-ca-cert-hash` values, for an https server. */
  caCertHashes?: string[];
  /** `--discovery-token-unsafe-skip-ca-verification`. */
  unsafeSkipCaVerification?: boolean;
  /** Node name. Default CAPSTAN_NODE_NAME, else the host name. */
  name?: string;
  /** Where this node publishes NodePorts and pod ports. Default CAPSTAN_NODE_ADDRESS, else 127.0.0.1. */
  address?: string;
  /**
   * The podCIDR this node asks for. Default CAPSTAN_POD_SUBNET, else none: the control plane assigns one from its
   * cluster CIDR.
   */
  podSubnet?: string;
  /** The cluster CIDR (pod traffic leaving it is masqueraded). Default CAPSTAN_CLUSTER_CIDR, else 10.244.0.0/16. */
  clusterCidr?: string;
  /** Where node credentials are kept. Default ~/.capstan. */
  credentialDir?: string;
  /** Host directory for per-pod state. Default /var/lib/capstan. */
  stateRoot?: string;
  /**
   * Port of the node's log endpoint on `address`, which the API server reads container logs from. Default
   * CAPSTAN_LOG_PORT, else 10250; 0 picks a free port (published in the Node's status either way).
   */
  logPort?: number;
  /**
   * The kubelet's `crashLoopBackOff.maxContainerRestartPeriod` (1 s to 300 s): the longest restart back-off of an
   * exited container. Default 300 s (10 s doubling to 5 min).
   */
  maxContainerRestartPeriodMs?: number;
  /** Serve the cluster DNS address to this node's pods. Default true. */
  podDns?: boolean;
  logger?: Logger;
}

/** A node agent running against a remote API, with its service proxy and pod DNS. */
export interface RemoteNode {
  readonly nodeName: string;
  readonly store: GraphQLStore;
  readonly agent: NodeAgent;
  /** Where the node serves container logs to the API server. */
  readonly logServer: LogServer;
  /** Stops everything; pods keep running, to be re-adopted by the next agent of this node. */
  stop(): Promise<void>;
}

/**
 * Joins a cluster and starts the node: exchanges a bootstrap token for a node credential (saved for restarts), then
 * runs the node agent on the local Docker engine, the service proxy and the pod-facing DNS, all on a GraphQLStore,
 * so that the node's only access to cluster state is the API with its own credential.
 *
 * The pod DNS is started on every node: on the machine of the control plane (or of another node) the cluster DNS
 * address may be served already, and then this node's listener waits and takes over when that one stops.
 */
export async function startRemoteNode(options: RunNodeOptions): Promise<RemoteNode> {
  const config = loadConfig({
    ...(options.name ? { nodeName: options.name.toLowerCase() } : {}),
    ...(options.address ? { nodeAddress: options.address } : {}),
    ...(options.podSubnet ? { podSubnet: options.podSubnet } : {}),
    ...(options.clusterCidr ? { clusterCidr: options.clusterCidr } : {}),
  });
  const nodeName = config.nodeName;
  const log = (options.logger ?? rootLogger).child({ component: 'capstan-node', node: nodeName });
  const credential = await obtainNodeCredential({
    server: options.server,
    token: options.token,
    nodeName,
    ...(options.credentialDir ? { dir: options.credentialDir } : {}),
    ...(options.caCertHashes ? { caCertHashes: options.caCertHashes } : {}),
    ...(options.unsafeSkipCaVerification ? { unsafeSkipCaVerification: true } : {}),
    verify: async (token, ca) => {
      const probe = new GraphQLStore({ server: options.server, token, ...(ca ? { ca } : {}) });
      try {
        await probe.currentResourceVersion();
      } finally {
        await probe.close();
      }
    },
    logger: log,
  });

  const store = new GraphQLStore({
    server: options.server,
    token: credential.token,
    ...(credential.ca ? { ca: credential.ca } : {}),
    logger: log,
  });
  const stops: (() => Promise<void>)[] = [() => store.close()];
  let currentCredential = credential;
  const stopRenewal = startCredentialRenewal({
    server: options.server,
    nodeName,
    credential,
    ...(options.credentialDir ? { dir: options.credentialDir } : {}),
    onRenewed: (renewed) => {
      currentCredential = renewed;
      store.setToken(renewed.token);
    },
    logger: log,
  });
  stops.push(() => Promise.resolve(stopRenewal()));
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse()) await stop().catch((err: unknown) => log.warn({ err }, 'error while stopping'));
  };
  try {
    if (options.podDns ?? true) {
      const index = new DnsIndex({ zone: config.clusterDomain, nameserverIp: config.dnsServiceIp });
      const dnsSync = syncDnsIndex(store, index);
      stops.push(() => dnsSync.stop());
      const podDns = await startPodDns(index, {
        address: config.dnsServiceIp,
        maxTcpConnections: config.limits.dnsTcpConnections,
        tcpIdleTimeoutMs: config.limits.dnsTcpIdleMs,
      });
      stops.push(() => podDns.stop());
    }
    const proxy = startServiceProxy({
      store,
      nodeName,
      nodeAddress: config.nodeAddress,
      dnsAddress: config.dnsServiceIp,
      serviceCidr: config.serviceCidr,
      udpIdleTimeoutMs: config.limits.udpProxyIdleMs,
      maxUdpSessions: config.limits.udpProxySessions,
    });
    stops.push(() => proxy.stop());
    // Listening before the agent registers the Node, so that its status can say where; requests that come before
    // the agent is up get 503.
    const running: { agent?: NodeAgent } = {};
    // The endpoint serves TLS with a certificate the cluster CA issues to this node, and only to the API server.
    const servingIdentity = () =>
      obtainNodeServingIdentity({
        server: options.server,
        credential: currentCredential,
        nodeName,
        addresses: [config.nodeAddress],
      });
    const tls = await servingIdentity();
    const logServer = await startLogServer({
      host: config.nodeAddress,
      port: options.logPort ?? config.logPort,
      nodeName,
      target: () => running.agent,
      tls,
      logger: log,
    });
    stops.push(() => logServer.close());
    const stopRotation = startCertificateRotation({
      current: tls,
      issue: servingIdentity,
      onRotated: (next) => logServer.setIdentity(next),
      logger: log,
    });
    stops.push(() => Promise.resolve(stopRotation()));
    const started = await startNodeAgent({
      store,
      runtime: new DockerRuntime({
        pauseImage: pauseImageOf(config.imageRepository),
        ...(options.stateRoot ? { stateRoot: options.stateRoot } : {}),
        warmPool: warmPoolFromEnv(),
      }),
      nodeName,
      nodeAddress: config.nodeAddress,
      ...(config.podSubnet ? { podSubnet: config.podSubnet } : {}),
      clusterCidr: config.clusterCidr,
      dnsServerIp: config.dnsServiceIp,
      clusterDomain: config.clusterDomain,
      kubeletPort: logServer.port,
      usageIntervalMs: config.usageIntervalMs,
      crashLoopBackOff: crashLoopBackOff(options.maxContainerRestartPeriodMs),
      logger: log,
    });
    running.agent = started;
    stops.push(() => started.stop());
    await proxy.synced;
    log.info(
      { server: store.endpoint, address: config.nodeAddress, podCIDR: started.network.subnet, logPort: logServer.port },
      'node joined',
    );
    return { nodeName, store, agent: started, logServer, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** `capstan node` / `capstan join`: a node of a remote cluster until SIGINT/SIGTERM. */
export async function runNode(options: RunNodeOptions): Promise<void> {
  // Listening before the start: a signal during it stops the node once started instead of killing the process
  // half-way (a Node registered, containers being adopted).
  let done = (): void => undefined;
  const signalled = new Promise<void>((resolve) => (done = resolve));
  process.on('SIGINT', done);
  process.on('SIGTERM', done);
  try {
    const node = await startRemoteNode(options);
    process.stdout.write(`Node ${node.nodeName} joined ${node.store.endpoint}. Press Ctrl-C to stop.\n`);
    await signalled;
    await node.stop();
  } finally {
    process.off('SIGINT', done);
    process.off('SIGTERM', done);
  }
}
