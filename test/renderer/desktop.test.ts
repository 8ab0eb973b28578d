/**
 * The lab store against a desktop host: finished and failed runs go to the library with every loss,
 * File-menu commands reach the editor and the files, and the library's notices reach the user.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ExperimentInput } from '../../core';
import { SavedRunSchema } from '../../core/contract/run-file';
import { libraryRunId, openFailureText, saveResultNotice } from '../../renderer/src/state/library';
import { createLabStore, type LabStore } from '../../renderer/src/state/store';
import { fakeDesktop, fakeHost, progress, status, type FakeDesktop } from './fake-host';

/** The Electron-kind fake host around a fake desktop API. */
const desktopHost = (desktop: FakeDesktop) => fakeHost(desktop.api);
const settle = () => new Promise((r) => setTimeout(r, 0));

let store: LabStore | null = null;
afterEach(() => {
  store?.getState().dispose();
  store = null;
});

describe('desktop library', () => {
  it('a completed run is saved once with every loss, not the decimated series', async () => {
    const d = fakeDesktop();
    const { host, runs } = desktopHost(d);
    store = createLabStore(host);
    store.getState().train();
    const losses = Array.from({ length: 1000 }, (_, i) => 500 / (i + 1));
    runs[0]!.emit(status('running', 0));
    runs[0]!.emit(progress(0, losses.slice(0, 600)));
    runs[0]!.emit(progress(600, losses.slice(600)));
    runs[0]!.emit(status('completed', 1000));
    runs[0]!.emit(status('completed', 1000)); // a repeated final status does not save twice
    await settle();
    expect(d.saved).toHaveLength(1);
    const saved = d.saved[0]!;
    expect(saved.status).toBe('completed');
    expect(saved.steps).toBe(1000);
    expect(Array.from(saved.losses)).toEqual(losses);
    expect(saved.failure).toBeNull();
    expect(saved.name).toBe(store.getState().runs[0]!.label);
    expect(saved.id).toMatch(/^run-\d{17}-1-[0-9a-z]+$/);
    store.getState().flush();
    const run = store.getState().runs[0]!;
    expect(run.archived).toBe('saved');
    expect(run.loss.length).toBeLessThan(1000); // the chart's series is bounded; the record is not
    expect(store.getState().savedRuns?.map((e) => [e.id, e.status])).toEqual([[saved.id, 'completed']]);
  });

  it('a diverged run is saved as diverged with the step it blew up at', async () => {
    const d = fakeDesktop();
    const { host, runs } = desktopHost(d);
    store = createLabStore(host);
    store.getState().train();
    runs[0]!.emit(progress(0, [3, 9, 1e30]));
    runs[0]!.emit(status('diverged', 3, { divergedAtStep: 3, message: 'loss became non-finite at step 3' }));
    await settle();
    expect(d.saved.map((r) => [r.status, r.divergedAtStep, r.steps])).toEqual([['diverged', 3, 3]]);
  });

  it('a trainer that dies mid-run marks the run failed, keeps its data, saves it and ignores what was in flight', async () => {
    const d = fakeDesktop();
    const { host, runs } = desktopHost(d);
    store = createLabStore(host);
    store.getState().train();
    runs[0]!.emit(status('running', 0));
    runs[0]!.emit(progress(0, [40, 30, 20, 10]));
    runs[0]!.fail('the trainer process ended: killed (SIGKILL)');
    runs[0]!.emit(progress(4, [5, 4])); // arrived after the crash was told
    runs[0]!.emit(status('running', 6));
    await settle();
    store.getState().flush();
    const run = store.getState().runs[0]!;
    expect(run.phase).toBe('failed');
    expect(run.failure).toBe('the trainer process ended: killed (SIGKILL)');
    expect(run.step).toBe(4);
    expect(run.lastLoss).toBe(10);
    expect(run.loss.points().map((p) => p.value)).toEqual([40, 30, 20, 10]);
    expect(run.channel).toBeNull();
    expect(runs[0]!.closed).toBe(true);
    expect(d.saved).toHaveLength(1);
    expect(d.saved[0]).toMatchObject({ status: 'failed', failure: 'the trainer process ended: killed (SIGKILL)', steps: 4, losses: [40, 30, 20, 10] });
    // Reset keeps a failed run's data (it has no trainer); Train starts a fresh run on a fresh trainer.
    store.getState().reset();
    expect(store.getState().runs[0]!.loss.length).toBe(4);
    store.getState().train();
    expect(runs).toHaveLength(2);
  });

  it('a finished run whose trainer is reclaimed stays completed and is not saved twice', async () => {
    const d = fakeDesktop();
    const { host, runs } = desktopHost(d);
    store = createLabStore(host);
    store.getState().train();
    runs[0]!.emit(progress(0, [2, 1]));
    runs[0]!.emit(status('completed', 2));
    runs[0]!.fail('the trainer was closed (reclaimed)');
    await settle();
    expect(store.getState().runs[0]!.phase).toBe('completed');
    expect(store.getState().runs[0]!.failure).toBeNull();
    expect(d.saved).toHaveLength(1);
  });

  it('a run trained again after Reset is saved as a new run', async () => {
    const d = fakeDesktop();
    const { host, runs } = desktopHost(d);
    store = createLabStore(host);
    store.getState().setField('steps', '2');
    store.getState().train();
    runs[0]!.emit(progress(0, [2, 1]));
    runs[0]!.emit(status('completed', 2));
    store.getState().reset();
    runs[0]!.emit(status('paused', 0));
    runs[0]!.emit(progress(0, [7, 6]));
    runs[0]!.emit(status('completed', 2));
    await settle();
    expect(d.saved.map((r) => Array.from(r.losses))).toEqual([
      [2, 1],
      [7, 6],
    ]);
    expect(new Set(d.saved.map((r) => r.id)).size).toBe(2);
  });

  it('a refused save is told as a notice and shown on the run', async () => {
    const d = fakeDesktop();
    d.saveRunAnswer = { ok: false, message: 'disk full' };
    const { host, runs } = desktopHost(d);
    store = createLabStore(host);
    store.getState().train();
    runs[0]!.emit(status('completed', 0));
    await settle();
    expect(store.getState().runs[0]!.archived).toBe('not saved');
    expect(store.getState().notices.map((n) => [n.kind, n.text])).toEqual([['error', `Could not save ${store.getState().runs[0]!.label}: disk full`]]);
  });

  it('the library notices (files set aside) are shown on start-up', async () => {
    const d = fakeDesktop(['experiments/x.json was set aside: not valid JSON', 'runs/y.json was set aside: written by a newer nnlab']);
    store = createLabStore(desktopHost(d).host);
    await settle();
    expect(store.getState().notices.map((n) => n.text)).toEqual(['experiments/x.json was set aside: not valid JSON', 'runs/y.json was set aside: written by a newer nnlab']);
    const first = store.getState().notices[0]!;
    store.getState().dismissNotice(first.id);
    expect(store.getState().notices).toHaveLength(1);
  });

  it('a saved run loads into the runs panel beside the current one, for comparison', async () => {
    const d = fakeDesktop();
    const { host, runs } = desktopHost(d);
    store = createLabStore(host);
    store.getState().train();
    runs[0]!.emit(progress(0, [8, 4, 2]));
    runs[0]!.emit(status('completed', 3));
    await settle();
    const id = d.saved[0]!.id;
    store.getState().setField('seed', '7');
    store.getState().train();
    const activeBefore = store.getState().activeRunId;
    await store.getState().loadSavedRun(id);
    store.getState().flush();
    const s = store.getState();
    expect(s.runs).toHaveLength(3);
    const loaded = s.runs[2]!;
    expect(loaded.label).toBe(`Saved · ${d.saved[0]!.name}`);
    expect(loaded.phase).toBe('completed');
    expect(loaded.step).toBe(3);
    expect(loaded.lastLoss).toBe(2);
    expect(loaded.loss.points().map((p) => p.value)).toEqual([8, 4, 2]);
    expect(loaded.channel).toBeNull();
    expect(s.activeRunId).toBe(activeBefore);
    expect(s.visibleRunIds).toContain(loaded.id);
    expect(s.visibleRunIds).toContain(activeBefore);
    await store.getState().loadSavedRun('missing');
    expect(store.getState().notices.at(-1)?.text).toBe('Could not load the saved run: no run missing');
  });
});

describe('File menu', () => {
  it("'opened' loads the file's values into the editor; a refused file is a notice and changes nothing", async () => {
    const d = fakeDesktop();
    store = createLabStore(desktopHost(d).host);
    const input = {
      version: 1,
      name: 'from-disk',
      seed: 3,
      learningRate: 0.0025,
      steps: 123,
      data: { kind: 'xor' },
      layers: [
        { units: 6, activation: 'tanh' },
        { units: 1, activation: 'sigmoid' },
      ],
    };
    d.menu({ command: 'opened', result: { ok: true, path: '/home/u/from-disk.json', experiment: input as ExperimentInput } });
    await settle();
    const s = store.getState();
    expect(s.draft.learningRate).toBe('0.0025');
    expect(s.draft.steps).toBe('123');
    expect(s.draft.seed).toBe('3');
    expect(s.draft.presetId).toBe('');
    expect(s.draft.hidden).toEqual([{ units: '6', activation: 'tanh' }]);
    expect(s.validation.ok).toBe(true);
    expect(s.notices.at(-1)).toMatchObject({ kind: 'info', text: 'Opened /home/u/from-disk.json.' });

    d.menu({ command: 'opened', result: { ok: false, message: 'not an nnlab experiment: learningRate: must be a positive number' } });
    d.menu({ command: 'opened', result: { ok: false, canceled: true } });
    await settle();
    expect(store.getState().draft.learningRate).toBe('0.0025');
    expect(store.getState().notices.map((n) => n.kind)).toEqual(['info', 'error']);
    expect(store.getState().notices.at(-1)?.text).toBe('Could not open the experiment: not an nnlab experiment: learningRate: must be a positive number');
  });

  it("'new' brings back a fresh experiment", async () => {
    const d = fakeDesktop();
    store = createLabStore(desktopHost(d).host);
    store.getState().setField('learningRate', '0.5');
    d.menu({ command: 'new' });
    await settle();
    expect(store.getState().draft.presetId).toBe('seed-004-quadrants');
    expect(store.getState().draft.learningRate).toBe('0.00001');
  });

  it("'save-as' saves the editor's experiment as written; an invalid one is refused with the reason", async () => {
    const d = fakeDesktop();
    store = createLabStore(desktopHost(d).host);
    store.getState().setField('learningRate', '3e-3');
    d.menu({ command: 'save-as' });
    await settle();
    expect(d.savedAs).toHaveLength(1);
    expect(d.savedAs[0]!.learningRate).toBe(3e-3);
    expect(store.getState().notices.at(-1)).toMatchObject({ kind: 'info', text: 'Experiment saved to /home/u/exp.json' });
    store.getState().setField('learningRate', '-1');
    d.menu({ command: 'save-as' });
    await settle();
    expect(d.savedAs).toHaveLength(1);
    expect(store.getState().notices.at(-1)?.text).toMatch(/^Fix the experiment before saving it: .*learningRate/);
  });

  it("'export' exports the active run in the asked format, or says there is none", async () => {
    const d = fakeDesktop();
    const { host, runs } = desktopHost(d);
    store = createLabStore(host);
    d.menu({ command: 'export', format: 'csv' });
    await settle();
    expect(d.exported).toHaveLength(0);
    expect(store.getState().notices.at(-1)?.text).toBe('Nothing to export yet: train a run first.');
    store.getState().train();
    runs[0]!.emit(progress(0, [5, 3]));
    runs[0]!.emit(status('completed', 2));
    d.menu({ command: 'export', format: 'numpy' });
    await settle();
    expect(d.exported.map(([f, r]) => [f, r.status, Array.from(r.losses)])).toEqual([['numpy', 'completed', [5, 3]]]);
    expect(d.exported[0]![1].id).toBe(d.saved[0]!.id);
    expect(store.getState().notices.at(-1)?.text).toBe('Numpy script saved to /home/u/run.py');
  });

  it('the browser host has no library, but records the run for lab files and exports', () => {
    store = createLabStore(fakeHost().host);
    store.getState().train();
    expect(store.getState().savedRuns).toBeNull();
    expect(store.getState().runs[0]!.recorder).not.toBeNull();
    expect(store.getState().savedRunOf()?.losses).toEqual([]);
  });
});

describe('library wording', () => {
  it('ids are file-safe and distinct per run and salt', () => {
    const t = new Date('2026-03-04T05:06:07.089Z');
    expect(libraryRunId(t, 12, 0.5)).toBe(`run-20260304050607089-12-${Math.floor(0.5 * 36 ** 4).toString(36)}`);
    expect(libraryRunId(t, 12, 0.5)).not.toBe(libraryRunId(t, 12, 0.25));
    expect(SavedRunSchema.shape.id.safeParse(libraryRunId(t, 99999, 0.999999)).success).toBe(true);
  });
  it('a cancelled dialog says nothing; a refusal says why, with the fields', () => {
    expect(openFailureText({ ok: false, canceled: true })).toBeNull();
    expect(openFailureText({ ok: false, message: 'not an nnlab experiment', issues: [{ path: 'layers[0].units', message: 'must be a positive integer' }] })).toBe(
      'Could not open the experiment: not an nnlab experiment (layers[0].units: must be a positive integer)',
    );
    expect(saveResultNotice('Run CSV', { ok: false, canceled: true })).toBeNull();
    expect(saveResultNotice('Run CSV', { ok: false, message: 'EACCES' })).toEqual({ kind: 'error', text: 'Could not save run csv: EACCES' });
  });
});
