import fc from 'fast-check';
import {
  execute,
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLFloat,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  parse,
  type GraphQLFieldConfig,
  type GraphQLOutputType,
} from 'graphql';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  itemsJson,
  MAX_PLANS,
  PURE,
  setKeptBytesBudget,
  VOLATILE,
  volatileUntil,
  type ItemsJson,
} from './items-json.ts';

// A schema shaped as Pothos builds Capstan's: exposed fields (no resolver, the default one reads the property),
// fields marked pure or volatile, nested objects, lists, an enum, arguments. Each item list is rendered by
// itemsJson and completed by graphql-js' executor from the same objects: the texts must be equal.

const exposed = (type: GraphQLOutputType): GraphQLFieldConfig<unknown, unknown> => ({
  type,
  extensions: { pothosExposedField: 'x', pothosResolveWrapped: false },
});
let tick = 0;
/** Renderings of `upper`: a kept text is not rendered again. */
let upperCalls = 0;
/** Evaluations of `minute`, by the executor and by the renderer. */
let minuteCalls = 0;

const Color = new GraphQLEnumType({ name: 'Color', values: { RED: { value: 'red' }, BLUE: { value: 'blue' } } });
const Tag = new GraphQLObjectType({
  name: 'Tag',
  // The executor checks every object of a type that has isTypeOf (here: a tag "c" is not a Tag, an error; and the
  // check throws for a tag "b" without a value).
  isTypeOf: (value: { k?: string; v?: number | null }) => {
    if (value.k === 'b' && value.v === null) throw new Error('no tag b without a value');
    return value.k !== 'c';
  },
  fields: { k: exposed(new GraphQLNonNull(GraphQLString)), v: exposed(GraphQLInt) },
});
interface Item {
  name?: string | null;
  n?: number | null;
  f?: number | null;
  b?: boolean | null;
  color?: string | null;
  tags?: { k: string; v?: number | null }[] | null;
  nums?: (number | null)[] | null;
  child?: Item | null;
}
const ItemType: GraphQLObjectType = new GraphQLObjectType({
  name: 'Item',
  fields: () => ({
    name: exposed(new GraphQLNonNull(GraphQLString)),
    n: exposed(GraphQLInt),
    f: exposed(GraphQLFloat),
    b: exposed(GraphQLBoolean),
    color: exposed(Color),
    tags: exposed(new GraphQLList(new GraphQLNonNull(Tag))),
    nums: exposed(new GraphQLList(GraphQLInt)),
    child: exposed(ItemType),
    upper: {
      type: GraphQLString,
      extensions: PURE,
      resolve: (o: Item) => {
        upperCalls++;
        return o.name?.toUpperCase();
      },
    },
    tag: {
      type: GraphQLInt,
      args: { k: { type: new GraphQLNonNull(GraphQLString) } },
      extensions: PURE,
      resolve: (o: Item, { k }: { k: string }) => o.tags?.find((t) => t.k === k)?.v,
    },
    clock: { type: new GraphQLNonNull(GraphQLString), extensions: VOLATILE, resolve: () => `t${tick}` },
    // Changes once a minute, and says so: an item's text is assembled again only then.
    minute: {
      type: new GraphQLNonNull(GraphQLString),
      extensions: volatileUntil((_o: Item, now) => (Math.floor(now / 60_000) + 1) * 60_000),
      resolve: () => {
        minuteCalls++;
        return `m${Math.floor(Date.now() / 60_000) % 60}`;
      },
    },
    unmarked: { type: GraphQLString, resolve: (o: Item) => o.name },
  }),
});

let rendered: ItemsJson | undefined;
let renderedAtAll = false;
let renderFailed: unknown;
let items: Item[] = [];
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      list: {
        type: new GraphQLObjectType({
          name: 'ItemList',
          fields: {
            items: {
              type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(ItemType))),
              resolve: async (list: { items: Item[] }, _args, context, info) => {
                const json = itemsJson(list.items, info, context);
                renderedAtAll = json !== undefined;
                // itemsJson never fails: what it cannot answer, it leaves to the executor (undefined).
                rendered = await json?.catch((err: unknown) => {
                  renderFailed = err;
                  return undefined;
                });
                return list.items;
              },
            },
          },
        }),
        resolve: () => ({ items }),
      },
    },
  }),
});

async function both(query: string, variables: Record<string, unknown> = {}) {
  rendered = undefined;
  renderFailed = undefined;
  const result = await execute({ schema, document: parse(query), variableValues: variables, contextValue: {} });
  const executor = (result.data as { list?: { items: unknown } } | null)?.list?.items;
  return { result, executor, rendered: rendered as ItemsJson | undefined };
}

const text = (json: ItemsJson, sliceBytes = 3) => Buffer.concat([...json.slices(sliceBytes)]).toString('utf8');

const itemArb: fc.Arbitrary<Item> = fc.letrec<{ item: Item }>((tie) => ({
  item: fc.record(
    {
      name: fc.oneof(fc.string(), fc.constant(null)),
      n: fc.oneof(fc.integer(), fc.constant(null)),
      f: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null)),
      b: fc.oneof(fc.boolean(), fc.constant(null)),
      color: fc.constantFrom('red', 'blue', null),
      tags: fc.oneof(
        fc.array(fc.record({ k: fc.constantFrom('a', 'b', 'c'), v: fc.oneof(fc.integer(), fc.constant(null)) })),
        fc.constant(null),
      ),
      nums: fc.oneof(fc.array(fc.oneof(fc.integer(), fc.constant(null))), fc.constant(null)),
      child: fc.oneof({ depthSize: 'small' }, fc.constant(null), tie('item')),
    },
    { requiredKeys: [] },
  ),
})).item;

const leafFields = ['name', 'n', 'f', 'b', 'color', 'nums', 'upper', 'clock', 'tag(k: "a")', '__typename'];
const selectionArb: fc.Arbitrary<string> = fc.letrec<{ sel: string }>((tie) => ({
  sel: fc
    .uniqueArray(
      fc.oneof(
        fc.constantFrom(...leafFields),
        fc.constant('tags { k v }'),
        fc.constant('... on Item { fragN: n }'),
        fc.constant('tag(k: $k)'),
        fc.constant('b @include(if: $on)'),
        fc.constant('color @skip(if: $on)'),
        tie('sel').map((s) => `child { ${s} }`),
      ),
      { minLength: 1, maxLength: 6, selector: (s) => s.split(/[ ({@]/)[0]! },
    )
    .map((fields) => fields.map((f, i) => (i % 3 === 1 && !f.startsWith('...') ? `a${i}: ${f}` : f)).join(' ')),
})).sel;

describe('itemsJson (list items rendered as JSON text kept per object)', () => {
  it('renders exactly what the executor completes, for random objects and selections, or leaves it to the executor on an error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(itemArb, { maxLength: 8 }),
        selectionArb,
        fc.boolean(),
        // Bytes per piece: one item each, up to several.
        fc.integer({ min: 1, max: 300 }),
        async (list, selection, on, sliceBytes) => {
          items = list.map((item) => Object.freeze(item));
          const query = `query Q($k: String!, $on: Boolean!) { list { items { ${selection} } } }`;
          const { result, executor, rendered: json } = await both(query, { k: 'b', on });
          expect(renderedAtAll, 'every field of these selections is renderable').toBe(true);
          expect(renderFailed).toBeUndefined();
          if (result.errors?.length) {
            // A null in a non-null position (or another completion error): the executor's to report.
            expect(json).toBeUndefined();
          } else {
            expect(json).toBeDefined();
            expect(text(json!, sliceBytes)).toBe(JSON.stringify(executor));
            expect(json!.toJSON()).toEqual(JSON.parse(JSON.stringify(executor)));
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('keeps the text of frozen objects, yet answers the clock anew and a replaced object as it is now', async () => {
    const first = Object.freeze({ name: 'one', n: 1 });
    items = [first, Object.freeze({ name: 'two', n: 2 })];
    const query = '{ list { items { name n clock } } }';
    tick = 1;
    const one = await both(query);
    tick = 2;
    const two = await both(query);
    expect(text(one.rendered!)).toBe(JSON.stringify(one.executor));
    expect(text(two.rendered!)).toBe(JSON.stringify(two.executor));
    expect(text(two.rendered!)).toContain('"clock":"t2"');
    items = [first, Object.freeze({ name: 'two', n: 22 })];
    const three = await both(query);
    expect(text(three.rendered!)).toBe(JSON.stringify(three.executor));
    expect(text(three.rendered!)).toContain('"n":22');
  });

  describe('a volatile leaf that says how long it holds', () => {
    afterEach(() => void vi.useRealTimers());
    const calls = async (query: string) => {
      const before = minuteCalls;
      const answer = await both(query);
      expect(answer.rendered).toBeDefined();
      expect(text(answer.rendered!)).toBe(JSON.stringify(answer.executor));
      // The executor of this test evaluates it for each of the 3 items: the rest are the renderer's.
      return { renderer: minuteCalls - before - 3, text: text(answer.rendered!) };
    };

    it('is evaluated once until then, and anew from then on', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2026-12-07T10:07:10Z'));
      items = ['a', 'b', 'c'].map((name) => Object.freeze({ name }));
      const query = '{ list { items { name minute } } }';
      expect(await calls(query)).toEqual({ renderer: 3, text: expect.stringContaining('"minute":"m7"') as string });
      vi.setSystemTime(new Date('2026-12-07T10:07:59.999Z'));
      expect((await calls(query)).renderer).toBe(0);
      vi.setSystemTime(new Date('2026-12-07T10:08:00Z'));
      expect(await calls(query)).toEqual({ renderer: 3, text: expect.stringContaining('"minute":"m8"') as string });
    });

    it('beside one that does not say is evaluated for every answer', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2026-12-07T10:07:10Z'));
      items = ['a', 'b', 'c'].map((name) => Object.freeze({ name }));
      const query = '{ list { items { name minute clock } } }';
      tick = 1;
      expect((await calls(query)).renderer).toBe(3);
      tick = 2;
      expect(await calls(query)).toEqual({ renderer: 3, text: expect.stringContaining('"clock":"t2"') as string });
    });
  });

  it('keeps texts for a bounded number of selections, and within a budget of bytes', async () => {
    items = Array.from({ length: 10 }, (_, i) => Object.freeze({ name: `item-${i}` }));
    const renderings = async (query: string) => {
      const before = upperCalls;
      const { rendered: json } = await both(query);
      expect(json).toBeDefined();
      // The executor of this test completes every item as well (10 calls): the rest are the renderer's.
      return upperCalls - before - items.length;
    };
    const query = (i: number) => `{ list { items { upper a${i}: name } } }`;
    expect(await renderings(query(0))).toBe(10);
    expect(await renderings(query(0))).toBe(0); // kept
    // As many other selections as there are plans: the first one's plan, and its texts, go.
    for (let i = 1; i <= MAX_PLANS; i++) await renderings(query(i));
    expect(await renderings(query(0))).toBe(10);
    // Past the budget of bytes (here 100: ten texts of ~30 bytes), kept texts are dropped as new ones come: each
    // list renders items again.
    const restore = setKeptBytesBudget(100);
    try {
      const other = '{ list { items { upper other: name } } }';
      expect(await renderings(other)).toBe(10);
      expect(await renderings(other)).toBeGreaterThan(0);
      expect(await renderings(other)).toBeGreaterThan(0);
    } finally {
      restore();
    }
    await renderings(query(0));
    expect(await renderings(query(0))).toBe(0);
  });

  it('leaves to the executor a selection with a field not known to depend on its object alone', async () => {
    items = [Object.freeze({ name: 'one' })];
    await both('{ list { items { name unmarked } } }');
    expect(renderedAtAll).toBe(false);
    await both('{ list { items { name name } } }');
    expect(renderedAtAll).toBe(false);
  });
});
