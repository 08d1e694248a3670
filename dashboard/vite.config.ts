import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [vue()],
  server: { proxy: { '/graphql': { target: 'http://127.0.0.1:4000', ws: true } } },
});
