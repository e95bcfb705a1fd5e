import { builder } from './builder.ts';
import { KeyValueInput, KeyValueRef, KubeObjectRef, ObjectMetaInput, toPairs } from './common.ts';
import { defineKind } from './kind-fields.ts';
import { PURE } from './items-json.ts';

const SecretInput = builder.inputType('SecretInput', {
  fields: (t) => ({
    metadata: t.field({ type: ObjectMetaInput, required: true }),
    type: t.string({
      description:
        'Opaque (default), kubernetes.io/dockerconfigjson, kubernetes.io/basic-auth, kubernetes.io/tls, or a ' +
        'domain-prefixed type of your own. Immutable.',
    }),
    data: t.field({ type: [KeyValueInput], description: 'Base64 values by key.' }),
    stringData: t.field({
      type: [KeyValueInput],
      description: 'Plain-text values, merged into data on write (winning over data); never stored or returned.',
    }),
    immutable: t.boolean({ description: 'Once true, data cannot change: delete and re-create instead.' }),
  }),
});

export const SecretRef = defineKind('Secret', { plural: 'secrets', input: SecretInput });

SecretRef.implement({
  description:
    'Credentials and other sensitive data: encrypted at rest, readable only by admin credentials (and a node, for ' +
    'the pods bound to it).',
  interfaces: [KubeObjectRef],
  fields: (t) => ({
    type: t.string({ nullable: false, extensions: PURE, resolve: (s) => s.type ?? 'Opaque' }),
    data: t.field({ type: [KeyValueRef], nullable: false, extensions: PURE, resolve: (s) => toPairs(s.data) }),
    immutable: t.exposeBoolean('immutable'),
  }),
});
