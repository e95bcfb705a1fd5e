import type { EndpointAddress, EndpointPort, EndpointSubset } from '../api/types.ts';
import { builder } from './builder.ts';
import { KubeObjectRef, loadObject, ObjectMetaInput } from './common.ts';
import { defineKind } from './kind-fields.ts';
import { NodeRef } from './node.ts';
import { HostPortMappingRef, PodRef } from './pod.ts';
import { ProtocolEnum } from './pod-spec.ts';
import { PURE } from './items-json.ts';

type TargetRef = NonNullable<EndpointAddress['targetRef']>;
const TargetRefRef = builder.objectRef<TargetRef>('EndpointTargetRef').implement({
  fields: (t) => ({
    kind: t.exposeString('kind', { nullable: false }),
    name: t.exposeString('name', { nullable: false }),
    namespace: t.exposeString('namespace', { nullable: false }),
    uid: t.exposeString('uid', { nullable: false }),
  }),
});

const EndpointAddressRef = builder.objectRef<EndpointAddress>('EndpointAddress').implement({
  fields: (t) => ({
    ip: t.exposeString('ip', { nullable: false }),
    hostname: t.exposeString('hostname'),
    nodeName: t.exposeString('nodeName'),
    targetRef: t.expose('targetRef', { type: TargetRefRef }),
    hostIP: t.exposeString('hostIP'),
    hostPorts: t.expose('hostPorts', { type: [HostPortMappingRef] }),
    pod: t.field({
      type: PodRef,
      description: 'The pod behind this address.',
      resolve: async (address, _args, context) => {
        const ref = address.targetRef;
        if (ref?.kind !== 'Pod') return null;
        const pod = await loadObject(context, 'Pod', ref.namespace, ref.name);
        return pod && pod.metadata.uid === ref.uid ? pod : null;
      },
    }),
    node: t.field({
      type: NodeRef,
      resolve: (address, _args, context) =>
        address.nodeName ? loadObject(context, 'Node', undefined, address.nodeName) : null,
    }),
  }),
});

const EndpointPortRef = builder.objectRef<EndpointPort>('EndpointPort').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    port: t.exposeInt('port', { nullable: false }),
    protocol: t.expose('protocol', { type: ProtocolEnum }),
  }),
});

const EndpointSubsetRef = builder.objectRef<EndpointSubset>('EndpointSubset').implement({
  fields: (t) => ({
    addresses: t.field({
      type: [EndpointAddressRef],
      nullable: false,
      extensions: PURE,
      resolve: (s) => s.addresses ?? [],
    }),
    notReadyAddresses: t.field({
      type: [EndpointAddressRef],
      nullable: false,
      extensions: PURE,
      resolve: (s) => s.notReadyAddresses ?? [],
    }),
    ports: t.field({ type: [EndpointPortRef], nullable: false, extensions: PURE, resolve: (s) => s.ports ?? [] }),
  }),
});

const TargetRefInput = builder.inputType('EndpointTargetRefInput', {
  fields: (t) => ({
    kind: t.string({ required: true }),
    name: t.string({ required: true }),
    namespace: t.string({ required: true }),
    uid: t.string({ required: true }),
  }),
});
const EndpointAddressInput = builder.inputType('EndpointAddressInput', {
  fields: (t) => ({
    ip: t.string({ required: true }),
    hostname: t.string(),
    nodeName: t.string(),
    targetRef: t.field({ type: TargetRefInput }),
  }),
});
const EndpointPortInput = builder.inputType('EndpointPortInput', {
  fields: (t) => ({ name: t.string(), port: t.int({ required: true }), protocol: t.field({ type: ProtocolEnum }) }),
});
const EndpointSubsetInput = builder.inputType('EndpointSubsetInput', {
  fields: (t) => ({
    addresses: t.field({ type: [EndpointAddressInput] }),
    notReadyAddresses: t.field({ type: [EndpointAddressInput] }),
    ports: t.field({ type: [EndpointPortInput] }),
  }),
});
const EndpointsInput = builder.inputType('EndpointsInput', {
  fields: (t) => ({
    metadata: t.field({ type: ObjectMetaInput, required: true }),
    subsets: t.field({ type: [EndpointSubsetInput] }),
  }),
});

export const EndpointsRef = defineKind('Endpoints', { plural: 'endpointsList', input: EndpointsInput });

EndpointsRef.implement({
  interfaces: [KubeObjectRef],
  fields: (t) => ({
    subsets: t.field({ type: [EndpointSubsetRef], nullable: false, extensions: PURE, resolve: (e) => e.subsets ?? [] }),
  }),
});
