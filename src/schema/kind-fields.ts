import type { InputObjectRef } from '@pothos/core';
import { CapstanError } from '../api/errors.ts';
import { isNamespaced, type Kind, type KindMap, type KubeObject, type ObjectInput } from '../api/types.ts';
import { authorizeWrite, type WriteRequest } from '../auth/authorize.ts';
import { authorizeKindRead, authorizeObjectRead } from '../auth/config-access.ts';
import { requireLiveNodeCredential, revokeNodeCredentials } from '../auth/node-revocation.ts';
import { createObject, DEFAULT_NAMESPACE, deleteObject, updateObject } from '../resolvers/objects.ts';
import type { ListOptions } from '../store/store.ts';
import { builder, type SchemaContext } from './builder.ts';
import { fromInput, getObject, kindRef, listRef } from './common.ts';

export const PropagationPolicyEnum = builder.enumType('PropagationPolicy', {
  values: ['Background', 'Foreground', 'Orphan'] as const,
});

/**
 * Authorizes a write; a node credential's rights on pods depend on the stored pod, so it is read for them. A node's
 * Event creates are also rate-limited here (TOO_MANY_REQUESTS past `eventsPerNodePerMinute`).
 */
export async function authorizeMutation(context: SchemaContext, req: WriteRequest): Promise<void> {
  let current: KubeObject | undefined;
  if (context.identity?.role === 'node' && req.kind === 'Pod' && req.verb !== 'create') {
    current = await context.store.tryGet('Pod', req.namespace, req.name);
  }
  authorizeWrite(context.identity, current ? { ...req, current } : req);
  if (context.identity.role === 'node' && req.kind === 'Node' && req.verb === 'create') {
    await requireLiveNodeCredential(context.store, context.identity);
  }
  const nodeName = context.identity.nodeName;
  if (context.identity.role === 'node' && nodeName && req.kind === 'Event' && req.verb === 'create') {
    context.limiters?.nodeEvents.take(nodeName, () => `node ${nodeName} wrote too many events this minute`);
  }
}

/**
 * Before a Node is deleted, its node credentials are (and with them the certificates recorded in them): a deleted
 * node cannot act again, and its name can join again only with a bootstrap token, as a new node. Only for a Node
 * that exists at the expected version, so that a refused delete revokes nothing.
 */
async function revokeNodeOf(context: SchemaContext, name: string, expected: string | null | undefined): Promise<void> {
  const node = await context.store.tryGet('Node', undefined, name);
  if (!node || (expected && node.metadata.resourceVersion !== expected)) return;
  await revokeNodeCredentials(context.store, name);
}

/** Store list options from the list arguments every list query takes. */
export function listOptions(
  kind: Kind,
  args: {
    namespace?: string | null;
    allNamespaces?: boolean | null;
    labelSelector?: string | null;
    fieldSelector?: string | null;
    first?: number | null;
    after?: string | null;
  },
): ListOptions {
  if (args.namespace && args.allNamespaces) {
    throw CapstanError.invalid([{ field: 'allNamespaces', message: 'cannot be combined with namespace' }]);
  }
  if (args.first !== null && args.first !== undefined && args.first < 1) {
    throw CapstanError.invalid([{ field: 'first', message: 'must be at least 1' }]);
  }
  const options: ListOptions = {};
  if (isNamespaced(kind) && !args.allNamespaces) options.namespace = args.namespace ?? DEFAULT_NAMESPACE;
  if (args.labelSelector) options.labelSelector = args.labelSelector;
  if (args.fieldSelector) options.fieldSelector = args.fieldSelector;
  if (args.first) options.limit = args.first;
  if (args.after) options.continue = args.after;
  return options;
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/**
 * Declares a kind's object type (loadable by key) and its standard fields: `pod(namespace, name)`,
 * `pods(namespace, allNamespaces, labelSelector, fieldSelector, first, after)`, and the mutations
 * `createPod`, `updatePod`, `deletePod`. The caller implements the returned ref with the kind's own fields.
 */
export function defineKind<K extends Kind>(
  kind: K,
  options: {
    plural: string;
    input: InputObjectRef<typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never, object>;
  },
) {
  const ref = kindRef(kind);
  const list = listRef(kind, ref);
  const single = lowerFirst(kind);
  const namespaced = isNamespaced(kind);
  const inputArg = lowerFirst(kind);

  builder.queryField(single, (t) =>
    t.field({
      type: ref,
      description: `One ${kind} by name; NOT_FOUND when it does not exist.`,
      args: {
        ...(namespaced ? { namespace: t.arg.string({ defaultValue: DEFAULT_NAMESPACE }) } : {}),
        name: t.arg.string({ required: true }),
      },
      resolve: (_root, args, context) => {
        authorizeKindRead(context.identity, kind, 'get');
        const namespace = (args as { namespace?: string }).namespace ?? undefined;
        return authorizeObjectRead(context.store, context.identity, kind, namespace, args.name).then(() =>
          getObject(context, kind, namespace, args.name),
        ) as never;
      },
    }),
  );

  builder.queryField(options.plural, (t) =>
    t.field({
      type: list,
      nullable: false,
      description:
        `${kind} objects ${namespaced ? 'in a namespace (default "default", or all with allNamespaces) ' : ''}` +
        'matching label and field selectors, a page at a time.',
      args: {
        ...(namespaced ? { namespace: t.arg.string(), allNamespaces: t.arg.boolean() } : {}),
        labelSelector: t.arg.string({ description: 'Kubernetes syntax, e.g. "app=web,tier in (a,b)".' }),
        fieldSelector: t.arg.string({ description: 'Kubernetes syntax, e.g. "spec.nodeName=node-1".' }),
        first: t.arg.int({ description: 'Page size; default everything.' }),
        after: t.arg.string({ description: 'The `continue` cursor of the previous page.' }),
      },
      resolve: (_root, args, context) => {
        authorizeKindRead(context.identity, kind, 'list');
        return context.store.list(kind, listOptions(kind, args)) as never;
      },
    }),
  );

  // The input argument is named after the kind (`createPod(pod: PodInput!)`), so Pothos cannot type it.
  const writeArgs = (args: object) => {
    const raw = args as Record<string, unknown> & { dryRun?: boolean | null; expectedResourceVersion?: string | null };
    const object = { ...fromInput<ObjectInput<KindMap[K]>>(raw[inputArg]), kind };
    return {
      object,
      namespace: namespaced ? (object.metadata.namespace ?? DEFAULT_NAMESPACE) : undefined,
      dryRun: raw.dryRun ?? false,
      expectedResourceVersion: raw.expectedResourceVersion ?? undefined,
    };
  };

  builder.mutationField(`create${kind}`, (t) =>
    t.field({
      type: ref,
      nullable: false,
      args: {
        [inputArg]: t.arg({ type: options.input, required: true }),
        dryRun: t.arg.boolean({ description: 'Validate and return what would be written; write nothing.' }),
      },
      resolve: (_root, args, context) => {
        const { object, namespace, dryRun } = writeArgs(args);
        const name = object.metadata.name ?? '';
        return authorizeMutation(context, { kind, namespace, name, verb: 'create' }).then(() =>
          createObject(context.store, kind, object, { dryRun }),
        ) as never;
      },
    }),
  );

  builder.mutationField(`update${kind}`, (t) =>
    t.field({
      type: ref,
      nullable: false,
      description:
        'Replaces the desired state (spec or payload) and the metadata given; omitted labels, annotations, owners ' +
        'and finalizers stay. Status is not writable here.',
      args: {
        [inputArg]: t.arg({ type: options.input, required: true }),
        dryRun: t.arg.boolean({ description: 'Validate and return what would be written; write nothing.' }),
        expectedResourceVersion: t.arg.string({ description: 'CONFLICT unless the object is at this version.' }),
      },
      resolve: (_root, args, context) => {
        const { object, namespace, dryRun, expectedResourceVersion } = writeArgs(args);
        const name = object.metadata.name ?? '';
        return authorizeMutation(context, { kind, namespace, name, verb: 'update' }).then(() =>
          updateObject(context.store, kind, object, { dryRun, expectedResourceVersion }),
        ) as never;
      },
    }),
  );

  builder.mutationField(`delete${kind}`, (t) =>
    t.field({
      type: ref,
      nullable: false,
      description: 'Deletes; returns the object as last stored (with a deletionTimestamp while it shuts down).',
      args: {
        ...(namespaced ? { namespace: t.arg.string({ defaultValue: DEFAULT_NAMESPACE }) } : {}),
        name: t.arg.string({ required: true }),
        propagationPolicy: t.arg({ type: PropagationPolicyEnum }),
        gracePeriodSeconds: t.arg.int({
          description: "Pods: seconds to shut down (0: at once); default the pod's own.",
        }),
        dryRun: t.arg.boolean({ description: 'Validate and return what would be written; write nothing.' }),
        expectedResourceVersion: t.arg.string({ description: 'CONFLICT unless the object is at this version.' }),
      },
      resolve: (_root, args, context) => {
        const namespace = namespaced ? ((args as { namespace?: string }).namespace ?? DEFAULT_NAMESPACE) : undefined;
        return authorizeMutation(context, { kind, namespace, name: args.name, verb: 'delete' }).then(async () => {
          if (kind === 'Node' && !args.dryRun) await revokeNodeOf(context, args.name, args.expectedResourceVersion);
          return deleteObject(
            context.store,
            { kind, namespace, name: args.name },
            {
              dryRun: args.dryRun ?? false,
              expectedResourceVersion: args.expectedResourceVersion ?? undefined,
              propagationPolicy: args.propagationPolicy ?? undefined,
              gracePeriodSeconds: args.gracePeriodSeconds ?? undefined,
            },
          );
        }) as never;
      },
    }),
  );

  return ref;
}
