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
    expect(pkg.build.electronFuses).toEqual({
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
    expect(pkg.build.files).toEqual(['out/main/**/*', 'out/preload/**/*', 'out/renderer/**/*', 'package.json']);
    expect(pkg.main).toBe('out/main/index.js');
    expect(pkg.scripts.build).toBe('electron-vite build -c electron.config.ts');
    expect(pkg.scripts.start).toBe('electron-vite dev -c electron.config.ts');
    expect(pkg.scripts.dist).toBe('npm run build && electron-builder --publish never');
  });
});
