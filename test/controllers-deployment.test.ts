import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment, ObjectInput, Pod } from '../src/api/types.ts';
import { rollbackDeployment } from '../src/resolvers/workloads.ts';
import { isReady, startControlPlane, type ControlPlane } from './support/control-plane.ts';
import { waitFor } from './support/store.ts';

let cp: ControlPlane;

beforeAll(async () => {
  // Containers take a little while to start, so a rollout has observable in-between states.
  cp = await startControlPlane({ nodes: 3, hollow: { runtime: { delays: { startContainer: 150 } } } });
});

afterAll(async () => {
  await cp?.dispose();
});

function newDeployment(
  namespace: string,
  name: string,
  options: { replicas?: number; image?: string; revisionHistoryLimit?: number } = {},
): ObjectInput<Deployment> {
  return {
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas: options.replicas ?? 3,
      selector: { matchLabels: { app: name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      ...(options.revisionHistoryLimit !== undefined ? { revisionHistoryLimit: options.revisionHistoryLimit } : {}),
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'web', image: options.image ?? 'capstan/hello:1' }] },
      },
    },
  };
}

async function setImage(namespace: string, name: string, image: string): Promise<void> {
  await cp.store.mutate('Deployment', namespace, name, (d) => {
    const spec = structuredClone(d.spec!);
    spec.template.spec.containers[0]!.image = image;
    return { ...d, spec };
  });
}

/** Waits until every active pod runs `image`, `replicas` of them ready, and the Deployment says it is done. */
async function rolledOut(namespace: string, name: string, image: string, replicas = 3): Promise<Pod[]> {
  return waitFor(
    async () => {
      const d = await cp.store.get('Deployment', namespace, name);
      const pods = await cp.activePods(namespace, { app: name });
      const done =
        pods.length === replicas &&
        pods.every((p) => isReady(p) && p.spec?.containers[0]?.image === image) &&
        d.status?.updatedReplicas === replicas &&
        d.status?.availableReplicas === replicas &&
        d.status?.observedGeneration === d.metadata.generation;
      return done ? pods : undefined;
    },
    { timeoutMs: 20_000, message: `${name} rolled out to ${image}` },
  );
}

describe('Deployment controller', () => {
  it('rolls out a new template keeping at least N ready pods throughout with maxUnavailable 0', async () => {
    const ns = await cp.namespace();
    await cp.store.create('Deployment', newDeployment(ns, 'web'));
    await rolledOut(ns, 'web', 'capstan/hello:1');

    // Sample every change the watch reports: ready pods that are not terminating.
    const pods = new Map<string, Pod>();
    for (const pod of await cp.activePods(ns, { app: 'web' })) pods.set(pod.metadata.uid, pod);
    const watch = cp.store.watch('Pod', {
      namespace: ns,
      sinceResourceVersion: await cp.store.currentResourceVersion(),
    });
    let minReady = Infinity;
    let samples = 0;
    const sampler = (async () => {
      for await (const event of watch) {
        if (event.type === 'DELETED') pods.delete(event.object.metadata.uid);
        else pods.set(event.object.metadata.uid, event.object);
        const ready = [...pods.values()].filter((p) => isReady(p) && !p.metadata.deletionTimestamp).length;
        minReady = Math.min(minReady, ready);
        samples++;
      }
    })();
    await setImage(ns, 'web', 'capstan/hello:2');
    await rolledOut(ns, 'web', 'capstan/hello:2');
    watch.close();
    await sampler;

    expect(samples).toBeGreaterThan(10);
    expect(minReady).toBeGreaterThanOrEqual(3);
    const rcs = (await cp.store.list('ReplicationController', { namespace: ns })).items;
    expect(rcs).toHaveLength(2);
    expect(rcs.map((rc) => rc.spec?.replicas).sort()).toEqual([0, 3]);
    const d = await cp.store.get('Deployment', ns, 'web');
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect(d.status?.conditions?.find((c) => c.type === 'Progressing')?.reason).toBe(
      'NewReplicationControllerAvailable',
    );
    const events = (await cp.store.list('Event', { namespace: ns })).items;
    expect(events.some((e) => e.reason === 'ScalingReplicationController' && e.message.includes('down'))).toBe(true);
  });

  it('rolls back to the previous template', async () => {
    const ns = await cp.namespace();
    await cp.store.create('Deployment', newDeployment(ns, 'web'));
    await rolledOut(ns, 'web', 'capstan/hello:1');
    await setImage(ns, 'web', 'capstan/hello:2');
    await rolledOut(ns, 'web', 'capstan/hello:2');

    await rollbackDeployment(cp.store, { namespace: ns, name: 'web' }, undefined);
    await rolledOut(ns, 'web', 'capstan/hello:1');
    const d = await cp.store.get('Deployment', ns, 'web');
    expect(d.spec?.template.spec.containers[0]?.image).toBe('capstan/hello:1');
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    // The first RC came back as revision 3 rather than a third RC being made.
    expect((await cp.store.list('ReplicationController', { namespace: ns })).items).toHaveLength(2);
  });

  it('makes no progress while paused, and resumes the rollout when unpaused', async () => {
    const ns = await cp.namespace();
    await cp.store.create('Deployment', newDeployment(ns, 'web'));
    await rolledOut(ns, 'web', 'capstan/hello:1');
    await cp.store.mutate('Deployment', ns, 'web', (d) => ({ ...d, spec: { ...d.spec!, paused: true } }));
    await setImage(ns, 'web', 'capstan/hello:2');

    const paused = await waitFor(async () => {
      const d = await cp.store.get('Deployment', ns, 'web');
      const progressing = d.status?.conditions?.find((c) => c.type === 'Progressing');
      return d.status?.observedGeneration === d.metadata.generation && progressing?.reason === 'DeploymentPaused'
        ? d
        : undefined;
    });
    expect(paused.status?.updatedReplicas).toBe(0);
    expect((await cp.store.list('ReplicationController', { namespace: ns })).items).toHaveLength(1);
    expect(
      (await cp.activePods(ns, { app: 'web' })).every((p) => p.spec?.containers[0]?.image === 'capstan/hello:1'),
    ).toBe(true);

    await cp.store.mutate('Deployment', ns, 'web', (d) => ({ ...d, spec: { ...d.spec!, paused: false } }));
    await rolledOut(ns, 'web', 'capstan/hello:2');
  });

  it('keeps only revisionHistoryLimit old ReplicationControllers', async () => {
    const ns = await cp.namespace();
    await cp.store.create('Deployment', newDeployment(ns, 'web', { replicas: 1, revisionHistoryLimit: 1 }));
    await rolledOut(ns, 'web', 'capstan/hello:1', 1);
    for (const version of [2, 3, 4]) {
      await setImage(ns, 'web', `capstan/hello:${version}`);
      await rolledOut(ns, 'web', `capstan/hello:${version}`, 1);
    }
    const rcs = await waitFor(async () => {
      const items = (await cp.store.list('ReplicationController', { namespace: ns })).items;
      return items.length === 2 ? items : undefined;
    });
    const images = rcs.map((rc) => rc.spec?.template.spec.containers[0]?.image).sort();
    expect(images).toEqual(['capstan/hello:3', 'capstan/hello:4']);
  });
});
