import { setTimeout as sleep } from 'node:timers/promises';
import { CapstanError, isCapstanError } from '../api/errors.ts';
import { DEFAULT_CLUSTER_CIDR } from '../services/addresses.ts';
import type { Store } from '../store/store.ts';
import { exponentialDelay } from '../util/backoff.ts';
import type { Logger } from '../util/logger.ts';
import { ensureLeaseNamespace, refreshNodeStatus, registerNode, renewLease } from './node-registration.ts';
import type { NodeIdentity } from './node-registration.ts';
import { startOverlay } from './overlay.ts';
import type { Overlay } from './overlay.ts';
import type { ContainerRuntime, NodeNetwork } from './runtime.ts';
import { isLoopbackAddress } from './vxlan.ts';

/** A node agent joining the cluster: the Node registered, its pod network up, Ready, and its Lease held. */

/**
 * Retries `fn` with back-off while it fails with UNAVAILABLE (the engine or API not reachable yet) or CONFLICT (a
 * controller wrote the same object in between: re-read and try again, as a controller does), for `timeoutMs`.
 */
export async function withRetry<T>(what: string, fn: () => Promise<T>, log: Logger, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const retriable = isCapstanError(err, 'UNAVAILABLE') || isCapstanError(err, 'CONFLICT');
      if (!retriable || Date.now() > deadline) throw err;
      log.warn({ err }, `${what} failed; retrying`);
      await sleep(exponentialDelay(attempt, { initialMs: 100, maxMs: 2_000 }));
    }
  }
}

/** What joining needs: the node's identity as it registers, and where its pod network comes from. */
export interface JoinOptions {
  store: Store;
  runtime: ContainerRuntime;
  /** The Node as registered (without the engine version, read here). */
  identity: Omit<NodeIdentity, 'runtimeVersion'>;
  /** The cluster CIDR every podCIDR comes from. Default 10.244.0.0/16. */
  clusterCidr?: string;
  leaseDurationSeconds: number;
}

/** A node that has joined: what its heartbeat rewrites, and its pod network. */
export interface JoinedNode {
  identity: NodeIdentity;
  network: NodeNetwork;
  /** The VXLAN overlay to the other hosts; none for a node on a loopback address. */
  overlay?: Overlay;
  /** When this agent first took the Lease (kept in every renewal). */
  acquireTime: string;
}

/**
 * Registers the Node, sets up its pod network and reports it Ready, then takes its Lease. Registered NotReady
 * first: the podCIDR comes back from the control plane, and the node says Ready only once its pod network works,
 * so that nothing is scheduled onto a half-configured node. A pod network that cannot be set up is reported on the
 * Node (NetworkPluginNotReady with the reason) and thrown.
 */
export async function joinCluster(options: JoinOptions, log: Logger): Promise<JoinedNode> {
  const { store, runtime } = options;
  const version = await withRetry('reading the engine version', () => runtime.version(), log);
  const identity: NodeIdentity = { ...options.identity, runtimeVersion: version.runtimeVersion };
  const registered = await withRetry(
    'registering the node',
    () =>
      registerNode(store, identity, { reason: 'NetworkPluginNotReady', message: 'the pod network is being set up' }),
    log,
  );
  let network: NodeNetwork;
  let overlay: Overlay | undefined;
  try {
    ({ network, overlay } = await setUpPodNetwork(options, registered.spec?.podCIDR, log));
  } catch (err) {
    const message = `pod network setup failed: ${(err as Error).message}`;
    await refreshNodeStatus(store, identity, { reason: 'NetworkPluginNotReady', message }).catch(() => undefined);
    throw err;
  }
  await withRetry('reporting the node Ready', () => refreshNodeStatus(store, identity), log);
  await withRetry('creating the lease namespace', () => ensureLeaseNamespace(store), log);
  const acquireTime = new Date().toISOString();
  const { nodeName } = identity;
  await withRetry(
    'renewing the node lease',
    () => renewLease(store, nodeName, options.leaseDurationSeconds, acquireTime),
    log,
  );
  return { identity, network, ...(overlay ? { overlay } : {}), acquireTime };
}

async function setUpPodNetwork(
  options: JoinOptions,
  podSubnet: string | undefined,
  log: Logger,
): Promise<{ network: NodeNetwork; overlay?: Overlay }> {
  const { store, runtime } = options;
  const { nodeName, nodeAddress } = options.identity;
  if (!podSubnet) {
    throw new CapstanError(
      'UNAVAILABLE',
      `node ${nodeName} has no spec.podCIDR: the control plane assigned none; start the node with --pod-subnet (CAPSTAN_POD_SUBNET)`,
    );
  }
  const network = await withRetry(
    'creating the pod network',
    () =>
      runtime.ensureNodeNetwork({
        node: nodeName,
        subnet: podSubnet,
        clusterCidr: options.clusterCidr ?? DEFAULT_CLUSTER_CIDR,
      }),
    log,
  );
  // Between hosts: a node on a loopback address has no other host to reach (nodes on one machine share routes).
  if (isLoopbackAddress(nodeAddress)) return { network };
  const overlay = await startOverlay({ store, nodeName, nodeAddress, logger: log });
  await overlay.synced;
  return { network, overlay };
}
