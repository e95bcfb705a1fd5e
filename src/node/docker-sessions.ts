import type { Duplex } from 'node:stream';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import type { StreamSession } from '../resolvers/pod-streams.ts';
import { docker } from './docker-errors.ts';
import { MultiplexedFrameDecoder } from './docker-streams.ts';

/**
 * The output side of a hijacked Docker stream: with a TTY the raw bytes of the terminal, without one Docker's
 * multiplexed frames split into stdout and stderr.
 */
function outputs(stream: Duplex, tty: boolean): { stdout: PassThrough; stderr?: PassThrough; ended: Promise<void> } {
  const stdout = new PassThrough();
  const stderr = tty ? undefined : new PassThrough();
  const decoder = new MultiplexedFrameDecoder();
  const resume = (): void => {
    if (!stdout.writableNeedDrain && !stderr?.writableNeedDrain) stream.resume();
  };
  stdout.on('drain', resume);
  stderr?.on('drain', resume);
  stream.on('data', (chunk: Buffer) => {
    let full = false;
    if (tty) {
      full = !stdout.write(chunk);
    } else {
      for (const frame of decoder.push(chunk)) {
        const target = frame.stream === 'stderr' ? stderr! : stdout;
        full = !target.write(frame.payload) || full;
      }
    }
    // Backpressure: the hijacked socket waits until whoever reads the output has caught up.
    if (full) stream.pause();
  });
  const ended = new Promise<void>((resolve) => {
    const finish = (): void => {
      stdout.end();
      stderr?.end();
      resolve();
    };
    stream.once('end', finish);
    stream.once('close', finish);
    stream.once('error', finish);
  });
  return { stdout, ...(stderr ? { stderr } : {}), ended };
}

/** The exit code of an exec once the engine has recorded it (the stream can close a moment before). */
async function execExit(exec: Docker.Exec): Promise<number | undefined> {
  for (let attempt = 0; attempt < 250; attempt++) {
    const info = await exec.inspect();
    if (!info.Running) return info.ExitCode ?? undefined;
    await new Promise((r) => setTimeout(r, 20));
  }
  return undefined;
}

/**
 * A resize right after the start can come before the engine has the exec's terminal and fail; Docker's CLI retries
 * its first resize the same way.
 */
async function retryResize(resize: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await resize();
      return;
    } catch (err) {
      if (attempt >= 10) throw err;
      await new Promise((r) => setTimeout(r, attempt * 10));
    }
  }
}

/**
 * `docker exec [-i] [-t]`: the command runs with a hijacked connection carrying stdin and its output; with a TTY
 * the terminal's bytes pass unchanged (Ctrl-C is the byte 0x03, which the terminal turns into SIGINT), and the
 * terminal's size follows `resize`. `stdin.end()` half-closes the connection, which is the process' EOF.
 */
export async function execSession(
  client: Docker,
  id: string,
  cmd: string[],
  options: { stdin: boolean; tty: boolean },
): Promise<StreamSession> {
  const short = id.slice(0, 12);
  const exec = await docker(`exec in container ${short}`, () =>
    client.getContainer(id).exec({
      Cmd: cmd,
      AttachStdin: options.stdin,
      AttachStdout: true,
      AttachStderr: true,
      Tty: options.tty,
      ...(options.tty ? { Env: ['TERM=xterm'] } : {}),
    }),
  );
  const stream = (await docker(`exec in container ${short}`, () =>
    exec.start({ hijack: true, stdin: options.stdin, Tty: options.tty }),
  )) as Duplex;
  const { stdout, stderr, ended } = outputs(stream, options.tty);
  const done = ended.then(async () => {
    const exitCode = await docker(`inspect exec in container ${short}`, () => execExit(exec));
    return exitCode === undefined ? {} : { exitCode };
  });
  return {
    stdout,
    ...(stderr ? { stderr } : {}),
    ...(options.stdin ? { stdin: stream } : {}),
    resize: (width, height) =>
      retryResize(() => docker(`resize exec in container ${short}`, () => exec.resize({ w: width, h: height }))),
    done,
    close: () => stream.destroy(),
  };
}

/**
 * `docker attach`: the stdio of the container's main process from now on. Docker multiplexes the output unless
 * the container was created with a TTY, whatever the caller asks; stdin reaches the process only if the container
 * keeps it open. Ends when the container stops, with its exit code.
 */
export async function attachSession(client: Docker, id: string, options: { stdin: boolean }): Promise<StreamSession> {
  const short = id.slice(0, 12);
  const container = client.getContainer(id);
  const info = await docker(`inspect container ${short}`, () => container.inspect());
  const tty = info.Config.Tty;
  const stdin = options.stdin && info.Config.OpenStdin;
  const stream = (await docker(`attach to container ${short}`, () =>
    container.attach({ stream: true, stdin, stdout: true, stderr: true, hijack: true }),
  )) as unknown as Duplex;
  const { stdout, stderr, ended } = outputs(stream, tty);
  const done = ended.then(async () => {
    const state = await docker(`inspect container ${short}`, () => container.inspect()).catch(() => undefined);
    return state && !state.State.Running ? { exitCode: state.State.ExitCode } : {};
  });
  return {
    stdout,
    ...(stderr ? { stderr } : {}),
    ...(stdin ? { stdin: stream } : {}),
    async resize(width, height) {
      if (tty) await docker(`resize container ${short}`, () => container.resize({ w: width, h: height }));
    },
    done,
    close: () => stream.destroy(),
  };
}
