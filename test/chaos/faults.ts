import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BED, CAPSTAN_BIN, REPO_ROOT, SERVER_CONFIG, hostLayout } from '../../scripts/cluster/layout.ts';
import { readState, writeState } from '../../scripts/cluster/state.ts';
import { isAlive, run, startDaemon, waitUntil, type Daemon } from '../../scripts/cluster/system.ts';
import { baseEnv, startRedis, startServer } from '../../scripts/cluster/up.ts';
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
