import type { Command } from 'commander';
import * as sdk from '../../sdk/index.ts';
import { CliError } from '../cli-error.ts';
import { notFoundLineOf } from '../kinds.ts';
import { withSession, type CliIo, type Session } from '../session.ts';
import { exitWith, runInTerminal } from '../terminal-stream.ts';
import { podToRead } from './logs.ts';

/** Where the session's streams go: the API server and the session's token. */
export function streamConnection(session: Session): sdk.StreamConnectOptions {
  const { server, token } = session.settings;
  return { url: server, ...(token ? { token } : {}) };
}

/** Opens a stream; a refusal becomes the CLI's error with the server's reason. */
export async function openOrExplain(open: () => Promise<sdk.ClientStream>): Promise<sdk.ClientStream> {
  try {
    return await open();
  } catch (err) {
    if (err instanceof sdk.StreamError) {
      const missing = err.code === 'NOT_FOUND' ? notFoundLineOf(err.message) : undefined;
      if (missing) throw new CliError(missing, { cause: err, bare: true });
      throw new CliError(`${err.code}: ${err.message}`, { cause: err });
    }
    throw err;
  }
}

export function registerAttachCommand(program: Command, io: CliIo): void {
  program
    .command('attach')
    .description("Attach to the stdio of a running container's main process")
    .argument('<pod>', 'pod name, pod/NAME, or deployment/NAME or rc/NAME for one of its pods')
    .option('-c, --container <name>', 'container (required when the pod has several)')
    .option('-i, --stdin', "pass this terminal's stdin to the process (if its container keeps stdin open)")
    .option('-t, --tty', 'this terminal in raw mode, its size sent along (for a container with a TTY)')
    .addHelpText(
      'after',
      '\nExamples:\n  capstan attach web-7d4b9-x2x1\n  capstan attach deployment/web -c worker\n\n' +
        'Prints what the process writes from now on until it stops (or Ctrl-C), and exits with its exit code.',
    )
    .action(
      withSession(io, async (session, pod: string, flags: { container?: string; stdin?: boolean; tty?: boolean }) => {
        session.api();
        const name = await podToRead(session, pod, 'attach to');
        const tty = (flags.tty ?? false) && (io.stdin as { isTTY?: boolean }).isTTY === true;
        const stdin = flags.stdin ?? false;
        const stream = await openOrExplain(() =>
          sdk.openAttachStream(streamConnection(session), {
            namespace: session.settings.namespace,
            pod: name,
            ...(flags.container ? { container: flags.container } : {}),
            stdin,
            tty,
          }),
        );
        if (!tty) {
          const stop = (): void => stream.close();
          process.once('SIGINT', stop);
          try {
            const status = await runInTerminal(io, stream, { stdin, tty });
            if (status.code === 'UNAVAILABLE' && status.exitCode === undefined) return;
            exitWith(status);
          } finally {
            process.off('SIGINT', stop);
          }
          return;
        }
        exitWith(await runInTerminal(io, stream, { stdin, tty }));
      }),
    );
}
