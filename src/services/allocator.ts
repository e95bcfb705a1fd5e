import { CapstanError } from '../api/errors.ts';
import type { KubeObject, Service, ServicePort } from '../api/types.ts';
import { validateService } from '../api/validation/service.ts';
import type { RedisStore } from '../store/redis-store.ts';
import type { AdmissionPlugin } from '../store/store.ts';
import {
  DEFAULT_DNS_ADDRESS,
  DEFAULT_LOAD_BALANCER_CIDR,
  DEFAULT_NODE_PORT_RANGE,
  DEFAULT_SERVICE_CIDR,
  addressInRange,
  formatValue,
  inRange,
  parseCidr,
  parsePortRange,
} from './addresses.ts';
import type { AllocationRange } from './addresses.ts';
import { Reservations } from './reservations.ts';
import type { Holder, Owner, ResourceKind } from './reservations.ts';
import { usesResource } from './service-resources.ts';

export interface ServiceAllocatorOptions {
  /** Where ClusterIPs come from. Default 10.96.0.0/16. */
  serviceCidr?: string;
  /** The cluster DNS service address: inside the range, never allocated automatically. Default 10.96.0.10. */
  dnsAddress?: string;
  /** Default 30000-32767. */
  nodePortRange?: string;
  /** Where LoadBalancer addresses come from. Default 127.0.100.0/24 (loopback, reachable from the host). */
  loadBalancerCidr?: string;
  /**
   * A requested value held by a Service that no longer exists (a create that failed after admission, a crash)
   * is taken over once the reservation is this old; younger ones may belong to a create still in flight.
   * Default 10 s.
   */
  orphanGraceMs?: number;
}

/**
 * Admission for Services: assigns the ClusterIP, node ports and LoadBalancer address on create (or checks and
 * reserves the requested ones), keeps them on update, and refuses values in use or out of range. Reservations
 * live in Redis (see {@link Reservations}), so API servers sharing one Redis never hand out a value twice; a dry
 * run reserves nothing. Values a Service stops using are freed by {@link startAllocationRepair}.
 *
 * The plugin is built before the store that runs it: pass it in `createRedisStore({ admission })`, then
 * `attach(store)` to give it the store's Redis connection and key prefix.
 */
export class ServiceAllocator implements AdmissionPlugin {
  readonly kinds = ['Service'] as const;
  readonly serviceRange: AllocationRange;
  readonly nodePortRange: AllocationRange;
  readonly loadBalancerRange: AllocationRange;
  private readonly orphanGraceMs: number;
  private store: RedisStore | undefined;
  private reservations: Reservations | undefined;

  constructor(options: ServiceAllocatorOptions = {}) {
    this.serviceRange = parseCidr(options.serviceCidr ?? DEFAULT_SERVICE_CIDR, [
      options.dnsAddress ?? DEFAULT_DNS_ADDRESS,
    ]);
    this.nodePortRange = parsePortRange(options.nodePortRange ?? DEFAULT_NODE_PORT_RANGE);
    this.loadBalancerRange = parseCidr(options.loadBalancerCidr ?? DEFAULT_LOAD_BALANCER_CIDR);
    this.orphanGraceMs = options.orphanGraceMs ?? 10_000;
  }

  attach(store: RedisStore): this {
    this.store = store;
    this.reservations = new Reservations(store.redis, store.prefix);
    return this;
  }

  async admit(request: { operation: 'create' | 'update'; object: KubeObject; old?: KubeObject; dryRun: boolean }) {
    const svc = structuredClone(request.object) as Service;
    const old = request.old as Service | undefined;
    const spec = svc.spec;
    if (!spec) return svc;
    if (old?.spec?.clusterIP && !spec.clusterIP) spec.clusterIP = old.spec.clusterIP;
    const type = spec.type ?? 'ClusterIP';
    if (type === 'ClusterIP' && old) {
      const carried = new Set((old.spec?.ports ?? []).map((p) => p.nodePort));
      for (const port of spec.ports ?? []) if (carried.has(port.nodePort)) delete port.nodePort;
    }
    const violations = validateService(svc, old);
    if (violations.length > 0)
      throw CapstanError.invalid(violations, `Service ${svc.metadata.namespace}/${svc.metadata.name}`);

    const owner: Owner = {
      uid: svc.metadata.uid,
      namespace: svc.metadata.namespace ?? 'default',
      name: svc.metadata.name,
    };
    const ctx = { owner, dryRun: request.dryRun };
    await this.admitClusterIP(svc, old, ctx);
    if (type === 'NodePort' || type === 'LoadBalancer') await this.admitNodePorts(svc, old, ctx);
    if (type === 'LoadBalancer') await this.admitLoadBalancer(svc, old, ctx);
    else if (svc.status?.loadBalancer) delete svc.status.loadBalancer;
    return svc;
  }

  private async admitClusterIP(svc: Service, old: Service | undefined, ctx: Context): Promise<void> {
    const spec = svc.spec!;
    if (spec.clusterIP === 'None' || (spec.clusterIP && spec.clusterIP === old?.spec?.clusterIP)) return;
    if (!spec.clusterIP) {
      spec.clusterIP = await this.allocate('clusterip', this.serviceRange, 'spec.clusterIP', ctx);
      return;
    }
    if (!addressInRange(this.serviceRange, spec.clusterIP)) {
      throw CapstanError.invalid([
        {
          field: 'spec.clusterIP',
          message: `Invalid value: "${spec.clusterIP}": provided IP is not in the valid range. The range of valid IPs is ${this.serviceRange.text}`,
        },
      ]);
    }
    await this.reserve('clusterip', spec.clusterIP, 'spec.clusterIP', 'provided IP is already allocated', ctx);
  }

  private async admitNodePorts(svc: Service, old: Service | undefined, ctx: Context): Promise<void> {
    const ports = svc.spec!.ports ?? [];
    const oldPorts = old?.spec?.ports ?? [];
    const held = new Set(oldPorts.map((p) => p.nodePort).filter((p): p is number => Boolean(p)));
    for (const [i, port] of ports.entries()) {
      const field = `spec.ports[${i}].nodePort`;
      if (port.nodePort) {
        if (held.has(port.nodePort)) continue;
        if (!inRange(this.nodePortRange, port.nodePort)) {
          throw CapstanError.invalid([
            {
              field,
              message: `Invalid value: ${port.nodePort}: provided port is not in the valid range. The range of valid ports is ${this.nodePortRange.text}`,
            },
          ]);
        }
        await this.reserve('nodeport', String(port.nodePort), field, 'provided port is already allocated', ctx);
        continue;
      }
      const previous = oldPorts.find((p) => samePort(p, port))?.nodePort;
      port.nodePort = previous ?? Number(await this.allocate('nodeport', this.nodePortRange, field, ctx));
    }
  }

  private async admitLoadBalancer(svc: Service, old: Service | undefined, ctx: Context): Promise<void> {
    const spec = svc.spec!;
    const previous = old?.spec?.type === 'LoadBalancer' ? old.status?.loadBalancer?.ingress?.[0]?.ip : undefined;
    let ip = previous;
    if (spec.loadBalancerIP && spec.loadBalancerIP !== previous) {
      if (!addressInRange(this.loadBalancerRange, spec.loadBalancerIP)) {
        throw CapstanError.invalid([
          {
            field: 'spec.loadBalancerIP',
            message: `Invalid value: "${spec.loadBalancerIP}": not in the LoadBalancer address pool ${this.loadBalancerRange.text}`,
          },
        ]);
      }
      await this.reserve('lb', spec.loadBalancerIP, 'spec.loadBalancerIP', 'provided IP is already allocated', ctx);
      ip = spec.loadBalancerIP;
    }
    ip ??= await this.allocate('lb', this.loadBalancerRange, 'status.loadBalancer.ingress', ctx);
    svc.status = { ...svc.status, loadBalancer: { ingress: [{ ip }] } };
  }

  /** Reserves a value the user asked for; CONFLICT when another Service holds it. */
  private async reserve(kind: ResourceKind, id: string, field: string, taken: string, ctx: Context): Promise<void> {
    const reservations = this.connected();
    for (let attempt = 0; attempt < 3; attempt++) {
      const holder = ctx.dryRun ? await reservations.holder(kind, id) : await reservations.claim(kind, id, ctx.owner);
      if (holder === true || holder === undefined || holder.uid === ctx.owner.uid) return;
      if (!(await this.abandoned(kind, id, holder, ctx))) break;
      if (ctx.dryRun || (await reservations.replace(kind, id, holder, ctx.owner))) return;
    }
    throw new CapstanError('CONFLICT', `${field}: ${taken}`, { violations: [{ field, message: taken }] });
  }

  /**
   * Whether a reservation may be taken over: the Service it names does not exist or does not use the value
   * (its create failed after admission, or a crash), and it is old enough not to be a create still in flight.
   * Re-creating a Service under the same name takes its failed predecessor's values at once.
   */
  private async abandoned(kind: ResourceKind, id: string, holder: Holder, ctx: Context): Promise<boolean> {
    const sameName = holder.namespace === ctx.owner.namespace && holder.name === ctx.owner.name;
    if (!sameName && Date.now() - holder.at < this.orphanGraceMs) return false;
    const named = await this.store!.tryGet('Service', holder.namespace, holder.name);
    return !named || !usesResource(named, { kind, id });
  }

  private async allocate(kind: ResourceKind, range: AllocationRange, field: string, ctx: Context): Promise<string> {
    const value = await this.connected().allocate(kind, range, ctx.owner, ctx.dryRun);
    if (value === undefined) {
      throw new CapstanError('CONFLICT', `${field}: no free value left in ${range.text}; delete unused Services`, {
        violations: [{ field, message: `range ${range.text} is full` }],
      });
    }
    return formatValue(range, value);
  }

  private connected(): Reservations {
    if (!this.reservations) {
      throw new CapstanError('UNAVAILABLE', 'the Service allocator is not attached to a store: call attach(store)');
    }
    return this.reservations;
  }
}

interface Context {
  owner: Owner;
  dryRun: boolean;
}

/** Ports of one Service across an update: by name when named, else by port number and protocol. */
function samePort(a: ServicePort, b: ServicePort): boolean {
  if (a.name || b.name) return a.name === b.name;
  return a.port === b.port && (a.protocol ?? 'TCP') === (b.protocol ?? 'TCP');
}
