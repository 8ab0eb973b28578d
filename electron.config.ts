// electron-vite: the main process (with the trainer utility-process entry), the sandboxed preload
// (CommonJS: a sandboxed preload cannot be an ES module) and the renderer from renderer/.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { CSP } from './main/electron-main/security';

const path = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** The production CSP as a <meta> tag (the app:// protocol also sends it as a header). */
function electronCsp(): Plugin {
  return {
    name: 'nnlab-electron-csp',
    apply: 'build',
    transformIndexHtml: (html) => html.replace('<head>', `<head>\n    <meta http-equiv="Content-Security-Policy" content="${CSP}" />`),
  };
}

export default defineConfig({
  main: {
    build: {
      // Bundle every dependency (zod, write-file-atomic, core) into main: the package ships out/ and
      // package.json only, no node_modules. `electron` stays external (it is the runtime itself).
      externalizeDeps: false,
      rolldownOptions: {
        external: ['electron'],
        input: { index: path('./main/electron-main/index.ts'), 'trainer-process': path('./main/utility/trainer-process.ts') },
      },
    },
  },
  preload: {
    build: {
      rolldownOptions: {
        input: { index: path('./main/preload/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: path('./renderer'),
    plugins: [react(), electronCsp()],
    worker: { format: 'es' },
    build: {
      rolldownOptions: { input: path('./renderer/index.html') },
      chunkSizeWarningLimit: 2000,
      // KaTeX's fonts stay files: inlined as data: URLs, font-src 'self' would refuse them.
      assetsInlineLimit: (file) => (/\.(woff2?|ttf)$/.test(file) ? false : undefined),
    },
  },
});
