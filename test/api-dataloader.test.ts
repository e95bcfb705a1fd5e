import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplicationController } from '../src/api/types.ts';
import { newApi, type Api } from './api-support.ts';

let api: Api;
const PODS = 1000;

beforeAll(async () => {
  api = await newApi();
  const { store } = api;
  const nodes = ['n0', 'n1', 'n2', 'n3', 'n4'];
  await Promise.all(nodes.map((name) => store.create('Node', { kind: 'Node', metadata: { name }, spec: {} })));
  const deployment = await store.create('Deployment', {
    kind: 'Deployment',
    metadata: { name: 'big', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'big' } },
      template: { metadata: { labels: { app: 'big' } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } },
    },
  });
  const rcs: ReplicationController[] = [];
  for (let i = 0; i < 10; i++) {
    const labels = { app: 'big', shard: String(i) };
    rcs.push(
      await store.create('ReplicationController', {
        kind: 'ReplicationController',
        metadata: {
          name: `big-${i}`,
          namespace: 'default',
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: 'Deployment', name: 'big', uid: deployment.metadata.uid, controller: true },
          ],
        },
        spec: {
          replicas: 100,
          selector: labels,
          template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'x:1' }] } },
        },
      }),
    );
  }
  for (let start = 0; start < PODS; start += 100) {
    await Promise.all(
      Array.from({ length: 100 }, (_, j) => {
        const i = start + j;
        const rc = rcs[i % rcs.length]!;
        return store.create('Pod', {
          kind: 'Pod',
          metadata: {
            name: `big-pod-${i}`,
            namespace: 'default',
            labels: rc.spec!.selector,
            ownerReferences: [
              {
                apiVersion: 'v1',
                kind: 'ReplicationController',
                name: rc.metadata.name,
                uid: rc.metadata.uid,
                controller: true,
              },
            ],
          },
          spec: { nodeName: nodes[i % nodes.length], containers: [{ name: 'c', image: 'x:1' }] },
        });
      }),
    );
  }
}, 120_000);

afterAll(async () => {
  await api?.dispose();
});

describe('per-request DataLoader', () => {
  it('lists 1,000 pods with node, owner and rootOwner in a bounded number of Redis round trips', async () => {
    const before = api.store.stats().roundTrips;
    const result = await api.data<{
      pods: {
        items: {
          node: { metadata: { name: string } };
          owner: { metadata: { name: string } };
          rootOwner: { metadata: { name: string } };
        }[];
      };
    }>(
      `{ pods { items {
          metadata { name }
          node { metadata { name } }
          owner { metadata { name } }
          rootOwner { metadata { name } }
        } } }`,
    );
    const roundTrips = api.store.stats().roundTrips - before;
    expect(result.pods.items).toHaveLength(PODS);
    expect(result.pods.items.every((p) => p.node && p.owner && p.rootOwner.metadata.name === 'big')).toBe(true);
    // list (a few chunks) + one getMany per kind loaded (Node, ReplicationController, Deployment); the token check
    // is cached by the edge after the first request.
    expect(roundTrips).toBeLessThan(10);
  });

  it('lists pods of every replication controller with one pod list, not one per controller', async () => {
    const before = api.store.stats().roundTrips;
    const result = await api.data<{ replicationControllers: { items: { pods: unknown[] }[] } }>(
      `{ replicationControllers { items { metadata { name } pods { metadata { name } } } } }`,
    );
    expect(result.replicationControllers.items.map((rc) => rc.pods.length)).toEqual(Array(10).fill(100));
    expect(api.store.stats().roundTrips - before).toBeLessThan(10);
  });
});
