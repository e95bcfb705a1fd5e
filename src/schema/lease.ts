import type { LeaseSpec } from '../api/types.ts';
import { builder } from './builder.ts';
import { KubeObjectRef, ObjectMetaInput } from './common.ts';
import { defineKind } from './kind-fields.ts';

const LeaseSpecRef = builder.objectRef<LeaseSpec>('LeaseSpec').implement({
  fields: (t) => ({
    holderIdentity: t.exposeString('holderIdentity'),
    leaseDurationSeconds: t.exposeInt('leaseDurationSeconds'),
    acquireTime: t.exposeString('acquireTime'),
    renewTime: t.exposeString('renewTime'),
  }),
});

const LeaseSpecInput = builder.inputType('LeaseSpecInput', {
  fields: (t) => ({
    holderIdentity: t.string(),
    leaseDurationSeconds: t.int(),
    acquireTime: t.string(),
    renewTime: t.string(),
  }),
});

const LeaseInput = builder.inputType('LeaseInput', {
  fields: (t) => ({
    metadata: t.field({ type: ObjectMetaInput, required: true }),
    spec: t.field({ type: LeaseSpecInput }),
  }),
});

export const LeaseRef = defineKind('Lease', { plural: 'leases', input: LeaseInput });

LeaseRef.implement({
  description: 'A lease, as coordination.k8s.io/v1: node heartbeats live in namespace capstan-node-lease.',
  interfaces: [KubeObjectRef],
  fields: (t) => ({
    spec: t.expose('spec', { type: LeaseSpecRef }),
  }),
});
