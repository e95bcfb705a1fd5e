import type { EndpointAddress, EndpointPort, Endpoints, Service, ServicePort } from '../api/types.ts';

/** Builders of Service and Endpoints objects for the DNS tests and benchmark. */

function meta(namespace: string, name: string): Service['metadata'] {
  return {
    name,
    namespace,
    uid: `${namespace}-${name}`,
    resourceVersion: '1',
    generation: 1,
    creationTimestamp: '2024-01-01T00:00:00Z',
  };
}

export function newService(options: {
  name: string;
  namespace?: string;
  clusterIP?: string;
  ports?: ServicePort[];
}): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(options.namespace ?? 'default', options.name),
    spec: { clusterIP: options.clusterIP, ports: options.ports ?? [] },
  };
}

export function newEndpoints(options: {
  name: string;
  namespace?: string;
  ready?: EndpointAddress[];
  notReady?: EndpointAddress[];
  ports?: EndpointPort[];
}): Endpoints {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: meta(options.namespace ?? 'default', options.name),
    subsets: [
      { addresses: options.ready ?? [], notReadyAddresses: options.notReady ?? [], ports: options.ports ?? [] },
    ],
  };
}

/** `count` ready addresses `<prefix>.<n>.<m>` from `<prefix>.1.1` (prefix default 10.244), named pod-<i> if asked. */
export function podAddresses(count: number, options: { hostnames?: boolean; prefix?: string } = {}): EndpointAddress[] {
  return Array.from({ length: count }, (_, i) => ({
    ip: `${options.prefix ?? '10.244'}.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`,
    ...(options.hostnames ? { hostname: `pod-${i}` } : {}),
  }));
}
