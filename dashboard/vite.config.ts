import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

export default defineConfig(({ mode }) => ({
  plugins: [vue()],
  // Apollo Client 3 keeps its development checks and warnings unless __DEV__ is false (smaller bundle, quiet console).
  define: mode === 'production' ? { 'globalThis.__DEV__': 'false' } : {},
  // dist/.vite/manifest.json: which chunks each route loads (the benchmark reports their size per route).
  build: {
    manifest: true,
    rollupOptions: {
      output: {
        // ECharts (with zrender) in a chunk of its own: only /kpis loads it, and it stays cached across dashboard releases.
        manualChunks: (id) => (/node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?(echarts|zrender)\//.test(id) ? 'echarts' : undefined),
      },
    },
    // That chunk is ~540 kB before gzip (~180 kB after), by itself: the line chart, its markers and the canvas renderer.
    chunkSizeWarningLimit: 600,
  },
  server: { proxy: { '/graphql': { target: 'http://127.0.0.1:4000', ws: true } } },
}));
