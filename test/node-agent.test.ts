import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerStatus, Pod } from '../src/api/types.ts';
import { BUSYBOX, HELLO, NodeHarness, ready, waitForPod } from './support/node-harness.ts';

const h = new NodeHarness();

beforeAll(async () => {
  await h.start();
});
afterAll(async () => {
  await h.dispose();
});

function container(pod: Pod, name: string): ContainerStatus | undefined {
  return pod.status?.containerStatuses?.find((c) => c.name === name);
}

function containerId(pod: Pod, name: string): string {
  return (container(pod, name)?.containerID ?? '').replace('docker://', '');
}

async function events(name: string, reason: string) {
  const list = await h.store.list('Event', { namespace: 'default' });
  return list.items.filter((e) => e.involvedObject.name === name && e.reason === reason);
}

describe('node agent: running pods', () => {
  it('runs a pod whose containers talk over localhost, share an emptyDir and see their fieldRef env', async () => {
    await h.store.create(
      'Pod',
      h.pod('duo', {
        volumes: [{ name: 'shared', emptyDir: {} }],
        containers: [
          {
            name: 'web',
            image: HELLO,
            ports: [{ containerPort: 80 }],
            volumeMounts: [{ name: 'shared', mountPath: '/shared' }],
          },
          {
            name: 'client',
            image: BUSYBOX,
            command: [
              'sh',
              '-c',
              'until wget -q -O /shared/out http://127.0.0.1:80/; do sleep 0.2; done; exec sleep 3600',
            ],
            env: [
              { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
              { name: 'GREETING', value: 'hi $(POD_NAME)' },
            ],
            volumeMounts: [{ name: 'shared', mountPath: '/shared' }],
          },
        ],
      }),
    );
    const pod = await waitForPod(h.store, 'duo', (p) => p.status?.phase === 'Running' && ready(p));
    const prefix = h.subnet.split('.').slice(0, 3).join('.');
    expect(pod.status?.podIP?.startsWith(`${prefix}.`)).toBe(true);
    expect(pod.status?.hostIP).toBe('127.0.0.1');
    expect(pod.status?.timeline?.ready).toBeDefined();
    // The web container reads what the client fetched from it over localhost, through the shared emptyDir.
    const webId = containerId(pod, 'web');
    const out = await waitFor(async () => {
      const r = await h.runtime.exec(webId, ['cat', '/shared/out'], 5_000);
      return r.exitCode === 0 && r.output.includes('Server name: duo') ? r.output : undefined;
    });
    expect(out).toContain('Server name: duo');
    const env = await h.runtime.exec(containerId(pod, 'client'), ['env'], 5_000);
    expect(env.output).toContain('POD_NAME=duo');
    expect(env.output).toContain(`POD_IP=${pod.status?.podIP}`);
    expect(env.output).toContain('GREETING=hi duo');
    // The pod's port is on its own IP (the node routes to its pod CIDR); without a hostPort nothing is published.
    expect(pod.status?.hostPorts ?? []).toEqual([]);
    const res = await fetch(`http://${pod.status?.podIP}:80/x`);
    expect(await res.text()).toContain('Request URI: /x');
    const resolv = await h.runtime.exec(webId, ['cat', '/etc/resolv.conf'], 5_000);
    expect(resolv.output).toContain('nameserver 10.97.0.10');
    expect(resolv.output).toContain('search default.svc.cluster.local svc.cluster.local cluster.local');
    expect(resolv.output).toContain('options ndots:2');
    expect((await events('duo', 'Started')).length).toBeGreaterThan(0);
  });

  it('streams container logs through its log source', async () => {
    const pod = await waitForPod(h.store, 'duo', ready);
    const lines: string[] = [];
    for await (const line of h.agent.logSource.stream(pod, { container: 'web', follow: false, tailLines: 50 })) {
      lines.push(line.text);
    }
    expect(lines.join('\n')).toContain('hello: duo listening');
  });

  it('restarts a container killed behind its back, counting the restart', async () => {
    await h.store.create('Pod', h.pod('victim', { containers: [{ name: 'web', image: HELLO }] }));
    const before = await waitForPod(h.store, 'victim', ready);
    const id = containerId(before, 'web');
    await h.runtime.client.getContainer(id).kill();
    const after = await waitForPod(h.store, 'victim', (p) => container(p, 'web')?.restartCount === 1 && ready(p), {
      what: 'restart after kill',
    });
    expect(containerId(after, 'web')).not.toBe(id);
    expect(container(after, 'web')?.lastState?.terminated?.exitCode).toBe(137);
  });

  it('shows CrashLoopBackOff for a container that keeps failing', async () => {
    await h.store.create(
      'Pod',
      h.pod('crasher', { containers: [{ name: 'main', image: BUSYBOX, command: ['sh', '-c', 'echo boom; exit 3'] }] }),
    );
    const pod = await waitForPod(
      h.store,
      'crasher',
      (p) => container(p, 'main')?.state.waiting?.reason === 'CrashLoopBackOff',
      {
        what: 'CrashLoopBackOff',
      },
    );
    const status = container(pod, 'main')!;
    expect(status.restartCount).toBeGreaterThanOrEqual(1);
    expect(status.lastState?.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(pod.status?.phase).toBe('Running');
    expect((await events('crasher', 'BackOff')).length).toBeGreaterThan(0);
  });

  it('ends pods with restartPolicy Never as Succeeded or Failed', async () => {
    await h.store.create(
      'Pod',
      h.pod('job-ok', { restartPolicy: 'Never', containers: [{ name: 'main', image: BUSYBOX, command: ['true'] }] }),
    );
    await h.store.create(
      'Pod',
      h.pod('job-bad', { restartPolicy: 'Never', containers: [{ name: 'main', image: BUSYBOX, command: ['false'] }] }),
    );
    const ok = await waitForPod(h.store, 'job-ok', (p) => p.status?.phase === 'Succeeded');
    expect(container(ok, 'main')?.state.terminated?.reason).toBe('Completed');
    const bad = await waitForPod(h.store, 'job-bad', (p) => p.status?.phase === 'Failed');
    expect(container(bad, 'main')?.state.terminated?.exitCode).toBe(1);
    expect(container(bad, 'main')?.restartCount).toBe(0);
  });

  it('restarts a container whose liveness probe fails', async () => {
    await h.store.create(
      'Pod',
      h.pod('sick', {
        terminationGracePeriodSeconds: 1,
        containers: [
          {
            name: 'main',
            image: BUSYBOX,
            command: ['sh', '-c', 'touch /tmp/healthy; sleep 1; rm /tmp/healthy; exec sleep 3600'],
            livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 1 },
          },
        ],
      }),
    );
    const pod = await waitForPod(h.store, 'sick', (p) => (container(p, 'main')?.restartCount ?? 0) >= 1, {
      what: 'a restart after liveness failures',
    });
    expect(container(pod, 'main')?.lastState?.terminated).toBeDefined();
    await waitFor(
      async () => (await events('sick', 'Unhealthy')).length > 0 && (await events('sick', 'Killing')).length > 0,
    );
  });

  it('gates readiness on the readiness probe', async () => {
    await h.store.create(
      'Pod',
      h.pod('gated', {
        containers: [
          {
            name: 'main',
            image: BUSYBOX,
            command: ['sleep', '3600'],
            readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1 },
          },
        ],
      }),
    );
    const running = await waitForPod(h.store, 'gated', (p) => container(p, 'main')?.state.running !== undefined);
    expect(ready(running)).toBe(false);
    expect(container(running, 'main')?.ready).toBe(false);
    await h.runtime.exec(containerId(running, 'main'), ['touch', '/tmp/ready'], 5_000);
    const readyPod = await waitForPod(h.store, 'gated', ready, { what: 'Ready after the probe passes' });
    expect(container(readyPod, 'main')?.ready).toBe(true);
    const condition = readyPod.status?.conditions?.find((c) => c.type === 'Ready');
    expect(Date.parse(condition!.lastTransitionTime!)).toBeGreaterThan(Date.parse(running.status!.startTime!));
    await h.runtime.exec(containerId(readyPod, 'main'), ['rm', '/tmp/ready'], 5_000);
    await waitForPod(h.store, 'gated', (p) => !ready(p), { what: 'unready after the probe fails' });
  });

  it('reports a sandbox that cannot start and leaves none of its containers behind', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      await h.store.create(
        'Pod',
        h.pod('blocked', {
          containers: [{ name: 'web', image: HELLO, ports: [{ containerPort: 80, hostPort: port }] }],
        }),
      );
      const pod = await waitForPod(
        h.store,
        'blocked',
        (p) => (p.status?.message ?? '').includes('failed to create the pod sandbox'),
        { what: 'the sandbox failure' },
      );
      expect(pod.status?.phase).toBe('Pending');
      expect((await events('blocked', 'FailedCreatePodSandBox')).length).toBeGreaterThan(0);
      // The app container, created while the sandbox was starting, went with it.
      const left = (await h.runtime.listPodContainers(h.nodeName)).find((p) => p.uid === pod.metadata.uid);
      expect(left?.sandbox).toBeUndefined();
      expect(left?.containers ?? []).toEqual([]);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('reports ErrImagePull / ImagePullBackOff for an image that cannot be pulled', async () => {
    await h.store.create('Pod', h.pod('nopull', { containers: [{ name: 'main', image: '127.0.0.1:5999/missing:1' }] }));
    const pod = await waitForPod(
      h.store,
      'nopull',
      (p) => ['ErrImagePull', 'ImagePullBackOff'].includes(container(p, 'main')?.state.waiting?.reason ?? ''),
      { what: 'an image pull error' },
    );
    expect(container(pod, 'main')?.state.waiting?.message).toContain('127.0.0.1:5999/missing:1');
    expect(pod.status?.phase).toBe('Pending');
    await waitForPod(h.store, 'nopull', (p) => container(p, 'main')?.state.waiting?.reason === 'ImagePullBackOff', {
      what: 'ImagePullBackOff',
    });
  });
});

async function waitFor<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}
