/**
 * The step-scheduled history as the lab holds and shows it: folded into the run, cleared on reset, kept
 * through a lab file (∞ and NaN included), exported as CSV; compare groups in lockstep; the banded log
 * axis that draws 0 and ∞ instead of leaving gaps; the dead/saturated warning.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HISTORY_BINS, presetById, type HistoryEntry, type HistoryLayer } from '../../core';
import type { FromTrainer } from '../../core/contract/protocol';
import { runToCsv } from '../../core/contract/run-csv';
import { SavedRunSchema } from '../../core/contract/run-file';
import { RunRecorder } from '../../core/service/run-recorder';
import { bandedAxis, bandedY, classify, ema, OFF_SCALE_DECADES, OFF_SCALE_SPAN, sharedGradientAxis, sharedValueRange, stuckNet } from '../../renderer/src/state/history-data';
import { blankRun, clearForReset, foldTrainerMessage } from '../../renderer/src/state/run';
import { lockstepChunk, nextLockstep } from '../../renderer/src/state/slices/runs';
import { createLabStore, type LabStore } from '../../renderer/src/state/store';
import { fakeHost, progress, status } from './fake-host';

const preset = presetById('seed-004-quadrants')!;
let store: LabStore | null = null;
afterEach(() => {
  store?.getState().dispose();
  store = null;
});

const hist = (v: number) => ({ min: v, max: v, counts: [1, ...new Array<number>(HISTORY_BINS - 1).fill(0)], nonFinite: Number.isFinite(v) ? 0 : 1 });
function layer(gradNorm: number, extra: Partial<HistoryLayer> = {}): HistoryLayer {
  return {
    weightStd: 0.5,
    gradNorm,
    activationStd: 0.25,
    deadFraction: null,
    saturatedFraction: null,
    updateRatio: 1e-3,
    biasStd: 0,
    biasGradNorm: 0.1,
    weights: hist(0.5),
    biases: hist(0),
    activations: hist(0.25),
    gradients: hist(gradNorm),
    ...extra,
  };
}
const entry = (step: number, ...layers: HistoryLayer[]): HistoryEntry => ({ step, loss: 10 - step, layers });
const historyMsg = (from: number, entries: HistoryEntry[]): FromTrainer => ({ type: 'history', from, entries });

describe('the run record', () => {
  it('keeps the first `from` entries and appends; a reset clears the history and the rate marks', () => {
    const run = blankRun(1, preset.experiment as never, 'r', 'xavier', null);
    foldTrainerMessage(run, historyMsg(0, [entry(0, layer(1)), entry(1, layer(2))]));
    foldTrainerMessage(run, historyMsg(2, [entry(2, layer(3))]));
    expect(run.history.map((e) => e.step)).toEqual([0, 1, 2]);
    // A resend from 1 replaces what followed it.
    foldTrainerMessage(run, historyMsg(1, [entry(1, layer(9))]));
    expect(run.history.map((e) => e.layers[0]!.gradNorm)).toEqual([1, 9]);
    foldTrainerMessage(run, { ...progress(0, [1, 2]), learningRate: 0.5 } as FromTrainer);
    expect(run.learningRateChanges).toEqual([{ step: 0, learningRate: 0.5 }]);
    foldTrainerMessage(run, { ...progress(2, [1]), learningRate: 0.5 } as FromTrainer);
    expect(run.learningRateChanges).toHaveLength(1);
    clearForReset(run);
    expect(run.history).toEqual([]);
    expect(run.learningRateChanges).toEqual([]);
    foldTrainerMessage(run, historyMsg(0, [entry(0, layer(4))]));
    expect(run.history.map((e) => e.layers[0]!.gradNorm)).toEqual([4]);
  });
});

describe('the Distributions view\'s shared value axis', () => {
  const h = (min: number, max: number, nonFinite = 0) => ({ min, max, counts: [1, 1], nonFinite });
  it('covers the runs that stayed finite, reaching OFF_SCALE_SPAN half-spans around them, when one diverges', () => {
    const xavier = { hists: [h(-0.5, 0.5), h(-0.4, 0.6)], diverged: false };
    const he = { hists: [h(-0.8, 0.7)], diverged: false };
    const blown = { hists: [h(-1, 1), h(-1e30, 3e30, 4)], diverged: true };
    const { range, clipped } = sharedValueRange([xavier, he, blown]);
    // Steady runs span [−0.8, 0.7]: centre −0.05, half-span 0.75 · OFF_SCALE_SPAN.
    expect(range[0]).toBeCloseTo(-0.05 - 0.75 * OFF_SCALE_SPAN, 12);
    expect(range[1]).toBeCloseTo(-0.05 + 0.75 * OFF_SCALE_SPAN, 12);
    expect(clipped).toBe(true);
    // A diverging run that stays within reach is not clipped; with no steady run or no diverging one, everything.
    expect(sharedValueRange([xavier, { hists: [h(-1, 2)], diverged: true }])).toEqual({ range: [-1, 2], clipped: false });
    expect(sharedValueRange([blown])).toEqual({ range: [-1e30, 3e30], clipped: false });
    expect(sharedValueRange([xavier, he])).toEqual({ range: [-0.8, 0.7], clipped: false });
  });
});

describe('compare groups in lockstep', () => {
  const r = (phase: string, step: number, totalSteps = 300) => ({ phase, step, totalSteps }) as never;
  it('the next chunk waits for every live run to stop at the same step; ended runs drop out', () => {
    expect(lockstepChunk(300)).toBe(15);
    expect(lockstepChunk(2_000_000)).toBe(50_000);
    expect(lockstepChunk(5)).toBe(1);
    expect(nextLockstep([r('paused', 3), r('running', 1), r('paused', 3)], 3)).toBeNull();
    // A run still 'paused' at the last chunk's start has not begun the chunk yet.
    expect(nextLockstep([r('paused', 3), r('paused', 0), r('paused', 3)], 3)).toBeNull();
    expect(nextLockstep([r('paused', 0), r('paused', 0), r('paused', 0)], 3)).toBeNull();
    expect(nextLockstep([r('paused', 3), r('paused', 3), r('paused', 3)], 3)).toEqual({ count: 15, target: 18 });
    expect(nextLockstep([r('diverged', 1), r('paused', 6), r('paused', 6)], 6)).toEqual({ count: 15, target: 21 });
    expect(nextLockstep([r('paused', 299), r('paused', 299)], 299)).toEqual({ count: 1, target: 300 });
    expect(nextLockstep([r('completed', 300), r('diverged', 4)], 300)).toBeNull();
  });

  it('flat out, a group is stepped in equal chunks until it ends, and one diverged run does not stop the others', () => {
    const { host, runs } = fakeHost();
    store = createLabStore(host, 'init-xavier');
    store.getState().compareInitSchemes();
    const total = store.getState().runs[0]!.totalSteps;
    const chunk = lockstepChunk(total);
    const st = (phase: 'paused' | 'diverged' | 'completed', step: number, extra = {}) => ({ ...status(phase, step, extra), totalSteps: total }) as FromTrainer;
    runs.forEach((t) => t.emit(st('paused', 0)));
    for (const t of runs) expect(t.sent.filter((m) => m.type === 'step')).toEqual([{ type: 'step', count: chunk }]);
    // Xavier (the active run) diverges inside the chunk; the other two stop at the chunk's end and go on together.
    runs[1]!.emit(st('diverged', 2, { divergedAtStep: 2 }));
    runs[0]!.emit(st('paused', chunk));
    expect(runs[0]!.sent.filter((m) => m.type === 'step')).toHaveLength(1);
    runs[2]!.emit(st('paused', chunk));
    for (const t of [runs[0]!, runs[2]!]) expect(t.sent.filter((m) => m.type === 'step')).toHaveLength(2);
    expect(runs[1]!.sent.filter((m) => m.type === 'step')).toHaveLength(1);
    expect(store.getState().pacing).toBe(true);
    runs[0]!.emit(st('completed', total));
    runs[2]!.emit(st('completed', total));
    expect(store.getState().pacing).toBe(false);
  });
});

describe('runs that last', () => {
  it('a saved lab reopens with its runs, their history (∞ and NaN kept), labels, groups and the active run', () => {
    const { host, runs } = fakeHost();
    store = createLabStore(host);
    store.getState().compareInitSchemes();
    runs.forEach((t, i) => {
      t.emit(progress(0, [5, 4, 3]));
      t.emit(historyMsg(0, [entry(0, layer(1 + i)), entry(2, layer(i === 0 ? Infinity : 0.5), layer(NaN))]));
      t.emit(status('completed', 3));
    });
    const text = store.getState().saveLab();
    store.getState().dispose();

    store = createLabStore(fakeHost().host);
    expect(store.getState().openLab(text)).toEqual({ ok: true });
    const s = store.getState();
    expect(s.runs.map((r) => r.label)).toEqual(['Compare 1 · Standard normal · lr 0.00001', 'Compare 1 · Xavier · lr 0.00001', 'Compare 1 · He · lr 0.00001']);
    expect(new Set(s.runs.map((r) => r.group)).size).toBe(1);
    expect(s.runs.map((r) => r.scheme)).toEqual(['standard-normal', 'xavier', 'he']);
    expect(s.activeRun()?.scheme).toBe('xavier');
    expect(s.visibleRunIds).toHaveLength(3);
    expect(s.runs[0]!.history.map((e) => e.step)).toEqual([0, 2]);
    expect(s.runs[0]!.history[1]!.layers[0]!.gradNorm).toBe(Infinity);
    expect(s.runs[0]!.history[1]!.layers[1]!.gradNorm).toBeNaN();
    expect(s.runs[1]!.history[0]!.layers[0]!.gradNorm).toBe(2);
    expect(s.runs[2]!.loss.points().map((p) => p.value)).toEqual([5, 4, 3]);
    // A new compare after reopening does not reuse the reopened group's labels.
    s.compareInitSchemes();
    expect(new Set(store.getState().runs.map((r) => r.label)).size).toBe(6);
  });

  it('entries without histograms (off the histogram schedule) survive a lab file, the run file and CSV as null', () => {
    const bare = (g: number) => layer(g, { weights: null, biases: null, activations: null, gradients: null });
    const { host, runs } = fakeHost();
    store = createLabStore(host);
    store.getState().train();
    runs[0]!.emit(progress(0, [5, 4, 3]));
    runs[0]!.emit(historyMsg(0, [entry(0, layer(1), layer(2)), entry(1, bare(3), layer(4, { weights: null, gradients: null }))]));
    runs[0]!.emit(status('completed', 3));
    const text = store.getState().saveLab();
    store.getState().dispose();
    store = createLabStore(fakeHost().host);
    expect(store.getState().openLab(text)).toEqual({ ok: true });
    const h = store.getState().runs[0]!.history;
    expect(h[0]!.layers[0]!.weights).toEqual(hist(0.5));
    expect(h[1]!.layers[0]).toMatchObject({ gradNorm: 3, weights: null, biases: null, activations: null, gradients: null });
    expect(h[1]!.layers[1]).toMatchObject({ gradNorm: 4, weights: null, gradients: null, activations: hist(0.25) });

    const rec = new RunRecorder('run-1', preset.experiment, 'r');
    rec.apply(progress(0, [5, 4, 3]));
    rec.apply(historyMsg(0, [entry(0, layer(1)), entry(1, bare(3))]));
    rec.apply(status('completed', 3));
    const saved = SavedRunSchema.parse(JSON.parse(JSON.stringify(rec.toSavedRun())));
    expect(saved.history![1]!.layers[0]).toMatchObject({ weights: null, biases: null, activations: null, gradients: null });
    expect(runToCsv(saved).trimEnd().split('\n')[2]).toBe('1,4,,0.5,3,0.25,,,0.001,0,0.1');
  });

  it('a version-1 lab file (no runs) still opens', () => {
    store = createLabStore(fakeHost().host);
    const v1 = JSON.parse(store.getState().saveLab()) as Record<string, unknown>;
    delete v1.runs;
    v1.version = 1;
    expect(store.getState().openLab(JSON.stringify(v1))).toEqual({ ok: true });
    expect(store.getState().runs).toEqual([]);
  });

  it('a run exports as CSV: losses by step, per-layer history metrics on the recorded steps', () => {
    const rec = new RunRecorder('run-1', preset.experiment, 'r');
    rec.apply(progress(0, [5, 4, 3]));
    rec.apply(historyMsg(0, [entry(0, layer(1, { deadFraction: 0.25 }), layer(2)), entry(2, layer(Infinity), layer(NaN))]));
    rec.apply(status('completed', 3));
    const saved = SavedRunSchema.parse(rec.toSavedRun());
    const lines = runToCsv(saved).trimEnd().split('\n');
    expect(lines[0]).toBe(
      'step,loss,test_loss,' +
        [1, 2].flatMap((l) => ['weightStd', 'gradNorm', 'activationStd', 'deadFraction', 'saturatedFraction', 'updateRatio', 'biasStd', 'biasGradNorm'].map((m) => `layer${l}_${m}`)).join(','),
    );
    expect(lines).toHaveLength(4);
    expect(lines[1]).toBe('0,5,,0.5,1,0.25,0.25,,0.001,0,0.1,0.5,2,0.25,,,0.001,0,0.1');
    expect(lines[2]).toBe(`1,4,${',,,,,,,,'.repeat(2)}`);
    expect(lines[3]!.split(',').slice(0, 5)).toEqual(['2', '3', '', '0.5', 'Infinity']);
    expect(lines[3]!.split(',')[12]).toBe('NaN');
  });

  it('the saved run keeps the history and live learning-rate changes', () => {
    const rec = new RunRecorder('run-1', preset.experiment, 'r');
    rec.apply(progress(0, [5, 4]));
    rec.apply({ ...progress(2, [3]), learningRate: 0.1 } as FromTrainer);
    rec.apply(historyMsg(0, [entry(0, layer(1))]));
    const saved = rec.toSavedRun();
    expect(saved.history).toHaveLength(1);
    expect(saved.learningRateChanges).toEqual([{ step: 2, learningRate: 0.1 }]);
    expect(SavedRunSchema.safeParse(saved).success).toBe(true);
  });
});

describe('what the views draw', () => {
  it('0 lands in the floor band and ∞/NaN in the overflow band, never a gap', () => {
    const axis = bandedAxis([0.003, 40, 0, Infinity, NaN]);
    expect(axis.lo).toBe(0.001);
    expect(axis.hi).toBe(100);
    expect(classify(0)).toBe('zero');
    expect(classify(-0)).toBe('zero');
    expect(classify(Infinity)).toBe('overflow');
    expect(classify(NaN)).toBe('overflow');
    expect(classify(1e-300)).toBe('value');
    const z = bandedY(0, axis);
    const o = bandedY(NaN, axis);
    expect(z).toBeGreaterThan(axis.floorBand[0]);
    expect(z).toBeLessThan(axis.floorBand[1]);
    expect(o).toBeGreaterThan(axis.overflowBand[0]);
    expect(o).toBeLessThan(axis.overflowBand[1]);
    expect(axis.floorBand[1]).toBeLessThan(axis.lo);
    expect(axis.overflowBand[0]).toBeGreaterThan(axis.hi);
    expect(bandedY(0.5, axis)).toBe(0.5);
  });

  it('a diverging run does not squash the shared gradient axis: its huge norms go off scale, into the top band', () => {
    const steady = { values: [0.02, 0.5, 3, 7], diverged: false };
    const exploding = { values: [0.9, 40, 5e3, 2e4, 1e60, 1e150], diverged: true };
    const axis = sharedGradientAxis([steady, exploding]);
    // The steady run's decades [0.01, 10], reaching OFF_SCALE_DECADES above them for the diverging run.
    expect(OFF_SCALE_DECADES).toBe(3);
    expect(axis.lo).toBe(0.01);
    expect(axis.hi).toBe(1e4);
    expect(axis.offScale).toBe(true);
    for (const v of [2e4, 1e60, 1e150, Infinity, NaN]) {
      expect(bandedY(v, axis), String(v)).toBeGreaterThan(axis.overflowBand[0]);
      expect(bandedY(v, axis), String(v)).toBeLessThan(axis.overflowBand[1]);
    }
    expect(bandedY(5e3, axis)).toBe(5e3);
    expect(bandedY(0.5, axis)).toBe(0.5);
    // An ∞ norm marks a run as diverging even before its status says so.
    expect(sharedGradientAxis([steady, { values: [1, 1e200, Infinity], diverged: false }]).hi).toBe(10);
    // With no steady run, or no diverging one, nothing is cut: the axis covers every finite value.
    for (const runs of [[exploding], [steady, { ...steady, values: [1e8] }], [exploding, { ...exploding, values: [1e-3] }]]) {
      const all = sharedGradientAxis(runs);
      expect(all).toEqual(bandedAxis(runs.flatMap((r) => r.values)));
      expect(all.offScale).toBe(false);
    }
  });

  it('EMA smoothing is debiased and skips non-finite values', () => {
    expect(ema([4, 4, 4], 0.9)).toEqual([4, 4, 4].map(() => expect.closeTo(4, 12)));
    expect(ema([1, 2, 3], 0)).toEqual([1, 2, 3]);
    const s = ema([2, Infinity, 2], 0.5);
    expect(s[1]).toBe(Infinity);
    expect(s[2]).toBeCloseTo(2, 12);
  });

  it('a hidden relu layer all dead, or tanh mostly saturated, is a stuck net; the output layer is not', () => {
    expect(stuckNet([entry(5, layer(1, { deadFraction: 1 }), layer(0))])).toEqual({ kind: 'dead', layer: 0, step: 5 });
    expect(stuckNet([entry(5, layer(1, { deadFraction: 0.99 }), layer(0, { deadFraction: 1 }))])).toBeNull();
    expect(stuckNet([entry(5, layer(1, { saturatedFraction: 0.95 }), layer(1))])).toEqual({ kind: 'saturated', layer: 0, step: 5, fraction: 0.95 });
    expect(stuckNet([entry(5, layer(1, { saturatedFraction: 0.5 }), layer(1))])).toBeNull();
    expect(stuckNet([])).toBeNull();
  });
});
