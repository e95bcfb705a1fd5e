import { createRequire } from 'node:module';
import type * as GraphQL from 'graphql';
import type {
  IntrospectionField,
  IntrospectionInputValue,
  IntrospectionQuery,
  IntrospectionType,
  IntrospectionTypeRef,
} from 'graphql';
import { CapstanError } from '../api/errors.ts';
import { OBJECT_DATA_FIELDS } from '../api/types.ts';
import type { Kind, KubeObject } from '../api/types.ts';
import { schema } from '../schema/index.ts';

// The schema's types come from the graphql copy Pothos loads (CommonJS); introspect with that same copy, since under
// vitest a plain `import 'graphql'` would load the ESM copy, which refuses types of another realm.
const { introspectionFromSchema } = createRequire(import.meta.url)('graphql') as typeof GraphQL;

/** A field's type with its wrappers folded: the named type, whether it is a list, and a list the server never nulls. */
interface FieldType {
  name: string;
  list: boolean;
  /** `[X]!`: the server answers an empty list for "absent", so an empty one converts back to absent. */
  requiredList: boolean;
}

function fieldType(ref: IntrospectionTypeRef): FieldType {
  let requiredList = false;
  let list = false;
  let current = ref;
  for (;;) {
    if (current.kind === 'NON_NULL') {
      if (current.ofType.kind === 'LIST' && !list) requiredList = true;
      current = current.ofType;
    } else if (current.kind === 'LIST') {
      list = true;
      current = current.ofType;
    } else {
      return { name: current.name, list, requiredList };
    }
  }
}

const KEY_VALUE = 'KeyValue';
const KEY_VALUE_INPUT = 'KeyValueInput';
const OBJECT_INTERFACE = 'KubeObject';

/**
 * What the remote Store needs to know about the API's types, read from an introspection of Capstan's own schema
 * (the one the server serves): the selection that fetches every stored field of an object, and the conversions
 * between the GraphQL shapes (string maps as `[KeyValue]` lists, nulls for absent fields) and Capstan objects.
 */
export class SchemaShapes {
  private readonly types = new Map<string, IntrospectionType>();
  private readonly selections = new Map<string, string>();

  constructor(introspection: IntrospectionQuery) {
    for (const type of introspection.__schema.types) this.types.set(type.name, type);
  }

  /** Whether the API has an object type for this kind. */
  hasKind(kind: Kind): boolean {
    return this.type(kind)?.kind === 'OBJECT';
  }

  /** The root field of `operation` ('Query' or 'Mutation') returning `typeName` (e.g. the list query of a kind). */
  rootFieldReturning(operation: 'Query' | 'Mutation', typeName: string): string | undefined {
    const root = this.type(operation);
    if (root?.kind !== 'OBJECT') return undefined;
    return root.fields.find((f) => fieldType(f.type).name === typeName && !fieldType(f.type).list)?.name;
  }

  hasRootField(operation: 'Query' | 'Mutation' | 'Subscription', name: string): boolean {
    const root = this.type(operation);
    return root?.kind === 'OBJECT' && root.fields.some((f) => f.name === name);
  }

  /** The values of an enum type (e.g. the kinds the `watch` subscription serves). */
  enumValues(name: string): string[] {
    const type = this.type(name);
    return type?.kind === 'ENUM' ? type.enumValues.map((v) => v.name) : [];
  }

  /** The selection set body (without braces) fetching every stored field of a kind's object. */
  kindSelection(kind: Kind): string {
    const type = this.requireObject(kind);
    const fields = type.fields.filter((f) => OBJECT_DATA_FIELDS.includes(f.name));
    return this.selectFields(fields, 1);
  }

  /** A stored object from the GraphQL shape of a kind: maps from key/value lists, no nulls, no __typename. */
  toObject<T extends KubeObject>(kind: Kind, value: unknown): T {
    return this.convertOutput(kind, value) as T;
  }

  /** The GraphQL input value of `inputType` (e.g. PodInput, PodStatusInput) for part of a Capstan object. */
  toInput(inputType: string, value: unknown): unknown {
    const type = this.type(inputType);
    if (value === null || value === undefined || typeof value !== 'object' || type?.kind !== 'INPUT_OBJECT') {
      return value;
    }
    const source = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const field of type.inputFields) {
      const v = source[field.name];
      if (v !== undefined && v !== null) out[field.name] = this.convertInputField(field, v);
    }
    return out;
  }

  private convertInputField(field: IntrospectionInputValue, value: unknown): unknown {
    const { name, list } = fieldType(field.type);
    if (name === KEY_VALUE_INPUT && list && !Array.isArray(value)) {
      return Object.entries(value as Record<string, string>).map(([key, v]) => ({ key, value: v }));
    }
    if (list && Array.isArray(value)) return value.map((item) => this.toInput(name, item));
    return this.toInput(name, value);
  }

  private convertOutput(typeName: string, value: unknown): unknown {
    const type = this.type(typeName);
    if (value === null || typeof value !== 'object' || type?.kind !== 'OBJECT') return value;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === null || v === undefined || key === '__typename') continue;
      const field = type.fields.find((f) => f.name === key);
      if (!field) continue;
      const { name, list, requiredList } = fieldType(field.type);
      if (list && Array.isArray(v)) {
        if (v.length === 0 && requiredList) continue;
        out[key] =
          name === KEY_VALUE
            ? Object.fromEntries((v as { key: string; value: string }[]).map((kv) => [kv.key, kv.value]))
            : v.map((item) => this.convertOutput(name, item));
      } else {
        out[key] = this.convertOutput(name, v);
      }
    }
    return out;
  }

  private selectFields(fields: readonly IntrospectionField[], depth: number): string {
    const parts: string[] = [];
    for (const field of fields) {
      if (field.args.length > 0) continue;
      const { name } = fieldType(field.type);
      const type = this.type(name);
      if (!type || type.kind === 'SCALAR' || type.kind === 'ENUM') {
        parts.push(field.name);
      } else if (type.kind === 'OBJECT' && !this.isObjectLink(type) && depth < 12) {
        parts.push(`${field.name} { ${this.objectSelection(type.name, depth + 1)} }`);
      }
      // Links to other objects (a pod's node, an address's pod) and interfaces are derived: not fetched.
    }
    return parts.join(' ');
  }

  private objectSelection(typeName: string, depth: number): string {
    let selection = this.selections.get(typeName);
    if (selection === undefined) {
      selection = this.selectFields(this.requireObject(typeName).fields, depth);
      this.selections.set(typeName, selection);
    }
    return selection;
  }

  private isObjectLink(type: IntrospectionType): boolean {
    return type.kind === 'OBJECT' && type.interfaces.some((i) => i.name === OBJECT_INTERFACE);
  }

  private type(name: string): IntrospectionType | undefined {
    return this.types.get(name);
  }

  private requireObject(name: string) {
    const type = this.type(name);
    if (type?.kind !== 'OBJECT') {
      throw new CapstanError('UNAVAILABLE', `not supported over the remote API: the API has no ${name} type`);
    }
    return type;
  }
}

let local: SchemaShapes | undefined;

/** The shapes of Capstan's own schema (this program's version of the API). */
export function localSchemaShapes(): SchemaShapes {
  local ??= new SchemaShapes(introspectionFromSchema(schema));
  return local;
}
