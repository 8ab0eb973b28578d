#!/usr/bin/env node
// The CLI is TypeScript shared with the app; tsx runs it without a separate build. The WASM kernels
// are generated (scripts/build-wasm.mjs), and no install hook builds them: build them here when
// missing or out of date, quietly, so stdout stays the command's own.
import { register } from 'tsx/esm/api';
import { buildKernels } from '../scripts/build-wasm.mjs';

await buildKernels({ ifStale: true, quiet: true });
register();
process.env.NNLAB_CLI_ENTRY = '1';
await import('../cli/nnlab.ts');
