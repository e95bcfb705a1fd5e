import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApi, type Api } from './api-support.ts';

let api: Api;
beforeAll(async () => {
  api = await newApi();
});
afterAll(async () => {
  await api?.dispose();
});

const POD_FIELDS = `
  kind
  metadata { name namespace resourceVersion labels { key value } label(key: "app") }
  spec { containers { name image ports { containerPort protocol } } }
  ready restarts displayStatus age
`;

describe('pods over GraphQL', () => {
  it('creates, reads, lists with selectors, updates and deletes a pod', async () => {
    const created = await api.data<{
      createPod: { metadata: { name: string; resourceVersion: string; label: string } };
    }>(`mutation ($pod: PodInput!) { createPod(pod: $pod) { ${POD_FIELDS} } }`, {
      pod: {
        metadata: { name: 'web-1', labels: [{ key: 'app', value: 'web' }] },
        spec: { containers: [{ name: 'web', image: 'hello:1', ports: [{ containerPort: 80 }] }] },
      },
    });
    expect(created.createPod.metadata.label).toBe('web');

    const read = await api.data<{ pod: { ready: string; restarts: number; displayStatus: string; spec: unknown } }>(
      `{ pod(name: "web-1") { ${POD_FIELDS} } }`,
    );
    expect(read.pod).toMatchObject({ ready: '0/1', restarts: 0, displayStatus: 'Pending' });
    expect(read.pod.spec).toEqual({
      containers: [{ name: 'web', image: 'hello:1', ports: [{ containerPort: 80, protocol: 'TCP' }] }],
    });

    await api.data(`mutation { createPod(pod: { metadata: { name: "db-1", labels: [{ key: "app", value: "db" }] },
      spec: { containers: [{ name: "db", image: "db:1" }] } }) { metadata { name } } }`);
    const byLabel = await api.data<{ pods: { items: { metadata: { name: string } }[] } }>(
      `{ pods(labelSelector: "app=web") { items { metadata { name } } resourceVersion } }`,
    );
    expect(byLabel.pods.items.map((p) => p.metadata.name)).toEqual(['web-1']);
    const byField = await api.data<{ pods: { items: { metadata: { name: string } }[] } }>(
      `{ pods(allNamespaces: true, fieldSelector: "metadata.name=db-1") { items { metadata { name } } } }`,
    );
    expect(byField.pods.items.map((p) => p.metadata.name)).toEqual(['db-1']);

    const updated = await api.data<{
      updatePod: { metadata: { labels: { key: string; value: string }[] }; spec: { containers: { image: string }[] } };
    }>(
      `mutation ($pod: PodInput!, $rv: String) { updatePod(pod: $pod, expectedResourceVersion: $rv) { ${POD_FIELDS} } }`,
      {
        pod: {
          metadata: {
            name: 'web-1',
            labels: [
              { key: 'app', value: 'web' },
              { key: 'tier', value: 'front' },
            ],
          },
          spec: { containers: [{ name: 'web', image: 'hello:2', ports: [{ containerPort: 80 }] }] },
        },
        rv: created.createPod.metadata.resourceVersion,
      },
    );
    expect(updated.updatePod.metadata.labels).toContainEqual({ key: 'tier', value: 'front' });
    expect(updated.updatePod.spec.containers[0]!.image).toBe('hello:2');

    await api.data(`mutation { deletePod(name: "web-1") { metadata { name } } }`);
    const gone = await api.gql(`{ pod(name: "web-1") { metadata { name } } }`);
    expect(gone.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('pages through a list with first/after', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) {
      await api.data(`mutation { createPod(pod: { metadata: { name: "${name}", namespace: "default", labels: [{ key: "paged", value: "yes" }] },
        spec: { containers: [{ name: "c", image: "hello:1" }] } }) { metadata { name } } }`);
    }
    const names: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const result: { pods: { items: { metadata: { name: string } }[]; continue: string | null } } = await api.data(
        `query ($after: String) { pods(labelSelector: "paged=yes", first: 2, after: $after) { items { metadata { name } } continue } }`,
        { after },
      );
      names.push(...result.pods.items.map((p) => p.metadata.name));
      after = result.pods.continue;
      if (!after) break;
    }
    expect(names).toEqual(['page-a', 'page-b', 'page-c']);
  });
});

describe('other kinds over GraphQL', () => {
  it('creates and reads a namespace, a service with its endpoints, a PVC, a node and an event', async () => {
    await api.data(`mutation { createNamespace(namespace: { metadata: { name: "shop" } }) { metadata { name } } }`);
    const svc = await api.data<{
      createService: { spec: { type: string; clusterIP: string; ports: { port: number; targetPort: number }[] } };
    }>(
      `mutation { createService(service: { metadata: { name: "web", namespace: "shop" },
        spec: { selector: [{ key: "app", value: "web" }], ports: [{ port: 80, targetPort: 8080 }] } }) {
        spec { type clusterIP ports { port targetPort } } } }`,
    );
    expect(svc.createService.spec.type).toBe('ClusterIP');
    expect(svc.createService.spec.ports).toEqual([{ port: 80, targetPort: 8080 }]);

    await api.data(`mutation { createEndpoints(endpoints: { metadata: { name: "web", namespace: "shop" },
      subsets: [{ addresses: [{ ip: "10.1.0.5" }], ports: [{ port: 8080 }] }] }) { metadata { name } } }`);
    const withEndpoints = await api.data<{
      service: { endpoints: { subsets: { addresses: { ip: string; pod: unknown }[] }[] } };
    }>(
      `{ service(namespace: "shop", name: "web") { endpoints { subsets { addresses { ip pod { metadata { name } } } } } } }`,
    );
    expect(withEndpoints.service.endpoints.subsets[0]!.addresses).toEqual([{ ip: '10.1.0.5', pod: null }]);

    const pvc = await api.data<{
      createPersistentVolumeClaim: { spec: { resources: { requests: { storage: string } } } };
    }>(
      `mutation { createPersistentVolumeClaim(persistentVolumeClaim: { metadata: { name: "data", namespace: "shop" },
        spec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: "1Gi" } } } }) {
        spec { resources { requests { storage } } } } }`,
    );
    expect(pvc.createPersistentVolumeClaim.spec.resources.requests.storage).toBe('1Gi');

    await api.data(`mutation { createNode(node: { metadata: { name: "node-a" } }) { metadata { name } } }`);
    await api.data(`mutation { createEvent(event: { metadata: { name: "node-a.1", namespace: "default" },
      involvedObject: { kind: "Node", name: "node-a" }, reason: "Starting", message: "kubelet started", type: Normal }) {
      metadata { name } } }`);
    const node = await api.data<{
      node: { displayStatus: string; events: { reason: string; object: { metadata: { name: string } } }[] };
    }>(`{ node(name: "node-a") { displayStatus events { reason object { metadata { name } } } } }`);
    expect(node.node).toEqual({
      displayStatus: 'Unknown',
      events: [{ reason: 'Starting', object: { metadata: { name: 'node-a' } } }],
    });

    const all = await api.data<{ namespaces: { items: { metadata: { name: string } }[] } }>(
      `{ namespaces { items { metadata { name } } } }`,
    );
    expect(all.namespaces.items.map((n) => n.metadata.name)).toEqual(expect.arrayContaining(['default', 'shop']));
  });

  it('writes nothing on a dry run', async () => {
    const dry = await api.data<{ createPod: { metadata: { name: string } } }>(
      `mutation { createPod(dryRun: true, pod: { metadata: { name: "dry" }, spec: { containers: [{ name: "c", image: "x:1" }] } }) {
        metadata { name } } }`,
    );
    expect(dry.createPod.metadata.name).toBe('dry');
    expect(await api.store.tryGet('Pod', 'default', 'dry')).toBeUndefined();

    await api.data(
      `mutation { createPod(pod: { metadata: { name: "wet" }, spec: { containers: [{ name: "c", image: "x:1" }] } }) { metadata { name } } }`,
    );
    const before = await api.store.get('Pod', 'default', 'wet');
    await api.data(`mutation { deletePod(name: "wet", dryRun: true) { metadata { name } } }`);
    await api.data(
      `mutation { updatePod(dryRun: true, pod: { metadata: { name: "wet" }, spec: { containers: [{ name: "c", image: "x:2" }] } }) { metadata { name } } }`,
    );
    expect(await api.store.get('Pod', 'default', 'wet')).toEqual(before);
  });
});
