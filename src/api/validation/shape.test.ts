import { describe, expect, it } from 'vitest';
import { applyDefaults } from '../defaults.ts';
import type { KubeObject } from '../types.ts';
import { validateObject } from '../validation.ts';
import { checkShape } from './shape.ts';
import {
  expectOnly,
  newDeployment,
  newEndpoints,
  newEvent,
  newLease,
  newNamespace,
  newNode,
  newPod,
  newPvc,
  newReplicationController,
  newService,
  newToken,
} from './test-fixtures.ts';

/** `obj` with `value` at `path` (dot- and index-separated), as a hostile client would send it. */
function withField<T extends KubeObject>(obj: T, path: string, value: unknown): T {
  const out = structuredClone(obj) as unknown as Record<string, unknown>;
  const keys = path.split('.');
  let at: Record<string, unknown> = out;
  for (const key of keys.slice(0, -1)) at = at[key] as Record<string, unknown>;
  at[keys.at(-1)!] = value;
  return out as unknown as T;
}

describe('shape of a document', () => {
  it('accepts every valid fixture as it is', () => {
    for (const obj of [
      newPod(),
      newReplicationController(),
      newDeployment(),
      newService(),
      newEndpoints(),
      newEvent(),
      newNamespace(),
      newNode(),
      newPvc(),
      newLease(),
      newToken(),
    ]) {
      expect(checkShape(obj.kind as never, obj), obj.kind).toEqual([]);
      expect(checkShape(obj.kind as never, applyDefaults(obj)), `${obj.kind} defaulted`).toEqual([]);
    }
  });

  it('names a map where a list of container ports belongs, before any rule reads it', () => {
    const pod = withField(newPod(), 'spec.containers.0.ports', { a: 1 });
    expectOnly(validateObject(pod), 'spec.containers[0].ports', 'must be a list');
    // Defaulting leaves the document for validation to refuse rather than throwing on it.
    expect(() => applyDefaults(pod)).not.toThrow();
    expectOnly(validateObject(applyDefaults(pod)), 'spec.containers[0].ports', 'must be a list');
  });

  it('names a number where a port object belongs', () => {
    const pod = withField(newPod(), 'spec.containers.0.ports', [5]);
    expectOnly(validateObject(pod), 'spec.containers[0].ports[0]', 'must be an object');
  });

  it('names a number where a string belongs, and quotes the value', () => {
    const pod = withField(newPod(), 'spec.containers.0.image', 5);
    const violations = validateObject(pod);
    expectOnly(violations, 'spec.containers[0].image', 'must be a string');
    expect(violations[0]!.message).toContain('Invalid value: 5');
  });

  it('walks label maps key by key', () => {
    const rc = withField(newReplicationController(), 'spec.selector', { app: ['web'] });
    expectOnly(validateObject(rc), 'spec.selector[app]', 'must be a string');
  });

  it('checks the endpoints of a subset', () => {
    const endpoints = withField(newEndpoints(), 'subsets.0.ports', { http: 8080 });
    expectOnly(validateObject(endpoints), 'subsets[0].ports', 'must be a list');
    const addresses = withField(newEndpoints(), 'subsets.0.addresses', ['10.244.0.5']);
    expectOnly(validateObject(addresses), 'subsets[0].addresses[0]', 'must be an object');
  });

  it('refuses an object where a number or a string belongs, and a string where a boolean belongs', () => {
    expectOnly(
      validateObject(withField(newService(), 'spec.ports.0.targetPort', { port: 80 })),
      'spec.ports[0].targetPort',
      'must be a number or a string',
    );
    expectOnly(
      validateObject(
        withField(newPod({ spec: { volumes: [{ name: 'data', emptyDir: {} }] } }), 'spec.containers.0.volumeMounts', [
          { name: 'data', mountPath: '/data', readOnly: 'yes' },
        ]),
      ),
      'spec.containers[0].volumeMounts[0].readOnly',
      'must be a boolean',
    );
  });

  it('treats null as unset and leaves unknown fields alone', () => {
    expect(checkShape('Pod', withField(newPod(), 'spec.containers.0.ports', null))).toEqual([]);
    expect(checkShape('Pod', withField(newPod(), 'spec.somethingNew', [{ a: 1 }]))).toEqual([]);
  });

  it('reads the times a node writes into a status as RFC 3339 timestamps', () => {
    const pod = withField(newPod(), 'status', {
      phase: 'Running',
      startTime: '2026-12-07T05:00:00Z',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-12-07T05:00:01.123456789Z' }],
      containerStatuses: [{ name: 'web', ready: true, restartCount: 0, state: { running: { startedAt: '' } } }],
    });
    expect(checkShape('Pod', pod)).toEqual([]);
    const late = withField(pod, 'status.conditions', [{ type: 'Ready', status: 'True', lastTransitionTime: 'never' }]);
    expectOnly(validateObject(late), 'status.conditions[0].lastTransitionTime', 'must be an RFC 3339 timestamp');
    const started = withField(pod, 'status.startTime', '2026-12-07T05:00:00');
    expectOnly(validateObject(started), 'status.startTime', 'must be an RFC 3339 timestamp');
    const node = newNode();
    node.spec = { taints: [{ key: 'k', effect: 'NoExecute', timeAdded: '2026-12-32T00:00:00Z' }] };
    expectOnly(validateObject(node), 'spec.taints[0].timeAdded', 'must be an RFC 3339 timestamp');
    expectOnly(
      validateObject(withField(newPod(), 'metadata.deletionTimestamp', 7)),
      'metadata.deletionTimestamp',
      'must be a string',
    );
  });

  it('refuses a metadata that is not an object', () => {
    expectOnly(validateObject(withField(newPod(), 'metadata', ['web'])), 'metadata', 'must be an object');
  });

  it('lists at most twenty violations of a document', () => {
    const pod = withField(
      newPod(),
      'spec.containers.0.ports',
      Array.from({ length: 100 }, (_, i) => i),
    );
    expect(checkShape('Pod', pod)).toHaveLength(20);
  });
});
