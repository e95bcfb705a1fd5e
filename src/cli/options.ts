import { InvalidArgumentError, Option } from 'commander';
import { CliError } from './cli-error.ts';

/** A commander option parser for an integer within bounds; a bad value is a one-line usage error. */
export function integerOption(flag: string, min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value: string) => {
    const number = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < min || number > max) {
      throw new InvalidArgumentError(
        `${flag} must be an integer from ${min} to ${max === Number.MAX_SAFE_INTEGER ? 'up' : max}`,
      );
    }
    return number;
  };
}

/** Collects a repeatable option into a list (`--env A=1 --env B=2`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * Reads `key=value` pairs given as `a=1,b=2` (labels) or as repeated flags (env); `what` names them in errors.
 */
export function parseKeyValues(
  values: readonly string[],
  what: string,
  separator: RegExp | string = ',',
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const part of values.flatMap((v) => v.split(separator)).filter((p) => p !== '')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new CliError(`${what} must be KEY=VALUE, got "${part}"`);
    result[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return result;
}

const DRY_RUN_STRATEGIES = ['server', 'client', 'none'];

/**
 * A bare `--dry-run` followed by anything but a strategy (`capstan scale --dry-run deploy/web --replicas 2`) means
 * `--dry-run=server`, as in kubectl, whose flag takes its value only after `=`; commander would otherwise take the
 * next word as the strategy. Words after `--` are a command's own and are left alone.
 */
export function normalizeDryRun(args: readonly string[]): string[] {
  const end = args.indexOf('--');
  return args.map((arg, i) =>
    arg === '--dry-run' && (end === -1 || i < end) && !DRY_RUN_STRATEGIES.includes(args[i + 1] ?? '')
      ? '--dry-run=server'
      : arg,
  );
}

/**
 * kubectl's `--dry-run[=server|client|none]` for a verb whose dry run is the server's: the bare flag, `server` and
 * `client` are true (a client dry run is sent to the server with dryRun too, so it is validated and writes nothing),
 * `none` is false. kubectl users write `--dry-run=server` or `--dry-run=client`; a boolean option refused both.
 */
export function serverDryRunOption(what: string): Option {
  return new Option('--dry-run [strategy]', `${what} ("server", the default, or "client": both on the server)`)
    .preset('server')
    .argParser((value: string) => {
      if (!DRY_RUN_STRATEGIES.includes(value)) {
        throw new InvalidArgumentError(`must be server, client or none`);
      }
      return value !== 'none';
    });
}
