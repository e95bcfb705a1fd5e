import { CapstanError } from '../api/errors.ts';
import type { Container, EnvVar, Pod } from '../api/types.ts';
import { EMPTY_POD_CONFIG, envFromVars, envKeyRef, type PodConfig } from './pod-config.ts';
import type { ContainerSpec, DnsConfig, PortSpec, SandboxConfig } from './runtime.ts';

/** Pure translation of a Pod into what the container runtime needs: sandbox config, container specs, DNS. */

export interface PodDnsOptions {
  /** The node-local DNS responder pods query. */
  dnsServerIp: string;
  clusterDomain: string;
  /**
   * resolv.conf `ndots`. Kubernetes uses 5, so any name with fewer than five dots (`api.example.com`) is first
   * tried against each of the three search domains: four lookups (times A and AAAA) before the real one. 2 keeps
   * the short forms that need the search path working (`web`, `web.team`) while names with two or more dots
   * (`web.team.svc`, `www.example.com`) go out as written first, so external names cost one query, not four.
   */
  ndots: number;
}

/** The pod's resolv.conf: the cluster DNS server and Kubernetes' search path for the pod's namespace. */
export function podDnsConfig(namespace: string, options: PodDnsOptions): DnsConfig {
  const domain = options.clusterDomain;
  return {
    nameservers: [options.dnsServerIp],
    searches: [`${namespace}.svc.${domain}`, `svc.${domain}`, domain],
    options: [`ndots:${options.ndots}`],
  };
}

/** Every container port of the pod; those with a hostPort are published on the node's address. */
export function podPorts(pod: Pod): PortSpec[] {
  const out: PortSpec[] = [];
  const seen = new Set<string>();
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      const protocol = p.protocol ?? 'TCP';
      const key = `${p.containerPort}/${protocol}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ containerPort: p.containerPort, protocol, ...(p.hostPort ? { hostPort: p.hostPort } : {}) });
    }
  }
  return out;
}

export function sandboxConfig(
  pod: Pod,
  node: { name: string; address: string },
  dns: PodDnsOptions,
  attempt: number,
): SandboxConfig {
  const namespace = pod.metadata.namespace ?? 'default';
  return {
    node: node.name,
    uid: pod.metadata.uid,
    namespace,
    name: pod.metadata.name,
    hostname: pod.spec?.hostname ?? pod.metadata.name,
    hostIP: node.address,
    ports: podPorts(pod),
    dns: podDnsConfig(namespace, dns),
    volumes: pod.spec?.volumes ?? [],
    attempt,
  };
}

/** What a container's env can refer to through `fieldRef`. */
export interface FieldContext {
  podIP: string;
  hostIP: string;
}

/** The value of a downward-API `fieldRef` (INVALID when Capstan does not know the path). */
export function resolveFieldRef(pod: Pod, fieldPath: string, ctx: FieldContext): string {
  const indexed = /^metadata\.(labels|annotations)\['([^']*)'\]$/.exec(fieldPath);
  if (indexed) {
    const map = indexed[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations;
    return map?.[indexed[2]!] ?? '';
  }
  switch (fieldPath) {
    case 'metadata.name':
      return pod.metadata.name;
    case 'metadata.namespace':
      return pod.metadata.namespace ?? 'default';
    case 'metadata.uid':
      return pod.metadata.uid;
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'status.podIP':
      return ctx.podIP;
    case 'status.hostIP':
      return ctx.hostIP;
    default:
      throw CapstanError.invalid([
        {
          field: 'env.valueFrom.fieldRef.fieldPath',
          message: `unsupported field "${fieldPath}" (supported: metadata.name, metadata.namespace, metadata.uid, metadata.labels['k'], metadata.annotations['k'], spec.nodeName, status.podIP, status.hostIP)`,
        },
      ]);
  }
}

/**
 * Kubernetes' `$(VAR)` expansion: a reference to a defined variable is replaced, `$$` is a literal `$`, and an
 * unknown reference stays as written.
 */
export function expandVars(text: string, vars: ReadonlyMap<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) => {
    if (match === '$$') return '$';
    return vars.get(name!) ?? match;
  });
}

export function resolveEnv(
  pod: Pod,
  env: EnvVar[] | undefined,
  ctx: FieldContext,
  initial: ReadonlyMap<string, string> = new Map(),
  config: PodConfig = EMPTY_POD_CONFIG,
): { name: string; value: string }[] {
  const vars = new Map(initial);
  for (const e of env ?? []) {
    if (e.valueFrom?.configMapKeyRef || e.valueFrom?.secretKeyRef) {
      const value = envKeyRef(pod, e, config);
      if (value === undefined) continue;
      vars.set(e.name, value);
      continue;
    }
    const fieldPath = e.valueFrom?.fieldRef?.fieldPath;
    const value = fieldPath !== undefined ? resolveFieldRef(pod, fieldPath, ctx) : expandVars(e.value ?? '', vars);
    vars.set(e.name, value);
  }
  return [...vars].map(([name, value]) => ({ name, value }));
}

/**
 * The runtime spec of one app container: env resolved (`envFrom` first, then `env`, as Kubernetes orders them),
 * `$(VAR)` expanded in command and args. `config` holds the ConfigMaps and Secrets the pod refers to; a missing one
 * that is not optional throws INVALID (the container's CreateContainerConfigError).
 */
export function containerSpec(
  pod: Pod,
  container: Container,
  ctx: FieldContext,
  config: PodConfig = EMPTY_POD_CONFIG,
): ContainerSpec {
  const fromSources = envFromVars(pod, container, config);
  const env = resolveEnv(pod, container.env, ctx, fromSources, config);
  const vars = new Map(env.map((e) => [e.name, e.value]));
  const spec: ContainerSpec = { name: container.name, image: container.image };
  if (container.command?.length) spec.command = container.command.map((a) => expandVars(a, vars));
  if (container.args?.length) spec.args = container.args.map((a) => expandVars(a, vars));
  if (env.length > 0) spec.env = env;
  const configured = [
    ...fromSources.keys(),
    ...(container.env ?? [])
      .filter((e) => e.valueFrom?.configMapKeyRef || e.valueFrom?.secretKeyRef)
      .map((e) => e.name),
  ];
  if (configured.length > 0) spec.configEnv = [...new Set(configured)].sort();
  if (container.workingDir) spec.workingDir = container.workingDir;
  if (container.resources) spec.resources = container.resources;
  if (container.volumeMounts?.length) spec.volumeMounts = container.volumeMounts;
  return spec;
}

/**
 * True when the container's runtime spec depends on the pod's IP (an env var from `status.podIP`, which `$(VAR)`
 * references in command and args can only reach through such a var): it cannot be created before the sandbox runs.
 */
export function usesPodIP(container: Container): boolean {
  return (container.env ?? []).some((e) => e.valueFrom?.fieldRef?.fieldPath === 'status.podIP');
}

/** Names of the PersistentVolumeClaims the pod mounts. */
export function claimNames(pod: Pod): string[] {
  return [
    ...new Set(
      (pod.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : [])),
    ),
  ];
}
