import type { ConfigMap, ObjectMeta, Pod, PodSpec, Secret } from '../api/types.ts';
import type { ContainerInfo } from './runtime.ts';

/** Builders for the node agent's unit tests. */

export function testPod(spec: Partial<PodSpec> = {}, status?: Pod['status']): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'p',
      namespace: 'default',
      uid: 'uid-1',
      resourceVersion: '5',
      generation: 1,
      creationTimestamp: '2024-01-01T00:00:00.000Z',
    },
    spec: { nodeName: 'n1', restartPolicy: 'Always', containers: [{ name: 'a', image: 'img' }], ...spec },
    ...(status ? { status } : {}),
  };
}

export function info(name: string, over: Partial<ContainerInfo> = {}): ContainerInfo {
  return {
    id: `${name}-${over.restartCount ?? 0}`,
    name,
    podUid: 'uid-1',
    podNamespace: 'default',
    podName: 'p',
    image: 'img',
    imageId: 'sha256:abc',
    state: 'running',
    oomKilled: false,
    startedAt: '2024-01-01T00:00:01.000000000Z',
    createdAt: '2024-01-01T00:00:00.500Z',
    restartCount: 0,
    ...over,
  };
}

const objectMeta = (name: string): ObjectMeta => ({
  name,
  namespace: 'default',
  uid: `uid-${name}`,
  resourceVersion: '1',
  generation: 1,
  creationTimestamp: '2024-01-01T00:00:00.000Z',
});

export function testConfigMap(name: string, data: Record<string, string>): ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: objectMeta(name), data };
}

/** A Secret of these values (stored base64, as the API holds them). */
export function testSecret(name: string, values: Record<string, string>): Secret {
  const data = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  return { apiVersion: 'v1', kind: 'Secret', metadata: objectMeta(name), data };
}
