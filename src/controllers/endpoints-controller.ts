import { isCapstanError } from '../api/errors.ts';
import type { Node, Pod } from '../api/types.ts';
import type { Informer } from '../store/informer.ts';
import { objectKey, splitKey, type ControllerContext } from './controller-context.ts';
import { computeEndpoints, endpointsEqual, hasSelector } from './endpoints-plan.ts';
import { canonicalJson } from '../util/canonical-json.ts';
import { matchesEqualitySelector } from './ownership.ts';
import { QueueController } from './queue-controller.ts';
import type { ReconcileResult } from './work-queue.ts';

export interface EndpointsControllerOptions {
  workers?: number;
}

/**
 * Keeps the Endpoints of every Service with a selector equal to `computeEndpoints` over the pods it selects:
 * ready addresses and not-ready ones apart, ports resolved (named targetPorts included), plus the node address
 * and host ports the node agent published. Level-based: any pod change enqueues the services whose selector
 * matched it before or after, and the sync rewrites the Endpoints only when they differ.
 *
 * Services without a selector are left alone (their Endpoints are the user's). The Endpoints of a deleted
 * Service are deleted.
 */
export class EndpointsController extends QueueController {
  readonly name = 'endpoints-controller';
  private readonly services: Informer<'Service'>;
  private readonly endpoints: Informer<'Endpoints'>;
  private readonly nodes: Informer<'Node'>;

  constructor(ctx: ControllerContext, options: EndpointsControllerOptions = {}) {
    super(ctx, { workers: options.workers ?? 4, keyField: 'service' });
    this.services = this.enqueueChanges('Service');
    // Someone else rewrote or removed Endpoints this controller owns: put them back.
    this.endpoints = this.enqueueChanges('Endpoints', ['update', 'delete']);
    this.nodes = ctx.informers.get('Node');
    ctx.informers.get('Pod').addHandler({
      onAdd: (pod) => this.podChanged(pod),
      onUpdate: (previous, pod) => {
        if (endpointView(previous) === endpointView(pod)) return;
        this.podChanged(pod);
        if (canonicalJson(previous.metadata.labels) !== canonicalJson(pod.metadata.labels)) this.podChanged(previous);
      },
      onDelete: (pod) => this.podChanged(pod),
    });
    // A node's address is the fallback hostIP of its pods' endpoints.
    this.nodes.addHandler({
      onUpdate: (previous, node) => {
        if (canonicalJson(previous.status?.addresses) !== canonicalJson(node.status?.addresses)) {
          for (const s of this.services.list(hasSelector)) this.queue.add(objectKey(s));
        }
      },
    });
  }

  private podChanged(pod: Pod): void {
    for (const service of this.ctx.informers.inNamespace('Service', pod.metadata.namespace)) {
      const selector = service.spec?.selector;
      if (selector && hasSelector(service) && matchesEqualitySelector(selector, pod.metadata.labels)) {
        this.queue.add(objectKey(service));
      }
    }
  }

  protected async reconcile(key: string): Promise<ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const { store } = this.ctx;
    const service = this.services.get(namespace, name);
    const current = this.endpoints.get(namespace, name);
    if (!service) {
      if (!current) return;
      try {
        // Re-check: the informer may not show a Service that was just created.
        if (!(await store.tryGet('Service', namespace, name))) await store.delete('Endpoints', namespace, name);
      } catch (err) {
        if (!isCapstanError(err, 'NOT_FOUND')) throw err;
      }
      return;
    }
    if (!hasSelector(service)) return;
    const nodes = new Map<string, Node>(this.nodes.list().map((node) => [node.metadata.name, node]));
    const subsets = computeEndpoints(service, this.ctx.informers.inNamespace('Pod', namespace), nodes);
    if (current && endpointsEqual(current.subsets, subsets)) return;
    // Failures (ALREADY_EXISTS or NOT_FOUND when the informer lagged behind a create or delete) are retried
    // with back-off, and the retry sees the truth.
    if (!current) {
      const labels = service.metadata.labels;
      await store.create('Endpoints', {
        kind: 'Endpoints',
        metadata: { name, namespace, ...(labels ? { labels } : {}) },
        subsets,
      });
      return;
    }
    await store.mutate('Endpoints', namespace, name, (live) =>
      endpointsEqual(live.subsets, subsets) ? undefined : { ...live, subsets },
    );
  }
}

/** The parts of a pod the endpoints depend on; other changes (container restarts, timeline) are skipped. */
function endpointView(pod: Pod): string {
  return canonicalJson([
    pod.metadata.labels,
    pod.metadata.deletionTimestamp,
    pod.spec?.nodeName,
    pod.spec?.hostname,
    pod.spec?.subdomain,
    pod.status?.phase,
    pod.status?.podIP,
    pod.status?.hostIP,
    pod.status?.hostPorts,
    pod.status?.conditions?.find((c) => c.type === 'Ready')?.status,
  ]);
}
