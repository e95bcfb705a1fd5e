import type { Redis } from 'ioredis';
import { CapstanError } from '../api/errors.ts';

/**
 * Synchronous replication of acknowledged writes, as far as Redis offers it: after a write's script the store asks
 * `WAIT minReplicas timeoutMs` on the same connection and acknowledges the write only when that many replicas
 * confirmed they received it (into their memory, not their disk). Off (0) by default: one Redis, as `capstan up`.
 */
export interface ReplicaWait {
  /** Env REDIS_MIN_REPLICAS; 0 (the default) acknowledges a write once the primary ran it. */
  minReplicas: number;
  /** Env REDIS_REPLICA_TIMEOUT_MS, default 1000: how long a write waits for its replicas before it fails. */
  timeoutMs: number;
}

export const NO_REPLICA_WAIT: ReplicaWait = { minReplicas: 0, timeoutMs: 1000 };

function whole(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const parsed = Number(value.trim());
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw CapstanError.invalid([
      { field: name, message: `must be a whole number from ${min} to ${max}, got "${value}"` },
    ]);
  }
  return parsed;
}

/** REDIS_MIN_REPLICAS and REDIS_REPLICA_TIMEOUT_MS; INVALID naming the variable when one is not a whole number. */
export function replicaWaitFromEnv(env: NodeJS.ProcessEnv = process.env): ReplicaWait {
  return {
    minReplicas: whole('REDIS_MIN_REPLICAS', env.REDIS_MIN_REPLICAS, 0, 0, 100),
    // WAIT with 0 blocks for ever: a write must fail in bounded time when its replicas are gone.
    timeoutMs: whole('REDIS_REPLICA_TIMEOUT_MS', env.REDIS_REPLICA_TIMEOUT_MS, 1000, 1, 600_000),
  };
}

/** The decision on WAIT's answer: undefined when enough replicas confirmed, else the UNAVAILABLE to throw. */
export function replicaShortfall(confirmed: number, wait: ReplicaWait): CapstanError | undefined {
  if (wait.minReplicas <= 0 || confirmed >= wait.minReplicas) return undefined;
  return new CapstanError(
    'UNAVAILABLE',
    `the state store (Redis) could not replicate the write: ${confirmed} of the ${wait.minReplicas} replicas ` +
      `REDIS_MIN_REPLICAS asks for confirmed it within ${wait.timeoutMs} ms; the write was not acknowledged ` +
      `(it may or may not take effect: read the object before retrying)`,
  );
}

/**
 * Waits for the replicas of every write made so far on `redis` (WAIT counts the connection's replication offset),
 * throwing UNAVAILABLE when fewer than `wait.minReplicas` confirmed. Nothing is sent when the wait is off.
 */
export async function waitForReplicas(redis: Pick<Redis, 'wait'>, wait: ReplicaWait): Promise<void> {
  if (wait.minReplicas <= 0) return;
  let confirmed: number;
  try {
    confirmed = await redis.wait(wait.minReplicas, wait.timeoutMs);
  } catch (err) {
    throw new CapstanError(
      'UNAVAILABLE',
      `the state store (Redis) is unavailable while waiting for replicas: ${(err as Error)?.message ?? String(err)}`,
      { cause: err },
    );
  }
  const shortfall = replicaShortfall(confirmed, wait);
  if (shortfall) throw shortfall;
}
