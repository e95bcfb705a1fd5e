import { Worker } from 'node:worker_threads';

/**
 * Runs short-lived helper processes (CNI plugins, nsenter) from worker threads instead of the agent's event loop.
 *
 * Node's `spawn` is synchronous up to the child's exec: libuv forks and then waits on a pipe until the child has
 * exec'd or failed. On a busy machine that wait is the child's time to get a CPU: 20–50 ms per process at a load
 * of 20–40 on 2 cores, measured. A scale-down of 50 pods runs 100 CNI plugins, which held the agent's event loop
 * (Docker responses, store writes, the other pods' steps) for 4.8 s of its 19 s (CPU profile, docs/benchmarks.md).
 * In a worker thread that wait blocks only the worker; a few workers run processes side by side.
 */

export interface ProcessRequest {
  file: string;
  args?: readonly string[];
  /** The child's whole environment. */
  env?: Record<string, string>;
  /** Written to the child's stdin, which is then closed. */
  stdin?: string;
  /** SIGTERM after this long (then the result has `signal`). */
  timeoutMs?: number;
}

export interface ProcessResult {
  /** Exit code; null when killed by a signal or not started. */
  code: number | null;
  signal: string | null;
  stdout: Buffer;
  stderr: Buffer;
  /** Why the process could not be started (ENOENT, EACCES, ...). */
  error?: string;
}

/** CommonJS, evaluated as the worker's script: no file to resolve or build. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { spawn } = require('node:child_process');
parentPort.on('message', ({ id, file, args, env, stdin, timeoutMs }) => {
  const out = [];
  const err = [];
  let settled = false;
  const reply = (result) => {
    if (settled) return;
    settled = true;
    parentPort.postMessage({ id, ...result, stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
  };
  let child;
  try {
    child = spawn(file, args, { env, stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs });
  } catch (e) {
    reply({ code: null, signal: null, error: String(e && e.message || e) });
    return;
  }
  child.stdout.on('data', (b) => out.push(b));
  child.stderr.on('data', (b) => err.push(b));
  child.on('error', (e) => reply({ code: null, signal: null, error: e.message }));
  child.on('close', (code, signal) => reply({ code, signal }));
  child.stdin.on('error', () => undefined);
  child.stdin.end(stdin || '');
});
`;

type Reply = Omit<ProcessResult, 'stdout' | 'stderr'> & { id: number; stdout: Uint8Array; stderr: Uint8Array };

interface PoolWorker {
  worker: Worker;
  pending: Map<number, (result: ProcessResult) => void>;
}

const toBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** A fixed number of worker threads, each running any number of processes; idle workers keep no process alive. */
export class ProcessPool {
  private readonly workers: (PoolWorker | undefined)[];
  private nextId = 0;

  constructor(size = 4) {
    this.workers = Array.from({ length: Math.max(1, size) }, () => undefined);
  }

  run(request: ProcessRequest): Promise<ProcessResult> {
    const slot = this.leastBusy();
    const entry = this.workers[slot] ?? this.start(slot);
    const id = this.nextId++;
    return new Promise((resolve) => {
      entry.pending.set(id, resolve);
      if (entry.pending.size === 1) entry.worker.ref();
      entry.worker.postMessage({ id, ...request, args: [...(request.args ?? [])] });
    });
  }

  /** Ends the workers; processes still running keep running, their results are dropped. */
  async close(): Promise<void> {
    const running = this.workers.splice(0, this.workers.length, ...this.workers.map(() => undefined));
    await Promise.all(running.map((w) => w?.worker.terminate()));
  }

  private leastBusy(): number {
    let best = 0;
    for (let i = 0; i < this.workers.length; i++) {
      const w = this.workers[i];
      if (!w) return i;
      if (w.pending.size < (this.workers[best]?.pending.size ?? 0)) best = i;
    }
    return best;
  }

  private start(slot: number): PoolWorker {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    const entry: PoolWorker = { worker, pending: new Map() };
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const resolve = entry.pending.get(reply.id);
      entry.pending.delete(reply.id);
      if (entry.pending.size === 0) worker.unref();
      resolve?.({ ...reply, stdout: toBuffer(reply.stdout), stderr: toBuffer(reply.stderr) });
    });
    const fail = (message: string): void => {
      if (this.workers[slot] === entry) this.workers[slot] = undefined;
      for (const resolve of entry.pending.values()) {
        resolve({ code: null, signal: null, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), error: message });
      }
      entry.pending.clear();
    };
    worker.on('error', (err) => fail(`the process worker failed: ${err.message}`));
    worker.on('exit', (code) => fail(`the process worker exited with code ${code}`));
    this.workers[slot] = entry;
    return entry;
  }
}

/** The node's pool (CNI plugins, nsenter). */
export const processPool = new ProcessPool();

/** Runs `file` with `args` (and the parent's environment unless given); rejects on a non-zero exit like execFile. */
export async function runFile(
  file: string,
  args: readonly string[],
  options: Omit<ProcessRequest, 'file' | 'args'> = {},
): Promise<{ stdout: string; stderr: string }> {
  const env =
    options.env ??
    (Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined)) as Record<string, string>);
  const result = await processPool.run({ ...options, file, args, env });
  const stdout = result.stdout.toString('utf8');
  const stderr = result.stderr.toString('utf8');
  if (result.code === 0) return { stdout, stderr };
  const why = result.error ?? (result.signal ? `killed by ${result.signal}` : `exit code ${result.code}`);
  throw Object.assign(new Error(`${file} ${args.join(' ')} failed: ${why}${stderr ? `: ${stderr.trim()}` : ''}`), {
    code: result.code,
    stdout,
    stderr,
  });
}
