import { BlockList, isIP } from 'node:net';
import type { KubeObject, Node, Pod } from './types.ts';
import type { AdmissionPlugin, Store } from '../store/store.ts';
import { CapstanError } from './errors.ts';

export interface NodeStatusAdmissionOptions {
  /**
   * Whether nodes may report loopback (127.0.0.0/8, ::1) and link-local (169.254.0.0/16, fe80::/10) addresses:
   * true for a cluster whose nodes all run on one machine (the embedded `capstan up` uses 127.0.0.1), false for
   * one whose API listens beyond loopback, where such an address names the API server's own machine.
   */
  allowLoopback: boolean;
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');
const LINK_LOCAL = new BlockList();
LINK_LOCAL.addSubnet('169.254.0.0', 16, 'ipv4');
LINK_LOCAL.addSubnet('fe80::', 10, 'ipv6');
const UNSPECIFIED = new Set(['0.0.0.0', '::']);

function family(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

/** Why `address` is not a plausible node address under `options`, or undefined. */
export function implausibleNodeAddress(address: string, options: NodeStatusAdmissionOptions): string | undefined {
  if (isIP(address) === 0) return undefined; // syntax is validation's business
  if (UNSPECIFIED.has(address)) return 'is the unspecified address';
  if (LINK_LOCAL.check(address, family(address))) {
    return options.allowLoopback ? undefined : 'is a link-local address';
  }
  if (LOOPBACK.check(address, family(address))) {
    return options.allowLoopback ? undefined : 'is a loopback address (allowed only in a single-machine cluster)';
  }
  return undefined;
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  if (!base || bits === undefined || isIP(ip) !== 4) return false;
  const list = new BlockList();
  list.addSubnet(base, Number(bits), 'ipv4');
  return list.check(ip, 'ipv4');
}

/**
 * Judges what nodes write about themselves against the cluster's shape, for every writer of the store: a Node's
 * addresses must be plausible node addresses (see NodeStatusAdmissionOptions), and a pod's IP must lie in the
 * podCIDR of the Node it is bound to, when that Node has one (a node cannot send a Service's traffic elsewhere by
 * reporting a foreign address). Only changed values are judged, so an old object stays writable.
 */
export class NodeStatusAdmission implements AdmissionPlugin {
  readonly kinds = ['Node', 'Pod'] as const;
  private store: Store | undefined;

  constructor(private readonly options: NodeStatusAdmissionOptions) {}

  /** The store Nodes are read from, for pod IPs; set once the store exists. */
  attach(store: Store): void {
    this.store = store;
  }

  async admit(request: Parameters<AdmissionPlugin['admit']>[0]): Promise<KubeObject> {
    const { object, old } = request;
    if (object.kind === 'Node') this.admitNode(object as Node, old as Node | undefined);
    else if (object.kind === 'Pod') await this.admitPod(object as Pod, old as Pod | undefined);
    return object;
  }

  private admitNode(node: Node, old: Node | undefined): void {
    const before = new Set((old?.status?.addresses ?? []).map((a) => a.address));
    const violations = (node.status?.addresses ?? []).flatMap((a, i) => {
      if (before.has(a.address) || (a.type !== 'InternalIP' && a.type !== 'ExternalIP')) return [];
      const why = implausibleNodeAddress(a.address, this.options);
      return why ? [{ field: `status.addresses[${i}].address`, message: `Invalid value: "${a.address}": ${why}` }] : [];
    });
    if (violations.length > 0) throw CapstanError.invalid(violations, `Node ${node.metadata.name}`);
  }

  private async admitPod(pod: Pod, old: Pod | undefined): Promise<void> {
    const ip = pod.status?.podIP;
    const nodeName = pod.spec?.nodeName;
    if (!ip || !nodeName || !this.store || ip === old?.status?.podIP) return;
    const node = await this.store.tryGet('Node', undefined, nodeName);
    const cidr = node?.spec?.podCIDR;
    if (!cidr || inCidr(ip, cidr)) return;
    throw CapstanError.invalid(
      [
        {
          field: 'status.podIP',
          message: `Invalid value: "${ip}": must be in the podCIDR ${cidr} of node ${nodeName}`,
        },
      ],
      `Pod ${pod.metadata.namespace}/${pod.metadata.name}`,
    );
  }
}
