import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

export default defineConfig(({ mode }) => ({
  plugins: [vue()],
  // Apollo Client 3 keeps its development checks and warnings unless __DEV__ is false (smaller bundle, quiet console).
  define: mode === 'production' ? { 'globalThis.__DEV__': 'false' } : {},
  // dist/.vite/manifest.json: which chunks each route loads (the benchmark reports their size per route).
  build: { manifest: true },
  server: { proxy: { '/graphql': { target: 'http://127.0.0.1:4000', ws: true } } },
}));
