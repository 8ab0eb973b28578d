/**
 * `npm start` (scripts/start.mjs) under Node: Electron is never launched here. Its decision runs with
 * Electron's real installer failing to download (an unreachable mirror), and the fallback really serves
 * the lab on 127.0.0.1.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error a plain .mjs script without types
import * as startScript from '../scripts/start.mjs';

interface StartDeps {
  buildKernels(): Promise<unknown>;
  binary(): string | null;
  fetch(): Promise<{ ok: boolean; reason?: string }>;
  launch(): Promise<number>;
  serve(): Promise<{ url: string; close(): Promise<void> }>;
  open(url: string): void;
  log(line: string): void;
}
const { start, electronBinary, fetchElectron, failureReason, serveWeb, openBrowser } = startScript as {
  start(deps: StartDeps): Promise<{ electron?: number; web?: { url: string; close(): Promise<void> } }>;
  electronBinary(dir: string): string | null;
  fetchElectron(dir: string, o?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<{ ok: boolean; reason?: string }>;
  failureReason(stderr: string, code: number): string;
  serveWeb(o?: { port?: number }): Promise<{ url: string; close(): Promise<void> }>;
  openBrowser(url: string, o: { platform: string; env: Record<string, string>; run: (cmd: string, args: string[]) => unknown }): boolean;
};

const electronDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0)) await f();
});

function deps(over: Partial<StartDeps>) {
  const calls: string[] = [];
  const lines: string[] = [];
  const d: StartDeps = {
    buildKernels: async () => void calls.push('kernels'),
    binary: () => null,
    fetch: async () => ({ ok: false, reason: 'getaddrinfo ENOTFOUND github.com' }),
    launch: async () => (calls.push('electron'), 0),
    serve: async () => (calls.push('serve'), { url: 'http://127.0.0.1:5173/', close: async () => {} }),
    open: (url) => void calls.push(`open ${url}`),
    log: (line) => void lines.push(line),
    ...over,
  };
  return { d, calls, lines };
}

describe('npm start', () => {
  it('binary missing and the download fails: one line saying why, then the web lab on 127.0.0.1 and a browser', async () => {
    const { d, calls, lines } = deps({});
    const r = await start(d);
    expect(r.electron).toBeUndefined();
    expect(calls).toEqual(['kernels', 'serve', 'open http://127.0.0.1:5173/']);
    const why = lines.filter((l) => !l.includes('downloading'));
    expect(why).toEqual([
      "nnlab: could not download Electron's binary (getaddrinfo ENOTFOUND github.com); serving the lab in the browser instead at http://127.0.0.1:5173/ (Ctrl+C to stop)",
    ]);
  });

  it('binary present: Electron, no download, no server', async () => {
    let fetched = false;
    const { d, calls } = deps({ binary: () => '/x/electron', fetch: async () => ((fetched = true), { ok: true }) });
    expect(await start(d)).toEqual({ electron: 0 });
    expect(fetched).toBe(false);
    expect(calls).toEqual(['kernels', 'electron']);
  });

  it('binary missing but the download works: Electron', async () => {
    let have = false;
    const { d, calls } = deps({ binary: () => (have ? '/x/electron' : null), fetch: async () => ((have = true), { ok: true }) });
    expect(await start(d)).toEqual({ electron: 0 });
    expect(calls).toEqual(['kernels', 'electron']);
  });

  it("Electron's own installer, unable to reach its download host, fails with a one-line reason", async () => {
    if (electronBinary(electronDir)) return; // an installed binary makes the installer a no-op
    // A host that never resolves (.invalid is reserved), as github.com does not resolve here.
    const env = { ...process.env, ELECTRON_MIRROR: 'https://electron-mirror.invalid/', electron_config_cache: mkdtempSync(join(tmpdir(), 'nnlab-electron-cache-')) };
    cleanup.push(() => rmSync(env.electron_config_cache, { recursive: true, force: true }));
    const got = await fetchElectron(electronDir, { env, timeoutMs: 60_000 });
    expect(got.ok).toBe(false);
    expect(got.reason).toBe('getaddrinfo ENOTFOUND electron-mirror.invalid');
    expect(got.reason).not.toContain('\n');
    expect(electronBinary(electronDir)).toBeNull();
  }, 90_000);

  it('reads the binary from path.txt and reduces a stack to its first line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnlab-fake-electron-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    expect(electronBinary(dir)).toBeNull();
    writeFileSync(join(dir, 'path.txt'), 'electron');
    expect(electronBinary(dir)).toBeNull();
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'electron'), '');
    expect(electronBinary(dir)).toBe(join(dir, 'dist', 'electron'));
    expect(failureReason('RequestError: getaddrinfo ENOTFOUND github.com\n    at ClientRequest.<anonymous> (x.js:1:1)\n', 1)).toBe('getaddrinfo ENOTFOUND github.com');
    expect(failureReason('', 7)).toBe('its installer exited with code 7');
  });

  it('opens a browser only where there is one, and never fails for it', () => {
    const ran: string[] = [];
    const run = (cmd: string, args: string[]) => {
      ran.push([cmd, ...args].join(' '));
      return { on: () => {}, unref: () => {} };
    };
    expect(openBrowser('http://127.0.0.1:1/', { platform: 'linux', env: {}, run })).toBe(false);
    expect(openBrowser('http://127.0.0.1:1/', { platform: 'linux', env: { DISPLAY: ':0' }, run })).toBe(true);
    expect(openBrowser('http://127.0.0.1:1/', { platform: 'darwin', env: {}, run })).toBe(true);
    const throwing = () => {
      throw new Error('ENOENT');
    };
    expect(openBrowser('http://127.0.0.1:1/', { platform: 'darwin', env: {}, run: throwing })).toBe(false);
    expect(ran).toEqual(['xdg-open http://127.0.0.1:1/', 'open http://127.0.0.1:1/']);
  });

  it('the fallback server is the lab, on loopback', async () => {
    const web = await serveWeb({ port: 0 });
    cleanup.push(() => web.close());
    expect(web.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await (await fetch(web.url)).text();
    expect(page).toContain('<div id="root">');
    expect(page).toContain('/src/main.tsx');
  }, 60_000);
});
