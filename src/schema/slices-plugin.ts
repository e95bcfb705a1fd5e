import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import type { GraphQLFieldResolver } from 'graphql';
import { inSlices, SLICE_ITEMS } from './list-slices.ts';
import { itemsJson, keepListAsJson, listsAsJsonWanted } from './items-json.ts';

/**
 * A Pothos plugin that hands a field's list to the executor in slices (`inSlices`): on fields whose extensions say
 * `inSlices: true`, the resolver's array is sliced after every other plugin has wrapped the resolver. Listed first in
 * the builder's plugins, its wrapper is the outermost, so the dataloader plugin's per-item wrapper sees the plain
 * objects of the list (and returns them as they are) rather than one thenable per item, to which it added a `then`
 * and a closure of its own (about 260 ms of a 13 s window at 30,000 pods, and its garbage).
 *
 * A long list of a request whose answer the sliced serialiser writes is first offered to `items-json.ts`, which
 * answers items it can render as kept JSON text: the executor then completes an empty list, and the text takes its
 * place in the result. When it cannot, the list is sliced for the executor as before.
 */
export class PothosSlicesPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    if (fieldConfig.extensions?.inSlices !== true) return resolver;
    return (parent, args, context, info) => {
      const result: unknown = resolver(parent, args, context, info);
      if (!Array.isArray(result)) return result;
      if (result.length > SLICE_ITEMS && listsAsJsonWanted(context)) {
        const json = itemsJson(result, info, context);
        if (json) {
          return json.then((answered) => {
            if (!answered) return inSlices(result);
            keepListAsJson(context as object, info, answered);
            return [];
          });
        }
      }
      return inSlices(result);
    };
  }
}

const pluginName = 'slices';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      slices: PothosSlicesPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin(pluginName, PothosSlicesPlugin);
export default pluginName;
