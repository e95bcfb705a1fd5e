import { CapstanError } from '../api/errors.ts';
import type { Kind, Pod } from '../api/types.ts';
import type { Identity } from './identity.ts';
import type { Store } from '../store/store.ts';
import { authorizeRead } from './authorize.ts';

/** Kinds a node may read only when a pod bound to it refers to the object (Kubernetes' Node authorizer). */
const NODE_SCOPED_KINDS: ReadonlySet<Kind> = new Set(['ConfigMap', 'Secret']);

export type ReadVerb = 'get' | 'list' | 'watch';

/**
 * Throws unless the identity may read objects of `kind` at all: what authorizeRead checks, Tokens for admins only
 * (they hold only hashes, but who may call the API is an admin's business), and for Secrets the viewer role is
 * refused (as Kubernetes' `view` ClusterRole leaves Secrets out). A node may only `get` ConfigMaps and Secrets, one
 * at a time, and only those of its pods (see authorizeObjectRead): it may not list or watch them.
 */
export function authorizeKindRead(identity: Identity | null, kind: Kind, verb: ReadVerb): asserts identity is Identity {
  authorizeRead(identity);
  if (kind === 'Token' && identity.role !== 'admin') {
    throw new CapstanError(
      'FORBIDDEN',
      `${identity.role === 'node' ? `node ${identity.nodeName ?? '(unnamed)'}` : `token "${identity.tokenName}"`} may not ${verb} tokens: admins only`,
    );
  }
  if (kind === 'Secret' && identity.role === 'viewer') {
    throw new CapstanError(
      'FORBIDDEN',
      `token "${identity.tokenName}" is a viewer token: it may not ${verb} secrets (a viewer reads everything but Secrets)`,
    );
  }
  if (identity.role === 'node' && NODE_SCOPED_KINDS.has(kind) && verb !== 'get') {
    throw new CapstanError(
      'FORBIDDEN',
      `node ${identity.nodeName ?? '(unnamed)'} may not ${verb} ${kind.toLowerCase()}s: a node may only get those its pods refer to`,
    );
  }
}

/** Names of the ConfigMaps and Secrets a pod refers to: env, envFrom, volumes and (Secrets) imagePullSecrets. */
export function podReferences(pod: Pod): { configMaps: Set<string>; secrets: Set<string> } {
  const configMaps = new Set<string>();
  const secrets = new Set<string>();
  const spec = pod.spec;
  for (const c of spec?.containers ?? []) {
    for (const e of c.env ?? []) {
      if (e.valueFrom?.configMapKeyRef) configMaps.add(e.valueFrom.configMapKeyRef.name);
      if (e.valueFrom?.secretKeyRef) secrets.add(e.valueFrom.secretKeyRef.name);
    }
    for (const e of c.envFrom ?? []) {
      if (e.configMapRef) configMaps.add(e.configMapRef.name);
      if (e.secretRef) secrets.add(e.secretRef.name);
    }
  }
  for (const v of spec?.volumes ?? []) {
    if (v.configMap) configMaps.add(v.configMap.name);
    if (v.secret) secrets.add(v.secret.secretName);
  }
  for (const r of spec?.imagePullSecrets ?? []) secrets.add(r.name);
  return { configMaps, secrets };
}

/**
 * For a node credential and a ConfigMap or Secret: throws FORBIDDEN unless a pod bound to that node, in the same
 * namespace, refers to it, so a compromised node can read only the credentials of pods it already runs. Everyone
 * else passes (their kind-level rights are checked by authorizeKindRead).
 */
export async function authorizeObjectRead(
  store: Store,
  identity: Identity,
  kind: Kind,
  namespace: string | undefined,
  name: string,
): Promise<void> {
  if (identity.role !== 'node' || !NODE_SCOPED_KINDS.has(kind)) return;
  const nodeName = identity.nodeName ?? '';
  const ns = namespace || 'default';
  const { items } = await store.list('Pod', { namespace: ns, fieldSelector: `spec.nodeName=${nodeName}` });
  const used = items.some((pod) => {
    const refs = podReferences(pod);
    return (kind === 'Secret' ? refs.secrets : refs.configMaps).has(name);
  });
  if (!used) {
    throw new CapstanError(
      'FORBIDDEN',
      `node ${nodeName} may not get ${kind.toLowerCase()} ${ns}/${name}: no pod bound to it refers to it`,
    );
  }
}
