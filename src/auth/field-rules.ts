import { defaultFieldResolver, type GraphQLField, type GraphQLSchema } from 'graphql';
import { CapstanError } from '../api/errors.ts';
import type { Identity } from './identity.ts';
import { authorizeRead } from './authorize.ts';

/**
 * Who may call a root field of the API, checked before its resolver runs. Object-level rules (a node writes only
 * its own Node and Lease and the pods bound to it, reads only the ConfigMaps and Secrets its pods use) are then
 * checked on the stored object by the request's store, an AuthorizedStore for the caller (src/server/use-auth.ts),
 * whatever resolver reaches it; this table decides which roles get that far.
 *
 * - `anyone`: no token needed (the field checks the credential it is given: joinNode's bootstrap token).
 * - `authenticated`: any valid token.
 * - `read`: admin, viewer and node (`authorizeRead`).
 * - `write`: admin, and node for the objects a node may write (its Node, Lease, pods' status, events).
 * - `list`: admin and viewer: whole lists that a node may not read (it reads only what its pods refer to).
 * - `secret`: admin, and node for the Secrets its pods refer to (checked on the object); never a viewer.
 * - `node`: node credentials only.
 * - `admin`: admin only.
 */
export type FieldRule = 'anyone' | 'authenticated' | 'read' | 'list' | 'secret' | 'write' | 'node' | 'admin';

type RootType = 'Query' | 'Mutation' | 'Subscription';

/** The rule of every root field. A field missing here makes the schema refuse to build. */
export const FIELD_RULES: Record<RootType, Record<string, FieldRule>> = {
  Query: {
    node: 'read',
    nodes: 'read',
    pod: 'read',
    pods: 'read',
    replicationController: 'read',
    replicationControllers: 'read',
    deployment: 'read',
    deployments: 'read',
    endpoints: 'read',
    endpointsList: 'read',
    service: 'read',
    services: 'read',
    namespace: 'read',
    namespaces: 'read',
    event: 'read',
    events: 'read',
    persistentVolumeClaim: 'read',
    persistentVolumeClaims: 'read',
    whoami: 'authenticated',
    clusterInfo: 'read',
    lease: 'read',
    leases: 'read',
    tokens: 'admin',
    configMap: 'read',
    configMaps: 'list',
    secret: 'secret',
    secrets: 'admin',
  },
  Mutation: {
    createNode: 'write',
    updateNode: 'write',
    deleteNode: 'admin',
    cordon: 'write',
    uncordon: 'write',
    drain: 'admin',
    createPod: 'admin',
    updatePod: 'admin',
    deletePod: 'write',
    exec: 'admin',
    createReplicationController: 'admin',
    updateReplicationController: 'admin',
    deleteReplicationController: 'admin',
    createDeployment: 'admin',
    updateDeployment: 'admin',
    deleteDeployment: 'admin',
    run: 'admin',
    scale: 'admin',
    rollback: 'admin',
    rolloutUndo: 'admin',
    rolloutRestart: 'admin',
    createEndpoints: 'admin',
    updateEndpoints: 'admin',
    deleteEndpoints: 'admin',
    createService: 'admin',
    updateService: 'admin',
    deleteService: 'admin',
    expose: 'admin',
    createNamespace: 'admin',
    updateNamespace: 'admin',
    deleteNamespace: 'admin',
    createEvent: 'write',
    updateEvent: 'admin',
    deleteEvent: 'admin',
    createPersistentVolumeClaim: 'admin',
    updatePersistentVolumeClaim: 'admin',
    deletePersistentVolumeClaim: 'admin',
    createConfigMap: 'admin',
    updateConfigMap: 'admin',
    deleteConfigMap: 'admin',
    createSecret: 'admin',
    updateSecret: 'admin',
    deleteSecret: 'admin',
    apply: 'write',
    label: 'write',
    annotate: 'write',
    setImage: 'admin',
    createToken: 'admin',
    deleteToken: 'admin',
    requestNodeCertificate: 'node',
    joinNode: 'anyone',
    renewNodeCredential: 'node',
    createLease: 'write',
    updateLease: 'write',
    deleteLease: 'admin',
    updatePodStatus: 'write',
    updateNodeStatus: 'write',
  },
  Subscription: {
    podStatus: 'read',
    podLogs: 'read',
    deploymentLogs: 'read',
    podUsage: 'read',
    nodeUsage: 'read',
    events: 'read',
    watch: 'read',
  },
};

function unauthenticated(): CapstanError {
  return new CapstanError(
    'UNAUTHENTICATED',
    'authentication required: send "Authorization: Bearer <token>" (your token is in ~/.capstan/config)',
  );
}

function refusal(identity: Identity, field: string, needs: string): CapstanError {
  const who =
    identity.role === 'viewer'
      ? `token "${identity.tokenName}" is a viewer token (read-only)`
      : identity.role === 'node'
        ? `node ${identity.nodeName ?? '(unnamed)'}`
        : `${identity.role} token "${identity.tokenName}"`;
  return new CapstanError('FORBIDDEN', `${who} may not call ${field}: ${needs}`);
}

/** Throws UNAUTHENTICATED or FORBIDDEN unless `identity` may call a field with `rule`. */
export function checkFieldRule(rule: FieldRule, identity: Identity | null, field: string): void {
  if (rule === 'anyone') return;
  if (!identity) throw unauthenticated();
  switch (rule) {
    case 'authenticated':
      return;
    case 'read':
      authorizeRead(identity);
      return;
    case 'write':
      if (identity.role === 'admin' || identity.role === 'node') return;
      if (identity.role === 'bootstrap') {
        throw new CapstanError(
          'FORBIDDEN',
          `bootstrap token "${identity.tokenName}" may only be exchanged for a node credential (joinNode), not call ${field}`,
        );
      }
      throw refusal(identity, field, 'that needs an admin token');
    case 'list':
      if (identity.role === 'admin' || identity.role === 'viewer') return;
      if (identity.role === 'node') {
        throw refusal(identity, field, 'a node reads only the objects its pods refer to, one by one');
      }
      authorizeRead(identity);
      throw refusal(identity, field, 'that needs an admin or viewer token');
    case 'secret':
      if (identity.role === 'admin' || (identity.role === 'node' && identity.nodeName)) return;
      throw refusal(identity, field, 'Secrets are for admins, and for a node those its pods refer to');
    case 'node':
      if (identity.role === 'node' && identity.nodeName) return;
      throw refusal(identity, field, 'only a node credential may, for its own node');
    case 'admin':
      if (identity.role === 'admin') return;
      if (field === 'exec') {
        throw new CapstanError(
          'FORBIDDEN',
          `token "${identity.tokenName}" (role ${identity.role}) may not run commands in containers: that needs an admin token`,
        );
      }
      throw refusal(identity, field, 'that needs an admin token');
  }
}

/**
 * Puts the rule check in front of the resolver (and the subscribe function) of every root field, so that no field
 * runs without one. Throws when a root field has no rule, or a rule names a field the schema does not have: a new
 * field must say who may call it.
 */
export function enforceFieldRules(schema: GraphQLSchema): GraphQLSchema {
  const roots: [RootType, ReturnType<GraphQLSchema['getQueryType']>][] = [
    ['Query', schema.getQueryType()],
    ['Mutation', schema.getMutationType()],
    ['Subscription', schema.getSubscriptionType()],
  ];
  const problems: string[] = [];
  for (const [typeName, type] of roots) {
    const rules = FIELD_RULES[typeName];
    const fields = type?.getFields() ?? {};
    for (const name of Object.keys(rules))
      if (!fields[name]) problems.push(`${typeName}.${name} has a rule but no field`);
    for (const field of Object.values(fields)) {
      const rule = rules[field.name];
      if (!rule) {
        problems.push(`${typeName}.${field.name} has no authorization rule (src/auth/field-rules.ts)`);
        continue;
      }
      guard(field, rule);
    }
  }
  if (problems.length > 0) throw new Error(`authorization rules out of step with the schema:\n${problems.join('\n')}`);
  return schema;
}

type Ctx = { identity: Identity | null };

function guard(field: GraphQLField<unknown, Ctx>, rule: FieldRule): void {
  const resolve = field.resolve ?? defaultFieldResolver;
  field.resolve = (source, args, context, info) => {
    checkFieldRule(rule, context.identity, field.name);
    return resolve(source, args, context, info);
  };
  const subscribe = field.subscribe;
  if (subscribe) {
    field.subscribe = (source, args, context, info) => {
      checkFieldRule(rule, context.identity, field.name);
      return subscribe(source, args, context, info);
    };
  }
}
