// The web UI's build: ui/ -> dist/ui, served by every master at /ui/ (src/api/web-ui.ts).
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/ui/',
  plugins: [react()],
  build: {
    outDir: here('../dist/ui'),
    emptyOutDir: true,
    // Browsers from the last few years; no polyfills shipped.
    target: 'es2022',
    chunkSizeWarningLimit: 600,
  },
  // `vite` in ui/ proxies the API to a local `drover up` on :8080 while developing.
  server: { proxy: { '/v2': 'http://127.0.0.1:8080', '/v1': 'http://127.0.0.1:8080' } },
});
