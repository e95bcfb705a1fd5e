import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCapstanUp, type CapstanUp, type RunningCli } from './support/capstan-up.ts';
import { waitFor } from './support/store.ts';

// The CLI following objects to their end against a real `capstan up`: pods on the real engine, the garbage
// collector and the node agent doing the deleting.

let up: CapstanUp | undefined;
const started: RunningCli[] = [];

function cluster(): CapstanUp {
  if (!up) throw new Error('capstan up did not start');
  return up;
}

async function capstan(...args: string[]): Promise<string> {
  const result = await cluster().cli(args);
  if (result.code !== 0) throw new Error(`capstan ${args.join(' ')}: ${result.stderr || result.stdout}`);
  return result.stdout;
}

function start(...args: string[]): RunningCli {
  const cli = cluster().start(args);
  started.push(cli);
  return cli;
}

/** Resolves with how `cli` ended; fails (saying what it printed) when it still runs after `timeoutMs`. */
async function exitOf(cli: RunningCli, timeoutMs: number): Promise<{ code: number | null; signal: string | null }> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`still running after ${timeoutMs} ms:\n${cli.stdout()}\n${cli.stderr()}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([cli.exited, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** A Deployment of busybox pods that tick every second and say goodbye on SIGTERM. */
function ticker(name: string, replicas = 1): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      terminationGracePeriodSeconds: 20
      containers:
        - name: app
          image: capstan/busybox:latest
          command: ['sh', '-c', 'trap "echo goodbye from $(hostname); exit 0" TERM; while :; do echo "tick from $(hostname)"; sleep 1 & wait $!; done']
`;
}

async function apply(name: string, manifest: string): Promise<void> {
  const file = join(cluster().configPath, '..', `${name}.yaml`);
  await writeFile(file, manifest);
  await capstan('apply', '-f', file);
}

beforeAll(async () => {
  up = await startCapstanUp();
}, 90_000);

afterAll(async () => {
  for (const cli of started) cli.kill();
  // The node leaves pod containers running when `capstan up` stops (as a kubelet would): remove the pods first.
  if (up?.running()) {
    await up.cli(['delete', 'deployments', '--all']);
    await waitFor(async () => (await up!.containers()).length === 0, {
      timeoutMs: 60_000,
      message: 'the pods’ containers to be removed',
    }).catch(() => undefined);
  }
  const problems = (await up?.release()) ?? [];
  expect(problems).toEqual([]);
}, 120_000);

describe('capstan logs -f deployment/NAME', () => {
  it('prints the pods’ last lines when the Deployment is deleted, then says so and exits 0', async () => {
    await apply('ticker', ticker('ticker'));
    await capstan('rollout', 'status', 'deployment/ticker', '--timeout', '60s');
    const logs = start('logs', '-f', 'deployment/ticker');
    await waitFor(() => /^\[ticker-[^/]+\/app\] tick from /m.test(logs.stdout()), {
      timeoutMs: 30_000,
      message: 'a tick line from the pod',
    });
    expect(await capstan('delete', 'deployment', 'ticker')).toBe('deployment.apps "ticker" deleted\n');
    const exit = await exitOf(logs, 60_000);
    expect(exit, logs.stderr()).toEqual({ code: 0, signal: null });
    // The goodbye the container printed in its grace period, then the end said on stderr.
    expect(logs.stdout()).toMatch(/^\[ticker-[^/]+\/app\] goodbye from ticker-/m);
    expect(logs.stderr().trim().split('\n').at(-1)).toBe(
      'deployment/ticker was deleted in namespace default: no more logs',
    );
  }, 120_000);
});
