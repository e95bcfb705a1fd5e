import { CapstanError } from '../api/errors.ts';
import { isNamespaced, type Kind, type KubeObject, type Pod } from '../api/types.ts';
import type { Identity } from './identity.ts';

/** Namespace of the per-node heartbeat Leases; a node may write only the Lease named after itself there. */
export const NODE_LEASE_NAMESPACE = 'capstan-node-lease';

export type WriteVerb = 'create' | 'update' | 'updateStatus' | 'delete';

/** One write a caller wants to make, as the authorizer sees it. */
export interface WriteRequest {
  kind: Kind;
  namespace?: string;
  name: string;
  verb: WriteVerb;
  /** The object as submitted (create/update/updateStatus). */
  object?: KubeObject;
  /** The object as currently stored; required to let a node write a pod's status (its binding is checked here). */
  current?: KubeObject;
}

const VERB_TEXT: Record<WriteVerb, string> = {
  create: 'create',
  update: 'update',
  updateStatus: 'update the status of',
  delete: 'delete',
};

function describe(req: Pick<WriteRequest, 'kind' | 'namespace' | 'name'>): string {
  const ref = isNamespaced(req.kind) && req.namespace ? `${req.namespace}/${req.name}` : req.name;
  return `${req.kind.toLowerCase()} ${ref}`;
}

function unauthenticated(): CapstanError {
  return new CapstanError(
    'UNAUTHENTICATED',
    'authentication required: send "Authorization: Bearer <token>" (your token is in ~/.capstan/config)',
  );
}

/** Throws unless the caller may read cluster state: admin, viewer and node credentials may; bootstrap may not. */
export function authorizeRead(identity: Identity | null): asserts identity is Identity {
  if (!identity) throw unauthenticated();
  if (identity.role === 'bootstrap') {
    throw new CapstanError(
      'FORBIDDEN',
      `bootstrap token "${identity.tokenName}" may only be exchanged for a node credential (joinNode), not read cluster state`,
    );
  }
  if (!['admin', 'viewer', 'node'].includes(identity.role)) throw retiredRole(identity, 'read cluster state');
}

/** A Token stored with a role this release does not know (the `exec` role of earlier releases): it may do nothing. */
function retiredRole(identity: Identity, what: string): CapstanError {
  return new CapstanError(
    'FORBIDDEN',
    `token "${identity.tokenName}" has role ${String(identity.role)}, which this release does not know: it may not ${what}`,
  );
}

function nodeMayWrite(nodeName: string, req: WriteRequest): boolean {
  const { kind, verb, name } = req;
  switch (kind) {
    case 'Node':
      return verb !== 'delete' && name === nodeName;
    case 'Lease':
      return verb !== 'delete' && req.namespace === NODE_LEASE_NAMESPACE && name === nodeName;
    case 'Pod':
      // The stored pod decides, never the submitted one: a node must not claim a pod by rewriting its nodeName.
      // Delete is allowed for bound pods, as Kubernetes' NodeRestriction does, so the agent can finish a graceful
      // deletion it carried out.
      return (
        (verb === 'updateStatus' || verb === 'delete') && (req.current as Pod | undefined)?.spec?.nodeName === nodeName
      );
    case 'Event':
      return verb === 'create';
    default:
      return false;
  }
}

function nodeRefusal(nodeName: string, req: WriteRequest): string {
  const base = `node ${nodeName} may not ${VERB_TEXT[req.verb]} ${describe(req)}`;
  if (req.kind === 'Pod') {
    const boundTo = (req.current as Pod | undefined)?.spec?.nodeName;
    if (boundTo && boundTo !== nodeName) return `${base} bound to node ${boundTo}`;
    if (req.verb === 'updateStatus' || req.verb === 'delete') return `${base}: it is not bound to node ${nodeName}`;
    return `${base}: a node may only update the status of (or delete) pods bound to it`;
  }
  if (req.kind === 'Node' || req.kind === 'Lease') {
    const own = req.kind === 'Node' ? `node ${nodeName}` : `lease ${NODE_LEASE_NAMESPACE}/${nodeName}`;
    return `${base}: a node may only create and update its own ${own}`;
  }
  return base;
}

/**
 * Throws UNAUTHENTICATED when there is no identity and FORBIDDEN when the identity may not make this write.
 * admin: everything. viewer: nothing. bootstrap: nothing (its one use is the joinNode exchange).
 * Any other role (a Token stored by an earlier release): nothing.
 * node N: create/update/updateStatus of Node N and Lease capstan-node-lease/N; updateStatus and delete of pods
 * whose stored spec.nodeName is N; create Events.
 */
export function authorizeWrite(identity: Identity | null, req: WriteRequest): asserts identity is Identity {
  if (!identity) throw unauthenticated();
  switch (identity.role) {
    case 'admin':
      return;
    case 'viewer':
      throw new CapstanError(
        'FORBIDDEN',
        `token "${identity.tokenName}" is a viewer token (read-only): it may not ${VERB_TEXT[req.verb]} ${describe(req)}`,
      );
    case 'bootstrap':
      throw new CapstanError(
        'FORBIDDEN',
        `bootstrap token "${identity.tokenName}" may only be exchanged for a node credential (joinNode): it may not ${VERB_TEXT[req.verb]} ${describe(req)}`,
      );
    case 'node': {
      const nodeName = identity.nodeName;
      if (nodeName && nodeMayWrite(nodeName, req)) return;
      throw new CapstanError('FORBIDDEN', nodeRefusal(nodeName ?? '(unnamed)', req));
    }
    default:
      throw retiredRole(identity, `${VERB_TEXT[req.verb]} ${describe(req)}`);
  }
}
