import { buildSchema, Kind, parse, print, type FragmentDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { flattenFragments } from './flatten-fragments.ts';

const schema = buildSchema(`
  interface Named { name: String! }
  type Meta { name: String! labels: [String!]! }
  type Pod implements Named { name: String! meta: Meta! }
  type Query { pod: Pod, any: Named }
`);

function flatten(source: string): string {
  const document = parse(source);
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((f) => [f.name.value, f]),
  );
  const operation = {
    ...document,
    definitions: document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION),
  };
  return print(flattenFragments(operation, schema, fragments));
}

describe('flattenFragments', () => {
  it('splices nested fragments of the same type into the selection', () => {
    const result = flatten(`
      query Q { pod { ...PodFields } }
      fragment PodFields on Pod { name meta { ...MetaFields } }
      fragment MetaFields on Meta { name labels }
    `);
    expect(result).toBe(print(parse('query Q { pod { name meta { name labels } } }')));
  });

  it('keeps a fragment that narrows an interface as an inline fragment', () => {
    const result = flatten(`
      query Q { any { ...PodFields } }
      fragment PodFields on Pod { name meta { ...MetaFields } }
      fragment MetaFields on Meta { labels }
    `);
    expect(result).toBe(print(parse('query Q { any { ... on Pod { name meta { labels } } } }')));
  });
});
