import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../src/api/types.ts';
import { RollbackDocument } from '../src/sdk/index.ts';
import { startTestCluster, type TestCluster } from './support/cluster.ts';
import { apply, isReady, waitForReadyPods } from './support/e2e-tools.ts';
import { waitFor } from './support/store.ts';

let cluster: TestCluster;
let ns: string;

beforeAll(async () => {
  cluster = await startTestCluster();
  ns = await cluster.namespace('e2e-roll');
});

afterAll(async () => {
  await cluster?.cleanup();
});

const REPLICAS = 3;

function manifest(version: string): string {
  return `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: ${REPLICAS}
  selector:
    matchLabels:
      app: web
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: capstan/hello:latest
          env:
            - name: VERSION
              value: ${version}
          ports:
            - containerPort: 80
          readinessProbe:
            httpGet:
              path: /ready
              port: 80
            periodSeconds: 1
`;
}

const versionOf = (pod: Pod): string | undefined =>
  pod.spec?.containers[0]?.env?.find((e) => e.name === 'VERSION')?.value;

/**
 * Watches the namespace's pods and computes the number of ready, non-terminating pods after every event, from
 * the list's resourceVersion on, so that no transition between two samples is missed.
 */
async function sampleReadyCount(): Promise<{ stop(): Promise<{ min: number; events: number }> }> {
  const { items, resourceVersion } = await cluster.store.list('Pod', { namespace: ns });
  const pods = new Map(items.map((p) => [p.metadata.uid, p]));
  const count = () => [...pods.values()].filter((p) => isReady(p) && !p.metadata.deletionTimestamp).length;
  let min = count();
  let events = 0;
  const watch = cluster.store.watch('Pod', { namespace: ns, sinceResourceVersion: resourceVersion });
  const loop = (async () => {
    for await (const event of watch) {
      events++;
      if (event.type === 'DELETED') pods.delete(event.object.metadata.uid);
      else pods.set(event.object.metadata.uid, event.object);
      min = Math.min(min, count());
    }
  })();
  return {
    async stop() {
      watch.close();
      await loop;
      return { min, events };
    },
  };
}

async function waitForRollout(version: string): Promise<Pod[]> {
  await waitFor(
    async () => {
      const d = await cluster.store.get('Deployment', ns, 'web');
      const s = d.status;
      return (
        (s?.observedGeneration ?? 0) >= d.metadata.generation &&
        s?.updatedReplicas === REPLICAS &&
        s.replicas === REPLICAS &&
        s.readyReplicas === REPLICAS
      );
    },
    { timeoutMs: 60_000, intervalMs: 100, message: `deployment rolled out to ${version}` },
  );
  return waitForReadyPods(cluster, ns, 'app=web', REPLICAS, {
    check: (pods) => pods.every((p) => versionOf(p) === version),
  });
}

describe('rolling updates on real Docker', () => {
  it(`keeps ${REPLICAS} pods ready throughout a rolling update with maxUnavailable 0, and rolls back`, async () => {
    await apply(cluster, ns, manifest('v1'));
    const v1 = await waitForRollout('v1');

    let sampler = await sampleReadyCount();
    await apply(cluster, ns, manifest('v2'));
    const v2 = await waitForRollout('v2');
    let seen = await sampler.stop();
    expect(seen.min).toBeGreaterThanOrEqual(REPLICAS);
    // Every old pod went and every new one came through the watch: creations, status changes and deletions.
    expect(seen.events).toBeGreaterThan(REPLICAS * 3);
    const v1Uids = new Set(v1.map((p) => p.metadata.uid));
    expect(v2.some((p) => v1Uids.has(p.metadata.uid))).toBe(false);

    sampler = await sampleReadyCount();
    const { rollback } = await cluster.client.request(RollbackDocument, { namespace: ns, name: 'web' });
    expect(rollback.metadata.name).toBe('web');
    const back = await waitForRollout('v1');
    seen = await sampler.stop();
    expect(seen.min).toBeGreaterThanOrEqual(REPLICAS);
    const v2Uids = new Set(v2.map((p) => p.metadata.uid));
    expect(back.some((p) => v2Uids.has(p.metadata.uid))).toBe(false);
    const deployment = await cluster.store.get('Deployment', ns, 'web');
    expect(deployment.spec?.template.spec.containers[0]?.env).toEqual([{ name: 'VERSION', value: 'v1' }]);
  });
});
