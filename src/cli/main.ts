import { Command, CommanderError } from 'commander';
import { CliError, errorLine } from './cli-error.ts';
import { registerApplyCommands } from './commands/apply.ts';
import { registerCompletionCommand } from './commands/completion.ts';
import { registerConfigCommand } from './commands/config.ts';
import { registerDescribeCommand } from './commands/describe.ts';
import { registerEditCommand } from './commands/edit.ts';
import { registerExecCommand } from './commands/exec.ts';
import { registerAttachCommand } from './commands/streams.ts';
import { registerPortForwardCommand } from './commands/port-forward.ts';
import { registerGetCommand } from './commands/get.ts';
import { registerInfoCommands } from './commands/info.ts';
import { registerLabelCommands } from './commands/label.ts';
import { registerLogsCommand } from './commands/logs.ts';
import { registerNodeCommands } from './commands/nodes.ts';
import { registerRolloutCommand } from './commands/rollout.ts';
import { registerServerCommands } from './commands/server.ts';
import { registerSetCommands } from './commands/set.ts';
import { registerWorkloadCommands } from './commands/workloads.ts';
import type { CliIo } from './session.ts';

/** Builds the `capstan` command tree; `io` is where commands read and write. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('capstan')
    .description('Capstan: a container orchestrator in the spirit of Kubernetes, with a GraphQL API.')
    .option('-s, --server <url>', 'API server URL (default: CAPSTAN_SERVER, ~/.capstan/config, http://127.0.0.1:7070)')
    .option('--token <token>', 'bearer token (default: CAPSTAN_TOKEN, ~/.capstan/config)')
    .option('-n, --namespace <namespace>', 'namespace (default: ~/.capstan/config, "default")')
    .addHelpText(
      'after',
      `
Examples:
  capstan up                                   # control plane + a local node; writes ~/.capstan/config
  capstan run web --image capstan/hello --port 80 --replicas 2
  capstan expose deploy web --port 80 --type NodePort
  capstan get pods -o wide
  capstan apply -f examples/multi-tier.yaml

Run "capstan <command> --help" for a command's flags and examples.`,
    )
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // Commander's own errors (unknown option, missing argument) are one line already; keep them that way.
      outputError: (text, write) => write(`${text.trimEnd().split('\n').join(' ')}\n`),
    });
  registerGetCommand(program, io);
  registerDescribeCommand(program, io);
  registerApplyCommands(program, io);
  registerWorkloadCommands(program, io);
  registerLabelCommands(program, io);
  registerSetCommands(program, io);
  registerEditCommand(program, io);
  registerRolloutCommand(program, io);
  registerLogsCommand(program, io);
  registerExecCommand(program, io);
  registerAttachCommand(program, io);
  registerPortForwardCommand(program, io);
  registerNodeCommands(program, io);
  registerConfigCommand(program, io);
  registerServerCommands(program, io);
  registerInfoCommands(program, io);
  registerCompletionCommand(program, io);
  applyToAll(program, (command) => {
    command.exitOverride();
    command.configureOutput(program.configureOutput());
    command.showSuggestionAfterError(true);
  });
  return program;
}

function applyToAll(command: Command, fn: (command: Command) => void): void {
  fn(command);
  for (const sub of command.commands) applyToAll(sub, fn);
}

/**
 * Runs the CLI with `argv` as `process.argv` (node, script, args...) and resolves with the exit code. Failures are
 * printed as one line on stderr (and, on the process' own streams, set `process.exitCode`); nothing is thrown.
 */
export async function main(argv: readonly string[], io?: CliIo): Promise<number> {
  const streams = io ?? processIo();
  const program = buildProgram(streams);
  let code = 0;
  try {
    await program.parseAsync([...argv]);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit with code 0; usage errors were already printed by commander.
      code = err.exitCode;
    } else {
      streams.stderr.write(`${errorLine(err)}\n`);
      code = err instanceof CliError ? err.exitCode : 1;
    }
  }
  // Only a run on the process' own streams sets its exit code; tests pass their own io.
  if (code !== 0 && !io) process.exitCode = code;
  return code;
}

function processIo(): CliIo {
  // A reader that went away (`capstan get pods | head -1`) ends the command quietly, as it does for kubectl.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}
