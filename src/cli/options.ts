import { InvalidArgumentError } from 'commander';
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
