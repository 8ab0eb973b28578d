/**
 * The library-and-files slice alone: notices, lab files, the File menu, and the desktop library (archive,
 * listing, loading a saved run). The rest of the lab is stubbed; the desktop API is an in-memory fake.
 */
import { describe, expect, it, vi } from 'vitest';
import { exportNumpy, presetById, referenceBackend, Trainer } from '../../core';
import type { SavedRun } from '../../core/contract/api';
import { RunRecorder } from '../../core/service/run-recorder';
import { draftFromExperiment, validateDraft } from '../../renderer/src/state/draft';
import { MAX_NOTICES } from '../../renderer/src/state/library';
import { blankRun, type Run } from '../../renderer/src/state/run';
import { createLibrarySlice } from '../../renderer/src/state/slices/library';
import type { LabState } from '../../renderer/src/state/store';
import { DEFAULT_VIEW } from '../../renderer/src/state/view';
import { fakeDesktop, status } from './fake-host';
import { sliceStore } from './slice-harness';

const preset = presetById('seed-004-quadrants')!;
const draft = draftFromExperiment(preset.experiment, preset.id);
const valid = validateDraft(draft);
const experiment = valid.ok ? valid.experiment : (null as never);
const settle = () => new Promise((r) => setTimeout(r, 0));

function libraryStore(desktop: ReturnType<typeof fakeDesktop> | null, runs: Run[] = []) {
  const stubs = {
    draft,
    validation: valid,
    view: { ...DEFAULT_VIEW },
    runs,
    activeRunId: runs[0]?.id ?? null,
    replaceDraft: vi.fn((d) => store.setState({ draft: d, validation: validateDraft(d) })),
    choosePreset: vi.fn(),
    resetExperimentView: vi.fn(),
    admitSavedRun: vi.fn(),
    publishSoon: vi.fn(),
  };
  const store = sliceStore(createLibrarySlice(desktop?.api ?? null), stubs as Partial<LabState>);
  store.getState().openLibrary();
  return { store, ...stubs };
}

/** A finished desktop run with its recorder, as the runs slice would make it. */
function finishedRun(s: ReturnType<typeof libraryStore>['store']): Run {
  const run = blankRun(1, experiment, 'Run 1', 'xavier', null);
  run.recorder = s.getState().recorderFor(run);
  run.recorder!.apply(status('completed', 0));
  run.phase = 'completed';
  return run;
}

describe('library slice', () => {
  it('keeps the newest notices only, and dismisses one by id', () => {
    const { store } = libraryStore(null);
    for (let i = 0; i < MAX_NOTICES + 2; i++) store.getState().notify('info', `n${i}`);
    const notices = store.getState().notices;
    expect(notices.map((n) => n.text)).toEqual(Array.from({ length: MAX_NOTICES }, (_, i) => `n${i + 2}`));
    store.getState().dismissNotice(notices[0]!.id);
    expect(store.getState().notices.map((n) => n.text)).not.toContain('n2');
    expect(store.getState().notices).toHaveLength(MAX_NOTICES - 1);
  });

  it('a saved lab reopens to the same draft and view; a foreign file is refused whole', () => {
    const { store, replaceDraft } = libraryStore(null);
    store.setState({ view: { ...DEFAULT_VIEW, logScale: false, speed: 10 } });
    const text = store.getState().saveLab();
    store.setState({ view: { ...DEFAULT_VIEW } });
    expect(store.getState().openLab('{"format":"other"}').ok).toBe(false);
    expect(store.getState().notice).toMatch(/^Not an nnlab lab file/);
    expect(replaceDraft).not.toHaveBeenCalled();
    expect(store.getState().openLab(text)).toEqual({ ok: true });
    expect(replaceDraft).toHaveBeenCalledWith(draft);
    expect(store.getState().view).toEqual({ ...DEFAULT_VIEW, logScale: false, speed: 10 });
    expect(store.getState().notice).toBe('Lab opened.');
  });

  it('an opened experiment goes into the editor as written and says whether it validates', () => {
    const { store, resetExperimentView } = libraryStore(null);
    store.getState().loadExperiment(preset.experiment, 'a.json');
    expect(store.getState().draft.presetId).toBe(preset.id);
    expect(resetExperimentView).toHaveBeenCalled();
    expect(store.getState().notices.at(-1)).toMatchObject({ kind: 'info', text: 'Opened a.json.' });
    store.getState().loadExperiment({ ...preset.experiment, learningRate: -1 }, 'b.json');
    expect(store.getState().draft.presetId).toBe('');
    expect(store.getState().notices.at(-1)?.kind).toBe('error');
    expect(store.getState().notices.at(-1)?.text).toMatch(/^Opened b\.json, but it does not validate: /);
  });

  it('in the browser there is no library: nothing listed or exported through it (runs are still recorded)', async () => {
    const { store } = libraryStore(null);
    expect(store.getState().savedRuns).toBeNull();
    expect(store.getState().recorderFor(blankRun(1, experiment, 'r', null, null))).not.toBeNull();
    await store.getState().exportRun('csv');
    await store.getState().loadSavedRun('x');
    expect(store.getState().notices).toEqual([]);
  });

  it('"Export this step as numpy" goes through main on the desktop and is a download in the browser, at the rate the step used', async () => {
    const trainer = new Trainer(experiment, { backend: referenceBackend });
    trainer.run(4);
    const run = blankRun(1, experiment, 'Run 1', 'xavier', null);
    // A live learning-rate change: the explained step used 0.002, not the experiment's rate.
    run.explanation = { ...trainer.stepExplained(2)!, learningRate: 0.002 };
    const explained = { ...experiment, learningRate: 0.002 };

    const d = fakeDesktop();
    const desk = libraryStore(d, [run]).store;
    await expect(desk.getState().exportStep(2)).resolves.toBeNull();
    expect(d.exportedSteps).toEqual([[explained, { step: 4, sampleRow: 2 }]]);
    expect(desk.getState().notices.at(-1)).toMatchObject({ kind: 'info', text: 'Step 5 numpy script saved to /home/u/step-5.py' });

    const web = libraryStore(null, [run]).store;
    await expect(web.getState().exportStep(2)).resolves.toEqual({
      name: `${experiment.name}-step-5.py`,
      text: exportNumpy(explained, { explain: { step: 4, sampleRow: 2 } }),
      type: 'text/x-python',
    });
    // Nothing explained yet: nothing to export.
    run.explanation = null;
    await expect(web.getState().exportStep(2)).resolves.toBeNull();
    await expect(desk.getState().exportStep(2)).resolves.toBeNull();
    expect(d.exportedSteps).toHaveLength(1);
  });

  it('the Runs panel’s CSV/JSON export goes through main on the desktop (any run, not just the active one) and is a download in the browser', async () => {
    const d = fakeDesktop();
    const desk = libraryStore(d);
    const first = finishedRun(desk.store);
    const second = blankRun(2, experiment, 'Run 2', 'he', null);
    second.recorder = desk.store.getState().recorderFor(second);
    second.recorder!.apply(status('completed', 0));
    desk.store.setState({ runs: [first, second], activeRunId: first.id });
    await expect(desk.store.getState().runFile(2, 'json')).resolves.toBeNull();
    expect(d.exported).toEqual([['json', desk.store.getState().savedRunOf(2)]]);
    expect(d.exported[0]![1].name).toBe('Run 2');
    expect(desk.store.getState().notices.at(-1)).toMatchObject({ kind: 'info', text: 'Run JSON saved to /home/u/run.json' });

    const web = libraryStore(null);
    const run = finishedRun(web.store);
    web.store.setState({ runs: [run], activeRunId: run.id });
    await expect(web.store.getState().runFile(run.id, 'csv')).resolves.toEqual(web.store.getState().runExportFile(run.id, 'csv'));
    expect(web.store.getState().runExportFile(run.id, 'csv')?.name).toMatch(/\.csv$/);
  });

  it('a finished run is saved once and listed newest first', async () => {
    const d = fakeDesktop();
    const { store, publishSoon } = libraryStore(d);
    await settle();
    const run = finishedRun(store);
    store.getState().archive(run);
    expect(run.archived).toBe('saving');
    store.getState().archive(run);
    await settle();
    expect(d.saved).toHaveLength(1);
    expect(run.archived).toBe('saved');
    expect(store.getState().savedRuns?.map((e) => e.id)).toEqual([run.recorder!.toSavedRun().id]);
    expect(publishSoon).toHaveBeenCalled();
  });

  it('a refused save is told, and the run says it is not saved', async () => {
    const d = fakeDesktop();
    d.saveRunAnswer = { ok: false, message: 'disk full' };
    const { store } = libraryStore(d);
    const run = finishedRun(store);
    store.getState().archive(run);
    await settle();
    expect(run.archived).toBe('not saved');
    expect(store.getState().notices.at(-1)).toMatchObject({ kind: 'error', text: 'Could not save Run 1: disk full' });
  });

  it('the File menu reaches the editor and the files; a refused open is a notice', async () => {
    const d = fakeDesktop();
    const run = blankRun(1, experiment, 'Run 1', 'xavier', null);
    run.recorder = new RunRecorder('run-x', experiment, 'Run 1');
    const { store, choosePreset } = libraryStore(d, [run]);
    d.menu({ command: 'new' });
    expect(choosePreset).toHaveBeenCalledWith('seed-004-quadrants');
    d.menu({ command: 'opened', result: { ok: false, canceled: false, message: 'not JSON' } } as never);
    d.menu({ command: 'export', format: 'json' });
    d.menu({ command: 'save-as' });
    await settle();
    expect(store.getState().notices.map((n) => n.text)).toContain('Could not open the experiment: not JSON');
    expect(d.exported.map(([f, r]) => [f, r.id])).toEqual([['json', 'run-x']]);
    expect(d.savedAs).toHaveLength(1);
    store.getState().closeLibrary();
    d.menu({ command: 'save-as' });
    await settle();
    expect(d.savedAs).toHaveLength(1);
  });

  it('a saved run is validated before it joins the runs; a listing keeps a run saved meanwhile', async () => {
    const d = fakeDesktop(['set aside: bad.json']);
    const good = { ...new RunRecorder('run-a', experiment, 'A').toSavedRun(), endedAt: '2026-01-01T00:00:00.000Z' } as SavedRun;
    d.library.set('run-a', good);
    d.library.set('run-bad', { ...good, id: 'run-bad', experiment: { version: 1 } } as unknown as SavedRun);
    const { store, admitSavedRun } = libraryStore(d);
    await settle();
    expect(store.getState().notices.map((n) => n.text)).toContain('set aside: bad.json');
    expect(store.getState().savedRuns?.map((e) => e.id).sort()).toEqual(['run-a', 'run-bad']);
    await store.getState().loadSavedRun('run-bad');
    expect(admitSavedRun).not.toHaveBeenCalled();
    expect(store.getState().notices.at(-1)?.text).toMatch(/^The saved run's experiment does not validate: /);
    await store.getState().loadSavedRun('run-a');
    expect(admitSavedRun).toHaveBeenCalledWith(good, expect.objectContaining({ seed: experiment.seed }));
    // A run saved while a listing was on its way stays listed.
    store.setState({ savedRuns: [{ id: 'run-new', name: 'N', savedAt: '2027-01-01T00:00:00.000Z', status: 'completed' }, ...(store.getState().savedRuns ?? [])] });
    await store.getState().refreshLibrary();
    expect(store.getState().savedRuns?.map((e) => e.id)[0]).toBe('run-new');
  });
});
