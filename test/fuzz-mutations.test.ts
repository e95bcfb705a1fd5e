import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { schema } from '../src/schema/index.ts';
import { checkAnswer, newFuzzApi } from './fuzz/api-fuzz-support.ts';
import { report, runs, StallProbe, MAX_STALL_MS } from './fuzz/fuzz-support.ts';
import { mutationCalls, mutationNames } from './fuzz/schema-arbitraries.ts';
import { expect } from 'vitest';

describe('fuzz: every mutation, arguments generated from the schema (yoga in process, real Redis)', () => {
  let api: Awaited<ReturnType<typeof newFuzzApi>>;

  beforeAll(async () => {
    api = await newFuzzApi();
    // Objects the generated names often hit, so updates, deletes, scale and label meet real ones.
    await api.store.create('Namespace', { kind: 'Namespace', metadata: { name: 'fuzz' }, spec: {} });
    await api.store.create('Pod', {
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'capstan/hello' }] },
    });
    await api.store.create('Deployment', {
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'capstan/hello' }] },
        },
      },
    });
  });

  afterAll(async () => {
    await api?.dispose();
  });

  it('never answers 500 or INTERNAL_SERVER_ERROR, names the field of every BAD_USER_INPUT, writes nothing when it refuses', async () => {
    const probe = new StallProbe();
    const perMutation = new Map<string, number>();
    let tried = 0;
    const outcomes = new Map<string, number>();
    probe.start();
    await fc.assert(
      fc.asyncProperty(mutationCalls(schema), async (call) => {
        tried++;
        perMutation.set(call.field, (perMutation.get(call.field) ?? 0) + 1);
        const before = await api.fingerprint();
        const { status, body } = await api.call(call.query, call.variables);
        const errors = checkAnswer(status, body, call);
        const outcome = errors[0]?.extensions?.code ?? 'ok';
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        if (errors.length > 0) {
          expect(await api.fingerprint(), `a refused ${call.field} changed the store: ${JSON.stringify(call)}`).toBe(
            before,
          );
        }
        probe.mark(call);
      }),
      runs(400, 5000),
    );
    probe.stop();
    report(`mutations (${perMutation.size} of ${mutationNames(schema).length} mutations)`, tried, probe);
    console.log(`fuzz mutations outcomes: ${JSON.stringify(Object.fromEntries(outcomes))}`);
    // The generator must reach the resolvers, not only GraphQL's coercion: some calls succeed, some are refused.
    expect(outcomes.get('ok') ?? 0).toBeGreaterThan(0);
    expect(probe.longestMs).toBeLessThan(MAX_STALL_MS);
  });
});
