import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAnswer, newFuzzApi, type GraphQLErrorJson } from './fuzz/api-fuzz-support.ts';
import { MAX_STALL_MS, StallProbe } from './fuzz/fuzz-support.ts';
import { registry } from '../src/util/metrics.ts';

/**
 * YAML that the `yaml` package is slow to parse, all far inside the 2 MiB body limit. Before the API server parsed
 * manifests in a worker, each of these held its event loop for a second or more (every request, watch and
 * controller of the process waited), found by the apply fuzzer.
 */
const SLOW_YAML: [string, string][] = [
  ['`a: ` repeated 5,000 times (a thousand errors)', 'a: '.repeat(5000)],
  ['`[` repeated 20,000 times', '['.repeat(20_000)],
  [
    'a mapping of 20,000 keys (every key compared with every other)',
    `apiVersion: v1\nkind: Widget\nmetadata:\n  name: w\n  labels:\n${Array.from({ length: 20_000 }, (_, i) => `    k${i}: v\n`).join('')}`,
  ],
];

const APPLY = 'mutation ($m: String!) { apply(manifest: $m) { action name } }';

function fieldsOf(error: GraphQLErrorJson | undefined): unknown[] {
  return (error?.extensions?.fields ?? []).map((f) => f.field);
}

describe('hostile YAML through apply (yoga in process, real Redis)', () => {
  let api: Awaited<ReturnType<typeof newFuzzApi>>;
  let tight: Awaited<ReturnType<typeof newFuzzApi>>;
  beforeAll(async () => {
    api = await newFuzzApi();
    tight = await newFuzzApi({ limits: { manifestParseMs: 300 } });
  });
  afterAll(async () => {
    await api?.dispose();
    await tight?.dispose();
  });

  it.each(SLOW_YAML)('refuses %s without stalling the event loop', async (_what, text) => {
    const before = await api.fingerprint();
    const probe = new StallProbe();
    probe.start();
    const { status, body } = await api.call(APPLY, { m: text });
    probe.mark(_what);
    probe.stop();
    const errors = checkAnswer(status, body, { manifest: text.slice(0, 100) });
    expect(errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(String(fieldsOf(errors[0])[0])).toMatch(/^manifest/);
    expect(await api.fingerprint()).toBe(before);
    // CPU time of this (the API server's) thread while the loop did not turn: the load of the machine cannot make it
    // longer, the parse on the loop made it about a second.
    expect(probe.longestMs, `longest stall, slowest at ${probe.slowestInputText}`).toBeLessThan(MAX_STALL_MS);
  });

  it('refuses a manifest past the parse time limit naming the limit and its setting, then parses the next', async () => {
    const slow = SLOW_YAML[2]![1];
    const { status, body } = await tight.call(APPLY, { m: slow });
    const [error] = checkAnswer(status, body, {});
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(fieldsOf(error)).toEqual(['manifest']);
    expect(error?.message).toMatch(/longer than 300 ms.*manifestParseMs.*CAPSTAN_MANIFEST_PARSE_SECONDS/);
    const good = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: yaml-after-timeout\n';
    const next = await tight.call(APPLY, { m: good });
    expect(next.body).toEqual({ data: { apply: [{ action: 'CREATED', name: 'yaml-after-timeout' }] } });
    const metric = await registry.getSingleMetric('capstan_limit_rejections_total')?.get();
    expect(metric?.values.find((v) => v.labels['limit'] === 'manifestParseMs')?.value).toBeGreaterThan(0);
  });

  it('refuses a document nested deeper than 64 levels naming the document', async () => {
    const deep = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: deep\nspec: ${'{a: '.repeat(80)}1${'}'.repeat(80)}\n`;
    const { status, body } = await api.call(APPLY, { m: deep });
    const [error] = checkAnswer(status, body, {});
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(fieldsOf(error)).toEqual(['manifest[0]']);
    expect(error?.message).toMatch(/document 0 \(line 1\): nested deeper than 64 levels/);
  });
});
