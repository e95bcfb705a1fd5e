import {
  defaultFieldResolver,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  Kind,
  print,
  visit,
  type DirectiveNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLEnumType,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type GraphQLScalarType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { logger } from '../util/logger.ts';
import { SLICE_ITEMS } from './list-slices.ts';

const log = logger.child({ component: 'items-json' });

/**
 * The items of a long list answered as JSON text kept per object, instead of being completed by the executor for
 * every request.
 *
 * Listing 30,000 pods, the control plane spent two thirds of its time on the list: graphql-jit completing each
 * item's selection into fresh objects, V8 collecting those objects (each list promoted ~30 MB to the old space, and
 * its mark-compact pauses of 60-85 ms were the tail of every other request), and serialising them again. Yet
 * between two lists almost every object is the same: objects of the read cache and of watches are deep-frozen and
 * replaced, never changed, when they change. So, as Kubernetes' API server caches an object's serialisation for
 * its watchers, the item's answer for a given selection is rendered once and kept with the object (a WeakMap: it
 * goes with the object), and a list of mostly unchanged objects is a copy of kept bytes.
 *
 * Only selections whose every field is known to depend on its parent object alone are rendered here: fields
 * Pothos exposes as a property, and fields that say so with `extensions: { itemJson: 'pure' }` (e.g. `labels`,
 * `ready`); a leaf marked `'volatile'` (`age`, which depends on the clock) is spliced into the kept text: evaluated
 * for every request, or, if the field says how long its value holds ({@link volatileUntil}), once until then.
 * Anything else (a field that loads other objects, reads the viewer or the context, an abstract type, a directive
 * other than @skip/@include, the same key selected twice) leaves the list to the executor, as does any item whose
 * completion would raise an error (a null in a non-null position, a resolver that throws or answers a promise): the
 * executor then answers it with its own errors, as before.
 *
 * The answer's text is byte for byte what the executor's result serialises to; `items-json.test.ts` checks it for
 * random objects and selections against graphql-js.
 */

/** What an item of `extensions.itemJson` may be: depends on the parent only, or on the parent and the clock. */
export type ItemJsonPurity = 'pure' | 'volatile';
/** `extensions` of a field whose value depends on its parent object alone. */
export const PURE = { itemJson: 'pure' } as const satisfies { itemJson: ItemJsonPurity };
/** `extensions` of a leaf whose value depends on its parent object and the clock. */
export const VOLATILE = { itemJson: 'volatile' } as const satisfies { itemJson: ItemJsonPurity };

/** When a volatile leaf's value, as evaluated at `now` (ms since the epoch), next changes. */
export type VolatileUntil<Parent> = (parent: Parent, now: number) => number;

/**
 * `extensions` of a volatile leaf that can tell how long its value holds (`age` changes once a second for a young
 * object, once a minute, hour or day later): an item's text is then assembled once and kept until the first of its
 * volatile leaves changes, instead of for every answer. `until(parent, now)` must be a time at or before which
 * the field's resolver, called at any instant from `now` on, gives the value it gave at `now`.
 */
export function volatileUntil<Parent>(until: VolatileUntil<Parent>): {
  itemJson: 'volatile';
  itemJsonUntil: VolatileUntil<Parent>;
} {
  return { itemJson: 'volatile', itemJsonUntil: until };
}

/** A field of a selection, ready to render. */
interface FieldPlan {
  /** `"key":`, with a leading comma unless it is the first field. */
  readonly prefix: string;
  /** `__typename`: its constant text. */
  readonly typename?: string;
  readonly resolve?: GraphQLFieldResolver<unknown, unknown>;
  readonly args: Record<string, unknown>;
  readonly info: GraphQLResolveInfo;
  readonly type: GraphQLOutputType;
  /** The object fields of an object type (or list of them). */
  readonly sub?: ObjectPlan;
  readonly volatile: boolean;
  /** A volatile leaf's {@link VolatileUntil}, if it has one. */
  readonly until?: VolatileUntil<unknown>;
}

interface ObjectPlan {
  readonly fields: readonly FieldPlan[];
  /** The type's own check, which the executor makes of every object it completes (graphql's isTypeOf). */
  readonly isTypeOf?: (value: unknown, context: unknown) => unknown;
}

/**
 * An item rendered: its text, or texts with the volatile leaves' places between them. Kept UTF-8 encoded, as they
 * are written: an answer is then a copy of bytes, not a join of strings and an encoding of the result again.
 */
type Rendered = Buffer | Template;

interface Template {
  /** One more than `holes`: text, hole, text, ..., text. */
  readonly texts: readonly Buffer[];
  readonly holes: readonly { readonly parent: unknown; readonly field: FieldPlan }[];
  /** The item's text as last assembled, and until when it holds (ms since the epoch; see {@link assemble}). */
  assembled: Buffer | undefined;
  until: number;
  /** Kept with its object: its assembled text counts against the budget of kept bytes. */
  kept: boolean;
}

/** A plan for one selection, and the items rendered with it. */
interface Plan {
  readonly root: ObjectPlan;
  /** Kept texts, by object; replaced when the kept texts of all plans went over budget (`generation`). */
  rendered: WeakMap<object, Rendered>;
  generation: number;
}

/** Raised (and caught here) when the executor, not this module, must answer. */
class NotHere extends Error {}
const NOT_HERE = new NotHere('left to the executor');

/**
 * Plans by schema and selection (and the variables it uses). Bounded, oldest first out; and the texts kept over all
 * plans are bounded too (in bytes): past the budget every plan starts over with no kept texts (those become
 * garbage), so a client sending ever-new selections of big lists cannot make the server keep more than that.
 */
export const MAX_PLANS = 16;
let maxKeptBytes = 64 * 1024 * 1024;

/** For tests: the budget of kept texts, in bytes; returns a function that puts the default back. */
export function setKeptBytesBudget(bytes: number): () => void {
  const before = maxKeptBytes;
  maxKeptBytes = bytes;
  return () => void (maxKeptBytes = before);
}
const plans = new WeakMap<GraphQLSchema, Map<string, Plan | null>>();
let keptBytes = 0;

function keep(plan: Plan, item: object, done: Rendered): void {
  if (Buffer.isBuffer(done)) {
    countKept(done.length);
  } else {
    done.kept = true;
    countKept(done.texts.reduce((sum, t) => sum + t.length, 0) + (done.assembled?.length ?? 0));
  }
  if (plan.generation !== generation) {
    plan.generation = generation;
    plan.rendered = new WeakMap();
  }
  plan.rendered.set(item, done);
}
let generation = 0;

/** Counts bytes newly kept; past the budget every plan starts over (at its next kept item). */
function countKept(bytes: number): void {
  keptBytes += bytes;
  if (keptBytes > maxKeptBytes) {
    keptBytes = 0;
    generation++;
  }
}

function planFor(info: GraphQLResolveInfo): Plan | undefined {
  if (info.fieldNodes.length !== 1) return undefined;
  const node = info.fieldNodes[0]!;
  const itemType = getNamedType(info.returnType);
  if (!node.selectionSet || !isObjectType(itemType)) return undefined;
  const key = signature(itemType, node.selectionSet, info);
  if (key === undefined) return undefined;
  let bySelection = plans.get(info.schema);
  if (!bySelection) plans.set(info.schema, (bySelection = new Map()));
  let plan = bySelection.get(key);
  if (plan === undefined) {
    try {
      plan = { root: planObject(itemType, node.selectionSet, info), rendered: new WeakMap(), generation };
    } catch (err) {
      if (!(err instanceof NotHere)) throw err;
      plan = null;
    }
    if (bySelection.size >= MAX_PLANS) bySelection.delete(bySelection.keys().next().value!);
  } else {
    bySelection.delete(key);
  }
  bySelection.set(key, plan);
  return plan ?? undefined;
}

/**
 * The selection's text, the fragments it spreads and the values of the variables it uses: equal signatures make
 * equal answers for the same object. Undefined if a spread names no fragment (the executor reports it).
 */
function signature(
  type: GraphQLObjectType,
  selectionSet: SelectionSetNode,
  info: GraphQLResolveInfo,
): string | undefined {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const variables = new Set<string>();
  let missing = false;
  const walk = (node: SelectionSetNode | FragmentDefinitionNode) =>
    visit(node, {
      Variable: (v) => void variables.add(v.name.value),
      FragmentSpread: (spread) => {
        const name = spread.name.value;
        if (fragments.has(name)) return;
        const fragment = info.fragments[name];
        if (!fragment) {
          missing = true;
          return;
        }
        fragments.set(name, fragment);
        walk(fragment);
      },
    });
  walk(selectionSet);
  if (missing) return undefined;
  const values = [...variables].sort().map((name) => [name, info.variableValues[name]]);
  return JSON.stringify([type.name, print(selectionSet), [...fragments.values()].map(print).sort(), values]);
}

function planObject(type: GraphQLObjectType, selectionSet: SelectionSetNode, info: GraphQLResolveInfo): ObjectPlan {
  const nodes = new Map<string, FieldNode>();
  collect(type, selectionSet, info, nodes, new Set());
  const fields: FieldPlan[] = [];
  for (const [key, node] of nodes) fields.push(planField(type, key, node, fields.length === 0, info));
  const check = type.isTypeOf;
  return check ? { fields, isTypeOf: (value, context) => check(value, context, info) } : { fields };
}

/** The fields of a selection in the executor's order (graphql's collectFields), refusing what it would merge. */
function collect(
  type: GraphQLObjectType,
  selectionSet: SelectionSetNode,
  info: GraphQLResolveInfo,
  into: Map<string, FieldNode>,
  spread: Set<string>,
): void {
  for (const selection of selectionSet.selections) {
    if (!included(selection, info)) continue;
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      // The same key twice is merged by the executor (sub-selections and all): not worth repeating here.
      if (into.has(key)) throw NOT_HERE;
      into.set(key, selection);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const condition = selection.typeCondition?.name.value;
      if (condition !== undefined && condition !== type.name) throw NOT_HERE;
      collect(type, selection.selectionSet, info, into, spread);
    } else {
      const name = selection.name.value;
      if (spread.has(name)) continue;
      spread.add(name);
      const fragment = info.fragments[name];
      if (!fragment || fragment.typeCondition.name.value !== type.name) throw NOT_HERE;
      collect(type, fragment.selectionSet, info, into, spread);
    }
  }
}

function included(node: { readonly directives?: readonly DirectiveNode[] }, info: GraphQLResolveInfo): boolean {
  if (!node.directives?.length) return true;
  for (const directive of node.directives) {
    if (directive.name.value !== 'skip' && directive.name.value !== 'include') throw NOT_HERE;
  }
  if (getDirectiveValues(GraphQLSkipDirective, node, info.variableValues)?.['if'] === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, info.variableValues)?.['if'] !== false;
}

function planField(
  parentType: GraphQLObjectType,
  key: string,
  node: FieldNode,
  first: boolean,
  info: GraphQLResolveInfo,
): FieldPlan {
  const prefix = `${first ? '' : ','}${JSON.stringify(key)}:`;
  const name = node.name.value;
  const fieldInfo = (type: GraphQLOutputType): GraphQLResolveInfo => ({
    ...info,
    fieldName: name,
    fieldNodes: [node],
    returnType: type,
    parentType,
    path: { prev: info.path, key, typename: parentType.name },
  });
  if (name === '__typename') {
    return {
      prefix,
      typename: JSON.stringify(parentType.name),
      args: {},
      info,
      type: parentType,
      volatile: false,
    };
  }
  const def = parentType.getFields()[name];
  if (!def) throw NOT_HERE;
  const extensions = def.extensions as {
    pothosExposedField?: string;
    pothosResolveWrapped?: boolean;
    itemJson?: ItemJsonPurity;
    itemJsonUntil?: VolatileUntil<unknown>;
  };
  // Only fields known to depend on the parent alone, and that no plugin wraps (a wrapper may load, or read context).
  const known = extensions.pothosExposedField !== undefined || extensions.itemJson !== undefined;
  if (!known || extensions.pothosResolveWrapped === true) throw NOT_HERE;
  const named = getNamedType(def.type);
  const volatile = extensions.itemJson === 'volatile';
  let sub: ObjectPlan | undefined;
  // A volatile field is a leaf, not a list (its text is spliced in as one value).
  if (volatile && isListType(isNonNullType(def.type) ? def.type.ofType : def.type)) throw NOT_HERE;
  if (isObjectType(named)) {
    if (volatile || !node.selectionSet) throw NOT_HERE;
    sub = planObject(named, node.selectionSet, info);
  } else if (!isScalarType(named) && !isEnumType(named)) {
    throw NOT_HERE; // an interface or a union: its concrete type is the executor's to find
  }
  let args: Record<string, unknown>;
  try {
    args = getArgumentValues(def, node, info.variableValues);
  } catch {
    throw NOT_HERE;
  }
  // Exposed fields have no resolver of their own: the executor reads the property (graphql's default resolver).
  const resolve = def.resolve ?? defaultFieldResolver;
  const plan = { prefix, resolve, args, info: fieldInfo(def.type), type: def.type, sub, volatile };
  return volatile && extensions.itemJsonUntil ? { ...plan, until: extensions.itemJsonUntil } : plan;
}

/**
 * Renders an object of a plan: texts and holes. Texts are joined from parts, not built with `+=`: V8 keeps a
 * concatenation as a tree of pieces, and a kept text that is such a tree is walked again by every answer that
 * writes it (joining 30,000 of them took a third of the control plane).
 */
class Renderer {
  readonly texts: Buffer[] = [];
  readonly holes: { parent: unknown; field: FieldPlan }[] = [];
  private readonly parts: string[] = [];

  object(value: object, plan: ObjectPlan, context: unknown): void {
    // Not this type by its own check (an error of the executor's), or a check that answers a promise.
    if (plan.isTypeOf && plan.isTypeOf(value, context) !== true) throw NOT_HERE;
    this.parts.push('{');
    for (const field of plan.fields) {
      this.parts.push(field.prefix);
      if (field.typename !== undefined) {
        this.parts.push(field.typename);
      } else if (field.volatile) {
        this.texts.push(Buffer.from(this.cut()));
        this.holes.push({ parent: value, field });
      } else {
        this.value(resolveField(field, value, context), field.type, field, context);
      }
    }
    this.parts.push('}');
  }

  value(value: unknown, type: GraphQLOutputType, field: FieldPlan, context: unknown): void {
    if (isNonNullType(type)) {
      if (value === null || value === undefined) throw NOT_HERE; // the executor's error to report
      this.value(value, type.ofType, field, context);
    } else if (value === null || value === undefined) {
      this.parts.push('null');
    } else if (isListType(type)) {
      if (!Array.isArray(value)) throw NOT_HERE;
      this.parts.push('[');
      for (let i = 0; i < value.length; i++) {
        if (i > 0) this.parts.push(',');
        this.value(value[i], type.ofType, field, context);
      }
      this.parts.push(']');
    } else if (field.sub) {
      if (typeof value !== 'object') throw NOT_HERE;
      this.object(value, field.sub, context);
    } else {
      this.parts.push(leaf(value, type as GraphQLScalarType | GraphQLEnumType));
    }
  }

  /** The text since the last cut. */
  cut(): string {
    const text = this.parts.join('');
    this.parts.length = 0;
    return text;
  }

  done(): Rendered {
    if (this.holes.length === 0) return Buffer.from(this.cut());
    this.texts.push(Buffer.from(this.cut()));
    return { texts: this.texts, holes: this.holes, assembled: undefined, until: 0, kept: false };
  }
}

function resolveField(field: FieldPlan, parent: unknown, context: unknown): unknown {
  let value: unknown;
  try {
    value = field.resolve!(parent, field.args, context, field.info);
  } catch {
    throw NOT_HERE;
  }
  if (value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function') {
    throw NOT_HERE;
  }
  return value;
}

/** A leaf's JSON as the executor completes it (the type's serialize) and JSON.stringify writes it. */
function leaf(value: unknown, type: GraphQLScalarType | GraphQLEnumType): string {
  let serialized: unknown;
  try {
    serialized = type.serialize(value);
  } catch {
    throw NOT_HERE;
  }
  if (serialized === undefined) throw NOT_HERE;
  const text = JSON.stringify(serialized);
  if (text === undefined) throw NOT_HERE;
  return text;
}

function render(item: object, plan: Plan, context: unknown): Rendered {
  const renderer = new Renderer();
  renderer.object(item, plan.root, context);
  return renderer.done();
}

/**
 * A template's text at `now`: the one assembled before while it holds, else assembled again from its texts and its
 * volatile leaves' texts as they are now. It holds until the first of its leaves changes (`until`); a leaf without
 * {@link volatileUntil} is evaluated for every answer.
 */
function assemble(template: Template, now: number, context: unknown): Buffer {
  if (template.assembled !== undefined && now < template.until) return template.assembled;
  // The time before the leaves are evaluated: a leaf that changes meanwhile ends the text's life at once.
  const at = Date.now();
  const { texts, holes } = template;
  const parts: Buffer[] = [texts[0]!];
  let until = Infinity;
  for (let k = 0; k < holes.length; k++) {
    const h = holes[k]!;
    parts.push(Buffer.from(hole(h, context)), texts[k + 1]!);
    until = Math.min(until, h.field.until ? h.field.until(h.parent, at) : -Infinity);
  }
  const text = Buffer.concat(parts);
  if (template.kept) countKept(text.length - (template.assembled?.length ?? 0));
  template.assembled = text;
  template.until = until;
  return text;
}

/** A volatile leaf's text now (volatile fields are leaves, `planField`). */
function hole(h: Template['holes'][number], context: unknown): string {
  const { field } = h;
  const value = resolveField(field, h.parent, context);
  if (value === null || value === undefined) {
    if (isNonNullType(field.type)) throw NOT_HERE;
    return 'null';
  }
  const type = isNonNullType(field.type) ? field.type.ofType : field.type;
  return leaf(value, type as GraphQLScalarType | GraphQLEnumType);
}

/**
 * The items of a list as JSON text: what the sliced serialiser (`use-sliced-responses.ts`) writes a slice at a
 * time. Anything else that serialises the answer (yoga's own processor, for an answer with errors elsewhere) gets
 * the same JSON through `toJSON`.
 */
export class ItemsJson {
  constructor(private readonly items: readonly Buffer[]) {}

  get length(): number {
    return this.items.length;
  }

  /**
   * The list's JSON in pieces of about `sliceBytes` bytes (whole items; at least one each): `[a,b`, `,c,d`, ...,
   * `,y,z]`. Each piece is measured, then copied into a buffer of its size.
   */
  *slices(sliceBytes: number): Generator<Buffer> {
    const { items } = this;
    if (items.length === 0) {
      yield Buffer.from('[]');
      return;
    }
    for (let start = 0; start < items.length;) {
      // The piece's items and size: a bracket or comma before each item, the closing bracket after the last.
      let size = 0;
      let end = start;
      while (end < items.length && (end === start || size < sliceBytes)) size += 1 + items[end++]!.length;
      if (end === items.length) size += 1;
      const piece = Buffer.allocUnsafe(size);
      let at = 0;
      for (let i = start; i < end; i++) {
        piece[at++] = i === 0 ? 0x5b : 0x2c; // '[' or ','
        at += items[i]!.copy(piece, at);
      }
      if (end === items.length) piece[at++] = 0x5d; // ']'
      yield piece;
      start = end;
    }
  }

  toJSON(): unknown {
    return JSON.parse(Buffer.concat([...this.slices(Number.MAX_SAFE_INTEGER)]).toString('utf8'));
  }
}

let answered = 0;
/** How many lists this process has answered as JSON text (for tests, which must see that it did). */
export const listsAnsweredAsJson = (): number => answered;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The items as JSON, or undefined when the executor must complete them (a selection this module does not render,
 * or an item whose completion would raise an error). Items not rendered before are rendered SLICE_ITEMS per
 * event-loop turn, as the executor would have completed them (`list-slices.ts`); frozen items' renderings are kept.
 */
export function itemsJson(
  items: readonly unknown[],
  info: GraphQLResolveInfo,
  context: unknown,
): Promise<ItemsJson | undefined> | undefined {
  let plan: Plan | undefined;
  try {
    plan = planFor(info);
  } catch (err) {
    unexpected(err);
    return undefined;
  }
  if (!plan) return undefined;
  return renderItems(items, plan, context);
}

/**
 * An error this module did not expect (not NOT_HERE: e.g. a type's isTypeOf that throws): said, and the list left to
 * the executor, which reports what it finds as it always did.
 */
function unexpected(err: unknown): void {
  log.warn({ err }, 'a list could not be answered from kept text: left to the executor');
}

async function renderItems(items: readonly unknown[], plan: Plan, context: unknown): Promise<ItemsJson | undefined> {
  const rendered: Buffer[] = new Array<Buffer>(items.length);
  let work = 0;
  let now = Date.now();
  try {
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (item === null || typeof item !== 'object') return undefined;
      let done = plan.generation === generation ? plan.rendered.get(item) : undefined;
      if (done === undefined) {
        done = render(item, plan, context);
        if (Object.isFrozen(item)) keep(plan, item, done);
        work++;
      }
      if (Buffer.isBuffer(done)) {
        rendered[i] = done;
      } else {
        rendered[i] = assemble(done, now, context);
        work++;
      }
      if (work >= SLICE_ITEMS) {
        work = 0;
        await nextTurn();
        now = Date.now();
      }
    }
  } catch (err) {
    if (!(err instanceof NotHere)) unexpected(err);
    return undefined;
  }
  answered++;
  return new ItemsJson(rendered);
}

/** Requests whose answer the sliced serialiser writes, and the lists answered as JSON for each (by path). */
const sinks = new WeakMap<object, Map<string, { path: readonly (string | number)[]; json: ItemsJson }>>();

/** Lets the lists of this request's execution be answered as JSON (its answer is written by the sliced serialiser). */
export function answerListsAsJson(context: object): void {
  sinks.set(context, new Map());
}

export function listsAsJsonWanted(context: unknown): boolean {
  return typeof context === 'object' && context !== null && sinks.has(context);
}

export function keepListAsJson(context: object, info: GraphQLResolveInfo, json: ItemsJson): void {
  const path: (string | number)[] = [];
  for (let p: GraphQLResolveInfo['path'] | undefined = info.path; p; p = p.prev) path.unshift(p.key);
  sinks.get(context)?.set(path.join('\u0000'), { path, json });
}

/**
 * Puts the lists kept for this request into its result, in place of the empty lists the executor completed (a
 * path the executor nulled, for an error elsewhere, is left as it is).
 */
export function putListsAsJson(context: object, data: unknown): void {
  const sink = sinks.get(context);
  if (!sink) return;
  for (const { path, json } of sink.values()) {
    let node: unknown = data;
    for (let i = 0; i < path.length - 1 && node !== null && typeof node === 'object'; i++) {
      node = (node as Record<string | number, unknown>)[path[i]!];
    }
    const last = path[path.length - 1]!;
    if (node === null || typeof node !== 'object') continue;
    const holder = node as Record<string | number, unknown>;
    const current = holder[last];
    if (Array.isArray(current) && current.length === 0) holder[last] = json;
  }
  sinks.delete(context);
}
