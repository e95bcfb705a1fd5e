import { posix } from 'node:path';
import { CapstanError } from '../api/errors.ts';
import type { FieldViolation } from '../api/errors.ts';
import type { Endpoints, KubeObject, Pod, PodSpec } from '../api/types.ts';
import { inCidr } from '../api/validation/endpoint-ip.ts';
import { forbidden, invalid, sameJson } from '../api/validation/field.ts';
import type { AdmissionPlugin } from '../store/store.ts';

/** hostPath prefixes pods may mount by default: data directories an administrator makes for them. */
export const DEFAULT_HOST_PATH_ALLOWED = ['/srv', '/mnt', '/tmp'];
/** Host ports pods may ask for by default: no privileged port (53, 80, 443, ... of the node). */
export const DEFAULT_HOST_PORT_RANGE = '1024-65535';

/**
 * Host paths no pod may mount, even under an allowed prefix, nor any directory above them: the host's root and
 * configuration, kernel interfaces, the Docker socket (root on the host), and the state of Docker, Redis and
 * Capstan (a pod reading them holds every credential of the cluster).
 */
export const PROTECTED_HOST_PATHS = [
  '/',
  '/etc',
  '/proc',
  '/sys',
  '/dev',
  '/boot',
  '/root',
  '/run',
  '/var/run',
  '/var/run/docker.sock',
  '/var/lib/docker',
  '/var/lib/redis',
  '/var/lib/capstan',
  '/etc/capstan',
];

export interface ClusterPolicyOptions {
  /** The ClusterIP range: no endpoint or pod address may lie in it. */
  serviceCidr: string;
  /** hostPath prefixes pods may mount (CAPSTAN_HOSTPATH_ALLOWED). Default DEFAULT_HOST_PATH_ALLOWED. */
  hostPathAllowed?: readonly string[];
  /** Extra protected paths, e.g. a node's own state root. */
  protectedPaths?: readonly string[];
  /** `MIN-MAX` host ports pods may ask for, or `none` (CAPSTAN_HOST_PORT_RANGE). Default 1024-65535. */
  hostPortRange?: string;
}

const TEMPLATE_KINDS = new Set(['ReplicationController', 'Deployment']);
/** The capabilities Pod Security Standards "baseline" lets a container add. */
const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

function under(path: string, prefix: string): boolean {
  return prefix === '/' || path === prefix || path.startsWith(`${prefix}/`);
}

function parsePortRange(text: string): { min: number; max: number } | undefined {
  if (text.trim() === 'none') return undefined;
  const match = /^(\d+)-(\d+)$/.exec(text.trim());
  const min = Number(match?.[1]);
  const max = Number(match?.[2]);
  if (!match || min < 1 || max > 65_535 || min > max) {
    throw CapstanError.invalid([{ field: 'CAPSTAN_HOST_PORT_RANGE', message: `"${text}" must be MIN-MAX or none` }]);
  }
  return { min, max };
}

/**
 * The cluster's admission policy for what reaches the nodes: Pod Security Standards "baseline" for pods and the
 * pod templates of workloads (host namespaces, privileged containers, added capabilities, hostPath outside the
 * allowed prefixes, host ports outside the range), and no endpoint or pod address in the service range (the
 * address rules that need no cluster setting are in validation, see endpoint-ip.ts). Runs in the store for every
 * writer; each refusal is INVALID naming the field and the rule.
 */
export class ClusterPolicy implements AdmissionPlugin {
  readonly kinds = ['Pod', 'ReplicationController', 'Deployment', 'Endpoints'] as const;
  private readonly serviceCidr: string;
  private readonly allowed: string[];
  private readonly protectedPaths: string[];
  private readonly hostPorts: { min: number; max: number } | undefined;
  private readonly hostPortText: string;

  constructor(options: ClusterPolicyOptions) {
    this.serviceCidr = options.serviceCidr;
    this.allowed = (options.hostPathAllowed ?? DEFAULT_HOST_PATH_ALLOWED).map((p) => posix.normalize(p));
    this.protectedPaths = [...PROTECTED_HOST_PATHS, ...(options.protectedPaths ?? [])].map((p) => posix.normalize(p));
    this.hostPortText = options.hostPortRange ?? DEFAULT_HOST_PORT_RANGE;
    this.hostPorts = parsePortRange(this.hostPortText);
  }

  admit(request: { operation: 'create' | 'update'; object: KubeObject; old?: KubeObject }): KubeObject {
    const { object, old } = request;
    const violations: FieldViolation[] = [];
    if (object.kind === 'Endpoints') violations.push(...this.checkEndpoints(object as Endpoints));
    if (object.kind === 'Pod') {
      const pod = object as Pod;
      // A pod admitted before a policy change keeps running: only a new or changed spec is judged again.
      if (!old || !sameJson(pod.spec, (old as Pod).spec)) violations.push(...this.checkPodSpec(pod.spec, 'spec'));
      const ip = pod.status?.podIP;
      if (ip && ip !== (old as Pod | undefined)?.status?.podIP && inCidr(this.serviceCidr, ip)) {
        violations.push(invalid('status.podIP', ip, `may not be in the service IP range (${this.serviceCidr})`));
      }
    }
    if (TEMPLATE_KINDS.has(object.kind)) {
      const template = (object.spec as { template?: { spec?: PodSpec } } | undefined)?.template?.spec;
      const previous = (old?.spec as { template?: { spec?: PodSpec } } | undefined)?.template?.spec;
      if (!old || !sameJson(template, previous)) violations.push(...this.checkPodSpec(template, 'spec.template.spec'));
    }
    if (violations.length > 0) throw CapstanError.invalid(violations, `${object.kind} ${object.metadata.name}`);
    return object;
  }

  private checkEndpoints(ep: Endpoints): FieldViolation[] {
    const violations: FieldViolation[] = [];
    (ep.subsets ?? []).forEach((subset, i) => {
      for (const list of ['addresses', 'notReadyAddresses'] as const) {
        (subset[list] ?? []).forEach((a, j) => {
          if (a.ip && inCidr(this.serviceCidr, a.ip)) {
            violations.push(
              invalid(
                `subsets[${i}].${list}[${j}].ip`,
                a.ip,
                `may not be in the service IP range (${this.serviceCidr})`,
              ),
            );
          }
        });
      }
    });
    return violations;
  }

  /** Pod Security Standards "baseline", on a pod spec at `path`. */
  checkPodSpec(spec: PodSpec | undefined, path: string): FieldViolation[] {
    if (!spec) return [];
    const violations: FieldViolation[] = [];
    const rule = (field: string, detail: string) =>
      violations.push(forbidden(field, `pod security baseline: ${detail}`));
    // Fields Capstan does not implement may still arrive through a manifest: refused, never silently dropped.
    const raw = spec as unknown as Record<string, unknown>;
    for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
      if (raw[field] === true) rule(`${path}.${field}`, 'host namespaces are not allowed');
    }
    (spec.volumes ?? []).forEach((volume, i) => {
      const hostPath = volume.hostPath?.path;
      if (typeof hostPath === 'string' && hostPath !== '') {
        const problem = this.hostPathProblem(hostPath);
        if (problem) rule(`${path}.volumes[${i}].hostPath.path`, problem);
      }
    });
    spec.containers?.forEach((container, i) => {
      const at = `${path}.containers[${i}]`;
      (container.ports ?? []).forEach((port, j) => {
        if (port.hostPort === undefined || port.hostPort === 0) return;
        const range = this.hostPorts;
        if (!range || port.hostPort < range.min || port.hostPort > range.max) {
          rule(
            `${at}.ports[${j}].hostPort`,
            range
              ? `host ports must be in ${range.min}-${range.max} (CAPSTAN_HOST_PORT_RANGE)`
              : 'host ports are not allowed (CAPSTAN_HOST_PORT_RANGE=none)',
          );
        }
      });
      const security = (container as unknown as { securityContext?: Record<string, unknown> }).securityContext;
      if (security?.privileged === true)
        rule(`${at}.securityContext.privileged`, 'privileged containers are not allowed');
      if (security?.allowPrivilegeEscalation === true) {
        rule(`${at}.securityContext.allowPrivilegeEscalation`, 'containers run with no-new-privileges');
      }
      const added = (security?.capabilities as { add?: unknown } | undefined)?.add;
      if (Array.isArray(added)) {
        added.forEach((cap, k) => {
          const name = String(cap).replace(/^CAP_/, '');
          if (!BASELINE_CAPABILITIES.has(name)) {
            rule(`${at}.securityContext.capabilities.add[${k}]`, `capability ${String(cap)} may not be added`);
          }
        });
      }
    });
    return violations;
  }

  private hostPathProblem(path: string): string | undefined {
    const normal = posix.normalize(path).replace(/(.)\/$/, '$1');
    const guarded = this.protectedPaths.find((p) =>
      p === '/' ? normal === '/' : under(p, normal) || under(normal, p),
    );
    if (guarded !== undefined) {
      return `${normal} is or contains ${guarded}, which pods may not mount`;
    }
    if (!this.allowed.some((prefix) => under(normal, prefix))) {
      const list = this.allowed.length > 0 ? this.allowed.join(', ') : 'nothing';
      return `hostPath volumes are allowed only under ${list} (CAPSTAN_HOSTPATH_ALLOWED)`;
    }
    return undefined;
  }
}
