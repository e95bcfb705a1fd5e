import type { LabelSelector, LabelSelectorRequirement } from '../api/types.ts';
import { selectorFromLabelSelector, selectorFromSet } from '../labels/selector.ts';
import type * as sdk from '../sdk/browser.ts';
import { CliError } from './cli-error.ts';
import { lookupKind, type CliKind } from './kinds.ts';

/** What `capstan logs` was asked for: a pod by name, or a workload whose pods to pick one from. */
export type LogTarget = { kind: 'Pod'; name: string } | { kind: 'Deployment' | 'ReplicationController'; name: string };

/**
 * Reads `NAME`, `pod/NAME`, `deployment/NAME` or `rc/NAME` (any kubectl alias of these kinds). `action` says what
 * the command does with it in errors.
 */
export function parseLogTarget(arg: string, action = 'print logs of'): LogTarget {
  const slash = arg.indexOf('/');
  if (slash < 0) return { kind: 'Pod', name: arg };
  const kind: CliKind | undefined = lookupKind(arg.slice(0, slash));
  const name = arg.slice(slash + 1);
  if (!name) throw new CliError(`"${arg}" names no object: use TYPE/NAME, e.g. pod/web-1 or deployment/web`);
  if (kind === 'Pod' || kind === 'Deployment' || kind === 'ReplicationController') return { kind, name };
  throw new CliError(
    `cannot ${action} "${arg}": use a pod name, pod/NAME, deployment/NAME or replicationcontroller/NAME`,
  );
}

type KeyValue = { key: string; value: string };

/** The label selector text of a workload's pods, from its GraphQL shape. */
export function workloadSelector(
  workload: sdk.DeploymentFieldsFragment | sdk.ReplicationControllerFieldsFragment,
): string {
  const toMap = (list: readonly KeyValue[] | null | undefined) =>
    Object.fromEntries((list ?? []).map(({ key, value }) => [key, value]));
  if (workload.kind === 'ReplicationController') {
    const rc = workload as sdk.ReplicationControllerFieldsFragment;
    return selectorFromSet(toMap(rc.spec?.selector)).toString();
  }
  const selector = (workload as sdk.DeploymentFieldsFragment).spec?.selector;
  const labelSelector: LabelSelector = {
    matchLabels: toMap(selector?.matchLabels),
    matchExpressions: (selector?.matchExpressions ?? []).map(
      (e) => ({ key: e.key, operator: e.operator, values: e.values ?? [] }) as LabelSelectorRequirement,
    ),
  };
  return selectorFromLabelSelector(labelSelector, 'spec.selector').toString();
}

function isReady(pod: sdk.PodFieldsFragment): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/**
 * The pod kubectl would pick for `logs deployment/NAME`: the most established one (the last a scale-down would
 * remove): not being deleted, Running before Pending before anything else, Ready, then the oldest; names break ties.
 */
export function pickPod(pods: readonly sdk.PodFieldsFragment[]): sdk.PodFieldsFragment | undefined {
  const phaseRank = (pod: sdk.PodFieldsFragment) =>
    pod.status?.phase === 'Running' ? 0 : pod.status?.phase === 'Pending' ? 1 : 2;
  const rank = (pod: sdk.PodFieldsFragment): [number, number, number, number, string] => [
    pod.metadata.deletionTimestamp ? 1 : 0,
    phaseRank(pod),
    isReady(pod) ? 0 : 1,
    Date.parse(pod.metadata.creationTimestamp ?? '') || Number.MAX_SAFE_INTEGER,
    pod.metadata.name,
  ];
  return [...pods].sort((a, b) => {
    const [ra, rb] = [rank(a), rank(b)];
    for (let i = 0; i < ra.length; i++) {
      if (ra[i]! < rb[i]!) return -1;
      if (ra[i]! > rb[i]!) return 1;
    }
    return 0;
  })[0];
}
