#!/usr/bin/env node
// `npm test`: every suite the project has, one summary line at the end.
// Suites: typecheck (one tsconfig = one check), lint, vitest, Playwright, and each script in
// scripts/checks/ (exit 0 = pass); a suite whose config is missing counts as a failure. Names on the
// command line pick suites (an unknown name: exit 2). The last line is `N passed, N failed`, which CI reads.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { TSCONFIGS, typecheck } from './typecheck.mjs';

const root = new URL('..', import.meta.url).pathname;
const SUITES = ['typecheck', 'lint', 'unit', 'e2e', 'checks'];
const bin = (name) => join(root, 'node_modules', '.bin', name);
const results = [];
let passed = 0;
let failed = 0;
let skipped = 0;

function run(cmd, args, env = {}) {
  console.log(`\n$ ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status === 0;
}

function check(name, ok) {
  results.push(`${ok ? 'pass' : 'FAIL'}  ${name}`);
  if (ok) passed++;
  else failed++;
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

const only = process.argv.slice(2);
const unknown = only.filter((s) => !SUITES.includes(s));
if (unknown.length) {
  console.error(`test-all: unknown suite${unknown.length > 1 ? 's' : ''} ${unknown.map((s) => `"${s}"`).join(', ')}; the suites are ${SUITES.join(', ')}`);
  process.exit(2);
}
const want = (suite) => only.length === 0 || only.includes(suite);

// Reports from an earlier run must not stand in for this one's.
rmSync(join(root, 'test-results'), { recursive: true, force: true });
mkdirSync(join(root, 'test-results'), { recursive: true });

/** A stage whose configuration is missing fails (it would otherwise vanish from the summary). */
function configured(stage, file) {
  if (existsSync(join(root, file))) return true;
  check(`${stage}: ${file} is missing`, false);
  return false;
}

if (want('typecheck')) {
  for (const project of TSCONFIGS) check(`typecheck ${project}`, typecheck(root, project));
}

if (want('lint') && configured('eslint', 'eslint.config.js')) check('eslint', run(bin('eslint'), ['.', '--max-warnings=0']));

/** One vitest run (`args` pick files and flags), its tests counted under `label`. */
function vitest(label, file, args, env = {}) {
  const out = join(root, 'test-results', file);
  const ok = run(bin('vitest'), ['run', ...args, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`], env);
  const report = readJson(out);
  if (!report) return check(`${label} (no report)`, false);
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  results.push(`${report.numFailedTests ? 'FAIL' : 'pass'}  ${label}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
  // A suite that fails to load has no test counted; its exit code still tells.
  if (!ok && report.numFailedTests === 0) check(`${label} (suite errors)`, false);
}

if (want('unit') && configured('vitest', 'vitest.config.ts')) {
  vitest('vitest', 'vitest.json', []);
  // The kernel tests again on the 256-bit kernels through V8's revectorizer, as the CLI runs them
  // (node/wide-kernels.ts; test/wide-setup.ts makes them the default with NNLAB_TEST_WIDE=1): the
  // revectorizer is experimental in V8, and these tests hold every kernel to its references. Only
  // where this Node has it (the test of node/wide-kernels.ts revectorizerAvailable).
  if (process.arch === 'x64' && Number(process.config.variables?.v8_enable_wasm_simd256_revec) === 1) {
    const files = ['test/kernels-wasm.test.ts', 'test/activations.test.ts', 'test/softmax-kernel.test.ts', 'test/wasm-training.test.ts'];
    vitest('vitest, revectorized kernels', 'vitest-revectorized.json', [...files, '--execArgv=--experimental-wasm-revectorize'], { NNLAB_TEST_WIDE: '1' });
  }
}

if (want('e2e') && configured('playwright', 'playwright.config.ts')) {
  const out = join(root, 'test-results', 'playwright.json');
  const ok = run(bin('playwright'), ['test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: out });
  const report = readJson(out);
  if (report?.stats) {
    const s = report.stats;
    passed += s.expected + (s.flaky ?? 0);
    failed += s.unexpected;
    skipped += s.skipped ?? 0;
    results.push(`${s.unexpected ? 'FAIL' : 'pass'}  playwright: ${s.expected} passed, ${s.unexpected} failed, ${s.flaky ?? 0} flaky`);
    if (!ok && s.unexpected === 0) check('playwright (run errors)', false);
  } else check('playwright (no report)', false);
}

if (want('checks')) {
  const dir = join(root, 'scripts', 'checks');
  if (configured('checks', 'scripts/checks')) {
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort()) {
      check(`check ${f}`, run(process.execPath, [join(dir, f)]));
    }
  }
}

console.log('\nSummary');
for (const line of results) console.log(`  ${line}`);
// Skipped tests are not allowed in this project: they count as failures.
if (skipped) {
  console.log(`  FAIL  ${skipped} skipped test(s)`);
  failed += skipped;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
