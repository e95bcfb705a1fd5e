import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import Docker from 'dockerode';
import { networkName } from '../../src/node/docker-pod-config.ts';
import { DockerRuntime } from '../../src/node/docker-runtime.ts';
import { LABELS } from '../../src/node/runtime.ts';
import { removeLoopbackAddress } from '../../src/services/loopback.ts';
import { claimIndex, releaseIndex } from './cluster.ts';
import { deletePrefix, REDIS_URL, uniquePrefix, waitFor } from './store.ts';

const REPO = resolve(import.meta.dirname, '../..');
const BIN = join(REPO, 'bin', 'capstan.mjs');
const docker = new Docker();

/** What one `capstan <verb>` run printed and how it ended. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** How a process ended: an exit code, or the signal that killed it. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A real `capstan up` child process on addresses of its own, and the `capstan` CLI pointed at it. */
export interface CapstanUp {
  /** N: the claimed cluster number, 101–249. */
  readonly index: number;
  readonly nodeName: string;
  /** 127.0.N.1: NodePorts listen here. */
  readonly nodeAddress: string;
  readonly podSubnet: string;
  readonly serviceCidr: string;
  readonly dnsServiceIp: string;
  readonly prefix: string;
  /** The CAPSTAN_CONFIG both `capstan up` and the CLI use. */
  readonly configPath: string;
  /** As printed on the "API and GraphiQL:" line, without `/graphql`. */
  readonly apiUrl: string;
  /** As printed on the "DNS:" line (on 127.0.0.1). */
  readonly dnsPort: number;
  /** True until the process has ended. */
  running(): boolean;
  /** Everything `capstan up` printed so far, stdout and stderr, for failure messages. */
  output(): string;
  /** Runs `node bin/capstan.mjs ...args` with this cluster's CAPSTAN_CONFIG; resolves however it exits. */
  cli(args: string[], timeoutMs?: number): Promise<CliResult>;
  /** Starts `node bin/capstan.mjs ...args` (a `logs -f`, a `wait`) without waiting for it; see RunningCli. */
  start(args: string[]): RunningCli;
  /** Sends SIGTERM and waits for the process to end; SIGKILL after `timeoutMs` (and says so in `forced`). */
  terminate(timeoutMs?: number): Promise<Exit & { forced: boolean }>;
  /** Containers (any state) labelled with this node's name. */
  containers(): Promise<Docker.ContainerInfo[]>;
  /**
   * Ends the process if it still runs, force-removes containers left behind, and removes the node network, the
   * Redis prefix, the loopback addresses and route of the service range, the temp dir and the claimed number.
   * Resolves with what had to be cleaned up by force or failed, so the caller can fail on it.
   */
  release(): Promise<string[]>;
  /**
   * A second control-plane process, `capstan server`, on this cluster's Redis prefix and ranges (API and DNS on free
   * ports, an admin credential file of its own), as another machine's server would be. Resolves once it is up.
   */
  startServer(): Promise<SecondServer>;
}

/** A `capstan <verb>` still running: what it printed so far, and how it ended. */
export interface RunningCli {
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<Exit>;
  /** Ends it with SIGKILL if it still runs (for cleanup after a failure). */
  kill(): void;
}

/** A `capstan server` process started by `CapstanUp.startServer`. */
export interface SecondServer {
  /** As printed on the "API and GraphiQL:" line, without `/graphql`. */
  readonly apiUrl: string;
  output(): string;
  /** SIGTERM, then SIGKILL after 30 s; removes its credential file. */
  stop(): Promise<void>;
}

/**
 * The environment of a user's shell: the test runner's own variables and any CAPSTAN_* setting of the machine
 * are left out, so the child processes see only what a test sets (VITEST would also silence the logger).
 */
function userEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(VITEST|CAPSTAN_)/.test(key) && key !== 'TEST') env[key] = value;
  }
  return { ...env, REDIS_URL, ...extra };
}

function exitOf(child: ChildProcess): Promise<Exit> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
}

function command(cmd: string, args: string[]): Promise<CliResult> {
  return new Promise((done) => {
    execFile(cmd, args, { timeout: 15_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

/**
 * Starts `node bin/capstan.mjs up` as a user would, on a claimed cluster number N: API and DNS on ephemeral ports,
 * node `tN-up` at 127.0.N.1 with pods in 10.250.N.0/24, services in 10.97.N.0/24 (DNS 10.97.N.10), LoadBalancers
 * in 127.100.N.0/24, a fresh Redis prefix and CAPSTAN_CONFIG in a temp dir. Resolves once it printed that it is up.
 */
export async function startCapstanUp({
  readyTimeoutMs = 60_000,
  env: extraEnv = {},
}: {
  readyTimeoutMs?: number;
  /** More settings of the `capstan up` process (e.g. CAPSTAN_USAGE_INTERVAL_MS). */
  env?: Record<string, string>;
} = {}): Promise<CapstanUp> {
  const index = await claimIndex();
  const home = await mkdtemp(join(tmpdir(), `capstan-up-${index}-`));
  const nodeName = `t${index}-up`;
  const settings = {
    nodeName,
    nodeAddress: `127.0.${index}.1`,
    podSubnet: `10.250.${index}.0/24`,
    serviceCidr: `10.97.${index}.0/24`,
    dnsServiceIp: `10.97.${index}.10`,
    prefix: uniquePrefix(`up${index}`),
    configPath: join(home, 'config'),
  };
  const env = userEnv({
    CAPSTAN_PORT: '0',
    CAPSTAN_DNS_PORT: '0',
    CAPSTAN_PREFIX: settings.prefix,
    CAPSTAN_NODE_NAME: nodeName,
    CAPSTAN_NODE_ADDRESS: settings.nodeAddress,
    CAPSTAN_POD_SUBNET: settings.podSubnet,
    CAPSTAN_CLUSTER_CIDR: '10.250.0.0/16',
    CAPSTAN_SERVICE_CIDR: settings.serviceCidr,
    CAPSTAN_DNS_SERVICE_IP: settings.dnsServiceIp,
    CAPSTAN_LB_CIDR: `127.100.${index}.0/24`,
    CAPSTAN_LOG_PORT: '0',
    CAPSTAN_CONFIG: settings.configPath,
    CAPSTAN_LOG_FORMAT: 'json',
    ...extraEnv,
  });
  const cliEnv = userEnv({ CAPSTAN_CONFIG: settings.configPath });

  const child = spawn(process.execPath, [BIN, 'up'], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = exitOf(child);
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const printed = { api: '', dns: 0, ready: false };
  createInterface({ input: child.stdout }).on('line', (line) => {
    output += `${line}\n`;
    const api = /^\s+API and GraphiQL: (\S+)\/graphql$/.exec(line);
    if (api) printed.api = api[1]!;
    const dns = /^\s+DNS: +127\.0\.0\.1:(\d+) /.exec(line);
    if (dns) printed.dns = Number(dns[1]);
    if (line === 'Press Ctrl-C to stop.') printed.ready = true;
  });

  const containers = () => docker.listContainers({ all: true, filters: { label: [`${LABELS.node}=${nodeName}`] } });

  const terminate = async (timeoutMs = 30_000): Promise<Exit & { forced: boolean }> => {
    if (child.exitCode !== null || child.signalCode !== null) return { ...(await exited), forced: false };
    child.kill('SIGTERM');
    const timer = sleep(timeoutMs, undefined, { ref: false });
    const exit = await Promise.race([exited, timer]);
    if (exit) return { ...exit, forced: false };
    child.kill('SIGKILL');
    return { ...(await exited), forced: true };
  };

  const release = async (): Promise<string[]> => {
    const problems: string[] = [];
    const exit = await terminate();
    if (exit.forced) problems.push('capstan up did not exit within 30 s of SIGTERM and was killed');
    const left = await containers();
    if (left.length > 0) {
      problems.push(`containers of ${nodeName} left behind: ${left.map((c) => c.Names.join(',')).join(' ')}`);
      await Promise.all(
        left.map((c) =>
          docker
            .getContainer(c.Id)
            .remove({ force: true })
            .catch(() => undefined),
        ),
      );
    }
    await docker
      .getNetwork(networkName(nodeName))
      .remove()
      .catch((err: { statusCode?: number }) => {
        if (err.statusCode !== 404) problems.push(`network ${networkName(nodeName)}: ${String(err)}`);
      });
    // The node's CNI bridge, its iptables chains and IPAM state outlive the agent as cni0 outlives kubelet: this
    // node is the test's own, so they go (a bridge left here kept its route to the pod subnet for the next test).
    await new DockerRuntime({ docker })
      .removeNodeNetwork(nodeName)
      .catch((err: unknown) => problems.push(`the network of ${nodeName}: ${String(err)}`));
    // The pod DNS address, service addresses and the range's unreachable route outlive `capstan up` by design
    // (other processes may share them); this range is this test's own, so remove them for the next holder of N.
    const lo = await command('ip', ['-o', '-4', 'addr', 'show', 'dev', 'lo']);
    const inRange = [...lo.stdout.matchAll(new RegExp(`inet (10\\.97\\.${index}\\.\\d+)/`, 'g'))].map((m) => m[1]!);
    for (const ip of new Set([...inRange, settings.dnsServiceIp])) await removeLoopbackAddress(ip).catch(() => {});
    await command('ip', ['route', 'del', 'unreachable', settings.serviceCidr]);
    await deletePrefix(settings.prefix);
    await rm(home, { recursive: true, force: true });
    await releaseIndex(index);
    return problems;
  };

  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) {
          const exit = await exited;
          throw new Error(`capstan up ended (${exit.code ?? exit.signal}) before it was up`);
        }
        return printed.ready && printed.api !== '' && printed.dns > 0;
      },
      { timeoutMs: readyTimeoutMs, intervalMs: 100, message: '"Press Ctrl-C to stop." from capstan up' },
    );
  } catch (err) {
    const problems = await release();
    throw new Error(`${String(err)}\n${problems.join('\n')}\ncapstan up printed:\n${output}`);
  }

  return {
    index,
    ...settings,
    apiUrl: printed.api,
    dnsPort: printed.dns,
    running: () => child.exitCode === null && child.signalCode === null,
    output: () => output,
    cli: (args, timeoutMs = 30_000) =>
      new Promise((done) => {
        execFile(
          process.execPath,
          [BIN, ...args],
          { cwd: REPO, env: cliEnv, timeout: timeoutMs },
          (err, stdout, stderr) => {
            const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
            done({ code, stdout, stderr });
          },
        );
      }),
    start: (args) => {
      const cli = spawn(process.execPath, [BIN, ...args], {
        cwd: REPO,
        env: cliEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const out = { stdout: '', stderr: '' };
      cli.stdout.on('data', (chunk: Buffer) => (out.stdout += chunk.toString()));
      cli.stderr.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()));
      const cliExited = exitOf(cli);
      return {
        stdout: () => out.stdout,
        stderr: () => out.stderr,
        // Resolved once the output is read to its end, so what it printed last is there.
        exited: Promise.all([cliExited, new Promise((r) => cli.once('close', r))]).then(([exit]) => exit),
        kill: () => {
          if (cli.exitCode === null && cli.signalCode === null) cli.kill('SIGKILL');
        },
      };
    },
    terminate,
    containers,
    release,
    startServer: async () => {
      const dir = await mkdtemp(join(tmpdir(), `capstan-server-${index}-`));
      const serverEnv = userEnv({
        CAPSTAN_PORT: '0',
        CAPSTAN_DNS_PORT: '0',
        CAPSTAN_PREFIX: settings.prefix,
        CAPSTAN_SERVICE_CIDR: settings.serviceCidr,
        CAPSTAN_DNS_SERVICE_IP: settings.dnsServiceIp,
        CAPSTAN_LB_CIDR: `127.100.${index}.0/24`,
        CAPSTAN_CONFIG: join(dir, 'config'),
        CAPSTAN_LOG_FORMAT: 'json',
      });
      const server = spawn(process.execPath, [BIN, 'server'], {
        cwd: REPO,
        env: serverEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const serverExited = exitOf(server);
      let serverOutput = '';
      let api = '';
      server.stderr.on('data', (chunk: Buffer) => (serverOutput += chunk.toString()));
      createInterface({ input: server.stdout }).on('line', (line) => {
        serverOutput += `${line}\n`;
        api ||= /^\s+API and GraphiQL: (\S+)\/graphql$/.exec(line)?.[1] ?? '';
      });
      const stop = async () => {
        if (server.exitCode === null && server.signalCode === null) {
          server.kill('SIGTERM');
          const exit = await Promise.race([serverExited, sleep(30_000, undefined, { ref: false })]);
          if (!exit) server.kill('SIGKILL');
          await serverExited;
        }
        await rm(dir, { recursive: true, force: true });
      };
      try {
        await waitFor(
          async () => {
            if (server.exitCode !== null || server.signalCode !== null) {
              throw new Error(`capstan server ended (${server.exitCode ?? server.signalCode}) before it was up`);
            }
            return api !== '';
          },
          { timeoutMs: 60_000, intervalMs: 100, message: 'the API line of capstan server' },
        );
      } catch (err) {
        await stop();
        throw new Error(`${String(err)}\ncapstan server printed:\n${serverOutput}`);
      }
      return { apiUrl: api, output: () => serverOutput, stop };
    },
  };
}

/**
 * Reads a kubectl-style table as a user does: columns start where the header names start (a header name may hold
 * one space, as in `LAST SEEN`), and each row is cut at those positions. Rows become objects keyed by header.
 */
export function parseTable(text: string): Record<string, string>[] {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const header = lines[0];
  if (header === undefined) return [];
  const columns = [...header.matchAll(/\S+(?: \S+)*/g)].map((m) => ({ name: m[0], start: m.index }));
  return lines
    .slice(1)
    .map((line) =>
      Object.fromEntries(
        columns.map((col, i) => [col.name, line.slice(col.start, columns[i + 1]?.start ?? line.length).trim()]),
      ),
    );
}

/** `capstan get all`-style output: several tables separated by blank lines. */
export function parseTables(text: string): Record<string, string>[][] {
  return text
    .split(/\n\s*\n/)
    .filter((block) => block.trim() !== '')
    .map(parseTable);
}
