import type { CodegenConfig } from '@graphql-codegen/cli';

/*
 * Typed documents from the hub's schema (schema/schema.graphql, emitted from the server's resolvers):
 * every `graphql(...)` call in src/ gets its result and variable types. The output (src/gql/) is
 * generated before type-checking, tests and builds, and is not committed.
 */
const config: CodegenConfig = {
  schema: '../schema/schema.graphql',
  documents: ['src/**/*.ts', 'src/**/*.vue', '!src/gql/**'],
  ignoreNoDocuments: true,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { DateTime: 'string', JSON: 'unknown' },
        avoidOptionals: { field: true, inputValue: false, object: true },
      },
    },
  },
};

export default config;
