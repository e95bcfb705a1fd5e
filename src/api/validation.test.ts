import { describe, expect, it } from 'vitest';
import { applyDefaults } from './defaults.ts';
import { CapstanError } from './errors.ts';
import type { KubeObject } from './types.ts';
import { MAX_OBJECT_BYTES, OBJECT_FIELD, validateObject } from './validation.ts';
import {
  expectOnly,
  expectViolation,
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
} from './validation/test-fixtures.ts';

const LABEL_RULE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end " +
  "with an alphanumeric character (regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_RULE = 'a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters';
const RFC1035_RULE =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic";

describe('validateObject', () => {
  it.each([
    ['Pod', newPod()],
    ['ReplicationController', newReplicationController()],
    ['Deployment', newDeployment()],
    ['Service', newService()],
    ['Endpoints', newEndpoints()],
    ['Event', newEvent()],
    ['PersistentVolumeClaim', newPvc()],
    ['Lease', newLease()],
    ['Namespace', newNamespace()],
    ['Node', newNode()],
    ['Token', newToken()],
  ] as [string, KubeObject][])('accepts a valid %s, before and after defaulting', (_kind, obj) => {
    expect(validateObject(obj)).toEqual([]);
    const defaulted = applyDefaults(obj);
    expect(validateObject(defaulted)).toEqual([]);
    expect(validateObject(defaulted, defaulted)).toEqual([]);
  });

  it('rejects an unknown kind', () => {
    const obj = { ...newPod(), kind: 'CronJob' } as unknown as KubeObject;
    expectOnly(validateObject(obj), 'kind', 'Unsupported value: "CronJob"');
  });

  it('rejects an apiVersion the kind is not served at', () => {
    const d = { ...newDeployment(), apiVersion: 'extensions/v1beta1' };
    expectOnly(validateObject(d), 'apiVersion', 'supported values: "apps/v1"');
  });

  it('rejects an object whose JSON exceeds 1.5 MiB', () => {
    const pod = newPod();
    pod.spec!.containers[0]!.args = ['x'.repeat(MAX_OBJECT_BYTES)];
    expectOnly(validateObject(pod), OBJECT_FIELD, 'must have at most 1572864 bytes');
  });

  it('pairs with CapstanError.invalid to name every field and rule', () => {
    const pod = newPod({ name: 'Web' });
    pod.spec!.containers[0]!.image = '';
    const err = CapstanError.invalid(validateObject(pod), 'Pod "Web"');
    expect(err.code).toBe('INVALID');
    expect(err.message).toContain('metadata.name: Invalid value: "Web": a lowercase RFC 1123 subdomain');
    expect(err.message).toContain('spec.containers[0].image: Required value');
  });
});

describe('metadata', () => {
  it('requires a name', () => {
    const pod = newPod({ name: '' });
    expectOnly(validateObject(pod), 'metadata.name', 'Required value: name or generateName is required');
  });

  it.each(['Web', '-web', 'web-', 'web_1', 'a..b'])('rejects the Pod name %j as a DNS subdomain', (name) => {
    expectOnly(validateObject(newPod({ name })), 'metadata.name', SUBDOMAIN_RULE);
  });

  it('accepts dotted Pod names and rejects names over 253 characters', () => {
    expect(validateObject(newPod({ name: 'web.v1.example' }))).toEqual([]);
    const long = `${'a'.repeat(63)}.`.repeat(4).slice(0, 254);
    expectOnly(validateObject(newPod({ name: long })), 'metadata.name', 'must be no more than 253 characters');
  });

  it('checks Service names as RFC 1035 labels', () => {
    expectOnly(validateObject(newService({}, '1web')), 'metadata.name', RFC1035_RULE);
    expectOnly(validateObject(newService({}, 'web.v1')), 'metadata.name', RFC1035_RULE);
    expectOnly(validateObject(newService({}, 'w'.repeat(64))), 'metadata.name', 'must be no more than 63 characters');
  });

  it('checks Namespace names as RFC 1123 labels', () => {
    expectOnly(validateObject(newNamespace('team.a')), 'metadata.name', LABEL_RULE);
    expectOnly(validateObject(newNamespace('t'.repeat(64))), 'metadata.name', 'must be no more than 63 characters');
    expect(validateObject(newNamespace('1team'))).toEqual([]);
  });

  it('checks a generateName prefix, allowing a trailing dash', () => {
    const pod = newPod({ name: 'web-x7k2p' });
    pod.metadata.generateName = 'web-';
    expect(validateObject(pod)).toEqual([]);
    pod.metadata.generateName = 'Web-';
    expectOnly(validateObject(pod), 'metadata.generateName', SUBDOMAIN_RULE);
  });

  it('requires a DNS label namespace on namespaced kinds', () => {
    const pod = newPod();
    delete pod.metadata.namespace;
    expectOnly(validateObject(pod), 'metadata.namespace', 'Required value');
    expectOnly(validateObject(newPod({ namespace: 'Team.A' })), 'metadata.namespace', LABEL_RULE);
  });

  it('forbids a namespace on cluster-scoped kinds', () => {
    const node = newNode();
    node.metadata.namespace = 'default';
    expectOnly(validateObject(node), 'metadata.namespace', 'Forbidden: not allowed on this type');
  });

  it('checks label keys and values with the label rules', () => {
    expectOnly(validateObject(newPod({ labels: { 'bad key': 'x' } })), 'metadata.labels', 'Invalid value: "bad key"');
    expectOnly(
      validateObject(newPod({ labels: { app: 'v'.repeat(64) } })),
      'metadata.labels',
      'must be no more than 63 characters',
    );
    expect(validateObject(newPod({ labels: { 'example.com/app': 'web', empty: '' } }))).toEqual([]);
  });

  it('checks annotation keys and their total size', () => {
    const pod = newPod();
    pod.metadata.annotations = { 'not valid/key/x': 'v' };
    expectOnly(validateObject(pod), 'metadata.annotations', 'Invalid value: "not valid/key/x"');
    pod.metadata.annotations = { a: 'x'.repeat(200 * 1024), b: 'x'.repeat(57 * 1024) };
    expectOnly(validateObject(pod), 'metadata.annotations', 'Too long: must have at most 262144 bytes');
  });

  it('requires apiVersion, kind, name and uid of owner references', () => {
    const pod = newPod();
    pod.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'web', uid: '' }];
    expectOnly(validateObject(pod), 'metadata.ownerReferences[0].uid', 'uid must not be empty');
    pod.metadata.ownerReferences = [{ apiVersion: '', kind: 'ReplicationController', name: '', uid: 'u1' }];
    const violations = validateObject(pod);
    expectViolation(violations, 'metadata.ownerReferences[0].apiVersion', 'version must not be empty');
    expectViolation(violations, 'metadata.ownerReferences[0].name', 'name must not be empty');
  });

  it('allows at most one controller owner', () => {
    const pod = newPod();
    pod.metadata.ownerReferences = [
      { apiVersion: 'v1', kind: 'ReplicationController', name: 'a', uid: 'u1', controller: true },
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'b', uid: 'u2', controller: true },
    ];
    expectOnly(validateObject(pod), 'metadata.ownerReferences', 'Only one reference can have Controller set to true');
    pod.metadata.ownerReferences[1]!.controller = false;
    expect(validateObject(pod)).toEqual([]);
  });

  it('checks finalizers as qualified names', () => {
    const pod = newPod();
    pod.metadata.finalizers = ['foregroundDeletion', 'capstan.io/pvc-protection', 'bad finalizer'];
    expectOnly(validateObject(pod), 'metadata.finalizers[2]', 'Invalid value: "bad finalizer"');
  });

  describe('on update', () => {
    it.each([
      ['name', 'metadata.name', 'other'],
      ['namespace', 'metadata.namespace', 'other'],
      ['uid', 'metadata.uid', 'another-uid'],
      ['creationTimestamp', 'metadata.creationTimestamp', '2030-01-01T00:00:00Z'],
    ] as const)('keeps %s immutable', (key, field, value) => {
      const old = newPod();
      const next = structuredClone(old);
      next.metadata[key] = value;
      expectOnly(validateObject(next, old), field, 'field is immutable');
    });

    it('accepts an update that leaves out the server-assigned uid and creationTimestamp', () => {
      const old = newPod();
      const next = structuredClone(old);
      next.metadata.uid = '';
      next.metadata.creationTimestamp = '';
      next.metadata.labels = { tier: 'fe' };
      expect(validateObject(next, old)).toEqual([]);
    });
  });
});
