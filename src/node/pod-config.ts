import { CapstanError } from '../api/errors.ts';
import type { ConfigMap, Container, EnvVar, KeyToPath, Pod, Secret, Volume } from '../api/types.ts';
import { podReferences } from '../auth/config-access.ts';
import type { Store } from '../store/store.ts';

/**
 * What a pod's ConfigMap and Secret references resolve to on its node: env values, projected volume files and
 * image pull credentials. Pure functions over the objects `fetchPodConfig` read, so the rules (optional references,
 * missing keys, items, modes) are unit-tested without a cluster.
 */

/** The ConfigMaps and Secrets a pod refers to, by name; absent: it does not exist. */
export interface PodConfig {
  configMaps: Map<string, ConfigMap | undefined>;
  secrets: Map<string, Secret | undefined>;
}

export const EMPTY_POD_CONFIG: PodConfig = { configMaps: new Map(), secrets: new Map() };

/** Reads the objects the pod refers to (one batch per kind; a node may read only these, see config-access.ts). */
export async function fetchPodConfig(store: Store, pod: Pod): Promise<PodConfig> {
  const namespace = pod.metadata.namespace ?? 'default';
  const refs = podReferences(pod);
  const read = async <K extends 'ConfigMap' | 'Secret'>(kind: K, names: Set<string>) => {
    if (names.size === 0) return new Map();
    const list = [...names];
    const objects = await store.getMany(
      kind,
      list.map((name) => ({ namespace, name })),
    );
    return new Map(list.map((name, i) => [name, objects[i]]));
  };
  const [configMaps, secrets] = await Promise.all([read('ConfigMap', refs.configMaps), read('Secret', refs.secrets)]);
  return { configMaps, secrets } as PodConfig;
}

function notFound(kind: 'configmap' | 'secret', name: string): CapstanError {
  return new CapstanError('INVALID', `${kind} "${name}" not found`);
}

function missingKey(kind: 'ConfigMap' | 'Secret', namespace: string, name: string, key: string): CapstanError {
  return new CapstanError('INVALID', `couldn't find key ${key} in ${kind} ${namespace}/${name}`);
}

/** The bytes of every key of a ConfigMap (data and binaryData) or Secret (base64 data). */
export function keysOf(object: ConfigMap | Secret): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  if (object.kind === 'ConfigMap') {
    for (const [k, v] of Object.entries(object.data ?? {})) out.set(k, Buffer.from(v));
    for (const [k, v] of Object.entries(object.binaryData ?? {})) out.set(k, Buffer.from(v, 'base64'));
  } else {
    for (const [k, v] of Object.entries(object.data ?? {})) out.set(k, Buffer.from(v, 'base64'));
  }
  return out;
}

/**
 * The env vars a container gets from ConfigMaps and Secrets, in Kubernetes' order: `envFrom` sources first (later
 * sources win), then `env` entries with a configMapKeyRef/secretKeyRef. Throws INVALID with the kubelet's message
 * (`configmap "x" not found`, `couldn't find key k in Secret ns/x`) for a missing reference that is not optional.
 * Keys that are not valid env var names are skipped, as the kubelet does.
 */
export function configEnv(pod: Pod, container: Container, config: PodConfig): Map<string, string> {
  const out = envFromVars(pod, container, config);
  for (const e of container.env ?? []) {
    const value = envKeyRef(pod, e, config);
    if (value !== undefined) out.set(e.name, value);
  }
  return out;
}

/** The vars of a container's `envFrom` sources (later sources win); see configEnv. */
export function envFromVars(pod: Pod, container: Container, config: PodConfig): Map<string, string> {
  const out = new Map<string, string>();
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    if (!ref) continue;
    const isSecret = source.secretRef !== undefined;
    const object = isSecret ? config.secrets.get(ref.name) : config.configMaps.get(ref.name);
    if (!object) {
      if (ref.optional) continue;
      throw notFound(isSecret ? 'secret' : 'configmap', ref.name);
    }
    for (const [key, value] of keysOf(object)) {
      const name = `${source.prefix ?? ''}${key}`;
      if (/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(name)) out.set(name, value.toString('utf8'));
    }
  }
  return out;
}

/**
 * The value of an env entry with a configMapKeyRef or secretKeyRef; undefined when it has none, or when an optional
 * reference is missing (the var is then not set). See configEnv for the errors.
 */
export function envKeyRef(pod: Pod, e: EnvVar, config: PodConfig): string | undefined {
  const selector = e.valueFrom?.configMapKeyRef ?? e.valueFrom?.secretKeyRef;
  if (!selector) return undefined;
  const isSecret = e.valueFrom?.secretKeyRef !== undefined;
  const object = isSecret ? config.secrets.get(selector.name) : config.configMaps.get(selector.name);
  if (!object) {
    if (selector.optional) return undefined;
    throw notFound(isSecret ? 'secret' : 'configmap', selector.name);
  }
  const value = keysOf(object).get(selector.key);
  if (value === undefined) {
    if (selector.optional) return undefined;
    throw missingKey(
      isSecret ? 'Secret' : 'ConfigMap',
      pod.metadata.namespace ?? 'default',
      selector.name,
      selector.key,
    );
  }
  return value.toString('utf8');
}

/** One file of a projected volume: a relative path, its bytes and mode. */
export interface ProjectedFile {
  path: string;
  data: Buffer;
  mode: number;
}

/** The source of a configMap or secret volume, or undefined for other volume types. */
function volumeSource(volume: Volume) {
  if (volume.configMap) {
    const { name, items, defaultMode, optional } = volume.configMap;
    return { kind: 'ConfigMap' as const, name, items, defaultMode, optional };
  }
  if (volume.secret) {
    const { secretName, items, defaultMode, optional } = volume.secret;
    return { kind: 'Secret' as const, name: secretName, items, defaultMode, optional };
  }
  return undefined;
}

/**
 * The files of a configMap or secret volume: every key as a file, or only `items` (key → path, own mode). A missing
 * object or item key that is not optional is an error worded as the kubelet's MountVolume.SetUp failure; an optional
 * missing object gives an empty volume. Undefined for other volume types.
 */
export function projectedFiles(pod: Pod, volume: Volume, config: PodConfig): ProjectedFile[] | undefined {
  const source = volumeSource(volume);
  if (!source) return undefined;
  const namespace = pod.metadata.namespace ?? 'default';
  const object = source.kind === 'Secret' ? config.secrets.get(source.name) : config.configMaps.get(source.name);
  const failed = (why: string) =>
    new CapstanError('INVALID', `MountVolume.SetUp failed for volume "${volume.name}": ${why}`);
  if (!object) {
    if (source.optional) return [];
    throw failed(`${source.kind === 'Secret' ? 'secret' : 'configmap'} "${source.name}" not found`);
  }
  const mode = source.defaultMode ?? 0o644;
  const keys = keysOf(object);
  if (!source.items?.length) return [...keys].map(([path, data]) => ({ path, data, mode }));
  return source.items.flatMap((item: KeyToPath) => {
    const data = keys.get(item.key);
    if (data === undefined) {
      if (source.optional) return [];
      throw failed(`couldn't find key ${item.key} in ${source.kind} ${namespace}/${source.name}`);
    }
    return [{ path: item.path, data, mode: item.mode ?? mode }];
  });
}

/**
 * Why containers of the pod cannot be created with the configuration as it is now, by container name: a missing
 * env reference of that container, or a missing volume source it mounts. Empty when everything resolves.
 */
export function configProblems(pod: Pod, config: PodConfig): Map<string, string> {
  const problems = new Map<string, string>();
  const volumeErrors = new Map<string, string>();
  for (const volume of pod.spec?.volumes ?? []) {
    try {
      projectedFiles(pod, volume, config);
    } catch (err) {
      volumeErrors.set(volume.name, (err as Error).message);
    }
  }
  for (const c of pod.spec?.containers ?? []) {
    try {
      configEnv(pod, c, config);
    } catch (err) {
      problems.set(c.name, (err as Error).message);
      continue;
    }
    const mount = (c.volumeMounts ?? []).find((m) => volumeErrors.has(m.name));
    if (mount) problems.set(c.name, volumeErrors.get(mount.name)!);
  }
  return problems;
}

/** Credentials for one registry, as Docker's authconfig takes them. */
export interface RegistryAuth {
  username: string;
  password: string;
  serveraddress: string;
  email?: string;
}

/** A registry address as written in a Docker config (`https://host:port/v1/`) or an image reference: `host:port`. */
export function registryHost(address: string): string {
  return address
    .replace(/^[a-z]+:\/\//, '')
    .split('/')[0]!
    .toLowerCase();
}

/** The registry host of an image reference (Docker Hub's for references without one). */
export function imageRegistry(image: string): string {
  const slash = image.indexOf('/');
  const first = slash < 0 ? '' : image.slice(0, slash);
  if (first.includes('.') || first.includes(':') || first === 'localhost') return first.toLowerCase();
  return 'index.docker.io';
}

/**
 * The credentials the pod's imagePullSecrets hold for the registry of `image`, first match in order (as the
 * kubelet tries them). Secrets that are missing, of another type or unparsable are skipped.
 */
export function pullCredentials(pod: Pod, image: string, config: PodConfig): RegistryAuth | undefined {
  const wanted = imageRegistry(image);
  for (const ref of pod.spec?.imagePullSecrets ?? []) {
    const secret = config.secrets.get(ref.name);
    const encoded = secret?.type === 'kubernetes.io/dockerconfigjson' ? secret.data?.['.dockerconfigjson'] : undefined;
    if (!encoded) continue;
    let auths: Record<string, { username?: string; password?: string; auth?: string; email?: string }>;
    try {
      auths = (JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as { auths?: typeof auths }).auths ?? {};
    } catch {
      continue;
    }
    for (const [server, entry] of Object.entries(auths)) {
      const host = registryHost(server);
      if (host !== wanted && !(wanted === 'index.docker.io' && host === 'docker.io')) continue;
      let { username, password } = entry;
      if ((!username || password === undefined) && entry.auth) {
        const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        username = decoded.slice(0, colon);
        password = decoded.slice(colon + 1);
      }
      if (!username || password === undefined) continue;
      return { username, password, serveraddress: host, ...(entry.email ? { email: entry.email } : {}) };
    }
  }
  return undefined;
}
