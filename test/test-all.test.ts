/**
 * scripts/test-all.mjs and scripts/typecheck.mjs in a scratch project whose tools are stubs, so
 * what is checked is the runner's own bookkeeping, in well under a second.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { revectorizerAvailable } from '../node/wide-kernels';

function scratch(files: string[]) {
  const root = mkdtempSync(join(tmpdir(), 'nnlab-test-all-'));
  mkdirSync(join(root, 'scripts'));
  for (const f of ['test-all.mjs', 'typecheck.mjs']) copyFileSync(new URL(`../scripts/${f}`, import.meta.url), join(root, 'scripts', f));
  mkdirSync(join(root, 'node_modules', '.bin'), { recursive: true });
  // Every tool passes and logs its arguments; the vitest stub writes the JSON report it is asked for.
  for (const tool of ['tsc', 'eslint', 'playwright']) {
    writeFileSync(join(root, 'node_modules', '.bin', tool), `#!/bin/sh\necho "${tool} $*" >> "${root}/calls.log"\n`);
    chmodSync(join(root, 'node_modules', '.bin', tool), 0o755);
  }
  writeFileSync(
    join(root, 'node_modules', '.bin', 'vitest'),
    `#!/bin/sh\necho "vitest $* NNLAB_TEST_WIDE=$NNLAB_TEST_WIDE" >> "${root}/calls.log"\nfor a in "$@"; do case "$a" in --outputFile.json=*) echo '{"numPassedTests":3,"numFailedTests":0}' > "\${a#--outputFile.json=}";; esac; done\n`,
  );
  chmodSync(join(root, 'node_modules', '.bin', 'vitest'), 0o755);
  for (const f of files) {
    mkdirSync(join(root, f, '..'), { recursive: true });
    writeFileSync(join(root, f), '{}');
  }
  const run = (script: string, ...args: string[]) => spawnSync(process.execPath, [join(root, 'scripts', script), ...args], { cwd: root, encoding: 'utf8' });
  return { root, run };
}

// test-all.mjs (plain JavaScript) repeats this decision; the runner runs in Node, never in Electron.
const revectorizer = revectorizerAvailable();
const all = ['core/tsconfig.json', 'tsconfig.json', 'main/tsconfig.json', 'renderer/tsconfig.json', 'eslint.config.js', 'vitest.config.ts', 'playwright.config.ts'];

describe('scripts/test-all.mjs', () => {
  it('refuses an unknown suite name with exit 2, naming the valid ones', () => {
    const { run } = scratch(all);
    const r = run('test-all.mjs', 'unit', 'unti');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown suite "unti"; the suites are typecheck, lint, unit, e2e, checks');
    expect(r.stdout).not.toMatch(/passed/);
  });

  it('clears stale test-results before a run', () => {
    const { root, run } = scratch(all);
    mkdirSync(join(root, 'test-results'));
    writeFileSync(join(root, 'test-results', 'playwright.json'), '{"stats":{"expected":99,"unexpected":0}}');
    const r = run('test-all.mjs', 'unit');
    expect(r.status).toBe(0);
    expect(existsSync(join(root, 'test-results', 'playwright.json'))).toBe(false);
    expect(existsSync(join(root, 'test-results', 'vitest.json'))).toBe(true);
    expect(r.stdout.trim().split('\n').at(-1)).toBe(revectorizer ? '6 passed, 0 failed' : '3 passed, 0 failed');
  });

  it('runs the kernel tests a second time on the revectorized 256-bit kernels where this Node has them, counted on their own line', () => {
    const { root, run } = scratch(all);
    const r = run('test-all.mjs', 'unit');
    expect(r.status).toBe(0);
    const calls = readFileSync(join(root, 'calls.log'), 'utf8').trim().split('\n');
    expect(calls[0]).toMatch(/^vitest run --reporter=default .* NNLAB_TEST_WIDE=$/);
    if (!revectorizer) return void expect(calls).toHaveLength(1);
    expect(calls[1]).toMatch(/^vitest run test\/kernels-wasm\.test\.ts .*test\/wasm-training\.test\.ts --execArgv=--experimental-wasm-revectorize .* NNLAB_TEST_WIDE=1$/);
    expect(r.stdout).toContain('pass  vitest, revectorized kernels: 3 passed, 0 failed');
  });

  it('fails a stage whose config is missing instead of dropping it', () => {
    const { run } = scratch(['tsconfig.json', 'vitest.config.ts']);
    const r = run('test-all.mjs', 'typecheck', 'lint', 'e2e', 'checks');
    expect(r.status).toBe(1);
    for (const line of ['FAIL  typecheck core/tsconfig.json', 'FAIL  typecheck main/tsconfig.json', 'FAIL  typecheck renderer/tsconfig.json', 'pass  typecheck tsconfig.json', 'FAIL  eslint: eslint.config.js is missing', 'FAIL  playwright: playwright.config.ts is missing', 'FAIL  checks: scripts/checks is missing']) {
      expect(r.stdout).toContain(line);
    }
    expect(r.stdout.trim().split('\n').at(-1)).toBe('1 passed, 6 failed');
  });
});

describe('npm run typecheck (scripts/typecheck.mjs)', () => {
  it('runs tsc on every tsconfig: core, root, main, renderer', () => {
    const { root, run } = scratch(all);
    const r = run('typecheck.mjs');
    expect(r.status).toBe(0);
    const calls = readFileSync(join(root, 'calls.log'), 'utf8').trim().split('\n');
    expect(calls).toEqual(['core/tsconfig.json', 'tsconfig.json', 'main/tsconfig.json', 'renderer/tsconfig.json'].map((p) => `tsc -p ${p} --noEmit`));
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.typecheck).toContain('node scripts/typecheck.mjs');
  });

  it('fails when a tsconfig is missing', () => {
    const { run } = scratch(['tsconfig.json']);
    const r = run('typecheck.mjs');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('typecheck: main/tsconfig.json is missing');
  });
});
