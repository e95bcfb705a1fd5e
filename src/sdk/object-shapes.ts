import { readFileSync } from 'node:fs';
import type {
  IntrospectionField,
  IntrospectionInputValue,
  IntrospectionObjectType,
  IntrospectionQuery,
  IntrospectionType,
  IntrospectionTypeRef,
} from 'graphql';
import { CapstanError } from '../api/errors.ts';
import { OBJECT_DATA_FIELDS, type Kind, type KubeObject } from '../api/types.ts';

type Json = unknown;
type JsonObject = Record<string, Json>;

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

function isPlainObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmpty(value: Json): boolean {
  return (Array.isArray(value) && value.length === 0) || (isPlainObject(value) && Object.keys(value).length === 0);
}

const KEY_VALUE = 'KeyValue';
const KEY_VALUE_INPUT = 'KeyValueInput';
const OBJECT_INTERFACE = 'KubeObject';
const OBJECT_META_INPUT = 'ObjectMetaInput';
const INPUT_SUFFIX = 'Input';
const TOP_LEVEL_FIELDS = new Set(OBJECT_DATA_FIELDS);

/** How a conversion to an input treats fields of the value that the input type does not have. */
interface InputMode {
  /**
   * Keep fields the API knows nowhere, so that the server names them in its error (a user's manifest); fields the
   * API reports but does not take (status, uid, a taint's timeAdded...) are always left out.
   */
  keepUnknown: boolean;
}

/**
 * The one converter between the GraphQL shape of Capstan objects (string maps as `[{ key, value }]` lists, nulls for
 * absent fields, derived fields such as `age` or `owner`) and the Kubernetes shape (Capstan's stored objects and the
 * manifests users read and write), driven by an introspection of the API's schema so that every map-typed field of
 * every kind is handled the same way everywhere. It also gives the selection that fetches every stored field of an
 * object. The CLI and the remote node's GraphQLStore both use it; {@link capstanShapes} reads the introspection
 * generated beside the SDK, so clients never load the server's schema.
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
    return this.selectFields(this.requireObject(kind), true, 1);
  }

  /** A stored object from the GraphQL shape of a kind: maps from key/value lists, no nulls, no derived fields. */
  toObject<T extends KubeObject>(kind: Kind, value: Json): T {
    return this.convertOutput(this.requireObject(kind), value, true, false) as T;
  }

  /**
   * The Kubernetes form of an object read from the API, as `-o yaml` and `-o json` print it: what
   * {@link toObject} gives, less empty lists and objects.
   */
  toManifest<T extends { kind: string }>(object: T): JsonObject {
    return this.convertOutput(this.requireObject(object.kind), object, true, true) as JsonObject;
  }

  /** The GraphQL input value of `inputType` (e.g. PodInput, PodStatusInput) for part of a Capstan object. */
  toInput(inputType: string, value: Json): Json {
    return this.convertInput(inputType, value, { keepUnknown: false });
  }

  /**
   * The GraphQL input of a kind (`PodInput`, `ServiceInput`...) for a Kubernetes manifest: maps become key/value
   * lists; apiVersion, kind, status and server-assigned metadata are left out. Fields the API does not know are kept,
   * so that the server names them in its error.
   */
  manifestToInput(kind: Kind, manifest: JsonObject): JsonObject {
    const inputType = `${kind}${INPUT_SUFFIX}`;
    if (this.type(inputType)?.kind !== 'INPUT_OBJECT') {
      throw new CapstanError('INVALID', `kind: ${kind} objects cannot be written through the API`);
    }
    return this.convertInput(inputType, manifest, { keepUnknown: true }) as JsonObject;
  }

  private convertInput(typeName: string, value: Json, mode: InputMode): Json {
    const type = this.type(typeName);
    if (!isPlainObject(value) || type?.kind !== 'INPUT_OBJECT') return value;
    const out: JsonObject = {};
    // The input type's order, not the value's: GraphQLStore compares inputs as JSON to skip writes that change nothing.
    for (const field of type.inputFields) {
      const v = value[field.name];
      if (v !== undefined && v !== null) out[field.name] = this.convertInputField(field, v, mode);
    }
    if (!mode.keepUnknown) return out;
    const reported = this.type(typeName.slice(0, -INPUT_SUFFIX.length));
    for (const [key, v] of Object.entries(value)) {
      if (v === undefined || v === null || type.inputFields.some((f) => f.name === key)) continue;
      if (reported?.kind === 'OBJECT' && reported.fields.some((f) => f.name === key)) continue;
      // Kubernetes metadata carries server-managed fields Capstan does not model (managedFields, selfLink): a
      // manifest exported from Kubernetes still applies.
      if (typeName === OBJECT_META_INPUT) continue;
      out[key] = v;
    }
    return out;
  }

  private convertInputField(field: IntrospectionInputValue, value: Json, mode: InputMode): Json {
    const { name, list } = fieldType(field.type);
    if (name === KEY_VALUE_INPUT && list && isPlainObject(value)) {
      // A map of anything but scalars is left as written, for the server to reject.
      if (Object.values(value).some((v) => typeof v === 'object')) return value;
      return Object.entries(value).map(([key, v]) => ({ key, value: String(v) }));
    }
    if (list && Array.isArray(value)) return value.map((item) => this.convertInput(name, item, mode));
    return this.convertInput(name, value, mode);
  }

  private convertOutput(type: IntrospectionObjectType, value: Json, top: boolean, prune: boolean): Json {
    if (!isPlainObject(value)) return value;
    const out: JsonObject = {};
    for (const [key, v] of Object.entries(value)) {
      if (v === null || v === undefined) continue;
      const field = type.fields.find((f) => f.name === key);
      if (!field || !this.isStored(field, top)) continue;
      const { name, list, requiredList } = fieldType(field.type);
      const fieldObject = this.type(name);
      const item = (x: Json) => (fieldObject?.kind === 'OBJECT' ? this.convertOutput(fieldObject, x, false, prune) : x);
      let converted: Json;
      if (list && Array.isArray(v)) {
        if (v.length === 0 && requiredList) continue;
        converted =
          name === KEY_VALUE
            ? Object.fromEntries((v as { key: string; value: string }[]).map((kv) => [kv.key, kv.value]))
            : v.map(item);
      } else {
        converted = item(v);
      }
      if (!(prune && isEmpty(converted))) out[key] = converted;
    }
    return out;
  }

  /**
   * Whether a field holds stored data rather than something the API derives: at the top of an object one of
   * OBJECT_DATA_FIELDS; below it anything but fields with arguments (`label(key)`), interfaces and links to other
   * objects (a pod's node, an address's pod).
   */
  private isStored(field: IntrospectionField, top: boolean): boolean {
    if (top && !TOP_LEVEL_FIELDS.has(field.name)) return false;
    if (field.args.length > 0) return false;
    const type = this.type(fieldType(field.type).name);
    if (type?.kind === 'OBJECT') return !type.interfaces.some((i) => i.name === OBJECT_INTERFACE);
    return !type || type.kind === 'SCALAR' || type.kind === 'ENUM';
  }

  private selectFields(type: IntrospectionObjectType, top: boolean, depth: number): string {
    const parts: string[] = [];
    for (const field of type.fields) {
      if (!this.isStored(field, top)) continue;
      const fieldObject = this.type(fieldType(field.type).name);
      if (fieldObject?.kind !== 'OBJECT') parts.push(field.name);
      else if (depth < 12) parts.push(`${field.name} { ${this.objectSelection(fieldObject, depth + 1)} }`);
    }
    return parts.join(' ');
  }

  private objectSelection(type: IntrospectionObjectType, depth: number): string {
    let selection = this.selections.get(type.name);
    if (selection === undefined) {
      selection = this.selectFields(type, false, depth);
      this.selections.set(type.name, selection);
    }
    return selection;
  }

  private type(name: string): IntrospectionType | undefined {
    return this.types.get(name);
  }

  private requireObject(name: string): IntrospectionObjectType {
    const type = this.type(name);
    if (type?.kind !== 'OBJECT') {
      throw new CapstanError('UNAVAILABLE', `not supported: the API has no ${name} type`);
    }
    return type;
  }
}

let capstan: SchemaShapes | undefined;

/**
 * The shapes of this program's version of the API, from src/sdk/generated/introspection.json (`npm run
 * sdk:generate`; test/sdk-stale.test.ts fails when it is stale). Read once, on first use.
 */
export function capstanShapes(): SchemaShapes {
  // Read rather than imported: the CLI pays for the 450 kB only when it converts, and no JSON-module loader is needed.
  capstan ??= new SchemaShapes(
    JSON.parse(readFileSync(new URL('./generated/introspection.json', import.meta.url), 'utf8')) as IntrospectionQuery,
  );
  return capstan;
}
