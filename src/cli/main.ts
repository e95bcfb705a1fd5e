import { Command, CommanderError } from 'commander';
import { isCapstanClientError } from '../sdk/errors.ts';
import { CliError, errorLine } from './cli-error.ts';
import { notFoundLineOf } from './kinds.ts';
import { normalizeDryRun } from './options.ts';
import type { CliIo } from './session.ts';

type Register = (program: Command, io: CliIo) => void;

/**
 * Every command module with the top-level verbs (and aliases) it registers, in the order of `capstan --help`.
 * A run loads only the module of the verb it was given, so `capstan get` never parses the code of `apply`, `edit`
 * or `up` (src/cli/main.test.ts checks this table against the commands the modules register).
 */
export const COMMAND_MODULES: readonly { verbs: readonly string[]; load: () => Promise<Register> }[] = [
  { verbs: ['get'], load: async () => (await import('./commands/get.ts')).registerGetCommand },
  { verbs: ['describe'], load: async () => (await import('./commands/describe.ts')).registerDescribeCommand },
  {
    verbs: ['apply', 'create', 'delete'],
    load: async () => (await import('./commands/apply.ts')).registerApplyCommands,
  },
  {
    verbs: ['run', 'scale', 'expose'],
    load: async () => (await import('./commands/workloads.ts')).registerWorkloadCommands,
  },
  { verbs: ['label', 'annotate'], load: async () => (await import('./commands/label.ts')).registerLabelCommands },
  { verbs: ['set'], load: async () => (await import('./commands/set.ts')).registerSetCommands },
  { verbs: ['edit'], load: async () => (await import('./commands/edit.ts')).registerEditCommand },
  { verbs: ['patch'], load: async () => (await import('./commands/patch.ts')).registerPatchCommand },
  { verbs: ['rollout'], load: async () => (await import('./commands/rollout.ts')).registerRolloutCommand },
  { verbs: ['wait'], load: async () => (await import('./commands/wait.ts')).registerWaitCommand },
  { verbs: ['logs'], load: async () => (await import('./commands/logs.ts')).registerLogsCommand },
  { verbs: ['exec'], load: async () => (await import('./commands/exec.ts')).registerExecCommand },
  { verbs: ['cp'], load: async () => (await import('./commands/cp.ts')).registerCpCommand },
  { verbs: ['top'], load: async () => (await import('./commands/top.ts')).registerTopCommand },
  { verbs: ['attach'], load: async () => (await import('./commands/streams.ts')).registerAttachCommand },
  {
    verbs: ['port-forward'],
    load: async () => (await import('./commands/port-forward.ts')).registerPortForwardCommand,
  },
  {
    verbs: ['cordon', 'uncordon', 'drain', 'token'],
    load: async () => (await import('./commands/nodes.ts')).registerNodeCommands,
  },
  { verbs: ['config'], load: async () => (await import('./commands/config.ts')).registerConfigCommand },
  {
    verbs: ['up', 'server', 'node', 'join'],
    load: async () => (await import('./commands/server.ts')).registerServerCommands,
  },
  {
    verbs: ['version', 'cluster-info', 'api-resources'],
    load: async () => (await import('./commands/info.ts')).registerInfoCommands,
  },
  { verbs: ['completion'], load: async () => (await import('./commands/completion.ts')).registerCompletionCommand },
];

/** Global options that take a value, so that `capstan -n kube-system get pods` still finds the verb `get`. */
const VALUED_GLOBALS = new Set(['-s', '--server', '--token', '-n', '--namespace']);

/**
 * The verb of a command line (`process.argv` without node and script), or undefined when there is none (`capstan`,
 * `capstan --help`).
 */
export function verbOf(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return args[i + 1];
    if (VALUED_GLOBALS.has(arg)) i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

/**
 * Builds the `capstan` command tree; `io` is where commands read and write. With `verb`, only the module that
 * registers it is loaded; without one, or for a verb no module names (help, a typo to suggest a verb for,
 * `completion`, which lists them all), every module is.
 */
export async function buildProgram(io: CliIo, verb?: string): Promise<Command> {
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
  const one = COMMAND_MODULES.find((m) => verb !== undefined && verb !== 'completion' && m.verbs.includes(verb));
  const registers = await Promise.all((one ? [one] : COMMAND_MODULES).map((m) => m.load()));
  for (const register of registers) register(program, io);
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
  const program = await buildProgram(streams, verbOf(argv.slice(2)));
  let code = 0;
  try {
    await program.parseAsync([...argv.slice(0, 2), ...normalizeDryRun(argv.slice(2))]);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit with code 0; usage errors were already printed by commander.
      code = err.exitCode;
    } else {
      // A missing object is kubectl's `Error from server (NotFound): deployments.apps "web" not found` in every verb.
      const missing = isCapstanClientError(err, 'NOT_FOUND') ? notFoundLineOf(err.message) : undefined;
      streams.stderr.write(`${missing ?? errorLine(err)}\n`);
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
