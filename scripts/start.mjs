#!/usr/bin/env node
// `npm start`: the desktop app when Electron can run, else the same lab in the browser.
//
// Installs run no package scripts (.npmrc), and Electron's binary comes from GitHub, which some
// networks (a school, a locked-down laptop, CI) do not reach. So: build the WASM kernels; if Electron's
// binary is missing, fetch it with Electron's own installer (node_modules/electron/install.js, via
// @electron/get; cached for later starts); then run `electron-vite dev`. If the binary cannot be had,
// print one line saying why, serve the web lab on 127.0.0.1 and open a browser where there is one.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const FETCH_TIMEOUT_MS = 10 * 60_000;

/** The Electron executable named by the electron package's path.txt, or null when it is not there. */
export function electronBinary(electronDir) {
  try {
    const exe = join(electronDir, 'dist', readFileSync(join(electronDir, 'path.txt'), 'utf8').trim());
    return existsSync(exe) ? exe : null;
  } catch {
    return null;
  }
}

/** The gist of a failed download: the first line of the installer's error (its stack is noise here). */
export function failureReason(stderr, code) {
  const line = stderr
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l && !l.startsWith('at ') && l !== 'Downloading Electron binary...');
  return line ? line.replace(/^[A-Za-z]*Error:\s*/, '') : `its installer exited with code ${code}`;
}

/**
 * Why the download host cannot be reached, e.g. "getaddrinfo ENOTFOUND github.com" (the installer says
 * only "fetch failed"), or null when it answers. Same host choice as @electron/get: ELECTRON_MIRROR or GitHub.
 */
export async function unreachable(env = process.env) {
  const url = env.ELECTRON_MIRROR || env.npm_config_electron_mirror || 'https://github.com/electron/electron/releases/download/';
  try {
    await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(15_000) });
    return null;
  } catch (e) {
    return e?.cause?.message ?? e?.message ?? String(e);
  }
}

/** Runs Electron's own installer (it downloads the binary for this package version, or finds it in its cache). */
export async function fetchElectron(electronDir, { env = process.env, timeoutMs = FETCH_TIMEOUT_MS } = {}) {
  const got = await runInstaller(electronDir, env, timeoutMs);
  if (got.ok || !/fetch failed/i.test(got.reason)) return got;
  return { ok: false, reason: (await unreachable(env)) ?? got.reason };
}

function runInstaller(electronDir, env, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(electronDir, 'install.js')], { cwd: electronDir, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill(), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: e.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ ok: true });
      else resolve({ ok: false, reason: signal ? `the download took over ${Math.round(timeoutMs / 60_000)} min` : failureReason(stderr, code) });
    });
  });
}

/** `electron-vite dev`, attached to this terminal; resolves with its exit code. */
function launchElectron() {
  const cli = join(dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');
  const child = spawn(process.execPath, [cli, 'dev', '-c', 'electron.config.ts'], { cwd: root, stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  return new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
}

/** The web lab (vite.web.config.ts: the renderer with the trainer in a Web Worker) on 127.0.0.1. */
export async function serveWeb({ port = 5173 } = {}) {
  const { createServer } = await import('vite');
  const server = await createServer({
    configFile: join(root, 'vite.web.config.ts'),
    logLevel: 'warn',
    clearScreen: false,
    server: { host: '127.0.0.1', port, strictPort: false, open: false },
  });
  await server.listen();
  const address = server.httpServer.address();
  return { url: `http://127.0.0.1:${address.port}/`, close: () => server.close() };
}

/** Opens `url` in the default browser where there is one; any failure is ignored (the URL is printed). */
export function openBrowser(url, { platform = process.platform, env = process.env, run = spawn } = {}) {
  let cmd;
  if (platform === 'darwin') cmd = ['open', [url]];
  else if (platform === 'win32') cmd = ['cmd', ['/c', 'start', '""', url]];
  // Without a display, xdg-open falls back to a text browser that would take over this terminal.
  else if (env.DISPLAY || env.WAYLAND_DISPLAY) cmd = ['xdg-open', [url]];
  else return false;
  try {
    const child = run(cmd[0], cmd[1], { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
    return true;
  } catch {
    return false;
  }
}

/**
 * The decision, with every effect injected (tests run it under Node without Electron). Resolves with
 * Electron's exit code, or with the web server (which keeps the process alive) when it fell back.
 */
export async function start({ buildKernels, binary, fetch, launch, serve, open, log }) {
  await buildKernels();
  let why = null;
  if (!binary()) {
    log("nnlab: Electron's binary is not installed yet; downloading it (first start only)…");
    const got = await fetch();
    if (!got.ok) why = `could not download Electron's binary (${got.reason})`;
    else if (!binary()) why = "Electron's installer finished but its binary is missing";
  }
  if (!why) return { electron: await launch() };
  const web = await serve();
  log(`nnlab: ${why}; serving the lab in the browser instead at ${web.url} (Ctrl+C to stop)`);
  open(web.url);
  return { web };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const electronDir = dirname(require.resolve('electron/package.json'));
  const { buildKernels } = await import('./build-wasm.mjs');
  const result = await start({
    buildKernels: () => buildKernels(),
    binary: () => electronBinary(electronDir),
    fetch: () => fetchElectron(electronDir),
    launch: launchElectron,
    serve: () => serveWeb(),
    open: (url) => openBrowser(url),
    log: (line) => console.log(line),
  });
  if (result.electron !== undefined) process.exit(result.electron);
}
