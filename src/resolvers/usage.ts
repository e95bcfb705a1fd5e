import { CapstanError } from '../api/errors.ts';
import type { Node, Pod } from '../api/types.ts';
import type { ResourceUsage, UsageSummary } from '../node/usage-sampler.ts';

export type { ResourceUsage, UsageSummary } from '../node/usage-sampler.ts';

/** Reaches nodes' usage summaries (the API server's NodeUsageSource); undefined: the node gave none. */
export interface UsageSource {
  summary(nodeName: string): Promise<UsageSummary | undefined>;
}

/** The pod's CPU and memory in use, or null when it is not known (yet): not scheduled, not sampled, node away. */
export async function podUsage(source: UsageSource | undefined, pod: Pod): Promise<ResourceUsage | null> {
  const nodeName = pod.spec?.nodeName;
  if (!source || !nodeName) return null;
  const summary = await source.summary(nodeName);
  const namespace = pod.metadata.namespace ?? 'default';
  return summary?.pods.find((p) => p.namespace === namespace && p.name === pod.metadata.name)?.usage ?? null;
}

/** The node's pods' CPU and memory in use, or null when not known (yet). */
export async function nodeUsage(source: UsageSource | undefined, node: Node): Promise<ResourceUsage | null> {
  if (!source) return null;
  return (await source.summary(node.metadata.name))?.usage ?? null;
}

/** Throws UNAVAILABLE when the server has no way to read usage (a subscription would only ever say null). */
export function requireUsageSource(source: UsageSource | undefined): UsageSource {
  if (!source) throw new CapstanError('UNAVAILABLE', 'this server has no way to reach node agents configured');
  return source;
}
