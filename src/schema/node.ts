import type { Node, NodeCondition, NodeDaemonEndpoints, NodeSpec, NodeStatus, Taint } from '../api/types.ts';
import { cordonNode, drainNode, uncordonNode, type DrainResult } from '../resolvers/nodes.ts';
import { builder } from './builder.ts';
import { KubeObjectRef, listOnce, ObjectMetaInput } from './common.ts';
import { defineKind } from './kind-fields.ts';
import { PodRef } from './pod.ts';
import { TaintEffectEnum } from './pod-spec.ts';
import { PURE } from './items-json.ts';

const TaintRef = builder.objectRef<Taint>('Taint').implement({
  fields: (t) => ({
    key: t.exposeString('key', { nullable: false }),
    value: t.exposeString('value'),
    effect: t.expose('effect', { type: TaintEffectEnum, nullable: false }),
    timeAdded: t.exposeString('timeAdded'),
  }),
});
const TaintInput = builder.inputType('TaintInput', {
  fields: (t) => ({
    key: t.string({ required: true }),
    value: t.string(),
    effect: t.field({ type: TaintEffectEnum, required: true }),
  }),
});

const NodeSpecRef = builder.objectRef<NodeSpec>('NodeSpec').implement({
  fields: (t) => ({
    unschedulable: t.exposeBoolean('unschedulable'),
    taints: t.expose('taints', { type: [TaintRef] }),
    podCIDR: t.exposeString('podCIDR'),
  }),
});
const NodeSpecInput = builder.inputType('NodeSpecInput', {
  fields: (t) => ({
    unschedulable: t.boolean(),
    taints: t.field({ type: [TaintInput] }),
    podCIDR: t.string(),
  }),
});

type NodeResources = NonNullable<NodeStatus['capacity']>;
const NodeResourcesRef = builder.objectRef<NodeResources>('NodeResources').implement({
  fields: (t) => ({ cpu: t.exposeString('cpu'), memory: t.exposeString('memory'), pods: t.exposeString('pods') }),
});
type NodeAddress = NonNullable<NodeStatus['addresses']>[number];
const NodeAddressRef = builder.objectRef<NodeAddress>('NodeAddress').implement({
  fields: (t) => ({
    type: t.exposeString('type', { nullable: false }),
    address: t.exposeString('address', { nullable: false }),
  }),
});
const NodeConditionRef = builder.objectRef<NodeCondition>('NodeCondition').implement({
  fields: (t) => ({
    type: t.exposeString('type', { nullable: false }),
    status: t.exposeString('status', { nullable: false }),
    reason: t.exposeString('reason'),
    message: t.exposeString('message'),
    lastHeartbeatTime: t.exposeString('lastHeartbeatTime'),
    lastTransitionTime: t.exposeString('lastTransitionTime'),
  }),
});
type NodeInfo = NonNullable<NodeStatus['nodeInfo']>;
const NodeInfoRef = builder.objectRef<NodeInfo>('NodeSystemInfo').implement({
  fields: (t) => ({
    containerRuntimeVersion: t.exposeString('containerRuntimeVersion'),
    kubeletVersion: t.exposeString('kubeletVersion'),
    operatingSystem: t.exposeString('operatingSystem'),
    architecture: t.exposeString('architecture'),
  }),
});
const DaemonEndpointRef = builder.objectRef<{ Port: number }>('DaemonEndpoint').implement({
  fields: (t) => ({ Port: t.exposeInt('Port', { nullable: false }) }),
});
const NodeDaemonEndpointsRef = builder.objectRef<NodeDaemonEndpoints>('NodeDaemonEndpoints').implement({
  fields: (t) => ({
    kubeletEndpoint: t.expose('kubeletEndpoint', {
      type: DaemonEndpointRef,
      description: "The node agent's HTTP endpoint (container logs) on the node's InternalIP.",
    }),
  }),
});
const NodeStatusRef = builder.objectRef<NodeStatus>('NodeStatus').implement({
  fields: (t) => ({
    capacity: t.expose('capacity', { type: NodeResourcesRef }),
    allocatable: t.expose('allocatable', { type: NodeResourcesRef }),
    addresses: t.expose('addresses', { type: [NodeAddressRef] }),
    conditions: t.expose('conditions', { type: [NodeConditionRef] }),
    nodeInfo: t.expose('nodeInfo', { type: NodeInfoRef }),
    daemonEndpoints: t.expose('daemonEndpoints', { type: NodeDaemonEndpointsRef }),
  }),
});

const NodeInput = builder.inputType('NodeInput', {
  fields: (t) => ({
    metadata: t.field({ type: ObjectMetaInput, required: true }),
    spec: t.field({ type: NodeSpecInput }),
  }),
});

/** kubectl's node STATUS column: Ready / NotReady / Unknown, plus ",SchedulingDisabled" when cordoned. */
export function nodeDisplayStatus(node: Node): string {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const base = ready?.status === 'True' ? 'Ready' : ready?.status === 'False' ? 'NotReady' : 'Unknown';
  return node.spec?.unschedulable ? `${base},SchedulingDisabled` : base;
}

export const NodeRef = defineKind('Node', { plural: 'nodes', input: NodeInput });

NodeRef.implement({
  interfaces: [KubeObjectRef],
  fields: (t) => ({
    spec: t.expose('spec', { type: NodeSpecRef }),
    status: t.expose('status', { type: NodeStatusRef }),
    displayStatus: t.string({ nullable: false, extensions: PURE, resolve: nodeDisplayStatus }),
    pods: t.field({
      type: [PodRef],
      nullable: false,
      description: 'Pods bound to this node.',
      resolve: async (node, _args, context) =>
        (await listOnce(context, 'Pod', undefined)).filter((pod) => pod.spec?.nodeName === node.metadata.name),
    }),
  }),
});

const DrainResultRef = builder.objectRef<DrainResult>('DrainResult').implement({
  fields: (t) => ({
    node: t.field({ type: NodeRef, nullable: false, resolve: (r) => r.node }),
    deletedPods: t.field({ type: [PodRef], nullable: false, resolve: (r) => r.deletedPods }),
  }),
});

builder.mutationFields((t) => {
  const nodeArgs = {
    name: t.arg.string({ required: true }),
    dryRun: t.arg.boolean({ description: 'Validate and return what would be written; write nothing.' }),
    expectedResourceVersion: t.arg.string({ description: 'CONFLICT unless the node is at this version.' }),
  };
  const options = (args: { dryRun?: boolean | null; expectedResourceVersion?: string | null }) => ({
    dryRun: args.dryRun ?? false,
    expectedResourceVersion: args.expectedResourceVersion ?? undefined,
  });
  return {
    cordon: t.field({
      type: NodeRef,
      nullable: false,
      description: 'Marks the node unschedulable; running pods stay.',
      args: nodeArgs,
      resolve: async (_root, args, context) => {
        return cordonNode(context.store, args.name, options(args));
      },
    }),
    uncordon: t.field({
      type: NodeRef,
      nullable: false,
      args: nodeArgs,
      resolve: async (_root, args, context) => {
        return uncordonNode(context.store, args.name, options(args));
      },
    }),
    drain: t.field({
      type: DrainResultRef,
      nullable: false,
      description:
        'Cordons the node and deletes its pods so their controllers recreate them elsewhere. Refuses when pods ' +
        'that no controller owns would be lost, unless force is set.',
      args: { ...nodeArgs, force: t.arg.boolean({ defaultValue: false }) },
      resolve: async (_root, args, context) => {
        return drainNode(context.store, args.name, { ...options(args), force: args.force ?? false });
      },
    }),
  };
});
