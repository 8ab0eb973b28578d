import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);

const root = new URL('../..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {
  main: string;
  scripts: Record<string, string>;
  build: Record<string, unknown> & { electronFuses: Record<string, boolean>; files: string[] };
};

describe('packaging (electron-builder, package.json "build")', () => {
  it('is a configuration electron-builder itself accepts (its own schema; packing needs the Electron binary)', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as { validateConfiguration(c: unknown, l: unknown): Promise<void> };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(pkg.build, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...pkg.build, electronFuses: { runAsNod: false } }, new DebugLogger(false))).rejects.toThrow(/electronFuses/);
  });

  it('names the app and builds AppImage + deb, dmg and nsis with the icon from assets/', () => {
    expect(pkg.build).toMatchObject({
      appId: 'org.nnlab.app',
      productName: 'nnlab',
      icon: 'assets/icon.png',
      asar: true,
      linux: { target: ['AppImage', 'deb'] },
      mac: { target: ['dmg'] },
      win: { target: ['nsis'] },
    });
    const png = readFileSync(`${root}assets/icon.png`);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    // IHDR width and height: 512×512, what every target (macOS included) accepts.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
  });

  it('flips the fuses: no RunAsNode, NODE_OPTIONS or --inspect; asar integrity and asar-only loading on', () => {
    // Flipping fuses edits the binary; unsigned (no identity) macOS arm64 builds need the ad-hoc signature redone.
    expect(pkg.build.electronFuses).toEqual({
      resetAdHocDarwinSignature: true,
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('packs the app build only, and the scripts build it first', () => {
    // main is bundled (electron.config.ts); electron-builder would otherwise add every production dependency.
    expect(pkg.build.files).toEqual(['out/main/**/*', 'out/preload/**/*', 'out/renderer/**/*', 'package.json', '!node_modules/**/*']);
    expect(pkg.main).toBe('out/main/index.js');
    expect(pkg.scripts.build).toBe('node scripts/build-wasm.mjs && electron-vite build -c electron.config.ts');
    expect(pkg.scripts.start).toBe('node scripts/start.mjs');
    expect(pkg.scripts.dist).toBe('npm run build && electron-builder --publish never');
  });
});

describe('install (package.json, .npmrc)', () => {
  it('runs no package scripts, so a network without Electron\'s download host still installs', () => {
    const npmrc = readFileSync(`${root}.npmrc`, 'utf8');
    expect(npmrc).toMatch(/^ignore-scripts=true$/m);
  });

  it('builds the WASM kernels in every script that needs them, not in an install or pre/post hook', () => {
    // ignore-scripts also skips pre/post hooks of `npm run`: none may carry a build step.
    expect(Object.keys(pkg.scripts).filter((n) => /^(pre|post)/.test(n) || ['prepare', 'install'].includes(n))).toEqual(['preview']);
    for (const name of ['build', 'test', 'bench', 'typecheck', 'test:unit', 'build:web', 'preview']) {
      expect(pkg.scripts[name], name).toMatch(/^node scripts\/build-wasm\.mjs && /);
    }
    // `npm start` (scripts/start.mjs), `dist` (through build) and the CLI (bin/nnlab.mjs) build them themselves.
    expect(readFileSync(`${root}scripts/start.mjs`, 'utf8')).toMatch(/buildKernels\(\)/);
    expect(readFileSync(`${root}bin/nnlab.mjs`, 'utf8')).toMatch(/await buildKernels\(\{ ifStale: true/);
    expect(pkg.scripts.nnlab).toBe('node bin/nnlab.mjs');
  });

  it('needs Node 22.12 or later (what electron-builder\'s tools require)', () => {
    expect((pkg as unknown as { engines: { node: string } }).engines.node).toBe('>=22.12');
  });
});

describe('the CLI entry', () => {
  it('builds missing kernels itself before running', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, cpSync, rmSync, symlinkSync, existsSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    // A copy of the sources without core/wasm/generated, node_modules linked: as after an install that ran no scripts.
    const dir = mkdtempSync(join(tmpdir(), 'nnlab-fresh-'));
    try {
      for (const d of ['bin', 'cli', 'core', 'node', 'scripts']) cpSync(join(root, d), join(dir, d), { recursive: true, filter: (p) => !p.includes('/generated') });
      cpSync(join(root, 'package.json'), join(dir, 'package.json'));
      symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
      expect(existsSync(join(dir, 'core/wasm/generated/kernels.ts'))).toBe(false);
      const out = execFileSync(process.execPath, [join(dir, 'bin/nnlab.mjs'), 'presets'], { encoding: 'utf8' });
      expect(out.length).toBeGreaterThan(0);
      expect(existsSync(join(dir, 'core/wasm/generated/kernels.ts'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
