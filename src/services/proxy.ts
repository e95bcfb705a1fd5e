import type { Endpoints, Service } from '../api/types.ts';
import { Informer } from '../store/informer.ts';
import type { Store } from '../store/store.ts';
import { logger } from '../util/logger.ts';
import { DEFAULT_DNS_ADDRESS, DEFAULT_SERVICE_CIDR } from './addresses.ts';
import { Balancer, DEFAULT_AFFINITY_TIMEOUT_SECONDS, backendsFor } from './balancer.ts';
import { addLoopbackAddress, guardServiceRange, removeLoopbackAddress } from './loopback.ts';
import { TcpFrontend } from './proxy-tcp.ts';
import type { Frontend } from './proxy-tcp.ts';
import { UdpFrontend } from './proxy-udp.ts';

export interface ServiceProxyOptions {
  store: Store;
  nodeName: string;
  /** The node's address: NodePorts listen here. */
  nodeAddress: string;
  /** The cluster DNS address on `lo` (see `startPodDns`); never removed by the proxy. Default 10.96.0.10. */
  dnsAddress?: string;
  /** The ClusterIP range; gets an `unreachable` route so unserved service addresses never leave the machine. */
  serviceCidr?: string;
  /** Retry period for addresses another proxy on this machine holds. Default 2000 ms. */
  retryBindMs?: number;
  /** A UDP session without traffic for this long is closed. Default 30 s. */
  udpIdleTimeoutMs?: number;
  /** UDP client sessions per listener; datagrams from further clients are dropped. Default 1024. */
  maxUdpSessions?: number;
  /** Add ClusterIPs to `lo` and guard the service range (needs root). Default true. */
  manageAddresses?: boolean;
}

/** One address a service port listens on, as the proxy tracks it. */
export interface ProxyListener {
  service: string;
  protocol: 'TCP' | 'UDP';
  host: string;
  port: number;
  /** False while another proxy on this machine holds the address (or, for UDP, while there is no endpoint). */
  listening: boolean;
  backends: string[];
}

export interface ServiceProxy {
  /** Resolves when both informers synced and the first listeners were set up. */
  readonly synced: Promise<void>;
  listeners(): ProxyListener[];
  stop(): Promise<void>;
}

interface PortState {
  balancer: Balancer;
  frontends: Map<string, Frontend>;
  protocol: 'TCP' | 'UDP';
}

/**
 * The node's service proxy (kube-proxy's userspace mode): for every Service port it listens on the ClusterIP,
 * on the node's address at the NodePort and on the LoadBalancer address, and relays TCP connections and UDP
 * datagrams to the ready endpoints. Informer-driven: an Endpoints change reaches the balancers in the same tick
 * the watch event arrives.
 *
 * Several simulated nodes may share one machine, and only one process can bind a ClusterIP or LoadBalancer
 * address: a proxy that finds one taken assumes another proxy serves it and retries later, taking over when
 * that proxy stops.
 */
export function startServiceProxy(options: ServiceProxyOptions): ServiceProxy {
  return new ServiceProxyImpl(options);
}

const log = logger.child({ component: 'service-proxy' });

class ServiceProxyImpl implements ServiceProxy {
  readonly synced: Promise<void>;
  private readonly services: Informer<'Service'>;
  private readonly endpoints: Informer<'Endpoints'>;
  private readonly ports = new Map<string, PortState>();
  /** Service key -> port keys, so a service's removed ports are found. */
  private readonly servicePorts = new Map<string, Set<string>>();
  /** ClusterIPs this proxy added to `lo` -> how many frontends use them. */
  private readonly addresses = new Map<string, { added: Promise<boolean>; users: number }>();
  private readonly retryTimer: NodeJS.Timeout;
  private stopped = false;
  private readonly dnsAddress: string;
  private readonly manage: boolean;

  constructor(private readonly options: ServiceProxyOptions) {
    this.dnsAddress = options.dnsAddress ?? DEFAULT_DNS_ADDRESS;
    this.manage = options.manageAddresses ?? true;
    this.services = new Informer(options.store, 'Service');
    this.endpoints = new Informer(options.store, 'Endpoints');
    const resync = (obj: Service | Endpoints): void => this.sync(`${obj.metadata.namespace}/${obj.metadata.name}`);
    for (const informer of [this.services, this.endpoints] as const) {
      (informer as Informer<'Service' | 'Endpoints'>).addHandler({
        onAdd: resync,
        onUpdate: (_p, o) => resync(o),
        onDelete: resync,
      });
    }
    const guard = this.manage ? guardServiceRange(options.serviceCidr ?? DEFAULT_SERVICE_CIDR) : Promise.resolve();
    this.services.start();
    this.endpoints.start();
    this.synced = Promise.all([this.services.synced, this.endpoints.synced, guard]).then(() => this.settle());
    this.retryTimer = setInterval(() => this.retryPending(), options.retryBindMs ?? 2000);
    this.retryTimer.unref();
  }

  listeners(): ProxyListener[] {
    const out: ProxyListener[] = [];
    for (const [key, state] of this.ports) {
      for (const frontend of state.frontends.values()) {
        out.push({
          service: key,
          protocol: state.protocol,
          host: frontend.host,
          port: frontend.port,
          listening: frontend.listening,
          backends: state.balancer.list().map((b) => b.key),
        });
      }
    }
    return out;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.retryTimer);
    await Promise.all([this.services.stop(), this.endpoints.stop()]);
    const closing: Promise<void>[] = [];
    for (const state of this.ports.values()) for (const f of state.frontends.values()) closing.push(f.destroy());
    await Promise.all(closing);
    this.ports.clear();
    await Promise.all([...this.addresses.keys()].map((ip) => this.releaseAddress(ip, true)));
  }

  /** Listens started before the first sync settled; `synced` waits for them, so it means "serving". */
  private pending: Promise<unknown>[] | undefined = [];

  private async settle(): Promise<void> {
    while (this.pending && this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      await Promise.allSettled(batch);
    }
    this.pending = undefined;
  }

  private sync(serviceKey: string): void {
    if (this.stopped) return;
    const [namespace, name] = serviceKey.split('/') as [string, string];
    const svc = this.services.get(namespace, name);
    const ep = this.endpoints.get(namespace, name);
    const wanted = new Set<string>();
    const ports = svc?.spec?.ports ?? [];
    for (const port of ports) {
      const protocol = port.protocol ?? 'TCP';
      const portKey = `${serviceKey}:${port.name || port.port}/${protocol}`;
      wanted.add(portKey);
      let state = this.ports.get(portKey);
      if (!state) {
        state = { balancer: new Balancer(), frontends: new Map(), protocol };
        this.ports.set(portKey, state);
      }
      state.balancer.sessionAffinity = svc!.spec!.sessionAffinity ?? 'None';
      state.balancer.affinityTimeoutMs = affinityTimeoutSeconds(svc!) * 1000;
      state.balancer.setBackends(backendsFor(port, ep, ports.length === 1));
      // UDP has no connection to refuse: without endpoints the port is left unbound so clients get ICMP
      // port-unreachable (ECONNREFUSED) at once instead of waiting out a timeout.
      const serve = protocol === 'TCP' || state.balancer.size > 0;
      this.reconcileFrontends(
        state,
        serve ? frontendAddresses(svc!, port.port, port.nodePort, this.options.nodeAddress) : [],
      );
    }
    const previous = this.servicePorts.get(serviceKey) ?? new Set();
    for (const portKey of previous) {
      if (wanted.has(portKey)) continue;
      const state = this.ports.get(portKey);
      this.ports.delete(portKey);
      if (state) this.reconcileFrontends(state, []);
    }
    if (wanted.size > 0) this.servicePorts.set(serviceKey, wanted);
    else this.servicePorts.delete(serviceKey);
  }

  private reconcileFrontends(state: PortState, addresses: { host: string; port: number; clusterIP: boolean }[]): void {
    const wanted = new Map(addresses.map((a) => [`${a.host}:${a.port}`, a]));
    for (const [key, frontend] of state.frontends) {
      if (wanted.has(key)) continue;
      state.frontends.delete(key);
      // close(), not destroy(): open connections to a removed address drain.
      const closing = frontend.close();
      if (this.addresses.has(frontend.host)) void closing.then(() => this.releaseAddress(frontend.host));
    }
    for (const [key, address] of wanted) {
      if (state.frontends.has(key)) continue;
      const onError = (err: Error): void => log.warn({ err, address: key }, 'listener error');
      const frontend =
        state.protocol === 'TCP'
          ? new TcpFrontend(address.host, address.port, state.balancer, onError)
          : new UdpFrontend(address.host, address.port, state.balancer, {
              idleTimeoutMs: this.options.udpIdleTimeoutMs,
              maxSessions: this.options.maxUdpSessions,
              onError,
            });
      state.frontends.set(key, frontend);
      const ready = address.clusterIP && this.manage ? this.holdAddress(address.host) : Promise.resolve(false);
      const binding = ready
        .then(() => this.bind(state, key, frontend))
        .catch((err: unknown) => log.warn({ err, address: key }, 'cannot add the service address to lo'));
      this.pending?.push(binding);
    }
  }

  private async bind(state: PortState, key: string, frontend: Frontend): Promise<void> {
    if (this.stopped || state.frontends.get(key) !== frontend) return;
    try {
      const bound = await frontend.listen();
      if (!bound) log.debug({ address: key }, 'address held by another proxy on this machine; retrying later');
      // The frontend may have been dropped while binding.
      if (bound && (this.stopped || state.frontends.get(key) !== frontend)) await frontend.destroy();
    } catch (err) {
      log.warn({ err, address: key }, 'cannot listen');
    }
  }

  private retryPending(): void {
    for (const state of this.ports.values()) {
      for (const [key, frontend] of state.frontends) if (!frontend.listening) void this.bind(state, key, frontend);
    }
  }

  private holdAddress(ip: string): Promise<boolean> {
    let entry = this.addresses.get(ip);
    if (!entry) {
      entry = { added: addLoopbackAddress(ip), users: 0 };
      this.addresses.set(ip, entry);
    }
    entry.users++;
    return entry.added;
  }

  /** Drops one use of a ClusterIP; the last one removes it from `lo` if this proxy added it. */
  private async releaseAddress(ip: string, all = false): Promise<void> {
    const entry = this.addresses.get(ip);
    if (!entry) return;
    entry.users = all ? 0 : entry.users - 1;
    if (entry.users > 0) return;
    this.addresses.delete(ip);
    const added = await entry.added.catch(() => false);
    if (added && ip !== this.dnsAddress)
      await removeLoopbackAddress(ip).catch((err: unknown) => log.warn({ err, ip }, 'cannot remove address'));
  }
}

/** Where one service port listens: ClusterIP, node address at the NodePort, LoadBalancer addresses. */
function frontendAddresses(
  svc: Service,
  port: number,
  nodePort: number | undefined,
  nodeAddress: string,
): { host: string; port: number; clusterIP: boolean }[] {
  const spec = svc.spec!;
  const out: { host: string; port: number; clusterIP: boolean }[] = [];
  if (spec.clusterIP && spec.clusterIP !== 'None') out.push({ host: spec.clusterIP, port, clusterIP: true });
  if (nodePort && (spec.type === 'NodePort' || spec.type === 'LoadBalancer'))
    out.push({ host: nodeAddress, port: nodePort, clusterIP: false });
  if (spec.type === 'LoadBalancer') {
    for (const ingress of svc.status?.loadBalancer?.ingress ?? [])
      out.push({ host: ingress.ip, port, clusterIP: false });
  }
  return out;
}

function affinityTimeoutSeconds(svc: Service): number {
  return svc.spec?.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_TIMEOUT_SECONDS;
}
