import type { ServicePort, ServiceSpec, ServiceStatus } from '../api/types.ts';
import { exposeWorkload } from '../resolvers/workloads.ts';
import { builder } from './builder.ts';
import { KeyValueInput, KeyValueRef, KubeObjectRef, loadObject, ObjectMetaInput, toPairs } from './common.ts';
import { EndpointsRef } from './endpoints.ts';
import { defineKind } from './kind-fields.ts';
import { ProtocolEnum } from './pod-spec.ts';
import { PURE } from './items-json.ts';

export const ServiceTypeEnum = builder.enumType('ServiceType', {
  values: ['ClusterIP', 'NodePort', 'LoadBalancer'] as const,
});
const SessionAffinityEnum = builder.enumType('SessionAffinity', { values: ['None', 'ClientIP'] as const });

const ServicePortRef = builder.objectRef<ServicePort>('ServicePort').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    protocol: t.expose('protocol', { type: ProtocolEnum }),
    port: t.exposeInt('port', { nullable: false }),
    targetPort: t.expose('targetPort', { type: 'IntOrString' }),
    nodePort: t.exposeInt('nodePort'),
  }),
});
const ServicePortInput = builder.inputType('ServicePortInput', {
  fields: (t) => ({
    name: t.string(),
    protocol: t.field({ type: ProtocolEnum }),
    port: t.int({ required: true }),
    targetPort: t.field({ type: 'IntOrString' }),
    nodePort: t.int(),
  }),
});

const ServiceSpecRef = builder.objectRef<ServiceSpec>('ServiceSpec').implement({
  fields: (t) => ({
    type: t.expose('type', { type: ServiceTypeEnum }),
    selector: t.field({ type: [KeyValueRef], nullable: false, extensions: PURE, resolve: (s) => toPairs(s.selector) }),
    ports: t.expose('ports', { type: [ServicePortRef] }),
    clusterIP: t.exposeString('clusterIP'),
    sessionAffinity: t.expose('sessionAffinity', { type: SessionAffinityEnum }),
    loadBalancerIP: t.exposeString('loadBalancerIP'),
  }),
});
const ServiceSpecInput = builder.inputType('ServiceSpecInput', {
  fields: (t) => ({
    type: t.field({ type: ServiceTypeEnum }),
    selector: t.field({ type: [KeyValueInput] }),
    ports: t.field({ type: [ServicePortInput] }),
    clusterIP: t.string({ description: 'Assigned when omitted; "None" makes a headless service. Immutable.' }),
    sessionAffinity: t.field({ type: SessionAffinityEnum }),
    loadBalancerIP: t.string(),
  }),
});

type Ingress = { ip: string };
type LoadBalancerStatus = NonNullable<ServiceStatus['loadBalancer']>;
const IngressRef = builder.objectRef<Ingress>('LoadBalancerIngress').implement({
  fields: (t) => ({ ip: t.exposeString('ip', { nullable: false }) }),
});
const LoadBalancerStatusRef = builder.objectRef<LoadBalancerStatus>('LoadBalancerStatus').implement({
  fields: (t) => ({
    ingress: t.field({ type: [IngressRef], nullable: false, extensions: PURE, resolve: (s) => s.ingress ?? [] }),
  }),
});
const ServiceStatusRef = builder.objectRef<ServiceStatus>('ServiceStatus').implement({
  fields: (t) => ({
    loadBalancer: t.field({
      type: LoadBalancerStatusRef,
      nullable: false,
      description: 'The external addresses of a LoadBalancer service.',
      extensions: PURE,
      resolve: (s) => s.loadBalancer ?? {},
    }),
  }),
});

const ServiceInput = builder.inputType('ServiceInput', {
  fields: (t) => ({
    metadata: t.field({ type: ObjectMetaInput, required: true }),
    spec: t.field({ type: ServiceSpecInput, required: true }),
  }),
});

export const ServiceRef = defineKind('Service', { plural: 'services', input: ServiceInput });

ServiceRef.implement({
  interfaces: [KubeObjectRef],
  fields: (t) => ({
    spec: t.expose('spec', { type: ServiceSpecRef }),
    status: t.expose('status', { type: ServiceStatusRef }),
    endpoints: t.field({
      type: EndpointsRef,
      description: 'The Endpoints of the same name: the addresses traffic goes to.',
      resolve: (s, _args, context) => loadObject(context, 'Endpoints', s.metadata.namespace, s.metadata.name),
    }),
  }),
});

const ExposableKindEnum = builder.enumType('ExposableKind', {
  values: ['Pod', 'ReplicationController', 'Deployment', 'Service'] as const,
});

builder.mutationField('expose', (t) =>
  t.field({
    type: ServiceRef,
    nullable: false,
    description:
      "kubectl expose: a Service selecting the pods of a workload. port defaults to the workload's only container " +
      'port; targetPort to that container port (else port); name to the workload name. expectedResourceVersion ' +
      'applies to the workload.',
    args: {
      kind: t.arg({ type: ExposableKindEnum, required: true }),
      namespace: t.arg.string({ defaultValue: 'default' }),
      name: t.arg.string({ required: true }),
      port: t.arg.int(),
      targetPort: t.arg({ type: 'IntOrString' }),
      protocol: t.arg({ type: ProtocolEnum }),
      type: t.arg({ type: ServiceTypeEnum }),
      serviceName: t.arg.string(),
      nodePort: t.arg.int(),
      portName: t.arg.string(),
      dryRun: t.arg.boolean({ description: 'Validate and return what would be written; write nothing.' }),
      expectedResourceVersion: t.arg.string(),
    },
    resolve: async (_root, args, context) => {
      const namespace = args.namespace ?? 'default';
      return exposeWorkload(
        context.store,
        { kind: args.kind, namespace, name: args.name },
        {
          port: args.port ?? undefined,
          targetPort: args.targetPort ?? undefined,
          protocol: args.protocol ?? undefined,
          type: args.type ?? undefined,
          name: args.serviceName ?? undefined,
          nodePort: args.nodePort ?? undefined,
          portName: args.portName ?? undefined,
        },
        { dryRun: args.dryRun ?? false, expectedResourceVersion: args.expectedResourceVersion ?? undefined },
      );
    },
  }),
);
