import { GraphQLInt, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { useSharedSubscriptionResults } from './use-shared-subscriptions.ts';

interface Payload {
  n: number;
}

/** Every subscription streams these payloads: two frozen (shared) ones and one made per subscriber. */
function payloads(): Payload[] {
  return [frozen[0]!, frozen[1]!, { n: 3 }];
}
const frozen = [Object.freeze({ n: 1 }), Object.freeze({ n: 2 })];

function setup() {
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
    plugins: [useSharedSubscriptionResults()],
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
});
