import type { CodegenConfig } from '@graphql-codegen/cli';

/*
 * Typed documents for the tests, generated from the hub's schema (schema/schema.graphql) the way the
 * dashboard's are: every `graphql(...)` call in src/, integration/ and bench/ gets its result and
 * variable types. The output (src/gql/) is generated before type-checking, tests and builds, and is
 * not committed. Imports carry `.js` because this package resolves modules as Node does (NodeNext).
 */
const config: CodegenConfig = {
  schema: '../schema/schema.graphql',
  documents: ['src/**/*.ts', 'integration/**/*.ts', 'bench/**/*.ts', '!src/gql/**'],
  ignoreNoDocuments: true,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        importExtension: '.js',
        scalars: { DateTime: 'string', JSON: 'unknown' },
        avoidOptionals: { field: true, inputValue: false, object: true },
      },
    },
  },
};

export default config;
