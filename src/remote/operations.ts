import { CapstanError } from '../api/errors.ts';
import { isNamespaced, type Kind } from '../api/types.ts';
import type { SchemaShapes } from '../sdk/object-shapes.ts';

/** The GraphQL documents the remote Store sends for one kind, built from the schema's shapes. */
export interface KindOperations {
  kind: Kind;
  /** `{ object }` */
  get: string;
  /** `{ list: { items, continue, resourceVersion } }` */
  list: string;
  /** `{ object }`; variables `input`, `dryRun`. */
  create: string;
  /** `{ object }`; variables `input`, `dryRun`, `expectedResourceVersion`. */
  update: string;
  /** `{ object }`; variables `namespace`, `name`, `status`, `dryRun`, `expectedResourceVersion`. Pods and Nodes only. */
  updateStatus?: string;
  /** Input type of `updateStatus`'s status, e.g. PodStatusInput. */
  statusInput?: string;
  /** Input type of create/update, e.g. PodInput. */
  input: string;
  /** `{ object }`; variables `namespace`, `name`, `propagationPolicy`, `gracePeriodSeconds`, `dryRun`, `expectedResourceVersion`. */
  delete: string;
  /** `{ watch: { type, resourceVersion, object } }`; variables `kind`, `namespace`, selectors, `since`. */
  watch: string;
}

/** Trades a bootstrap token (sent as the request's bearer token) for a node credential. */
export const JOIN_NODE = `mutation JoinNode($nodeName: String!) {
  joinNode(nodeName: $nodeName) { token name expiresAt }
}`;

/** A new credential for the node the request's bearer token (its current credential) belongs to. */
export const RENEW_NODE_CREDENTIAL = `mutation RenewNodeCredential {
  renewNodeCredential { token name expiresAt }
}`;

/** Has the node's CSR for its endpoint's serving certificate signed; sent with the node credential. */
export const REQUEST_NODE_CERTIFICATE = `mutation RequestNodeCertificate($csr: String!) {
  requestNodeCertificate(csr: $csr) { certificate caCertificate }
}`;

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function unsupported(what: string): CapstanError {
  return new CapstanError('UNAVAILABLE', `not supported over the remote API: ${what}`);
}

const STATUS_MUTATIONS: Partial<Record<Kind, string>> = { Pod: 'updatePodStatus', Node: 'updateNodeStatus' };

/** Builds the documents of a kind; throws UNAVAILABLE when the API has no type for it. */
export function kindOperations(shapes: SchemaShapes, kind: Kind): KindOperations {
  if (kind === 'Token' || !shapes.hasKind(kind)) throw unsupported(`the API has no ${kind} type`);
  const selection = shapes.kindSelection(kind);
  const single = lowerFirst(kind);
  const plural = shapes.rootFieldReturning('Query', `${kind}List`);
  if (!plural) throw unsupported(`the API cannot list ${kind} objects`);
  const namespaced = isNamespaced(kind);
  const nsVar = namespaced ? '$namespace: String, ' : '';
  const nsArg = namespaced ? 'namespace: $namespace, ' : '';
  const input = `${kind}Input`;
  const statusMutation = STATUS_MUTATIONS[kind];
  const statusInput = `${kind}StatusInput`;
  const hasStatus = statusMutation !== undefined && shapes.hasRootField('Mutation', statusMutation);

  return {
    kind,
    input,
    get: `query Get${kind}(${nsVar}$name: String!) {
  object: ${single}(${nsArg}name: $name) { ${selection} }
}`,
    list: `query List${kind}(${nsVar}${namespaced ? '$allNamespaces: Boolean, ' : ''}$labelSelector: String, $fieldSelector: String, $first: Int, $after: String) {
  list: ${plural}(${nsArg}${namespaced ? 'allNamespaces: $allNamespaces, ' : ''}labelSelector: $labelSelector, fieldSelector: $fieldSelector, first: $first, after: $after) {
    items { ${selection} }
    continue
    resourceVersion
  }
}`,
    create: `mutation Create${kind}($input: ${input}!, $dryRun: Boolean) {
  object: create${kind}(${single}: $input, dryRun: $dryRun) { ${selection} }
}`,
    update: `mutation Update${kind}($input: ${input}!, $dryRun: Boolean, $expectedResourceVersion: String) {
  object: update${kind}(${single}: $input, dryRun: $dryRun, expectedResourceVersion: $expectedResourceVersion) { ${selection} }
}`,
    ...(hasStatus
      ? {
          statusInput,
          updateStatus: `mutation Update${kind}Status(${nsVar}$name: String!, $status: ${statusInput}!, $dryRun: Boolean, $expectedResourceVersion: String) {
  object: ${statusMutation}(${nsArg}name: $name, status: $status, dryRun: $dryRun, expectedResourceVersion: $expectedResourceVersion) { ${selection} }
}`,
        }
      : {}),
    delete: `mutation Delete${kind}(${nsVar}$name: String!, $propagationPolicy: PropagationPolicy, $gracePeriodSeconds: Int, $dryRun: Boolean, $expectedResourceVersion: String) {
  object: delete${kind}(${nsArg}name: $name, propagationPolicy: $propagationPolicy, gracePeriodSeconds: $gracePeriodSeconds, dryRun: $dryRun, expectedResourceVersion: $expectedResourceVersion) { ${selection} }
}`,
    watch: `subscription Watch${kind}($kind: WatchKind!, $namespace: String, $labelSelector: String, $fieldSelector: String, $since: String) {
  watch(kind: $kind, namespace: $namespace, labelSelector: $labelSelector, fieldSelector: $fieldSelector, sinceResourceVersion: $since) {
    type
    resourceVersion
    object { ... on ${kind} { ${selection} } }
  }
}`,
  };
}

export { unsupported };
