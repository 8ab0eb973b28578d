// The browser build of the lab: a static site in out/web that works from any directory (relative
// asset paths), with the trainer in a module Web Worker. `npm run build:web`, then `npm run web`.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('./renderer', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  worker: { format: 'es' },
  build: {
    outDir: fileURLToPath(new URL('./out/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
  },
  preview: { port: 4173, strictPort: true, host: '127.0.0.1' },
});
