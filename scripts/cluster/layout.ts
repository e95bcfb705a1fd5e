import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the test bed puts everything it makes. Every name starts with `capstan-` (network namespaces, the root
 * side of the LAN, cgroups) or lives under one of two folders, so that `down` finds leftovers of a crashed or
 * half-finished `up` by name alone.
 */
export const BED = {
  /** Data: engines' data roots, Redis, node state, credentials, logs, the state file and the client config. */
  stateDir: '/var/lib/capstan-cluster',
  /** Runtime: engines' sockets, exec roots and pid files. */
  runDir: '/run/capstan-cluster',
  /** The network namespace holding the bridge that plays the LAN (see docs/test-bed.md for why not the root's). */
  lanNetns: 'capstan-lan',
  /** The bridge inside `lanNetns`. */
  bridge: 'br0',
  /** The root namespace's leg on the LAN: a veth whose peer (`uplink`) is a port of the bridge. */
  rootLink: 'capstan-lan',
  /** The segment: the root namespace is .1, host i is .(10+i). */
  subnetPrefix: '10.123.0',
  prefixLength: 24,
  gateway: '10.123.0.1',
  /** Redis of host 0, on its loopback: no other host and not the machine's own Redis. */
  redisPort: 6390,
  apiPort: 7070,
  /** The API's TLS port on the LAN (kubeadm's 6443). */
  securePort: 6443,
  dnsPort: 1053,
  logPort: 10250,
  maxNodes: 20,
  /** Environment variable set on every process the bed starts (`<host>/<role>`), inherited by their children. */
  processMarker: 'CAPSTAN_CLUSTER_PROCESS',
  /** The Docker images every engine gets from the machine's own build. */
  images: ['capstan/pause:latest', 'capstan/hello:latest', 'capstan/busybox:latest'],
} as const;

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CAPSTAN_BIN = join(REPO_ROOT, 'bin', 'capstan.mjs');
export const STATE_FILE = join(BED.stateDir, 'state.json');
/** The client configuration `capstan server` of host 0 writes (its loopback URL and the admin token), used on h0. */
export const SERVER_CONFIG = join(BED.stateDir, 'h0-config');
/** The client configuration for the machine itself: the API over TLS on the LAN, with the admin token. */
export const CLIENT_CONFIG = join(BED.stateDir, 'config');
/** The cluster CA's certificate, for clients of the machine itself (NODE_EXTRA_CA_CERTS). */
export const CA_FILE = join(BED.stateDir, 'ca.crt');
export const IMAGES_TAR = join(BED.stateDir, 'images.tar');

/** One host of the bed: a network namespace with its own engine and node agent. */
export interface HostLayout {
  readonly index: number;
  /** Also the Node's name. */
  readonly name: string;
  readonly netns: string;
  readonly address: string;
  /** The engine's docker0 (`--bip`): a /24 of its own in 10.123.100+i.0. */
  readonly bip: string;
  /** The node's pod subnet, for a node agent that still takes `--pod-subnet`. */
  readonly podSubnet: string;
  readonly socket: string;
  readonly dockerHost: string;
  readonly dataDir: string;
  readonly runDir: string;
  readonly logDir: string;
  readonly cgroupParent: string;
}

export function hostLayout(index: number): HostLayout {
  const name = `h${index}`;
  const runDir = join(BED.runDir, name);
  const socket = join(runDir, 'docker.sock');
  const dataDir = join(BED.stateDir, name);
  return {
    index,
    name,
    netns: `capstan-${name}`,
    address: `${BED.subnetPrefix}.${10 + index}`,
    bip: `10.123.${100 + index}.1/24`,
    podSubnet: `10.244.${index + 1}.0/24`,
    socket,
    dockerHost: `unix://${socket}`,
    dataDir,
    runDir,
    logDir: join(dataDir, 'logs'),
    cgroupParent: `capstan-${name}`,
  };
}

export function netnsPath(netns: string): string {
  return `/var/run/netns/${netns}`;
}

/** `h1`, `1` or `capstan-h1` to the host's layout; undefined for anything else. */
export function parseHostName(text: string): HostLayout | undefined {
  const match = /^(?:capstan-)?h?(\d{1,2})$/.exec(text);
  if (!match) return undefined;
  const index = Number(match[1]);
  return index < BED.maxNodes ? hostLayout(index) : undefined;
}
