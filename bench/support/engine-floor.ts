/**
 * The engine's floor for the scale benchmark: the containers of N pods started straight through Capstan's Docker
 * runtime, with the node agent's own calls and parallelism but no control plane, store, scheduler or agent loop in
 * between. Capstan's scale-up ÷ this floor is what orchestration costs; this floor ÷ Swarm's time is what the pod
 * model (a network sandbox plus an app container per pod) costs on the engine before any orchestration.
 */
import { randomUUID } from 'node:crypto';
import type { Pod } from '../../src/api/types.ts';
import type { DockerRuntime } from '../../src/node/docker-runtime.ts';
import { containerSpec, sandboxConfig } from '../../src/node/pod-spec.ts';
import type { PodDnsOptions } from '../../src/node/pod-spec.ts';

export interface EngineFloorOptions {
  runtime: DockerRuntime;
  node: { name: string; address: string };
  dns: PodDnsOptions;
  /** The pods' spec (the RC's template spec). */
  podSpec: NonNullable<Pod['spec']>;
  replicas: number;
  /** Pods started at once: the node agent's pod worker concurrency. */
  concurrency: number;
}

/** Starts `replicas` pods' containers as the agent does and returns the seconds until every container runs. */
export async function engineFloor(options: EngineFloorOptions): Promise<number> {
  const { runtime, node, dns, podSpec, replicas, concurrency } = options;
  const pods: Pod[] = Array.from({ length: replicas }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `floor-${i}`,
      namespace: 'default',
      uid: randomUUID(),
      resourceVersion: '1',
      generation: 1,
      creationTimestamp: new Date().toISOString(),
    },
    spec: { ...podSpec, nodeName: node.name },
  }));
  let next = 0;
  const startPod = async (pod: Pod): Promise<void> => {
    const prepared = await runtime.prepareSandbox(sandboxConfig(pod, node, dns, 0));
    // As the agent: the app containers are created while the sandbox starts, then started once it runs.
    const [sandbox, ids] = await Promise.all([
      runtime.startSandbox(prepared),
      Promise.all(
        pod.spec!.containers.map((c) =>
          runtime.createContainer(prepared, containerSpec(pod, c, { podIP: '', hostIP: node.address })),
        ),
      ),
    ]);
    for (const id of ids) {
      await runtime.startContainer(id);
      await runtime.inspectContainer(id);
    }
    if (!sandbox.podIP) throw new Error(`floor pod ${pod.metadata.name} got no IP`);
  };
  const worker = async (): Promise<void> => {
    while (next < pods.length) await startPod(pods[next++]!);
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, pods.length) }, worker));
  return (performance.now() - start) / 1000;
}
