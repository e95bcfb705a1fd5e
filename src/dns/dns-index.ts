import { isIPv4 } from 'node:net';
import type { Answer, SoaAnswer, SrvData, StringAnswer } from 'dns-packet';
import type { Endpoints, Service } from '../api/types.ts';
import type { WatchEvent } from '../store/store.ts';

/** Numeric resource-record types the index answers for. */
export const RR = { A: 1, NS: 2, SOA: 6, PTR: 12, TXT: 16, AAAA: 28, SRV: 33, ANY: 255 } as const;

/** The schema version of https://github.com/kubernetes/dns/blob/master/docs/specification.md this index serves. */
export const DNS_SCHEMA_VERSION = '1.0.0';

export interface DnsIndexOptions {
  /** The cluster domain the index is authoritative for. Default `cluster.local`. */
  zone?: string;
  /** TTL of every record, and the negative-caching TTL of the SOA. Default 5 s. */
  ttl?: number;
  /** Address published for the zone's name server `ns.dns.<zone>`; without it that name has no A record. */
  nameserverIp?: string;
}

/**
 * The outcome of a lookup. `answer`: records of the asked type exist. `nodata`: the name exists without records of
 * that type. `nxdomain`: the name does not exist in the zone. `outside`: the index is not authoritative for the name.
 */
export type LookupResult =
  | { status: 'answer'; answers: Answer[]; additionals: StringAnswer[] }
  | { status: 'nodata' }
  | { status: 'nxdomain' }
  | { status: 'outside' };

/** The records one service contributes to one name. */
interface OwnedRecords {
  a: Set<string>;
  srv: SrvData[];
  ptr: Set<string>;
}

const ARPA = 'in-addr.arpa';
const SRV_PRIORITY = 0;
const SRV_WEIGHT = 100;
const POD_NAME = /^(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})\.[a-z0-9]([-a-z0-9]*[a-z0-9])?\.pod$/;

function keyOf(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** `10.96.0.1` → `1.0.96.10.in-addr.arpa`; undefined for anything but an IPv4 address. */
export function reverseName(ip: string): string | undefined {
  if (!isIPv4(ip)) return undefined;
  return `${ip.split('.').reverse().join('.')}.${ARPA}`;
}

function emptyRecords(): OwnedRecords {
  return { a: new Set(), srv: [], ptr: new Set() };
}

/**
 * The cluster zone as DNS records, following the Kubernetes DNS specification: kept current by feeding it Service
 * and Endpoints changes (each change recomputes only the records of the one service it concerns) and read with
 * synchronous lookups, so answering a query never waits on the store.
 *
 * Names are compared lowercased; callers pass lowercased names without the trailing dot.
 */
export class DnsIndex {
  readonly zone: string;
  readonly ttl: number;
  /** Bumped on every change that can alter an answer; answer caches compare it. */
  version = 0;
  /** SOA serial: seconds since the epoch of the last change, strictly increasing. */
  serial: number;

  private readonly zoneSuffix: string;
  private readonly services = new Map<string, Service>();
  private readonly endpoints = new Map<string, Endpoints>();
  /** Name → (service key → records that service contributes to the name). */
  private readonly names = new Map<string, Map<string, OwnedRecords>>();
  /** Service key → names it contributed to, so a change removes exactly those. */
  private readonly contributions = new Map<string, string[]>();
  /** Empty non-terminals inside the zone (e.g. `<ns>.svc.<zone>`), reference-counted by the names below them. */
  private readonly ancestors = new Map<string, number>();
  private readonly soa: SoaAnswer;
  private readonly arpaSoa: SoaAnswer;
  private readonly nsRecord: Answer;
  private readonly nameserver: string;
  private readonly nameserverIp: string | undefined;

  constructor(options: DnsIndexOptions = {}) {
    this.zone = (options.zone ?? 'cluster.local').toLowerCase().replace(/^\.+|\.+$/g, '');
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(this.zone)) {
      throw new RangeError(`DNS zone "${options.zone}" is not a valid domain name (lowercase labels a-z, 0-9, -)`);
    }
    this.ttl = options.ttl ?? 5;
    if (!Number.isInteger(this.ttl) || this.ttl < 0 || this.ttl > 2_147_483_647) {
      throw new RangeError(`DNS ttl must be a whole number of seconds between 0 and 2^31-1, got ${options.ttl}`);
    }
    this.zoneSuffix = `.${this.zone}`;
    this.nameserver = `ns.dns.${this.zone}`;
    this.nameserverIp = options.nameserverIp;
    this.serial = Math.floor(Date.now() / 1000);
    const soaData = { mname: this.nameserver, rname: `hostmaster.${this.zone}`, refresh: 7200, retry: 1800 };
    this.soa = { name: this.zone, type: 'SOA', ttl: this.ttl, data: { ...soaData, expire: 86400, minimum: this.ttl } };
    this.arpaSoa = { ...this.soa, name: ARPA };
    this.nsRecord = { name: this.zone, type: 'NS', ttl: this.ttl, data: this.nameserver };
  }

  upsertService(service: Service): void {
    const key = keyOf(service.metadata.namespace ?? 'default', service.metadata.name);
    this.services.set(key, service);
    this.recompute(key);
  }

  deleteService(namespace: string, name: string): void {
    const key = keyOf(namespace, name);
    if (this.services.delete(key)) this.recompute(key);
  }

  upsertEndpoints(endpoints: Endpoints): void {
    const key = keyOf(endpoints.metadata.namespace ?? 'default', endpoints.metadata.name);
    this.endpoints.set(key, endpoints);
    // Endpoints only shape the records of a headless service; a ClusterIP service's answers do not change.
    if (this.services.get(key)?.spec?.clusterIP === 'None') this.recompute(key);
  }

  deleteEndpoints(namespace: string, name: string): void {
    const key = keyOf(namespace, name);
    if (this.endpoints.delete(key) && this.services.get(key)?.spec?.clusterIP === 'None') this.recompute(key);
  }

  /** Applies one event of `store.watch('Service')`. */
  applyServiceEvent(event: WatchEvent<Service>): void {
    const { metadata } = event.object;
    if (event.type === 'DELETED') this.deleteService(metadata.namespace ?? 'default', metadata.name);
    else this.upsertService(event.object);
  }

  /** Applies one event of `store.watch('Endpoints')`. */
  applyEndpointsEvent(event: WatchEvent<Endpoints>): void {
    const { metadata } = event.object;
    if (event.type === 'DELETED') this.deleteEndpoints(metadata.namespace ?? 'default', metadata.name);
    else this.upsertEndpoints(event.object);
  }

  /** Replaces the whole content, for a (re-)list after a watch expired. The only full rebuild. */
  replaceAll(services: readonly Service[], endpoints: readonly Endpoints[]): void {
    const keys = new Set([...this.services.keys(), ...this.endpoints.keys()]);
    this.services.clear();
    this.endpoints.clear();
    for (const ep of endpoints) {
      const key = keyOf(ep.metadata.namespace ?? 'default', ep.metadata.name);
      this.endpoints.set(key, ep);
      keys.add(key);
    }
    for (const svc of services) {
      const key = keyOf(svc.metadata.namespace ?? 'default', svc.metadata.name);
      this.services.set(key, svc);
      keys.add(key);
    }
    for (const key of keys) this.recompute(key);
  }

  /** The number of names that hold records (for metrics and tests). */
  get size(): number {
    return this.names.size;
  }

  /** Whether the index answers authoritatively for `name` (lowercased, no trailing dot). */
  isAuthoritative(name: string): boolean {
    return this.inZone(name) || (name.endsWith(ARPA) && this.names.has(name));
  }

  /** The SOA record to put in the authority section of a negative answer for `name`. */
  soaFor(name: string): SoaAnswer {
    const soa = this.inZone(name) ? this.soa : this.arpaSoa;
    return { ...soa, data: { ...soa.data, serial: this.serial } };
  }

  /** Records of `type` (numeric RR type) at `name` (lowercased, no trailing dot). */
  lookup(name: string, type: number): LookupResult {
    if (!this.inZone(name)) {
      const owned = name.endsWith(ARPA) ? this.names.get(name) : undefined;
      return owned ? this.collect(name, owned, type) : { status: 'outside' };
    }
    if (name === this.zone) return this.apex(type);
    const owned = this.names.get(name);
    if (owned) return this.collect(name, owned, type);
    const relative = name.slice(0, -this.zoneSuffix.length);
    if (relative === 'dns-version') return this.single(type, RR.TXT, { name, type: 'TXT', data: DNS_SCHEMA_VERSION });
    if (name === this.nameserver && this.nameserverIp) {
      return this.single(type, RR.A, { name, type: 'A', data: this.nameserverIp });
    }
    const pod = POD_NAME.exec(relative);
    if (pod) {
      const octets = pod.slice(1, 5).map(Number);
      if (octets.every((o) => o <= 255)) return this.single(type, RR.A, { name, type: 'A', data: octets.join('.') });
    }
    if (this.ancestors.has(name) || relative === 'svc' || relative === 'pod' || relative === 'dns') {
      return { status: 'nodata' };
    }
    // Every `<a-b-c-d>.<ns>.pod.<zone>` exists, so each `<ns>.pod.<zone>` is an empty non-terminal.
    if (/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\.pod$/.test(relative)) return { status: 'nodata' };
    return { status: 'nxdomain' };
  }

  private inZone(name: string): boolean {
    return name === this.zone || name.endsWith(this.zoneSuffix);
  }

  private record(name: string, type: 'A' | 'PTR', data: string): StringAnswer {
    return { name, type, ttl: this.ttl, data };
  }

  private single(asked: number, type: number, answer: Answer): LookupResult {
    if (asked !== type && asked !== RR.ANY) return { status: 'nodata' };
    return { status: 'answer', answers: [{ ...answer, ttl: this.ttl } as Answer], additionals: [] };
  }

  private apex(type: number): LookupResult {
    const answers: Answer[] = [];
    if (type === RR.SOA || type === RR.ANY) answers.push(this.soaFor(this.zone));
    if (type === RR.NS || type === RR.ANY) answers.push(this.nsRecord);
    if (answers.length === 0) return { status: 'nodata' };
    const glue = type === RR.NS && this.nameserverIp ? [this.record(this.nameserver, 'A', this.nameserverIp)] : [];
    return { status: 'answer', answers, additionals: glue };
  }

  private collect(name: string, owned: Map<string, OwnedRecords>, type: number): LookupResult {
    const answers: Answer[] = [];
    const additionals: StringAnswer[] = [];
    const any = type === RR.ANY;
    for (const records of owned.values()) {
      if (type === RR.A || any) for (const ip of records.a) answers.push(this.record(name, 'A', ip));
      if (type === RR.PTR || any) for (const target of records.ptr) answers.push(this.record(name, 'PTR', target));
      if (type === RR.SRV || any) {
        for (const data of records.srv) {
          answers.push({ name, type: 'SRV', ttl: this.ttl, data });
          // The spec allows the targets' A records in the additional section; it saves clients a round trip.
          const target = this.names.get(data.target);
          if (target)
            for (const r of target.values()) for (const ip of r.a) additionals.push(this.record(data.target, 'A', ip));
        }
      }
    }
    if (answers.length === 0) return { status: 'nodata' };
    return { status: 'answer', answers, additionals: dedupe(additionals) };
  }

  /** Replaces the records of one service key: O(records of that service). */
  private recompute(key: string): void {
    const next = this.build(key);
    for (const name of this.contributions.get(key) ?? []) {
      const owned = this.names.get(name);
      if (!owned) continue;
      owned.delete(key);
      if (owned.size === 0) {
        this.names.delete(name);
        this.adjustAncestors(name, -1);
      }
    }
    for (const [name, records] of next) {
      let owned = this.names.get(name);
      if (!owned) {
        owned = new Map();
        this.names.set(name, owned);
        this.adjustAncestors(name, 1);
      }
      owned.set(key, records);
    }
    if (next.size > 0) this.contributions.set(key, [...next.keys()]);
    else this.contributions.delete(key);
    this.version += 1;
    this.serial = Math.max(this.serial + 1, Math.floor(Date.now() / 1000));
  }

  private build(key: string): Map<string, OwnedRecords> {
    const out = new Map<string, OwnedRecords>();
    const service = this.services.get(key);
    if (!service) return out;
    const at = (name: string): OwnedRecords => {
      let records = out.get(name);
      if (!records) {
        records = emptyRecords();
        out.set(name, records);
      }
      return records;
    };
    const ns = (service.metadata.namespace ?? 'default').toLowerCase();
    const base = `${service.metadata.name.toLowerCase()}.${ns}.svc.${this.zone}`;
    const serviceRecords = at(base);
    const clusterIP = service.spec?.clusterIP;
    if (clusterIP !== 'None') {
      if (clusterIP && isIPv4(clusterIP)) {
        serviceRecords.a.add(clusterIP);
        const ptr = reverseName(clusterIP);
        if (ptr) at(ptr).ptr.add(base);
      }
      for (const port of service.spec?.ports ?? []) {
        if (!port.name) continue;
        const srvName = `_${port.name.toLowerCase()}._${(port.protocol ?? 'TCP').toLowerCase()}.${base}`;
        at(srvName).srv.push({ priority: SRV_PRIORITY, weight: SRV_WEIGHT, port: port.port, target: base });
      }
      return out;
    }
    // Headless: the ready endpoints themselves, each under its hostname or its dashed address.
    for (const subset of this.endpoints.get(key)?.subsets ?? []) {
      for (const address of subset.addresses ?? []) {
        if (!isIPv4(address.ip)) continue;
        const host = `${(address.hostname ?? address.ip.replaceAll('.', '-')).toLowerCase()}.${base}`;
        serviceRecords.a.add(address.ip);
        at(host).a.add(address.ip);
        at(reverseName(address.ip) as string).ptr.add(host);
        for (const port of subset.ports ?? []) {
          if (!port.name) continue;
          const srvName = `_${port.name.toLowerCase()}._${(port.protocol ?? 'TCP').toLowerCase()}.${base}`;
          at(srvName).srv.push({ priority: SRV_PRIORITY, weight: SRV_WEIGHT, port: port.port, target: host });
        }
      }
    }
    return out;
  }

  private adjustAncestors(name: string, delta: number): void {
    if (!this.inZone(name)) return;
    let dot = name.indexOf('.');
    while (dot !== -1) {
      const parent = name.slice(dot + 1);
      if (parent === this.zone) return;
      const count = (this.ancestors.get(parent) ?? 0) + delta;
      if (count <= 0) this.ancestors.delete(parent);
      else this.ancestors.set(parent, count);
      dot = name.indexOf('.', dot + 1);
    }
  }
}

function dedupe(records: StringAnswer[]): StringAnswer[] {
  const seen = new Set<string>();
  return records.filter((r) => {
    const id = `${r.name} ${r.data}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
