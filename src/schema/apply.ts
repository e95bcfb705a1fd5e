import type { ApplyResult } from '../resolvers/apply.ts';
import { applyManifest } from '../resolvers/apply.ts';
import { applyDiff } from '../resolvers/apply-diff.ts';
import { parseManifest } from '../resolvers/manifest.ts';
import { DEFAULT_NAMESPACE } from '../resolvers/objects.ts';
import { builder } from './builder.ts';
import { KubeObjectRef } from './common.ts';

const ApplyActionEnum = builder.enumType('ApplyAction', {
  values: {
    CREATED: { value: 'created' },
    CONFIGURED: { value: 'configured' },
    UNCHANGED: { value: 'unchanged' },
  } as const,
});

const ApplyResultRef = builder.objectRef<ApplyResult>('ApplyResult').implement({
  fields: (t) => ({
    index: t.exposeInt('index', { nullable: false, description: 'Position of the document in the manifest.' }),
    kind: t.exposeString('kind', { nullable: false }),
    namespace: t.exposeString('namespace'),
    name: t.exposeString('name', { nullable: false }),
    action: t.expose('action', { type: ApplyActionEnum, nullable: false }),
    object: t.expose('object', { type: KubeObjectRef, nullable: false }),
    diff: t.string({
      nullable: false,
      description:
        'kubectl diff: a unified diff of the YAML from the live object to the object as written (or, with dryRun, ' +
        'as the server would write it); labels, annotations and spec, not status. Empty when nothing changes.',
      resolve: (result) =>
        applyDiff([result.kind, result.namespace, result.name].filter(Boolean).join('/'), result.live, result.object),
    }),
  }),
});

builder.mutationField('apply', (t) =>
  t.field({
    type: [ApplyResultRef],
    nullable: false,
    description:
      'kubectl apply: creates or updates every object of multi-document Kubernetes YAML (v1 Namespace, Pod, ' +
      'ReplicationController, Service, PersistentVolumeClaim, Endpoints; apps/v1 Deployment). Every document is ' +
      'validated before anything is written.',
    args: {
      manifest: t.arg.string({ required: true }),
      namespace: t.arg.string({ description: 'For documents that name no namespace; default "default".' }),
      dryRun: t.arg.boolean({ description: 'Validate and report what would happen; write nothing.' }),
    },
    resolve: async (_root, args, context) => {
      const namespace = args.namespace ?? DEFAULT_NAMESPACE;
      // Off the event loop when the server has a parser (yoga.ts): YAML can be made slow to parse.
      const docs = context.limiters
        ? await context.limiters.manifests.parse(args.manifest)
        : parseManifest(args.manifest);
      // applyManifest plans every document with dry-run writes before it writes any, so a document the caller's
      // store refuses leaves nothing half-applied.
      return applyManifest(context.store, docs, { dryRun: args.dryRun ?? false, namespace });
    },
  }),
);
