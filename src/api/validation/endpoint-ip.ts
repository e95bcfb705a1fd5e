import { BlockList, isIPv4 } from 'node:net';
import type { FieldViolation } from '../errors.ts';
import { invalid } from './field.ts';

/**
 * Addresses an endpoint may not have, as Kubernetes' ValidateEndpointIP (plus all of multicast): traffic for a
 * Service sent there would reach the node itself (loopback: Capstan's own Redis and API), the link (link-local:
 * cloud metadata services), a group, or nothing.
 */
const RULES: { subnet: string; bits: number; rule: string }[] = [
  { subnet: '0.0.0.0', bits: 8, rule: 'may not be unspecified (0.0.0.0/8)' },
  { subnet: '127.0.0.0', bits: 8, rule: 'may not be in the loopback range (127.0.0.0/8)' },
  { subnet: '169.254.0.0', bits: 16, rule: 'may not be in the link-local range (169.254.0.0/16)' },
  { subnet: '224.0.0.0', bits: 4, rule: 'may not be in the multicast range (224.0.0.0/4)' },
  { subnet: '255.255.255.255', bits: 32, rule: 'may not be the broadcast address' },
];

const LISTS = RULES.map(({ subnet, bits, rule }) => {
  const list = new BlockList();
  list.addSubnet(subnet, bits, 'ipv4');
  return { list, rule };
});

/** Why `ip` cannot be an endpoint or pod address, or undefined when it can. Only IPv4 addresses are judged. */
export function endpointIPRule(ip: string): string | undefined {
  if (!isIPv4(ip)) return undefined;
  return LISTS.find(({ list }) => list.check(ip, 'ipv4'))?.rule;
}

/** The violation for an endpoint or pod address in a refused range, if it is in one. */
export function checkEndpointIP(field: string, ip: string | undefined | null): FieldViolation[] {
  const rule = ip ? endpointIPRule(ip) : undefined;
  return rule ? [invalid(field, ip, rule)] : [];
}

/** Whether `ip` lies in the network `cidr` (`a.b.c.d/n`), network and broadcast addresses included. */
export function inCidr(cidr: string, ip: string): boolean {
  const [net, bits] = cidr.split('/');
  if (!net || !isIPv4(net) || !isIPv4(ip)) return false;
  const list = new BlockList();
  list.addSubnet(net, Number(bits), 'ipv4');
  return list.check(ip, 'ipv4');
}
