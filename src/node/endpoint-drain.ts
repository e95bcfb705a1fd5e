import type { Endpoints } from '../api/types.ts';
import type { Store } from '../store/store.ts';

/** After the Endpoints no longer list the pod: time for the change to reach the proxies of other nodes. */
export const DEFAULT_PROPAGATION_MS = 1_000;
const POLL_MS = 200;

function lists(endpoints: Endpoints, ip: string): boolean {
  return (endpoints.subsets ?? []).some((s) => (s.addresses ?? []).some((a) => a.ip === ip));
}

/**
 * Waits, before a terminating pod gets SIGTERM, until no Endpoints of its namespace sends traffic to its address,
 * and then for the change to reach every node's proxy, at most `budgetMs` in all.
 *
 * Why: the endpoints controller drops a pod from its Services as soon as the pod has a deletionTimestamp, but a
 * kubelet that sends SIGTERM at the same moment races the proxies that still route to the pod (kubernetes#43576:
 * a rolling update drops requests unless every pod gets a preStop sleep). Proxies apply an Endpoints change in the
 * tick the watch event arrives, so once the store no longer lists the address, a short propagation delay covers
 * the watch delivery to the other nodes. A pod that no Endpoints lists (no Service, not ready) stops at once.
 */
export async function waitOutOfEndpoints(
  store: Store,
  namespace: string,
  podIP: string | undefined,
  budgetMs: number,
  propagationMs = DEFAULT_PROPAGATION_MS,
): Promise<'not-listed' | 'drained' | 'budget-exhausted'> {
  if (!podIP || budgetMs <= 0) return 'not-listed';
  const deadline = Date.now() + budgetMs;
  let listed = false;
  while (true) {
    const { items } = await store.list('Endpoints', { namespace });
    if (!items.some((ep) => lists(ep, podIP))) break;
    listed = true;
    if (Date.now() + POLL_MS >= deadline) return 'budget-exhausted';
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  if (!listed) return 'not-listed';
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(propagationMs, deadline - Date.now()))));
  return 'drained';
}
