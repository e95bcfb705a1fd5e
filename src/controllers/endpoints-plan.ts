import { isDeepStrictEqual } from 'node:util';
import type {
  EndpointAddress,
  EndpointPort,
  EndpointSubset,
  HostPortMapping,
  Node,
  Pod,
  Service,
  ServicePort,
} from '../api/types.ts';
import { endpointIPRule } from '../api/validation/endpoint-ip.ts';
import { matchesEqualitySelector } from './ownership.ts';
import { isPodReady, isPodTerminated } from './pod-state.ts';

/** True when the endpoints controller manages this service's Endpoints: it has a non-empty selector. */
export function hasSelector(service: Service): boolean {
  return Object.keys(service.spec?.selector ?? {}).length > 0;
}

/**
 * The container port a service port resolves to on `pod`: a number target as is; a named target through the
 * pod's container port of that name and protocol; no target means the service port itself. Undefined when a
 * named port is not declared by the pod (Kubernetes then leaves the pod out for that port).
 */
export function resolveTargetPort(pod: Pod, port: ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = port.protocol ?? 'TCP';
  for (const container of pod.spec?.containers ?? []) {
    for (const cp of container.ports ?? []) {
      if (cp.name === target && (cp.protocol ?? 'TCP') === protocol) return cp.containerPort;
    }
  }
  return undefined;
}

/**
 * The Endpoints subsets of `service` (after Kubernetes' endpoints controller and RepackSubsets): every pod in
 * the service's namespace that matches its selector, has a podIP, is not terminating and has not terminated
 * gives an address, under `addresses` when Ready and `notReadyAddresses` otherwise. Pods are grouped by their
 * resolved port numbers, so pods that map a named targetPort to different numbers land in different subsets.
 * Each address carries nodeName, a targetRef to the pod, and Capstan's hostIP/hostPorts (the node address and
 * published host ports of the subset's ports, from the pod status; hostIP falls back to the node's InternalIP).
 * Everything is sorted, so an unchanged cluster yields an equal result (see `endpointsEqual`).
 *
 * A service without a selector is not managed: the result is [] and callers should leave its Endpoints alone
 * (`hasSelector`).
 */
export function computeEndpoints(
  service: Service,
  pods: readonly Pod[],
  nodes?: ReadonlyMap<string, Node>,
): EndpointSubset[] {
  if (!hasSelector(service)) return [];
  const selector = service.spec?.selector ?? {};
  const servicePorts = service.spec?.ports ?? [];
  const headless = service.spec?.clusterIP === 'None';
  // Kubernetes publishes port-less endpoints only for headless services; a port-less ClusterIP service has
  // nothing to forward to.
  if (servicePorts.length === 0 && !headless) return [];

  const groups = new Map<string, { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }>();
  for (const pod of pods) {
    if (pod.metadata.namespace !== service.metadata.namespace) continue;
    if (!pod.status?.podIP || pod.metadata.deletionTimestamp || isPodTerminated(pod)) continue;
    // Written before validation refused such addresses, or by a store without it: never publish them.
    if (endpointIPRule(pod.status.podIP) !== undefined) continue;
    if (!matchesEqualitySelector(selector, pod.metadata.labels)) continue;

    const ports: EndpointPort[] = [];
    for (const sp of servicePorts) {
      const port = resolveTargetPort(pod, sp);
      if (port === undefined) continue;
      ports.push({ ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP' });
    }
    if (servicePorts.length > 0 && ports.length === 0) continue;
    ports.sort(comparePorts);

    const key = JSON.stringify(ports);
    let group = groups.get(key);
    if (!group) {
      group = { ports, ready: [], notReady: [] };
      groups.set(key, group);
    }
    const address = endpointAddress(pod, service, ports, nodes);
    (isPodReady(pod) ? group.ready : group.notReady).push(address);
  }

  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, group]) => {
      const subset: EndpointSubset = {};
      if (group.ready.length > 0) subset.addresses = group.ready.sort(compareAddresses);
      if (group.notReady.length > 0) subset.notReadyAddresses = group.notReady.sort(compareAddresses);
      if (group.ports.length > 0) subset.ports = group.ports;
      return subset;
    });
}

function endpointAddress(
  pod: Pod,
  service: Service,
  ports: readonly EndpointPort[],
  nodes: ReadonlyMap<string, Node> | undefined,
): EndpointAddress {
  const nodeName = pod.spec?.nodeName;
  const address: EndpointAddress = {
    ip: pod.status?.podIP as string,
    targetRef: { kind: 'Pod', name: pod.metadata.name, namespace: pod.metadata.namespace ?? '', uid: pod.metadata.uid },
  };
  // A pod named through hostname + subdomain gets a per-pod DNS name under its headless service.
  if (pod.spec?.hostname && pod.spec.subdomain === service.metadata.name) address.hostname = pod.spec.hostname;
  if (nodeName) address.nodeName = nodeName;
  const node = nodeName ? nodes?.get(nodeName) : undefined;
  const hostIP = pod.status?.hostIP ?? node?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  if (hostIP) address.hostIP = hostIP;
  const hostPorts = (pod.status?.hostPorts ?? [])
    .filter((hp) => ports.some((p) => p.port === hp.containerPort && (p.protocol ?? 'TCP') === hp.protocol))
    .sort(compareHostPorts);
  if (hostPorts.length > 0) address.hostPorts = hostPorts;
  return address;
}

function comparePorts(a: EndpointPort, b: EndpointPort): number {
  const name = (a.name ?? '').localeCompare(b.name ?? '');
  if (name !== 0) return name;
  return a.port - b.port || (a.protocol ?? '').localeCompare(b.protocol ?? '');
}

function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  const ip = compareIPs(a.ip, b.ip);
  if (ip !== 0) return ip;
  const ua = a.targetRef?.uid ?? '';
  const ub = b.targetRef?.uid ?? '';
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

// Numeric order for IPv4 (10.0.0.9 before 10.0.0.10); plain string order otherwise.
function compareIPs(a: string, b: string): number {
  if (IPV4.test(a) && IPV4.test(b)) {
    const pa = a.split('.').map(Number);
    const pb = b.split('.').map(Number);
    for (let i = 0; i < 4; i++) {
      const d = (pa[i] as number) - (pb[i] as number);
      if (d !== 0) return d;
    }
    return 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareHostPorts(a: HostPortMapping, b: HostPortMapping): number {
  return a.containerPort - b.containerPort || a.protocol.localeCompare(b.protocol) || a.hostPort - b.hostPort;
}

/**
 * True when two subset lists describe the same endpoints. Missing and empty lists, and absent optional fields,
 * count as equal, so the controller skips writes that would change nothing.
 */
export function endpointsEqual(
  a: readonly EndpointSubset[] | undefined,
  b: readonly EndpointSubset[] | undefined,
): boolean {
  return isDeepStrictEqual(normalize(a ?? []), normalize(b ?? []));
}

function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field === undefined || (Array.isArray(field) && field.length === 0)) continue;
    out[key] = normalize(field);
  }
  return out;
}
