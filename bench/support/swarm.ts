/**
 * Docker Swarm for comparisons: a service of the same image on one engine (the shared one for the scale benchmark,
 * a test-bed host's own for the chaos suite's rolling update), changed with the `docker` CLI as a user would, its
 * tasks counted through the engine API (cheaper than running the CLI in a loop, so polling disturbs the engine less).
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
  /** DOCKER_HOST for the CLI when `docker` is not the default engine (e.g. `unix:///run/.../docker.sock`). */
  dockerHost?: string;
  /** Image reference; resolved to its local image ID (no registry can be reached). */
  image: string;
  replicas: number;
  service?: string;
  /** Per phase (scale up, scale down, removal). */
  deadlineMs: number;
}

/** The `docker` CLI against one engine. */
type Cli = (args: string[]) => Promise<string>;

function cliOf(dockerHost: string | undefined, timeoutMs = 60_000): Cli {
  const env = dockerHost ? { ...process.env, DOCKER_HOST: dockerHost } : process.env;
  return async (args) => {
    const { stdout } = await run('docker', args, { encoding: 'utf8', timeout: timeoutMs, env });
    return stdout.trim();
  };
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
async function ensureSwarm(docker: Cli): Promise<boolean> {
  const state = await docker(['info', '--format', '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}']);
  if (state === 'active true') return false;
  if (state.startsWith('active') || state.startsWith('pending')) {
    throw new Error(`Swarm: this engine is in swarm mode but not a manager (${state}); cannot create services`);
  }
  await docker(['swarm', 'init', '--advertise-addr', '127.0.0.1']);
  return true;
}

async function hasNetwork(docker: Cli, name: string): Promise<boolean> {
  return (await docker(['network', 'ls', '--format', '{{.Name}}'])).split('\n').includes(name);
}

async function removeService(docker: Cli, client: Docker, service: string, deadlineMs: number): Promise<void> {
  await docker(['service', 'rm', service]).catch(() => undefined);
  await until(
    `removal of the containers of ${service}`,
    deadlineMs,
    async () => (await containersOf(client, service)) === 0,
  );
}

/**
 * Runs `body` with a fresh Swarm service created by `docker service create --name <service> <createArgs> <image ID>`
 * (`--no-resolve-image --init --detach` added). Always removes the service, and leaves swarm mode if it joined it.
 */
async function withService<T>(
  options: { docker: Docker; dockerHost?: string; image: string; service: string; deadlineMs: number },
  createArgs: string[],
  body: (docker: Cli, initialised: boolean) => Promise<T>,
): Promise<T> {
  const { docker: client, service, deadlineMs } = options;
  const docker = cliOf(options.dockerHost);
  const imageId = (await client.getImage(options.image).inspect()).Id;
  // `swarm init` creates docker_gwbridge and `swarm leave` keeps it: remove it again unless it was there before.
  const hadGatewayBridge = await hasNetwork(docker, GATEWAY_BRIDGE);
  const initialised = await ensureSwarm(docker);
  try {
    // A service left by an interrupted run would make the create fail.
    await removeService(docker, client, service, deadlineMs);
    await docker([
      'service',
      'create',
      '--name',
      service,
      ...createArgs,
      '--no-resolve-image',
      '--init',
      '--detach',
      imageId,
    ]);
    try {
      return await body(docker, initialised);
    } finally {
      await removeService(docker, client, service, deadlineMs);
    }
  } finally {
    if (initialised) {
      await docker(['swarm', 'leave', '--force']);
      if (!hadGatewayBridge) await docker(['network', 'rm', GATEWAY_BRIDGE]).catch(() => undefined);
    }
  }
}

/**
 * Creates a Swarm service of `image` with 0 replicas (`--init`, as Capstan's containers run with an init, so a stop
 * does not wait out busybox httpd ignoring SIGTERM), times a scale to `replicas` until that many tasks run, then a
 * scale to 0 until its containers are gone.
 */
export async function swarmScale(options: SwarmScaleOptions): Promise<SwarmScaleResult> {
  const { docker: client, replicas, deadlineMs } = options;
  const service = options.service ?? 'capstan-bench-hello';
  return withService({ ...options, service }, ['--replicas', '0'], async (docker, initialised) => {
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
  });
}

export interface SwarmRollingUpdateResult {
  /** `docker service update --env-add VERSION=v2 --detach` until `replicas` tasks of the new spec run and no old one. */
  seconds: number;
  /** Until the service's UpdateStatus said `completed` (after its `--update-monitor` wait of 5 s), if it did. */
  completedSeconds?: number;
  /** The service's UpdateStatus at the end: `completed`, or `paused` with Swarm's message. */
  state: string;
  message?: string;
  /** Tasks that failed or were rejected during the update (Swarm pauses on the first, by default). */
  failedTasks: number;
  /** From before `swarm init` and `service create` until `replicas` tasks were running (healthy). */
  createSeconds: number;
  initialised: boolean;
}

export interface SwarmRollingUpdateOptions extends SwarmScaleOptions {
  /** The container's port; the health check connects to it. */
  port: number;
}

interface TaskView {
  ID: string;
  Status?: { State?: string };
  Spec?: { ContainerSpec?: { Env?: string[] } };
}

/**
 * A rolling update the Swarm way, as Capstan's rolling-update scenario does it: a service of `replicas` tasks with
 * VERSION=v1 and a health check every second that connects to `port` (what a tcpSocket readiness probe checks:
 * Swarm counts a task with a health check as running only once it is healthy), then `service update --env-add
 * VERSION=v2` with `--update-parallelism 1 --update-order start-first`, Swarm's equivalent of maxSurge 1 and
 * maxUnavailable 0 (its default is stop-first). Times the update until every running task has the new spec.
 */
export async function swarmRollingUpdate(options: SwarmRollingUpdateOptions): Promise<SwarmRollingUpdateResult> {
  const { docker: client, replicas, deadlineMs, port } = options;
  const service = options.service ?? 'capstan-chaos-hello';
  const createArgs = [
    ...['--replicas', String(replicas), '--env', `PORT=${port}`, '--env', 'VERSION=v1'],
    // busybox nc without -z: connect, send nothing, close; nonzero when refused. Retries and timeout generous, so a
    // loaded machine does not turn a slow check into a task Swarm replaces.
    ...['--health-cmd', `nc -w 2 127.0.0.1 ${port} </dev/null`, '--health-interval', '1s'],
    ...['--health-timeout', '5s', '--health-retries', '10'],
    ...['--update-parallelism', '1', '--update-order', 'start-first'],
  ];
  const createStart = performance.now();
  return withService({ ...options, service }, createArgs, async (docker, initialised) => {
    await until(`${replicas} running tasks`, deadlineMs, async () => {
      return (await runningTasks(client, service)).length >= replicas;
    });
    const createSeconds = (performance.now() - createStart) / 1000;
    const tasks = async (): Promise<TaskView[]> =>
      (await client.listTasks({ filters: { service: [service] } })) as TaskView[];
    const before = new Set((await tasks()).map((t) => t.ID));
    const isNew = (t: TaskView): boolean => t.Spec?.ContainerSpec?.Env?.includes('VERSION=v2') ?? false;
    const start = performance.now();
    await docker(['service', 'update', '--env-add', 'VERSION=v2', '--detach', service]);
    let completedSeconds: number | undefined;
    let status: { State?: string; Message?: string } = {};
    const updateStatus = async (): Promise<void> => {
      const inspect = (await client.getService(service).inspect()) as { UpdateStatus?: typeof status };
      status = inspect.UpdateStatus ?? {};
      if (status.State === 'completed' && completedSeconds === undefined)
        completedSeconds = (performance.now() - start) / 1000;
    };
    await until('every running task of the new spec', deadlineMs, async () => {
      await updateStatus();
      if (status.State === 'paused') return true;
      const running = (await tasks()).filter((t) => t.Status?.State === 'running');
      return running.length === replicas && running.every(isNew);
    });
    const seconds = (performance.now() - start) / 1000;
    if (status.State !== 'paused')
      await until('the update completed', deadlineMs, async () => {
        await updateStatus();
        return status.State === 'completed' || status.State === 'paused';
      }).catch(() => undefined);
    const failedTasks = (await tasks()).filter(
      (t) => !before.has(t.ID) && ['failed', 'rejected'].includes(t.Status?.State ?? ''),
    ).length;
    return {
      seconds,
      completedSeconds,
      state: status.State ?? 'unknown',
      message: status.Message,
      failedTasks,
      createSeconds,
      initialised,
    };
  });
}
