#!/usr/bin/env node
// The CLI is TypeScript shared with the app; tsx runs it without a separate build.
import { register } from 'tsx/esm/api';

register();
process.env.NNLAB_CLI_ENTRY = '1';
await import('../cli/nnlab.ts');
