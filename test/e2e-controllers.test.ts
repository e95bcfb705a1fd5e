import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreatePodDocument, DeletePodDocument, ScaleDocument } from '../src/sdk/index.ts';
import { startTestCluster, type TestCluster } from './support/cluster.ts';
import {
  activePods,
  apply,
  containerOf,
  containersInNamespace,
  isReady,
  waitForReadyPods,
} from './support/e2e-tools.ts';
import { waitFor } from './support/store.ts';

const run = promisify(execFile);

let cluster: TestCluster;
let ns: string;

beforeAll(async () => {
  cluster = await startTestCluster();
  ns = await cluster.namespace('e2e-ctl');
});

afterAll(async () => {
  await cluster?.cleanup();
});

function replicationController(name: string, replicas: number): string {
  return `
apiVersion: v1
kind: ReplicationController
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector:
    app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
        - name: web
          image: capstan/hello:latest
          ports:
            - containerPort: 80
`;
}

const appContainers = async (app: string): Promise<number> =>
  (await containersInNamespace(ns)).filter(
    (c) => c.Labels['io.capstan.container.name'] === 'web' && c.Labels['io.capstan.pod.name']?.startsWith(`${app}-`),
  ).length;

describe('controllers on real Docker', () => {
  it('restarts a killed container in place and replaces a deleted pod', async () => {
    await apply(cluster, ns, replicationController('heal', 2));
    const [victim] = await waitForReadyPods(cluster, ns, 'app=heal', 2);
    const name = victim!.metadata.name;
    const before = victim!.status!.containerStatuses!.find((c) => c.name === 'web')!;

    const { Id } = await containerOf(ns, name, 'web');
    await run('docker', ['kill', Id]);
    const restarted = await waitFor(
      async () => {
        const pod = await cluster.store.get('Pod', ns, name);
        const web = pod.status?.containerStatuses?.find((c) => c.name === 'web');
        return web && web.restartCount > before.restartCount && web.state.running && isReady(pod) ? pod : undefined;
      },
      { timeoutMs: 30_000, message: `container of ${name} restarted` },
    );
    expect(restarted.metadata.uid).toBe(victim!.metadata.uid);
    const web = restarted.status!.containerStatuses!.find((c) => c.name === 'web')!;
    expect(web.containerID).not.toBe(before.containerID);
    expect((await containerOf(ns, name, 'web')).Id).not.toBe(Id);

    await cluster.client.request(DeletePodDocument, { namespace: ns, name });
    const replaced = await waitForReadyPods(cluster, ns, 'app=heal', 2, {
      check: (pods) => pods.every((p) => p.metadata.name !== name),
    });
    expect(replaced.map((p) => p.metadata.uid)).not.toContain(victim!.metadata.uid);
    // The deleted pod's containers go too: two app containers remain, those of the two live pods.
    await waitFor(async () => (await appContainers('heal')) === 2, { timeoutMs: 30_000, message: '2 app containers' });
  });

  it('scales 3 → 5 → 1, in the store and on the engine', async () => {
    await apply(cluster, ns, replicationController('scaled', 3));
    await waitForReadyPods(cluster, ns, 'app=scaled', 3);
    const scale = (replicas: number) =>
      cluster.client.request(ScaleDocument, { kind: 'ReplicationController', namespace: ns, name: 'scaled', replicas });

    await scale(5);
    const five = await waitForReadyPods(cluster, ns, 'app=scaled', 5);
    expect(new Set(five.map((p) => p.status?.podIP)).size).toBe(5);
    await waitFor(async () => (await appContainers('scaled')) === 5, {
      timeoutMs: 30_000,
      message: '5 app containers',
    });

    await scale(1);
    const [survivor] = await waitForReadyPods(cluster, ns, 'app=scaled', 1);
    await waitFor(
      async () => {
        const all = (await cluster.store.list('Pod', { namespace: ns, labelSelector: 'app=scaled' })).items;
        return all.length === 1 && (await appContainers('scaled')) === 1;
      },
      { timeoutMs: 30_000, message: 'the 4 surplus pods and their containers gone' },
    );
    expect((await containerOf(ns, survivor!.metadata.name, 'web')).State).toBe('running');
  });

  it('adopts a hand-made pod whose labels match and creates only the rest', async () => {
    await cluster.client.request(CreatePodDocument, {
      pod: {
        metadata: { name: 'handmade', namespace: ns, labels: [{ key: 'app', value: 'adopt' }] },
        spec: { containers: [{ name: 'web', image: 'capstan/hello:latest' }] },
      },
    });
    await waitForReadyPods(cluster, ns, 'app=adopt', 1);

    await apply(cluster, ns, replicationController('adopt', 2));
    const rc = await cluster.store.get('ReplicationController', ns, 'adopt');
    const pods = await waitForReadyPods(cluster, ns, 'app=adopt', 2, {
      check: (list) => list.every((p) => p.metadata.ownerReferences?.some((o) => o.uid === rc.metadata.uid)),
    });
    const handmade = pods.find((p) => p.metadata.name === 'handmade');
    expect(handmade?.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'ReplicationController', name: 'adopt', uid: rc.metadata.uid, controller: true }),
    ]);
    // Exactly one pod was created for the RC: no create-then-delete of a surplus pod.
    const all = await activePods(cluster, ns, 'app=adopt');
    expect(all).toHaveLength(2);
    const history = (await cluster.store.list('Pod', { namespace: ns, labelSelector: 'app=adopt' })).items;
    expect(history).toHaveLength(2);
  });
});
