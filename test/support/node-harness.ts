import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCapstanError } from '../../src/api/errors.ts';
import type { ObjectInput, Pod, PodSpec } from '../../src/api/types.ts';
import { startNodeAgent } from '../../src/node/agent.ts';
import type { NodeAgent, NodeAgentOptions } from '../../src/node/agent.ts';
import { DockerRuntime } from '../../src/node/docker-runtime.ts';
import { newTestStore } from './store.ts';

export const HELLO = 'capstan/hello:latest';
export const BUSYBOX = 'capstan/busybox:latest';

type TestStore = Awaited<ReturnType<typeof newTestStore>>;

/**
 * A real node for end-to-end tests: a store on its own Redis prefix, a DockerRuntime with its own state dir, a
 * unique node name and a pod subnet in 10.244.100-250.0/24 that no other test file holds. `dispose()` stops the
 * agent and removes every container, volume and network it made.
 */
export class NodeHarness {
  readonly nodeName = `n${randomBytes(4).toString('hex')}`;
  store!: TestStore;
  runtime!: DockerRuntime;
  agent!: NodeAgent;
  subnet = '';
  /** The node's state root (pod dirs, volumes) on the host. */
  stateRoot = '';
  readonly claims = new Set<string>();

  async start(options: Partial<NodeAgentOptions> = {}): Promise<this> {
    this.store = await newTestStore();
    this.stateRoot = await mkdtemp(join(tmpdir(), 'capstan-node-'));
    this.runtime = new DockerRuntime({ stateRoot: this.stateRoot });
    for (let attempt = 0; ; attempt++) {
      this.subnet = `10.244.${100 + Math.floor(Math.random() * 151)}.0/24`;
      try {
        await this.runtime.ensureNodeNetwork({ node: this.nodeName, subnet: this.subnet });
        break;
      } catch (err) {
        if (attempt >= 8 || !(isCapstanError(err, 'CONFLICT') || isCapstanError(err, 'UNAVAILABLE'))) throw err;
      }
    }
    this.agent = await this.startAgent(options);
    return this;
  }

  startAgent(options: Partial<NodeAgentOptions> = {}): Promise<NodeAgent> {
    return startNodeAgent({
      store: this.store,
      runtime: this.runtime,
      nodeName: this.nodeName,
      nodeAddress: '127.0.0.1',
      podSubnet: this.subnet,
      dnsServerIp: '10.97.0.10',
      renewIntervalMs: 250,
      resyncIntervalMs: 2_000,
      ...options,
    });
  }

  pod(name: string, spec: Partial<PodSpec> & Pick<PodSpec, 'containers'>, namespace = 'default'): ObjectInput<Pod> {
    return { kind: 'Pod', metadata: { name, namespace }, spec: { nodeName: this.nodeName, ...spec } };
  }

  async dispose(): Promise<void> {
    await this.agent?.stop().catch(() => undefined);
    if (this.runtime) {
      const pods = await this.runtime.listPodContainers(this.nodeName).catch(() => []);
      await Promise.all(pods.map((p) => this.runtime.removePod(p.uid)));
      for (const claim of this.claims) await this.runtime.removeClaimVolume('default', claim).catch(() => undefined);
      await this.runtime.removeNodeNetwork(this.nodeName).catch(() => undefined);
    }
    await this.store?.dispose();
    if (this.stateRoot) await rm(this.stateRoot, { recursive: true, force: true });
  }
}

/** Polls the pod until `check` holds, failing with the last status seen. */
export async function waitForPod(
  store: TestStore,
  name: string,
  check: (pod: Pod) => boolean,
  {
    timeoutMs = 20_000,
    namespace = 'default',
    what = 'condition',
  }: { timeoutMs?: number; namespace?: string; what?: string } = {},
): Promise<Pod> {
  const deadline = Date.now() + timeoutMs;
  let last: Pod | undefined;
  for (;;) {
    last = await store.tryGet('Pod', namespace, name);
    if (last && check(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for pod ${name}: ${what}; last status: ${JSON.stringify(last?.status)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function ready(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}
