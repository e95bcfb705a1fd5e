import type { ContainerState, ContainerStatus, HostPortMapping, PodCondition, PodStatus } from '../api/types.ts';
import { podLogs, type LogLine } from '../resolvers/logs.ts';
import { DEFAULT_NAMESPACE } from '../resolvers/objects.ts';
import { podDisplayStatus, podReadyCount, podRestarts } from '../resolvers/pod-columns.ts';
import { releasingOnEnd, transformIterator, watchWithSnapshot } from '../resolvers/watch.ts';
import { builder, type SchemaContext } from './builder.ts';
import { KubeObjectRef, loadObject, ObjectMetaInput } from './common.ts';
import { PURE } from './items-json.ts';
import { defineKind } from './kind-fields.ts';
import { NodeRef } from './node.ts';
import { PodSpecInput, PodSpecRef, ProtocolEnum } from './pod-spec.ts';

export const PodPhaseEnum = builder.enumType('PodPhase', {
  values: ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] as const,
});

const PodConditionRef = builder.objectRef<PodCondition>('PodCondition').implement({
  fields: (t) => ({
    type: t.exposeString('type', { nullable: false }),
    status: t.exposeString('status', { nullable: false }),
    reason: t.exposeString('reason'),
    message: t.exposeString('message'),
    lastTransitionTime: t.exposeString('lastTransitionTime'),
  }),
});

type Waiting = NonNullable<ContainerState['waiting']>;
type Running = NonNullable<ContainerState['running']>;
type Terminated = NonNullable<ContainerState['terminated']>;
const WaitingRef = builder.objectRef<Waiting>('ContainerStateWaiting').implement({
  fields: (t) => ({ reason: t.exposeString('reason'), message: t.exposeString('message') }),
});
const RunningRef = builder.objectRef<Running>('ContainerStateRunning').implement({
  fields: (t) => ({ startedAt: t.exposeString('startedAt') }),
});
const TerminatedRef = builder.objectRef<Terminated>('ContainerStateTerminated').implement({
  fields: (t) => ({
    exitCode: t.exposeInt('exitCode', { nullable: false }),
    reason: t.exposeString('reason'),
    message: t.exposeString('message'),
    startedAt: t.exposeString('startedAt'),
    finishedAt: t.exposeString('finishedAt'),
  }),
});
const ContainerStateRef = builder.objectRef<ContainerState>('ContainerState').implement({
  fields: (t) => ({
    waiting: t.expose('waiting', { type: WaitingRef }),
    running: t.expose('running', { type: RunningRef }),
    terminated: t.expose('terminated', { type: TerminatedRef }),
  }),
});

const ContainerStatusRef = builder.objectRef<ContainerStatus>('ContainerStatus').implement({
  fields: (t) => ({
    name: t.exposeString('name', { nullable: false }),
    image: t.exposeString('image', { nullable: false }),
    imageID: t.exposeString('imageID'),
    containerID: t.exposeString('containerID'),
    ready: t.exposeBoolean('ready', { nullable: false }),
    started: t.exposeBoolean('started'),
    restartCount: t.exposeInt('restartCount', { nullable: false }),
    state: t.expose('state', { type: ContainerStateRef, nullable: false }),
    lastState: t.expose('lastState', { type: ContainerStateRef }),
  }),
});

export const HostPortMappingRef = builder.objectRef<HostPortMapping>('HostPortMapping').implement({
  fields: (t) => ({
    containerPort: t.exposeInt('containerPort', { nullable: false }),
    protocol: t.expose('protocol', { type: ProtocolEnum, nullable: false }),
    hostIP: t.exposeString('hostIP', { nullable: false }),
    hostPort: t.exposeInt('hostPort', { nullable: false }),
  }),
});

type Timeline = NonNullable<PodStatus['timeline']>;
const PodTimelineRef = builder.objectRef<Timeline>('PodTimeline').implement({
  description: 'When the pod reached each step of its start, for startup latency.',
  fields: (t) => ({
    scheduled: t.exposeString('scheduled'),
    sandboxCreated: t.exposeString('sandboxCreated'),
    started: t.exposeString('started'),
    ready: t.exposeString('ready'),
  }),
});

const PodStatusRef = builder.objectRef<PodStatus>('PodStatus').implement({
  fields: (t) => ({
    phase: t.expose('phase', { type: PodPhaseEnum }),
    reason: t.exposeString('reason'),
    message: t.exposeString('message'),
    conditions: t.expose('conditions', { type: [PodConditionRef] }),
    podIP: t.exposeString('podIP'),
    hostIP: t.exposeString('hostIP'),
    startTime: t.exposeString('startTime'),
    containerStatuses: t.expose('containerStatuses', { type: [ContainerStatusRef] }),
    hostPorts: t.expose('hostPorts', { type: [HostPortMappingRef] }),
    timeline: t.expose('timeline', { type: PodTimelineRef }),
  }),
});

const PodInput = builder.inputType('PodInput', {
  fields: (t) => ({
    metadata: t.field({ type: ObjectMetaInput, required: true }),
    spec: t.field({ type: PodSpecInput, required: true }),
  }),
});

export const PodRef = defineKind('Pod', { plural: 'pods', input: PodInput });

PodRef.implement({
  interfaces: [KubeObjectRef],
  fields: (t) => ({
    spec: t.expose('spec', { type: PodSpecRef }),
    status: t.expose('status', { type: PodStatusRef }),
    ready: t.string({
      nullable: false,
      description: 'Ready containers over all, e.g. "2/3".',
      extensions: PURE,
      resolve: podReadyCount,
    }),
    restarts: t.int({
      nullable: false,
      description: 'Container restarts, summed.',
      extensions: PURE,
      resolve: podRestarts,
    }),
    displayStatus: t.string({
      nullable: false,
      extensions: PURE,
      description: 'What kubectl shows as STATUS: Running, ContainerCreating, CrashLoopBackOff, Terminating...',
      resolve: podDisplayStatus,
    }),
    node: t.field({
      type: NodeRef,
      description: 'The node the pod is bound to.',
      resolve: (pod, _args, context) =>
        pod.spec?.nodeName ? loadObject(context, 'Node', undefined, pod.spec.nodeName) : null,
    }),
  }),
});

const LogLineRef = builder.objectRef<LogLine>('LogLine').implement({
  fields: (t) => ({
    container: t.exposeString('container', { nullable: false }),
    text: t.exposeString('text', { nullable: false }),
    timestamp: t.exposeString('timestamp'),
  }),
});

builder.subscriptionFields((t) => ({
  podStatus: t.field({
    type: PodRef,
    nullable: false,
    description: 'One pod: its current state, then every change; ends after the pod is deleted.',
    args: {
      namespace: t.arg.string({ defaultValue: DEFAULT_NAMESPACE }),
      name: t.arg.string({ required: true }),
    },
    subscribe: (_root, args, context) => {
      const watch = watchWithSnapshot(context.store, 'Pod', {
        namespace: args.namespace ?? DEFAULT_NAMESPACE,
        fieldSelector: `metadata.name=${args.name}`,
      });
      return transformIterator(watch, (event) =>
        event.object ? { value: event.object, last: event.type === 'DELETED' } : undefined,
      );
    },
    resolve: (pod) => pod,
  }),
  podLogs: t.field({
    type: LogLineRef,
    nullable: false,
    description:
      'Container output, as kubectl logs: the last tailLines lines (default all), then new lines while follow is set. ' +
      'UNAVAILABLE when no node agent serves logs to this server.',
    args: {
      namespace: t.arg.string({ defaultValue: DEFAULT_NAMESPACE }),
      name: t.arg.string({ required: true }),
      container: t.arg.string({ description: 'Required when the pod has several containers.' }),
      follow: t.arg.boolean({ defaultValue: false }),
      tailLines: t.arg.int(),
    },
    subscribe: async (_root, args, context) => {
      // The field's rule (read) let only an authenticated caller this far.
      const tokenName = context.identity?.tokenName ?? '';
      const release = args.follow
        ? context.limiters?.logFollows.acquire(
            tokenName,
            () => `token "${tokenName}" follows ${context.limiters?.logFollows.max} container logs already`,
          )
        : undefined;
      if (!release) return podLogsOf(context, args);
      try {
        return releasingOnEnd(await podLogsOf(context, args), release);
      } catch (err) {
        release();
        throw err;
      }
    },
    resolve: (line) => line,
  }),
}));

function podLogsOf(
  context: SchemaContext,
  args: {
    namespace?: string | null;
    name: string;
    container?: string | null;
    follow?: boolean | null;
    tailLines?: number | null;
  },
): Promise<AsyncIterable<LogLine>> {
  return podLogs(
    context.store,
    context.logSource,
    { namespace: args.namespace ?? DEFAULT_NAMESPACE, name: args.name },
    {
      container: args.container ?? undefined,
      follow: args.follow ?? false,
      tailLines: args.tailLines ?? undefined,
    },
  );
}
