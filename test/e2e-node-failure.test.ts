import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControllerManager, type ControllerManagerOptions } from '../src/controllers/controller-manager.ts';
import { ScaleDocument } from '../src/sdk/index.ts';
import { startTestCluster, type TestCluster } from './support/cluster.ts';
import { apply, waitForReadyPods } from './support/e2e-tools.ts';
import { waitFor } from './support/store.ts';

const LEASE_MS = 3_000;
const controllers = {
  leaderElection: { leaseDurationMs: LEASE_MS, renewIntervalMs: 500, retryIntervalMs: 250 },
  nodeLifecycle: { gracePeriodMs: 3_000, evictionTimeoutMs: 3_000, resyncMs: 1_000 },
} satisfies Partial<ControllerManagerOptions>;

let cluster: TestCluster;
let ns: string;

beforeAll(async () => {
  cluster = await startTestCluster({ nodes: 2, controllers });
  ns = await cluster.namespace('e2e-fail');
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
      terminationGracePeriodSeconds: 2
      containers:
        - name: web
          image: capstan/hello:latest
`;
}

describe('failures on real Docker', () => {
  it("recreates a dead node's pods on the other node", async () => {
    const [first, second] = cluster.nodes;
    await apply(cluster, ns, replicationController('survive', 4));
    const before = await waitForReadyPods(cluster, ns, 'app=survive', 4);
    const onFirst = new Set(before.filter((p) => p.spec?.nodeName === first!.name).map((p) => p.metadata.uid));
    expect(onFirst.size).toBeGreaterThan(0);

    await cluster.stopNode(0);
    const after = await waitForReadyPods(cluster, ns, 'app=survive', 4, {
      timeoutMs: 40_000,
      check: (pods) => pods.every((p) => p.spec?.nodeName === second!.name),
    });
    expect(after.some((p) => onFirst.has(p.metadata.uid))).toBe(false);
    const node = await cluster.store.get('Node', undefined, first!.name);
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('Unknown');

    // Nobody stopped the dead node's containers; an operator removes them.
    const leftovers = await first!.runtime.listPodContainers(first!.name);
    expect(leftovers.map((p) => p.uid).filter((uid) => onFirst.has(uid))).toHaveLength(onFirst.size);
    await Promise.all(leftovers.map((p) => first!.runtime.removePod(p.uid)));
    expect(await first!.runtime.listPodContainers(first!.name)).toEqual([]);
  });

  it('hands the controllers to another control plane when the leader is killed', async () => {
    const key = `${cluster.prefix}controller-leader`;
    const holder = () => cluster.store.redis.get(key);
    expect(await holder()).toBe(cluster.plane.manager.identity);

    const other = await cluster.startControlPlaneProcess();
    expect(await holder()).toBe(cluster.plane.manager.identity);
    // Hand over gracefully (the lease is released), so that the leader is a process this test can SIGKILL, and
    // rejoin as a follower.
    await cluster.plane.manager.stop();
    await waitFor(async () => (await holder()) === other.identity, { timeoutMs: 5_000, message: 'child leads' });
    const follower = startControllerManager({ store: cluster.store, ...controllers });
    try {
      await apply(cluster, ns, replicationController('led', 1));
      await waitForReadyPods(cluster, ns, 'app=led', 1);
      expect(follower.isLeader).toBe(false);

      await other.kill();
      const killedAt = Date.now();
      await waitFor(async () => (await holder()) === follower.identity, {
        timeoutMs: LEASE_MS * 3,
        message: 'the follower to lead',
      });
      expect(Date.now() - killedAt).toBeLessThan(LEASE_MS + 1_500);
      expect(follower.isLeader).toBe(true);

      await cluster.client.request(ScaleDocument, {
        kind: 'ReplicationController',
        namespace: ns,
        name: 'led',
        replicas: 3,
      });
      await waitForReadyPods(cluster, ns, 'app=led', 3);
    } finally {
      await follower.stop();
    }
    // Longer than the sum of the waits above (a child control plane starts, up to 45 s for each ready set), so that
    // a slow step fails with its own message rather than the test's timeout.
  }, 180_000);
});
