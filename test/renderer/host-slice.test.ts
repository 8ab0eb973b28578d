/**
 * The host-channel slice alone: trainer messages fold into their run and are published at most every
 * PUBLISH_MS; a finished run is archived, a dead trainer fails a live run and is ignored after.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { presetById, Trainer } from '../../core';
import { draftFromExperiment, validateDraft } from '../../renderer/src/state/draft';
import { blankRun, clearForReset, type Run } from '../../renderer/src/state/run';
import { createHostSlice, PUBLISH_MS } from '../../renderer/src/state/slices/host';
import { fakeHost, progress, status } from './fake-host';
import { sliceStore } from './slice-harness';

const preset = presetById('seed-004-quadrants')!;
const v = validateDraft(draftFromExperiment(preset.experiment, preset.id));
const experiment = v.ok ? v.experiment : (null as never);
const settle = () => new Promise((r) => setTimeout(r, 0));

afterEach(() => vi.useRealTimers());

function hostStore() {
  const { host, runs: trainers } = fakeHost();
  const run: Run = blankRun(1, experiment, 'Run 1', 'xavier', null);
  const stopPacing = vi.fn();
  const archive = vi.fn();
  const closeLibrary = vi.fn();
  const store = sliceStore(createHostSlice(host), { runs: [run], activeRunId: run.id, stopPacing, archive, closeLibrary, advanceLockstep: vi.fn(), runsInFocus: () => [run] });
  run.channel = store.getState().openChannel(run);
  return { store, run, trainer: trainers[0]!, stopPacing, archive, closeLibrary };
}

describe('host slice', () => {
  it('keeps the last explained step and the latest network on the run, publishes them, and drops both on reset', () => {
    vi.useFakeTimers();
    const { store, run, trainer } = hostStore();
    const t = new Trainer(experiment);
    t.run(2);
    const explanation = t.stepExplained(3, { recordRows: 12 })!;
    trainer.emit({ type: 'network', step: 2, params: t.params(), activations: t.activationGrid(4) });
    trainer.emit({ type: 'explanation', explanation });
    expect(run.explanation).toBe(explanation);
    expect(run.network).toMatchObject({ step: 2, params: t.params() });
    const later = { type: 'network' as const, step: 3, params: t.params(), activations: null };
    trainer.emit(later);
    expect(run.network).toBe(later);
    vi.advanceTimersByTime(PUBLISH_MS);
    expect(store.getState().tick).toBe(1);
    clearForReset(run);
    expect(run.explanation).toBeNull();
    expect(run.network).toBeNull();
  });

  it('folds messages into the run at once and publishes them once per PUBLISH_MS', () => {
    vi.useFakeTimers();
    const { store, run, trainer } = hostStore();
    trainer.emit(status('running', 0));
    trainer.emit(progress(0, [4, 3]));
    trainer.emit(progress(2, [2]));
    expect(run.phase).toBe('running');
    expect(run.loss.points().map((p) => p.value)).toEqual([4, 3, 2]);
    expect(run.step).toBe(3);
    expect(run.lastLoss).toBe(2);
    expect(store.getState().tick).toBe(0);
    vi.advanceTimersByTime(PUBLISH_MS - 1);
    expect(store.getState().tick).toBe(0);
    vi.advanceTimersByTime(1);
    expect(store.getState().tick).toBe(1);
    // Nothing new, nothing published.
    vi.advanceTimersByTime(10 * PUBLISH_MS);
    store.getState().flush();
    expect(store.getState().tick).toBe(1);
  });

  it('a final status stops pacing for the active run and archives it', () => {
    const { run, trainer, stopPacing, archive } = hostStore();
    trainer.emit(status('paused', 3));
    expect(archive).not.toHaveBeenCalled();
    trainer.emit(status('diverged', 7, { divergedAtStep: 7 }));
    expect(run.phase).toBe('diverged');
    expect(run.divergedAtStep).toBe(7);
    expect(stopPacing).toHaveBeenCalledTimes(1);
    expect(archive).toHaveBeenCalledWith(run);
  });

  it('an error in reply to start fails the run with the fields named', () => {
    const { run, trainer } = hostStore();
    trainer.emit({ type: 'error', inReplyTo: 'start', message: 'bad', issues: [{ path: 'learningRate', message: 'must be > 0' }] } as never);
    expect(run.phase).toBe('failed');
    expect(run.error).toBe('learningRate: must be > 0');
  });

  it('a dead trainer fails a live run with its data kept and what it had in flight ignored', () => {
    const { run, trainer, archive } = hostStore();
    trainer.emit(status('running', 0));
    trainer.emit(progress(0, [5, 4]));
    trainer.fail('the trainer process crashed');
    expect(run.phase).toBe('failed');
    expect(run.failure).toBe('the trainer process crashed');
    expect(run.channel).toBeNull();
    expect(trainer.closed).toBe(true);
    expect(archive).toHaveBeenCalledWith(run);
    trainer.emit(progress(2, [3]));
    expect(run.loss.points().map((p) => p.value)).toEqual([5, 4]);
  });

  it('a finished run whose trainer goes away only loses its trainer', () => {
    const { run, trainer, archive } = hostStore();
    trainer.emit(status('completed', 500));
    archive.mockClear();
    trainer.fail('reclaimed');
    expect(run.phase).toBe('completed');
    expect(run.failure).toBeNull();
    expect(run.channel).toBeNull();
    expect(archive).not.toHaveBeenCalled();
  });

  it('a snapshot with a grid asks for the class of every training point', async () => {
    const { run, trainer } = hostStore();
    trainer.emit({ type: 'snapshot', step: 1, metrics: { step: 1 } as never, grid: { resolution: 2 } as never } as never);
    await settle();
    // The fake trainer answers [0.1, 0.2, 0.6, 0.1] for every point: class 2.
    expect(run.pointClasses?.length).toBeGreaterThan(0);
    expect(new Set(run.pointClasses)).toEqual(new Set([2]));
  });

  it('dispose closes every trainer, lets go of the library and publishes nothing after', () => {
    vi.useFakeTimers();
    const { store, trainer, closeLibrary, stopPacing } = hostStore();
    trainer.emit(progress(0, [1]));
    store.getState().dispose();
    vi.advanceTimersByTime(10 * PUBLISH_MS);
    expect(store.getState().tick).toBe(0);
    expect(trainer.closed).toBe(true);
    expect(closeLibrary).toHaveBeenCalled();
    expect(stopPacing).toHaveBeenCalled();
  });
});
