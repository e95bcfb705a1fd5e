import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApi, type Api } from './api-support.ts';

let api: Api;
beforeAll(async () => {
  api = await newApi();
});
afterAll(async () => {
  await api?.dispose();
});

const APPLY = `mutation ($manifest: String!, $dryRun: Boolean) {
  apply(manifest: $manifest, dryRun: $dryRun) { index kind namespace name action object { metadata { resourceVersion } } }
}`;

function manifest({ replicas = 2, image = 'hello:1', port = 80 } = {}): string {
  return `apiVersion: v1
kind: Namespace
metadata:
  name: applied
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: applied
  labels: { app: web }
spec:
  replicas: ${replicas}
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: ${image}
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: applied
spec:
  selector: { app: web }
  ports:
    - port: ${port}
      targetPort: 8080
`;
}

type Results = { apply: { index: number; kind: string; name: string; action: string }[] };

describe('apply', () => {
  it('dry run reports what would be created and writes nothing', async () => {
    const result = await api.data<Results>(APPLY, { manifest: manifest(), dryRun: true });
    expect(result.apply.map((r) => r.action)).toEqual(['CREATED', 'CREATED', 'CREATED']);
    expect(await api.store.tryGet('Namespace', undefined, 'applied')).toBeUndefined();
  });

  it('creates, then reports unchanged, then configured only what changed', async () => {
    const first = await api.data<Results>(APPLY, { manifest: manifest() });
    expect(first.apply.map((r) => [r.kind, r.name, r.action])).toEqual([
      ['Namespace', 'applied', 'CREATED'],
      ['Deployment', 'web', 'CREATED'],
      ['Service', 'web', 'CREATED'],
    ]);
    const service = await api.store.get('Service', 'applied', 'web');
    expect(service.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toContain(
      '"targetPort":8080',
    );

    const second = await api.data<Results>(APPLY, { manifest: manifest() });
    expect(second.apply.map((r) => r.action)).toEqual(['UNCHANGED', 'UNCHANGED', 'UNCHANGED']);

    const third = await api.data<Results>(APPLY, { manifest: manifest({ replicas: 3 }) });
    expect(third.apply.map((r) => r.action)).toEqual(['UNCHANGED', 'CONFIGURED', 'UNCHANGED']);
    expect((await api.store.get('Deployment', 'applied', 'web')).spec?.replicas).toBe(3);
    // The server-assigned clusterIP survives an apply whose manifest does not mention it.
    const port = await api.data<Results>(APPLY, { manifest: manifest({ replicas: 3, port: 81 }) });
    expect(port.apply[2]!.action).toBe('CONFIGURED');
    const updated = await api.store.get('Service', 'applied', 'web');
    expect(updated.spec?.clusterIP).toBe(service.spec?.clusterIP);
    expect(updated.spec?.ports?.[0]?.port).toBe(81);
  });

  it('dry run gives the diff from the live object to what the server would write, and writes nothing', async () => {
    const DIFF = `mutation ($manifest: String!) { apply(manifest: $manifest, dryRun: true) { kind action diff } }`;
    const result = await api.data<{ apply: { kind: string; action: string; diff: string }[] }>(DIFF, {
      manifest: manifest({ replicas: 5, port: 82 }),
    });
    const [namespace, deployment, service] = result.apply;
    expect(namespace).toEqual({ kind: 'Namespace', action: 'UNCHANGED', diff: '' });
    expect(deployment!.diff).toContain('--- live/Deployment/applied/web');
    expect(deployment!.diff).toMatch(/^-\s+replicas: 3$/m);
    expect(deployment!.diff).toMatch(/^\+\s+replicas: 5$/m);
    expect(deployment!.diff).not.toContain('last-applied-configuration');
    expect(service!.diff).toMatch(/^-\s+- port: 81$/m);
    expect(service!.diff).toMatch(/^\+\s+- port: 82$/m);
    expect((await api.store.get('Deployment', 'applied', 'web')).spec?.replicas).toBe(3);
  });

  it('validates every document before writing any', async () => {
    const bad = `apiVersion: v1
kind: Pod
metadata: { name: fine-pod, namespace: applied }
spec:
  containers: [{ name: c, image: "x:1" }]
---
apiVersion: v1
kind: Pod
metadata: { name: broken-pod, namespace: applied }
spec:
  containers: [{ name: c, image: "" }]
`;
    const result = await api.gql(APPLY, { manifest: bad });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toMatch(/document 1 \(Pod applied\/broken-pod, line 7\)/);
    expect(await api.store.tryGet('Pod', 'applied', 'fine-pod')).toBeUndefined();
  });

  it('rejects unknown kinds and YAML syntax errors with where they are', async () => {
    const unknown = await api.gql(APPLY, { manifest: 'apiVersion: batch/v1\nkind: Job\nmetadata: { name: j }\n' });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(unknown.errors?.[0]?.message).toMatch(/document 0 \(line 1\).*Job/);
    const syntax = await api.gql(APPLY, { manifest: 'kind: Pod\nmetadata: { name: [\n' });
    expect(syntax.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(syntax.errors?.[0]?.message).toMatch(/line \d+, column \d+/);
  });

  it('is forbidden to a viewer', async () => {
    const result = await api.gql(APPLY, { manifest: manifest() }, { token: api.viewerToken });
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
