import { builder } from './builder.ts';
import { KeyValueInput, KeyValueRef, KubeObjectRef, ObjectMetaInput, toPairs } from './common.ts';
import { defineKind } from './kind-fields.ts';
import { PURE } from './items-json.ts';

const ConfigMapInput = builder.inputType('ConfigMapInput', {
  fields: (t) => ({
    metadata: t.field({ type: ObjectMetaInput, required: true }),
    data: t.field({ type: [KeyValueInput], description: 'UTF-8 values by key.' }),
    binaryData: t.field({ type: [KeyValueInput], description: 'Base64 values by key (keys not in data).' }),
    immutable: t.boolean({ description: 'Once true, data cannot change: delete and re-create instead.' }),
  }),
});

export const ConfigMapRef = defineKind('ConfigMap', { plural: 'configMaps', input: ConfigMapInput });

ConfigMapRef.implement({
  interfaces: [KubeObjectRef],
  fields: (t) => ({
    data: t.field({ type: [KeyValueRef], nullable: false, extensions: PURE, resolve: (c) => toPairs(c.data) }),
    binaryData: t.field({
      type: [KeyValueRef],
      nullable: false,
      extensions: PURE,
      resolve: (c) => toPairs(c.binaryData),
    }),
    immutable: t.exposeBoolean('immutable'),
  }),
});
