/** Which controller owns an object, and which equality selector picks it: how controllers find their pods. */
import type { KubeObject, Labels, OwnerReference } from '../api/types.ts';

/** The ownerReference with `controller: true`, if any. */
export function controllerRef(obj: Pick<KubeObject, 'metadata'>): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((ref) => ref.controller === true);
}

/** True when every key of the equality selector is present in `labels` with the same value. */
export function matchesEqualitySelector(selector: Labels, labels: Labels | undefined): boolean {
  for (const [key, value] of Object.entries(selector)) {
    if (labels?.[key] !== value) return false;
  }
  return true;
}
