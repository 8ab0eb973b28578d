// End-to-end tests of the lab against the web build (out/web), served by `vite preview`, in Debian's
// Chromium (Playwright's own browser download is not reachable here).
import { defineConfig } from '@playwright/test';

// Parallel runs (several checkouts on one machine) each pick their own port.
const PORT = Number(process.env.NNLAB_E2E_PORT ?? 4173);

export default defineConfig({
  testDir: 'test/e2e',
  // The README's screenshots are regenerated on demand (`npm run screenshots`), not by every `npm test`,
  // which must leave a clean checkout clean.
  testIgnore: process.env.NNLAB_SCREENSHOTS ? [] : ['**/screenshots.spec.ts'],
  outputDir: 'test-results/e2e',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  // Two cores: the page's trainer workers and the browser share them, so one test at a time.
  workers: 1,
  retries: 0,
  use: {
    baseURL: `http://127.0.0.1:${PORT}/`,
    viewport: { width: 1400, height: 1000 },
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--headless=new'],
    },
    trace: 'off',
  },
  webServer: {
    command: `node scripts/build-wasm.mjs && npx vite build -c vite.web.config.ts --logLevel warn && npx vite preview -c vite.web.config.ts --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}/`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
