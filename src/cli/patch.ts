import { isDeepStrictEqual } from 'node:util';
import { CliError } from './cli-error.ts';
import type { CliKind } from './kinds.ts';

type Json = unknown;
type JsonObject = Record<string, unknown>;

/** The patch types of `capstan patch --type`, as kubectl names them. */
export type PatchType = 'strategic' | 'merge' | 'json';

export const PATCH_TYPES: readonly PatchType[] = ['strategic', 'merge', 'json'];

function isObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** RFC 7386 JSON merge patch: objects merge key by key, `null` removes a key, anything else (lists too) replaces. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

const CONTAINER_LISTS = new Set(['containers', 'initContainers']);

/**
 * The key a list field's items merge by in a strategic merge patch, as Kubernetes' patchMergeKey tags say, for the
 * lists Capstan covers; undefined for every other list (replaced whole, as in a merge patch). `path` holds the field
 * names from the top of the object down to the list (no indices), e.g. `spec.template.spec.containers`.
 */
export function mergeKeyOf(kind: CliKind, path: readonly string[]): string | undefined {
  const field = path.at(-1);
  const parent = path.at(-2);
  if (parent === 'spec' && (CONTAINER_LISTS.has(field!) || field === 'volumes')) return 'name';
  if (parent !== undefined && CONTAINER_LISTS.has(parent)) {
    if (field === 'env') return 'name';
    if (field === 'ports') return 'containerPort';
    if (field === 'volumeMounts') return 'mountPath';
  }
  if (kind === 'Service' && path.length === 2 && path[0] === 'spec' && field === 'ports') return 'port';
  return undefined;
}

function where(path: readonly string[]): string {
  return path.join('.');
}

function mergeKeyedList(kind: CliKind, path: string[], key: string, target: Json, patch: Json[]): Json[] {
  const result: Json[] = Array.isArray(target) ? [...target] : [];
  for (const item of patch) {
    if (!isObject(item) || item[key] === undefined || item[key] === null) {
      throw new CliError(`strategic merge patch: every item of ${where(path)} needs its merge key "${key}"`);
    }
    const { $patch: directive, ...rest } = item;
    const index = result.findIndex((existing) => isObject(existing) && isDeepStrictEqual(existing[key], item[key]));
    if (directive === 'delete') {
      if (index !== -1) result.splice(index, 1);
      continue;
    }
    if (directive !== undefined) {
      throw new CliError(`strategic merge patch: ${where(path)}: only "$patch: delete" is supported in a list item`);
    }
    if (index === -1) result.push(strategicMerge(kind, path, undefined, rest));
    else result[index] = strategicMerge(kind, path, result[index], rest);
  }
  return result;
}

function strategicMerge(kind: CliKind, path: string[], target: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [field, value] of Object.entries(patch)) {
    if (field.startsWith('$')) {
      throw new CliError(`strategic merge patch: the directive "${field}" is not supported (only "$patch: delete")`);
    }
    const here = [...path, field];
    const key = Array.isArray(value) ? mergeKeyOf(kind, here) : undefined;
    if (value === null) delete result[field];
    else if (key !== undefined) result[field] = mergeKeyedList(kind, here, key, result[field], value as Json[]);
    else result[field] = strategicMerge(kind, here, result[field], value);
  }
  return result;
}

/**
 * A strategic merge patch as Kubernetes applies one, for the lists Capstan covers: a merge patch (RFC 7386), except
 * that containers, initContainers and volumes (by name), a container's env (by name), ports (by containerPort) and
 * volumeMounts (by mountPath), and a Service's spec.ports (by port) merge item by item by that key: an item with a
 * new key is added, one with a known key is merged into the one there, and `$patch: delete` in an item removes it.
 */
export function strategicMergePatch(kind: CliKind, target: Json, patch: Json): Json {
  return strategicMerge(kind, [], target, patch);
}

/** One RFC 6902 operation. */
interface JsonPatchOp {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: Json;
}

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/** The reference tokens of an RFC 6901 JSON pointer. */
function pointerTokens(pointer: string, describe: () => string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new CliError(`${describe()}: the path "${pointer}" must start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function arrayIndex(container: Json[], token: string, forAdd: boolean, fail: (why: string) => never): number {
  if (forAdd && token === '-') return container.length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) fail(`"${token}" is not an index of a list`);
  const index = Number(token);
  if (index > container.length || (!forAdd && index === container.length)) fail(`index ${index} is out of range`);
  return index;
}

/** Applies an RFC 6902 JSON patch to a copy of `document`; a failed `test` or a bad path is an error naming the op. */
export function jsonPatch(document: Json, operations: Json): Json {
  if (!Array.isArray(operations)) throw new CliError('a json patch must be a list of operations, e.g. [{"op": ...}]');
  let doc = clone(document);
  operations.forEach((raw, i) => {
    const name = isObject(raw) && typeof raw.op === 'string' ? raw.op : '?';
    const describe = () => `json patch operation ${i + 1} (${name} ${isObject(raw) ? String(raw.path ?? '') : ''})`;
    const fail = (why: string): never => {
      throw new CliError(`${describe()} failed: ${why}`);
    };
    if (!isObject(raw) || !OPS.has(name)) return fail('op must be add, remove, replace, move, copy or test');
    const op = raw as unknown as JsonPatchOp;
    if (typeof op.path !== 'string') return fail('it has no "path"');
    if (['add', 'replace', 'test'].includes(op.op) && !('value' in raw)) return fail('it has no "value"');
    if ((op.op === 'move' || op.op === 'copy') && typeof op.from !== 'string') return fail('it has no "from"');

    const get = (pointer: string): Json => {
      let node: Json = doc;
      for (const token of pointerTokens(pointer, describe)) {
        if (Array.isArray(node)) node = node[arrayIndex(node, token, false, fail)];
        else if (isObject(node) && Object.hasOwn(node, token)) node = node[token];
        else fail(`the path "${pointer}" does not exist`);
      }
      return node;
    };
    const parentOf = (pointer: string): { parent: Json; token: string } => {
      const tokens = pointerTokens(pointer, describe);
      const token = tokens.pop()!;
      const parent = get(tokens.map((t) => `/${t.replace(/~/g, '~0').replace(/\//g, '~1')}`).join(''));
      if (!Array.isArray(parent) && !isObject(parent)) fail(`the parent of "${pointer}" is not an object or a list`);
      return { parent, token };
    };
    const remove = (pointer: string): Json => {
      if (pointer === '') return fail('cannot remove the whole document');
      const { parent, token } = parentOf(pointer);
      if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, token, false, fail), 1)[0];
      const object = parent as JsonObject;
      if (!Object.hasOwn(object, token)) fail(`the path "${pointer}" does not exist`);
      const value = object[token];
      delete object[token];
      return value;
    };
    const add = (pointer: string, value: Json): void => {
      if (pointer === '') {
        doc = value;
        return;
      }
      const { parent, token } = parentOf(pointer);
      if (Array.isArray(parent)) parent.splice(arrayIndex(parent, token, true, fail), 0, value);
      else (parent as JsonObject)[token] = value;
    };

    switch (op.op) {
      case 'add':
        add(op.path, clone(op.value));
        break;
      case 'remove':
        remove(op.path);
        break;
      case 'replace':
        get(op.path);
        if (op.path === '') doc = clone(op.value);
        else {
          remove(op.path);
          add(op.path, clone(op.value));
        }
        break;
      case 'move': {
        if (op.path.startsWith(`${op.from}/`)) fail(`cannot move "${op.from}" into itself`);
        add(op.path, remove(op.from!));
        break;
      }
      case 'copy':
        add(op.path, clone(get(op.from!)));
        break;
      case 'test': {
        const actual = get(op.path);
        if (!isDeepStrictEqual(actual, op.value)) {
          fail(`the value at "${op.path}" is ${JSON.stringify(actual)}, not ${JSON.stringify(op.value)}`);
        }
        break;
      }
    }
  });
  return doc;
}

/** Applies a parsed patch of `type` to a copy of a manifest (the Kubernetes shape, as `get -o json` prints it). */
export function applyPatch(kind: CliKind, type: PatchType, manifest: JsonObject, patch: Json): JsonObject {
  if (type !== 'json' && !isObject(patch)) {
    throw new CliError(`a ${type} patch must be an object, e.g. {"spec":{"replicas":3}}`);
  }
  const result =
    type === 'json'
      ? jsonPatch(manifest, patch)
      : type === 'merge'
        ? mergePatch(manifest, patch)
        : strategicMergePatch(kind, manifest, patch);
  if (!isObject(result)) throw new CliError('the patch must leave an object (with apiVersion, kind, metadata...)');
  return result;
}
