import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCapstanError } from '../src/api/errors.ts';
import { parseFieldSelector, selectableFields } from '../src/labels/field-selector.ts';
import { parseSelector } from '../src/labels/selector.ts';
import { checkAnswer, newFuzzApi } from './fuzz/api-fuzz-support.ts';
import { MAX_STALL_MS, report, runs, StallProbe } from './fuzz/fuzz-support.ts';

const key = fc.oneof(
  fc.stringMatching(/^[a-z0-9]([a-z0-9._-]{0,10}[a-z0-9])?$/),
  fc.constantFrom('app', 'tier', 'example.com/role', 'a/b/c', '-x', 'x'.repeat(70), ''),
);
const value = fc.oneof(
  fc.stringMatching(/^[a-zA-Z0-9]([a-zA-Z0-9._-]{0,8}[a-zA-Z0-9])?$/),
  fc.constantFrom('', '1', '-5', 'x'.repeat(70)),
);
const operator = fc.constantFrom('=', '==', '!=', ' in ', ' notin ', '>', '<', '!', '');
const space = fc.constantFrom('', ' ', '  ', '\t');

/** Selectors shaped like Kubernetes' grammar (valid and nearly valid ones), joined with commas. */
const labelSelectorText = fc
  .array(
    fc.tuple(space, key, operator, value, fc.array(value, { maxLength: 3 }), space).map(([s1, k, op, v, set, s2]) => {
      if (op === '!') return `${s1}!${k}${s2}`;
      if (op === '') return `${s1}${k}${s2}`;
      if (op.trim() === 'in' || op.trim() === 'notin') return `${s1}${k}${op}(${[v, ...set].join(',')})${s2}`;
      return `${s1}${k}${op}${v}${s2}`;
    }),
    { maxLength: 6 },
  )
  .map((terms) => terms.join(','));

/** Random text, selector-shaped text, and selector text with one character changed. */
const selectorInput = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({
    unit: fc.constantFrom('a', '=', '!', '(', ')', ',', ' ', 'in', 'notin', '\\', '.', '/', '-', '<', '>'),
    maxLength: 40,
  }),
  labelSelectorText,
  fc
    .tuple(labelSelectorText, fc.nat(), fc.string({ maxLength: 2 }))
    .map(([t, i, c]) => t.slice(0, i % (t.length + 1)) + c + t.slice((i % (t.length + 1)) + 1)),
  fc.constantFrom(
    'a'.repeat(10_000),
    '('.repeat(5000),
    'a in ('.repeat(2000),
    `a in (${'x,'.repeat(5000)}x)`,
    'a=b,'.repeat(4095) + 'a=b',
    'a=b,'.repeat(500_000) + 'a=b',
  ),
);

const fieldSelectorInput = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc
    .array(
      fc.tuple(
        fc.constantFrom(...selectableFields(), 'spec.nope', ''),
        fc.constantFrom('=', '==', '!=', '~', ''),
        fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('\\', '\\,', 'a\\=b', 'node-1')),
      ),
      { maxLength: 5 },
    )
    .map((terms) => terms.map(([f, op, v]) => `${f}${op}${v}`).join(',')),
  fc.constantFrom(
    'metadata.name='.repeat(3000),
    `metadata.name=${'\\\\'.repeat(5000)}`,
    'metadata.name=a,'.repeat(100_000),
  ),
);

/** Runs a parser: it either returns or throws an INVALID CapstanError naming the selector argument. */
function parsesOrRefuses(parse: () => unknown, field: string, input: string): void {
  try {
    parse();
  } catch (err) {
    expect(isCapstanError(err, 'INVALID'), `${String(err)} for ${JSON.stringify(input).slice(0, 300)}`).toBe(true);
    if (isCapstanError(err) && err.violations.length > 0) {
      expect(err.violations.every((v) => v.field === field)).toBe(true);
    }
  }
}

describe('fuzz: label and field selectors', () => {
  it('parses or refuses every label selector with INVALID naming labelSelector, in bounded time', () => {
    const probe = new StallProbe();
    let tried = 0;
    fc.assert(
      fc.property(selectorInput, (text) => {
        tried++;
        probe.time(text, () => parsesOrRefuses(() => parseSelector(text), 'labelSelector', text));
      }),
      runs(2000, 100_000),
    );
    report('label selectors (parser)', tried, probe);
    expect(probe.longestMs).toBeLessThan(MAX_STALL_MS);
  });

  it('parses or refuses every field selector with INVALID, in bounded time', () => {
    const probe = new StallProbe();
    let tried = 0;
    const kinds = [undefined, 'Pod', 'Service', 'Node', 'Event'];
    fc.assert(
      fc.property(fieldSelectorInput, fc.constantFrom(...kinds), (text, kind) => {
        tried++;
        probe.time(text, () => parsesOrRefuses(() => parseFieldSelector(text, kind), 'fieldSelector', text));
      }),
      runs(2000, 100_000),
    );
    report('field selectors (parser)', tried, probe);
    expect(probe.longestMs).toBeLessThan(MAX_STALL_MS);
  });

  describe('through the API (pods list and watch)', () => {
    let api: Awaited<ReturnType<typeof newFuzzApi>>;
    beforeAll(async () => {
      api = await newFuzzApi();
      await api.store.create('Pod', {
        kind: 'Pod',
        metadata: { name: 'web', namespace: 'default', labels: { app: 'web', tier: 'front' } },
        spec: { containers: [{ name: 'web', image: 'capstan/hello' }] },
      });
    });
    afterAll(async () => {
      await api?.dispose();
    });

    it('answers every selector with pods or a coded error naming the argument, never a 500', async () => {
      const probe = new StallProbe();
      let tried = 0;
      const query = `query ($l: String, $f: String) { pods(labelSelector: $l, fieldSelector: $f) { items { metadata { name } } } }`;
      // One of each kind of answer before measuring: the first of a kind pays one-time costs (compiling its code
      // path, the test runner mapping its first error's stack through source maps), which are not a stall an input
      // causes.
      for (const [l, f] of [
        ['app=web', 'metadata.name=web'],
        ['a in (', null],
        [null, 'spec.nope=1'],
        ['a=b,'.repeat(500_000), null],
        [null, 'metadata.name=a,'.repeat(100_000)],
      ]) {
        const { status, body } = await api.call(query, { l, f });
        checkAnswer(status, body, { l, f });
      }
      probe.start();
      await fc.assert(
        fc.asyncProperty(fc.option(selectorInput), fc.option(fieldSelectorInput), async (l, f) => {
          tried++;
          const { status, body } = await api.call(query, { l, f });
          checkAnswer(status, body, { l, f });
          probe.mark({ l, f });
        }),
        runs(200, 5000),
      );
      probe.stop();
      report('selectors through the pods query', tried, probe);
      expect(probe.longestMs).toBeLessThan(MAX_STALL_MS);
    });
  });
});
