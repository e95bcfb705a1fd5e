import {
  buildASTSchema,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DefinitionNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionNode,
} from 'graphql';

function isFragment(definition: DefinitionNode): definition is FragmentDefinitionNode {
  return definition.kind === Kind.FRAGMENT_DEFINITION;
}

/**
 * Replaces the fragment spreads of the operations in `document` by the fragments' fields: spliced into the
 * selection when the fragment is on the selection's own type, else as an inline fragment (narrowing an interface).
 * Fragment definitions stay, so that their TypeScript types are still generated.
 *
 * Why: the server's cost limit (graphql-armor) charges every fragment level like a level of nesting, so a
 * Deployment read through five nested fragments costs some twenty times the same fields written out. The
 * operations keep their readable fragments in src/sdk/operations; the documents the SDK sends are flat.
 */
export function flattenFragments(
  document: DocumentNode,
  schema: GraphQLSchema,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): DocumentNode {
  const expand = (selections: readonly SelectionNode[], parentType: string): SelectionNode[] =>
    selections.flatMap((selection): SelectionNode[] => {
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : undefined;
      if (!fragment) return [selection];
      if (fragment.typeCondition.name.value === parentType) return expand(fragment.selectionSet.selections, parentType);
      return [
        { kind: Kind.INLINE_FRAGMENT, typeCondition: fragment.typeCondition, selectionSet: fragment.selectionSet },
      ];
    });
  const typeInfo = new TypeInfo(schema);
  const pass = (doc: DocumentNode): DocumentNode =>
    visit(
      doc,
      visitWithTypeInfo(typeInfo, {
        FragmentDefinition: () => false,
        SelectionSet: {
          leave(node) {
            const parent = typeInfo.getParentType();
            if (!parent || !node.selections.some((s) => s.kind === Kind.FRAGMENT_SPREAD)) return undefined;
            return { ...node, selections: expand(node.selections, parent.name) };
          },
        },
      }),
    );
  // A pass expands the spreads it meets; fields brought in by a fragment are expanded by the next pass.
  let current = document;
  for (let next = pass(current); next !== current; next = pass(current)) current = next;
  return current;
}

/** The codegen document transform (see codegen.ts) applying `flattenFragments` to every document file. */
export const flattenFragmentsTransform = {
  transform({ documents, schema }: { documents: { document?: DocumentNode }[]; schema: DocumentNode }) {
    const graphqlSchema = buildASTSchema(schema);
    const fragments = new Map(
      documents.flatMap((file) =>
        (file.document?.definitions ?? []).filter(isFragment).map((f) => [f.name.value, f] as const),
      ),
    );
    return documents.map((file) =>
      file.document ? { ...file, document: flattenFragments(file.document, graphqlSchema, fragments) } : file,
    );
  },
};
