import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CALL_CHANNELS } from '../../main/common/ipc-channels';
import { registerIpc, type InvokeEvent } from '../../main/electron-main/ipc';
import type { RunEvent } from '../../core/contract/api';
import { Store } from '../../main/electron-main/store';
import { TrainerHost, type TrainerChild } from '../../main/electron-main/trainer-host';
import { RunRecorder } from '../../core/service/run-recorder';
import { exportNumpy, parseExperiment, referenceBackend, Trainer } from '../../core';
import { xor } from './harness';

const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

type Handler = (event: InvokeEvent<string>, ...args: unknown[]) => unknown;

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'nnlab-ipc-'));
  const handlers = new Map<string, Handler>();
  const events: RunEvent[] = [];
  const spawned: string[] = [];
  const host = new TrainerHost<object, string>({
    spawn: (runId): TrainerChild<object> => {
      spawned.push(runId);
      return { send: () => {}, onMessage: () => {}, onExit: () => {}, kill: () => {} };
    },
    createChannel: () => ({ ui: {}, trainer: {} }),
    deliverPort: () => {},
    notify: (_owner, e) => events.push(e),
    maxProcesses: 1,
  });
  const dialogAnswers: (string | null)[] = [];
  const dialogsShown: { title: string; defaultName: string; extension: string }[] = [];
  const recentLists: string[][] = [];
  const store = new Store(join(dir, 'userData'));
  registerIpc({
    ipcMain: { handle: (channel, listener) => handlers.set(channel, listener) },
    store,
    host,
    dialogs: {
      openJson: async () => dialogAnswers.shift() ?? null,
      openCsv: async () => dialogAnswers.shift() ?? null,
      save: async (_owner, title, defaultName, extension) => {
        dialogsShown.push({ title, defaultName, extension });
        return dialogAnswers.shift() ?? null;
      },
    },
    devServer: null,
    recentChanged: (paths) => recentLists.push(paths),
  });
  const app: InvokeEvent<string> = { sender: 'window-1', senderFrame: { url: 'app://nnlab/index.html', parent: null } };
  const call = async (channel: string, ...args: unknown[]) => handlers.get(channel)!(app, ...args);
  return { dir, handlers, events, spawned, dialogAnswers, dialogsShown, recentLists, call, store };
}

describe('IPC handlers', () => {
  it('registers exactly the contract’s channels', () => {
    const { handlers } = setup();
    expect([...handlers.keys()].sort()).toEqual([...CALL_CHANNELS].sort());
  });

  it('refuses calls from anything but the app’s own top-level page', async () => {
    const { handlers } = setup();
    const frames = [null, { url: 'https://evil.example/', parent: null }, { url: 'app://nnlab/index.html', parent: {} }];
    for (const channel of CALL_CHANNELS) {
      for (const senderFrame of frames) {
        expect(() => handlers.get(channel)!({ sender: 'x', senderFrame }), channel).toThrow(`${channel}: refused a call from outside the app`);
      }
    }
  });

  it('Import CSV: main reads the chosen file and hands its bytes over; a cancel or an unreadable file is one answer', async () => {
    const { call, dialogAnswers, dir } = setup();
    const path = join(dir, 'data.csv');
    writeFileSync(path, '\uFEFFa;b\r\n1;2\r\n');
    dialogAnswers.push(path);
    const r = (await call('nnlab:open-csv')) as { ok: true; name: string; path: string; bytes: Uint8Array };
    expect({ ...r, bytes: [...r.bytes] }).toEqual({ ok: true, name: 'data.csv', path, bytes: [...readFileSync(path)] });
    expect(r.bytes).toBeInstanceOf(Uint8Array);
    expect(await call('nnlab:open-csv')).toEqual({ ok: false, canceled: true });
    dialogAnswers.push(join(dir, 'gone.csv'));
    expect(await call('nnlab:open-csv')).toEqual({ ok: false, name: 'gone.csv', message: 'could not read it (ENOENT)' });
    dialogAnswers.push(dir);
    expect(await call('nnlab:open-csv')).toMatchObject({ ok: false, message: 'not a file' });
    await expect(call('nnlab:open-csv', '/etc/passwd')).rejects.toThrow('nnlab:open-csv: takes no arguments');
  });

  it('rejects invalid arguments with a message naming the argument and field', async () => {
    const { call, spawned } = setup();
    await expect(call('nnlab:load-run', '../../etc/passwd')).rejects.toThrow('nnlab:load-run: argument [0]: must be 1–80 letters, digits, "-" or "_"');
    await expect(call('nnlab:save-experiment', { ...xor(10), learningRate: 0 })).rejects.toThrow('nnlab:save-experiment: argument [0]: learningRate: must be a positive number');
    await expect(call('nnlab:export-run', 'pdf', {})).rejects.toThrow(/^nnlab:export-run: argument \[0\]: must be "csv", "json" or "numpy"/);
    await expect(call('nnlab:open-run', 'extra')).rejects.toThrow(/^nnlab:open-run: /);
    expect(spawned).toEqual([]);
  });

  it('never throws anything but a clear Error on fuzzed arguments', async () => {
    const { handlers } = setup();
    const app: InvokeEvent<string> = { sender: 'w', senderFrame: { url: 'app://nnlab/', parent: null } };
    const channels = CALL_CHANNELS.filter((c) => c !== 'nnlab:open-run' && c !== 'nnlab:open-experiment' && c !== 'nnlab:save-experiment-as' && c !== 'nnlab:export-run' && c !== 'nnlab:export-step');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...channels), fc.array(fc.anything(), { maxLength: 3 }), async (channel, args) => {
        try {
          await handlers.get(channel)!(app, ...args);
        } catch (e) {
          expect(e).toBeInstanceOf(Error);
          expect((e as Error).message.startsWith(`${channel}: `)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('opens runs through the host and closes them', async () => {
    const { call, events, spawned } = setup();
    const a = (await call('nnlab:open-run')) as { runId: string };
    const b = (await call('nnlab:open-run')) as { runId: string };
    expect(spawned).toEqual([a.runId]);
    expect(events).toContainEqual({ runId: b.runId, kind: 'queued', position: 1 });
    await call('nnlab:close-run', a.runId);
    expect(spawned).toEqual([a.runId, b.runId]);
  });

  it('opens a sweep worker on request, in the same one-per-core slots as trainers, and names a bad option', async () => {
    const { call, events, spawned } = setup();
    await expect(call('nnlab:open-run', { role: 'pool' })).rejects.toThrow('nnlab:open-run: argument [0].role: must be "trainer" or "sweep"');
    await expect(call('nnlab:open-run', { role: 'sweep', workers: 4 })).rejects.toThrow('nnlab:open-run: argument [0]: unknown field "workers"');
    await expect(call('nnlab:open-run', {})).rejects.toThrow(/^nnlab:open-run: argument \[0\]\.role: /);
    await expect(call('nnlab:open-run', { role: 'sweep' }, 2)).rejects.toThrow(/^nnlab:open-run: /);
    expect(spawned).toEqual([]);
    const sweep = (await call('nnlab:open-run', { role: 'sweep' })) as { runId: string };
    expect(sweep.runId).toMatch(/^sweep-/);
    // One core here: a trainer asked for now waits for the sweep worker's slot.
    const run = (await call('nnlab:open-run', { role: 'trainer' })) as { runId: string };
    expect(run.runId).toMatch(/^run-/);
    expect(spawned).toEqual([sweep.runId]);
    expect(events).toContainEqual({ runId: run.runId, kind: 'queued', position: 1 });
    await call('nnlab:close-run', sweep.runId);
    expect(spawned).toEqual([sweep.runId, run.runId]);
  });

  it('opens a file through the dialog, remembers it, and reopens only remembered files', async () => {
    const { call, dir, dialogAnswers, recentLists } = setup();
    const file = join(dir, 'mine.json');
    writeFileSync(file, JSON.stringify(xor(20)));
    await expect(call('nnlab:open-recent', file)).resolves.toEqual({ ok: false, message: 'mine.json is not a recent file' });
    dialogAnswers.push(file);
    await expect(call('nnlab:open-experiment')).resolves.toEqual({ ok: true, path: file, experiment: xor(20) });
    expect(recentLists.at(-1)).toEqual([file]);
    await expect(call('nnlab:open-recent', file)).resolves.toEqual({ ok: true, path: file, experiment: xor(20) });
    await expect(call('nnlab:open-experiment')).resolves.toEqual({ ok: false, canceled: true });
    writeFileSync(file, '{"version": 3}');
    await expect(call('nnlab:open-recent', file)).resolves.toMatchObject({ ok: false, message: expect.stringContaining('newer nnlab') });
  });

  it('saves an experiment where the user chose, and exports a run as CSV', async () => {
    const { call, dir, dialogAnswers } = setup();
    const target = join(dir, 'saved.json');
    dialogAnswers.push(target);
    await expect(call('nnlab:save-experiment-as', xor(30))).resolves.toEqual({ ok: true, path: target });
    expect(JSON.parse(readFileSync(target, 'utf8'))).toEqual(xor(30));

    const rec = new RunRecorder('run-x', xor(2));
    rec.apply({ type: 'progress', fromStep: 0, losses: Float64Array.of(0.5, 0.25), testLosses: [], step: 2, learningRate: 0.1, stepsPerSecond: 1 });
    rec.apply({ type: 'status', phase: 'completed', step: 2, totalSteps: 2, learningRate: 0.1, divergedAtStep: null });
    const csv = join(dir, 'run.csv');
    dialogAnswers.push(csv);
    await expect(call('nnlab:export-run', 'csv', { ...rec.toSavedRun(), losses: Float64Array.from(rec.losses) })).resolves.toEqual({ ok: true, path: csv });
    expect(readFileSync(csv, 'utf8')).toBe('step,loss,test_loss\n0,0.5,\n1,0.25,\n');
    await expect(call('nnlab:save-run', rec.toSavedRun())).resolves.toMatchObject({ ok: true, value: { id: 'run-x' } });
    await expect(call('nnlab:list-runs')).resolves.toMatchObject({ entries: [{ id: 'run-x', status: 'completed' }], notices: [] });
  });

  it('exports an explained step as a numpy script through the save dialog, and that script prints the trainer’s own step', async () => {
    const { call, dir, dialogAnswers, dialogsShown } = setup();
    const exp = xor(50, 0.5);
    const target = join(dir, 'step.py');
    dialogAnswers.push(target);
    await expect(call('nnlab:export-step', exp, { step: 6, sampleRow: 3 })).resolves.toEqual({ ok: true, path: target });
    expect(dialogsShown.at(-1)).toEqual({ title: 'Export step 7 as a numpy script', defaultName: 'xor-test-step-7.py', extension: 'py' });
    const parsed = parseExperiment(exp);
    if (!parsed.ok) throw new Error(parsed.message);
    const script = readFileSync(target, 'utf8');
    expect(script).toBe(exportNumpy(parsed.experiment, { explain: { step: 6, sampleRow: 3 } }));

    // What Last update shows for that step, from the core's own trainer.
    const trainer = new Trainer(parsed.experiment, { backend: referenceBackend });
    trainer.run(6);
    const mine = trainer.stepExplained(3)!;
    expect(mine.step).toBe(6);
    if (hasNumpy) {
      const out = spawnSync('python3', [target], { encoding: 'utf8' });
      expect(out.status, out.stderr).toBe(0);
      const np = JSON.parse(out.stdout.trim().split('\n').at(-1)!) as { step: number; lossBefore: number; lossAfter: number; sample: { row: number } };
      expect(np.step).toBe(6);
      expect(np.sample.row).toBe(mine.sample.row);
      // numpy sums in another order: equal to rounding (the project's 1e-8 relative parity bound).
      for (const [a, b] of [
        [mine.lossBefore, np.lossBefore],
        [mine.lossAfter, np.lossAfter],
      ] as const)
        expect(Math.abs(a - b) / Math.abs(b)).toBeLessThanOrEqual(1e-8);
    }

    // Cancelled: nothing written. Bad arguments are named; a row outside the training rows is told, no dialog.
    const shown = dialogsShown.length;
    await expect(call('nnlab:export-step', exp, { step: 0, sampleRow: 0 })).resolves.toEqual({ ok: false, canceled: true });
    expect(dialogsShown).toHaveLength(shown + 1);
    await expect(call('nnlab:export-step', exp, { step: -1, sampleRow: 0 })).rejects.toThrow('nnlab:export-step: argument [1].step: must be a non-negative integer');
    await expect(call('nnlab:export-step', exp, { step: 1, sampleRow: 0, path: '/etc/passwd' })).rejects.toThrow('nnlab:export-step: argument [1]: unknown field "path"');
    await expect(call('nnlab:export-step', { ...exp, learningRate: -1 }, { step: 1, sampleRow: 0 })).rejects.toThrow('nnlab:export-step: argument [0]: learningRate: must be a positive number');
    await expect(call('nnlab:export-step', exp, { step: 1, sampleRow: 64 })).resolves.toEqual({ ok: false, message: 'sampleRow: must be a training row (below 64), got 64' });
    expect(dialogsShown).toHaveLength(shown + 1);
  });
});
