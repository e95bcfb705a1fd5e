import Docker from 'dockerode';
import { swarmRollingUpdate, type SwarmRollingUpdateResult } from '../../bench/support/swarm.ts';
import type { TestBed } from '../support/test-bed.ts';

/** The bed host whose own engine runs Swarm: not h0 (API server, Redis) and not h1 (the load generator). */
export const SWARM_HOST = 2;

/**
 * Swarm's `service update` of `replicas` tasks on the own engine of bed host SWARM_HOST (a one-node swarm, joined
 * and left again): the same image, the same port, a health check in place of the readiness probe, one task at a
 * time started before the old one stops. Resolves with the result, or with the error that stopped it.
 */
export async function swarmRollout(
  bed: TestBed,
  replicas: number,
  port: number,
): Promise<SwarmRollingUpdateResult | Error> {
  const host = bed.host(SWARM_HOST);
  const docker = new Docker({ socketPath: host.socket });
  try {
    return await swarmRollingUpdate({
      docker,
      dockerHost: host.dockerHost,
      image: 'capstan/hello:latest',
      replicas,
      port,
      deadlineMs: 300_000,
    });
  } catch (err) {
    return err as Error;
  }
}

/** The notes of the rolling-update scenario comparing Capstan's rollout with Swarm's: how, then what came out. */
export function swarmNote(
  host: string,
  replicas: number,
  capstanS: number,
  swarm: SwarmRollingUpdateResult | Error,
): string[] {
  const how = `Swarm's \`docker service update\` of ${replicas} replicas, measured in the same run once Capstan's rollout was done, its load stopped and its Deployment scaled to 0, on ${host}'s own engine (a one-node swarm, so all ${replicas} tasks on one engine; Capstan spreads them over 3 engines of the same machine): the image by ID (no registry), VERSION=v1 changed to v2 with \`--env-add\` (Capstan's change is a new tag of the same image), \`--update-parallelism 1 --update-order start-first\` (= maxSurge 1, maxUnavailable 0), a health check connecting to the port every 1 s in place of the tcpSocket readiness probe (Swarm counts a task as running once healthy), no HTTP load`;
  if (swarm instanceof Error) return [`${how}.`, `Swarm: not measured, it failed: ${swarm.message.split('\n')[0]}.`];
  const fixed = (v: number): string => v.toFixed(1);
  const outcome =
    swarm.state === 'paused'
      ? `Swarm: it **paused** its update after ${fixed(swarm.seconds)} s (${swarm.message ?? 'no message'}; ${swarm.failedTasks} tasks failed), so there is no time to compare`
      : `Swarm: every task of the new spec running after **${fixed(swarm.seconds)} s**; Capstan's rollout took ${fixed(capstanS)} s, ${(capstanS / swarm.seconds).toFixed(2)}× Swarm's; Swarm said \`completed\` after ${swarm.completedSeconds === undefined ? '–' : fixed(swarm.completedSeconds)} s (its 5 s \`--update-monitor\` included); ${swarm.failedTasks} tasks failed`;
  return [
    `${how}.`,
    `${outcome}. Creating the service until ${replicas} tasks were healthy took ${fixed(swarm.createSeconds)} s.`,
  ];
}
