import { CapstanError } from '../api/errors.ts';
import { nodeUsage, podUsage, requireUsageSource, type ResourceUsage } from '../resolvers/usage.ts';
import { builder } from './builder.ts';
import { NodeRef } from './node.ts';
import { PodRef } from './pod.ts';

/** How often a podUsage subscription looks for a newer figure (nodes sample every 10 s by default). */
const USAGE_POLL_MS = 2_000;

export const ResourceUsageRef = builder.objectRef<ResourceUsage>('ResourceUsage').implement({
  description: 'CPU and memory in use, sampled from the container engine by the node (as metrics-server reports).',
  fields: (t) => ({
    cpuCores: t.exposeFloat('cpuCores', {
      nullable: false,
      description: 'CPU in cores (0.25 = a quarter of one core), averaged over the last sampling window.',
    }),
    memoryBytes: t.exposeFloat('memoryBytes', { nullable: false, description: 'Memory working set in bytes.' }),
    timestamp: t.exposeString('timestamp', { nullable: false, description: 'When it was sampled (RFC 3339).' }),
  }),
});

builder.objectField(PodRef, 'usage', (t) =>
  t.field({
    type: ResourceUsageRef,
    description: "The pod's containers' CPU and memory in use; null until its node has sampled it twice.",
    resolve: (pod, _args, context) => podUsage(context.usageSource, pod),
  }),
);

builder.objectField(NodeRef, 'usage', (t) =>
  t.field({
    type: ResourceUsageRef,
    description: "The sum over the node's pods of their CPU and memory in use; null while not known.",
    resolve: (node, _args, context) => nodeUsage(context.usageSource, node),
  }),
);

/**
 * The current figure of an object, then each newer one (by timestamp), polling while `current` finds the object;
 * ends once it is gone.
 */
async function* usageUpdates<T>(
  current: () => Promise<T | undefined>,
  usageOf: (object: T) => Promise<ResourceUsage | null>,
): AsyncGenerator<ResourceUsage | null> {
  let object = await current();
  let last: string | null | undefined;
  while (object) {
    const usage = await usageOf(object);
    const stamp = usage?.timestamp ?? null;
    if (stamp !== last) {
      last = stamp;
      yield usage;
    }
    await new Promise((resolve) => setTimeout(resolve, USAGE_POLL_MS));
    object = await current();
  }
}

builder.subscriptionField('podUsage', (t) =>
  t.field({
    type: ResourceUsageRef,
    description:
      "One pod's CPU and memory in use: the current figure (null if none yet), then each newer one; ends when the " +
      'pod is deleted.',
    args: {
      namespace: t.arg.string({ required: true }),
      name: t.arg.string({ required: true }),
    },
    subscribe: async function* (_root, args, context) {
      const source = requireUsageSource(context.usageSource);
      const current = () => context.store.tryGet('Pod', args.namespace, args.name);
      if (!(await current())) throw new CapstanError('NOT_FOUND', `pod ${args.namespace}/${args.name} not found`);
      yield* usageUpdates(current, (pod) => podUsage(source, pod));
    },
    resolve: (usage) => usage,
  }),
);

builder.subscriptionField('nodeUsage', (t) =>
  t.field({
    type: ResourceUsageRef,
    description:
      "One node's CPU and memory in use (the sum over its pods): the current figure (null if none yet), then each " +
      'newer one; ends when the node is deleted.',
    args: { name: t.arg.string({ required: true }) },
    subscribe: async function* (_root, args, context) {
      const source = requireUsageSource(context.usageSource);
      const current = () => context.store.tryGet('Node', undefined, args.name);
      if (!(await current())) throw new CapstanError('NOT_FOUND', `node ${args.name} not found`);
      yield* usageUpdates(current, (node) => nodeUsage(source, node));
    },
    resolve: (usage) => usage,
  }),
);
