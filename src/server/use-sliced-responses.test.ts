import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { slicedJson } from './use-sliced-responses.ts';

async function collect(value: unknown, sliceItems: number): Promise<{ text: string; chunks: number }> {
  const chunks: Buffer[] = [];
  for await (const chunk of slicedJson(value, sliceItems)) chunks.push(chunk);
  return { text: Buffer.concat(chunks).toString('utf8'), chunks: chunks.length };
}

describe('slicedJson (answers serialised a slice of a long list at a time)', () => {
  it('writes exactly what JSON.stringify writes, for any JSON value and slice size', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.integer({ min: 1, max: 4 }), async (value, sliceItems) => {
        expect((await collect(value, sliceItems)).text).toBe(JSON.stringify(value));
      }),
      { numRuns: 300 },
    );
  });

  it('writes a GraphQL answer with a long list a chunk per slice, skipping undefined fields as JSON does', async () => {
    const items = Array.from({ length: 10 }, (_, i) => ({ name: `pod-${i}`, ready: '1/1', gone: undefined }));
    const answer = { data: { pods: { items, kind: 'PodList', note: undefined } } };
    const { text, chunks } = await collect(answer, 4);
    expect(text).toBe(JSON.stringify(answer));
    // What comes before the list, its three slices, what comes after it.
    expect(chunks).toBe(5);
  });

  it('lets other work run between two slices', async () => {
    const answer = { data: { pods: { items: Array.from({ length: 100 }, (_, i) => ({ i })) } } };
    const order: string[] = [];
    setImmediate(() => order.push('other work'));
    for await (const _chunk of slicedJson(answer, 10)) order.push('chunk');
    expect(order.indexOf('other work')).toBeGreaterThan(0);
    expect(order.indexOf('other work')).toBeLessThan(order.length - 1);
  });
});
