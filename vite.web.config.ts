// The browser build of the lab: a static site in out/web that works from any directory (relative
// asset paths), with the trainer in a module Web Worker. `npm run build:web`, then `npm run web`.
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The web build's CSP. The Electron build injects its own (electron.config.ts), so renderer/index.html
 * carries none: two policies would be ANDed. The worker is a same-origin module script.
 */
const WEB_CSP =
  "default-src 'none'; script-src 'self'; worker-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; object-src 'none'";

function webCsp(): Plugin {
  return {
    name: 'nnlab-web-csp',
    apply: 'build',
    transformIndexHtml: (html) => html.replace('<head>', `<head>\n    <meta http-equiv="Content-Security-Policy" content="${WEB_CSP}" />`),
  };
}

const root = fileURLToPath(new URL('./renderer', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react(), webCsp()],
  worker: { format: 'es' },
  build: {
    outDir: fileURLToPath(new URL('./out/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    // KaTeX's fonts stay files: inlined as data: URLs, font-src 'self' would refuse them.
    assetsInlineLimit: (file) => (/\.(woff2?|ttf)$/.test(file) ? false : undefined),
  },
  preview: { port: 4173, strictPort: true, host: '127.0.0.1' },
});
