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

/** A pod that ignores SIGTERM: only the end of its grace period (SIGKILL) stops it. */
function stubborn(name: string, grace = 120): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: { app: stubborn }
spec:
  terminationGracePeriodSeconds: ${grace}
  containers:
    - name: app
      image: capstan/busybox:latest
      command: ['sh', '-c', 'trap "" TERM; while :; do sleep 1; done']
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
    await up.cli(['delete', 'pods', '--all', '--force']);
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

describe('capstan wait', () => {
  it('waits for a new pod to be Ready, and for the pods of a selector, printing "condition met" for each', async () => {
    await apply('waiter', stubborn('waiter', 0));
    const ready = await cluster().cli(['wait', '--for=condition=Ready', 'pod/waiter', '--timeout=60s'], 70_000);
    expect(ready).toMatchObject({ code: 0, stdout: 'pod/waiter condition met\n' });

    await apply('pair', ticker('pair', 2));
    await waitFor(async () => (await capstan('get', 'pods', '-l', 'app=pair', '-o', 'name')).split('\n').length > 2, {
      timeoutMs: 30_000,
      message: 'the two pods of pair to be created',
    });
    const both = await cluster().cli(
      ['wait', '--for=condition=Ready', 'pods', '-l', 'app=pair', '--timeout=60s'],
      70_000,
    );
    expect(both.code, both.stderr).toBe(0);
    expect(both.stdout.trim().split('\n').sort()).toEqual([
      expect.stringMatching(/^pod\/pair-\S+ condition met$/),
      expect.stringMatching(/^pod\/pair-\S+ condition met$/),
    ]);
    const phase = await cluster().cli(['wait', '--for=jsonpath={.status.phase}=Running', 'pod/waiter', '--timeout=0']);
    expect(phase).toMatchObject({ code: 0, stdout: 'pod/waiter condition met\n' });
  }, 150_000);

  it('times out with kubectl’s message when the condition does not come, and says a missing pod is not found', async () => {
    const never = await cluster().cli(['wait', '--for=condition=Ready=False', 'pod/waiter', '--timeout=2s']);
    expect(never).toMatchObject({ code: 1, stderr: 'error: timed out waiting for the condition on pods/waiter\n' });
    const missing = await cluster().cli(['wait', '--for=condition=Ready', 'pod/nope', '--timeout=5s']);
    expect(missing).toMatchObject({ code: 1, stderr: 'Error from server (NotFound): pods "nope" not found\n' });
    const none = await cluster().cli(['wait', '--for=condition=Ready', 'pods', '-l', 'app=nope']);
    expect(none).toMatchObject({ code: 1, stderr: 'error: no matching resources found\n' });
    expect(await cluster().cli(['wait', '--for=delete', 'pod/nope'])).toMatchObject({ code: 0, stdout: '' });
    const bad = await cluster().cli(['wait', '--for=ready', 'pod/waiter']);
    expect(bad).toMatchObject({ code: 1, stderr: 'error: unrecognized condition: "ready"\n' });
  }, 60_000);

  it('waits for a deletion to finish with --for=delete', async () => {
    const waiting = start('wait', '--for=delete', 'pod/waiter', '--timeout=60s');
    // Still waiting while the pod is there (its grace period is 0, so it goes as soon as the node stopped it).
    await waitFor(async () => (await capstan('get', 'pod', 'waiter', '-o', 'name')) === 'pod/waiter\n', {
      message: 'waiter still there',
    });
    expect(waiting.stdout()).toBe('');
    await capstan('delete', 'pod', 'waiter');
    expect(await exitOf(waiting, 60_000)).toEqual({ code: 0, signal: null });
    expect(waiting.stdout()).toBe('pod/waiter condition met\n');
  }, 90_000);
});

describe('capstan delete --grace-period and --force', () => {
  it('gives a pod the grace period asked for instead of its own, and the node agent honours it', async () => {
    await apply('slow', stubborn('slow'));
    await capstan('wait', '--for=condition=Ready', 'pod/slow', '--timeout=60s');
    const asked = Date.now();
    expect(await capstan('delete', 'pod', 'slow', '--grace-period=3', '--wait=false')).toBe('pod "slow" deleted\n');
    const terminating = JSON.parse(await capstan('get', 'pod', 'slow', '-o', 'json')) as {
      metadata: { deletionGracePeriodSeconds?: number };
    };
    expect(terminating.metadata.deletionGracePeriodSeconds).toBe(3);
    // Its own 120 s would outlast this wait; SIGTERM is ignored, so it lasts until SIGKILL about 3 s in. The wait
    // prints "condition met" if it started before the pod went and nothing if the pod was already gone (a loaded
    // machine can take 3 s to start it); either way it succeeds, and the pod is gone.
    const waited = await cluster().cli(['wait', '--for=delete', 'pod/slow', '--timeout=45s'], 60_000);
    expect(waited).toMatchObject({ code: 0, stderr: '' });
    expect(waited.stdout).toMatch(/^(pod\/slow condition met\n)?$/);
    expect(Date.now() - asked).toBeGreaterThanOrEqual(2_500);
    expect((await cluster().cli(['get', 'pod', 'slow'])).code).toBe(1);
  }, 120_000);

  it('waits by default until a pod is gone, showing its grace period, and gives up after --timeout', async () => {
    await apply('patient', stubborn('patient'));
    await capstan('wait', '--for=condition=Ready', 'pod/patient', '--timeout=60s');
    const timedOut = await cluster().cli(['delete', 'pod', 'patient', '--timeout=2s'], 60_000);
    expect(timedOut).toMatchObject({ code: 1, stdout: 'pod "patient" deleted\n' });
    expect(timedOut.stderr.split('\n')).toEqual([
      'pod "patient": terminating, grace period 120s',
      'error: timed out waiting for the condition on pods/patient',
      '',
    ]);
    await capstan('delete', 'pod', 'patient', '--force');
    // Forced while the node waits out its 120 s: the node cuts the grace period short and kills it, as the kubelet.
    await waitFor(
      async () => (await cluster().containers()).every((c) => c.Labels['io.capstan.pod.name'] !== 'patient'),
      { timeoutMs: 20_000, message: "patient's containers to be removed once it is force deleted" },
    );

    await apply('prompt', stubborn('prompt'));
    await capstan('wait', '--for=condition=Ready', 'pod/prompt', '--timeout=60s');
    const asked = Date.now();
    const deleted = await cluster().cli(['delete', 'pod', 'prompt', '--grace-period=3'], 60_000);
    // SIGTERM is ignored: the pod lasts until SIGKILL about 3 s in, and the command until it is gone.
    expect(Date.now() - asked).toBeGreaterThanOrEqual(2_500);
    expect(deleted).toMatchObject({ code: 0, stdout: 'pod "prompt" deleted\n' });
    expect(deleted.stderr).toMatch(/^pod "prompt": terminating, grace period 3s\n/);
    expect((await cluster().cli(['get', 'pod', 'prompt'])).code).toBe(1);
  }, 180_000);

  it('removes a pod from the API at once with --force, with kubectl’s warning, and its containers go', async () => {
    await apply('stuck', stubborn('stuck'));
    await capstan('wait', '--for=condition=Ready', 'pod/stuck', '--timeout=60s');
    const refused = await cluster().cli(['delete', 'pod', 'stuck', '--force', '--grace-period=5']);
    expect(refused).toMatchObject({
      code: 1,
      stderr: 'error: --force and --grace-period greater than 0 cannot be specified together\n',
    });
    expect(await capstan('get', 'pod', 'stuck', '-o', 'jsonpath={.metadata.deletionTimestamp}')).toBe('');

    const forced = await cluster().cli(['delete', 'pod', 'stuck', '--force']);
    expect(forced).toMatchObject({
      code: 0,
      stdout: 'pod "stuck" force deleted\n',
      stderr:
        'Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. ' +
        'The resource may continue to run on the cluster indefinitely.\n',
    });
    const after = await cluster().cli(['get', 'pod', 'stuck']);
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/not found/);
    await waitFor(
      async () => (await cluster().containers()).every((c) => c.Labels['io.capstan.pod.name'] !== 'stuck'),
      { timeoutMs: 30_000, message: "stuck's containers to be removed by the node" },
    );
  }, 120_000);
});

describe('capstan patch', () => {
  it('rolls a Deployment out when a strategic patch changes the image of one container by name', async () => {
    await apply(
      'duo',
      `${ticker('duo', 2)}        - name: side
          image: capstan/busybox:latest
          command: ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 1 & wait $!; done']
`,
    );
    await capstan('rollout', 'status', 'deploy/duo', '--timeout=90s');
    const patch = JSON.stringify({
      spec: { template: { spec: { containers: [{ name: 'app', image: 'capstan/busybox' }] } } },
    });
    expect(await capstan('patch', 'deploy', 'duo', '-p', patch)).toBe('deployment.apps/duo patched\n');
    expect(await capstan('patch', 'deploy/duo', '-p', patch)).toBe('deployment.apps/duo patched (no change)\n');
    await capstan('rollout', 'status', 'deploy/duo', '--timeout=90s');
    type Pods = {
      items: {
        metadata: { deletionTimestamp?: string };
        spec: { containers: { name: string; image: string; command?: string[] }[] };
      }[];
    };
    await waitFor(
      async () => {
        const pods = (JSON.parse(await capstan('get', 'pods', '-l', 'app=duo', '-o', 'json')) as Pods).items;
        return (
          pods.length === 2 &&
          pods.every((p) => !p.metadata.deletionTimestamp && p.spec.containers[0]!.image === 'capstan/busybox')
        );
      },
      { timeoutMs: 90_000, message: 'only pods with the patched image' },
    );
    const pods = (JSON.parse(await capstan('get', 'pods', '-l', 'app=duo', '-o', 'json')) as Pods).items;
    for (const pod of pods) {
      expect(pod.spec.containers.map((c) => [c.name, c.image])).toEqual([
        ['app', 'capstan/busybox'],
        ['side', 'capstan/busybox:latest'],
      ]);
      expect(pod.spec.containers[0]!.command?.[0]).toBe('sh');
    }
    expect(await capstan('rollout', 'history', 'deploy/duo')).toMatch(/\n2\s/);
    await capstan('delete', 'deployment', 'duo');
  }, 240_000);
});
