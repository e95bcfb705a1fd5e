import { createHash } from 'node:crypto';
import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import { CapstanError } from '../api/errors.ts';
import { processPool } from './process-pool.ts';

/**
 * The runtime side of the CNI protocol (what libcni does for a kubelet): network configurations for a node's pods,
 * plugin invocation (ADD/CHECK/DEL with the sandbox's netns), and the result. The plugins themselves are Debian's
 * containernetworking-plugins (bridge, host-local, portmap); nothing here re-implements them.
 */

export const CNI_VERSION = '1.0.0';
export const DEFAULT_CNI_PATH = '/usr/lib/cni';
/**
 * Plugins a node needs: bridge + host-local for `eth0`, portmap for hostPorts. (Not `loopback`: a sandbox's netns
 * is the engine's, which has `lo` up already.)
 */
export const REQUIRED_PLUGINS = ['bridge', 'host-local', 'portmap'] as const;

export interface CniPluginConf {
  type: string;
  [key: string]: unknown;
}

export interface CniConfList {
  cniVersion: string;
  name: string;
  plugins: CniPluginConf[];
}

export interface CniPortMapping {
  hostPort: number;
  containerPort: number;
  protocol: 'tcp' | 'udp';
  hostIP?: string;
}

export interface CniResult {
  cniVersion?: string;
  interfaces?: { name: string; mac?: string; sandbox?: string }[];
  ips?: { address: string; gateway?: string; interface?: number }[];
  routes?: { dst: string; gw?: string }[];
}

/** Linux interface names have at most 15 characters: `capbr-` and 8 hex digits of the node name's hash. */
export function bridgeName(node: string): string {
  return `capbr-${shortHash(node)}`;
}

export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** The first host address of an IPv4 CIDR (the bridge's gateway address). */
export function gatewayOf(cidr: string): string {
  const [base] = cidr.split('/') as [string];
  const parts = base.split('.').map(Number);
  parts[3] = parts[3]! + 1;
  return parts.join('.');
}

/**
 * The pod network of one node: a bridge of its own with the podCIDR's first address as gateway, addresses from
 * host-local in a data directory of its own (several nodes on one machine never share IPAM state), no masquerade
 * on the bridge (pods see each other's own addresses; the node's iptables chains masquerade only what leaves the
 * cluster CIDR), and portmap for hostPorts only.
 */
export function nodeConfList(options: { node: string; podCidr: string; dataDir: string }): CniConfList {
  return {
    cniVersion: CNI_VERSION,
    name: 'capstan',
    plugins: [
      {
        type: 'bridge',
        bridge: bridgeName(options.node),
        isGateway: true,
        ipMasq: false,
        hairpinMode: true,
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet: options.podCidr, gateway: gatewayOf(options.podCidr) }]],
          routes: [{ dst: '0.0.0.0/0' }],
          dataDir: options.dataDir,
        },
      },
      { type: 'portmap', capabilities: { portMappings: true }, snat: true },
    ],
  };
}

/**
 * The list a sandbox is wired with: without the port-mapping plugins (portmap) when it maps no port. portmap's ADD
 * and DEL do nothing then (they pass the previous result on), but each is a process to start, a third of a pod's
 * plugin runs. The list is cached with the sandbox's result, so its DEL runs the same plugins.
 */
export function listFor(list: CniConfList, portMappings: readonly CniPortMapping[]): CniConfList {
  if (portMappings.length > 0) return list;
  const used = list.plugins.filter((p) => !(p.capabilities as Record<string, boolean> | undefined)?.portMappings);
  return { ...list, plugins: used };
}

/**
 * The stdin of one plugin of a list, as the CNI spec's "network configuration list" execution builds it: the
 * list's name and version, the previous plugin's result, and the runtime config for the capabilities it declares.
 */
export function pluginStdin(
  list: Pick<CniConfList, 'cniVersion' | 'name'>,
  plugin: CniPluginConf,
  options: { prevResult?: CniResult; portMappings?: CniPortMapping[]; ips?: string[] } = {},
): Record<string, unknown> {
  const { capabilities, ...rest } = plugin as CniPluginConf & { capabilities?: Record<string, boolean> };
  const conf: Record<string, unknown> = { ...rest, cniVersion: list.cniVersion, name: list.name };
  if (options.prevResult) conf.prevResult = options.prevResult;
  // Addresses asked for (CNI's `args.cni.ips` convention): the plugin with an IPAM passes its stdin on to it.
  if (options.ips && options.ips.length > 0 && 'ipam' in rest) conf.args = { cni: { ips: options.ips } };
  if (capabilities?.portMappings && options.portMappings && options.portMappings.length > 0) {
    conf.runtimeConfig = { portMappings: options.portMappings };
  }
  return conf;
}

/** The pod's IPv4 address (without prefix length) from a result: the address on the interface inside the netns. */
export function podIPFromResult(result: CniResult): string {
  const inSandbox = new Set((result.interfaces ?? []).flatMap((iface, i) => (iface.sandbox ? [i] : [])));
  const ips = result.ips ?? [];
  const ip = ips.find((a) => a.interface !== undefined && inSandbox.has(a.interface)) ?? ips[0];
  if (!ip) throw new CapstanError('UNAVAILABLE', 'the CNI result holds no IP address');
  return ip.address.split('/')[0]!;
}

export interface CniInvocation {
  command: 'ADD' | 'CHECK' | 'DEL';
  containerId: string;
  /** `/proc/<pid>/ns/net` of the sandbox; empty for a DEL after the netns is gone. */
  netns: string;
  ifname: string;
  cniPath: string;
}

/** A plugin's own error (`{code, msg, details}` on stdout) or a failure to run it. */
export class CniError extends CapstanError {
  constructor(
    readonly plugin: string,
    readonly command: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('UNAVAILABLE', `CNI ${command} of plugin ${plugin} failed: ${message}`, options);
    this.name = 'CniError';
  }
}

/** Runs one plugin by the CNI protocol: the parameters in the environment, the configuration on stdin. */
export async function execPlugin(
  plugin: string,
  invocation: CniInvocation,
  stdin: Record<string, unknown>,
  timeoutMs = 30_000,
): Promise<CniResult> {
  const path = join(invocation.cniPath, plugin);
  // From a worker thread (process-pool.ts): a plugin's fork and exec do not hold the agent's event loop.
  const result = await processPool.run({
    file: path,
    env: {
      PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
      CNI_COMMAND: invocation.command,
      CNI_CONTAINERID: invocation.containerId,
      CNI_NETNS: invocation.netns,
      CNI_IFNAME: invocation.ifname,
      CNI_PATH: invocation.cniPath,
    },
    stdin: JSON.stringify(stdin),
    timeoutMs,
  });
  if (result.error) throw new CniError(plugin, invocation.command, `cannot run ${path}: ${result.error}`);
  const text = result.stdout.toString('utf8').trim();
  if (result.code === 0) {
    try {
      return text ? (JSON.parse(text) as CniResult) : {};
    } catch (e) {
      throw new CniError(plugin, invocation.command, `unreadable result: ${text.slice(0, 200)}`, { cause: e });
    }
  }
  let message = result.signal ? `killed by ${result.signal}` : `exit code ${result.code}`;
  try {
    const parsed = JSON.parse(text) as { code?: number; msg?: string; details?: string };
    message = [parsed.msg, parsed.details].filter(Boolean).join(': ') || message;
  } catch {
    const stderr = result.stderr.toString('utf8').trim();
    if (stderr || text) message += `: ${(stderr || text).slice(0, 300)}`;
  }
  throw new CniError(plugin, invocation.command, message);
}

/**
 * Runs a configuration list: ADD and CHECK in order, each plugin getting the previous result; DEL in reverse
 * order with the cached ADD result. Returns the last plugin's result (ADD) or the cached one.
 */
export async function execList(
  list: CniConfList,
  invocation: CniInvocation,
  options: { prevResult?: CniResult; portMappings?: CniPortMapping[]; ips?: string[] } = {},
): Promise<CniResult> {
  if (invocation.command === 'DEL') {
    const errors: unknown[] = [];
    for (const plugin of [...list.plugins].reverse()) {
      await execPlugin(plugin.type, invocation, pluginStdin(list, plugin, options)).catch((e: unknown) =>
        errors.push(e),
      );
    }
    if (errors.length > 0) throw errors[0];
    return options.prevResult ?? {};
  }
  let prev = invocation.command === 'CHECK' ? options.prevResult : undefined;
  for (const plugin of list.plugins) {
    const result = await execPlugin(
      plugin.type,
      invocation,
      pluginStdin(list, plugin, { ...options, ...(prev ? { prevResult: prev } : {}) }),
    );
    if (invocation.command === 'ADD') prev = result;
  }
  return prev ?? {};
}

/** A clear setup error for the first required plugin missing from `cniPath`. */
export async function checkPlugins(cniPath: string, setting = 'CAPSTAN_CNI_PATH'): Promise<void> {
  for (const plugin of REQUIRED_PLUGINS) {
    const path = join(cniPath, plugin);
    try {
      await access(path, constants.X_OK);
    } catch {
      throw new CapstanError(
        'UNAVAILABLE',
        `CNI plugin ${path} is missing or not executable: install Debian's containernetworking-plugins ('bash scripts/setup.sh'), or point ${setting} at the directory holding ${REQUIRED_PLUGINS.join(', ')}`,
      );
    }
  }
}
