import { CliError } from './cli-error.ts';

/** kubectl's warning for a force deletion (grace period 0), on stderr. */
export const FORCE_WARNING =
  'Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. ' +
  'The resource may continue to run on the cluster indefinitely.';

export interface GraceFlags {
  /** Seconds; negative (the default, -1) leaves each pod its own terminationGracePeriodSeconds. */
  gracePeriod?: number;
  force?: boolean;
  now?: boolean;
}

/**
 * The gracePeriodSeconds a `delete` sends, as kubectl works it out: `--now` is 1; 0 without `--force` becomes 1
 * (no accidental force deletion); `--force` alone is 0; `--force` with more than 0 is refused. Undefined: the
 * pods' own grace period.
 */
export function gracePeriodOf(flags: GraceFlags): number | undefined {
  let grace = flags.gracePeriod ?? -1;
  if (flags.now) {
    if (grace !== -1) throw new CliError('--now and --grace-period cannot be specified together');
    grace = 1;
  }
  if (grace === 0 && !flags.force) grace = 1;
  if (flags.force && grace < 0) grace = 0;
  if (flags.force && grace > 0) {
    throw new CliError('--force and --grace-period greater than 0 cannot be specified together');
  }
  return grace >= 0 ? grace : undefined;
}
