import type { Deployment, ReplicationController } from '../api/types.ts';
import { DEFAULT_NAMESPACE } from '../resolvers/objects.ts';
import {
  restartDeployment,
  rollbackDeployment,
  runWorkload,
  scaleWorkload,
  type RollbackResult,
} from '../resolvers/workloads.ts';
import { builder } from './builder.ts';
import { fromInput, KeyValueInput } from './common.ts';
import { DeploymentRef } from './deployment.ts';
import { EnvVarInput, ImagePullPolicyEnum } from './pod-spec.ts';
import { ReplicationControllerRef } from './replication-controller.ts';

const WorkloadKindEnum = builder.enumType('WorkloadKind', { values: ['ReplicationController', 'Deployment'] as const });

const WorkloadRef = builder.unionType('Workload', {
  types: [ReplicationControllerRef, DeploymentRef],
  resolveType: (workload: ReplicationController | Deployment) => workload.kind,
});

const dryRunDescription = 'Validate and return what would be written; write nothing.';

const RolloutUndoResultRef = builder.objectRef<RollbackResult>('RolloutUndoResult').implement({
  description: 'What kubectl rollout undo did.',
  fields: (t) => ({
    deployment: t.expose('deployment', {
      type: DeploymentRef,
      nullable: false,
      description: 'The Deployment as written (with dryRun, as it would be written); as it stands when skipped.',
    }),
    revision: t.exposeInt('revision', {
      nullable: false,
      description: 'The revision whose pod template was put back, or that the current template already matches.',
    }),
    rolledBack: t.exposeBoolean('rolledBack', {
      nullable: false,
      description: 'False when the current template already matches that revision: nothing was written.',
    }),
    message: t.exposeString('message', {
      nullable: false,
      description:
        "kubectl's words: `rolled back to revision N` or `skipped rollback (current template already matches revision N)`.",
    }),
  }),
});

const rollbackArgs = (t: Parameters<Parameters<typeof builder.mutationFields>[0]>[0]) => ({
  namespace: t.arg.string({ defaultValue: DEFAULT_NAMESPACE }),
  name: t.arg.string({ required: true }),
  toRevision: t.arg.int({ description: 'The revision to go back to; default: the one before the newest.' }),
  dryRun: t.arg.boolean({ description: dryRunDescription }),
  expectedResourceVersion: t.arg.string({ description: 'CONFLICT unless the Deployment is at this version.' }),
});

builder.mutationFields((t) => ({
  run: t.field({
    type: DeploymentRef,
    nullable: false,
    description: 'kubectl run / create deployment: a Deployment of one container. Labels default to run=<name>.',
    args: {
      namespace: t.arg.string({ defaultValue: DEFAULT_NAMESPACE }),
      name: t.arg.string({ required: true }),
      image: t.arg.string({ required: true }),
      port: t.arg.int({ description: 'Container port to declare.' }),
      replicas: t.arg.int({ defaultValue: 1 }),
      labels: t.arg({ type: [KeyValueInput] }),
      env: t.arg({ type: [EnvVarInput] }),
      command: t.arg.stringList(),
      args: t.arg.stringList(),
      imagePullPolicy: t.arg({ type: ImagePullPolicyEnum }),
      dryRun: t.arg.boolean({ description: dryRunDescription }),
    },
    resolve: async (_root, args, context) => {
      const { dryRun, ...input } = fromInput<Parameters<typeof runWorkload>[1] & { dryRun?: boolean }>(args);
      return runWorkload(context.store, input, { dryRun });
    },
  }),
  scale: t.field({
    type: WorkloadRef,
    nullable: false,
    description: 'kubectl scale: sets the replicas of a ReplicationController or Deployment.',
    args: {
      kind: t.arg({ type: WorkloadKindEnum, required: true }),
      namespace: t.arg.string({ defaultValue: DEFAULT_NAMESPACE }),
      name: t.arg.string({ required: true }),
      replicas: t.arg.int({ required: true }),
      dryRun: t.arg.boolean({ description: dryRunDescription }),
      expectedResourceVersion: t.arg.string({ description: 'CONFLICT unless the workload is at this version.' }),
    },
    resolve: async (_root, args, context) => {
      const ref = { kind: args.kind, namespace: args.namespace ?? DEFAULT_NAMESPACE, name: args.name };
      return scaleWorkload(context.store, ref, args.replicas, {
        dryRun: args.dryRun ?? false,
        expectedResourceVersion: args.expectedResourceVersion ?? undefined,
      });
    },
  }),
  rolloutUndo: t.field({
    type: RolloutUndoResultRef,
    nullable: false,
    description:
      'kubectl rollout undo: puts back the pod template of an earlier revision (default: the previous one); the ' +
      'Deployment then rolls it out. Writes nothing (rolledBack false) when the template already matches. ' +
      'CONFLICT for a paused Deployment; BAD_USER_INPUT for a revision not in its history.',
    args: rollbackArgs(t),
    resolve: (_root, args, context) =>
      rollbackDeployment(
        context.store,
        { namespace: args.namespace ?? DEFAULT_NAMESPACE, name: args.name },
        args.toRevision ?? undefined,
        {
          dryRun: args.dryRun ?? false,
          expectedResourceVersion: args.expectedResourceVersion ?? undefined,
        },
      ),
  }),
  rollback: t.field({
    type: DeploymentRef,
    nullable: false,
    deprecationReason: 'Use rolloutUndo, which also says whether anything was rolled back and to which revision.',
    description:
      'kubectl rollout undo: puts back the pod template of an earlier revision (default: the previous one); the ' +
      'Deployment then rolls it out.',
    args: rollbackArgs(t),
    resolve: async (_root, args, context) => {
      const ref = { namespace: args.namespace ?? DEFAULT_NAMESPACE, name: args.name };
      const result = await rollbackDeployment(context.store, ref, args.toRevision ?? undefined, {
        dryRun: args.dryRun ?? false,
        expectedResourceVersion: args.expectedResourceVersion ?? undefined,
      });
      return result.deployment;
    },
  }),
  rolloutRestart: t.field({
    type: DeploymentRef,
    nullable: false,
    description:
      'kubectl rollout restart: stamps the pod template with kubectl.kubernetes.io/restartedAt, so the Deployment ' +
      'replaces every pod through a rolling update. CONFLICT for a paused Deployment.',
    args: {
      namespace: t.arg.string({ defaultValue: DEFAULT_NAMESPACE }),
      name: t.arg.string({ required: true }),
      dryRun: t.arg.boolean({ description: dryRunDescription }),
      expectedResourceVersion: t.arg.string({ description: 'CONFLICT unless the Deployment is at this version.' }),
    },
    resolve: async (_root, args, context) => {
      const ref = { namespace: args.namespace ?? DEFAULT_NAMESPACE, name: args.name };
      return restartDeployment(context.store, ref, {
        dryRun: args.dryRun ?? false,
        expectedResourceVersion: args.expectedResourceVersion ?? undefined,
      });
    },
  }),
}));
