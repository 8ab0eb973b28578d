// node/bundle-cache.mjs: the esbuild bundles the CLI and the sweep workers run from. A bundle keeps
// each source file's import.meta.url (the CLI reads package.json beside its source), is reused while
// its files are unchanged and rebuilt when one changes; bin/nnlab.mjs runs the CLI from one.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CACHE_DIR, cachedBundleWithUrls } from '../node/bundle-cache.mjs';

const requireFresh = (file: string) => {
  const req = createRequire(import.meta.url);
  delete req.cache[file];
  return req(file) as { here: string; there: string; tag: string };
};

describe('bundle cache', () => {
  it('each bundled file keeps its own import.meta.url; the bundle is reused while its files are unchanged and rebuilt when one changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnlab-bundle-'));
    const entry = join(dir, 'entry.ts');
    const other = join(dir, 'other.ts');
    writeFileSync(other, `export const there: string = import.meta.url;\n`);
    const version = (tag: string) => writeFileSync(entry, `export { there } from './other';\nexport const here: string = import.meta.url;\nexport const tag = '${tag}';\n`);
    version('one');
    const first = await cachedBundleWithUrls(entry, 'test-entry');
    if (!first || !('file' in first)) throw new Error('no bundle file');
    const m = requireFresh(first.file);
    expect(m.here).toBe(pathToFileURL(entry).href);
    expect(m.there).toBe(pathToFileURL(other).href);
    expect(m.tag).toBe('one');
    // Found on disk while nothing changed: the same file, not written again.
    const written = statSync(first.file).mtimeMs;
    const again = await cachedBundleWithUrls(entry, 'test-entry');
    expect(again && 'file' in again ? again.file : null).toBe(first.file);
    expect(statSync(first.file).mtimeMs).toBe(written);
    await new Promise((resolve) => setTimeout(resolve, 20));
    version('two');
    const second = await cachedBundleWithUrls(entry, 'test-entry');
    if (!second || !('file' in second)) throw new Error('no bundle file');
    expect(second.file).not.toBe(first.file);
    expect(requireFresh(second.file).tag).toBe('two');
  }, 60_000);

  it('bin/nnlab.mjs runs the CLI from its bundle, made from cli/nnlab.ts and what it imports', () => {
    const bin = fileURLToPath(new URL('../bin/nnlab.mjs', import.meta.url));
    const r = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('nnlab presets');
    const manifests = readdirSync(CACHE_DIR).filter((f) => /^cli-[0-9a-f]{16}\.json$/.test(f));
    const made = manifests.map((f) => JSON.parse(readFileSync(join(CACHE_DIR, f), 'utf8')) as { bundle: [string]; inputs: [string][] });
    const cli = fileURLToPath(new URL('../cli/nnlab.ts', import.meta.url));
    expect(made.some((m) => m.inputs.some(([p]) => p === cli) && m.inputs.some(([p]) => p.endsWith(join('core', 'trainer.ts'))))).toBe(true);
  }, 60_000);
});
