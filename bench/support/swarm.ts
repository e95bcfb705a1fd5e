/**
 * The Docker Swarm side of the scale benchmark: a service of the same image on the same engine, scaled with the
 * `docker` CLI as a user would, its tasks counted through the engine API (cheaper than running the CLI in a loop,
 * so polling disturbs the engine less).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import { percentile } from '../report.ts';

const run = promisify(execFile);
const POLL_MS = 100;
const SERVICE_LABEL = 'com.docker.swarm.service.name';
const GATEWAY_BRIDGE = 'docker_gwbridge';

export interface SwarmScaleResult {
  /** `docker service scale <svc>=N --detach` until N tasks are running. */
  upSeconds: number;
  /** `docker service scale <svc>=0 --detach` until none of its containers is left. */
  downSeconds: number;
  /** Until none of its containers runs any more (all stopped, not yet all removed). */
  downStoppedSeconds: number;
  /** p99 over the tasks of the time from the scale request until each was first seen running. */
  taskP99Seconds: number;
  /** Whether this run initialised swarm mode (and left it again). */
  initialised: boolean;
}

export interface SwarmScaleOptions {
  docker: Docker;
  /** Image reference; resolved to its local image ID (no registry can be reached). */
  image: string;
  replicas: number;
  service?: string;
  /** Per phase (scale up, scale down, removal). */
  deadlineMs: number;
}

async function docker(args: string[], timeoutMs = 60_000): Promise<string> {
  const { stdout } = await run('docker', args, { encoding: 'utf8', timeout: timeoutMs });
  return stdout.trim();
}

async function until(what: string, deadlineMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Swarm: ${what} not reached within ${deadlineMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function runningTasks(client: Docker, service: string): Promise<string[]> {
  const tasks = (await client.listTasks({
    filters: { service: [service], 'desired-state': ['running'] },
  })) as { ID: string; Status?: { State?: string } }[];
  return tasks.filter((t) => t.Status?.State === 'running').map((t) => t.ID);
}

async function containersOf(client: Docker, service: string, all = true): Promise<number> {
  const list = await client.listContainers({ all, filters: { label: [`${SERVICE_LABEL}=${service}`] } });
  return list.length;
}

/** Joins swarm mode unless the engine is already a manager; returns whether this call initialised it. */
async function ensureSwarm(): Promise<boolean> {
  const state = await docker(['info', '--format', '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}']);
  if (state === 'active true') return false;
  if (state.startsWith('active') || state.startsWith('pending')) {
    throw new Error(`Swarm: this engine is in swarm mode but not a manager (${state}); cannot create services`);
  }
  await docker(['swarm', 'init', '--advertise-addr', '127.0.0.1']);
  return true;
}

async function hasNetwork(name: string): Promise<boolean> {
  return (await docker(['network', 'ls', '--format', '{{.Name}}'])).split('\n').includes(name);
}

async function removeService(client: Docker, service: string, deadlineMs: number): Promise<void> {
  await docker(['service', 'rm', service]).catch(() => undefined);
  await until(
    `removal of the containers of ${service}`,
    deadlineMs,
    async () => (await containersOf(client, service)) === 0,
  );
}

/**
 * Creates a Swarm service of `image` with 0 replicas (`--init`, as Capstan's containers run with an init, so a stop
 * does not wait out busybox httpd ignoring SIGTERM), times a scale to `replicas` until that many tasks run, then a
 * scale to 0 until its containers are gone. Always removes the service, and leaves swarm mode if it joined it.
 */
export async function swarmScale(options: SwarmScaleOptions): Promise<SwarmScaleResult> {
  const { docker: client, replicas, deadlineMs } = options;
  const service = options.service ?? 'capstan-bench-hello';
  const imageId = (await client.getImage(options.image).inspect()).Id;
  // `swarm init` creates docker_gwbridge and `swarm leave` keeps it: remove it again unless it was there before.
  const hadGatewayBridge = await hasNetwork(GATEWAY_BRIDGE);
  const initialised = await ensureSwarm();
  try {
    // A service left by an interrupted run would make the create fail.
    await removeService(client, service, deadlineMs);
    await docker([
      'service',
      'create',
      '--name',
      service,
      '--replicas',
      '0',
      '--no-resolve-image',
      '--init',
      '--detach',
      imageId,
    ]);
    try {
      const upStart = performance.now();
      const seen = new Map<string, number>();
      await docker(['service', 'scale', `${service}=${replicas}`, '--detach']);
      await until(`${replicas} running tasks`, deadlineMs, async () => {
        const now = performance.now();
        for (const id of await runningTasks(client, service)) if (!seen.has(id)) seen.set(id, (now - upStart) / 1000);
        return seen.size >= replicas;
      });
      const upSeconds = (performance.now() - upStart) / 1000;
      const taskP99Seconds = percentile([...seen.values()], 99);

      const downStart = performance.now();
      await docker(['service', 'scale', `${service}=0`, '--detach']);
      let downStoppedSeconds: number | undefined;
      await until('no containers left', deadlineMs, async () => {
        const [left, running] = await Promise.all([
          containersOf(client, service),
          downStoppedSeconds === undefined ? containersOf(client, service, false) : 0,
        ]);
        if (running === 0) downStoppedSeconds ??= (performance.now() - downStart) / 1000;
        return left === 0;
      });
      const downSeconds = (performance.now() - downStart) / 1000;
      return {
        upSeconds,
        downSeconds,
        downStoppedSeconds: downStoppedSeconds ?? downSeconds,
        taskP99Seconds,
        initialised,
      };
    } finally {
      await removeService(client, service, deadlineMs);
    }
  } finally {
    if (initialised) {
      await docker(['swarm', 'leave', '--force']);
      if (!hadGatewayBridge) await docker(['network', 'rm', GATEWAY_BRIDGE]).catch(() => undefined);
    }
  }
}
