import { randomBytes } from 'node:crypto';
import type { Pod } from '../../src/api/types.ts';
import { startControllerManager, type ControllerManagerOptions } from '../../src/controllers/controller-manager.ts';
import { startHollowNodes, type HollowNodes, type HollowNodesOptions } from '../../src/hollow/hollow-node.ts';
import type { HollowNodeSpec } from '../../src/hollow/hollow-node.ts';
import type { RedisStore } from '../../src/store/redis-store.ts';
import { newTestStore } from './store.ts';

export interface ControlPlane {
  store: RedisStore;
  hollow: HollowNodes;
  manager: ReturnType<typeof startControllerManager>;
  /** A fresh namespace for one test. */
  namespace(prefix?: string): Promise<string>;
  /** Active pods (not terminating, not finished) of `namespace` matching `labels`. */
  activePods(namespace: string, labels?: Record<string, string>): Promise<Pod[]>;
  dispose(): Promise<void>;
}

/**
 * A control plane for integration tests: a store on its own Redis prefix, hollow nodes (`hollow-0`, ...) that
 * run bound pods without Docker, and the controller manager (no leader election unless asked).
 */
export async function startControlPlane(
  options: {
    nodes?: number | HollowNodeSpec[];
    hollow?: HollowNodesOptions;
    manager?: Partial<Omit<ControllerManagerOptions, 'store'>>;
  } = {},
): Promise<ControlPlane> {
  const store = await newTestStore();
  const specs =
    typeof options.nodes === 'object'
      ? options.nodes
      : Array.from({ length: options.nodes ?? 3 }, (_, i) => ({ name: `hollow-${i}` }));
  const hollow = await startHollowNodes(store, specs, { renewIntervalMs: 500, ...options.hollow });
  const manager = startControllerManager({ store, leaderElection: false, ...options.manager });
  return {
    store,
    hollow,
    manager,
    async namespace(prefix = 'ns') {
      const name = `${prefix}-${randomBytes(3).toString('hex')}`;
      await store.create('Namespace', { kind: 'Namespace', metadata: { name }, spec: {} });
      return name;
    },
    async activePods(namespace, labels) {
      const selector = labels
        ? Object.entries(labels)
            .map(([k, v]) => `${k}=${v}`)
            .join(',')
        : undefined;
      const { items } = await store.list('Pod', { namespace, ...(selector ? { labelSelector: selector } : {}) });
      return items.filter(
        (pod) => !pod.metadata.deletionTimestamp && pod.status?.phase !== 'Failed' && pod.status?.phase !== 'Succeeded',
      );
    },
    async dispose() {
      await manager.stop();
      await hollow.stop();
      await store.dispose();
    },
  };
}

export function isReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}
