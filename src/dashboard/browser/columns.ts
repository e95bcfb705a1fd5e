import { objectAge } from '../../resolvers/pod-columns.ts';
import type {
  DashboardDeploymentsSubscription,
  DashboardEventsSubscription,
  DashboardNamespacesSubscription,
  DashboardNodesSubscription,
  DashboardPodsSubscription,
  DashboardReplicationControllersSubscription,
  DashboardServicesSubscription,
} from '../../sdk/generated/graphql.ts';
import { objectKey } from './watched-collection.ts';

/** The object a dashboard watch carries (the generated type also allows `{}` for non-matching fragments). */
type ObjectOf<S extends { watch: { object: unknown } }> = Extract<
  NonNullable<S['watch']['object']>,
  { metadata: unknown }
>;

export type DashboardNode = ObjectOf<DashboardNodesSubscription>;
export type DashboardPod = ObjectOf<DashboardPodsSubscription>;
export type DashboardDeployment = ObjectOf<DashboardDeploymentsSubscription>;
export type DashboardReplicationController = ObjectOf<DashboardReplicationControllersSubscription>;
export type DashboardService = ObjectOf<DashboardServicesSubscription>;
export type DashboardEvent = ObjectOf<DashboardEventsSubscription>;
export type DashboardNamespace = ObjectOf<DashboardNamespacesSubscription>;

/** How a status reads at a glance; the stylesheet colours cells by it. */
export type Tone = 'ok' | 'warn' | 'bad' | 'muted';

export interface Cell {
  text: string;
  tone?: Tone;
  /** An ISO timestamp the text is the age of; the page refreshes such cells as time passes. */
  since?: string;
  /** A page of the dashboard the cell links to (`#/pod/default/web`). */
  href?: string;
}

/** What a row's buttons do (src/dashboard/browser/actions.ts carries them out). */
export type ActionName = 'scale' | 'restart' | 'undo' | 'delete' | 'cordon' | 'uncordon' | 'drain';

/** One button of a row: the action on the object the row shows. */
export interface RowAction {
  action: ActionName;
  kind: 'Pod' | 'Deployment' | 'ReplicationController' | 'Node';
  namespace?: string;
  name: string;
  /** The replicas the scale dialog starts from. */
  replicas?: number;
}

export interface Row {
  key: string;
  cells: Cell[];
  actions?: RowAction[];
}

/** The dashboard's address of a pod's or a node's page. */
export function podHref(namespace: string, name: string): string {
  return `#/pod/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}

export function nodeHref(name: string): string {
  return `#/node/${encodeURIComponent(name)}`;
}

export function deploymentLogsHref(namespace: string, name: string): string {
  return `#/logs/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}

/** Rows past this many are not drawn; the table says how many were left out. */
export const MAX_ROWS = 500;

const NONE = '<none>';

/** An age cell: kubectl's AGE of the timestamp at `now`. */
export function ageCell(timestamp: string | null | undefined, now: number): Cell {
  return timestamp ? { text: objectAge(timestamp, now), since: timestamp } : { text: '<unknown>' };
}

/** The tone of a pod or node STATUS as kubectl prints it. */
export function statusTone(status: string): Tone {
  if (status === 'Running' || status === 'Ready' || status.startsWith('Ready,')) return 'ok';
  if (status === 'Completed' || status === 'Succeeded' || status === 'Terminating') return 'muted';
  if (
    status === 'Pending' ||
    status === 'ContainerCreating' ||
    status === 'PodInitializing' ||
    status === 'Unknown' ||
    status.startsWith('Init:')
  ) {
    return 'warn';
  }
  return 'bad';
}

function inNamespace(namespace: string) {
  return (object: { metadata: { namespace?: string | null } }) => !namespace || object.metadata.namespace === namespace;
}

function byNamespaceAndName(a: { metadata: WithName }, b: { metadata: WithName }): number {
  return (
    (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') ||
    a.metadata.name.localeCompare(b.metadata.name)
  );
}
type WithName = { name: string; namespace?: string | null };

function counted(total: number | null | undefined): string {
  return String(total ?? 0);
}

/** Pods that still hold a node's resources: not Succeeded or Failed (the pods `kubectl describe node` counts). */
export function podsPerNode(pods: readonly DashboardPod[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const pod of pods) {
    const node = pod.spec?.nodeName;
    if (!node || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
    counts.set(node, (counts.get(node) ?? 0) + 1);
  }
  return counts;
}

export function nodeRows(nodes: readonly DashboardNode[], pods: readonly DashboardPod[], now: number): Row[] {
  const counts = podsPerNode(pods);
  return [...nodes]
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
    .map((node) => ({
      key: objectKey(node),
      actions: [
        node.spec?.unschedulable
          ? { action: 'uncordon' as const, kind: 'Node' as const, name: node.metadata.name }
          : { action: 'cordon' as const, kind: 'Node' as const, name: node.metadata.name },
        { action: 'drain' as const, kind: 'Node' as const, name: node.metadata.name },
      ],
      cells: [
        { text: node.metadata.name, href: nodeHref(node.metadata.name) },
        { text: node.displayStatus, tone: statusTone(node.displayStatus) },
        { text: String(counts.get(node.metadata.name) ?? 0) },
        { text: node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? NONE },
        { text: node.status?.nodeInfo?.kubeletVersion ?? NONE },
        ageCell(node.metadata.creationTimestamp, now),
      ],
    }));
}

export function podRows(pods: readonly DashboardPod[], namespace: string, now: number): Row[] {
  return pods
    .filter(inNamespace(namespace))
    .sort(byNamespaceAndName)
    .map((pod) => ({
      key: objectKey(pod),
      actions: [
        {
          action: 'delete' as const,
          kind: 'Pod' as const,
          namespace: pod.metadata.namespace ?? '',
          name: pod.metadata.name,
        },
      ],
      cells: [
        { text: pod.metadata.namespace ?? '' },
        { text: pod.metadata.name, href: podHref(pod.metadata.namespace ?? '', pod.metadata.name) },
        { text: pod.ready },
        { text: pod.displayStatus, tone: statusTone(pod.displayStatus) },
        { text: String(pod.restarts), ...(pod.restarts > 0 ? { tone: 'warn' as const } : {}) },
        pod.spec?.nodeName ? { text: pod.spec.nodeName, href: nodeHref(pod.spec.nodeName) } : { text: NONE },
        { text: pod.status?.podIP ?? NONE },
        ageCell(pod.metadata.creationTimestamp, now),
      ],
    }));
}

/** Deployments and ReplicationControllers in one table: desired replicas against current and ready ones. */
export function workloadRows(
  deployments: readonly DashboardDeployment[],
  controllers: readonly DashboardReplicationController[],
  namespace: string,
  now: number,
): Row[] {
  const workloads = [
    ...deployments.map((d) => ({ kind: 'Deployment' as const, object: d, owner: NONE })),
    ...controllers.map((rc) => {
      const owner = rc.metadata.ownerReferences[0];
      return {
        kind: 'ReplicationController' as const,
        object: rc,
        owner: owner ? `${owner.kind}/${owner.name}` : NONE,
      };
    }),
  ];
  return workloads
    .filter(({ object }) => inNamespace(namespace)(object))
    .sort((a, b) => byNamespaceAndName(a.object, b.object) || a.kind.localeCompare(b.kind))
    .map(({ kind, object, owner }) => {
      const desired = object.spec?.replicas ?? 1;
      const ready = object.status?.readyReplicas ?? 0;
      const namespace = object.metadata.namespace ?? '';
      const target = { kind, namespace, name: object.metadata.name };
      const actions: RowAction[] = [{ action: 'scale', ...target, replicas: desired }];
      if (kind === 'Deployment') actions.push({ action: 'restart', ...target }, { action: 'undo', ...target });
      actions.push({ action: 'delete', ...target });
      return {
        key: `${kind}/${objectKey(object)}`,
        actions,
        cells: [
          { text: namespace },
          kind === 'Deployment'
            ? { text: object.metadata.name, href: deploymentLogsHref(namespace, object.metadata.name) }
            : { text: object.metadata.name },
          { text: kind },
          { text: String(desired) },
          { text: counted(object.status?.replicas) },
          { text: `${ready}/${desired}`, tone: ready >= desired ? 'ok' : 'warn' },
          { text: owner },
          ageCell(object.metadata.creationTimestamp, now),
        ],
      };
    });
}

/** Service ports as kubectl prints them: `80/TCP`, or `80:31234/TCP` with a node port. */
export function servicePorts(service: DashboardService): string {
  const ports = service.spec?.ports ?? [];
  if (ports.length === 0) return NONE;
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

/** EXTERNAL-IP as kubectl prints it: the LoadBalancer's ingress addresses, `<pending>` until it has some. */
export function externalIp(service: DashboardService): string {
  if (service.spec?.type !== 'LoadBalancer') return NONE;
  const ips = service.status?.loadBalancer.ingress.map((i) => i.ip) ?? [];
  return ips.length > 0 ? ips.join(',') : '<pending>';
}

export function serviceRows(services: readonly DashboardService[], namespace: string, now: number): Row[] {
  return services
    .filter(inNamespace(namespace))
    .sort(byNamespaceAndName)
    .map((service) => ({
      key: objectKey(service),
      cells: [
        { text: service.metadata.namespace ?? '' },
        { text: service.metadata.name },
        { text: service.spec?.type ?? 'ClusterIP' },
        { text: service.spec?.clusterIP || NONE },
        { text: externalIp(service) },
        { text: servicePorts(service) },
        ageCell(service.metadata.creationTimestamp, now),
      ],
    }));
}

function lastSeen(event: DashboardEvent): string {
  return event.lastTimestamp ?? event.metadata.creationTimestamp;
}

/** The most recent events first, at most `limit` of them. */
export function eventRows(events: readonly DashboardEvent[], namespace: string, now: number, limit = 50): Row[] {
  return events
    .filter(inNamespace(namespace))
    .sort((a, b) => Date.parse(lastSeen(b)) - Date.parse(lastSeen(a)))
    .slice(0, limit)
    .map((event) => ({
      key: objectKey(event),
      cells: [
        { text: event.metadata.namespace ?? '' },
        ageCell(lastSeen(event), now),
        { text: event.type ?? 'Normal', ...(event.type === 'Warning' ? { tone: 'bad' as const } : {}) },
        { text: event.reason ?? '' },
        { text: `${event.involvedObject.kind.toLowerCase()}/${event.involvedObject.name}` },
        { text: (event.count ?? 1) > 1 ? `${event.message ?? ''} (x${event.count})` : (event.message ?? '') },
      ],
    }));
}

/** The namespace selector's choices: every Namespace object, plus any namespace an object is in. */
export function namespaceChoices(
  namespaces: readonly DashboardNamespace[],
  objects: readonly { metadata: { namespace?: string | null } }[],
): string[] {
  const names = new Set(namespaces.map((n) => n.metadata.name));
  for (const object of objects) if (object.metadata.namespace) names.add(object.metadata.namespace);
  return [...names].sort();
}
