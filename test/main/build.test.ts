/**
 * `npm run build` (electron-vite) into a temporary folder, then checks of what it produced: a
 * CommonJS preload that exposes exactly the typed API, a renderer page with the CSP, and a built
 * utility-process entry that really trains (run under Node with Electron's parentPort imitated).
 */
import { execFileSync, fork } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runInNewContext } from 'node:vm';
import { MessageChannel, Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { experiment, Trainer } from '../../core';
import { CALL_CHANNELS, EVENTS } from '../../main/common/ipc-channels';
import { RunRecorder } from '../../core/service/run-recorder';
import { API_GLOBAL, TRAINER_PORT_MESSAGE } from '../../core/contract/api';
import { CSP } from '../../main/electron-main/security';
import { SweepWorkerMessageSchema, type SweepWorkerMessage } from '../../core/contract/sweep';
import { runSweepJob } from '../../core/service/sweep-job';
import { xor } from './harness';

const root = new URL('../..', import.meta.url).pathname;
let out: string;

beforeAll(() => {
  // Inside the project (out/ is ignored); a folder of its own so a concurrent `npm run build` is left alone.
  mkdirSync(join(root, 'out'), { recursive: true });
  out = mkdtempSync(join(root, 'out', 'build-test-'));
  execFileSync(join(root, 'node_modules/.bin/electron-vite'), ['build', '-c', 'electron.config.ts', '--outDir', out, '--logLevel', 'error'], {
    cwd: root,
    stdio: 'pipe',
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
  });
}, 180_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('npm run build output', () => {
  it('emits main, the utility-process entry, a CommonJS preload and the renderer', () => {
    for (const f of ['main/index.js', 'main/trainer-process.js', 'preload/index.cjs', 'renderer/index.html']) expect(existsSync(join(out, f)), f).toBe(true);
    // main/electron-main/index.ts resolves these paths relative to itself.
    const main = readFileSync(join(out, 'main/index.js'), 'utf8');
    expect(main).toContain('"../preload/index.cjs"');
    expect(main).toContain('"trainer-process.js"');
    expect(main).toContain('"../renderer"');
  });

  it('main is self-contained: it imports only Node built-ins, electron and its own chunks (the package ships no node_modules)', () => {
    for (const f of readdirSync(join(out, 'main')).filter((n) => n.endsWith('.js'))) {
      const code = readFileSync(join(out, 'main', f), 'utf8');
      // Static imports, dynamic imports and require() calls, wherever they appear.
      const specifiers = [...code.matchAll(/\bfrom\s*"([^"]+)"|\bimport\s*\(\s*"([^"]+)"\s*\)|\brequire\s*\(\s*"([^"]+)"\s*\)|^import\s*"([^"]+)"/gm)].map((m) => (m[1] ?? m[2] ?? m[3] ?? m[4])!);
      expect(specifiers.length, f).toBeGreaterThan(0);
      for (const s of specifiers) {
        const ok = s.startsWith('node:') || builtinModules.includes(s) || s.startsWith('./') || s === 'electron';
        expect(ok, `${f} imports ${s}`).toBe(true);
      }
    }
    // The trainer process needs no Electron module: only process.parentPort.
    expect(readFileSync(join(out, 'main/trainer-process.js'), 'utf8')).not.toMatch(/from "electron"/);
  });

  it('the preload is CommonJS that runs in a sandbox-like context and exposes exactly the API', () => {
    const code = readFileSync(join(out, 'preload/index.cjs'), 'utf8');
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
    const exposed: Record<string, unknown> = {};
    const invoked: unknown[][] = [];
    const listeners = new Map<string, (...a: unknown[]) => void>();
    const posted: unknown[][] = [];
    const required: string[] = [];
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, value: unknown) => (exposed[key] = value) },
      ipcRenderer: {
        invoke: (...args: unknown[]) => (invoked.push(args), Promise.resolve()),
        on: (channel: string, l: (...a: unknown[]) => void) => listeners.set(channel, l),
        removeListener: (channel: string) => listeners.delete(channel),
      },
    };
    const module = { exports: {} };
    runInNewContext(code, {
      module,
      exports: module.exports,
      // A sandboxed preload may require only a few modules; this one needs electron alone.
      require: (id: string) => {
        required.push(id);
        if (id !== 'electron') throw new Error(`sandboxed preload cannot require ${id}`);
        return electron;
      },
      process: { platform: 'linux' },
      window: { postMessage: (...a: unknown[]) => posted.push(a), location: { origin: 'app://nnlab' } },
    });
    expect(required).toEqual(['electron']);
    expect(Object.keys(exposed)).toEqual([API_GLOBAL]);
    const api = exposed[API_GLOBAL] as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(
      ['platform', 'openRun', 'closeRun', 'onRunEvent', 'onMenu', 'openExperiment', 'openRecent', 'recentFiles', 'saveExperimentAs', 'exportRun', 'exportStep', 'listExperiments', 'loadExperiment', 'saveExperiment', 'listRuns', 'loadRun', 'saveRun', 'openCsvFile'].sort(),
    );
    // Each function forwards to its one channel, and only channels of the contract are used.
    (api.loadRun as (id: string) => void)('run-1');
    (api.openRun as () => void)();
    expect(invoked).toEqual([['nnlab:load-run', 'run-1'], ['nnlab:open-run']]);
    for (const [channel] of invoked) expect(CALL_CHANNELS).toContain(channel);
    // Subscriptions hand over the value only, never the Electron event, and can be undone.
    const got: unknown[] = [];
    const off = (api.onRunEvent as (l: (e: unknown) => void) => () => void)((e) => got.push(e));
    listeners.get(EVENTS.runEvent)!({ sender: 'secret' }, { runId: 'r', kind: 'started' });
    expect(got).toEqual([{ runId: 'r', kind: 'started' }]);
    off();
    expect(listeners.has(EVENTS.runEvent)).toBe(false);
    // A trainer port from main is passed to the page by window.postMessage, to its own origin.
    const port = { fake: 'port' };
    listeners.get(EVENTS.runPort)!({ ports: [port] }, { runId: 'run-7' });
    expect(posted).toEqual([[{ type: TRAINER_PORT_MESSAGE, runId: 'run-7' }, 'app://nnlab', [port]]]);
  });

  it('the renderer page carries the strict CSP and no inline script', () => {
    const html = readFileSync(join(out, 'renderer/index.html'), 'utf8');
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${CSP}" />`);
    expect(CSP).toContain("script-src 'self'");
    expect(CSP).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(html.match(/<meta http-equiv="Content-Security-Policy"/g)).toHaveLength(1);
    for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
      expect(m[1]).toMatch(/\ssrc="/);
      expect(m[2]!.trim()).toBe('');
    }
    // Relative asset paths: the page loads from app://nnlab/ as well as from any folder.
    expect(html).toMatch(/src="\.\/assets\//);
  });

  it('the built utility-process entry trains a run over a transferred port', async () => {
    const worker = new Worker(new URL('./fixtures/utility-process-shim.mjs', import.meta.url), {
      workerData: { entry: pathToFileURL(join(out, 'main/trainer-process.js')).href },
    });
    const control: unknown[] = [];
    worker.on('message', (m) => control.push(m));
    const { port1, port2 } = new MessageChannel();
    worker.postMessage({ message: { type: 'attach', runId: 'built-1' }, port: port2 }, [port2]);
    const exp = xor(500);
    const rec = new RunRecorder('built-1', exp);
    const done = new Promise<void>((resolve, reject) => {
      worker.on('error', reject);
      port1.on('message', (m) => {
        rec.receive(m);
        if (rec.phase === 'completed') resolve();
      });
    });
    port1.postMessage({ type: 'start', experiment: exp });
    await done;
    const t = new Trainer(experiment(exp), { recordLosses: false });
    const want = new Float64Array(500);
    t.run(500, want, 0);
    expect(Array.from(rec.losses)).toEqual(Array.from(want));
    // The control channel to main is separate from the UI port: its copy of the status may come a little later.
    const ended = () => control.some((m) => (m as { phase?: string }).phase === 'completed');
    for (let i = 0; i < 500 && !ended(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(control).toContainEqual({ type: 'status', runId: 'built-1', phase: 'completed', step: 500 });
    // The UI's end going away (its page is gone) ends the utility process by itself.
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    port1.close();
    expect(await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), 5000))])).toBe(0);
  });

  it('the same built entry, attached in role "sweep", trains pool jobs with the in-process numbers', async () => {
    const worker = new Worker(new URL('./fixtures/utility-process-shim.mjs', import.meta.url), {
      workerData: { entry: pathToFileURL(join(out, 'main/trainer-process.js')).href },
    });
    const { port1, port2 } = new MessageChannel();
    worker.postMessage({ message: { type: 'attach', runId: 'sweep-1', role: 'sweep' }, port: port2 }, [port2]);
    const jobs = [xor(400, 0.1), xor(400, 0.03)].map((experiment, index) => ({ type: 'run' as const, index, experiment, keepResult: false }));
    const answers: SweepWorkerMessage[] = [];
    const done = new Promise<void>((resolve, reject) => {
      worker.on('error', reject);
      port1.on('message', (m: unknown) => {
        const r = SweepWorkerMessageSchema.safeParse(m);
        if (!r.success) return reject(new Error(`not a sweep worker's answer: ${JSON.stringify(m).slice(0, 200)}`));
        const parsed = r.data;
        if (parsed.type !== 'progress') answers.push(parsed);
        if (answers.length === jobs.length) resolve();
      });
    });
    for (const job of jobs) port1.postMessage(job);
    await done;
    const want: SweepWorkerMessage[] = [];
    for (const job of jobs) runSweepJob(job, (m) => m.type !== 'progress' && want.push(m));
    const noClock = (m: SweepWorkerMessage) => (m.type === 'done' ? { ...m, run: { ...m.run, seconds: 0 } } : m);
    expect(answers.map(noClock)).toEqual(want.map(noClock));
    expect(answers.every((a) => a.type === 'done')).toBe(true);
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    port1.close();
    expect(await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), 5000))])).toBe(0);
  });

  it('the built main process, run against an imitation of Electron, wires window, protocol, IPC, menu and trainers', async () => {
    // Electron cannot start here; fixtures/fake-electron.mjs stands in for its API, and the driver plays the window.
    const child = fork(new URL('./fixtures/run-built-main.mjs', import.meta.url), [out], { stdio: 'pipe' });
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr += String(d)));
    const report = await new Promise<Record<string, unknown>>((resolve, reject) => {
      child.on('message', (m) => resolve(m as Record<string, unknown>));
      child.on('exit', (code) => reject(new Error(`driver exited (${code}) without a report: ${stderr}`)));
    });
    expect(report.error).toBeUndefined();
    expect(report.sandboxEnabled).toBe(true);
    expect(report.schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    expect(report.url).toBe('app://nnlab/index.html');
    const prefs = report.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, webSecurity: true, webviewTag: false });
    expect(prefs.preload).toBe(join(out, 'preload', 'index.cjs'));
    expect(existsSync(prefs.preload as string)).toBe(true);
    expect(report.ipcChannels).toEqual([...CALL_CHANNELS].sort());
    expect(report.fileMenu).toEqual(['New Experiment', 'Open Experiment…', 'Open Recent', 'Save Experiment As…', 'Export Run', '&Quit']);
    expect(report.permissionGranted).toEqual([false]);
    expect(report.permissionCheck).toBe(false);
    expect(report.navigationBlocked).toBe(true);
    expect(report.windowOpen).toEqual({ action: 'deny' });
    expect(report.page).toEqual({ status: 200, csp: `${CSP}; frame-ancestors 'none'`, hasRoot: true });
    expect(report.untrusted).toBe('nnlab:list-runs: refused a call from outside the app');
    expect(report.firstRun).toMatchObject({ channel: EVENTS.runPort, losses: 2000, phase: 'completed' });
    expect(report.runEvents).toEqual(['started']);
    expect(report.portBeforeReply).toBe(false);
    // The sweep pool's worker: a utility process forked from the built trainer entry, serving a job.
    expect(report.sweepWorker).toEqual({ runId: expect.stringMatching(/^sweep-/), type: 'done', index: 3, status: 'completed', steps: 300, entry: join(out, 'main', 'trainer-process.js') });
    expect(report.failure).toMatchObject({ kind: 'failed', reason: expect.stringMatching(/^the trainer process ran out of memory \(exit code 9\) at step [1-9]\d*$/) });
    expect(report.cancelledNavigation).toEqual({ prevented: true, stillTraining: true });
    expect(report.rendererGone).toEqual(['shutdown']);
    expect(report.quit).toBe(1);
  }, 60_000);
});

