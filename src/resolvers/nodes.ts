import { CapstanError } from '../api/errors.ts';
import type { Node, Pod } from '../api/types.ts';
import type { Store } from '../store/store.ts';
import { checkResourceVersion, type MutationOptions } from './objects.ts';

function setUnschedulable(store: Store, name: string, unschedulable: boolean, options: MutationOptions): Promise<Node> {
  return store.mutate(
    'Node',
    undefined,
    name,
    (node) => {
      checkResourceVersion(node, options.expectedResourceVersion);
      if (Boolean(node.spec?.unschedulable) === unschedulable) return undefined;
      return { ...node, spec: { ...node.spec, unschedulable } };
    },
    { dryRun: options.dryRun },
  );
}

/** `kubectl cordon`: marks the node unschedulable; its running pods stay. */
export function cordonNode(store: Store, name: string, options: MutationOptions = {}): Promise<Node> {
  return setUnschedulable(store, name, true, options);
}

/** `kubectl uncordon`: makes the node schedulable again. */
export function uncordonNode(store: Store, name: string, options: MutationOptions = {}): Promise<Node> {
  return setUnschedulable(store, name, false, options);
}

export interface DrainResult {
  node: Node;
  /** The pods deleted from the node (as last stored: with a deletionTimestamp while they shut down). */
  deletedPods: Pod[];
}

/**
 * `kubectl drain`: cordons the node and deletes its pods so their controllers recreate them elsewhere. Pods no
 * controller owns would be gone for good, so like kubectl the drain refuses (before changing anything) unless
 * `force` is set.
 */
export async function drainNode(
  store: Store,
  name: string,
  options: MutationOptions & { force?: boolean } = {},
): Promise<DrainResult> {
  const current = await store.get('Node', undefined, name);
  checkResourceVersion(current, options.expectedResourceVersion);
  const pods = (await store.list('Pod', { fieldSelector: `spec.nodeName=${name}` })).items.filter(
    (pod) => pod.spec?.nodeName === name && !pod.metadata.deletionTimestamp,
  );
  const unmanaged = pods.filter((pod) => !pod.metadata.ownerReferences?.some((o) => o.controller));
  if (unmanaged.length > 0 && !options.force) {
    const names = unmanaged.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).join(', ');
    throw CapstanError.invalid([
      { field: 'force', message: `pods not managed by a controller would be lost: ${names}; set force to delete them` },
    ]);
  }
  const node = await cordonNode(store, name, { dryRun: options.dryRun });
  const deletedPods: Pod[] = [];
  for (const pod of pods) {
    try {
      deletedPods.push(
        await store.delete('Pod', pod.metadata.namespace, pod.metadata.name, { dryRun: options.dryRun }),
      );
    } catch (err) {
      // A pod that went away between the list and the delete is already drained.
      if (!(err instanceof CapstanError && err.code === 'NOT_FOUND')) throw err;
    }
  }
  return { node, deletedPods };
}
