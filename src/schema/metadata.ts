import { NAMESPACED_KINDS, type KubeObject } from '../api/types.ts';
import { setImage, type ImageUpdate } from '../resolvers/images.ts';
import { changeMetadata, type MetadataField, type MetadataUpdate } from '../resolvers/metadata.ts';
import { DEFAULT_NAMESPACE } from '../resolvers/objects.ts';
import { builder, type SchemaContext } from './builder.ts';
import { fromInput, KeyValueInput, KubeObjectRef } from './common.ts';

const LabelableKindEnum = builder.enumType('LabelableKind', {
  description: 'The kinds label and annotate change.',
  // Every kind the API serves except Token.
  values: [...NAMESPACED_KINDS, 'Node', 'Namespace'] as const,
});

const ImageKindEnum = builder.enumType('ImageKind', {
  description: 'The kinds setImage changes.',
  values: ['Deployment', 'ReplicationController', 'Pod'] as const,
});

const ContainerImageInput = builder.inputType('ContainerImageInput', {
  fields: (t) => ({
    container: t.string({ required: true, description: 'A container name, or "*" for every container.' }),
    image: t.string({ required: true }),
  }),
});

const MetadataUpdateRef = builder.objectRef<MetadataUpdate<KubeObject>>('MetadataUpdate').implement({
  description: 'What label or annotate did.',
  fields: (t) => ({
    object: t.field({ type: KubeObjectRef, nullable: false, resolve: (r) => r.object }),
    changed: t.exposeBoolean('changed', { nullable: false, description: 'False when the object already matched.' }),
    notFound: t.exposeStringList('notFound', {
      nullable: false,
      description: 'Keys asked to be removed that the object did not have.',
    }),
  }),
});

const ImageUpdateRef = builder.objectRef<ImageUpdate>('ImageUpdate').implement({
  description: 'What setImage did.',
  fields: (t) => ({
    object: t.field({ type: KubeObjectRef, nullable: false, resolve: (r) => r.object }),
    changed: t.exposeBoolean('changed', { nullable: false, description: 'False when every image was already set.' }),
  }),
});

const dryRunDescription = 'Validate and return what would be written; write nothing.';

interface MetadataArgs {
  kind: (typeof LabelableKindEnum)['$inferType'];
  namespace?: string | null;
  name: string;
  set?: readonly { key: string; value: string }[] | null;
  remove?: readonly string[] | null;
  overwrite?: boolean | null;
  dryRun?: boolean | null;
  expectedResourceVersion?: string | null;
}

async function resolveMetadata(field: MetadataField, args: MetadataArgs, context: SchemaContext) {
  const ref = { kind: args.kind, namespace: args.namespace ?? DEFAULT_NAMESPACE, name: args.name };
  return changeMetadata(
    context.store,
    ref,
    field,
    {
      set: fromInput<Record<string, string>>(args.set ?? [], 'labels'),
      remove: args.remove ?? [],
      overwrite: args.overwrite ?? false,
    },
    { dryRun: args.dryRun ?? false, expectedResourceVersion: args.expectedResourceVersion ?? undefined },
  ) as Promise<MetadataUpdate<KubeObject>>;
}

builder.mutationFields((t) => {
  const metadataArgs = (noun: string) => ({
    kind: t.arg({ type: LabelableKindEnum, required: true }),
    namespace: t.arg.string({ defaultValue: DEFAULT_NAMESPACE, description: 'Ignored for Nodes and Namespaces.' }),
    name: t.arg.string({ required: true }),
    set: t.arg({ type: [KeyValueInput], description: `The ${noun}s to add or change.` }),
    remove: t.arg.stringList({ description: `Keys of ${noun}s to remove.` }),
    overwrite: t.arg.boolean({
      defaultValue: false,
      description: `Allow changing the value of an existing ${noun}; CONFLICT otherwise.`,
    }),
    dryRun: t.arg.boolean({ description: dryRunDescription }),
    expectedResourceVersion: t.arg.string({ description: 'CONFLICT unless the object is at this version.' }),
  });
  return {
    label: t.field({
      type: MetadataUpdateRef,
      nullable: false,
      description:
        "kubectl label: adds, changes (with overwrite) and removes an object's labels. Keys and values follow the " +
        'Kubernetes label rules (INVALID otherwise).',
      args: metadataArgs('label'),
      resolve: (_root, args, context) => resolveMetadata('labels', args, context),
    }),
    annotate: t.field({
      type: MetadataUpdateRef,
      nullable: false,
      description: "kubectl annotate: adds, changes (with overwrite) and removes an object's annotations.",
      args: metadataArgs('annotation'),
      resolve: (_root, args, context) => resolveMetadata('annotations', args, context),
    }),
    setImage: t.field({
      type: ImageUpdateRef,
      nullable: false,
      description:
        'kubectl set image: replaces container images of a Deployment or ReplicationController template, or of a ' +
        'Pod. A Deployment then rolls the new template out. An unknown container name is INVALID.',
      args: {
        kind: t.arg({ type: ImageKindEnum, required: true }),
        namespace: t.arg.string({ defaultValue: DEFAULT_NAMESPACE }),
        name: t.arg.string({ required: true }),
        images: t.arg({ type: [ContainerImageInput], required: true }),
        dryRun: t.arg.boolean({ description: dryRunDescription }),
        expectedResourceVersion: t.arg.string({ description: 'CONFLICT unless the object is at this version.' }),
      },
      resolve: async (_root, args, context) => {
        const ref = { kind: args.kind, namespace: args.namespace ?? DEFAULT_NAMESPACE, name: args.name };
        return setImage(context.store, ref, args.images, {
          dryRun: args.dryRun ?? false,
          expectedResourceVersion: args.expectedResourceVersion ?? undefined,
        });
      },
    }),
  };
});
