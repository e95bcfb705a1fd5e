import { describe, expect, it } from 'vitest';
import type { Pod, PodStatus } from '../api/types.ts';
import { localSchemaShapes } from './convert.ts';

const shapes = localSchemaShapes();

describe('SchemaShapes', () => {
  it("selects an object's stored fields, not derived ones or links to other objects", () => {
    const pod = shapes.kindSelection('Pod');
    expect(pod).toMatch(/^apiVersion kind metadata \{ name /);
    expect(pod).toContain('labels { key value }');
    expect(pod).toContain('containerStatuses { name image');
    for (const derived of ['age', 'owner', 'rootOwner', 'events', 'displayStatus', 'restarts', 'node', 'label']) {
      expect(pod).not.toMatch(new RegExp(` ${derived}( |$)`));
    }
    const endpoints = shapes.kindSelection('Endpoints');
    expect(endpoints).toContain('subsets { addresses { ip');
    expect(endpoints).not.toMatch(/\bpod \{/);
    expect(shapes.kindSelection('Event')).toContain('involvedObject { kind name');
  });

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
