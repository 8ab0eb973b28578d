import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    globalSetup: ['test/kernels-setup.ts'],
    setupFiles: ['test/wide-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Parity and process tests are CPU-heavy; two cores, two workers.
    maxWorkers: 2,
  },
});
