import { isObjectType, type GraphQLResolveInfo } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from './index.ts';
import { SLICE_ITEMS } from './list-slices.ts';

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as { then?: unknown } | null)?.then === 'function';

describe('list fields in slices', () => {
  it("hands the executor a long list's items a slice per event-loop turn, the first slice as the objects themselves", async () => {
    const type = schema.getType('PodList');
    if (!isObjectType(type)) throw new Error('PodList is not an object type');
    const resolve = type.getFields().items!.resolve!;
    const items = Array.from({ length: 2 * SLICE_ITEMS + 7 }, (_, i) => ({ kind: 'Pod', metadata: { name: `p${i}` } }));
    const result = resolve({ items, resourceVersion: '1' }, {}, {}, {} as GraphQLResolveInfo) as unknown[];
    expect(result).toHaveLength(items.length);
    // The first slice is the cached objects as they are...
    for (let i = 0; i < SLICE_ITEMS; i++) expect(result[i]).toBe(items[i]);
    // ...the rest settle later, a slice per turn, to the same objects in order.
    expect(result.slice(SLICE_ITEMS).every(isThenable)).toBe(true);
    const settled: number[] = [];
    result.forEach((value, i) => {
      if (isThenable(value)) void value.then(() => settled.push(i));
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled.length).toBeLessThan(items.length - SLICE_ITEMS);
    const values = await Promise.all(result);
    values.forEach((value, i) => expect(value).toBe(items[i]));
    expect(settled).toHaveLength(items.length - SLICE_ITEMS);
  });

  it('every list type of the schema slices its items', () => {
    const lists = Object.values(schema.getTypeMap()).filter(
      (type) => isObjectType(type) && type.name.endsWith('List') && 'items' in type.getFields(),
    );
    expect(lists.length).toBeGreaterThan(10);
    for (const type of lists) {
      if (!isObjectType(type)) continue;
      const items = Array.from({ length: SLICE_ITEMS + 1 }, (_, i) => ({ metadata: { name: `o${i}` } }));
      const result = type.getFields().items!.resolve!({ items }, {}, {}, {} as GraphQLResolveInfo) as unknown[];
      expect(isThenable(result[SLICE_ITEMS]), type.name).toBe(true);
    }
  });
});
