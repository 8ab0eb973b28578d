// Vitest setup file: with NNLAB_TEST_WIDE=1 (scripts/test-all.mjs's second kernel pass, run with the
// revectorizer on), backends default to the wide kernels, so the kernel tests run on them as the CLI does.
import { enableWideKernels } from '../node/wide-kernels';

if (process.env.NNLAB_TEST_WIDE === '1' && !enableWideKernels()) throw new Error('NNLAB_TEST_WIDE=1, but this Node cannot revectorize');
