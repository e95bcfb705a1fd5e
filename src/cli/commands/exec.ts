import type { Command } from 'commander';
import * as sdk from '../../sdk/index.ts';
import { CliError } from '../cli-error.ts';
import { withSession, type CliIo } from '../session.ts';
import { parseDuration } from '../wait.ts';
import { exitWith, runInTerminal } from '../terminal-stream.ts';
import { podToRead } from './logs.ts';
import { openOrExplain, streamConnection } from './streams.ts';

/** The API's bounds on how long a command may run. */
const MAX_TIMEOUT_SECONDS = 600;
/** How much longer than the command the CLI waits for the API's answer (the node's answer comes first). */
const ANSWER_MARGIN_MS = 30_000;

interface ExecFlags {
  container?: string;
  timeout: string;
  stdin?: boolean;
  tty?: boolean;
}

/** `--timeout` as whole seconds within the API's bounds. */
export function execTimeoutSeconds(value: string): number {
  const seconds = Math.ceil(parseDuration(value) / 1000);
  if (seconds < 1 || seconds > MAX_TIMEOUT_SECONDS) {
    throw new CliError(`--timeout must be from 1s to ${MAX_TIMEOUT_SECONDS / 60}m, got "${value}"`);
  }
  return seconds;
}

export function registerExecCommand(program: Command, io: CliIo): void {
  program
    .command('exec')
    .description('Run a command in a container: its output, or with -i/-t its stdin and a terminal')
    .argument('<pod>', 'pod name, pod/NAME, or deployment/NAME or rc/NAME for one of its pods')
    .argument('[command...]', 'the program and its arguments, after --')
    .option('-c, --container <name>', 'container (required when the pod has several)')
    .option('--timeout <duration>', 'without -i/-t: how long the command may run, at most 10m', '60s')
    .option('-i, --stdin', "pass this terminal's stdin to the command (a stream through the API)")
    .option('-t, --tty', 'give the command a terminal (raw mode here; Ctrl-C and resizes reach it)')
    .addHelpText(
      'after',
      '\nExamples:\n  capstan exec web-7d4b9-x2x1 -- cat /etc/resolv.conf\n' +
        "  capstan exec web-7d4b9-x2x1 -c sidecar -- sh -c 'ls -l /data'\n" +
        '  capstan exec deployment/web --timeout 5m -- wget -q -O - http://backend/\n' +
        '  capstan exec -it web-7d4b9-x2x1 -- sh\n' +
        '  tar cf - dir | capstan exec -i web-7d4b9-x2x1 -- tar xf - -C /tmp\n\n' +
        "Without -i or -t the command's stdout and stderr are printed as they came (at most 1 MiB each) once it\n" +
        'ends. With -i and/or -t they stream as the command runs (no timeout, no size limit). Either way capstan\n' +
        'exits with the exit code of the command.',
    )
    .action(
      withSession(io, async (session, pod: string, command: string[], flags: ExecFlags) => {
        if (command.length === 0) {
          throw new CliError(`name the command to run after --, e.g. capstan exec ${pod} -- cat /etc/hostname`);
        }
        if (flags.stdin || flags.tty) {
          session.api();
          const name = await podToRead(session, pod, 'exec into');
          let tty = flags.tty ?? false;
          if (tty && !(io.stdin as { isTTY?: boolean }).isTTY) {
            session.err('Unable to use a TTY - input is not a terminal or the right kind of file');
            tty = false;
          }
          const stdin = flags.stdin ?? false;
          const stream = await openOrExplain(() =>
            sdk.openExecStream(streamConnection(session), {
              namespace: session.settings.namespace,
              pod: name,
              ...(flags.container ? { container: flags.container } : {}),
              command,
              stdin,
              tty,
            }),
          );
          exitWith(await runInTerminal(io, stream, { stdin, tty }));
          return;
        }
        const timeoutSeconds = execTimeoutSeconds(flags.timeout);
        session.api();
        const name = await podToRead(session, pod, 'exec into');
        const { server, token } = session.settings;
        // A client of its own: the session's gives up after 30 s, a command may run for minutes.
        const client = sdk.createCapstanClient({
          url: server,
          ...(token ? { token } : {}),
          timeoutMs: timeoutSeconds * 1000 + ANSWER_MARGIN_MS,
        });
        let result: sdk.ExecMutation['exec'];
        try {
          ({ exec: result } = await client.request(sdk.ExecDocument, {
            namespace: session.settings.namespace,
            name,
            container: flags.container,
            command,
            timeoutSeconds,
          }));
        } finally {
          await client.close();
        }
        io.stdout.write(result.stdout);
        io.stderr.write(result.stderr);
        if (result.truncated) session.err('capstan exec: output cut at 1 MiB per stream');
        if (result.timedOut || result.exitCode === null) {
          throw new CliError(
            `the command did not finish within ${flags.timeout}; it may still be running in the container`,
          );
        }
        if (result.exitCode !== 0) {
          throw new CliError(`command terminated with exit code ${result.exitCode}`, {
            exitCode: result.exitCode,
            bare: true,
          });
        }
      }),
    );
}
