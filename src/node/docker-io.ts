import type Docker from 'dockerode';
import { docker, wrapDockerError } from './docker-errors.ts';
import {
  JsonLinesDecoder,
  MultiplexedFrameDecoder,
  MultiplexedLineDecoder,
  chunks,
  toLogLine,
} from './docker-streams.ts';
import { LABELS } from './runtime.ts';
import type { CommandOptions, CommandResult, ExecResult, LogLine, LogOptions, RuntimeEvent } from './runtime.ts';

/** Streaming engine calls of DockerRuntime: logs, exec and events. */

const EXEC_OUTPUT_LIMIT = 64 * 1024;

/** Log lines of a container (see ContainerRuntime.logs). */
export async function* containerLogs(client: Docker, id: string, options: LogOptions = {}): AsyncGenerator<LogLine> {
  const timestamps = options.timestamps === true;
  const query = {
    follow: options.follow === true,
    stdout: true,
    stderr: true,
    timestamps,
    ...(options.tailLines !== undefined ? { tail: options.tailLines } : {}),
    ...(options.since !== undefined ? { since: sinceParam(options.since) } : {}),
    ...(options.signal ? { abortSignal: options.signal } : {}),
  };
  let body: Buffer | NodeJS.ReadableStream;
  try {
    body = (await client.getContainer(id).logs(query as Docker.ContainerLogsOptions & { follow: true })) as
      Buffer | NodeJS.ReadableStream;
  } catch (err) {
    if (options.signal?.aborted) return;
    throw wrapDockerError(err, `read the logs of container ${id.slice(0, 12)}`);
  }
  const decoder = new MultiplexedLineDecoder();
  if (Buffer.isBuffer(body)) {
    for (const line of [...decoder.push(body), ...decoder.end()]) yield toLogLine(line, timestamps);
    return;
  }
  for await (const chunk of chunks(body, options.signal)) {
    for (const line of decoder.push(chunk)) yield toLogLine(line, timestamps);
  }
  for (const line of decoder.end()) yield toLogLine(line, timestamps);
}

/** Runs a command in a container (see ContainerRuntime.exec). */
export async function execInContainer(
  client: Docker,
  id: string,
  cmd: string[],
  timeoutMs: number,
): Promise<ExecResult> {
  const short = id.slice(0, 12);
  const exec = await docker(`exec in container ${short}`, () =>
    client.getContainer(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true }),
  );
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  let output = '';
  try {
    const stream = await docker(`exec in container ${short}`, () => exec.start({ hijack: true, stdin: false }));
    const decoder = new MultiplexedLineDecoder();
    const append = (lines: { text: string }[]): void => {
      for (const l of lines) if (output.length < EXEC_OUTPUT_LIMIT) output += `${l.text}\n`;
    };
    for await (const chunk of chunks(stream, abort.signal)) append(decoder.push(chunk));
    append(decoder.end());
    output = output.slice(0, EXEC_OUTPUT_LIMIT);
    const exitCode = await execExitCode(exec, short, abort.signal);
    return { exitCode, output, timedOut: exitCode === null };
  } finally {
    clearTimeout(timer);
  }
}

/** The exit code of a finished exec, or null if `signal` aborts first. */
async function execExitCode(exec: Docker.Exec, short: string, signal: AbortSignal): Promise<number | null> {
  // The attach stream can close a moment before the engine records the exit code.
  while (!signal.aborted) {
    const info = await docker(`inspect exec in container ${short}`, () => exec.inspect());
    if (!info.Running) return info.ExitCode ?? null;
    await new Promise((r) => setTimeout(r, 20));
  }
  return null;
}

/** One stream's bytes up to a limit. */
class BoundedOutput {
  private readonly parts: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly limit: number) {}

  add(payload: Buffer): void {
    const room = this.limit - this.size;
    if (payload.length > room) this.truncated = true;
    const kept = payload.subarray(0, Math.max(0, room));
    if (kept.length === 0) return;
    this.parts.push(kept);
    this.size += kept.length;
  }

  /** The text; when cut, a character split by the limit is left out rather than mangled. */
  text(): string {
    return new TextDecoder().decode(Buffer.concat(this.parts), { stream: this.truncated });
  }
}

/** Runs a command for a user, stdout and stderr apart (see ContainerRuntime.execCommand). */
export async function runInContainer(
  client: Docker,
  id: string,
  cmd: string[],
  options: CommandOptions,
): Promise<CommandResult> {
  const short = id.slice(0, 12);
  const exec = await docker(`exec in container ${short}`, () =>
    client.getContainer(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true }),
  );
  const abort = new AbortController();
  const stop = (): void => abort.abort();
  const timer = setTimeout(stop, options.timeoutMs);
  if (options.signal?.aborted) stop();
  options.signal?.addEventListener('abort', stop, { once: true });
  const output = { stdout: new BoundedOutput(options.limitBytes), stderr: new BoundedOutput(options.limitBytes) };
  try {
    const stream = await docker(`exec in container ${short}`, () => exec.start({ hijack: true, stdin: false }));
    const decoder = new MultiplexedFrameDecoder();
    for await (const chunk of chunks(stream, abort.signal)) {
      for (const frame of decoder.push(chunk)) output[frame.stream].add(frame.payload);
    }
    const exitCode = await execExitCode(exec, short, abort.signal);
    return {
      exitCode,
      stdout: output.stdout.text(),
      stderr: output.stderr.text(),
      truncated: output.stdout.truncated || output.stderr.truncated,
      timedOut: exitCode === null,
    };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', stop);
  }
}

/** Container start/die/oom events of a node (see ContainerRuntime.events). */
export async function* containerEvents(
  client: Docker,
  node: string,
  signal?: AbortSignal,
): AsyncGenerator<RuntimeEvent> {
  const stream = await docker('watch engine events', () =>
    client.getEvents({
      filters: { type: ['container'], event: ['start', 'die', 'oom'], label: [`${LABELS.node}=${node}`] },
      ...(signal ? { abortSignal: signal } : {}),
    } as Docker.GetEventsOptions),
  );
  const decoder = new JsonLinesDecoder();
  for await (const chunk of chunks(stream, signal)) {
    for (const item of decoder.push(chunk)) {
      const e = item as {
        Action?: string;
        id?: string;
        time?: number;
        timeNano?: number;
        Actor?: { ID?: string; Attributes?: Record<string, string> };
      };
      const attrs = e.Actor?.Attributes ?? {};
      if (e.Action !== 'start' && e.Action !== 'die' && e.Action !== 'oom') continue;
      const exit = attrs['exitCode'];
      yield {
        type: e.Action,
        containerId: e.Actor?.ID ?? e.id ?? '',
        podUid: attrs[LABELS.podUid] ?? '',
        containerName: attrs[LABELS.containerName] ?? '',
        ...(exit !== undefined ? { exitCode: Number(exit) } : {}),
        time: new Date(e.timeNano ? e.timeNano / 1e6 : (e.time ?? 0) * 1000).toISOString(),
      };
    }
  }
}

/** Docker reads `since` as `seconds[.nanoseconds]`; a plain fractional number would be misread. */
function sinceParam(since: Date | number): string {
  const ms = since instanceof Date ? since.getTime() : since * 1000;
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.round((ms - seconds * 1000) * 1e6);
  return `${seconds}.${String(nanos).padStart(9, '0')}`;
}
