import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CapstanError } from '../api/errors.ts';
import { shortHash } from './cni.ts';

const run = promisify(execFile);

/**
 * The node's own iptables chains, scoped to its podCIDR: CAPSTAN-FWD-<hash> accepts forwarding to and from the
 * pods (Docker sets the FORWARD policy to DROP and loads br_netfilter, so bridged and routed pod traffic would be
 * dropped otherwise), CAPSTAN-MASQ-<hash> masquerades pod traffic that leaves the cluster CIDR (none between pods).
 * Only the one jump into FORWARD and nat POSTROUTING touches a built-in chain; nothing else is flushed or changed.
 */
export interface NodeChains {
  forward: string;
  masquerade: string;
}

export function nodeChains(node: string): NodeChains {
  const h = shortHash(node);
  return { forward: `CAPSTAN-FWD-${h}`, masquerade: `CAPSTAN-MASQ-${h}` };
}

/** The rules of the node's chains, as iptables arguments (table first). Pure, for tests. */
export function chainRules(podCidr: string, clusterCidr: string): { forward: string[][]; masquerade: string[][] } {
  return {
    forward: [
      ['-s', podCidr, '-j', 'ACCEPT'],
      ['-d', podCidr, '-j', 'ACCEPT'],
    ],
    masquerade: [
      ['-s', podCidr, '-d', clusterCidr, '-j', 'RETURN'],
      ['-s', podCidr, '!', '-d', '224.0.0.0/4', '-j', 'MASQUERADE'],
    ],
  };
}

async function iptables(args: string[]): Promise<void> {
  try {
    await run('iptables', ['-w', '5', ...args]);
  } catch (err) {
    const e = err as { stderr?: string; code?: string | number };
    if (e.code === 'ENOENT') throw new CapstanError('UNAVAILABLE', 'iptables is not installed (bash scripts/setup.sh)');
    throw Object.assign(new CapstanError('UNAVAILABLE', `iptables ${args.join(' ')}: ${(e.stderr ?? '').trim()}`), {
      exitCode: e.code,
    });
  }
}

async function exists(args: string[]): Promise<boolean> {
  try {
    await run('iptables', ['-w', '5', ...args]);
    return true;
  } catch {
    return false;
  }
}

async function ensureChain(table: string, chain: string, from: string, rules: string[][]): Promise<void> {
  if (!(await exists(['-t', table, '-n', '-L', chain]))) {
    await iptables(['-t', table, '-N', chain]).catch(async (err: unknown) => {
      // Another agent of this node (a restart racing its predecessor) made it meanwhile.
      if (!(await exists(['-t', table, '-n', '-L', chain]))) throw err;
    });
  }
  // Our own chain only: rewritten whole, so a changed podCIDR leaves no stale rule.
  await iptables(['-t', table, '-F', chain]);
  for (const rule of rules) await iptables(['-t', table, '-A', chain, ...rule]);
  if (!(await exists(['-t', table, '-C', from, '-j', chain])))
    await iptables(['-t', table, '-I', from, '1', '-j', chain]);
}

async function removeChain(table: string, chain: string, from: string): Promise<void> {
  while (await exists(['-t', table, '-C', from, '-j', chain])) await iptables(['-t', table, '-D', from, '-j', chain]);
  if (await exists(['-t', table, '-n', '-L', chain])) {
    await iptables(['-t', table, '-F', chain]);
    await iptables(['-t', table, '-X', chain]);
  }
}

/** Idempotent: creates or rewrites the node's chains and their jumps. */
export async function ensureNodeChains(node: string, podCidr: string, clusterCidr: string): Promise<void> {
  const chains = nodeChains(node);
  const rules = chainRules(podCidr, clusterCidr);
  await ensureChain('filter', chains.forward, 'FORWARD', rules.forward);
  await ensureChain('nat', chains.masquerade, 'POSTROUTING', rules.masquerade);
}

export async function removeNodeChains(node: string): Promise<void> {
  const chains = nodeChains(node);
  await removeChain('filter', chains.forward, 'FORWARD');
  await removeChain('nat', chains.masquerade, 'POSTROUTING');
}

/** Whether `args` of iptables would list something (tests). */
export async function iptablesHas(args: string[]): Promise<boolean> {
  return exists(args);
}
