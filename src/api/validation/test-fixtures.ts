import { expect } from 'vitest';
import type { FieldViolation } from '../errors.ts';
import type {
  Container,
  Deployment,
  Endpoints,
  Event,
  Labels,
  Lease,
  Namespace,
  Node,
  ObjectMeta,
  PersistentVolumeClaim,
  Pod,
  PodSpec,
  ReplicationController,
  Service,
  ServiceSpec,
  Token,
} from '../types.ts';

/** Fixture builders for validation and defaulting tests: valid objects that a test then breaks one field of. */

let uidCounter = 0;

export function newMeta(name: string, namespace: string | null = 'default'): ObjectMeta {
  uidCounter += 1;
  return {
    name,
    ...(namespace === null ? {} : { namespace }),
    uid: `00000000-0000-4000-8000-${String(uidCounter).padStart(12, '0')}`,
    resourceVersion: '1',
    generation: 1,
    creationTimestamp: '2024-01-01T00:00:00Z',
  };
}

export function newContainer(overrides: Partial<Container> = {}): Container {
  return { name: 'web', image: 'capstan/hello:1', ...overrides };
}

export function newPodSpec(overrides: Partial<PodSpec> = {}): PodSpec {
  return { containers: [newContainer()], ...overrides };
}

export function newPod(
  options: { name?: string; namespace?: string; labels?: Labels; spec?: Partial<PodSpec> } = {},
): Pod {
  const metadata = newMeta(options.name ?? 'web-1', options.namespace ?? 'default');
  if (options.labels) metadata.labels = options.labels;
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: newPodSpec(options.spec) };
}

export function newReplicationController(
  options: { name?: string; labels?: Labels; replicas?: number; spec?: Partial<PodSpec> } = {},
): ReplicationController {
  const labels = options.labels ?? { app: 'web' };
  return {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: newMeta(options.name ?? 'web'),
    spec: {
      replicas: options.replicas ?? 2,
      selector: { ...labels },
      template: { metadata: { labels: { ...labels } }, spec: newPodSpec(options.spec) },
    },
  };
}

export function newDeployment(options: { name?: string; labels?: Labels; spec?: Partial<PodSpec> } = {}): Deployment {
  const labels = options.labels ?? { app: 'web' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: newMeta(options.name ?? 'web'),
    spec: {
      selector: { matchLabels: { ...labels } },
      template: { metadata: { labels: { ...labels } }, spec: newPodSpec(options.spec) },
    },
  };
}

export function newService(spec: Partial<ServiceSpec> = {}, name = 'web'): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: newMeta(name),
    spec: { selector: { app: 'web' }, ports: [{ port: 80 }], ...spec },
  };
}

export function newEndpoints(name = 'web'): Endpoints {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: newMeta(name),
    subsets: [{ addresses: [{ ip: '10.244.0.5' }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }],
  };
}

export function newEvent(): Event {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: newMeta('web-1.17a8c3'),
    involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default' },
    reason: 'Scheduled',
    message: 'Successfully assigned default/web-1 to node-1',
    type: 'Normal',
  };
}

export function newNamespace(name = 'team-a'): Namespace {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: newMeta(name, null), spec: {} };
}

export function newNode(name = 'node-1'): Node {
  return { apiVersion: 'v1', kind: 'Node', metadata: newMeta(name, null), spec: {} };
}

export function newPvc(name = 'data'): PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: newMeta(name),
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  };
}

export function newLease(name = 'capstan-controllers'): Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: newMeta(name, 'capstan-system'),
    spec: { holderIdentity: 'server-1', leaseDurationSeconds: 15 },
  };
}

export function newToken(name = 'admin-1'): Token {
  return {
    apiVersion: 'capstan.io/v1',
    kind: 'Token',
    metadata: newMeta(name, null),
    spec: { role: 'admin', secretHash: 'sha256:0123456789abcdef' },
  };
}

/** Asserts that the only violation is on `field` and that its message states `rule`. */
export function expectOnly(violations: FieldViolation[], field: string, rule: string): void {
  expect(violations).toEqual([{ field, message: expect.stringContaining(rule) }]);
}

/** Asserts that one of the violations is on `field` and states `rule`. */
export function expectViolation(violations: FieldViolation[], field: string, rule: string): void {
  expect(violations).toContainEqual({ field, message: expect.stringContaining(rule) });
}
