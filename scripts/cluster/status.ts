import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import Docker from 'dockerode';
import { BED, CA_FILE, CLIENT_CONFIG, hostLayout, netnsPath, type HostLayout } from './layout.ts';
import { capstanOnServer } from './up.ts';
import { readState } from './state.ts';
import { readFile } from 'node:fs/promises';
import { BedError, bedCgroups, bedNetns, cgroupPids, isAlive, markedProcesses } from './system.ts';

export interface HostStatus {
  name: string;
  address: string;
  netns: boolean;
  engine: string;
  processes: Record<string, boolean>;
}

async function engineVersion(host: HostLayout): Promise<string> {
  if (!existsSync(host.socket)) return 'no socket';
  try {
    const version = await new Docker({ socketPath: host.socket, timeout: 3_000 }).version();
    return `docker ${version.Version}`;
  } catch (err) {
    return `not answering (${(err as Error).message.split('\n')[0]})`;
  }
}

/** `npm run cluster -- status`: each host's namespace, engine and processes, then the cluster's Nodes. */
export async function bedStatus(say: (line: string) => void): Promise<{ up: boolean; hosts: HostStatus[] }> {
  const state = await readState();
  if (!state) {
    const netns = await bedNetns();
    say(netns.length > 0 ? `No state file, but leftovers: ${netns.join(' ')} ("down" removes them)` : 'No bed is up.');
    return { up: false, hosts: [] };
  }
  const namespaces = new Set(await bedNetns());
  const hosts = await Promise.all(
    state.hosts.map(async (h): Promise<HostStatus> => {
      const layout = hostLayout(hostIndex(h.name));
      return {
        name: h.name,
        address: h.address,
        netns: namespaces.has(h.netns),
        engine: await engineVersion(layout),
        processes: Object.fromEntries(Object.entries(h.pids).map(([role, pid]) => [role, isAlive(pid)])),
      };
    }),
  );
  say(`Bed of ${state.nodes} hosts, ${state.phase}${state.upSeconds ? ` (up took ${state.upSeconds} s)` : ''}:`);
  for (const h of hosts) {
    const processes = Object.entries(h.processes)
      .map(([role, alive]) => `${role} ${alive ? 'running' : 'DEAD'}`)
      .join(', ');
    say(`  ${h.name}  ${h.address}  netns ${h.netns ? `capstan-${h.name}` : 'MISSING'}  ${h.engine}  ${processes}`);
  }
  if (state.phase === 'up') {
    const nodes = await capstanOnServer('list the nodes', ['get', 'nodes', '-o', 'wide'], 60_000).catch(
      (err: unknown) => ({ stdout: `  cannot list the nodes: ${(err as Error).message}` }),
    );
    say(`Nodes:\n${nodes.stdout.trimEnd()}`);
    const memory = await bedMemory();
    say(`Memory (RSS): ${memory.processesMiB} MiB in the bed's processes, ${memory.containersMiB} MiB in containers`);
    say(`export CAPSTAN_CONFIG=${CLIENT_CONFIG} NODE_EXTRA_CA_CERTS=${CA_FILE}`);
  }
  const healthy = hosts.every(
    (h) => h.netns && h.engine.startsWith('docker') && Object.values(h.processes).every(Boolean),
  );
  return { up: state.phase === 'up' && healthy, hosts };
}

/** Resident memory of the bed's processes (engines, containerd, agents, server, Redis) and of its containers, MiB. */
export async function bedMemory(): Promise<{ processesMiB: number; containersMiB: number }> {
  const rss = async (pid: number): Promise<number> => {
    const text = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    return Number(/VmRSS:\s+(\d+) kB/.exec(text)?.[1] ?? 0);
  };
  const marked = new Set((await markedProcesses()).map((p) => p.pid));
  const inContainers = new Set<number>();
  for (const dir of await bedCgroups()) {
    if (!dir.startsWith('/sys/fs/cgroup/memory/')) continue;
    for (const pid of await cgroupPids(dir)) if (!marked.has(pid)) inContainers.add(pid);
  }
  const sum = async (pids: Iterable<number>): Promise<number> => {
    let total = 0;
    for (const pid of pids) total += await rss(pid);
    return Math.round(total / 1024);
  };
  return { processesMiB: await sum(marked), containersMiB: await sum(inContainers) };
}

function hostIndex(name: string): number {
  return Number(name.replace(/^h/, ''));
}

/**
 * `npm run cluster -- exec HOST -- CMD`: runs CMD in the host's network namespace with DOCKER_HOST at its engine,
 * output to this terminal; resolves to its exit code.
 */
export async function execOnHost(host: HostLayout, command: string[]): Promise<number> {
  if (command.length === 0) throw new BedError('exec', 'no command given: exec HOST -- CMD [ARGS...]');
  if (!existsSync(netnsPath(host.netns))) {
    throw new BedError('exec', `host ${host.name} does not exist (no namespace ${host.netns}); is the bed up?`);
  }
  return new Promise((resolve, reject) => {
    const child = spawn('nsenter', [`--net=${netnsPath(host.netns)}`, '--', ...command], {
      stdio: 'inherit',
      env: { ...process.env, DOCKER_HOST: host.dockerHost, [BED.processMarker]: `${host.name}/exec` },
    });
    child.on('error', (err) => reject(new BedError('exec', err.message)));
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
