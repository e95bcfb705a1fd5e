import type { PodTemplateSpec } from '../api/types.ts';
import { canonicalJson } from '../util/canonical-json.ts';

/** The label a Deployment adds to its ReplicationControllers' selector and pod template, as Kubernetes does. */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

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

/** A copy of `template` without the `pod-template-hash` label: the user's template of an RC's. */
export function withoutHashLabel(template: PodTemplateSpec): PodTemplateSpec {
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
