import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CapstanError } from '../api/errors.ts';
import type { Node } from '../api/types.ts';
import { bridgeName } from './cni.ts';

const run = promisify(execFile);

/**
 * Pod traffic between hosts, as flannel's vxlan backend: one VXLAN device per network namespace (`capstan.1`,
 * VNI 1, UDP 8472, nolearning), and for each peer node whose podCIDR is not on a bridge of this namespace: a route
 * `podCIDR via <peer VTEP> dev capstan.1 onlink`, a permanent neighbour entry VTEP → the peer's device MAC, and an
 * FDB entry MAC → the peer's InternalIP. The VTEP address of a node is its podCIDR's network address (as flannel's);
 * its device MAC is published on the Node as the VTEP_MAC_ANNOTATION. Several agents in one namespace (nodes
 * sharing a machine) share the device and compute the same peer set, so they never fight over port 8472.
 */
export const VXLAN_DEVICE = 'capstan.1';
export const VXLAN_PORT = 8472;
export const VXLAN_VNI = 1;
export const VTEP_MAC_ANNOTATION = 'capstan.io/vtep-mac';

export interface VxlanPeer {
  node: string;
  podCidr: string;
  /** The peer's podCIDR network address, the next hop of the route. */
  vtep: string;
  mac: string;
  /** The peer's InternalIP: where encapsulated packets go. */
  address: string;
}

export interface VxlanState {
  routes: { dst: string; gateway?: string }[];
  neighbours: { dst: string; mac: string }[];
  fdb: { mac: string; dst: string }[];
}

export type VxlanAction =
  | { op: 'route-replace'; dst: string; gateway: string }
  | { op: 'route-del'; dst: string }
  | { op: 'neigh-replace'; dst: string; mac: string }
  | { op: 'neigh-del'; dst: string }
  | { op: 'fdb-replace'; mac: string; dst: string }
  | { op: 'fdb-del'; mac: string; dst: string };

/**
 * The peers this namespace needs tunnels to: Nodes with a podCIDR, an InternalIP and a VTEP MAC, other than those
 * whose podCIDR is served by a bridge here (`local`: nodes on this very machine reach each other directly).
 */
export function vxlanPeers(nodes: readonly Node[], local: (node: Node) => boolean): VxlanPeer[] {
  const peers: VxlanPeer[] = [];
  for (const node of nodes) {
    const podCidr = node.spec?.podCIDR;
    const mac = node.metadata.annotations?.[VTEP_MAC_ANNOTATION];
    const address = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    if (!podCidr || !mac || !address || node.metadata.deletionTimestamp || local(node)) continue;
    peers.push({ node: node.metadata.name, podCidr, vtep: podCidr.split('/')[0]!, mac: mac.toLowerCase(), address });
  }
  return peers.sort((a, b) => a.node.localeCompare(b.node));
}

/** What to change on the device so that it holds exactly the peers' routes, neighbours and FDB entries. */
export function planVxlan(peers: readonly VxlanPeer[], current: VxlanState): VxlanAction[] {
  const actions: VxlanAction[] = [];
  const routes = new Map(current.routes.map((r) => [r.dst, r.gateway]));
  const neighbours = new Map(current.neighbours.map((n) => [n.dst, n.mac.toLowerCase()]));
  const fdb = new Set(current.fdb.map((f) => `${f.mac.toLowerCase()}|${f.dst}`));
  const wanted = { routes: new Set<string>(), neighbours: new Set<string>(), fdb: new Set<string>() };
  for (const peer of peers) {
    wanted.routes.add(peer.podCidr);
    wanted.neighbours.add(peer.vtep);
    wanted.fdb.add(`${peer.mac}|${peer.address}`);
    // Neighbour and FDB entry before the route: the first packet routed finds its way at once.
    if (neighbours.get(peer.vtep) !== peer.mac) actions.push({ op: 'neigh-replace', dst: peer.vtep, mac: peer.mac });
    if (!fdb.has(`${peer.mac}|${peer.address}`)) actions.push({ op: 'fdb-replace', mac: peer.mac, dst: peer.address });
    if (routes.get(peer.podCidr) !== peer.vtep) {
      actions.push({ op: 'route-replace', dst: peer.podCidr, gateway: peer.vtep });
    }
  }
  for (const route of current.routes)
    if (!wanted.routes.has(route.dst)) actions.push({ op: 'route-del', dst: route.dst });
  for (const n of current.neighbours) if (!wanted.neighbours.has(n.dst)) actions.push({ op: 'neigh-del', dst: n.dst });
  for (const f of current.fdb) {
    if (!wanted.fdb.has(`${f.mac.toLowerCase()}|${f.dst}`)) actions.push({ op: 'fdb-del', mac: f.mac, dst: f.dst });
  }
  return actions;
}

function actionArgs(action: VxlanAction): [string, string[]] {
  const dev = VXLAN_DEVICE;
  switch (action.op) {
    case 'route-replace':
      return ['ip', ['route', 'replace', action.dst, 'via', action.gateway, 'dev', dev, 'onlink']];
    case 'route-del':
      return ['ip', ['route', 'del', action.dst, 'dev', dev]];
    case 'neigh-replace':
      return ['ip', ['neigh', 'replace', action.dst, 'lladdr', action.mac, 'dev', dev, 'nud', 'permanent']];
    case 'neigh-del':
      return ['ip', ['neigh', 'del', action.dst, 'dev', dev]];
    case 'fdb-replace':
      return ['bridge', ['fdb', 'replace', action.mac, 'dev', dev, 'dst', action.dst, 'self', 'permanent']];
    case 'fdb-del':
      return ['bridge', ['fdb', 'del', action.mac, 'dev', dev, 'dst', action.dst, 'self']];
  }
}

async function json<T>(cmd: string, args: string[]): Promise<T[]> {
  const { stdout } = await run(cmd, args);
  return stdout.trim() ? (JSON.parse(stdout) as T[]) : [];
}

/** The interface holding `address`; undefined when no interface of this namespace has it. */
async function interfaceOf(address: string): Promise<string | undefined> {
  const links = await json<{ ifname: string; addr_info?: { local: string }[] }>('ip', ['-j', '-4', 'addr', 'show']);
  return links.find((l) => (l.addr_info ?? []).some((a) => a.local === address))?.ifname;
}

async function deviceMac(): Promise<string | undefined> {
  try {
    const [link] = await json<{ address: string }>('ip', ['-j', 'link', 'show', 'dev', VXLAN_DEVICE]);
    return link?.address;
  } catch {
    return undefined;
  }
}

/**
 * Creates the namespace's VXLAN device on the interface holding `nodeAddress` (or reuses it) and returns its MAC.
 * Clear errors: the node address on no local interface (names `setting`), UDP 8472 taken by another device.
 */
export async function ensureVxlanDevice(
  nodeAddress: string,
  setting = '--address (CAPSTAN_NODE_ADDRESS)',
): Promise<string> {
  const existing = await deviceMac();
  if (existing) return existing;
  const iface = await interfaceOf(nodeAddress);
  if (!iface) {
    throw new CapstanError(
      'INVALID',
      `the node address ${nodeAddress} is on no interface of this host, so VXLAN (UDP ${VXLAN_PORT}) cannot carry pod traffic from it: set ${setting} to one of this host's addresses`,
    );
  }
  try {
    await run('ip', [
      'link',
      'add',
      VXLAN_DEVICE,
      'type',
      'vxlan',
      'id',
      String(VXLAN_VNI),
      'local',
      nodeAddress,
      'dev',
      iface,
      'dstport',
      String(VXLAN_PORT),
      'nolearning',
    ]);
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? '');
    // Another agent of this namespace made it meanwhile.
    const raced = await deviceMac();
    if (raced) return raced;
    if (/in use/i.test(stderr)) {
      throw new CapstanError(
        'UNAVAILABLE',
        `UDP port ${VXLAN_PORT} (VXLAN) is already in use on this host by another device or program; the node cannot carry pod traffic to other hosts until it is free`,
      );
    }
    throw new CapstanError('UNAVAILABLE', `cannot create the VXLAN device ${VXLAN_DEVICE}: ${stderr.trim()}`);
  }
  // The kernel opens the UDP socket when the device goes up: that is where a taken port shows.
  try {
    await run('ip', ['link', 'set', VXLAN_DEVICE, 'up']);
  } catch (err) {
    await run('ip', ['link', 'del', VXLAN_DEVICE]).catch(() => undefined);
    const stderr = String((err as { stderr?: string }).stderr ?? '');
    throw new CapstanError(
      'UNAVAILABLE',
      /in use/i.test(stderr)
        ? `UDP port ${VXLAN_PORT} (VXLAN) is already in use on this host by another device or program; the node cannot carry pod traffic to other hosts until it is free`
        : `cannot bring the VXLAN device ${VXLAN_DEVICE} up: ${stderr.trim()}`,
    );
  }
  const mac = await deviceMac();
  if (!mac) throw new CapstanError('UNAVAILABLE', `the VXLAN device ${VXLAN_DEVICE} vanished right after its creation`);
  return mac;
}

export async function readVxlanState(): Promise<VxlanState> {
  const routes = await json<{ dst: string; gateway?: string }>('ip', [
    '-j',
    '-4',
    'route',
    'show',
    'dev',
    VXLAN_DEVICE,
  ]);
  const neighbours = await json<{ dst: string; lladdr?: string }>('ip', [
    '-j',
    '-4',
    'neigh',
    'show',
    'dev',
    VXLAN_DEVICE,
  ]);
  const fdb = await json<{ mac: string; dst?: string }>('bridge', ['-j', 'fdb', 'show', 'dev', VXLAN_DEVICE]);
  return {
    routes: routes.map((r) => ({ dst: r.dst, ...(r.gateway ? { gateway: r.gateway } : {}) })),
    neighbours: neighbours.flatMap((n) => (n.lladdr ? [{ dst: n.dst, mac: n.lladdr }] : [])),
    fdb: fdb.flatMap((f) => (f.dst ? [{ mac: f.mac, dst: f.dst }] : [])),
  };
}

/** Brings the device to the peers' plan; returns the actions applied. */
export async function syncVxlan(nodes: readonly Node[]): Promise<VxlanAction[]> {
  const localBridges = new Set(
    (await json<{ ifname: string }>('ip', ['-j', 'link', 'show', 'type', 'bridge'])).map((l) => l.ifname),
  );
  const isLocal = (node: Node): boolean => localBridges.has(bridgeName(node.metadata.name));
  // The local VTEP address (the podCIDR's network address, as flannel's) on the device: traffic from this host to a
  // peer's pods then leaves from it, and the replies come back over VXLAN. Without it the kernel picks another
  // local address, such as the cluster DNS address on lo, which every host has, and the replies never return.
  for (const node of nodes) {
    const podCidr = node.spec?.podCIDR;
    if (podCidr && isLocal(node) && !node.metadata.deletionTimestamp) {
      await run('ip', ['addr', 'replace', `${podCidr.split('/')[0]!}/32`, 'dev', VXLAN_DEVICE]);
    }
  }
  const peers = vxlanPeers(nodes, isLocal);
  const actions = planVxlan(peers, await readVxlanState());
  for (const action of actions) {
    const [cmd, args] = actionArgs(action);
    await run(cmd, args).catch((err: unknown) => {
      // A delete of what is already gone is what was wanted.
      if (!action.op.endsWith('-del')) throw err;
    });
  }
  return actions;
}

/** Removes the device once no node bridge is left in this namespace (its routes go with it). */
export async function removeVxlanDeviceIfUnused(): Promise<void> {
  const bridges = await json<{ ifname: string }>('ip', ['-j', 'link', 'show', 'type', 'bridge']).catch(() => []);
  if (bridges.some((b) => b.ifname.startsWith('capbr-'))) return;
  await run('ip', ['link', 'del', VXLAN_DEVICE]).catch(() => undefined);
}

export function isLoopbackAddress(address: string): boolean {
  return address.startsWith('127.');
}
