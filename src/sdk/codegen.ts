import type { CodegenConfig } from '@graphql-codegen/cli';
import { flattenFragmentsTransform } from './flatten-fragments.ts';

/** Where the generated SDK is written, relative to the repository root. */
export const GENERATED_FILE = 'src/sdk/generated/graphql.ts';

/**
 * GraphQL Code Generator configuration of the SDK: the checked-in `schema.graphql` plus the operations the project
 * ships give one file of typed documents (TypedDocumentNode) and their result and variable types.
 * `npm run sdk:generate` writes it; test/sdk-stale.test.ts fails when the checked-in file is out of date.
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
  },
};

export default config;
