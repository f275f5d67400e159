import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
// The build config runs in Node at build time; it is not part of the renderer bundle.
// eslint-disable-next-line no-restricted-imports
import { fileURLToPath } from 'node:url';

// The renderer is built once and served both by Electron (file in out/renderer) and by the browser-mode
// HTTP bridge. Relative asset paths make the same build work under both.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../out/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
  },
});
