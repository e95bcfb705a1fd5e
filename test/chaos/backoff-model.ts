import { Backoff, crashLoopBackOff } from '../../src/node/backoff.ts';

/**
 * A model of the container-kill scenario with the node agent's own restart back-off (src/node/backoff.ts, used as
 * the agent uses it): a uniformly random pod's container of `replicas` is SIGKILLed every `everyS` seconds for
 * `durationS` (a pod whose container is down already is left alone: `docker kill` of a dead container does
 * nothing); an exited container is restarted after its back-off and serves again `startS` seconds later. Says in
 * how many of `runs` runs all replicas were down at some moment (every request then fails, no proxy can help) and
 * for how long on average.
 */
export function modelContainerKill(options: {
  maxRestartPeriodMs?: number;
  replicas?: number;
  everyS?: number;
  durationS?: number;
  startS?: number;
  runs?: number;
  random?: () => number;
}): { allDownRuns: number; runs: number; meanAllDownS: number } {
  const replicas = options.replicas ?? 3;
  const everyMs = (options.everyS ?? 5) * 1000;
  const durationMs = (options.durationS ?? 120) * 1000;
  const startMs = (options.startS ?? 3) * 1000;
  const runs = options.runs ?? 1000;
  const random = options.random ?? Math.random;
  let allDownRuns = 0;
  let allDownMs = 0;
  for (let run = 0; run < runs; run++) {
    const backoff = new Backoff(crashLoopBackOff(options.maxRestartPeriodMs));
    const down: [number, number][][] = Array.from({ length: replicas }, () => []);
    for (let t = 0; t < durationMs; t += everyMs) {
      const victim = Math.floor(random() * replicas);
      const last = down[victim]!.at(-1);
      if (last && last[1] > t) continue;
      const wait = backoff.remainingMs(String(victim), t, t);
      backoff.next(String(victim), t + wait);
      down[victim]!.push([t, t + wait + startMs]);
    }
    let allDown = 0;
    const step = 100;
    for (let t = 0; t < durationMs + 300_000 + startMs; t += step) {
      if (down.every((spans) => spans.some(([from, to]) => from <= t && t < to))) allDown += step;
    }
    if (allDown > 0) allDownRuns++;
    allDownMs += allDown;
  }
  return { allDownRuns, runs, meanAllDownS: allDownMs / runs / 1000 };
}
