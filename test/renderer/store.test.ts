import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FromTrainer, ToTrainer } from '../../core/contract/protocol';
import { draftFromExperiment, experimentInputOf, fieldOf, numberOrText, validateDraft, withDataset } from '../../renderer/src/state/draft';
import { parseLabFile } from '../../renderer/src/state/lab-file';
import { createLabStore, MAX_RUNS, type LabStore } from '../../renderer/src/state/store';
import { experiment, presetById, PRESETS } from '../../core';
import { fakeHost, progress, status } from './fake-host';

let store: LabStore | null = null;
afterEach(() => {
  store?.getState().dispose();
  store = null;
  vi.useRealTimers();
});

describe('lab store', () => {
  it('starts from the quadrant preset with a valid experiment', () => {
    const { host } = fakeHost();
    store = createLabStore(host);
    const s = store.getState();
    expect(s.draft.presetId).toBe('seed-004-quadrants');
    expect(s.validation.ok).toBe(true);
    expect(s.draft.learningRate).toBe('0.00001');
    expect(s.draft.hidden).toEqual([{ units: '10', activation: 'linear' }]);
  });

  it('Train starts a running run; trainer messages fold into bounded series on publish', () => {
    const { host, runs } = fakeHost();
    store = createLabStore(host);
    store.getState().train();
    expect(runs).toHaveLength(1);
    expect(runs[0]!.sent.map((m) => m.type)).toEqual(['start']);
    const start = runs[0]!.sent[0] as Extract<ToTrainer, { type: 'start' }>;
    expect(start.paused).toBe(false);
    expect((start.experiment as { learningRate: number }).learningRate).toBe(1e-5);

    const tick = store.getState().tick;
    runs[0]!.emit(status('running', 0));
    runs[0]!.emit(progress(0, [40, 30, 20]));
    runs[0]!.emit(progress(3, [10, 5]));
    expect(store.getState().tick).toBe(tick); // not yet published
    store.getState().flush();
    const s = store.getState();
    expect(s.tick).toBe(tick + 1);
    const run = s.runs[0]!;
    expect(run.step).toBe(5);
    expect(run.lastLoss).toBe(5);
    expect(run.stepsPerSecond).toBe(1234);
    expect(run.loss.points().map((p) => p.value)).toEqual([40, 30, 20, 10, 5]);
    expect(s.visibleRunIds).toEqual([run.id]);
  });

  it('Pause, Step and Reset send the protocol commands; Reset clears the series', () => {
    const { host, runs } = fakeHost();
    store = createLabStore(host);
    const st = store.getState();
    st.step();
    expect(runs[0]!.sent.map((m) => m.type)).toEqual(['start', 'step']);
    expect((runs[0]!.sent[0] as { paused?: boolean }).paused).toBe(true);
    runs[0]!.emit(status('paused', 1));
    runs[0]!.emit(progress(0, [7]));
    st.train();
    runs[0]!.emit(status('running', 1));
    st.pause();
    expect(runs[0]!.sent.map((m) => m.type)).toEqual(['start', 'step', 'resume', 'pause']);
    st.reset();
    expect(runs[0]!.sent.at(-1)).toEqual({ type: 'reset' });
    expect(store.getState().runs[0]!.loss.length).toBe(0);
    expect(runs).toHaveLength(1); // same run, same trainer
  });

  it('a live learning-rate edit reaches the running trainer; an invalid one does not and disables training', () => {
    const { host, runs } = fakeHost();
    store = createLabStore(host);
    store.getState().train();
    runs[0]!.emit(status('running', 10));
    store.getState().setField('learningRate', '1e-4');
    expect(runs[0]!.sent.at(-1)).toEqual({ type: 'setLearningRate', learningRate: 1e-4 });
    store.getState().setField('learningRate', 'abc');
    const v = store.getState().validation;
    expect(v.ok).toBe(false);
    expect(v.fields.learningRate).toBe('must be a positive number');
    const before = runs[0]!.sent.length;
    store.getState().train();
    store.getState().compareInitSchemes();
    expect(runs[0]!.sent.length).toBe(before);
    expect(runs).toHaveLength(1);
  });

  it('changing the network and training again starts a new run', () => {
    const { host, runs } = fakeHost();
    store = createLabStore(host);
    store.getState().train();
    store.getState().setLayer(0, { units: '12' });
    store.getState().train();
    expect(runs).toHaveLength(2);
    expect(store.getState().activeRunId).toBe(store.getState().runs[1]!.id);
  });

  it('a second compare gets new labels, not the first one\'s', () => {
    const { host } = fakeHost();
    store = createLabStore(host);
    store.getState().compareInitSchemes();
    store.getState().compareInitSchemes();
    const labels = store.getState().runs.map((r) => r.label);
    expect(new Set(labels).size).toBe(6);
    expect(labels[3]).toBe('Compare 2 · Standard normal · lr 0.00001');
  });

  it('Compare init schemes starts three labelled runs on the same seed, shown together', () => {
    const { host, runs } = fakeHost();
    store = createLabStore(host);
    store.getState().compareInitSchemes();
    const s = store.getState();
    expect(s.runs.map((r) => r.label)).toEqual(['Compare 1 · Standard normal · lr 0.00001', 'Compare 1 · Xavier · lr 0.00001', 'Compare 1 · He · lr 0.00001']);
    expect(s.visibleRunIds).toHaveLength(3);
    const starts = runs.map((r) => r.sent[0] as Extract<ToTrainer, { type: 'start' }>);
    const exps = starts.map((m) => m.experiment as { seed: number; init: { weights: string } });
    expect(exps.map((e) => e.init.weights)).toEqual(['standard-normal', 'xavier', 'he']);
    expect(new Set(exps.map((e) => e.seed)).size).toBe(1);
    // Flat out, the group starts paused and goes in equal chunks (lockstep).
    expect(starts.every((m) => m.paused === true)).toBe(true);
    runs.forEach((r) => r.emit(status('paused', 0)));
    expect(runs.map((r) => r.sent.at(-1))).toEqual(runs.map(() => ({ type: 'step', count: 25 })));
    // Pause in lockstep lets the chunk end (equal steps) and sends no more.
    runs.forEach((r) => r.emit(status('running', 3)));
    s.pause();
    expect(runs.every((r) => r.sent.at(-1)?.type === 'step')).toBe(true);
    runs.forEach((r) => r.emit(status('paused', 25)));
    expect(runs.every((r) => r.sent.filter((m) => m.type === 'step').length === 1)).toBe(true);
    // Out of lockstep (resumed at a slow speed, say), Pause acts on the whole group at once.
    runs.forEach((r) => r.emit(status('running', 30)));
    s.pause();
    expect(runs.every((r) => r.sent.at(-1)?.type === 'pause')).toBe(true);
  });

  it('a diverged status is kept with its step, and snapshots with grids fetch point predictions', async () => {
    const { host, runs } = fakeHost();
    store = createLabStore(host);
    store.getState().train();
    runs[0]!.emit(status('diverged', 9, { divergedAtStep: 9, message: 'loss became non-finite at step 9' } as Partial<FromTrainer>));
    store.getState().flush();
    const run = store.getState().runs[0]!;
    expect(run.phase).toBe('diverged');
    expect(run.divergedAtStep).toBe(9);
    runs[0]!.emit({
      type: 'snapshot',
      step: 9,
      metrics: { step: 9, loss: 1, layers: [], accuracy: 0.5, testAccuracy: null, testLoss: null },
      grid: { xMin: -10, xMax: 10, yMin: -10, yMax: 10, resolution: 2, outputs: 4, values: new Float32Array(16), argmax: new Uint8Array(4) },
    });
    await new Promise((r) => setTimeout(r, 0));
    expect(run.pointClasses).toHaveLength(12); // the seed's 12 quadrant points
    expect([...run.pointClasses!].every((c) => c === 2)).toBe(true);
    expect(run.testPointOutputs).toHaveLength(4);
    expect(run.metrics.latest?.accuracy).toBe(0.5);
  });

  it(`keeps at most ${MAX_RUNS} runs and closes the trainers it drops`, () => {
    const { host, runs } = fakeHost();
    store = createLabStore(host);
    for (let i = 0; i < MAX_RUNS + 3; i++) {
      store.getState().setField('seed', String(i));
      store.getState().train();
    }
    expect(store.getState().runs).toHaveLength(MAX_RUNS);
    expect(runs.filter((r) => r.closed)).toHaveLength(3);
  });

  it('slow speeds are paced with single steps', () => {
    vi.useFakeTimers();
    const { host, runs } = fakeHost();
    store = createLabStore(host);
    store.getState().setView({ speed: 1 });
    store.getState().train();
    runs[0]!.emit(status('paused', 0));
    expect(store.getState().pacing).toBe(true);
    vi.advanceTimersByTime(3000);
    const steps = runs[0]!.sent.filter((m) => m.type === 'step');
    expect(steps).toHaveLength(3);
    expect(steps.every((m) => (m as { count: number }).count === 1)).toBe(true);
    expect(runs[0]!.sent.some((m) => m.type === 'resume')).toBe(false);
    store.getState().pause();
    vi.advanceTimersByTime(3000);
    expect(runs[0]!.sent.filter((m) => m.type === 'step')).toHaveLength(3);
  });

  it('saves and reopens the lab exactly; refuses a foreign file whole', () => {
    const { host } = fakeHost();
    store = createLabStore(host);
    const st = store.getState();
    st.choosePreset('circles');
    st.setField('learningRate', '3e-2');
    st.setView({ logScale: false, histLayer: 1 });
    const text = st.saveLab();
    const other = createLabStore(fakeHost().host);
    expect(other.getState().openLab(text)).toEqual({ ok: true });
    expect(other.getState().draft).toEqual(store.getState().draft);
    expect(other.getState().view).toEqual(store.getState().view);
    const bad = other.getState().openLab('{"format":"nnlab-lab","version":1,"draft":{"presetId":3}}');
    expect(bad.ok).toBe(false);
    expect(other.getState().notice).toMatch(/^Not an nnlab lab file: draft/);
    expect(other.getState().draft.learningRate).toBe('3e-2');
    other.getState().dispose();
  });
});

describe('draft ↔ experiment', () => {
  it('keeps typed text for non-numbers so the schema names the field', () => {
    expect(numberOrText(' 1e-6 ')).toBe(1e-6);
    expect(numberOrText('.5')).toBe(0.5);
    expect(numberOrText('abc')).toBe('abc');
    expect(numberOrText('1e-')).toBe('1e-');
  });

  it('every preset, format v2 ones included, validates through the draft with its optimiser kept', () => {
    for (const p of PRESETS) {
      const v = validateDraft(draftFromExperiment(p.experiment, p.id));
      expect(v.ok ? null : v.message, p.id).toBeNull();
      if (v.ok) expect(v.experiment.optimizer, p.id).toEqual(experiment(p.experiment).optimizer);
    }
    expect(PRESETS.some((p) => p.experiment.version === 2)).toBe(true);
  });

  it('routes core messages to the controls that caused them', () => {
    const d = draftFromExperiment(presetById('spiral')!.experiment, 'spiral');
    const bad = validateDraft({ ...d, hidden: [{ units: '0', activation: 'relu' }, { units: 'x', activation: 'relu' }], steps: '-1', batchSize: '1000' });
    expect(bad.ok).toBe(false);
    expect(bad.fields['layer-1-units']).toBe('must be a positive integer');
    expect(bad.fields['layer-2-units']).toBe('must be a positive integer');
    expect(bad.fields.steps).toBe('must be a non-negative integer');
    expect(fieldOf('layers[2].units', 2)).toBe('dataset');
    expect(fieldOf('data.samples', 2)).toBe('samples');
    expect(fieldOf('data.classes', 2)).toBe('dataset');
    expect(fieldOf('testFraction', 2)).toBe('testRatio');
    expect(fieldOf('optimizer.beta2', 2)).toBe('beta2');
    expect(fieldOf('batchSize', 2)).toBe('batchSize');
  });

  it('sizes the output layer from the data, and a dataset change keeps the network valid', () => {
    const d = draftFromExperiment(presetById('seed-004-quadrants')!.experiment, 'seed-004-quadrants');
    const spiral = withDataset(d, 'spiral');
    const input = experimentInputOf(spiral) as { layers: { units: number }[]; testPoints?: unknown };
    expect(input.layers.at(-1)!.units).toBe(3);
    expect(input.testPoints).toBeUndefined();
    expect(validateDraft(spiral).ok).toBe(true);
    const regression = withDataset(d, 'random-regression');
    expect((experimentInputOf(regression) as { layers: { units: number }[] }).layers.at(-1)!.units).toBe(10);
    expect(validateDraft(regression).ok).toBe(true);
  });

  it('refuses lab files that are not JSON or not ours', () => {
    expect(parseLabFile('nope')).toMatchObject({ ok: false, message: expect.stringMatching(/not valid JSON/) });
    expect(parseLabFile('{"format":"nnlab-lab","version":2}')).toMatchObject({ ok: false });
  });
});
