import { existsSync } from 'node:fs';
import { rm, rmdir } from 'node:fs/promises';
import Docker from 'dockerode';
import { BED, hostLayout } from './layout.ts';
import { readState } from './state.ts';
import {
  bedCgroups,
  bedMounts,
  bedNetns,
  bedRootLinks,
  cgroupPids,
  isAlive,
  markedProcesses,
  run,
  waitUntil,
} from './system.ts';

/** What `down` removed, for its report and for tests that check it left nothing. */
export interface TeardownReport {
  processes: number;
  containers: number;
  mounts: number;
  netns: string[];
  links: string[];
}

type Say = (line: string) => void;

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/** SIGTERM, then SIGKILL for whatever still runs after `graceMs`. */
async function stopProcesses(pids: number[], graceMs: number): Promise<void> {
  const live = pids.filter(isAlive);
  for (const pid of live) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (live.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const pid of live.filter(isAlive)) signal(pid, 'SIGKILL');
  await waitUntil('wait for killed processes', 5_000, () => (live.some(isAlive) ? undefined : true)).catch(
    () => undefined,
  );
}

/** Removes every container of an engine that still answers; returns how many. */
async function removeContainers(socket: string): Promise<number> {
  if (!existsSync(socket)) return 0;
  const docker = new Docker({ socketPath: socket, timeout: 10_000 });
  let containers: Docker.ContainerInfo[];
  try {
    containers = await docker.listContainers({ all: true });
  } catch {
    return 0;
  }
  await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch(() => undefined),
    ),
  );
  return containers.length;
}

/**
 * Tears the bed down, whatever state it is in: from the state file when there is one, and by name for anything
 * a crashed or half-finished `up` left (processes carrying the bed's marker, `capstan-*` namespaces, links and
 * cgroups, mounts and folders under the bed's two roots). Safe to run twice.
 */
export async function teardown(say: Say = () => undefined): Promise<TeardownReport> {
  const state = await readState().catch(() => undefined);
  const report: TeardownReport = { processes: 0, containers: 0, mounts: 0, netns: [], links: [] };

  // 1. Node agents and the control plane first, so that nothing restarts pods while the engines empty.
  const marked = await markedProcesses();
  const agents = marked.filter((p) => /\/(node|server|redis|cli)$/.test(p.tag)).map((p) => p.pid);
  await stopProcesses(agents, 5_000);

  // 2. Every engine's containers, while the engines still run (they unmount and remove their netns files).
  const hostCount = Math.max(state?.nodes ?? 0, BED.maxNodes);
  const counts = await Promise.all(Array.from({ length: hostCount }, (_, i) => removeContainers(hostLayout(i).socket)));
  report.containers = counts.reduce((a, b) => a + b, 0);

  // 3. The engines and all they started (containerd, shims), then anything else with the marker.
  const engines = (await markedProcesses()).filter((p) => p.tag.endsWith('/dockerd')).map((p) => p.pid);
  await stopProcesses(engines, 15_000);
  const rest = (await markedProcesses()).map((p) => p.pid);
  await stopProcesses(rest, 2_000);
  report.processes = new Set([...marked.map((p) => p.pid), ...rest]).size;

  // 4. Container processes a dead engine left behind live in its cgroups; then the cgroups themselves.
  const cgroups = await bedCgroups();
  for (const dir of cgroups) for (const pid of await cgroupPids(dir)) signal(pid, 'SIGKILL');
  for (const dir of cgroups) {
    await waitUntil(`remove cgroup ${dir}`, 5_000, async () => {
      if (!existsSync(dir)) return true;
      await rmdir(dir);
      return true;
    }).catch((err: unknown) => say(`could not remove ${dir}: ${(err as Error).message}`));
  }

  // 5. Mounts under the bed's folders (overlay layers and netns files of containers an engine did not clean).
  for (const point of await bedMounts()) {
    const result = await run('unmount', 'umount', [point], { allowFailure: true });
    if (result.code !== 0) await run('unmount', 'umount', ['-l', point], { allowFailure: true });
    report.mounts += 1;
  }

  // 6. Namespaces (after the processes in them), then the root's links: deleting a namespace takes its veths.
  for (const netns of await bedNetns()) {
    const pids = await run('list netns pids', 'ip', ['netns', 'pids', netns], { allowFailure: true });
    await stopProcesses(pids.stdout.split('\n').filter(Boolean).map(Number), 2_000);
    await run(`delete netns ${netns}`, 'ip', ['netns', 'delete', netns], { allowFailure: true });
    report.netns.push(netns);
  }
  for (const link of await bedRootLinks()) {
    await run(`delete link ${link}`, 'ip', ['link', 'delete', link], { allowFailure: true });
    report.links.push(link);
  }

  // 7. The folders.
  await rm(BED.runDir, { recursive: true, force: true });
  await rm(BED.stateDir, { recursive: true, force: true });
  say(
    `Removed ${report.processes} processes, ${report.containers} containers, ${report.mounts} mounts, ` +
      `namespaces [${report.netns.join(' ')}], links [${report.links.join(' ')}] and ${BED.stateDir}, ${BED.runDir}.`,
  );
  return report;
}

/** True when anything of a bed exists: a state file, a `capstan-*` namespace or link, or a marked process. */
export async function leftoversExist(): Promise<boolean> {
  if (existsSync(BED.stateDir) || existsSync(BED.runDir)) return true;
  if ((await bedNetns()).length > 0 || (await bedRootLinks()).length > 0) return true;
  return (await markedProcesses()).length > 0;
}
