import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../src/api/types.ts';
import { NODE_LEASE_NAMESPACE } from '../src/auth/authorize.ts';
import { startControllerManager } from '../src/controllers/controller-manager.ts';
import { BUSYBOX, HELLO, NodeHarness, ready, waitForPod } from './support/node-harness.ts';
import { waitFor } from './support/store.ts';

const h = new NodeHarness();

beforeAll(async () => {
  await h.start();
});
afterAll(async () => {
  await h.dispose();
});

const ids = (pod: Pod): string[] => (pod.status?.containerStatuses ?? []).map((c) => c.containerID ?? '');

async function dockerIdsOf(uid: string): Promise<string[]> {
  const pods = await h.runtime.listPodContainers(h.nodeName);
  const p = pods.find((x) => x.uid === uid);
  return p ? [...(p.sandbox ? [p.sandbox.id] : []), ...p.containers.map((c) => c.id)] : [];
}

/** Waits until no engine container of the pod is left (removed after the Pod left the store, at most 20 s). */
async function containersGone(uid: string): Promise<void> {
  await waitFor(async () => (await dockerIdsOf(uid)).length === 0, {
    timeoutMs: 20_000,
    intervalMs: 200,
    message: `the containers of pod ${uid} removed`,
  });
}

async function waitGone(name: string, timeoutMs = 20_000): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (!(await h.store.tryGet('Pod', 'default', name))) return Date.now() - start;
    if (Date.now() - start > timeoutMs) throw new Error(`pod ${name} still exists after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('node agent: node and pod lifecycle', () => {
  it('registers its Node and keeps renewing its lease', async () => {
    const node = await h.store.get('Node', undefined, h.nodeName);
    expect(node.metadata.labels?.['kubernetes.io/hostname']).toBe(h.nodeName);
    expect(node.spec?.podCIDR).toBe(h.subnet);
    expect(node.status?.addresses).toContainEqual({ type: 'InternalIP', address: '127.0.0.1' });
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(node.status?.nodeInfo?.containerRuntimeVersion).toMatch(/^docker:\/\/\d/);
    expect(node.status?.nodeInfo?.kubeletVersion).toMatch(/^capstan\//);
    expect(Number(node.status?.capacity?.cpu)).toBeGreaterThan(0);
    expect(node.status?.capacity?.memory).toMatch(/^\d+Ki$/);
    const first = await h.store.get('Lease', NODE_LEASE_NAMESPACE, h.nodeName);
    expect(first.spec?.holderIdentity).toBe(h.nodeName);
    const deadline = Date.now() + 5_000;
    let later = first;
    while (later.spec?.renewTime === first.spec?.renewTime && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      later = await h.store.get('Lease', NODE_LEASE_NAMESPACE, h.nodeName);
    }
    expect(Date.parse(later.spec!.renewTime!)).toBeGreaterThan(Date.parse(first.spec!.renewTime!));
  });

  it('waits for a missing PersistentVolumeClaim, then keeps its data across pod re-creation', async () => {
    // A claim name of this run's own: the claim's Docker volume is named by namespace and claim, so another
    // Capstan on this engine (`npm start`, a parallel run) with a claim default/data would share it.
    const claim = `data-${randomUUID().slice(0, 8)}`;
    h.claims.add(claim);
    const spec = {
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: claim } }],
      containers: [
        {
          name: 'main',
          image: BUSYBOX,
          command: ['sh', '-c', 'echo run >> /data/log; exec sleep 3600'],
          volumeMounts: [{ name: 'data', mountPath: '/data' }],
        },
      ],
    };
    await h.store.create('Pod', h.pod('keeper', spec));
    const waiting = await waitForPod(h.store, 'keeper', (p) =>
      (p.status?.message ?? '').includes('PersistentVolumeClaim'),
    );
    expect(waiting.status?.phase).toBe('Pending');
    await h.store.create('PersistentVolumeClaim', {
      kind: 'PersistentVolumeClaim',
      metadata: { name: claim, namespace: 'default' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Mi' } } },
    });
    await waitForPod(h.store, 'keeper', ready, { what: 'running once the claim exists' });
    await h.store.delete('Pod', 'default', 'keeper', { gracePeriodSeconds: 1 });
    await waitGone('keeper');
    await h.store.create('Pod', h.pod('keeper', spec));
    const again = await waitForPod(h.store, 'keeper', ready);
    const id = again.status!.containerStatuses![0]!.containerID!.replace('docker://', '');
    const log = await h.runtime.exec(id, ['cat', '/data/log'], 5_000);
    expect(log.output.trim().split('\n')).toEqual(['run', 'run']);
  }, 150_000);

  it('stops a pod within its grace period and removes its containers', async () => {
    await h.store.create(
      'Pod',
      h.pod('stubborn', {
        terminationGracePeriodSeconds: 2,
        containers: [
          { name: 'main', image: BUSYBOX, command: ['sh', '-c', 'trap "" TERM; while :; do sleep 1; done'] },
        ],
      }),
    );
    // A long grace period that a pod which stops on SIGTERM never waits out.
    await h.store.create(
      'Pod',
      h.pod('polite', { terminationGracePeriodSeconds: 60, containers: [{ name: 'web', image: HELLO }] }),
    );
    const stubborn = await waitForPod(h.store, 'stubborn', ready);
    const polite = await waitForPod(h.store, 'polite', ready);
    expect(await dockerIdsOf(stubborn.metadata.uid)).toHaveLength(2);

    await h.store.delete('Pod', 'default', 'stubborn');
    // Bounds a user notices, whatever the machine's load: not killed before its 2 s grace period, and not left
    // running long after it (a stop that ignored the grace period's end would hang until waitGone's deadline).
    const slow = await waitGone('stubborn', 45_000);
    expect(slow).toBeGreaterThan(1_800);
    expect(slow).toBeLessThan(30_000);
    // As the kubelet: the Pod leaves the store once its containers are stopped; their removal may follow.
    await containersGone(stubborn.metadata.uid);

    await h.store.delete('Pod', 'default', 'polite');
    // SIGTERM stops it: it is gone long before its 60 s grace period would have ended.
    const fast = await waitGone('polite', 45_000);
    expect(fast).toBeLessThan(30_000);
    await containersGone(polite.metadata.uid);
  }, 150_000);

  it('removes the containers of a pod deleted at once', async () => {
    await h.store.create('Pod', h.pod('sudden', { containers: [{ name: 'web', image: HELLO }] }));
    const pod = await waitForPod(h.store, 'sudden', ready);
    await h.store.delete('Pod', 'default', 'sudden', { gracePeriodSeconds: 0 });
    const deadline = Date.now() + 10_000;
    while ((await dockerIdsOf(pod.metadata.uid)).length > 0) {
      if (Date.now() > deadline) throw new Error('containers of a deleted pod are still there');
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  it('starts a pod over in a new sandbox when its sandbox dies', async () => {
    await h.store.create(
      'Pod',
      h.pod('resandboxed', { containers: [{ name: 'web', image: HELLO, ports: [{ containerPort: 80 }] }] }),
    );
    const pod = await waitForPod(h.store, 'resandboxed', ready);
    const sandbox = (await h.runtime.listPodContainers(h.nodeName)).find((p) => p.uid === pod.metadata.uid)!.sandbox!;
    await h.runtime.client.getContainer(sandbox.id).kill();
    const after = await waitForPod(
      h.store,
      'resandboxed',
      (p) => ready(p) && p.status?.containerStatuses?.[0]?.restartCount === 1,
      { what: 'running again in a new sandbox' },
    );
    expect(ids(after)).not.toEqual(ids(pod));
    // The new sandbox takes the dead one's address again (as after an engine restart), and the pod answers on it.
    expect(pod.status?.podIP).toBeDefined();
    expect(after.status?.podIP).toBe(pod.status?.podIP);
    // Ready without a readiness probe means started, as in Kubernetes: the server may take a moment to listen.
    const status = await waitFor(
      async () => (await fetch(`http://${after.status?.podIP}:80/`, { signal: AbortSignal.timeout(2_000) })).status,
      { timeoutMs: 15_000, intervalMs: 100, message: `HTTP from the pod at ${after.status?.podIP}` },
    );
    expect(status).toBe(200);
    // The dead sandbox's network was released (its CNI result gone), the address is reserved for the new one.
    const { addresses, results } = await h.runtime.networkReservations(h.nodeName);
    expect(addresses).toContain(pod.status?.podIP);
    expect(results).not.toContain(sandbox.id);
  });

  it('re-adopts running pods after an agent restart and removes orphans', async () => {
    await h.store.create('Pod', h.pod('steady', { containers: [{ name: 'web', image: HELLO }] }));
    await h.store.create('Pod', h.pod('orphan', { containers: [{ name: 'web', image: HELLO }] }));
    const steady = await waitForPod(h.store, 'steady', ready);
    const orphan = await waitForPod(h.store, 'orphan', ready);
    await h.agent.stop();
    // While no agent runs: one pod is deleted outright, the other's status must survive untouched.
    await h.store.delete('Pod', 'default', 'orphan', { gracePeriodSeconds: 0 });
    expect(await dockerIdsOf(orphan.metadata.uid)).toHaveLength(2);
    const before = await dockerIdsOf(steady.metadata.uid);

    h.agent = await h.startAgent();
    expect(await dockerIdsOf(orphan.metadata.uid)).toEqual([]);
    await h.agent.idle();
    expect(await dockerIdsOf(steady.metadata.uid)).toEqual(before);
    const now = await h.store.get('Pod', 'default', 'steady');
    expect(ready(now)).toBe(true);
    expect(ids(now)).toEqual(ids(steady));
    expect(now.status?.containerStatuses?.[0]?.restartCount).toBe(0);
    const info = await h.runtime.inspectContainer(before[1]!);
    expect(info.state).toBe('running');
  });

  it('removes the pods of a deleted namespace', async () => {
    await h.store.create('Namespace', { kind: 'Namespace', metadata: { name: 'doomed' }, spec: {} });
    await h.store.create('Pod', h.pod('inside', { containers: [{ name: 'web', image: HELLO }] }, 'doomed'));
    const pod = await waitForPod(h.store, 'inside', ready, { namespace: 'doomed' });
    // The namespace controller empties a terminating namespace; the node then stops the pod's containers.
    const manager = startControllerManager({
      store: h.store,
      leaderElection: false,
      controllers: ['namespace-controller'],
    });
    try {
      await h.store.delete('Namespace', undefined, 'doomed');
      const deadline = Date.now() + 15_000;
      while ((await dockerIdsOf(pod.metadata.uid)).length > 0) {
        if (Date.now() > deadline) throw new Error('containers of a pod in a deleted namespace are still there');
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await manager.stop();
    }
  });
});
