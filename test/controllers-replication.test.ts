import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapstanError } from '../src/api/errors.ts';
import type { Event, ReplicationController } from '../src/api/types.ts';
import { ReplicationControllerController } from '../src/controllers/replication-controller.ts';
import { SharedInformers } from '../src/controllers/controller-context.ts';
import { EventRecorder } from '../src/events/event-recorder.ts';
import { logger } from '../src/util/logger.ts';
import { isReady, startControlPlane, type ControlPlane } from './support/control-plane.ts';
import { newPod, newReplicationController } from './support/fixtures.ts';
import { newTestStore, waitFor } from './support/store.ts';

let cp: ControlPlane;

beforeAll(async () => {
  cp = await startControlPlane({ nodes: 3 });
});

afterAll(async () => {
  await cp?.dispose();
});

async function scale(namespace: string, name: string, replicas: number): Promise<void> {
  await cp.store.mutate('ReplicationController', namespace, name, (rc) => ({
    ...rc,
    spec: { ...rc.spec!, replicas },
  }));
}

async function readyCount(namespace: string, app: string): Promise<number> {
  return (await cp.activePods(namespace, { app })).filter(isReady).length;
}

describe('ReplicationController controller', () => {
  it('creates N pods that get scheduled and become ready, and reports it in status', async () => {
    const ns = await cp.namespace();
    await cp.store.create('ReplicationController', newReplicationController('web', { namespace: ns, replicas: 3 }));
    await waitFor(async () => (await readyCount(ns, 'web')) === 3, { message: '3 ready pods' });
    const pods = await cp.activePods(ns, { app: 'web' });
    expect(pods.every((p) => p.metadata.ownerReferences?.[0]?.kind === 'ReplicationController')).toBe(true);
    const rc = await waitFor(async () => {
      const current = await cp.store.get('ReplicationController', ns, 'web');
      return current.status?.readyReplicas === 3 && current.status.availableReplicas === 3 ? current : undefined;
    });
    expect(rc.status).toMatchObject({ replicas: 3, readyReplicas: 3, observedGeneration: rc.metadata.generation });
    const events = (await cp.store.list('Event', { namespace: ns })).items;
    expect(events.filter((e) => e.reason === 'SuccessfulCreate')).toHaveLength(3);
  });

  it('scales 3 → 5 → 1 and converges each time', async () => {
    const ns = await cp.namespace();
    await cp.store.create('ReplicationController', newReplicationController('web', { namespace: ns, replicas: 3 }));
    await waitFor(async () => (await readyCount(ns, 'web')) === 3, { message: '3 ready' });
    await scale(ns, 'web', 5);
    await waitFor(async () => (await readyCount(ns, 'web')) === 5, { message: '5 ready' });
    await scale(ns, 'web', 1);
    await waitFor(async () => (await cp.store.list('Pod', { namespace: ns })).items.length === 1, {
      message: 'only 1 pod left (the others deleted by the hollow node)',
    });
    expect(await readyCount(ns, 'web')).toBe(1);
  });

  it('replaces a deleted pod', async () => {
    const ns = await cp.namespace();
    await cp.store.create('ReplicationController', newReplicationController('web', { namespace: ns, replicas: 2 }));
    await waitFor(async () => (await readyCount(ns, 'web')) === 2, { message: '2 ready' });
    const [victim] = await cp.activePods(ns, { app: 'web' });
    await cp.store.delete('Pod', ns, victim!.metadata.name);
    await waitFor(
      async () => {
        const pods = await cp.activePods(ns, { app: 'web' });
        return pods.length === 2 && pods.every((p) => p.metadata.uid !== victim!.metadata.uid && isReady(p));
      },
      { message: 'a replacement pod' },
    );
  });

  it('adopts a matching orphan instead of creating a pod, and releases it when its labels change', async () => {
    const ns = await cp.namespace();
    const orphan = await cp.store.create('Pod', newPod('handmade', { namespace: ns, labels: { app: 'web' } }));
    await cp.store.create('ReplicationController', newReplicationController('web', { namespace: ns, replicas: 2 }));
    const rc = await cp.store.get('ReplicationController', ns, 'web');
    await waitFor(
      async () => (await cp.store.get('Pod', ns, 'handmade')).metadata.ownerReferences?.[0]?.uid === rc.metadata.uid,
      { message: 'orphan adopted' },
    );
    await waitFor(async () => (await readyCount(ns, 'web')) === 2, { message: '2 ready' });
    expect((await cp.store.list('Pod', { namespace: ns })).items.map((p) => p.metadata.uid)).toContain(
      orphan.metadata.uid,
    );

    await cp.store.mutate('Pod', ns, 'handmade', (pod) => ({
      ...pod,
      metadata: { ...pod.metadata, labels: { app: 'debug' } },
    }));
    await waitFor(async () => !(await cp.store.get('Pod', ns, 'handmade')).metadata.ownerReferences?.length, {
      message: 'pod released',
    });
    await waitFor(async () => (await readyCount(ns, 'web')) === 2, { message: 'a replacement for the released pod' });
    expect(await cp.store.tryGet('Pod', ns, 'handmade')).toBeDefined();
  });
});

/** An RC controller alone on its own store, so a test controls exactly what happens. */
async function standalone(options: Parameters<typeof newTestStore>[0] = {}) {
  const store = await newTestStore(options);
  const informers = new SharedInformers(store);
  const controller = new ReplicationControllerController({
    store,
    informers,
    logger,
    events: new EventRecorder(store, { component: 'replication-controller' }),
  });
  informers.start();
  await informers.synced();
  const running = controller.run();
  return {
    store,
    async dispose() {
      controller.stop();
      await running;
      await informers.stop();
      await store.dispose();
    },
  };
}

describe('ReplicationController controller, alone', () => {
  it('never creates duplicates when resyncs race the informer (expectations)', async () => {
    const { store, dispose } = await standalone();
    try {
      const rc: ReplicationController = await store.create(
        'ReplicationController',
        newReplicationController('burst', { replicas: 20 }),
      );
      // Every poke is an RC update, so a resync; they come while creates are still in flight.
      let maxSeen = 0;
      for (let poke = 0; poke < 40; poke++) {
        await store.mutate('ReplicationController', 'default', 'burst', (current) => ({
          ...current,
          metadata: { ...current.metadata, annotations: { poke: String(poke) } },
        }));
        maxSeen = Math.max(maxSeen, (await store.list('Pod', { namespace: 'default' })).items.length);
      }
      await waitFor(async () => (await store.get('ReplicationController', 'default', 'burst')).status?.replicas === 20);
      const final = (await store.list('Pod', { namespace: 'default' })).items;
      expect(maxSeen).toBeLessThanOrEqual(20);
      expect(final).toHaveLength(20);
      expect(final.every((p) => p.metadata.ownerReferences?.[0]?.uid === rc.metadata.uid)).toBe(true);
    } finally {
      await dispose();
    }
  });

  it('reports refused creates as ReplicaFailure with a FailedCreate event, stopping after a failed batch', async () => {
    let attempts = 0;
    const { store, dispose } = await standalone({
      admission: [
        {
          kinds: ['Pod'],
          admit({ object }) {
            attempts++;
            throw new CapstanError('FORBIDDEN', `exceeded quota: pods in ${object.metadata.namespace}`);
          },
        },
      ],
    });
    try {
      await store.create('ReplicationController', newReplicationController('capped', { replicas: 50 }));
      const rc = await waitFor(async () => {
        const current = await store.get('ReplicationController', 'default', 'capped');
        return current.status?.conditions?.find((c) => c.type === 'ReplicaFailure') ? current : undefined;
      });
      expect(rc.status?.conditions?.[0]).toMatchObject({ status: 'True', reason: 'FailedCreate' });
      expect(rc.status?.conditions?.[0]?.message).toContain('exceeded quota');
      const events: Event[] = await waitFor(async () => {
        const items = (await store.list('Event', { namespace: 'default' })).items;
        return items.some((e) => e.reason === 'FailedCreate') ? items : undefined;
      });
      expect(events.find((e) => e.reason === 'FailedCreate')?.type).toBe('Warning');
      // Slow start: the first sync tries one pod, not fifty; retries back off.
      expect(attempts).toBeLessThan(20);
    } finally {
      await dispose();
    }
  });
});
