import { isCapstanError } from '../api/errors.ts';
import type { Deployment, Pod, ReplicationController } from '../api/types.ts';
import { selectorFromLabelSelector } from '../labels/selector.ts';
import type { Informer } from '../store/informer.ts';
import { objectKey, splitKey, type ControllerContext } from './controller-context.ts';
import { planDeployment, type DeploymentAction } from './deployment-plan.ts';
import type { RCRef } from './deployment-revisions.ts';
import { controllerRef } from './ownership.ts';
import { QueueController } from './queue-controller.ts';
import type { ReconcileResult } from './work-queue.ts';

export interface DeploymentControllerOptions {
  workers?: number;
}

/**
 * Rolls Deployments out through ReplicationControllers, one per pod template (after Kubernetes' deployment
 * controller): level-based over the Deployment, RC and pod informers; `planDeployment` decides, this applies the
 * actions in order. A sync stops at the first failed action and is retried with back-off, because later actions
 * (scaling the old RC down) assume the earlier ones (creating the new RC) happened.
 *
 * RC names are deterministic (`<deployment>-<template hash>`), so a resync that runs before the informer shows
 * a freshly created RC gets ALREADY_EXISTS instead of creating a duplicate; scaling writes absolute replica
 * counts, so repeating a step is harmless. That is why this controller needs no expectations.
 */
export class DeploymentController extends QueueController {
  readonly name = 'deployment-controller';
  private readonly deployments: Informer<'Deployment'>;

  constructor(ctx: ControllerContext, options: DeploymentControllerOptions = {}) {
    super(ctx, { workers: options.workers ?? 2, keyField: 'deployment' });
    this.deployments = this.enqueueChanges('Deployment');
    ctx.informers.get('ReplicationController').addHandler({
      onAdd: (rc) => this.rcChanged(rc),
      onUpdate: (previous, rc) => {
        this.rcChanged(previous);
        this.rcChanged(rc);
      },
      onDelete: (rc) => this.rcChanged(rc),
    });
    // Recreate waits for old pods to be gone, which no RC event reports: watch pod deletions too.
    ctx.informers.get('Pod').addHandler({ onDelete: (pod) => this.podDeleted(pod) });
  }

  private rcChanged(rc: ReplicationController): void {
    const owner = controllerRef(rc);
    if (owner) {
      if (owner.kind === 'Deployment') this.queue.add(`${rc.metadata.namespace}/${owner.name}`);
      return;
    }
    const labels = rc.metadata.labels ?? rc.spec?.template.metadata?.labels;
    for (const d of this.ctx.informers.inNamespace('Deployment', rc.metadata.namespace)) {
      try {
        const selector = selectorFromLabelSelector(d.spec?.selector, 'spec.selector');
        if (!selector.isEverything() && selector.matches(labels)) this.queue.add(objectKey(d));
      } catch {
        // A deployment with an invalid selector adopts nothing.
      }
    }
  }

  private podDeleted(pod: Pod): void {
    const owner = controllerRef(pod);
    if (owner?.kind !== 'ReplicationController') return;
    const rc = this.ctx.informers.get('ReplicationController').get(pod.metadata.namespace, owner.name);
    if (rc) this.rcChanged(rc);
  }

  protected async reconcile(key: string): Promise<ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const d = this.deployments.get(namespace, name);
    if (!d) return;
    const rcs = this.ctx.informers.inNamespace('ReplicationController', namespace);
    let pods: Pod[] | undefined;
    if (d.spec?.strategy?.type === 'Recreate') {
      const owned = new Set(rcs.filter((rc) => controllerRef(rc)?.uid === d.metadata.uid).map((rc) => rc.metadata.uid));
      pods = this.ctx.informers.inNamespace('Pod', namespace).filter((pod) => owned.has(controllerRef(pod)?.uid ?? ''));
    }
    const plan = planDeployment(d, rcs, new Date(), pods ? { pods } : {});
    for (const action of plan.actions) await this.apply(d, action);
    return plan.requeueAfterMs !== undefined ? { requeueAfterMs: plan.requeueAfterMs } : undefined;
  }

  private async apply(d: Deployment, action: DeploymentAction): Promise<void> {
    const { store, events } = this.ctx;
    const namespace = d.metadata.namespace;
    switch (action.type) {
      case 'createRC': {
        const rc = await store.create('ReplicationController', action.rc);
        events.record(
          d,
          'Normal',
          'ScalingReplicationController',
          `Scaled up replication controller ${rc.metadata.name} to ${rc.spec?.replicas ?? 1}`,
        );
        return;
      }
      case 'scaleRC': {
        let from: number | undefined;
        await this.patchRC(d, action.rc, (rc) => {
          from = rc.spec?.replicas ?? 1;
          if (from === action.replicas) return undefined;
          return { ...rc, spec: { ...rc.spec!, replicas: action.replicas } };
        });
        if (from !== undefined && from !== action.replicas) {
          const direction = action.replicas > from ? 'up' : 'down';
          events.record(
            d,
            'Normal',
            'ScalingReplicationController',
            `Scaled ${direction} replication controller ${action.rc.name} from ${from} to ${action.replicas}`,
          );
        }
        return;
      }
      case 'annotateRC':
        return this.patchRC(d, action.rc, (rc) => ({
          ...rc,
          metadata: { ...rc.metadata, annotations: { ...rc.metadata.annotations, ...action.annotations } },
        }));
      case 'adoptRC':
        return this.patchRC(d, action.rc, (rc) => {
          if (controllerRef(rc)) return undefined;
          const ref = {
            apiVersion: 'apps/v1',
            kind: 'Deployment' as const,
            name: d.metadata.name,
            uid: d.metadata.uid,
            controller: true,
            blockOwnerDeletion: true,
          };
          return {
            ...rc,
            metadata: { ...rc.metadata, ownerReferences: [...(rc.metadata.ownerReferences ?? []), ref] },
          };
        });
      case 'releaseRC':
        return this.patchRC(d, action.rc, (rc) => ({
          ...rc,
          metadata: {
            ...rc.metadata,
            ownerReferences: (rc.metadata.ownerReferences ?? []).filter((ref) => ref.uid !== d.metadata.uid),
          },
        }));
      case 'deleteRC': {
        const current = await store.tryGet('ReplicationController', namespace, action.rc.name);
        if (!current || current.metadata.uid !== action.rc.uid) return;
        try {
          await store.delete('ReplicationController', namespace, action.rc.name, {
            resourceVersion: current.metadata.resourceVersion,
          });
        } catch (err) {
          if (!isCapstanError(err, 'NOT_FOUND')) throw err;
        }
        return;
      }
      case 'annotateDeployment':
        return this.patchDeployment(d, (live) => ({
          ...live,
          metadata: { ...live.metadata, annotations: { ...live.metadata.annotations, ...action.annotations } },
        }));
      case 'updateDeploymentSpec':
        return this.patchDeployment(d, (live) => ({ ...live, spec: { ...live.spec!, template: action.template } }));
      case 'updateDeploymentStatus':
        return this.patchDeployment(d, (live) => ({ ...live, status: action.status }), true);
    }
  }

  private async patchRC(
    d: Deployment,
    ref: RCRef,
    fn: (rc: ReplicationController) => ReplicationController | undefined,
  ): Promise<void> {
    try {
      await this.ctx.store.mutate('ReplicationController', d.metadata.namespace, ref.name, (rc) =>
        rc.metadata.uid === ref.uid ? fn(rc) : undefined,
      );
    } catch (err) {
      if (!isCapstanError(err, 'NOT_FOUND')) throw err;
    }
  }

  private async patchDeployment(
    d: Deployment,
    fn: (live: Deployment) => Deployment | undefined,
    status = false,
  ): Promise<void> {
    try {
      await this.ctx.store.mutate(
        'Deployment',
        d.metadata.namespace,
        d.metadata.name,
        (live) => (live.metadata.uid === d.metadata.uid ? fn(live) : undefined),
        { status },
      );
    } catch (err) {
      if (!isCapstanError(err, 'NOT_FOUND')) throw err;
    }
  }
}
