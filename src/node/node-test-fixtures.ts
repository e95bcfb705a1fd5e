import type { Pod, PodSpec } from '../api/types.ts';
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
