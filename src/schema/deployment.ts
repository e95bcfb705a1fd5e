import type {
  DeploymentCondition,
  DeploymentSpec,
  DeploymentStatus,
  DeploymentStrategy,
  LabelSelector,
  LabelSelectorRequirement,
} from '../api/types.ts';
import { revisionOf } from '../controllers/deployment-revisions.ts';
import { deploymentLogs, type DeploymentLogLine } from '../resolvers/deployment-logs.ts';
import { controllerOf, DEFAULT_NAMESPACE } from '../resolvers/objects.ts';
import { builder } from './builder.ts';
import { KeyValueInput, KeyValueRef, KubeObjectRef, listOnce, ObjectMetaInput, toPairs } from './common.ts';
import { defineKind } from './kind-fields.ts';
import { PodTemplateSpecInput, PodTemplateSpecRef } from './pod-spec.ts';
import { ReplicationControllerRef } from './replication-controller.ts';
import { PURE } from './items-json.ts';

const SelectorOperatorEnum = builder.enumType('LabelSelectorOperator', {
  values: ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const,
});
const RequirementRef = builder.objectRef<LabelSelectorRequirement>('LabelSelectorRequirement').implement({
  fields: (t) => ({
    key: t.exposeString('key', { nullable: false }),
    operator: t.expose('operator', { type: SelectorOperatorEnum, nullable: false }),
    values: t.exposeStringList('values'),
  }),
});
const RequirementInput = builder.inputType('LabelSelectorRequirementInput', {
  fields: (t) => ({
    key: t.string({ required: true }),
    operator: t.field({ type: SelectorOperatorEnum, required: true }),
    values: t.stringList(),
  }),
});
export const LabelSelectorRef = builder.objectRef<LabelSelector>('LabelSelector').implement({
  fields: (t) => ({
    matchLabels: t.field({
      type: [KeyValueRef],
      nullable: false,
      extensions: PURE,
      resolve: (s) => toPairs(s.matchLabels),
    }),
    matchExpressions: t.expose('matchExpressions', { type: [RequirementRef] }),
  }),
});
export const LabelSelectorInput = builder.inputType('LabelSelectorInput', {
  fields: (t) => ({
    matchLabels: t.field({ type: [KeyValueInput] }),
    matchExpressions: t.field({ type: [RequirementInput] }),
  }),
});

const StrategyTypeEnum = builder.enumType('DeploymentStrategyType', { values: ['RollingUpdate', 'Recreate'] as const });
type RollingUpdate = NonNullable<DeploymentStrategy['rollingUpdate']>;
const RollingUpdateRef = builder.objectRef<RollingUpdate>('RollingUpdateDeployment').implement({
  fields: (t) => ({
    maxSurge: t.expose('maxSurge', { type: 'IntOrString' }),
    maxUnavailable: t.expose('maxUnavailable', { type: 'IntOrString' }),
  }),
});
const StrategyRef = builder.objectRef<DeploymentStrategy>('DeploymentStrategy').implement({
  fields: (t) => ({
    type: t.expose('type', { type: StrategyTypeEnum }),
    rollingUpdate: t.expose('rollingUpdate', { type: RollingUpdateRef }),
  }),
});
const RollingUpdateInput = builder.inputType('RollingUpdateDeploymentInput', {
  fields: (t) => ({ maxSurge: t.field({ type: 'IntOrString' }), maxUnavailable: t.field({ type: 'IntOrString' }) }),
});
const StrategyInput = builder.inputType('DeploymentStrategyInput', {
  fields: (t) => ({
    type: t.field({ type: StrategyTypeEnum }),
    rollingUpdate: t.field({ type: RollingUpdateInput }),
  }),
});

const DeploymentSpecRef = builder.objectRef<DeploymentSpec>('DeploymentSpec').implement({
  fields: (t) => ({
    replicas: t.exposeInt('replicas'),
    selector: t.expose('selector', { type: LabelSelectorRef, nullable: false }),
    template: t.expose('template', { type: PodTemplateSpecRef, nullable: false }),
    strategy: t.expose('strategy', { type: StrategyRef }),
    minReadySeconds: t.exposeInt('minReadySeconds'),
    revisionHistoryLimit: t.exposeInt('revisionHistoryLimit'),
    progressDeadlineSeconds: t.exposeInt('progressDeadlineSeconds'),
    paused: t.exposeBoolean('paused'),
  }),
});
const DeploymentSpecInput = builder.inputType('DeploymentSpecInput', {
  fields: (t) => ({
    replicas: t.int(),
    selector: t.field({ type: LabelSelectorInput, required: true }),
    template: t.field({ type: PodTemplateSpecInput, required: true }),
    strategy: t.field({ type: StrategyInput }),
    minReadySeconds: t.int(),
    revisionHistoryLimit: t.int(),
    progressDeadlineSeconds: t.int(),
    paused: t.boolean(),
  }),
});

const DeploymentConditionRef = builder.objectRef<DeploymentCondition>('DeploymentCondition').implement({
  fields: (t) => ({
    type: t.exposeString('type', { nullable: false }),
    status: t.exposeString('status', { nullable: false }),
    reason: t.exposeString('reason'),
    message: t.exposeString('message'),
    lastUpdateTime: t.exposeString('lastUpdateTime'),
    lastTransitionTime: t.exposeString('lastTransitionTime'),
  }),
});
const DeploymentStatusRef = builder.objectRef<DeploymentStatus>('DeploymentStatus').implement({
  fields: (t) => ({
    observedGeneration: t.exposeInt('observedGeneration'),
    replicas: t.exposeInt('replicas'),
    updatedReplicas: t.exposeInt('updatedReplicas'),
    readyReplicas: t.exposeInt('readyReplicas'),
    availableReplicas: t.exposeInt('availableReplicas'),
    unavailableReplicas: t.exposeInt('unavailableReplicas'),
    conditions: t.expose('conditions', { type: [DeploymentConditionRef] }),
  }),
});

const DeploymentInput = builder.inputType('DeploymentInput', {
  fields: (t) => ({
    metadata: t.field({ type: ObjectMetaInput, required: true }),
    spec: t.field({ type: DeploymentSpecInput, required: true }),
  }),
});

export const DeploymentRef = defineKind('Deployment', { plural: 'deployments', input: DeploymentInput });

DeploymentRef.implement({
  interfaces: [KubeObjectRef],
  fields: (t) => ({
    spec: t.expose('spec', { type: DeploymentSpecRef }),
    status: t.expose('status', { type: DeploymentStatusRef }),
    revision: t.int({
      description: 'The current rollout revision.',
      extensions: PURE,
      resolve: (d) => revisionOf(d) || null,
    }),
    replicationControllers: t.field({
      type: [ReplicationControllerRef],
      nullable: false,
      description: 'The ReplicationControllers this Deployment owns, one per revision kept.',
      resolve: async (d, _args, context) =>
        (await listOnce(context, 'ReplicationController', d.metadata.namespace)).filter(
          (rc) => controllerOf(rc)?.uid === d.metadata.uid,
        ),
    }),
  }),
});

const DeploymentLogLineRef = builder.objectRef<DeploymentLogLine>('DeploymentLogLine').implement({
  fields: (t) => ({
    pod: t.exposeString('pod', { nullable: false }),
    container: t.exposeString('container', { nullable: false }),
    text: t.exposeString('text', { nullable: false }),
    timestamp: t.exposeString('timestamp'),
  }),
});

builder.subscriptionField('deploymentLogs', (t) =>
  t.field({
    type: DeploymentLogLineRef,
    nullable: false,
    description:
      "Every container of every pod the Deployment's selector matches, interleaved as lines arrive (kubectl logs -l " +
      'SELECTOR --all-containers --prefix). With follow, pods created later (a rollout, a scale-up) join from their ' +
      'first line and a deleted pod ends its part; when the Deployment is deleted no pod joins and the stream ' +
      'completes once its pods are gone. Each followed container counts against the followed-logs limit.',
    args: {
      namespace: t.arg.string({ defaultValue: DEFAULT_NAMESPACE }),
      name: t.arg.string({ required: true }),
      container: t.arg.string({ description: 'Only this container of each pod.' }),
      follow: t.arg.boolean({ defaultValue: false }),
      tailLines: t.arg.int({ description: 'Lines of history of each container there at the start.' }),
    },
    subscribe: (_root, args, context) => {
      const tokenName = context.identity?.tokenName ?? '';
      const limiter = context.limiters?.logFollows;
      return deploymentLogs(
        context.store,
        context.logSource,
        { namespace: args.namespace ?? DEFAULT_NAMESPACE, name: args.name },
        {
          follow: args.follow ?? false,
          ...(args.container ? { container: args.container } : {}),
          ...(args.tailLines !== null && args.tailLines !== undefined ? { tailLines: args.tailLines } : {}),
          ...(limiter
            ? {
                acquire: (what: string) =>
                  limiter.acquire(
                    tokenName,
                    () => `token "${tokenName}" follows ${limiter.max} container logs already (at ${what})`,
                  ),
              }
            : {}),
        },
      );
    },
    resolve: (line) => line,
  }),
);
