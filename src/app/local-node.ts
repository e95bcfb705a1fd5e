import { CapstanError } from '../api/errors.ts';
import { AuthorizedStore } from '../auth/authorized-store.ts';
import { recordNodeCertificate } from '../auth/node-revocation.ts';
import { startCertificateRotation } from '../node/certificate-rotation.ts';
import type { Identity } from '../auth/identity.ts';
import { createToken, renewNodeCredential, type CreatedToken } from '../auth/tokens.ts';
import { renewalDelayMs } from '../remote/node-credentials.ts';
import { logger as rootLogger } from '../util/logger.ts';
import { startNodeAgent } from '../node/agent.ts';
import type { NodeAgent, NodeAgentOptions } from '../node/agent.ts';
import { DockerRuntime } from '../node/docker-runtime.ts';
import { warmPoolFromEnv } from '../node/warm-pool.ts';
import { startLogServer } from '../node/node-endpoint-server.ts';
import type { ContainerRuntime } from '../node/runtime.ts';
import { startPodDns } from '../services/pod-dns.ts';
import { startServiceProxy } from '../services/proxy.ts';
import { pauseImageOf } from './config.ts';
import type { ControlPlane } from './up.ts';

export interface LocalNode {
  readonly nodeName: string;
  /** The node agent alone: stopping it leaves the pods' containers, the proxy and the pod DNS running. */
  readonly agent: NodeAgent;
  stop(): Promise<void>;
}

/**
 * What differs between several local nodes of one control plane (simulated nodes on one machine); unset fields
 * come from the control plane's configuration.
 */
export interface LocalNodeOptions {
  nodeName?: string;
  nodeAddress?: string;
  podSubnet?: string;
  /** Port of the node's log endpoint on its address; default the control plane's `logPort`, 0 a free port. */
  logPort?: number;
  /** Default a DockerRuntime on the local engine. */
  runtime?: ContainerRuntime;
  /** Node agent tuning (lease renewal, resync and back-off periods). */
  agent?: Partial<
    Omit<
      NodeAgentOptions,
      'store' | 'runtime' | 'nodeName' | 'nodeAddress' | 'podSubnet' | 'clusterCidr' | 'dnsServerIp'
    >
  >;
}

/** The local node's credential lives a day and is renewed, as a joined node's is, while `capstan up` runs. */
const LOCAL_CREDENTIAL_TTL_SECONDS = 24 * 3600;
const RENEWAL_RETRY_MS = 5_000;

/**
 * Renews the in-process node credential before it expires (at two thirds of its life, renewalDelayMs), as a joined
 * node does over the API: without it a `capstan up` running longer than a day would lose its node (its lease and
 * status writes refused, its serving certificate no longer trusted). A failure is retried every 5 s. Returns a stop
 * function.
 */
export function renewLocalCredential(
  current: () => CreatedToken,
  renew: () => Promise<CreatedToken>,
  onRenewed: (next: CreatedToken) => void,
  log = rootLogger,
): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = (delayMs: number): void => {
    if (stopped) return;
    timer = setTimeout(() => void attempt(), delayMs);
    timer.unref();
  };
  const attempt = async (): Promise<void> => {
    try {
      const next = await renew();
      if (stopped) return;
      onRenewed(next);
      log.info({ token: next.name, expiresAt: next.expiresAt }, 'renewed the credential of the local node');
      if (next.expiresAt) schedule(renewalDelayMs(next.expiresAt));
    } catch (err) {
      log.warn({ err }, 'renewing the credential of the local node failed; retrying');
      schedule(RENEWAL_RETRY_MS);
    }
  };
  const { expiresAt } = current();
  if (expiresAt) schedule(renewalDelayMs(expiresAt));
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/**
 * The node of `capstan up`: the node agent on the local Docker engine, the service proxy, and the DNS listener
 * pods use (the cluster DNS address on port 53). It acts with a node credential of its own through an
 * AuthorizedStore, so it has exactly the rights a remote node would have.
 */
export async function startLocalNode(plane: ControlPlane, options: LocalNodeOptions = {}): Promise<LocalNode> {
  const { store } = plane;
  const config = {
    ...plane.config,
    nodeName: options.nodeName ?? plane.config.nodeName,
    nodeAddress: options.nodeAddress ?? plane.config.nodeAddress,
  };
  const podSubnet = options.podSubnet ?? plane.config.podSubnet;
  let credential = await createToken(store, {
    role: 'node',
    nodeName: config.nodeName,
    description: `credential of the local node ${config.nodeName} of capstan up`,
    ttlSeconds: LOCAL_CREDENTIAL_TTL_SECONDS,
  });
  // The identity follows the credential as it is renewed: the store reads `tokenName` at each call.
  const identity: Identity = {
    role: 'node',
    nodeName: config.nodeName,
    get tokenName() {
      return credential.name;
    },
  };
  const nodeStore = new AuthorizedStore(store, identity);
  const stopRenewal = renewLocalCredential(
    () => credential,
    () => renewNodeCredential(store, identity),
    (next) => (credential = next),
  );
  const stops: (() => Promise<void>)[] = [
    () => store.delete('Token', undefined, credential.name).then(() => undefined),
    async () => stopRenewal(),
  ];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const podDns = await startPodDns(plane.dnsIndex, {
      address: config.dnsServiceIp,
      maxTcpConnections: config.limits.dnsTcpConnections,
      tcpIdleTimeoutMs: config.limits.dnsTcpIdleMs,
    });
    stops.push(() => podDns.stop());
    // This process reads the node's logs and runs its execs in process (attach* below); the endpoint is for the
    // other control-plane processes on the same Redis, which find it in the Node's status as they find a joined
    // node's.
    const running: { agent?: NodeAgent } = {};
    const servingIdentity = async () => {
      const issued = await plane.nodePki.issueNodeIdentity(config.nodeName, [config.nodeAddress]);
      // Recorded in the node's credential, as requestNodeCertificate does: other API servers trust it then.
      await recordNodeCertificate(store, credential.name, issued.certPem);
      return issued;
    };
    const tls = await servingIdentity();
    const logServer = await startLogServer({
      host: config.nodeAddress,
      port: options.logPort ?? config.logPort,
      nodeName: config.nodeName,
      target: () => running.agent,
      tls,
    }).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      throw new CapstanError(
        'UNAVAILABLE',
        `the node's log port ${config.nodeAddress}:${options.logPort ?? config.logPort} is in use; set CAPSTAN_LOG_PORT to another port (0 picks a free one)`,
      );
    });
    stops.push(() => logServer.close());
    const stopRotation = startCertificateRotation({
      current: tls,
      issue: servingIdentity,
      onRotated: (next) => logServer.setIdentity(next),
    });
    stops.push(() => Promise.resolve(stopRotation()));
    const agent = await startNodeAgent({
      clusterDomain: config.clusterDomain,
      usageIntervalMs: config.usageIntervalMs,
      ...options.agent,
      store: nodeStore,
      runtime:
        options.runtime ??
        new DockerRuntime({ pauseImage: pauseImageOf(config.imageRepository), warmPool: warmPoolFromEnv() }),
      nodeName: config.nodeName,
      nodeAddress: config.nodeAddress,
      ...(podSubnet ? { podSubnet } : {}),
      clusterCidr: config.clusterCidr,
      dnsServerIp: podDns.address,
      kubeletPort: logServer.port,
    });
    running.agent = agent;
    stops.push(() => agent.stop());
    const detachLogs = plane.attachLogSource(agent.logSource, config.nodeName);
    stops.push(async () => detachLogs());
    const detachExec = plane.attachExecSource(agent.execSource, config.nodeName);
    stops.push(async () => detachExec());
    const detachStreams = plane.attachStreamSource(agent.streamSource, config.nodeName);
    stops.push(async () => detachStreams());
    const detachUsage = plane.attachUsageSource(agent.usage, config.nodeName);
    stops.push(async () => detachUsage());
    const proxy = await startServiceProxy({
      store: nodeStore,
      nodeName: config.nodeName,
      nodeAddress: config.nodeAddress,
      dnsAddress: config.dnsServiceIp,
      serviceCidr: config.serviceCidr,
      udpIdleTimeoutMs: config.limits.udpProxyIdleMs,
      maxUdpSessions: config.limits.udpProxySessions,
    });
    stops.push(() => proxy.stop());
    return { nodeName: config.nodeName, agent, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
