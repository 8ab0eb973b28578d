#!/usr/bin/env node
// The CLI is TypeScript shared with the app. The WASM kernels are generated (scripts/build-wasm.mjs),
// and no install hook builds them: build them here when missing or out of date, quietly, so stdout
// stays the command's own. The CLI then runs from its esbuild bundle, kept on disk and rebuilt when a
// file it is made from changes (node/bundle-cache.mjs): `nnlab --help` took 0.37–0.54 s through tsx,
// 0.15–0.18 s from the bundle. Without esbuild (or where the bundle cannot be written) tsx runs the source.
import * as nodeModule from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildKernels } from '../scripts/build-wasm.mjs';
import { cachedBundleWithUrls, CACHE_DIR } from '../node/bundle-cache.mjs';

await buildKernels({ ifStale: true, quiet: true });
process.env.NNLAB_CLI_ENTRY = '1';
const bundle = await cachedBundleWithUrls(fileURLToPath(new URL('../cli/nnlab.ts', import.meta.url)), 'cli');
if (bundle && 'file' in bundle) {
  // Node 22+ keeps the parsed bundle between runs.
  nodeModule.enableCompileCache?.(join(CACHE_DIR, 'compile-cache'));
  nodeModule.createRequire(import.meta.url)(bundle.file);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/nnlab.ts');
}
