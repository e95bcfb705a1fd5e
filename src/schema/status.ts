import type { Kind, KindMap, NodeStatus, PodStatus } from '../api/types.ts';
import { checkResourceVersion, DEFAULT_NAMESPACE } from '../resolvers/objects.ts';
import { builder, type SchemaContext } from './builder.ts';
import { fromInput } from './common.ts';
import { NodeRef } from './node.ts';
import { PodPhaseEnum, PodRef } from './pod.ts';
import { ProtocolEnum } from './pod-spec.ts';

const PodConditionInput = builder.inputType('PodConditionInput', {
  fields: (t) => ({
    type: t.string({ required: true }),
    status: t.string({ required: true }),
    reason: t.string(),
    message: t.string(),
    lastTransitionTime: t.string(),
  }),
});

const ContainerStateInput = builder.inputType('ContainerStateInput', {
  fields: (t) => ({
    waiting: t.field({
      type: builder.inputType('ContainerStateWaitingInput', {
        fields: (w) => ({ reason: w.string(), message: w.string() }),
      }),
    }),
    running: t.field({
      type: builder.inputType('ContainerStateRunningInput', { fields: (r) => ({ startedAt: r.string() }) }),
    }),
    terminated: t.field({
      type: builder.inputType('ContainerStateTerminatedInput', {
        fields: (x) => ({
          exitCode: x.int({ required: true }),
          reason: x.string(),
          message: x.string(),
          startedAt: x.string(),
          finishedAt: x.string(),
        }),
      }),
    }),
  }),
});

const ContainerStatusInput = builder.inputType('ContainerStatusInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    image: t.string({ required: true }),
    imageID: t.string(),
    containerID: t.string(),
    ready: t.boolean({ required: true }),
    started: t.boolean(),
    restartCount: t.int({ required: true }),
    state: t.field({ type: ContainerStateInput, required: true }),
    lastState: t.field({ type: ContainerStateInput }),
  }),
});

const HostPortMappingInput = builder.inputType('HostPortMappingInput', {
  fields: (t) => ({
    containerPort: t.int({ required: true }),
    protocol: t.field({ type: ProtocolEnum, required: true }),
    hostIP: t.string({ required: true }),
    hostPort: t.int({ required: true }),
  }),
});

const PodStatusInput = builder.inputType('PodStatusInput', {
  description: 'The observed state of a pod, as its node agent reports it.',
  fields: (t) => ({
    phase: t.field({ type: PodPhaseEnum }),
    reason: t.string(),
    message: t.string(),
    conditions: t.field({ type: [PodConditionInput] }),
    podIP: t.string(),
    hostIP: t.string(),
    startTime: t.string(),
    containerStatuses: t.field({ type: [ContainerStatusInput] }),
    hostPorts: t.field({ type: [HostPortMappingInput] }),
    timeline: t.field({
      type: builder.inputType('PodTimelineInput', {
        fields: (l) => ({ scheduled: l.string(), sandboxCreated: l.string(), started: l.string(), ready: l.string() }),
      }),
    }),
  }),
});

const NodeResourcesInput = builder.inputType('NodeResourcesInput', {
  fields: (t) => ({ cpu: t.string(), memory: t.string(), pods: t.string() }),
});

const NodeStatusInput = builder.inputType('NodeStatusInput', {
  description: 'The observed state of a node, as its node agent reports it.',
  fields: (t) => ({
    capacity: t.field({ type: NodeResourcesInput }),
    allocatable: t.field({ type: NodeResourcesInput }),
    addresses: t.field({
      type: [
        builder.inputType('NodeAddressInput', {
          fields: (a) => ({ type: a.string({ required: true }), address: a.string({ required: true }) }),
        }),
      ],
    }),
    conditions: t.field({
      type: [
        builder.inputType('NodeConditionInput', {
          fields: (c) => ({
            type: c.string({ required: true }),
            status: c.string({ required: true }),
            reason: c.string(),
            message: c.string(),
            lastHeartbeatTime: c.string(),
            lastTransitionTime: c.string(),
          }),
        }),
      ],
    }),
    nodeInfo: t.field({
      type: builder.inputType('NodeSystemInfoInput', {
        fields: (i) => ({
          containerRuntimeVersion: i.string(),
          kubeletVersion: i.string(),
          operatingSystem: i.string(),
          architecture: i.string(),
        }),
      }),
    }),
    daemonEndpoints: t.field({
      type: builder.inputType('NodeDaemonEndpointsInput', {
        fields: (d) => ({
          kubeletEndpoint: d.field({
            type: builder.inputType('DaemonEndpointInput', { fields: (e) => ({ Port: e.int({ required: true }) }) }),
          }),
        }),
      }),
    }),
  }),
});

/**
 * Replaces an object's status. Authorized against the stored object being replaced (a node may write the status of
 * pods bound to it and of its own Node), inside the store's compare-and-set, so a pod re-bound meanwhile is refused.
 */
function writeStatus<K extends 'Pod' | 'Node'>(
  context: SchemaContext,
  kind: K,
  namespace: string | undefined,
  name: string,
  status: NonNullable<KindMap[K]['status']>,
  options: { dryRun: boolean; expectedResourceVersion?: string },
): Promise<KindMap[K]> {
  return context.store.mutate(
    kind as Kind,
    namespace,
    name,
    (current) => {
      checkResourceVersion(current, options.expectedResourceVersion);
      return { ...current, status } as typeof current;
    },
    { status: true, dryRun: options.dryRun },
  ) as Promise<KindMap[K]>;
}

builder.mutationFields((t) => ({
  updatePodStatus: t.field({
    type: PodRef,
    nullable: false,
    description: "Replaces a pod's status (node agents report what runs). Spec and metadata stay.",
    args: {
      namespace: t.arg.string({ defaultValue: DEFAULT_NAMESPACE }),
      name: t.arg.string({ required: true }),
      status: t.arg({ type: PodStatusInput, required: true }),
      dryRun: t.arg.boolean({ description: 'Validate and return what would be written; write nothing.' }),
      expectedResourceVersion: t.arg.string({ description: 'CONFLICT unless the pod is at this version.' }),
    },
    resolve: (_root, args, context) =>
      writeStatus(context, 'Pod', args.namespace ?? DEFAULT_NAMESPACE, args.name, fromInput<PodStatus>(args.status), {
        dryRun: args.dryRun ?? false,
        expectedResourceVersion: args.expectedResourceVersion ?? undefined,
      }),
  }),
  updateNodeStatus: t.field({
    type: NodeRef,
    nullable: false,
    description: "Replaces a node's status (capacity, addresses, conditions). Spec and metadata stay.",
    args: {
      name: t.arg.string({ required: true }),
      status: t.arg({ type: NodeStatusInput, required: true }),
      dryRun: t.arg.boolean({ description: 'Validate and return what would be written; write nothing.' }),
      expectedResourceVersion: t.arg.string({ description: 'CONFLICT unless the node is at this version.' }),
    },
    resolve: (_root, args, context) =>
      writeStatus(context, 'Node', undefined, args.name, fromInput<NodeStatus>(args.status), {
        dryRun: args.dryRun ?? false,
        expectedResourceVersion: args.expectedResourceVersion ?? undefined,
      }),
  }),
}));
