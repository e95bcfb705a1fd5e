import type { FieldViolation } from '../errors.ts';
import { checkEndpointIP } from './endpoint-ip.ts';
import type { EndpointAddress, Endpoints, Service, ServicePort } from '../types.ts';
import {
  check,
  checkLabels,
  findDuplicates,
  forbidden,
  invalid,
  isDns1123Label,
  isDns1123Subdomain,
  isEmpty,
  isIPv4Address,
  isValidPortName,
  isValidPortNum,
  notSupported,
  required,
} from './field.ts';
import { immutable } from './meta.ts';

const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer'];
const SESSION_AFFINITIES = ['None', 'ClientIP'];
const PROTOCOLS = ['TCP', 'UDP'];

/** The node port range of Kubernetes' default `--service-node-port-range`. */
export const NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;

export function validateService(svc: Service, old?: Service): FieldViolation[] {
  const spec = svc.spec;
  if (spec == null) return [required('spec')];
  const violations: FieldViolation[] = [];
  const type = spec.type ?? 'ClusterIP';
  if (!SERVICE_TYPES.includes(type)) violations.push(notSupported('spec.type', type, SERVICE_TYPES));
  const headless = spec.clusterIP === 'None';

  const ports = spec.ports ?? [];
  if (ports.length === 0 && !headless) violations.push(required('spec.ports'));
  ports.forEach((p, i) => violations.push(...validateServicePort(p, `spec.ports[${i}]`, ports.length > 1, type)));
  violations.push(
    ...findDuplicates(
      ports,
      (p) => p.name || undefined,
      (i) => `spec.ports[${i}].name`,
    ),
  );
  violations.push(
    ...findDuplicates(
      ports,
      (p) => `${p.port}/${p.protocol ?? 'TCP'}`,
      (i) => `spec.ports[${i}]`,
    ),
  );
  violations.push(
    ...findDuplicates(
      ports,
      (p) => (p.nodePort ? `${p.nodePort}/${p.protocol ?? 'TCP'}` : undefined),
      (i) => `spec.ports[${i}].nodePort`,
    ),
  );

  if (!isEmpty(spec.clusterIP) && !headless && isIPv4Address(spec.clusterIP).length > 0) {
    violations.push(invalid('spec.clusterIP', spec.clusterIP, "must be empty, 'None', or a valid IPv4 address"));
  }
  if (headless && (type === 'NodePort' || type === 'LoadBalancer')) {
    violations.push(invalid('spec.clusterIP', spec.clusterIP, `may not be set to 'None' for ${type} services`));
  }
  if (spec.sessionAffinity != null && !SESSION_AFFINITIES.includes(spec.sessionAffinity)) {
    violations.push(notSupported('spec.sessionAffinity', spec.sessionAffinity, SESSION_AFFINITIES));
  }
  violations.push(...checkLabels(spec.selector, 'spec.selector'));
  if (!isEmpty(spec.loadBalancerIP)) {
    if (type !== 'LoadBalancer') {
      violations.push(forbidden('spec.loadBalancerIP', "may only be used when `type` is 'LoadBalancer'"));
    }
    violations.push(...check('spec.loadBalancerIP', spec.loadBalancerIP, isIPv4Address(spec.loadBalancerIP)));
  }

  const oldIP = old?.spec?.clusterIP;
  if (!isEmpty(oldIP) && spec.clusterIP !== oldIP) violations.push(immutable('spec.clusterIP', spec.clusterIP ?? ''));
  return violations;
}

function validateServicePort(p: ServicePort, path: string, nameRequired: boolean, type: string): FieldViolation[] {
  const violations: FieldViolation[] = [];
  if (isEmpty(p.name)) {
    if (nameRequired) violations.push(required(`${path}.name`));
  } else violations.push(...check(`${path}.name`, p.name, isDns1123Label(p.name)));
  violations.push(...check(`${path}.port`, p.port, isValidPortNum(p.port)));
  if (p.protocol != null && !PROTOCOLS.includes(p.protocol)) {
    violations.push(notSupported(`${path}.protocol`, p.protocol, PROTOCOLS));
  }
  if (typeof p.targetPort === 'number') {
    violations.push(...check(`${path}.targetPort`, p.targetPort, isValidPortNum(p.targetPort)));
  } else if (!isEmpty(p.targetPort)) {
    violations.push(...check(`${path}.targetPort`, p.targetPort, isValidPortName(p.targetPort)));
  }
  if (p.nodePort != null && p.nodePort !== 0) {
    if (type === 'ClusterIP') {
      violations.push(forbidden(`${path}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
    } else if (!Number.isInteger(p.nodePort) || p.nodePort < NODE_PORT_RANGE.min || p.nodePort > NODE_PORT_RANGE.max) {
      const range = `${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}`;
      violations.push(
        invalid(
          `${path}.nodePort`,
          p.nodePort,
          `provided port is not in the valid range. The range of valid ports is ${range}`,
        ),
      );
    }
  }
  return violations;
}

export function validateEndpoints(ep: Endpoints): FieldViolation[] {
  const violations: FieldViolation[] = [];
  (ep.subsets ?? []).forEach((subset, i) => {
    const at = `subsets[${i}]`;
    const addresses = subset.addresses ?? [];
    const notReady = subset.notReadyAddresses ?? [];
    if (addresses.length === 0 && notReady.length === 0) {
      violations.push(required(at, 'must specify `addresses` or `notReadyAddresses`'));
    }
    addresses.forEach((a, j) => violations.push(...validateAddress(a, `${at}.addresses[${j}]`)));
    notReady.forEach((a, j) => violations.push(...validateAddress(a, `${at}.notReadyAddresses[${j}]`)));
    const ports = subset.ports ?? [];
    ports.forEach((p, j) => {
      const pp = `${at}.ports[${j}]`;
      if (isEmpty(p.name)) {
        if (ports.length > 1) violations.push(required(`${pp}.name`));
      } else violations.push(...check(`${pp}.name`, p.name, isDns1123Label(p.name)));
      violations.push(...check(`${pp}.port`, p.port, isValidPortNum(p.port)));
      if (p.protocol != null && !PROTOCOLS.includes(p.protocol)) {
        violations.push(notSupported(`${pp}.protocol`, p.protocol, PROTOCOLS));
      }
    });
    violations.push(
      ...findDuplicates(
        ports,
        (p) => p.name || undefined,
        (j) => `${at}.ports[${j}].name`,
      ),
    );
  });
  return violations;
}

function validateAddress(a: EndpointAddress, path: string): FieldViolation[] {
  const violations: FieldViolation[] = [];
  if (isEmpty(a.ip)) violations.push(required(`${path}.ip`));
  else {
    const format = check(`${path}.ip`, a.ip, isIPv4Address(a.ip));
    violations.push(...(format.length > 0 ? format : checkEndpointIP(`${path}.ip`, a.ip)));
  }
  if (!isEmpty(a.hostname)) violations.push(...check(`${path}.hostname`, a.hostname, isDns1123Label(a.hostname)));
  if (!isEmpty(a.nodeName)) violations.push(...check(`${path}.nodeName`, a.nodeName, isDns1123Subdomain(a.nodeName)));
  return violations;
}
