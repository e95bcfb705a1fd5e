import type { Labels, ObjectInput, Pod, ReplicationController, Service } from '../../src/api/types.ts';

/** A minimal valid pod. */
export function newPod(
  name: string,
  {
    namespace = 'default',
    labels,
    image = 'capstan/hello:latest',
    nodeName,
  }: { namespace?: string; labels?: Labels; image?: string; nodeName?: string } = {},
): ObjectInput<Pod> {
  return {
    kind: 'Pod',
    metadata: { name, namespace, ...(labels ? { labels } : {}) },
    spec: { containers: [{ name: 'web', image, ports: [{ containerPort: 80 }] }], ...(nodeName ? { nodeName } : {}) },
  };
}

export function newReplicationController(
  name: string,
  {
    namespace = 'default',
    replicas = 1,
    labels = { app: name },
  }: { namespace?: string; replicas?: number; labels?: Labels } = {},
): ObjectInput<ReplicationController> {
  return {
    kind: 'ReplicationController',
    metadata: { name, namespace },
    spec: {
      replicas,
      selector: labels,
      template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'capstan/hello:latest' }] } },
    },
  };
}

export function newService(
  name: string,
  {
    namespace = 'default',
    selector = { app: name },
    port = 80,
  }: { namespace?: string; selector?: Labels; port?: number } = {},
): ObjectInput<Service> {
  return { kind: 'Service', metadata: { name, namespace }, spec: { selector, ports: [{ port, targetPort: port }] } };
}
