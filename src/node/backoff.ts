import type { BackoffOptions } from '../util/backoff.ts';

export { Backoff, type BackoffOptions } from '../util/backoff.ts';

/** The kubelet's bounds for `crashLoopBackOff.maxContainerRestartPeriod`: 1 s to 300 s. */
export const MAX_CONTAINER_RESTART_PERIOD_RANGE_MS = { min: 1_000, max: 300_000 } as const;

/**
 * The container restart back-off of a node whose operator set `maxContainerRestartPeriod` (kubelet's
 * KubeletCrashLoopBackOffMax, KEP-4603): the delay doubles from 10 s up to that maximum, the initial delay clamped
 * down to it when it is lower; a container that ran 10 minutes starts over (the kubelet hard-codes the 600 s, it
 * does not follow the maximum). Without a maximum: 10 s doubling to 5 min.
 */
export function crashLoopBackOff(maxContainerRestartPeriodMs?: number): BackoffOptions {
  const maxMs = maxContainerRestartPeriodMs ?? 300_000;
  const { min, max } = MAX_CONTAINER_RESTART_PERIOD_RANGE_MS;
  if (!(maxMs >= min && maxMs <= max)) {
    throw new RangeError(`maxContainerRestartPeriod must be between 1s and 300s, not ${maxMs / 1000}s`);
  }
  return { initialMs: Math.min(10_000, maxMs), maxMs, resetAfterMs: 600_000 };
}
