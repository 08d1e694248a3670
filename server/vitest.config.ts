import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['src/**/*.test.ts'] },
  // One copy of graphql, as under Node: Vite would pick its ESM build (`module`) for our code while
  // Apollo, loaded by Node, gets the CommonJS one, and a GraphQLError of one is no instance of the other.
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
});
