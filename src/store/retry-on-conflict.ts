import { isCapstanError } from '../api/errors.ts';
import type { CapstanError } from '../api/errors.ts';

/** Marks a CONFLICT that came from the write step, the only one worth another try. */
class LostRace {
  constructor(readonly conflict: CapstanError) {}
}

/** Runs the write step of a read-modify-write; its CONFLICT (the object changed since the read) is retried. */
export type WriteStep = <T>(write: () => Promise<T>) => Promise<T>;

/**
 * The read-modify-write loop of every store (client-go's `retry.RetryOnConflict`): runs `attempt`, which reads,
 * changes and writes through `write` with the read version as precondition, until it returns, at most `attempts`
 * times. Only a CONFLICT from `write` is retried: one the read or the change raises is the caller's answer. After
 * the last lost race it throws `exhausted(conflict)`, or the conflict itself.
 */
export async function retryOnConflict<T>(
  attempts: number,
  attempt: (write: WriteStep) => Promise<T>,
  exhausted?: (conflict: CapstanError) => Error,
): Promise<T> {
  const write: WriteStep = async (step) => {
    try {
      return await step();
    } catch (err) {
      throw isCapstanError(err, 'CONFLICT') ? new LostRace(err) : err;
    }
  };
  for (let tries = 1; ; tries++) {
    try {
      return await attempt(write);
    } catch (err) {
      if (!(err instanceof LostRace)) throw err;
      if (tries >= attempts) throw exhausted ? exhausted(err.conflict) : err.conflict;
    }
  }
}
