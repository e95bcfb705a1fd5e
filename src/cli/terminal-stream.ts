import type { ReadStream, WriteStream } from 'node:tty';
import type { ClientStream, StreamStatus } from '../sdk/pod-streams.ts';
import { CliError } from './cli-error.ts';
import type { CliIo } from './session.ts';

/**
 * Connects the CLI's terminal to a stream, as kubectl exec and attach do: stdin (when asked) goes to the process;
 * with a TTY the local terminal is in raw mode, so every key, Ctrl-C (0x03) and Ctrl-D included, reaches the
 * remote terminal as it is, and its size follows the local one (SIGWINCH). Resolves with the stream's end status;
 * the local terminal is restored whatever happens.
 */
export async function runInTerminal(
  io: CliIo,
  stream: ClientStream,
  options: { stdin: boolean; tty: boolean },
): Promise<StreamStatus> {
  const input = io.stdin as ReadStream;
  const output = io.stdout as WriteStream;
  const raw = options.tty && options.stdin && input.isTTY === true;
  const cleanups: (() => void)[] = [];

  stream.stdout.pipe(io.stdout, { end: false });
  stream.stderr.pipe(io.stderr, { end: false });

  if (options.tty && output.isTTY) {
    const resize = (): void => stream.resize(output.columns, output.rows);
    resize();
    output.on('resize', resize);
    cleanups.push(() => output.off('resize', resize));
  }
  if (raw) {
    input.setRawMode(true);
    cleanups.push(() => input.setRawMode(false));
  }
  if (options.stdin) {
    input.pipe(stream.stdin);
    cleanups.push(() => {
      input.unpipe(stream.stdin);
      input.pause();
    });
  }
  try {
    const status = await stream.done;
    // What the process printed last is written before the caller prints anything.
    await new Promise<void>((resolve) =>
      stream.stdout.readableEnded ? resolve() : stream.stdout.once('end', resolve),
    );
    return status;
  } finally {
    for (const cleanup of cleanups.reverse()) cleanup();
  }
}

/** Turns a stream's status into the CLI's exit: the process' exit code, or an error with the server's reason. */
export function exitWith(status: StreamStatus): void {
  if (status.exitCode !== undefined && status.exitCode !== 0) {
    throw new CliError(`command terminated with exit code ${status.exitCode}`, {
      exitCode: status.exitCode,
      bare: true,
    });
  }
  if (status.status === 'Failure' && status.exitCode === undefined) {
    throw new CliError(`${status.code ? `${status.code}: ` : ''}${status.message ?? 'the stream failed'}`);
  }
}
