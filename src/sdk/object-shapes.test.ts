import { Kind, parse, type SelectionSetNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Pod, PodStatus } from '../api/types.ts';
import { capstanShapes } from './object-shapes.ts';

const shapes = capstanShapes();

/** The dotted paths of every field a selection set body selects, e.g. `metadata.labels.key`. */
function selectedPaths(selection: string): string[] {
  const paths: string[] = [];
  const walk = (set: SelectionSetNode, prefix: string) => {
    for (const node of set.selections) {
      if (node.kind !== Kind.FIELD) continue;
      paths.push(prefix + node.name.value);
      if (node.selectionSet) walk(node.selectionSet, `${prefix}${node.name.value}.`);
    }
  };
  const [operation] = parse(`{ ${selection} }`).definitions;
  if (operation?.kind === Kind.OPERATION_DEFINITION) walk(operation.selectionSet, '');
  return paths;
}

describe('kindSelection', () => {
  it("selects an object's stored fields, not derived ones or links to other objects", () => {
    const pod = selectedPaths(shapes.kindSelection('Pod'));
    expect(pod.filter((p) => !p.includes('.'))).toEqual(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    expect(pod).toEqual(
      expect.arrayContaining([
        'metadata.name',
        'metadata.labels.key',
        'metadata.labels.value',
        'spec.nodeSelector.value',
        'status.containerStatuses.image',
      ]),
    );
    expect(pod).not.toContain('metadata.label');
    const endpoints = selectedPaths(shapes.kindSelection('Endpoints'));
    expect(endpoints).toContain('subsets.addresses.ip');
    expect(endpoints).toContain('subsets.addresses.targetRef.name');
    expect(endpoints).not.toContain('subsets.addresses.pod');
    expect(selectedPaths(shapes.kindSelection('Event'))).toEqual(
      expect.arrayContaining(['involvedObject.kind', 'involvedObject.name', 'reason', 'count']),
    );
  });
});

describe('toObject', () => {
  it('turns key/value lists into maps and drops nulls, __typename and the empty lists the API fills in', () => {
    const pod = shapes.toObject<Pod>('Pod', {
      __typename: 'Pod',
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'web',
        namespace: 'default',
        labels: [{ key: 'app', value: 'web' }],
        annotations: [],
        ownerReferences: [],
        deletionTimestamp: null,
      },
      spec: { containers: [{ name: 'c', image: 'i', command: null, ports: [] }], nodeSelector: [] },
      status: { phase: 'Running', conditions: [], podIP: null },
    });
    expect(pod).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
      // `ports: []` is the pod's own empty list (nullable in the API); `nodeSelector: []` is the API's "none".
      spec: { containers: [{ name: 'c', image: 'i', ports: [] }] },
      status: { phase: 'Running', conditions: [] },
    });
  });
});

describe('toInput', () => {
  it('builds inputs with maps as key/value lists and without what the server assigns', () => {
    const input = shapes.toInput('PodInput', {
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '7', labels: { app: 'web' } },
      spec: { containers: [{ name: 'c', image: 'i' }], nodeSelector: { disk: 'ssd' } },
      status: { phase: 'Running' },
    });
    expect(input).toEqual({
      metadata: { name: 'web', namespace: 'default', labels: [{ key: 'app', value: 'web' }] },
      spec: { containers: [{ name: 'c', image: 'i' }], nodeSelector: [{ key: 'disk', value: 'ssd' }] },
    });
  });

  it('round-trips a full pod status, so the node agent sees its own write as unchanged', () => {
    const status: PodStatus = {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' }],
      podIP: '10.244.1.2',
      hostIP: '127.0.0.1',
      startTime: '2024-01-01T00:00:00Z',
      containerStatuses: [
        {
          name: 'c',
          image: 'i',
          imageID: 'sha256:1',
          containerID: 'docker://1',
          ready: true,
          started: true,
          restartCount: 1,
          state: { running: { startedAt: '2024-01-01T00:00:01Z' } },
          lastState: { terminated: { exitCode: 137, reason: 'Error', finishedAt: '2024-01-01T00:00:00Z' } },
        },
      ],
      hostPorts: [{ containerPort: 80, protocol: 'TCP', hostIP: '127.0.0.1', hostPort: 30080 }],
      timeline: { scheduled: '2024-01-01T00:00:00Z', ready: '2024-01-01T00:00:02Z' },
    };
    const input = shapes.toInput('PodStatusInput', status);
    expect(input).toEqual(status);
    expect(shapes.toObject<Pod>('Pod', { status: input }).status).toEqual(status);
  });
});

describe('toManifest', () => {
  it('turns key/value lists into maps and drops nulls, empties and computed fields', () => {
    const fromApi = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'web',
        namespace: 'default',
        labels: [{ key: 'app', value: 'web' }],
        annotations: [],
        deletionTimestamp: null,
      },
      spec: {
        type: 'NodePort',
        selector: [{ key: 'app', value: 'web' }],
        ports: [{ port: 80, nodePort: 31234, name: null }],
      },
      status: { loadBalancer: { ingress: [] } },
      displayStatus: 'x',
      endpoints: { metadata: { name: 'web' } },
    };
    expect(shapes.toManifest(fromApi)).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
      spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, nodePort: 31234 }] },
    });
  });

  it('keeps a Deployment selector structured and converts its matchLabels', () => {
    const spec = { selector: { matchLabels: [{ key: 'app', value: 'web' }], matchExpressions: null } };
    expect(shapes.toManifest({ kind: 'Deployment', spec })).toEqual({
      kind: 'Deployment',
      spec: { selector: { matchLabels: { app: 'web' } } },
    });
  });

  it('converts the maps of every kind, including those below the top level', () => {
    const node = shapes.toManifest({
      kind: 'Node',
      metadata: { name: 'n1', labels: [{ key: 'zone', value: 'a' }] },
      spec: { taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] },
    });
    expect(node).toEqual({
      kind: 'Node',
      metadata: { name: 'n1', labels: { zone: 'a' } },
      // A taint has key and value too, but it is no map.
      spec: { taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] },
    });
  });
});

describe('manifestToInput', () => {
  it('writes maps as key/value lists and leaves out what the server assigns', () => {
    const manifest = {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'web', uid: 'u', resourceVersion: '7', labels: { app: 'web', version: 2 } },
      spec: { replicas: 2, selector: { app: 'web' }, template: { spec: { nodeSelector: { disk: 'ssd' } } } },
      status: { replicas: 2 },
    };
    expect(shapes.manifestToInput('ReplicationController', manifest)).toEqual({
      metadata: {
        name: 'web',
        labels: [
          { key: 'app', value: 'web' },
          { key: 'version', value: '2' },
        ],
      },
      spec: {
        replicas: 2,
        selector: [{ key: 'app', value: 'web' }],
        template: { spec: { nodeSelector: [{ key: 'disk', value: 'ssd' }] } },
      },
    });
  });

  it('keeps a structured Deployment selector and converts its matchLabels', () => {
    expect(
      shapes.manifestToInput('Deployment', {
        metadata: { name: 'd' },
        spec: { selector: { matchLabels: { app: 'd' } } },
      }),
    ).toEqual({
      metadata: { name: 'd' },
      spec: { selector: { matchLabels: [{ key: 'app', value: 'd' }] } },
    });
  });

  it('keeps fields the API does not know for the server to name, but not Kubernetes metadata it does not model', () => {
    const input = shapes.manifestToInput('Pod', {
      metadata: { name: 'p', managedFields: [{ manager: 'kubectl' }], creationTimestamp: null },
      spec: { containers: [{ name: 'c', image: 'i', imagePullPolicyy: 'Never' }], hostNetwork: true },
    });
    expect(input).toEqual({
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'i', imagePullPolicyy: 'Never' }], hostNetwork: true },
    });
  });

  it('leaves out what the API reports but does not take, as in a manifest `get -o yaml` printed', () => {
    const node = { metadata: { name: 'n' }, spec: { taints: [{ key: 'k', effect: 'NoSchedule', timeAdded: 't' }] } };
    expect(shapes.manifestToInput('Node', node)).toEqual({
      metadata: { name: 'n' },
      spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] },
    });
  });

  it('refuses a kind the API cannot write', () => {
    expect(() => shapes.manifestToInput('Token', { metadata: { name: 't' } })).toThrow(
      /Token objects cannot be written/,
    );
  });
});
