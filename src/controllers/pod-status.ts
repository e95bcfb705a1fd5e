import type { KubeObject, Labels, OwnerReference, Pod, PodTemplateSpec } from '../api/types.ts';
import { canonicalJson } from '../util/canonical-json.ts';

/** The label a Deployment adds to its ReplicationControllers' selector and pod template, as Kubernetes does. */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/** Enough to address a pod in a write, with its uid as a precondition. */
export interface PodRef {
  namespace: string;
  name: string;
  uid: string;
}

/** The ref of a pod, for actions. */
export function podRef(pod: Pod): PodRef {
  return { namespace: pod.metadata.namespace ?? '', name: pod.metadata.name, uid: pod.metadata.uid };
}

/** True when the pod's Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  return readyCondition(pod)?.status === 'True';
}

/**
 * True when the pod has been ready for at least `minReadySeconds` at `now`. With minReadySeconds 0 this is
 * `isPodReady`. A ready pod without a transition time counts as ready since forever.
 */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: Date): boolean {
  return availableInMs(pod, minReadySeconds, now) === 0;
}

/**
 * Milliseconds until a ready pod becomes available: 0 when it already is, undefined when it is not ready (so no
 * time will make it available by itself). Controllers requeue after the smallest positive value.
 */
export function availableInMs(pod: Pod, minReadySeconds: number, now: Date): number | undefined {
  const ready = readyCondition(pod);
  if (ready?.status !== 'True') return undefined;
  if (minReadySeconds <= 0 || !ready.lastTransitionTime) return 0;
  const availableAt = Date.parse(ready.lastTransitionTime) + minReadySeconds * 1000;
  return Math.max(0, availableAt - now.getTime());
}

/** A pod that counts toward a controller's replicas: not terminated (Succeeded/Failed) and not being deleted. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

/** True when the pod ended: phase Succeeded or Failed. */
export function isPodTerminated(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

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

/** Sum of the restart counts of the pod's containers. */
export function podRestartCount(pod: Pod): number {
  let total = 0;
  for (const status of pod.status?.containerStatuses ?? []) total += status.restartCount;
  return total;
}

/** The Ready condition's last transition time in ms since the epoch, when the pod is ready. */
export function readySinceMs(pod: Pod): number | undefined {
  const ready = readyCondition(pod);
  if (ready?.status !== 'True' || !ready.lastTransitionTime) return undefined;
  return Date.parse(ready.lastTransitionTime);
}

function readyCondition(pod: Pod) {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

// Kubernetes renders hashes with this alphabet (no vowels, no look-alike digits) so a hash never spells a word.
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * A short, stable hash of a pod template: FNV-1a (32 bit) over a canonical JSON rendering (object keys sorted,
 * any existing `pod-template-hash` label left out), plus the collision count, rendered in Kubernetes' safe
 * alphabet. Equal templates give equal hashes regardless of key order.
 */
export function podTemplateHash(template: PodTemplateSpec, collisionCount = 0): string {
  let hash = fnv1a32(canonicalJson(withoutHashLabel(template)));
  if (collisionCount > 0) hash = fnv1a32(String(collisionCount), hash);
  let out = '';
  do {
    out = SAFE_ALPHABET[hash % SAFE_ALPHABET.length] + out;
    hash = Math.floor(hash / SAFE_ALPHABET.length);
  } while (hash > 0);
  return out;
}

/** True when two templates are equal apart from the `pod-template-hash` label (Kubernetes' EqualIgnoreHash). */
export function templatesEqualIgnoringHash(a: PodTemplateSpec, b: PodTemplateSpec): boolean {
  return canonicalJson(withoutHashLabel(a)) === canonicalJson(withoutHashLabel(b));
}

function withoutHashLabel(template: PodTemplateSpec): PodTemplateSpec {
  const labels = { ...template.metadata?.labels };
  delete labels[POD_TEMPLATE_HASH_LABEL];
  return { ...template, metadata: { ...template.metadata, labels } };
}

function fnv1a32(text: string, seed = 0x811c9dc5): number {
  let hash = seed;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
