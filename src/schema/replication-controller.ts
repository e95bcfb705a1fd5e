import type {
  ReplicationControllerCondition,
  ReplicationControllerSpec,
  ReplicationControllerStatus,
} from '../api/types.ts';
import { matchesLabels } from '../resolvers/objects.ts';
import { builder } from './builder.ts';
import { KeyValueInput, KeyValueRef, KubeObjectRef, listOnce, ObjectMetaInput, toPairs } from './common.ts';
import { defineKind } from './kind-fields.ts';
import { PodRef } from './pod.ts';
import { PodTemplateSpecInput, PodTemplateSpecRef } from './pod-spec.ts';
import { PURE } from './items-json.ts';

const RCSpecRef = builder.objectRef<ReplicationControllerSpec>('ReplicationControllerSpec').implement({
  fields: (t) => ({
    replicas: t.exposeInt('replicas'),
    minReadySeconds: t.exposeInt('minReadySeconds'),
    selector: t.field({ type: [KeyValueRef], nullable: false, extensions: PURE, resolve: (s) => toPairs(s.selector) }),
    template: t.expose('template', { type: PodTemplateSpecRef, nullable: false }),
  }),
});

const RCConditionRef = builder.objectRef<ReplicationControllerCondition>('ReplicationControllerCondition').implement({
  fields: (t) => ({
    type: t.exposeString('type', { nullable: false }),
    status: t.exposeString('status', { nullable: false }),
    reason: t.exposeString('reason'),
    message: t.exposeString('message'),
    lastTransitionTime: t.exposeString('lastTransitionTime'),
  }),
});

const RCStatusRef = builder.objectRef<ReplicationControllerStatus>('ReplicationControllerStatus').implement({
  fields: (t) => ({
    replicas: t.exposeInt('replicas', { nullable: false }),
    fullyLabeledReplicas: t.exposeInt('fullyLabeledReplicas'),
    readyReplicas: t.exposeInt('readyReplicas'),
    availableReplicas: t.exposeInt('availableReplicas'),
    observedGeneration: t.exposeInt('observedGeneration'),
    conditions: t.expose('conditions', { type: [RCConditionRef] }),
  }),
});

const RCSpecInput = builder.inputType('ReplicationControllerSpecInput', {
  fields: (t) => ({
    replicas: t.int(),
    minReadySeconds: t.int(),
    selector: t.field({ type: [KeyValueInput], description: 'Default: the template labels.' }),
    template: t.field({ type: PodTemplateSpecInput, required: true }),
  }),
});

const RCInput = builder.inputType('ReplicationControllerInput', {
  fields: (t) => ({
    metadata: t.field({ type: ObjectMetaInput, required: true }),
    spec: t.field({ type: RCSpecInput, required: true }),
  }),
});

export const ReplicationControllerRef = defineKind('ReplicationController', {
  plural: 'replicationControllers',
  input: RCInput,
});

ReplicationControllerRef.implement({
  interfaces: [KubeObjectRef],
  fields: (t) => ({
    spec: t.expose('spec', { type: RCSpecRef }),
    status: t.expose('status', { type: RCStatusRef }),
    pods: t.field({
      type: [PodRef],
      nullable: false,
      description: 'Pods matching the selector.',
      resolve: async (rc, _args, context) => {
        const selector = rc.spec?.selector ?? rc.spec?.template.metadata?.labels;
        const pods = await listOnce(context, 'Pod', rc.metadata.namespace);
        return pods.filter((pod) => matchesLabels(selector, pod.metadata.labels));
      },
    }),
  }),
});
