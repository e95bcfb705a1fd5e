import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../src/api/types.ts';
import { startHollowNodes } from '../src/hollow/hollow-node.ts';
import { cordonNode, uncordonNode } from '../src/resolvers/nodes.ts';
import { startControlPlane, type ControlPlane } from './support/control-plane.ts';
import { newPod, newReplicationController } from './support/fixtures.ts';
import { waitFor } from './support/store.ts';

let cp: ControlPlane;

beforeAll(async () => {
  cp = await startControlPlane({
    nodes: [
      { name: 'ssd-0', labels: { disk: 'ssd' } },
      { name: 'plain-1' },
      { name: 'gpu-2', taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] },
    ],
    // Unschedulable pods are tried again only on an event that could make them fit: the timed retry is far
    // beyond any wait of these tests.
    manager: { scheduler: { maxUnschedulableMs: 600_000 } },
  });
});

afterAll(async () => {
  await cp?.dispose();
});

function countByNode(pods: Pod[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const pod of pods) counts[pod.spec?.nodeName ?? ''] = (counts[pod.spec?.nodeName ?? ''] ?? 0) + 1;
  return counts;
}

async function boundPods(namespace: string, app: string, count: number): Promise<Pod[]> {
  return waitFor(
    async () => {
      const pods = await cp.activePods(namespace, { app });
      return pods.length === count && pods.every((p) => p.spec?.nodeName) ? pods : undefined;
    },
    { message: `${count} bound pods of ${app}` },
  );
}

describe('scheduler', () => {
  it("spreads a controller's pods over the nodes it may use, never onto a tainted node", async () => {
    const ns = await cp.namespace();
    await cp.store.create('ReplicationController', newReplicationController('web', { namespace: ns, replicas: 6 }));
    const pods = await boundPods(ns, 'web', 6);
    expect(countByNode(pods)).toEqual({ 'ssd-0': 3, 'plain-1': 3 });
  });

  it('places a pod tolerating the taint on the tainted node when it is the best fit', async () => {
    const ns = await cp.namespace();
    const input = newPod('gpu-job', { namespace: ns, labels: { app: 'gpu' } });
    input.spec!.tolerations = [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }];
    input.spec!.nodeSelector = { 'kubernetes.io/hostname': 'gpu-2' };
    await cp.store.create('Pod', input);
    const [pod] = await boundPods(ns, 'gpu', 1);
    expect(pod!.spec?.nodeName).toBe('gpu-2');
    expect(pod!.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status).toBe('True');
  });

  it('respects nodeSelector', async () => {
    const ns = await cp.namespace();
    const rc = newReplicationController('db', { namespace: ns, replicas: 3 });
    rc.spec!.template.spec.nodeSelector = { disk: 'ssd' };
    await cp.store.create('ReplicationController', rc);
    const pods = await boundPods(ns, 'db', 3);
    expect(countByNode(pods)).toEqual({ 'ssd-0': 3 });
  });

  it('leaves a pod that fits nowhere Pending with a FailedScheduling event naming why, and places it once a node fits', async () => {
    const ns = await cp.namespace();
    const input = newPod('picky', { namespace: ns, labels: { app: 'picky' } });
    input.spec!.nodeSelector = { zone: 'moon' };
    await cp.store.create('Pod', input);
    const event = await waitFor(
      async () =>
        (await cp.store.list('Event', { namespace: ns })).items.find(
          (e) => e.reason === 'FailedScheduling' && e.involvedObject.name === 'picky',
        ),
      { message: 'FailedScheduling event' },
    );
    expect(event.type).toBe('Warning');
    expect(event.message).toBe(
      "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 node(s) didn't match Pod's node affinity/selector.",
    );
    const pending = await waitFor(async () => {
      const pod = await cp.store.get('Pod', ns, 'picky');
      return pod.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False') ? pod : undefined;
    });
    expect(pending.spec?.nodeName).toBeUndefined();
    expect(pending.status?.conditions?.find((c) => c.type === 'PodScheduled')?.reason).toBe('Unschedulable');

    await cp.store.mutate('Node', undefined, 'plain-1', (node) => ({
      ...node,
      metadata: { ...node.metadata, labels: { ...node.metadata.labels, zone: 'moon' } },
    }));
    try {
      const [placed] = await boundPods(ns, 'picky', 1);
      expect(placed!.spec?.nodeName).toBe('plain-1');
    } finally {
      await cp.store.mutate('Node', undefined, 'plain-1', (node) => {
        const labels = { ...node.metadata.labels };
        delete labels.zone;
        return { ...node, metadata: { ...node.metadata, labels } };
      });
    }
  });

  it('places a pod kept aside as unschedulable as soon as a node it fits appears', async () => {
    const ns = await cp.namespace();
    const input = newPod('late', { namespace: ns, labels: { app: 'late' } });
    input.spec!.nodeSelector = { pool: 'late' };
    await cp.store.create('Pod', input);
    await waitFor(async () => {
      const pod = await cp.store.get('Pod', ns, 'late');
      return pod.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False');
    });
    const late = await startHollowNodes(
      cp.store,
      [{ name: 'late-3', address: '127.0.1.53', labels: { pool: 'late' } }],
      {
        renewIntervalMs: 500,
      },
    );
    try {
      // The node's arrival moves the pod back (after at most its first 1 s back-off); without the event it would
      // wait the 10 minutes set above.
      const [placed] = await waitFor(
        async () => {
          const pods = await cp.activePods(ns, { app: 'late' });
          return pods[0]?.spec?.nodeName ? pods : undefined;
        },
        { message: 'the pending pod bound once its node appeared', timeoutMs: 15_000 },
      );
      expect(placed!.spec?.nodeName).toBe('late-3');
    } finally {
      await cp.store.delete('Pod', ns, 'late', { gracePeriodSeconds: 0 }).catch(() => undefined);
      await late.stop();
      await late.deleteNodes();
    }
  });

  it('schedules nothing onto a cordoned node', async () => {
    const ns = await cp.namespace();
    await cordonNode(cp.store, 'ssd-0');
    try {
      await waitFor(async () => (await cp.store.get('Node', undefined, 'ssd-0')).spec?.unschedulable === true);
      await cp.store.create('ReplicationController', newReplicationController('api', { namespace: ns, replicas: 4 }));
      const pods = await boundPods(ns, 'api', 4);
      expect(countByNode(pods)).toEqual({ 'plain-1': 4 });
    } finally {
      await uncordonNode(cp.store, 'ssd-0');
    }
  });
});
