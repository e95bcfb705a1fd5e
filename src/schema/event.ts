import { isCapstanError } from '../api/errors.ts';
import { isNamespaced, type Event, type KubeObject } from '../api/types.ts';
import { escapeFieldValue } from '../labels/field-selector.ts';
import { transformIterator, watchWithSnapshot } from '../resolvers/watch.ts';
import { builder } from './builder.ts';
import { KubeObjectRef, loadObject, ObjectMetaInput } from './common.ts';
import { defineKind } from './kind-fields.ts';

const EventTypeEnum = builder.enumType('EventType', { values: ['Normal', 'Warning'] as const });

type InvolvedObject = Event['involvedObject'];
const InvolvedObjectRef = builder.objectRef<InvolvedObject>('ObjectReference').implement({
  fields: (t) => ({
    kind: t.exposeString('kind', { nullable: false }),
    name: t.exposeString('name', { nullable: false }),
    namespace: t.exposeString('namespace'),
    uid: t.exposeString('uid'),
    resourceVersion: t.exposeString('resourceVersion'),
  }),
});
type EventSource = NonNullable<Event['source']>;
const EventSourceRef = builder.objectRef<EventSource>('EventSource').implement({
  fields: (t) => ({ component: t.exposeString('component'), host: t.exposeString('host') }),
});

const InvolvedObjectInput = builder.inputType('ObjectReferenceInput', {
  fields: (t) => ({
    kind: t.string({ required: true }),
    name: t.string({ required: true }),
    namespace: t.string(),
    uid: t.string(),
    resourceVersion: t.string(),
  }),
});
const EventSourceInput = builder.inputType('EventSourceInput', {
  fields: (t) => ({ component: t.string(), host: t.string() }),
});
const EventInput = builder.inputType('EventInput', {
  fields: (t) => ({
    metadata: t.field({ type: ObjectMetaInput, required: true }),
    involvedObject: t.field({ type: InvolvedObjectInput, required: true }),
    reason: t.string({ required: true }),
    message: t.string({ required: true }),
    type: t.field({ type: EventTypeEnum, required: true }),
    source: t.field({ type: EventSourceInput }),
    count: t.int(),
    firstTimestamp: t.string(),
    lastTimestamp: t.string(),
  }),
});

export const EventRef = defineKind('Event', { plural: 'events', input: EventInput });

EventRef.implement({
  interfaces: [KubeObjectRef],
  fields: (t) => ({
    involvedObject: t.expose('involvedObject', { type: InvolvedObjectRef, nullable: false }),
    object: t.field({
      type: KubeObjectRef,
      description: 'The object this event is about, while it exists.',
      resolve: (e, _args, context) =>
        loadObject(context, e.involvedObject.kind, e.involvedObject.namespace, e.involvedObject.name),
    }),
    reason: t.exposeString('reason', { nullable: false }),
    message: t.exposeString('message', { nullable: false }),
    type: t.expose('type', { type: EventTypeEnum, nullable: false }),
    source: t.expose('source', { type: EventSourceRef }),
    count: t.exposeInt('count'),
    firstTimestamp: t.exposeString('firstTimestamp'),
    lastTimestamp: t.exposeString('lastTimestamp'),
  }),
});

function isAbout(event: Event, object: KubeObject): boolean {
  const ref = event.involvedObject;
  if (ref.kind !== object.kind || ref.name !== object.metadata.name) return false;
  if (isNamespaced(object.kind) && ref.namespace !== object.metadata.namespace) return false;
  return !ref.uid || ref.uid === object.metadata.uid;
}

function eventTime(event: Event): string {
  return event.lastTimestamp ?? event.firstTimestamp ?? event.metadata.creationTimestamp;
}

builder.interfaceField(KubeObjectRef, 'events', (t) =>
  t.field({
    type: [EventRef],
    nullable: false,
    description: 'Events about this object, oldest first.',
    resolve: async (object, _args, context) => {
      const namespace = isNamespaced(object.kind) ? object.metadata.namespace : undefined;
      // By involvedObject.name, which the read cache indexes: only the events of objects of this name are read.
      const fieldSelector = `involvedObject.name=${escapeFieldValue(object.metadata.name)}`;
      let events: Event[];
      try {
        events = (await context.store.list('Event', { namespace, fieldSelector })).items;
      } catch (err) {
        // As the other edges: events the caller may not read are none for it.
        if (isCapstanError(err, 'FORBIDDEN')) return [];
        throw err;
      }
      return events.filter((e) => isAbout(e, object)).sort((a, b) => eventTime(a).localeCompare(eventTime(b)));
    },
  }),
);

builder.subscriptionField('events', (t) =>
  t.field({
    type: EventRef,
    nullable: false,
    description:
      'Events as they are recorded: the existing ones first, then new and updated ones. Narrow to a namespace ' +
      '(default all) and to one involved object by kind and name.',
    args: {
      namespace: t.arg.string(),
      involvedObjectKind: t.arg.string(),
      involvedObjectName: t.arg.string(),
    },
    subscribe: (_root, args, context) => {
      const fields = [
        args.involvedObjectKind ? `involvedObject.kind=${args.involvedObjectKind}` : '',
        args.involvedObjectName ? `involvedObject.name=${args.involvedObjectName}` : '',
      ].filter(Boolean);
      const watch = watchWithSnapshot(context.store, 'Event', {
        namespace: args.namespace ?? undefined,
        fieldSelector: fields.join(',') || undefined,
      });
      return transformIterator(watch, (delta) =>
        delta.object && delta.type !== 'DELETED' ? { value: delta.object } : undefined,
      );
    },
    resolve: (event) => event,
  }),
);
