import type { CodegenConfig } from '@graphql-codegen/cli';
import { flattenFragmentsTransform } from './flatten-fragments.ts';

/** Where the generated SDK is written, relative to the repository root. */
export const GENERATED_FILE = 'src/sdk/generated/graphql.ts';

/** Where the introspection of `schema.graphql` is written: the type information src/sdk/object-shapes.ts reads. */
export const INTROSPECTION_FILE = 'src/sdk/generated/introspection.json';

/**
 * GraphQL Code Generator configuration of the SDK: the checked-in `schema.graphql` plus the operations the project
 * ships give one file of typed documents (TypedDocumentNode) and their result and variable types, and the schema's
 * introspection gives clients its types without loading the server's schema.
 * `npm run sdk:generate` writes both; test/sdk-stale.test.ts fails when a checked-in file is out of date.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: 'src/sdk/operations/*.graphql',
  emitLegacyCommonJSImports: false,
  generates: {
    [GENERATED_FILE]: {
      plugins: ['typescript-operations', 'typed-document-node'],
      documentTransforms: [flattenFragmentsTransform],
      config: {
        useTypeImports: true,
        enumType: 'string-literal',
        enumsAsTypes: true,
        avoidOptionals: false,
        skipTypename: true,
        documentMode: 'string',
        dedupeFragments: true,
        scalars: { IntOrString: 'number | string', JSON: 'unknown' },
      },
    },
    // Not minified, so that a schema change shows as a readable diff; descriptions are left out as no client reads them.
    [INTROSPECTION_FILE]: {
      plugins: ['introspection'],
      config: { descriptions: false },
    },
  },
};

export default config;
