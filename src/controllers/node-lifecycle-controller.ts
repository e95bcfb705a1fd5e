import { isCapstanError } from '../api/errors.ts';
import type { Node, Pod } from '../api/types.ts';
import { NODE_LEASE_NAMESPACE } from '../auth/authorize.ts';
import type { Informer } from '../store/informer.ts';
import { deletePod, type ControllerContext } from './controller-context.ts';
import { lifecycleView, planNodeLifecycle, type NodeLifecycleAction } from './node-lifecycle-plan.ts';
import type { PodRef } from './pod-state.ts';
import { setPodCondition } from './scheduler-controller.ts';
import { QueueController } from './queue-controller.ts';
import type { ReconcileResult } from './work-queue.ts';

export interface NodeLifecycleOptions {
  /** A node whose lease is older than this becomes Ready=Unknown. Default 20 s. */
  gracePeriodMs?: number;
  /** Pods of a node not Ready for this long are evicted. Default 30 s. */
  evictionTimeoutMs?: number;
  /** A pass also runs this often, whatever happened. Default 5 s. */
  resyncMs?: number;
}

const PASS_KEY = 'nodes';

/**
 * Watches node heartbeats (Leases in `capstan-node-lease`) and moves work off dead nodes, applying
 * `planNodeLifecycle`: stale lease → Ready=Unknown and a NoExecute taint (so nothing is scheduled there), its
 * pods marked not ready at once (endpoints drop them) and evicted after the timeout (their controllers replace
 * them elsewhere). Pods left terminating on a node that was deleted are removed, since no agent will finish them.
 *
 * One pass covers every node: the plan is O(nodes + bound pods), and a lease renewal of a healthy node, by far
 * the most frequent event, triggers nothing (the pass wakes itself when the next lease could go stale).
 */
export class NodeLifecycleController extends QueueController {
  readonly name = 'node-lifecycle-controller';
  private readonly nodes: Informer<'Node'>;
  private readonly leases: Informer<'Lease'>;
  private readonly pods: Informer<'Pod'>;

  constructor(
    ctx: ControllerContext,
    private readonly options: NodeLifecycleOptions = {},
  ) {
    super(ctx, { workers: 1, queue: { baseDelayMs: 100, maxDelayMs: 5_000 }, failure: 'node lifecycle pass failed' });
    this.nodes = ctx.informers.get('Node');
    this.leases = ctx.informers.get('Lease', { namespace: NODE_LEASE_NAMESPACE });
    this.pods = ctx.informers.get('Pod');
    const trigger = () => this.queue.add(PASS_KEY);
    this.nodes.addHandler({
      onAdd: trigger,
      // Not on a status refresh that only moves heartbeat times: 1,000 nodes refresh every minute, and a pass
      // per refresh kept the control plane busy for seconds at 20,000 pods.
      onUpdate: (previous, node) => {
        if (lifecycleView(previous) !== lifecycleView(node)) trigger();
      },
      onDelete: trigger,
    });
    this.leases.addHandler({
      onAdd: trigger,
      onUpdate: (_previous, lease) => {
        if (!this.isReady(lease.metadata.name)) trigger();
      },
    });
    const podOnSickNode = (pod: Pod) => {
      const nodeName = pod.spec?.nodeName;
      if (nodeName && !this.isReady(nodeName)) trigger();
    };
    this.pods.addHandler({ onAdd: podOnSickNode, onUpdate: (_previous, pod) => podOnSickNode(pod) });
  }

  protected override starting(): void {
    this.queue.add(PASS_KEY);
  }

  private isReady(nodeName: string): boolean {
    const node = this.nodes.get(undefined, nodeName);
    return node?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  }

  protected async reconcile(): Promise<ReconcileResult> {
    const leaseRenewTimes = new Map<string, string>();
    for (const lease of this.leases.list()) {
      if (lease.spec?.renewTime) leaseRenewTimes.set(lease.metadata.name, lease.spec.renewTime);
    }
    const pods = this.pods.list((pod) => Boolean(pod.spec?.nodeName));
    const plan = planNodeLifecycle({
      nodes: this.nodes.list(),
      leaseRenewTimes,
      pods,
      now: new Date(),
      ...(this.options.gracePeriodMs !== undefined ? { gracePeriodMs: this.options.gracePeriodMs } : {}),
      ...(this.options.evictionTimeoutMs !== undefined ? { evictionTimeoutMs: this.options.evictionTimeoutMs } : {}),
    });
    for (const action of plan.actions) await this.apply(action);
    await this.removeOrphanedTerminatingPods(pods);
    const resync = this.options.resyncMs ?? 5_000;
    return { requeueAfterMs: Math.min(plan.requeueAfterMs ?? resync, resync) };
  }

  private async apply(action: NodeLifecycleAction): Promise<void> {
    const { store, events, logger } = this.ctx;
    switch (action.type) {
      case 'updateNodeConditions': {
        const node = await this.patchNode(
          action.nodeName,
          (n) => ({
            ...n,
            status: { ...n.status, conditions: action.conditions },
          }),
          true,
        );
        const ready = action.conditions.find((c) => c.type === 'Ready');
        if (node) {
          const reason = ready?.status === 'True' ? 'NodeReady' : 'NodeNotReady';
          events.record(
            node,
            ready?.status === 'True' ? 'Normal' : 'Warning',
            reason,
            `Node ${action.nodeName} status is now: ${reason}${ready?.message ? ` (${ready.message})` : ''}`,
          );
        }
        return;
      }
      case 'setNodeTaints':
        await this.patchNode(action.nodeName, (n) => ({ ...n, spec: { ...n.spec, taints: action.taints } }));
        return;
      case 'markPodsNotReady':
        await Promise.all(action.pods.map((ref) => this.markNotReady(ref, action.nodeName)));
        return;
      case 'evictPods':
        await Promise.all(
          action.pods.map(async (ref) => {
            if (await deletePod(store, ref)) {
              logger.info({ pod: `${ref.namespace}/${ref.name}`, node: action.nodeName }, 'evicted pod');
              events.record(
                { kind: 'Pod', name: ref.name, namespace: ref.namespace, uid: ref.uid },
                'Warning',
                'Evicted',
                `Marking for deletion Pod ${ref.namespace}/${ref.name}: node ${action.nodeName} is not ready`,
              );
            }
          }),
        );
        return;
    }
  }

  private async patchNode(name: string, fn: (node: Node) => Node, status = false): Promise<Node | undefined> {
    try {
      return await this.ctx.store.mutate('Node', undefined, name, fn, { status });
    } catch (err) {
      if (isCapstanError(err, 'NOT_FOUND')) return undefined;
      throw err;
    }
  }

  private async markNotReady(ref: PodRef, nodeName: string): Promise<void> {
    const now = new Date().toISOString();
    try {
      await this.ctx.store.mutate(
        'Pod',
        ref.namespace,
        ref.name,
        (pod) => {
          if (pod.metadata.uid !== ref.uid || pod.spec?.nodeName !== nodeName) return undefined;
          const status = pod.status ?? {};
          if (!status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) return undefined;
          const conditions = setPodCondition(
            status.conditions,
            { type: 'Ready', status: 'False', reason: 'NodeNotReady', message: `node ${nodeName} is not ready` },
            now,
          );
          return { ...pod, status: { ...status, conditions } };
        },
        { status: true },
      );
    } catch (err) {
      if (!isCapstanError(err, 'NOT_FOUND')) throw err;
    }
  }

  /**
   * Kubernetes' pod GC for deleted nodes: a terminating pod bound to a node that no longer exists will never be
   * finished by an agent, so it is removed at once.
   */
  private async removeOrphanedTerminatingPods(pods: readonly Pod[]): Promise<void> {
    for (const pod of pods) {
      const nodeName = pod.spec?.nodeName as string;
      if (!pod.metadata.deletionTimestamp || this.nodes.get(undefined, nodeName)) continue;
      try {
        await this.ctx.store.delete('Pod', pod.metadata.namespace, pod.metadata.name, { gracePeriodSeconds: 0 });
      } catch (err) {
        if (!isCapstanError(err, 'NOT_FOUND')) throw err;
      }
    }
  }
}
