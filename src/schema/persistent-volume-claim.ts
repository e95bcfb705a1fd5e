import type { PersistentVolumeClaimSpec, PersistentVolumeClaimStatus } from '../api/types.ts';
import { builder } from './builder.ts';
import { KubeObjectRef, ObjectMetaInput } from './common.ts';
import { defineKind } from './kind-fields.ts';

const AccessModeEnum = builder.enumType('PersistentVolumeAccessMode', {
  values: ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany'] as const,
});
const ClaimPhaseEnum = builder.enumType('PersistentVolumeClaimPhase', {
  values: ['Pending', 'Bound', 'Lost'] as const,
});

type StorageRequest = { storage?: string };
const StorageRequestRef = builder.objectRef<StorageRequest>('StorageRequest').implement({
  fields: (t) => ({ storage: t.exposeString('storage') }),
});
type ClaimResources = NonNullable<PersistentVolumeClaimSpec['resources']>;
const ClaimResourcesRef = builder.objectRef<ClaimResources>('VolumeResourceRequirements').implement({
  fields: (t) => ({ requests: t.expose('requests', { type: StorageRequestRef }) }),
});

const ClaimSpecRef = builder.objectRef<PersistentVolumeClaimSpec>('PersistentVolumeClaimSpec').implement({
  fields: (t) => ({
    accessModes: t.expose('accessModes', { type: [AccessModeEnum] }),
    resources: t.expose('resources', { type: ClaimResourcesRef }),
    storageClassName: t.exposeString('storageClassName'),
    volumeName: t.exposeString('volumeName'),
  }),
});
const ClaimStatusRef = builder.objectRef<PersistentVolumeClaimStatus>('PersistentVolumeClaimStatus').implement({
  fields: (t) => ({ phase: t.expose('phase', { type: ClaimPhaseEnum }) }),
});

const StorageRequestInput = builder.inputType('StorageRequestInput', {
  fields: (t) => ({ storage: t.string({ description: 'A quantity such as "1Gi".' }) }),
});
const ClaimResourcesInput = builder.inputType('VolumeResourceRequirementsInput', {
  fields: (t) => ({ requests: t.field({ type: StorageRequestInput }) }),
});
const ClaimSpecInput = builder.inputType('PersistentVolumeClaimSpecInput', {
  fields: (t) => ({
    accessModes: t.field({ type: [AccessModeEnum] }),
    resources: t.field({ type: ClaimResourcesInput }),
    storageClassName: t.string(),
    volumeName: t.string(),
  }),
});
const ClaimInput = builder.inputType('PersistentVolumeClaimInput', {
  fields: (t) => ({
    metadata: t.field({ type: ObjectMetaInput, required: true }),
    spec: t.field({ type: ClaimSpecInput, required: true }),
  }),
});

export const PersistentVolumeClaimRef = defineKind('PersistentVolumeClaim', {
  plural: 'persistentVolumeClaims',
  input: ClaimInput,
});

PersistentVolumeClaimRef.implement({
  interfaces: [KubeObjectRef],
  fields: (t) => ({
    spec: t.expose('spec', { type: ClaimSpecRef }),
    status: t.expose('status', { type: ClaimStatusRef }),
  }),
});
