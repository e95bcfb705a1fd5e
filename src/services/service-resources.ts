import type { Service } from '../api/types.ts';
import type { ResourceKind } from './reservations.ts';

export interface ServiceResource {
  kind: ResourceKind;
  id: string;
}

/** The ClusterIP, node ports and LoadBalancer addresses a stored Service holds. */
export function serviceResources(svc: Service): ServiceResource[] {
  const out: ServiceResource[] = [];
  const spec = svc.spec;
  if (!spec) return out;
  if (spec.clusterIP && spec.clusterIP !== 'None') out.push({ kind: 'clusterip', id: spec.clusterIP });
  const seen = new Set<number>();
  for (const port of spec.ports ?? []) {
    if (port.nodePort && !seen.has(port.nodePort)) {
      seen.add(port.nodePort);
      out.push({ kind: 'nodeport', id: String(port.nodePort) });
    }
  }
  for (const ingress of svc.status?.loadBalancer?.ingress ?? []) {
    if (ingress.ip) out.push({ kind: 'lb', id: ingress.ip });
  }
  return out;
}

export function resourceKey(resource: ServiceResource): string {
  return `${resource.kind}:${resource.id}`;
}

export function usesResource(svc: Service, resource: ServiceResource): boolean {
  return serviceResources(svc).some((r) => r.kind === resource.kind && r.id === resource.id);
}
