import type { NamespaceStatus } from '../api/types.ts';
import { builder } from './builder.ts';
import { KubeObjectRef, ObjectMetaInput } from './common.ts';
import { defineKind } from './kind-fields.ts';

const NamespacePhaseEnum = builder.enumType('NamespacePhase', { values: ['Active', 'Terminating'] as const });

const NamespaceStatusRef = builder.objectRef<NamespaceStatus>('NamespaceStatus').implement({
  fields: (t) => ({ phase: t.expose('phase', { type: NamespacePhaseEnum }) }),
});

const NamespaceInput = builder.inputType('NamespaceInput', {
  fields: (t) => ({ metadata: t.field({ type: ObjectMetaInput, required: true }) }),
});

export const NamespaceRef = defineKind('Namespace', { plural: 'namespaces', input: NamespaceInput });

NamespaceRef.implement({
  interfaces: [KubeObjectRef],
  fields: (t) => ({
    status: t.expose('status', { type: NamespaceStatusRef }),
  }),
});
