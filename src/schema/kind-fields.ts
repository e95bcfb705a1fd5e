import type { InputObjectRef } from '@pothos/core';
import { CapstanError } from '../api/errors.ts';
import { isNamespaced, type Kind, type KindMap, type ObjectInput } from '../api/types.ts';
import { createObject, DEFAULT_NAMESPACE, deleteObject, updateObject } from '../resolvers/objects.ts';
import type { ListOptions } from '../store/store.ts';
import { builder } from './builder.ts';
import { fromInput, getObject, kindRef, listRef } from './common.ts';

export const PropagationPolicyEnum = builder.enumType('PropagationPolicy', {
  values: ['Background', 'Foreground', 'Orphan'] as const,
});

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
      resolve: (_root, args, context) =>
        getObject(context, kind, (args as { namespace?: string }).namespace ?? undefined, args.name) as never,
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
      resolve: (_root, args, context) => context.store.list(kind, listOptions(kind, args)) as never,
    }),
  );

  // The input argument is named after the kind (`createPod(pod: PodInput!)`), so Pothos cannot type it.
  const writeArgs = (args: object) => {
    const raw = args as Record<string, unknown> & { dryRun?: boolean | null; expectedResourceVersion?: string | null };
    const object = { ...fromInput<ObjectInput<KindMap[K]>>(raw[inputArg]), kind };
    return {
      object,
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
        const { object, dryRun } = writeArgs(args);
        return createObject(context.store, kind, object, { dryRun }) as never;
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
        const { object, dryRun, expectedResourceVersion } = writeArgs(args);
        return updateObject(context.store, kind, object, { dryRun, expectedResourceVersion }) as never;
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
          description: "Pods: seconds to shut down (0: at once, negative: BAD_USER_INPUT); default the pod's own.",
        }),
        dryRun: t.arg.boolean({ description: 'Validate and return what would be written; write nothing.' }),
        expectedResourceVersion: t.arg.string({ description: 'CONFLICT unless the object is at this version.' }),
      },
      resolve: (_root, args, context) => {
        const namespace = namespaced ? ((args as { namespace?: string }).namespace ?? DEFAULT_NAMESPACE) : undefined;
        const options = {
          dryRun: args.dryRun ?? false,
          expectedResourceVersion: args.expectedResourceVersion ?? undefined,
          propagationPolicy: args.propagationPolicy ?? undefined,
          gracePeriodSeconds: args.gracePeriodSeconds ?? undefined,
        };
        const ref = { kind, namespace, name: args.name };
        if (kind !== 'Node' || options.dryRun) return deleteObject(context.store, ref, options) as never;
        // A Node's credentials and certificates are revoked before it goes (TokenService.revokeNode).
        if (!context.tokens) throw new CapstanError('UNAVAILABLE', 'this API server manages no tokens');
        return context.tokens
          .revokeNode(context.identity, args.name, args.expectedResourceVersion)
          .then(() => deleteObject(context.store, ref, options)) as never;
      },
    }),
  );

  return ref;
}
