import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { REDIS_USER } from '../../src/store/redis-url.ts';
import { BedApi } from '../chaos/harness.ts';
import { claimIndex, releaseIndex } from './cluster.ts';
import { deletePrefix } from './store.ts';

/**
 * A Redis primary, one replica and three sentinels (Debian's redis-server and redis-sentinel) on free loopback
 * ports in a temp dir, configured as scripts/setup.sh configures Redis: the default user off, the ACL user
 * `capstan` with a password (its hash in the configuration). Both data nodes have `min-replicas-to-write 1`, so a
 * primary left without its replica refuses writes instead of taking writes a failover would drop. The sentinels
 * have a password of their own and notice a dead primary after `downAfterMs`.
 */
export interface SentinelSet {
  readonly dir: string;
  readonly master: string;
  /** The ACL user's password; REDIS_URL is redis://capstan:PASSWORD@... */
  readonly password: string;
  readonly sentinelPassword: string;
  /** Ports of the two data nodes, `a` the first primary. */
  readonly ports: { a: number; b: number };
  readonly sentinelPorts: number[];
  /** The environment a server needs: REDIS_URL (its host and port the first primary's), REDIS_SENTINELS, ... */
  env(extra?: Record<string, string>): Record<string, string>;
  /** The port the sentinels name as primary now (asked of the first that answers). */
  primaryPort(): Promise<number | undefined>;
  /** `role:master` or `role:slave` of a data node, undefined when it does not answer. */
  role(port: number): Promise<string | undefined>;
  /** SIGKILLs a data node. */
  kill(port: number): Promise<void>;
  /** Starts a killed data node again on its configuration (which the sentinels may have rewritten). */
  restart(port: number): Promise<void>;
  /** Log lines of every process, for a failure message. */
  logs(): Promise<string>;
  /** SIGKILLs every process and removes the temp dir; safe to call twice. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await sleep(200);
  }
  throw new Error(`${what}: not within ${timeoutMs / 1000} s${last ? ` (${String(last)})` : ''}`);
}

/** One short-lived connection: a command and its answer, or undefined when nothing answers. */
async function ask(port: number, password: string, user: string | undefined, ...args: string[]): Promise<unknown> {
  const redis = new Redis({
    host: '127.0.0.1',
    port,
    ...(user ? { username: user } : {}),
    password,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 2_000,
    enableOfflineQueue: false,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return await redis.call(args[0]!, ...args.slice(1));
  } finally {
    redis.disconnect();
  }
}

export async function startSentinelSet({
  downAfterMs = 1000,
  master = 'mymaster',
}: { downAfterMs?: number; master?: string } = {}): Promise<SentinelSet> {
  const dir = await mkdtemp(join(tmpdir(), 'capstan-sentinel-'));
  const password = randomBytes(24).toString('hex');
  const sentinelPassword = randomBytes(24).toString('hex');
  const hash = createHash('sha256').update(password).digest('hex');
  const [a, b, ...sentinelPorts] = await Promise.all([1, 2, 3, 4, 5].map(() => freePort()));
  const ports = { a: a!, b: b! };
  const children = new Map<number, ChildProcess>();
  let stopped = false;

  const start = (port: number, conf: string, sentinel: boolean): void => {
    const child = spawn(sentinel ? 'redis-sentinel' : 'redis-server', [conf], { stdio: 'ignore' });
    child.on('error', () => {});
    children.set(port, child);
  };
  const dataConf = async (port: number, replicaOf?: number): Promise<string> => {
    const data = join(dir, `redis-${port}`);
    await mkdir(data, { recursive: true });
    const conf = join(dir, `redis-${port}.conf`);
    await writeFile(
      conf,
      [
        `bind 127.0.0.1`,
        `port ${port}`,
        `daemonize no`,
        `dir ${data}`,
        `logfile ${join(dir, `redis-${port}.log`)}`,
        `appendonly yes`,
        `appendfsync everysec`,
        `save ""`,
        `user default off`,
        `user ${REDIS_USER} on #${hash} ~* &* +@all`,
        `masteruser ${REDIS_USER}`,
        `masterauth ${password}`,
        `min-replicas-to-write 1`,
        `min-replicas-max-lag 10`,
        ...(replicaOf ? [`replicaof 127.0.0.1 ${replicaOf}`] : []),
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    return conf;
  };
  const sentinelConf = async (port: number): Promise<string> => {
    const conf = join(dir, `sentinel-${port}.conf`);
    await writeFile(
      conf,
      [
        `bind 127.0.0.1`,
        `port ${port}`,
        `daemonize no`,
        `dir ${dir}`,
        `logfile ${join(dir, `sentinel-${port}.log`)}`,
        `requirepass ${sentinelPassword}`,
        `sentinel sentinel-pass ${sentinelPassword}`,
        `sentinel monitor ${master} 127.0.0.1 ${ports.a} 2`,
        `sentinel auth-user ${master} ${REDIS_USER}`,
        `sentinel auth-pass ${master} ${password}`,
        `sentinel down-after-milliseconds ${master} ${downAfterMs}`,
        `sentinel failover-timeout ${master} ${Math.max(5 * downAfterMs, 5000)}`,
        `sentinel parallel-syncs ${master} 1`,
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    return conf;
  };

  const role = async (port: number): Promise<string | undefined> => {
    try {
      const info = String(await ask(port, password, REDIS_USER, 'INFO', 'replication'));
      return /^role:(\w+)/m.exec(info)?.[1];
    } catch {
      return undefined;
    }
  };
  const primaryPort = async (): Promise<number | undefined> => {
    for (const port of sentinelPorts) {
      try {
        const addr = (await ask(port, sentinelPassword, undefined, 'SENTINEL', 'get-master-addr-by-name', master)) as
          string[] | null;
        if (addr) return Number(addr[1]);
      } catch {
        // the next sentinel
      }
    }
    return undefined;
  };
  const logs = async (): Promise<string> => {
    const names = [`redis-${ports.a}.log`, `redis-${ports.b}.log`, ...sentinelPorts.map((p) => `sentinel-${p}.log`)];
    const parts = await Promise.all(
      names.map(async (n) => `--- ${n}\n${(await readFile(join(dir, n), 'utf8').catch(() => '')).slice(-3000)}`),
    );
    return parts.join('\n');
  };
  const kill = async (port: number): Promise<void> => {
    const child = children.get(port);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await Promise.all([...children.keys()].map((port) => kill(port)));
    await rm(dir, { recursive: true, force: true });
  };

  try {
    start(ports.a, await dataConf(ports.a), false);
    start(ports.b, await dataConf(ports.b, ports.a), false);
    await until('the primary answering', 20_000, async () => ((await role(ports.a)) === 'master' ? true : undefined));
    await until('the replica in sync', 20_000, async () => {
      const info = String(await ask(ports.b, password, REDIS_USER, 'INFO', 'replication'));
      return /master_link_status:up/.test(info) ? true : undefined;
    });
    for (const port of sentinelPorts) start(port, await sentinelConf(port), true);
    // A failover needs a majority of sentinels that know each other and the replica: wait for what hello
    // messages (every 2 s) tell them.
    await until('three sentinels that know each other and the replica', 30_000, async () => {
      for (const port of sentinelPorts) {
        const replicas = (await ask(port, sentinelPassword, undefined, 'SENTINEL', 'replicas', master)) as unknown[];
        const others = (await ask(port, sentinelPassword, undefined, 'SENTINEL', 'sentinels', master)) as unknown[];
        if (replicas.length < 1 || others.length < 2) return undefined;
      }
      return true;
    });
  } catch (err) {
    const text = await logs();
    await stop();
    throw new Error(`${(err as Error).message}\n${text}`);
  }

  return {
    dir,
    master,
    password,
    sentinelPassword,
    ports,
    sentinelPorts,
    env: (extra = {}) => ({
      REDIS_URL: `redis://${REDIS_USER}:${password}@127.0.0.1:${ports.a}`,
      REDIS_SENTINELS: sentinelPorts.map((p) => `127.0.0.1:${p}`).join(','),
      REDIS_SENTINEL_MASTER: master,
      REDIS_SENTINEL_PASSWORD: sentinelPassword,
      REDIS_MIN_REPLICAS: '1',
      REDIS_REPLICA_TIMEOUT_MS: '1000',
      ...extra,
    }),
    primaryPort,
    role,
    kill,
    restart: async (port) => {
      await kill(port);
      start(port, join(dir, `redis-${port}.conf`), false);
      await until(`Redis on ${port} answering again`, 20_000, async () => ((await role(port)) ? true : undefined));
    },
    logs,
    stop,
  };
}

/** A `capstan server` on a sentinel set, as `startSentinelServer` starts it. */
export interface SentinelServer {
  /** The API's base URL (without /graphql). */
  readonly apiUrl: string;
  /** A GraphQL client with the admin token the server wrote. */
  readonly api: BedApi;
  /** The CLI as a user runs it against this server (CAPSTAN_CONFIG of its admin credential). */
  cli(args: string[], timeoutMs?: number): Promise<{ code: number | null; stdout: string; stderr: string }>;
  output(): string;
  /** SIGTERM (SIGKILL after 30 s), removes its Redis keys, temp dir and cluster number; safe to call twice. */
  stop(): Promise<void>;
}

const REPO = resolve(import.meta.dirname, '../..');
const BIN = join(REPO, 'bin', 'capstan.mjs');

/**
 * Starts `node bin/capstan.mjs server` (no node agent) on the sentinel set with its `env()` and `extra`: API and DNS
 * on free ports, service and LoadBalancer ranges of a claimed cluster number, a key prefix and config of its own.
 */
export async function startSentinelServer(
  set: SentinelSet,
  extra: Record<string, string> = {},
): Promise<SentinelServer> {
  const index = await claimIndex();
  const home = await mkdtemp(join(tmpdir(), `capstan-sentinel-server-${index}-`));
  const configPath = join(home, 'config');
  const prefix = `capstan-sentinel-${randomBytes(4).toString('hex')}:`;
  const base: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!/^(VITEST|CAPSTAN_|REDIS_)/.test(key) && key !== 'TEST') base[key] = value;
  const env = {
    ...base,
    ...set.env(extra),
    CAPSTAN_PORT: '0',
    CAPSTAN_DNS_PORT: '0',
    CAPSTAN_PREFIX: prefix,
    CAPSTAN_SERVICE_CIDR: `10.97.${index}.0/24`,
    CAPSTAN_DNS_SERVICE_IP: `10.97.${index}.10`,
    CAPSTAN_LB_CIDR: `127.100.${index}.0/24`,
    CAPSTAN_CONFIG: configPath,
    CAPSTAN_PKI_DIR: join(home, 'pki'),
    CAPSTAN_LOG_FORMAT: 'json',
  };
  const child = spawn(process.execPath, [BIN, 'server'], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  let output = '';
  let apiUrl = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    output += `${line}\n`;
    apiUrl ||= /^\s+API and GraphiQL: (\S+)\/graphql$/.exec(line)?.[1] ?? '';
  });
  let api: BedApi | undefined;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await api?.close();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    }
    // The keys live on whichever node is primary now; a set being torn down may have none.
    const primary = await set.primaryPort().catch(() => undefined);
    if (primary) {
      await deletePrefix(prefix, `redis://${REDIS_USER}:${set.password}@127.0.0.1:${primary}`).catch(() => undefined);
    }
    await rm(home, { recursive: true, force: true });
    await releaseIndex(index);
  };
  try {
    await until('the API line of capstan server', 60_000, async () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`capstan server ended (${child.exitCode ?? child.signalCode}) before it was up`);
      }
      return apiUrl ? true : undefined;
    });
    const config = await until('the admin credential in CAPSTAN_CONFIG', 30_000, async () => {
      const text = await readFile(configPath, 'utf8').catch(() => '');
      return /^token:\s*\S+/m.test(text) ? text : undefined;
    });
    api = new BedApi(`${apiUrl}/graphql`, /^token:\s*(\S+)/m.exec(config)![1]!, '');
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\ncapstan server printed:\n${output.slice(-4000)}`);
  }
  const cliEnv = { ...base, CAPSTAN_CONFIG: configPath };
  return {
    apiUrl,
    api,
    output: () => output,
    cli: (args, timeoutMs = 30_000) =>
      new Promise((done) => {
        execFile(
          process.execPath,
          [BIN, ...args],
          { cwd: REPO, env: cliEnv, timeout: timeoutMs },
          (err, stdout, stderr) => {
            done({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
          },
        );
      }),
    stop,
  };
}
