import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { GraphQLInt, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { useSharedSubscriptionResults, type SharedSubscriptionResultsOptions } from './use-shared-subscriptions.ts';

interface Payload {
  n: number;
}

/** Every subscription streams these payloads: two frozen (shared) ones and one made per subscriber. */
function payloads(): Payload[] {
  return [frozen[0]!, frozen[1]!, { n: 3 }];
}
const frozen = [Object.freeze({ n: 1 }), Object.freeze({ n: 2 })];

function setup(options?: SharedSubscriptionResultsOptions) {
  const executions: string[] = [];
  const Event = new GraphQLObjectType<Payload, { role: string }>({
    name: 'Event',
    fields: {
      n: { type: GraphQLInt },
      label: {
        type: GraphQLString,
        args: { prefix: { type: GraphQLString } },
        resolve: (payload, args: { prefix?: string }) => {
          executions.push(`${args.prefix ?? ''}${payload.n}`);
          return `${args.prefix ?? ''}${payload.n}`;
        },
      },
    },
  });
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLString, resolve: () => 'ok' } } }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: {
        events: {
          type: Event,
          subscribe: async function* () {
            yield* payloads();
          },
          resolve: (payload: Payload) => payload,
        },
      },
    }),
  });
  const yoga = createYoga({
    schema,
    plugins: [useSharedSubscriptionResults(options)],
    context: ({ request }) => ({ identity: { role: request.headers.get('x-role') ?? 'admin', tokenName: 't' } }),
    logging: false,
  });

  /** Runs one SSE subscription to its end and returns the `label`s it received. */
  async function subscribe(prefix: string, role = 'admin'): Promise<string[]> {
    const response = await yoga.fetch('http://test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-role': role },
      body: JSON.stringify({
        query: 'subscription ($p: String) { events { n label(prefix: $p) } }',
        variables: { p: prefix },
      }),
    });
    const text = await response.text();
    return [...text.matchAll(/^data: (.*)$/gm)]
      .map((m) => JSON.parse(m[1]!) as { data?: { events: { label: string } } })
      .flatMap((message) => (message.data ? [message.data.events.label] : []));
  }
  return { executions, subscribe };
}

describe('useSharedSubscriptionResults', () => {
  it('executes a shared event once for subscribers of the same operation, variables and role', async () => {
    const { executions, subscribe } = setup();
    const received = await Promise.all([subscribe('a'), subscribe('a'), subscribe('a')]);
    for (const labels of received) expect(labels).toEqual(['a1', 'a2', 'a3']);
    // The two frozen payloads once for all three; the per-subscriber one three times.
    expect(executions.sort()).toEqual(['a1', 'a2', 'a3', 'a3', 'a3']);
  });

  it('executes again for other variables or another role', async () => {
    const { executions, subscribe } = setup();
    expect(await subscribe('a')).toEqual(['a1', 'a2', 'a3']);
    expect(await subscribe('b')).toEqual(['b1', 'b2', 'b3']);
    expect(await subscribe('a', 'viewer')).toEqual(['a1', 'a2', 'a3']);
    expect(await subscribe('a')).toEqual(['a1', 'a2', 'a3']);
    expect(executions.filter((label) => label === 'a1')).toHaveLength(2);
    expect(executions.filter((label) => label === 'b1')).toHaveLength(1);
  });

  it('keeps results for the most recent events only', async () => {
    // One event kept: the second payload pushes the first out, so a later subscriber executes the first again.
    const one = setup({ maxEvents: 1 });
    expect(await one.subscribe('a')).toEqual(['a1', 'a2', 'a3']);
    expect(await one.subscribe('a')).toEqual(['a1', 'a2', 'a3']);
    expect(one.executions.filter((label) => label === 'a1')).toHaveLength(2);
    const two = setup({ maxEvents: 2 });
    expect(await two.subscribe('a')).toEqual(['a1', 'a2', 'a3']);
    expect(await two.subscribe('a')).toEqual(['a1', 'a2', 'a3']);
    expect(two.executions.filter((label) => label === 'a1')).toHaveLength(1);
  });

  it('does not keep a result alive with its event', async () => {
    // The read cache keeps the last event of every object; the results of 2,000 of them (20 kB each) must not stay
    // in the heap with them. Measured in a process of its own, with --expose-gc.
    const module = fileURLToPath(new URL('./use-shared-subscriptions.ts', import.meta.url));
    const script = `
      const { useSharedSubscriptionResults } = await import(${JSON.stringify(module)});
      const { GraphQLObjectType, GraphQLSchema, GraphQLString } = await import('graphql');
      const { createYoga } = await import('graphql-yoga');
      const events = Array.from({ length: 2000 }, (_, n) => Object.freeze({ n }));
      const Event = new GraphQLObjectType({ name: 'Event', fields: {
        text: { type: GraphQLString, resolve: (event) => String(event.n).padEnd(20000, '.') } } });
      const schema = new GraphQLSchema({
        query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLString, resolve: () => 'ok' } } }),
        subscription: new GraphQLObjectType({ name: 'Subscription', fields: { events: { type: Event,
          subscribe: async function* () { yield* events; }, resolve: (event) => event } } }),
      });
      const yoga = createYoga({ schema, plugins: [useSharedSubscriptionResults({ maxEvents: 16 })], logging: false });
      const heap = () => { gc(); gc(); return process.memoryUsage().heapUsed; };
      const before = heap();
      const subscribe = async () => {
        const response = await yoga.fetch('http://test/graphql', { method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
          body: JSON.stringify({ query: 'subscription { events { text } }' }) });
        return (await response.text()).split('data: {"data"').length - 1;
      };
      const received = await subscribe();
      await new Promise((resolve) => setTimeout(resolve, 50));
      console.log(JSON.stringify({ received, grown: heap() - before, events: events.length }));
    `;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script],
      { timeout: 60_000 },
    );
    const { received, grown } = JSON.parse(stdout) as { received: number; grown: number };
    expect(received).toBe(2000);
    // Kept with their events, the results held 2,000 x 20 kB = 40 MB.
    expect(grown).toBeLessThan(5_000_000);
  });
});
