import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment, ObjectInput, Pod, ReplicationController } from '../src/api/types.ts';
import { REVISION_ANNOTATION } from '../src/controllers/deployment-revisions.ts';
import { POD_TEMPLATE_HASH_LABEL } from '../src/controllers/pod-template-hash.ts';
import { newApi, type Api } from './api-support.ts';

let api: Api;
beforeAll(async () => {
  api = await newApi();
});
afterAll(async () => {
  await api?.dispose();
});

/** What the Deployment controller would create for revision `revision` of a Deployment. */
async function ownedRc(deployment: Deployment, revision: number, image: string): Promise<ReplicationController> {
  const hash = `h${revision}`;
  const labels = { ...deployment.spec!.template.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: hash };
  const template = structuredClone(deployment.spec!.template);
  template.metadata = { labels };
  template.spec.containers[0]!.image = image;
  const rc: ObjectInput<ReplicationController> = {
    kind: 'ReplicationController',
    metadata: {
      name: `${deployment.metadata.name}-${hash}`,
      namespace: deployment.metadata.namespace,
      annotations: { [REVISION_ANNOTATION]: String(revision) },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: deployment.metadata.name,
          uid: deployment.metadata.uid,
          controller: true,
        },
      ],
    },
    spec: { replicas: 1, selector: labels, template },
  };
  return api.store.create('ReplicationController', rc);
}

async function ownedPod(rc: ReplicationController, name: string, nodeName?: string): Promise<Pod> {
  return api.store.create('Pod', {
    kind: 'Pod',
    metadata: {
      name,
      namespace: rc.metadata.namespace,
      labels: rc.spec!.template.metadata?.labels,
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
    spec: { ...rc.spec!.template.spec, ...(nodeName ? { nodeName } : {}) },
  });
}

describe('workload mutations', () => {
  it('run creates a Deployment, scale changes its replicas, expose makes a Service from its selector', async () => {
    const run = await api.data<{
      run: {
        metadata: { name: string; label: string };
        spec: { replicas: number; selector: { matchLabels: unknown } };
      };
    }>(
      `mutation { run(name: "hello", image: "hello:1", port: 8080, replicas: 2) {
        metadata { name label(key: "run") } spec { replicas selector { matchLabels { key value } } } } }`,
    );
    expect(run.run).toEqual({
      metadata: { name: 'hello', label: 'hello' },
      spec: { replicas: 2, selector: { matchLabels: [{ key: 'run', value: 'hello' }] } },
    });

    const scaled = await api.data<{ scale: { __typename: string; spec: { replicas: number } } }>(
      `mutation { scale(kind: Deployment, name: "hello", replicas: 5) { __typename ... on Deployment { spec { replicas } } } }`,
    );
    expect(scaled.scale).toEqual({ __typename: 'Deployment', spec: { replicas: 5 } });
    const negative = await api.gql(`mutation { scale(kind: Deployment, name: "hello", replicas: -1) { __typename } }`);
    expect(negative.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const exposed = await api.data<{ expose: { metadata: { name: string }; spec: unknown } }>(
      `mutation { expose(kind: Deployment, name: "hello", port: 80, type: NodePort, serviceName: "hello-svc") {
        metadata { name } spec { type selector { key value } ports { port targetPort protocol } } } }`,
    );
    expect(exposed.expose).toMatchObject({
      metadata: { name: 'hello-svc' },
      spec: {
        type: 'NodePort',
        selector: [{ key: 'run', value: 'hello' }],
        ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }],
      },
    });
  });

  it('cordon and uncordon toggle schedulability; drain refuses unmanaged pods unless forced', async () => {
    await api.store.create('Node', { kind: 'Node', metadata: { name: 'n1' }, spec: {} });
    const cordoned = await api.data<{ cordon: { spec: { unschedulable: boolean }; displayStatus: string } }>(
      `mutation { cordon(name: "n1") { spec { unschedulable } displayStatus } }`,
    );
    expect(cordoned.cordon).toEqual({ spec: { unschedulable: true }, displayStatus: 'Unknown,SchedulingDisabled' });
    await api.data(`mutation { uncordon(name: "n1") { metadata { name } } }`);
    expect((await api.store.get('Node', undefined, 'n1')).spec?.unschedulable).toBeFalsy();

    await api.store.create('Pod', {
      kind: 'Pod',
      metadata: { name: 'lonely', namespace: 'default' },
      spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x:1' }] },
    });
    const refused = await api.gql(`mutation { drain(name: "n1") { deletedPods { metadata { name } } } }`);
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.message).toMatch(/default\/lonely/);
    expect((await api.store.get('Node', undefined, 'n1')).spec?.unschedulable).toBeFalsy();

    const drained = await api.data<{
      drain: { node: { spec: { unschedulable: boolean } }; deletedPods: { metadata: { name: string } }[] };
    }>(
      `mutation { drain(name: "n1", force: true) { node { spec { unschedulable } } deletedPods { metadata { name } } } }`,
    );
    expect(drained.drain).toEqual({
      node: { spec: { unschedulable: true } },
      deletedPods: [{ metadata: { name: 'lonely' } }],
    });
    const left = await api.store.tryGet('Pod', 'default', 'lonely');
    expect(left === undefined || left.metadata.deletionTimestamp !== undefined).toBe(true);
  });

  it('rollback puts back the template of the previous revision', async () => {
    await api.data(`mutation { run(name: "roll", image: "roll:1") { metadata { name } } }`);
    let deployment = await api.store.get('Deployment', 'default', 'roll');
    await ownedRc(deployment, 1, 'roll:1');
    deployment = await api.store.mutate('Deployment', 'default', 'roll', (d) => {
      d.spec!.template.spec.containers[0]!.image = 'roll:2';
      d.metadata.annotations = { [REVISION_ANNOTATION]: '2' };
      return d;
    });
    await ownedRc(deployment, 2, 'roll:2');

    const stale = await api.gql(
      `mutation { rollback(name: "roll", expectedResourceVersion: "1") { metadata { name } } }`,
    );
    expect(stale.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    const rolled = await api.data<{
      rollback: { spec: { template: { metadata: { labels: unknown }; spec: { containers: { image: string }[] } } } };
    }>(
      `mutation { rollback(name: "roll") { spec { template { metadata { labels { key value } } spec { containers { image } } } } } }`,
    );
    expect(rolled.rollback.spec.template.spec.containers[0]!.image).toBe('roll:1');
    expect(rolled.rollback.spec.template.metadata.labels).toEqual([{ key: 'run', value: 'roll' }]);

    const missing = await api.gql(`mutation { rollback(name: "roll", toRevision: 7) { metadata { name } } }`);
    expect(missing.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(missing.errors?.[0]?.message).toBe('unable to find specified revision 7 in history');
    expect(missing.errors?.[0]?.extensions?.fields).toEqual([
      { field: 'toRevision', message: 'unable to find specified revision 7 in history' },
    ]);
    const unknown = await api.gql(`mutation { rollback(name: "no-such-deployment") { metadata { name } } }`);
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(unknown.errors?.[0]?.message).toBe('Deployment default/no-such-deployment not found');
  });

  it('rollback toRevision puts back that revision and writes nothing when the Deployment already runs it', async () => {
    await api.data(`mutation { run(name: "roll-to", image: "roll:1") { metadata { name } } }`);
    let deployment = await api.store.get('Deployment', 'default', 'roll-to');
    const only = await api.gql(`mutation { rollback(name: "roll-to") { metadata { name } } }`);
    expect(only.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(only.errors?.[0]?.message).toBe('no rollout history found for deployment "roll-to"');
    await ownedRc(deployment, 1, 'roll:1');
    for (const revision of [2, 3]) {
      deployment = await api.store.mutate('Deployment', 'default', 'roll-to', (d) => {
        d.spec!.template.spec.containers[0]!.image = `roll:${revision}`;
        d.metadata.annotations = { [REVISION_ANNOTATION]: String(revision) };
        return d;
      });
      await ownedRc(deployment, revision, `roll:${revision}`);
    }
    const image = async () =>
      (await api.store.get('Deployment', 'default', 'roll-to')).spec!.template.spec.containers[0]!.image;

    const undo = (args: string) =>
      api.data<{ rolloutUndo: { revision: number; rolledBack: boolean; message: string; deployment: unknown } }>(
        `mutation { rolloutUndo(name: "roll-to", ${args}) { revision rolledBack message deployment { spec { template { spec { containers { image } } } } } } }`,
      );
    const image1 = { spec: { template: { spec: { containers: [{ image: 'roll:1' }] } } } };
    expect((await undo('toRevision: 1')).rolloutUndo).toEqual({
      revision: 1,
      rolledBack: true,
      message: 'rolled back to revision 1',
      deployment: image1,
    });
    expect(await image()).toBe('roll:1');
    const written = await api.store.get('Deployment', 'default', 'roll-to');
    // The template is revision 1's already: nothing is written, and the answer says so in kubectl's words.
    expect((await undo('toRevision: 1')).rolloutUndo).toEqual({
      revision: 1,
      rolledBack: false,
      message: 'skipped rollback (current template already matches revision 1)',
      deployment: image1,
    });
    await api.data(`mutation { rollback(name: "roll-to", toRevision: 1) { metadata { name } } }`);
    expect((await api.store.get('Deployment', 'default', 'roll-to')).metadata.resourceVersion).toBe(
      written.metadata.resourceVersion,
    );
    // A dry run answers what would be written and writes nothing.
    expect((await undo('toRevision: 2, dryRun: true')).rolloutUndo).toEqual({
      revision: 2,
      rolledBack: true,
      message: 'rolled back to revision 2',
      deployment: { spec: { template: { spec: { containers: [{ image: 'roll:2' }] } } } },
    });
    expect(await image()).toBe('roll:1');

    const paused = await api.store.mutate('Deployment', 'default', 'roll-to', (d) => ({
      ...d,
      spec: { ...d.spec!, paused: true },
    }));
    const refused = await api.gql(`mutation { rolloutUndo(name: "roll-to", toRevision: 3) { revision } }`);
    expect(refused.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(refused.errors?.[0]?.message).toBe(
      'Deployment default/roll-to is paused and cannot be rolled back (resume it first)',
    );
    const after = await api.store.get('Deployment', 'default', 'roll-to');
    expect(after.metadata.resourceVersion).toBe(paused.metadata.resourceVersion);
    expect(after.spec!.template.spec.containers[0]!.image).toBe('roll:1');
  });

  it('rolloutRestart stamps the pod template with the time, and refuses a paused Deployment', async () => {
    await api.data(`mutation { run(name: "restarted", image: "hello:1") { metadata { name } } }`);
    const before = Date.now();
    await api.data(`mutation { rolloutRestart(name: "restarted") { metadata { name } } }`);
    const deployment = await api.store.get('Deployment', 'default', 'restarted');
    const stamp = deployment.spec!.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'];
    expect(Date.parse(stamp ?? '')).toBeGreaterThanOrEqual(before - 1_000);
    expect(deployment.metadata.generation).toBe(2);

    await api.store.mutate('Deployment', 'default', 'restarted', (d) => ({ ...d, spec: { ...d.spec!, paused: true } }));
    const paused = await api.gql(`mutation { rolloutRestart(name: "restarted") { metadata { name } } }`);
    expect(paused.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(paused.errors?.[0]?.message).toMatch(/paused/);
    const viewer = await api.gql(`mutation { rolloutRestart(name: "restarted") { metadata { name } } }`, undefined, {
      token: api.viewerToken,
    });
    expect(viewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('graph edges', () => {
  it('follows pod.node, owner, rootOwner, replicationController.pods and deployment.replicationControllers', async () => {
    await api.store.create('Node', { kind: 'Node', metadata: { name: 'edge-node' }, spec: {} });
    await api.data(`mutation { run(name: "edges", image: "e:1") { metadata { name } } }`);
    const deployment = await api.store.get('Deployment', 'default', 'edges');
    const rc = await ownedRc(deployment, 1, 'e:1');
    await ownedPod(rc, 'edges-a', 'edge-node');
    await ownedPod(rc, 'edges-b');

    const result = await api.data<{
      pod: {
        node: { metadata: { name: string }; pods: { metadata: { name: string } }[] };
        owner: unknown;
        rootOwner: unknown;
      };
      deployment: { replicationControllers: { metadata: { name: string }; pods: { metadata: { name: string } }[] }[] };
    }>(`{
      pod(name: "edges-a") {
        node { metadata { name } pods { metadata { name } } }
        owner { __typename metadata { name } }
        rootOwner { __typename metadata { name } }
      }
      deployment(name: "edges") { replicationControllers { metadata { name } pods { metadata { name } } } }
    }`);
    expect(result.pod.node).toEqual({ metadata: { name: 'edge-node' }, pods: [{ metadata: { name: 'edges-a' } }] });
    expect(result.pod.owner).toEqual({ __typename: 'ReplicationController', metadata: { name: rc.metadata.name } });
    expect(result.pod.rootOwner).toEqual({ __typename: 'Deployment', metadata: { name: 'edges' } });
    expect(result.deployment.replicationControllers).toEqual([
      {
        metadata: { name: rc.metadata.name },
        pods: [{ metadata: { name: 'edges-a' } }, { metadata: { name: 'edges-b' } }],
      },
    ]);
  });
});
