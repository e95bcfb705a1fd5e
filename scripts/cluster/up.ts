import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Docker from 'dockerode';
import {
  BED,
  CAPSTAN_BIN,
  CA_FILE,
  CLIENT_CONFIG,
  IMAGES_TAR,
  SERVER_CONFIG,
  REPO_ROOT,
  hostLayout,
  type HostLayout,
} from './layout.ts';
import { leftoversExist, teardown } from './down.ts';
import { parseJoinCommand } from './join-command.ts';
import { readState, writeState, type BedState } from './state.ts';
import { BedError, ip, logContains, run, startDaemon, waitUntil, type Daemon } from './system.ts';

export interface UpOptions {
  /** Hosts, 1 to 20; default 3. */
  nodes?: number;
  /** Tear down a bed that is up (or its leftovers) first instead of failing. */
  replace?: boolean;
  /** Pass `--pod-subnet` to each node (for node agents that do not get a podCIDR from the control plane). */
  podSubnets?: boolean;
  say?: (line: string) => void;
}

// Upper bounds on a busy machine; on a quiet one with two cores the whole `up` takes about 40 s.
const ENGINE_TIMEOUT_MS = 90_000;
const SERVER_TIMEOUT_MS = 90_000;
const NODE_TIMEOUT_MS = 90_000;

/** The environment of every process the bed starts: nothing of the caller's Capstan settings leaks in. */
export function baseEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    CAPSTAN_LOG_FORMAT: 'json',
    CAPSTAN_LOG_LEVEL: process.env.CAPSTAN_CLUSTER_LOG_LEVEL ?? 'info',
    // No warm pools unless asked (CAPSTAN_CLUSTER_WARM_POOL=16): the e2e tests compare each host's network with
    // its state before their pods, which ready sandboxes left by an earlier test would change. Asked for, pools
    // drain 5 s after the last pod start (the default, 60 s, is for users).
    CAPSTAN_WARM_POOL: process.env.CAPSTAN_CLUSTER_WARM_POOL ?? '0',
    CAPSTAN_WARM_POOL_IDLE_S: process.env.CAPSTAN_CLUSTER_WARM_POOL_IDLE_S ?? '5',
  };
}

/** The LAN: a bridge in a namespace of its own, and the root namespace's leg on it (10.123.0.1). */
async function createLan(): Promise<void> {
  const step = 'create the LAN';
  await ip(step, 'netns', 'add', BED.lanNetns);
  await ip(step, '-n', BED.lanNetns, 'link', 'set', 'lo', 'up');
  await ip(step, '-n', BED.lanNetns, 'link', 'add', BED.bridge, 'type', 'bridge');
  await ip(step, '-n', BED.lanNetns, 'link', 'set', BED.bridge, 'up');
  await ip(step, 'link', 'add', BED.rootLink, 'type', 'veth', 'peer', 'name', 'uplink', 'netns', BED.lanNetns);
  await ip(step, '-n', BED.lanNetns, 'link', 'set', 'uplink', 'master', BED.bridge, 'up');
  await ip(step, 'addr', 'add', `${BED.gateway}/${BED.prefixLength}`, 'dev', BED.rootLink);
  await ip(step, 'link', 'set', BED.rootLink, 'up');
}

/** A host: its namespace, its leg on the LAN (eth0, its address), loopback up. */
async function createHostNetwork(host: HostLayout): Promise<void> {
  const step = `create the network of ${host.name}`;
  await ip(step, 'netns', 'add', host.netns);
  await ip(step, '-n', host.netns, 'link', 'set', 'lo', 'up');
  await ip(
    step,
    '-n',
    BED.lanNetns,
    'link',
    'add',
    host.name,
    'type',
    'veth',
    'peer',
    'name',
    'eth0',
    'netns',
    host.netns,
  );
  await ip(step, '-n', BED.lanNetns, 'link', 'set', host.name, 'master', BED.bridge, 'up');
  await ip(step, '-n', host.netns, 'addr', 'add', `${host.address}/${BED.prefixLength}`, 'dev', 'eth0');
  await ip(step, '-n', host.netns, 'link', 'set', 'eth0', 'up');
}

async function startEngine(host: HostLayout): Promise<Daemon> {
  for (const dir of [host.dataDir, host.runDir, host.logDir]) await mkdir(dir, { recursive: true });
  const configFile = join(host.dataDir, 'daemon.json');
  await writeFile(configFile, '{}\n');
  return startDaemon(
    host.netns,
    `${host.name}/dockerd`,
    [
      'dockerd',
      '--config-file',
      configFile,
      '--data-root',
      join(host.dataDir, 'docker'),
      '--exec-root',
      join(host.runDir, 'exec'),
      '-H',
      host.dockerHost,
      '--pidfile',
      join(host.runDir, 'docker.pid'),
      '--cgroup-parent',
      host.cgroupParent,
      '--bip',
      host.bip,
      '--iptables=true',
    ],
    baseEnv(host.dataDir),
    join(host.logDir, 'dockerd.log'),
  );
}

async function waitEngine(host: HostLayout, engine: Daemon): Promise<void> {
  const docker = new Docker({ socketPath: host.socket, timeout: 3_000 });
  await waitUntil(
    `start the engine of ${host.name}`,
    ENGINE_TIMEOUT_MS,
    async () => (existsSync(host.socket) ? await docker.ping() : undefined),
    { daemon: engine },
  );
}

/** The project's images, built on this machine (images/build.sh does only what is missing), saved once. */
async function saveImages(): Promise<void> {
  await run('build the images', 'bash', [join(REPO_ROOT, 'images', 'build.sh')], { timeoutMs: 120_000 });
  await run('save the images', 'docker', ['save', '-o', IMAGES_TAR, ...BED.images], { timeoutMs: 60_000 });
}

async function loadImages(host: HostLayout): Promise<void> {
  await run(`load the images into ${host.name}`, 'docker', ['-H', host.dockerHost, 'load', '-i', IMAGES_TAR], {
    timeoutMs: 60_000,
  });
}

export async function startRedis(host: HostLayout): Promise<Daemon> {
  const dir = join(host.dataDir, 'redis');
  await mkdir(dir, { recursive: true });
  return startDaemon(
    host.netns,
    `${host.name}/redis`,
    ['redis-server', '--bind', '127.0.0.1', '--port', String(BED.redisPort), '--dir', dir, '--appendonly', 'yes'],
    baseEnv(host.dataDir),
    join(host.logDir, 'redis.log'),
  );
}

export function startServer(host: HostLayout): Daemon {
  return startDaemon(
    host.netns,
    `${host.name}/server`,
    [
      process.execPath,
      CAPSTAN_BIN,
      'server',
      '--host',
      host.address,
      '--port',
      String(BED.apiPort),
      '--dns-port',
      String(BED.dnsPort),
      '--redis-url',
      `redis://127.0.0.1:${BED.redisPort}`,
    ],
    {
      ...baseEnv(join(host.dataDir, 'home')),
      CAPSTAN_CONFIG: SERVER_CONFIG,
      CAPSTAN_PKI_DIR: join(host.dataDir, 'pki'),
      CAPSTAN_SECURE_PORT: String(BED.securePort),
    },
    join(host.logDir, 'server.log'),
    REPO_ROOT,
  );
}

/**
 * The machine's own client reaches the API only as another machine would: over TLS on the LAN, trusting the cluster
 * CA (the server's loopback listener is h0's own loopback). The admin token is the one the server wrote for h0.
 */
async function writeMachineClientConfig(server: HostLayout): Promise<void> {
  const token = /^token:\s*(\S+)/m.exec(await readFile(SERVER_CONFIG, 'utf8'))?.[1];
  if (!token) throw new BedError(`write the client config`, `${SERVER_CONFIG} holds no token`);
  await copyFile(join(server.dataDir, 'pki', 'ca.crt'), CA_FILE);
  await writeFile(
    CLIENT_CONFIG,
    `# Capstan client configuration of the test bed (NODE_EXTRA_CA_CERTS=${CA_FILE}). Keep it private.\n` +
      `server: https://${server.address}:${BED.securePort}\ntoken: ${token}\n`,
    { mode: 0o600 },
  );
}

/** Runs the capstan CLI as an admin on host 0 would (in its namespace, with the bed's client config). */
export function capstanOnServer(step: string, args: string[], timeoutMs = 30_000): ReturnType<typeof run> {
  const server = hostLayout(0);
  return run(step, 'nsenter', [`--net=/var/run/netns/${server.netns}`, '--', process.execPath, CAPSTAN_BIN, ...args], {
    env: { ...baseEnv(join(server.dataDir, 'home')), CAPSTAN_CONFIG: SERVER_CONFIG, [BED.processMarker]: 'h0/cli' },
    cwd: REPO_ROOT,
    timeoutMs,
  });
}

function startNode(host: HostLayout, joinArgs: string[], podSubnets: boolean): Daemon {
  const args = [
    ...joinArgs,
    '--name',
    host.name,
    '--address',
    host.address,
    '--log-port',
    String(BED.logPort),
    '--state-root',
    join(host.dataDir, 'node'),
    '--credential-dir',
    join(host.dataDir, 'credentials'),
    ...(podSubnets ? ['--pod-subnet', host.podSubnet] : []),
  ];
  return startDaemon(
    host.netns,
    `${host.name}/node`,
    [process.execPath, CAPSTAN_BIN, ...args],
    { ...baseEnv(join(host.dataDir, 'home')), DOCKER_HOST: host.dockerHost },
    join(host.logDir, 'node.log'),
    REPO_ROOT,
  );
}

interface NodeList {
  items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[];
}

/** Names of the Nodes that report Ready, through the CLI as a user would ask. */
export async function readyNodes(): Promise<string[]> {
  const { stdout } = await capstanOnServer('list the nodes', ['get', 'nodes', '-o', 'json']);
  const list = JSON.parse(stdout) as NodeList;
  return list.items
    .filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    .map((n) => n.metadata.name);
}

/**
 * `npm run cluster -- up`: N hosts on one LAN; host 0 runs Redis and `capstan server`; every host runs an engine
 * and a node that joins with the command `capstan token create --print-join-command` prints. Every step has a
 * deadline; a failure names the step and its log, and leaves the state file for `down`.
 */
export async function bringUp(options: UpOptions = {}): Promise<BedState> {
  const say = options.say ?? (() => undefined);
  const count = options.nodes ?? 3;
  if (!Number.isInteger(count) || count < 1 || count > BED.maxNodes) {
    throw new BedError('up', `--nodes must be a whole number from 1 to ${BED.maxNodes}, got ${count}`);
  }
  if (process.getuid?.() !== 0) throw new BedError('up', 'the test bed needs root (network namespaces, engines)');
  const existing = await readState();
  if (await leftoversExist()) {
    if (!options.replace) {
      const what = existing ? `a bed of ${existing.nodes} hosts is ${existing.phase}` : 'leftovers of a bed exist';
      throw new BedError('up', `${what}: run "npm run cluster -- down" first, or "up --replace"`);
    }
    say('Tearing down the bed that is there first.');
    await teardown(say);
  }
  const started = Date.now();
  const hosts = Array.from({ length: count }, (_, i) => hostLayout(i));
  const state: BedState = {
    phase: 'starting',
    nodes: count,
    startedAt: new Date().toISOString(),
    repoRoot: REPO_ROOT,
    hosts: hosts.map((h) => ({ name: h.name, netns: h.netns, address: h.address, dockerHost: h.dockerHost, pids: {} })),
  };
  await mkdir(BED.stateDir, { recursive: true });
  await writeState(state);
  const pids = (host: HostLayout, role: string, daemon: Daemon): Daemon => {
    state.hosts[host.index]!.pids[role] = daemon.pid;
    return daemon;
  };

  const images = saveImages();
  images.catch(() => undefined);
  await createLan();
  for (const host of hosts) await createHostNetwork(host);
  say(`LAN ${BED.subnetPrefix}.0/${BED.prefixLength} with ${count} hosts; starting ${count} engines`);
  const engines = await Promise.all(hosts.map(async (h) => pids(h, 'dockerd', await startEngine(h))));
  const serverHost = hosts[0]!;
  const redis = pids(serverHost, 'redis', await startRedis(serverHost));
  await writeState(state);

  await waitUntil(
    'start Redis on h0',
    20_000,
    () => (logContains(redis.logFile, 'Ready to accept connections') ? true : undefined),
    { daemon: redis },
  );
  const server = pids(serverHost, 'server', startServer(serverHost));
  await writeState(state);
  await Promise.all(hosts.map((h, i) => waitEngine(h, engines[i]!)));
  await images;
  await Promise.all(hosts.map(loadImages));
  say(`Engines up with ${BED.images.join(', ')}; waiting for capstan server on ${serverHost.address}`);
  await waitUntil(
    'start capstan server on h0',
    SERVER_TIMEOUT_MS,
    () => (logContains(server.logFile, 'Capstan is up') && existsSync(SERVER_CONFIG) ? true : undefined),
    { daemon: server },
  );
  await writeMachineClientConfig(serverHost);

  const printed = await capstanOnServer('create a bootstrap token', ['token', 'create', '--print-join-command']);
  const joinArgs = parseJoinCommand(printed.stdout);
  const nodes = hosts.map((h) => pids(h, 'node', startNode(h, joinArgs, options.podSubnets ?? false)));
  await writeState(state);
  await Promise.all(
    hosts.map((h, i) =>
      waitUntil(
        `join ${h.name}`,
        NODE_TIMEOUT_MS,
        () => (logContains(nodes[i]!.logFile, 'joined') ? true : undefined),
        { daemon: nodes[i]! },
      ),
    ),
  );
  await waitUntil(
    `wait for ${count} Ready nodes`,
    NODE_TIMEOUT_MS,
    async () => ((await readyNodes()).length >= count ? true : undefined),
    { logFile: join(hosts[0]!.logDir, 'server.log'), intervalMs: 500 },
  );
  state.phase = 'up';
  state.upSeconds = Math.round((Date.now() - started) / 100) / 10;
  state.server = `https://${serverHost.address}:${BED.securePort}`;
  await writeState(state);
  return state;
}
