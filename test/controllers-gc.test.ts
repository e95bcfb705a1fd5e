import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment, ObjectInput } from '../src/api/types.ts';
import { startControlPlane, type ControlPlane } from './support/control-plane.ts';
import { newReplicationController } from './support/fixtures.ts';
import { waitFor } from './support/store.ts';

let cp: ControlPlane;

beforeAll(async () => {
  cp = await startControlPlane({ nodes: 2 });
});

afterAll(async () => {
  await cp?.dispose();
});

function newDeployment(namespace: string, name: string, replicas = 2): ObjectInput<Deployment> {
  return {
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'web', image: 'capstan/hello:1' }] },
      },
    },
  };
}

async function counts(namespace: string): Promise<{ rcs: number; pods: number }> {
  const rcs = (await cp.store.list('ReplicationController', { namespace })).items.length;
  const pods = (await cp.store.list('Pod', { namespace })).items.length;
  return { rcs, pods };
}

describe('garbage collector', () => {
  it('deleting a Deployment removes its ReplicationControllers and pods (background)', async () => {
    const ns = await cp.namespace();
    await cp.store.create('Deployment', newDeployment(ns, 'web'));
    await waitFor(async () => (await cp.activePods(ns, { app: 'web' })).length === 2, { message: '2 pods' });
    await cp.store.delete('Deployment', ns, 'web');
    expect(await cp.store.tryGet('Deployment', ns, 'web')).toBeUndefined();
    await waitFor(
      async () => {
        const c = await counts(ns);
        return c.rcs === 0 && c.pods === 0;
      },
      { message: 'RCs and pods gone' },
    );
  });

  it('Foreground deletion keeps the owner until its dependents are gone', async () => {
    const ns = await cp.namespace();
    await cp.store.create('Deployment', newDeployment(ns, 'web'));
    await waitFor(async () => (await cp.activePods(ns, { app: 'web' })).length === 2, { message: '2 pods' });
    const marked = await cp.store.delete('Deployment', ns, 'web', { propagationPolicy: 'Foreground' });
    expect(marked.metadata.deletionTimestamp).toBeDefined();

    // Sample with a watch: the Deployment must outlive every pod it (indirectly) owns.
    let podsWhenDeploymentWent = -1;
    const watch = cp.store.watch('Deployment', {
      namespace: ns,
      sinceResourceVersion: marked.metadata.resourceVersion,
    });
    for await (const event of watch) {
      if (event.type === 'DELETED') {
        podsWhenDeploymentWent = (await counts(ns)).pods;
        break;
      }
    }
    watch.close();
    expect(podsWhenDeploymentWent).toBe(0);
    expect(await counts(ns)).toEqual({ rcs: 0, pods: 0 });
  });

  it('Orphan deletion keeps the dependents, without their ownerReferences', async () => {
    const ns = await cp.namespace();
    await cp.store.create('ReplicationController', newReplicationController('web', { namespace: ns, replicas: 2 }));
    await waitFor(async () => (await cp.activePods(ns, { app: 'web' })).length === 2, { message: '2 pods' });
    await cp.store.delete('ReplicationController', ns, 'web', { propagationPolicy: 'Orphan' });
    await waitFor(async () => !(await cp.store.tryGet('ReplicationController', ns, 'web')), { message: 'RC gone' });
    const pods = await cp.activePods(ns, { app: 'web' });
    expect(pods).toHaveLength(2);
    expect(pods.every((p) => !p.metadata.ownerReferences?.length)).toBe(true);
  });
});
