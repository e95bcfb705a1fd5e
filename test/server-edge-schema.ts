import { createRequire } from 'node:module';
import type * as GraphQLModule from 'graphql';
import type { GraphQLFieldConfigMap } from 'graphql';
import type { Pod } from '../src/api/types.ts';
import type { Context } from '../src/server/context.ts';

// graphql's CommonJS build, the one yoga, Pothos and graphql-ws load: under vitest a plain `import 'graphql'` in a
// test file gets the ESM build instead, and graphql refuses a schema built by one copy in the other.
const { GraphQLBoolean, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } = createRequire(
  import.meta.url,
)('graphql') as typeof GraphQLModule;

/*
 * A small schema for testing the HTTP edge on its own (auth, limits, transports), independent of the product
 * schema: its resolvers use the request's store (an AuthorizedStore for the caller) and token service the way the
 * product's resolvers do, with no authorization of their own.
 */

const str = { type: GraphQLString };
const requiredStr = { type: new GraphQLNonNull(GraphQLString) };

const PodView = new GraphQLObjectType<Pod>({
  name: 'PodView',
  fields: {
    name: { type: GraphQLString, resolve: (pod) => pod.metadata.name },
    nodeName: { type: GraphQLString, resolve: (pod) => pod.spec?.nodeName ?? null },
    phase: { type: GraphQLString, resolve: (pod) => pod.status?.phase ?? null },
  },
});

const PodEvent = new GraphQLObjectType<{ type: string; object: Pod }>({
  name: 'PodEvent',
  fields: {
    type: { type: GraphQLString },
    name: { type: GraphQLString, resolve: (event) => event.object.metadata.name },
  },
});

const Nested: GraphQLModule.GraphQLObjectType = new GraphQLObjectType({
  name: 'Nested',
  fields: () => ({ value: { type: GraphQLString, resolve: () => 'v' }, child: { type: Nested, resolve: () => ({}) } }),
});

const query: GraphQLFieldConfigMap<unknown, Context> = {
  pod: {
    type: PodView,
    args: { namespace: requiredStr, name: requiredStr },
    resolve: (_, args: { namespace: string; name: string }, ctx) => ctx.store.get('Pod', args.namespace, args.name),
  },
  whoami: { type: GraphQLString, resolve: (_, __, ctx) => `${ctx.identity?.role}:${ctx.identity?.nodeName ?? ''}` },
  nested: { type: Nested, resolve: () => ({}) },
  boom: {
    type: GraphQLString,
    resolve: () => {
      throw new Error('connection to redis://:hunter2@10.0.0.1 refused');
    },
  },
};

const mutation: GraphQLFieldConfigMap<unknown, Context> = {
  createPod: {
    type: PodView,
    args: { namespace: requiredStr, name: requiredStr, nodeName: str },
    resolve: (_, args: { namespace: string; name: string; nodeName?: string }, ctx) => {
      return ctx.store.create('Pod', {
        kind: 'Pod',
        metadata: { name: args.name, namespace: args.namespace },
        spec: {
          containers: [{ name: 'web', image: 'capstan/hello:latest' }],
          ...(args.nodeName ? { nodeName: args.nodeName } : {}),
        },
      });
    },
  },
  setPodPhase: {
    type: PodView,
    args: { namespace: requiredStr, name: requiredStr, phase: requiredStr },
    resolve: async (_, args: { namespace: string; name: string; phase: string }, ctx) => {
      const current = await ctx.store.get('Pod', args.namespace, args.name);
      return ctx.store.updateStatus('Pod', { ...current, status: { phase: args.phase as 'Running' } });
    },
  },
  joinNode: {
    type: GraphQLString,
    args: { nodeName: requiredStr },
    resolve: async (_, args: { nodeName: string }, ctx) => (await ctx.tokens!.join(ctx.identity!, args.nodeName)).token,
  },
  noop: { type: GraphQLBoolean, resolve: () => true },
};

const subscription: GraphQLFieldConfigMap<unknown, Context> = {
  podEvents: {
    type: PodEvent,
    args: { namespace: requiredStr, since: str },
    subscribe: async function* (_, args: { namespace: string; since?: string }, ctx) {
      const watch = ctx.store.watch('Pod', {
        namespace: args.namespace,
        ...(args.since ? { sinceResourceVersion: args.since } : {}),
      });
      try {
        for await (const event of watch) yield { podEvents: event };
      } finally {
        watch.close();
      }
    },
  },
};

export const edgeTestSchema = new GraphQLSchema({
  query: new GraphQLObjectType({ name: 'Query', fields: query }),
  mutation: new GraphQLObjectType({ name: 'Mutation', fields: mutation }),
  subscription: new GraphQLObjectType({ name: 'Subscription', fields: subscription }),
});
