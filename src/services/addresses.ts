import { isIPv4 } from 'node:net';
import { CapstanError } from '../api/errors.ts';

/** The default range ClusterIPs come from, as Kubernetes' `--service-cluster-ip-range` default. */
export const DEFAULT_SERVICE_CIDR = '10.96.0.0/16';
/** The cluster DNS service address: never handed out by automatic allocation. */
export const DEFAULT_DNS_ADDRESS = '10.96.0.10';
/** LoadBalancer addresses: loopback, so they are reachable from the host and from nothing else. */
export const DEFAULT_LOAD_BALANCER_CIDR = '127.0.100.0/24';
export const DEFAULT_NODE_PORT_RANGE = '30000-32767';
/** Where nodes' podCIDRs come from, one /24 each, as kube-controller-manager's `--cluster-cidr` of flannel. */
export const DEFAULT_CLUSTER_CIDR = '10.244.0.0/16';

export function ipToInt(ip: string): number {
  if (!isIPv4(ip)) throw CapstanError.invalid([{ field: 'address', message: `"${ip}" is not an IPv4 address` }]);
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

export function intToIp(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/**
 * A contiguous set of allocatable values: `first` and `size` describe `first .. first + size - 1`. For an
 * address range the network and broadcast addresses are left out, as Kubernetes does.
 */
export interface AllocationRange {
  readonly kind: 'address' | 'port';
  readonly first: number;
  readonly size: number;
  /** Values automatic allocation skips (they may still be requested explicitly). */
  readonly reserved: ReadonlySet<number>;
  /** How a user wrote it, for error messages (`10.96.0.0/16`, `30000-32767`). */
  readonly text: string;
}

/** Parses `a.b.c.d/n` into the usable host addresses of that network. */
export function parseCidr(cidr: string, reserved: readonly string[] = []): AllocationRange {
  const match = /^(\d+\.\d+\.\d+\.\d+)\/(\d{1,2})$/.exec(cidr.trim());
  const bits = Number(match?.[2]);
  if (!match || !isIPv4(match[1]!) || bits < 8 || bits > 30) {
    throw CapstanError.invalid([
      { field: 'cidr', message: `"${cidr}" must be an IPv4 network such as 10.96.0.0/16 with a prefix from /8 to /30` },
    ]);
  }
  const total = 2 ** (32 - bits);
  const network = ipToInt(match[1]!) - (ipToInt(match[1]!) % total);
  const range = {
    kind: 'address' as const,
    first: network + 1,
    size: total - 2,
    reserved: new Set<number>(),
    text: `${intToIp(network)}/${bits}`,
  };
  for (const ip of reserved) if (inRange(range, ipToInt(ip))) range.reserved.add(ipToInt(ip));
  return range;
}

/** Parses `min-max` (inclusive) into a port range. */
export function parsePortRange(text: string): AllocationRange {
  const match = /^(\d+)-(\d+)$/.exec(text.trim());
  const min = Number(match?.[1]);
  const max = Number(match?.[2]);
  if (!match || min < 1 || max > 65_535 || min > max) {
    throw CapstanError.invalid([{ field: 'nodePortRange', message: `"${text}" must be MIN-MAX within 1-65535` }]);
  }
  return { kind: 'port', first: min, size: max - min + 1, reserved: new Set(), text: `${min}-${max}` };
}

export function inRange(range: AllocationRange, value: number): boolean {
  return value >= range.first && value < range.first + range.size;
}

/** Whether `ip` is an IPv4 address inside `range`. */
export function addressInRange(range: AllocationRange, ip: string): boolean {
  return isIPv4(ip) && inRange(range, ipToInt(ip));
}

/** The text form of one value of a range: a dotted address or a port number. */
export function formatValue(range: AllocationRange, value: number): string {
  return range.kind === 'address' ? intToIp(value) : String(value);
}
