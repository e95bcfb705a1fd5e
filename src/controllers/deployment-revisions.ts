/**
 * A Deployment's revisions (after Kubernetes' deployment/util and rollback): each ReplicationController carries its
 * revision number in an annotation; the new RC of a template is named by its hash and gets the newest revision;
 * a rollback takes an older RC's template.
 */
import { CapstanError } from '../api/errors.ts';
import type { Deployment, KubeObject, ReplicationController } from '../api/types.ts';
import type { DeploymentAction, RCState } from './deployment-plan.ts';
import { controllerRef } from './ownership.ts';
import {
  POD_TEMPLATE_HASH_LABEL,
  podTemplateHash,
  templatesEqualIgnoringHash,
  withoutHashLabel,
} from './pod-template-hash.ts';

/** Annotation holding the rollout revision, on a Deployment and on each of its ReplicationControllers. */
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';

/** Enough to address an RC in a write, with its uid as a precondition. */
export interface RCRef {
  name: string;
  uid: string;
}

/** The revision number an RC or a Deployment carries in its annotation; 0 when missing or garbled. */
export function revisionOf(object: Pick<KubeObject, 'metadata'>): number {
  const value = Number(object.metadata.annotations?.[REVISION_ANNOTATION]);
  return Number.isInteger(value) && value > 0 ? value : 0;
}

/** The highest revision among `rcs`; 0 when none has one. */
export function maxRevision(rcs: readonly ReplicationController[]): number {
  return rcs.reduce((max, rc) => Math.max(max, revisionOf(rc)), 0);
}

/**
 * Make sure the new RC exists and carries the newest revision. An existing one whose revision is behind (an
 * old template rolled back to) gets `newRevision` and remembers its former number in the revision history
 * annotation, as Kubernetes does. A missing one is created: named `<deployment>-<template hash>`, with the
 * `pod-template-hash` label added to its labels, selector and template, so its pods never overlap another
 * revision's. The deployment's own revision annotation follows the new RC's.
 */
export function ensureNewController(
  d: Deployment,
  next: RCState | undefined,
  owned: readonly ReplicationController[],
  newRevision: string,
  initialReplicas: number,
  actions: DeploymentAction[],
): RCState {
  let revision: string;
  if (next) {
    revision = String(revisionOf(next.rc));
    if (revisionOf(next.rc) < Number(newRevision)) {
      const annotations: Record<string, string> = { [REVISION_ANNOTATION]: newRevision };
      const history = next.rc.metadata.annotations?.[REVISION_HISTORY_ANNOTATION];
      if (revisionOf(next.rc) > 0)
        annotations[REVISION_HISTORY_ANNOTATION] = history ? `${history},${revision}` : revision;
      actions.push({ type: 'annotateRC', rc: { name: next.rc.metadata.name, uid: next.rc.metadata.uid }, annotations });
      revision = newRevision;
    }
  } else {
    next = {
      rc: newController(d, owned, newRevision, initialReplicas),
      created: true,
      replicas: initialReplicas,
      available: 0,
    };
    const { uid: _uid, resourceVersion: _rv, generation: _g, creationTimestamp: _c, ...metadata } = next.rc.metadata;
    actions.push({
      type: 'createRC',
      rc: { kind: next.rc.kind, apiVersion: next.rc.apiVersion, metadata, spec: next.rc.spec },
    });
    revision = newRevision;
  }
  if (d.metadata.annotations?.[REVISION_ANNOTATION] !== revision) {
    actions.push({ type: 'annotateDeployment', annotations: { [REVISION_ANNOTATION]: revision } });
  }
  return next;
}

function newController(
  d: Deployment,
  owned: readonly ReplicationController[],
  revision: string,
  replicas: number,
): ReplicationController {
  const spec = d.spec as NonNullable<Deployment['spec']>;
  const taken = new Set(owned.map((rc) => rc.metadata.name));
  let collisions = 0;
  let hash = podTemplateHash(spec.template);
  // A visible RC already holds this name with another template: a hash collision. Derive another name, as
  // Kubernetes does with its collisionCount.
  while (taken.has(`${d.metadata.name}-${hash}`)) hash = podTemplateHash(spec.template, ++collisions);
  const labels = { ...spec.template.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: hash };
  return {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      uid: '',
      resourceVersion: '',
      generation: 1,
      creationTimestamp: '',
      labels,
      annotations: { [REVISION_ANNOTATION]: revision },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: d.metadata.name,
          uid: d.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      replicas,
      minReadySeconds: spec.minReadySeconds ?? 0,
      selector: { ...spec.selector.matchLabels, [POD_TEMPLATE_HASH_LABEL]: hash },
      template: { ...structuredClone(spec.template), metadata: { ...structuredClone(spec.template.metadata), labels } },
    },
  };
}

/**
 * A rollback (`kubectl rollout undo`): the template of the RC at `toRevision` (0 or none: the newest revision
 * before the current one, as kubectl picks it), without its `pod-template-hash` label, to write into the
 * deployment's spec; the controller then finds that RC as the new one and bumps its revision. No action, with
 * the reason, when the deployment already runs that template. `rcs` may hold any RCs: only those the deployment
 * controls count.
 * @throws CapstanError INVALID (field `toRevision`) when that revision is not in the deployment's history, and
 *   INVALID (field `name`) when there is no revision before the current one; with kubectl's messages.
 */
export function planRollback(
  d: Deployment,
  rcs: readonly ReplicationController[],
  toRevision = 0,
): { action?: Extract<DeploymentAction, { type: 'updateDeploymentSpec' }>; message: string; revision: number } {
  const history = rcs
    .filter((rc) => controllerRef(rc)?.uid === d.metadata.uid && revisionOf(rc) > 0 && rc.spec)
    .sort((a, b) => revisionOf(b) - revisionOf(a));
  let target: ReplicationController | undefined;
  if (toRevision === 0) {
    target = history[1];
    if (!target) {
      const message = `no rollout history found for deployment "${d.metadata.name}"`;
      throw new CapstanError('INVALID', message, { violations: [{ field: 'name', message }] });
    }
  } else {
    target = history.find((rc) => revisionOf(rc) === toRevision);
    if (!target) {
      const message = `unable to find specified revision ${toRevision} in history`;
      throw new CapstanError('INVALID', message, { violations: [{ field: 'toRevision', message }] });
    }
  }
  const template = target.spec!.template;
  const revision = revisionOf(target);
  if (d.spec && templatesEqualIgnoringHash(template, d.spec.template)) {
    return { message: `skipped rollback (current template already matches revision ${revision})`, revision };
  }
  return {
    action: { type: 'updateDeploymentSpec', template: structuredClone(withoutHashLabel(template)) },
    message: `rolled back to revision ${revision}`,
    revision,
  };
}
