import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BED, CAPSTAN_BIN, REPO_ROOT, SERVER_CONFIG, hostLayout } from '../../scripts/cluster/layout.ts';
import { readState, writeState } from '../../scripts/cluster/state.ts';
import { isAlive, run, startDaemon, waitUntil, type Daemon } from '../../scripts/cluster/system.ts';
import { parseJoinCommand } from '../../scripts/cluster/join-command.ts';
import {
  baseEnv,
  capstanOnServer,
  startEngine,
  startNode,
  startRedis,
  startServer,
  waitEngine,
} from '../../scripts/cluster/up.ts';
import type { TestBed } from '../support/test-bed.ts';
import { sleep } from './harness.ts';

/**
 * Fault injectors on the bed: SIGKILL of its processes (and their restart, as a supervisor would), a container
 * killed through its host's engine, and the second API server the leader scenarios need. They act only on what
 * the bed made.
 */

/** The process id of a bed process from the state file (`role`: redis, server, node, dockerd, server-b). */
export async function bedPid(host: number, role: string): Promise<number> {
  const state = await readState();
  const pid = state?.hosts[host]?.pids[role];
  if (!pid) throw new Error(`the bed has no ${role} on h${host}`);
  return pid;
}

async function recordPid(host: number, role: string, pid: number | undefined): Promise<void> {
  const state = await readState();
  if (!state) return;
  if (pid === undefined) delete state.hosts[host]!.pids[role];
  else state.hosts[host]!.pids[role] = pid;
  await writeState(state);
}

/** SIGKILLs a bed process and waits until it is gone. */
export async function killBedProcess(host: number, role: string): Promise<void> {
  const pid = await bedPid(host, role);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
  await waitUntil(`SIGKILL ${role} of h${host}`, 10_000, () => (isAlive(pid) ? undefined : true), {
    intervalMs: 50,
  });
}

/** Starts the bed's Redis on h0 again (same data directory, AOF) and waits until it accepts connections. */
export async function restartRedis(): Promise<void> {
  const host = hostLayout(0);
  const before = countLines(join(host.logDir, 'redis.log'), 'Ready to accept connections');
  const redis = await startRedis(host);
  await recordPid(0, 'redis', redis.pid);
  await waitUntil(
    'restart Redis on h0',
    30_000,
    () => (countLines(redis.logFile, 'Ready to accept connections') > before ? true : undefined),
    { daemon: redis, intervalMs: 50 },
  );
}

/** Starts the bed's `capstan server` on h0 again and waits until it is up. */
export async function restartServer(): Promise<void> {
  const host = hostLayout(0);
  const before = countLines(join(host.logDir, 'server.log'), 'Capstan is up');
  const server = startServer(host);
  await recordPid(0, 'server', server.pid);
  await waitServerUp(server, before);
}

async function waitServerUp(server: Daemon, before: number): Promise<void> {
  await waitUntil(
    'start capstan server',
    90_000,
    () => (countLines(server.logFile, 'Capstan is up') > before ? true : undefined),
    { daemon: server, intervalMs: 100 },
  );
}

/** How often `text` occurs in a log: a restarted process appends to the log of its previous run. */
function countLines(file: string, text: string): number {
  if (!existsSync(file)) return 0;
  return readFileSync(file, 'utf8').split(text).length - 1;
}

/** Where the second API server of h0 listens: TLS on the LAN, as the first one does on 6443. */
export const SECOND_SERVER = { port: 7071, securePort: 6444, dnsPort: 1054 } as const;

/**
 * A second `capstan server` on h0 over the same Redis, for the leader scenarios: the admin token of the bed
 * (CAPSTAN_TOKEN), the same cluster CA, its own ports. Resolves once it is up; `stopSecondServer` ends it.
 */
export async function startSecondServer(token: string): Promise<string> {
  const host = hostLayout(0);
  const before = countLines(join(host.logDir, 'server-b.log'), 'Capstan is up');
  const server = startDaemon(
    host.netns,
    `${host.name}/server-b`,
    [
      process.execPath,
      CAPSTAN_BIN,
      'server',
      '--host',
      host.address,
      '--port',
      String(SECOND_SERVER.port),
      '--dns-port',
      String(SECOND_SERVER.dnsPort),
      '--redis-url',
      `redis://127.0.0.1:${BED.redisPort}`,
    ],
    {
      ...baseEnv(join(host.dataDir, 'home-b')),
      CAPSTAN_CONFIG: `${SERVER_CONFIG}-b`,
      CAPSTAN_TOKEN: token,
      CAPSTAN_PKI_DIR: join(host.dataDir, 'pki'),
      CAPSTAN_SECURE_PORT: String(SECOND_SERVER.securePort),
    },
    join(host.logDir, 'server-b.log'),
    REPO_ROOT,
  );
  await recordPid(0, 'server-b', server.pid);
  await waitServerUp(server, before);
  return `https://${host.address}:${SECOND_SERVER.securePort}`;
}

export async function stopSecondServer(): Promise<void> {
  const state = await readState();
  const pid = state?.hosts[0]?.pids['server-b'];
  if (!pid) return;
  if (isAlive(pid)) {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 10_000;
    while (isAlive(pid) && Date.now() < deadline) await sleep(100);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  await recordPid(0, 'server-b', undefined);
}

/** Which bed role holds the controllers' leader lease now (`server` or `server-b`), read from h0's Redis. */
export async function leaderRole(bed: TestBed): Promise<string | undefined> {
  const result = await bed.exec(0, ['redis-cli', '-p', String(BED.redisPort), 'GET', 'capstan:controller-leader']);
  const identity = result.stdout.trim();
  const pid = Number(/-(\d+)-[a-z0-9]+$/.exec(identity)?.[1]);
  if (!pid) return undefined;
  const state = await readState();
  const pids = state?.hosts[0]?.pids ?? {};
  return Object.entries(pids).find(([, p]) => p === pid)?.[0];
}

/** Kills a container through the engine of host `host` (`docker kill`, SIGKILL). */
export async function killContainer(host: number, containerId: string): Promise<boolean> {
  const id = containerId.replace(/^docker:\/\//, '');
  const layout = hostLayout(host);
  const result = await run(`kill a container on ${layout.name}`, 'docker', ['-H', layout.dockerHost, 'kill', id], {
    timeoutMs: 15_000,
    allowFailure: true,
  });
  return result.code === 0;
}

/**
 * Restarts the Docker engine of host `host` as `systemctl restart docker` would: SIGTERM (the engine stops its
 * containers, the bed's engines run without live-restore), then a new dockerd on the same data root.
 */
export async function restartEngine(host: number): Promise<void> {
  const pid = await bedPid(host, 'dockerd');
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
  await waitUntil(`stop the engine of h${host}`, 60_000, () => (isAlive(pid) ? undefined : true), { intervalMs: 100 });
  const layout = hostLayout(host);
  const engine = await startEngine(layout);
  await recordPid(host, 'dockerd', engine.pid);
  await waitEngine(layout, engine);
}

/** Every process of the machine with its parent and command line, from /proc. */
function processTable(): { pid: number; ppid: number; cmdline: string }[] {
  const table: { pid: number; ppid: number; cmdline: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      table.push({ pid: Number(entry), ppid, cmdline });
    } catch {
      // gone meanwhile
    }
  }
  return table;
}

/**
 * Host `host` powered off: its engine's containerd, the shims and every container process under them, the engine
 * and the node agent SIGKILLed at once, and its link to the LAN down. Nothing of it says goodbye.
 */
export async function powerOff(host: number): Promise<void> {
  const layout = hostLayout(host);
  const dockerd = await bedPid(host, 'dockerd');
  const agent = await bedPid(host, 'node');
  const table = processTable();
  // containerd and its shims name the engine's own socket, under the host's run directory.
  const roots = table.filter((p) => p.cmdline.includes(`${layout.runDir}/`) && /containerd/.test(p.cmdline));
  const victims = new Set<number>([dockerd, agent, ...roots.map((p) => p.pid)]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of table) {
      if (!victims.has(p.pid) && victims.has(p.ppid)) {
        victims.add(p.pid);
        grew = true;
      }
    }
  }
  for (const pid of victims) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await run(`link of ${layout.name} down`, 'ip', ['-n', layout.netns, 'link', 'set', 'eth0', 'down']);
  await waitUntil(
    `power off ${layout.name}`,
    15_000,
    () => ([...victims].some((pid) => isAlive(pid)) ? undefined : true),
    { intervalMs: 100 },
  );
}

/** Host `host` powered on again: its link up, its engine started (its containers stay exited), its node agent. */
export async function powerOn(host: number): Promise<void> {
  const layout = hostLayout(host);
  await run(`link of ${layout.name} up`, 'ip', ['-n', layout.netns, 'link', 'set', 'eth0', 'up']);
  const engine = await startEngine(layout);
  await recordPid(host, 'dockerd', engine.pid);
  await waitEngine(layout, engine);
  const printed = await capstanOnServer('create a bootstrap token', ['token', 'create', '--print-join-command']);
  const state = await readState();
  const agent = startNode(layout, parseJoinCommand(printed.stdout), false, state?.nodeArgs ?? []);
  await recordPid(host, 'node', agent.pid);
  await waitUntil(`start the node agent of ${layout.name}`, 90_000, () => (isAlive(agent.pid) ? true : undefined), {
    daemon: agent,
  });
}

/** The chain of the partition's drop rules, in the victim host's own network namespace. */
const PARTITION_CHAIN = 'CAPSTAN-CHAOS-PARTITION';

async function iptablesIn(netns: string, args: string[], allowFailure = false): Promise<void> {
  await run(`iptables in ${netns}`, 'ip', ['netns', 'exec', netns, 'iptables', '-w', ...args], { allowFailure });
}

/**
 * Host `host` cut off from the control plane (h0: API server, Redis, and its node) while every other host still
 * reaches it: drop rules for h0's address in a chain of the project's own, in host `host`'s network namespace.
 */
export async function partitionFromControlPlane(host: number): Promise<void> {
  const { netns } = hostLayout(host);
  const control = hostLayout(0).address;
  await iptablesIn(netns, ['-N', PARTITION_CHAIN], true);
  await iptablesIn(netns, ['-F', PARTITION_CHAIN]);
  await iptablesIn(netns, ['-A', PARTITION_CHAIN, '-s', control, '-j', 'DROP']);
  await iptablesIn(netns, ['-A', PARTITION_CHAIN, '-d', control, '-j', 'DROP']);
  for (const hook of ['INPUT', 'OUTPUT']) await iptablesIn(netns, ['-I', hook, '1', '-j', PARTITION_CHAIN]);
}

/** Removes the partition's rules and chain (also when only part of them was made). */
export async function healPartition(host: number): Promise<void> {
  const { netns } = hostLayout(host);
  for (const hook of ['INPUT', 'OUTPUT']) await iptablesIn(netns, ['-D', hook, '-j', PARTITION_CHAIN], true);
  await iptablesIn(netns, ['-F', PARTITION_CHAIN], true);
  await iptablesIn(netns, ['-X', PARTITION_CHAIN], true);
}
