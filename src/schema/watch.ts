import type { Kind, KubeObject } from '../api/types.ts';
import { watchWithSnapshot, type WatchDelta } from '../resolvers/watch.ts';
import { builder } from './builder.ts';
import { KubeObjectRef } from './common.ts';

export const WatchKindEnum = builder.enumType('WatchKind', {
  values: [
    'Pod',
    'ReplicationController',
    'Deployment',
    'Service',
    'Endpoints',
    'Node',
    'Namespace',
    'Event',
    'PersistentVolumeClaim',
    'ConfigMap',
    'Secret',
    'Lease',
  ] as const satisfies readonly Kind[],
});

const WatchEventTypeEnum = builder.enumType('WatchEventType', {
  values: {
    ADDED: { description: 'The object appeared (or, in a snapshot, exists).' },
    MODIFIED: { description: 'The object changed.' },
    DELETED: { description: 'The object is gone (or no longer matches the selectors).' },
    BOOKMARK: { description: 'End of a snapshot; resourceVersion is where to resume from. No object.' },
    RESYNC: {
      description:
        'The requested version is older than the change history kept: drop what you hold; a fresh snapshot follows.',
    },
  } as const,
});

const WatchEventRef = builder.objectRef<WatchDelta<KubeObject>>('WatchEvent').implement({
  fields: (t) => ({
    type: t.field({ type: WatchEventTypeEnum, nullable: false, resolve: (e) => e.type }),
    object: t.expose('object', { type: KubeObjectRef }),
    resourceVersion: t.exposeString('resourceVersion', {
      nullable: false,
      description: 'Resume a watch after this event with sinceResourceVersion.',
    }),
  }),
});

builder.subscriptionField('watch', (t) =>
  t.field({
    type: WatchEventRef,
    nullable: false,
    description:
      'Changes to objects of a kind. Without sinceResourceVersion: the current objects as ADDED, a BOOKMARK, then ' +
      'every change. With it: the changes after that version. A version too old for the change history gives a ' +
      'RESYNC event and a fresh snapshot, never a silent gap.',
    args: {
      kind: t.arg({ type: WatchKindEnum, required: true }),
      namespace: t.arg.string({ description: 'Default: every namespace.' }),
      labelSelector: t.arg.string(),
      fieldSelector: t.arg.string(),
      sinceResourceVersion: t.arg.string(),
    },
    subscribe: (_root, args, context) => {
      return watchWithSnapshot(context.store, args.kind, {
        namespace: args.namespace ?? undefined,
        labelSelector: args.labelSelector ?? undefined,
        fieldSelector: args.fieldSelector ?? undefined,
        sinceResourceVersion: args.sinceResourceVersion ?? undefined,
      }) as AsyncIterable<WatchDelta<KubeObject>>;
    },
    resolve: (event) => event,
  }),
);
