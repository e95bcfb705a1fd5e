import { spawn } from 'node:child_process';
import { openSync, closeSync, existsSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BED, netnsPath } from './layout.ts';

/** A failure of one step of the bed, naming the step and where to read more. */
export class BedError extends Error {
  constructor(step: string, message: string, logFile?: string) {
    super(`${step}: ${message}${logFile ? `\n  log: ${logFile}${tail(logFile)}` : ''}`);
  }
}

function tail(logFile: string, lines = 12): string {
  try {
    const text = readFileSync(logFile, 'utf8').trimEnd();
    if (text === '') return '';
    return `\n  last lines:\n${text
      .split('\n')
      .slice(-lines)
      .map((line) => `    ${line.slice(0, 300)}`)
      .join('\n')}`;
  } catch {
    return '';
  }
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Default 30 s; a command still running then is killed and the step fails. */
  timeoutMs?: number;
  /** Return a non-zero exit instead of throwing. */
  allowFailure?: boolean;
  cwd?: string;
}

/** Runs a command to its end, bounded in time; throws a BedError naming `step` when it fails. */
export function run(step: string, command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new BedError(step, `cannot run ${command}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result = { code: code ?? 128, stdout, stderr };
      if (signal === 'SIGKILL' && code === null) {
        reject(new BedError(step, `${command} ${args.join(' ')} did not finish within ${timeoutMs / 1000} s`));
      } else if (result.code !== 0 && !options.allowFailure) {
        const detail = (stderr.trim() || stdout.trim()).split('\n').slice(-5).join('\n    ');
        reject(new BedError(step, `${command} ${args.join(' ')} exited with ${result.code}\n    ${detail}`));
      } else {
        resolve(result);
      }
    });
  });
}

/** `ip ARGS`, failing the step on error. */
export function ip(step: string, ...args: string[]): Promise<RunResult> {
  return run(step, 'ip', args, { timeoutMs: 10_000 });
}

export interface Daemon {
  readonly pid: number;
  readonly logFile: string;
  /** Set once the process exited, while this process still watches it. */
  exited?: string;
}

/**
 * Starts a long-running process in a host's network namespace (`nsenter --net`, which keeps the root's /sys and
 * cgroups, unlike `ip netns exec`), detached from this process, with its output in `logFile`. Every process gets
 * the bed's marker in its environment so that `down` finds it, and its children, after a crash.
 */
export function startDaemon(
  netns: string,
  tag: string,
  argv: string[],
  env: NodeJS.ProcessEnv,
  logFile: string,
  cwd?: string,
): Daemon {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn('nsenter', [`--net=${netnsPath(netns)}`, '--', ...argv], {
      detached: true,
      stdio: ['ignore', fd, fd],
      cwd,
      env: { ...env, [BED.processMarker]: tag },
    });
    if (child.pid === undefined) throw new BedError(`start ${tag}`, `cannot start ${argv[0]}`, logFile);
    const daemon: { pid: number; logFile: string; exited?: string } = { pid: child.pid, logFile };
    child.on('exit', (code, signal) => (daemon.exited = signal ? `killed by ${signal}` : `exited with ${code}`));
    child.on('error', (err) => (daemon.exited = err.message));
    child.unref();
    return daemon;
  } finally {
    closeSync(fd);
  }
}

/**
 * Waits for `check` to return a value, polling every `intervalMs`, until `timeoutMs`; fails at once when the
 * daemon it waits on has exited. The error names the step and the log file.
 */
export async function waitUntil<T>(
  step: string,
  timeoutMs: number,
  check: () => Promise<T | undefined> | T | undefined,
  options: { daemon?: Daemon; logFile?: string; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  const logFile = options.logFile ?? options.daemon?.logFile;
  let lastError: unknown;
  while (true) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (options.daemon?.exited) throw new BedError(step, `the process ${options.daemon.exited}`, logFile);
    if (Date.now() > deadline) {
      const why = lastError ? ` (last error: ${String((lastError as Error).message ?? lastError).split('\n')[0]})` : '';
      throw new BedError(step, `not done within ${Math.round(timeoutMs / 1000)} s${why}`, logFile);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250));
  }
}

/** True when `logFile` contains `text`. */
export function logContains(logFile: string, text: string): boolean {
  try {
    return readFileSync(logFile, 'utf8').includes(text);
  } catch {
    return false;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

/** Every process that carries the bed's marker: what the bed started, and their children (containerd, shims). */
export async function markedProcesses(): Promise<{ pid: number; tag: string }[]> {
  const found: { pid: number; tag: string }[] = [];
  const needle = `${BED.processMarker}=`;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let environ: string;
    try {
      environ = await readFile(`/proc/${entry}/environ`, 'latin1');
    } catch {
      continue;
    }
    const variable = environ.split('\0').find((v) => v.startsWith(needle));
    if (variable) found.push({ pid: Number(entry), tag: variable.slice(needle.length) });
  }
  return found;
}

const CGROUP_ROOT = '/sys/fs/cgroup';

/** The cgroup folders the hosts' engines made (`--cgroup-parent capstan-hN`), deepest first, in every hierarchy. */
export async function bedCgroups(): Promise<string[]> {
  const dirs: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const child = join(dir, entry.name);
      await walk(child, depth + 1);
      dirs.push(child);
    }
  };
  let hierarchies: string[] = [];
  try {
    hierarchies = await readdir(CGROUP_ROOT);
  } catch {
    return [];
  }
  for (const hierarchy of hierarchies) {
    const base = join(CGROUP_ROOT, hierarchy);
    let tops: string[] = [];
    try {
      tops = (await readdir(base)).filter((name) => name.startsWith('capstan-h'));
    } catch {
      continue;
    }
    for (const top of tops) {
      await walk(join(base, top), 1);
      dirs.push(join(base, top));
    }
  }
  return dirs;
}

/** Process ids in a cgroup folder (containers' processes, which carry no marker of their own). */
export async function cgroupPids(dir: string): Promise<number[]> {
  try {
    const text = await readFile(join(dir, 'cgroup.procs'), 'utf8');
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map(Number);
  } catch {
    return [];
  }
}

/** Mount points under the bed's folders (overlay layers, container netns files, shm), deepest first. */
export async function bedMounts(): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  const roots = [BED.stateDir, BED.runDir];
  return text
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((point): point is string => point !== undefined)
    .map((point) => point.replace(/\\040/g, ' '))
    .filter((point) => roots.some((root) => point === root || point.startsWith(`${root}/`)))
    .sort((a, b) => b.length - a.length);
}

/** The network namespaces named `capstan-*`. */
export async function bedNetns(): Promise<string[]> {
  try {
    return (await readdir('/var/run/netns')).filter((name) => name.startsWith('capstan-'));
  } catch {
    return [];
  }
}

/** Links in the root namespace named `capstan-*`. */
export async function bedRootLinks(): Promise<string[]> {
  const { stdout } = await run('list links', 'ip', ['-o', 'link', 'show']);
  return stdout
    .split('\n')
    .map((line) => /^\d+: ([^:@]+)/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined && name.startsWith('capstan-'));
}
