/**
 * What keeps the history cheap (core/history.ts, core/input-gram.ts): histograms on a sparser
 * sub-schedule, the input-Gram shortcut's first-layer scalars from Gram identities instead of
 * forming W and dW, and its weight/gradient histograms within a work budget.
 */
import { describe, expect, it } from 'vitest';
import {
  experiment,
  histogramSchedule,
  historySchedule,
  presetById,
  shortcutHistogramSteps,
  Trainer,
  type ExperimentInput,
  type ShortcutWork,
} from '../core';
import { histogram } from '../core/trainer';

describe('histogramSchedule', () => {
  it('is a subset of historySchedule with 0, 1, 2, 3 and the last step, ascending', () => {
    for (const total of [1, 2, 3, 4, 6, 11, 50, 100, 500, 1000, 20_000, 123_457, 1_000_000]) {
      const all = new Set(historySchedule(total));
      const hs = Array.from(histogramSchedule(total));
      for (const t of hs) expect(all.has(t), `${t} of ${total}`).toBe(true);
      for (const t of [0, 1, 2, 3]) if (t < total) expect(hs, `${total}`).toContain(t);
      expect(hs.at(-1)).toBe(total - 1);
      expect(hs).toEqual([...hs].sort((a, b) => a - b));
      expect(new Set(hs).size).toBe(hs.length);
      expect(hs.every(Number.isInteger)).toBe(true);
    }
    expect(histogramSchedule(0).length).toBe(0);
  });

  it('stays bounded (15–24 from 500 to a million steps, under 40 for a billion) and is a pure function of the step count', () => {
    expect([500, 1000, 20_000, 1_000_000].map((n) => histogramSchedule(n).length)).toEqual([15, 16, 19, 24]);
    expect(histogramSchedule(1_000_000_000).length).toBeLessThan(40);
    expect(Array.from(histogramSchedule(500))).toEqual([0, 1, 2, 3, 5, 10, 19, 42, 98, 100, 200, 237, 300, 400, 499]);
    expect(Array.from(histogramSchedule(777))).toEqual(Array.from(histogramSchedule(777)));
  });

  it('a run has histograms exactly on it and scalars on every scheduled step', () => {
    const input: ExperimentInput = { ...presetById('xor')!.experiment, steps: 300 };
    const t = new Trainer(experiment(input));
    t.run(300);
    const hs = new Set(histogramSchedule(300));
    const entries = t.historyEntries();
    expect(entries.map((e) => e.step)).toEqual(Array.from(historySchedule(300)));
    for (const e of entries) {
      for (const l of e.layers) {
        const want = hs.has(e.step);
        expect([l.weights, l.biases, l.activations, l.gradients].map((h) => h !== null), `step ${e.step}`).toEqual([want, want, want, want]);
        expect(Number.isFinite(l.weightStd) && Number.isFinite(l.gradNorm) && Number.isFinite(l.activationStd)).toBe(true);
      }
    }
  });
});

const seed004 = presetById('seed-004')!.experiment;
const seed004Work: ShortcutWork = { rows: 64, batch: 64, inputs: 1000, units: 100, otherWork: 3 * 64 * 100 * 10 };

describe('the shortcut layer: scalars from Gram identities', () => {
  /**
   * At several scheduled steps: the entry's first-layer weightStd, gradNorm and updateRatio against
   * np.std, the norm and lr·‖dW‖/‖W‖ of the W and dW the trainer forms on read (reading never moves
   * the run), to 1e-12 relative.
   */
  function check(input: ExperimentInput, steps: number[]) {
    const exp = experiment(input);
    const t = new Trainer(exp);
    expect(t.inputGramActive).toBe(true);
    let worst = 0;
    for (const step of steps) {
      t.run(step - t.step);
      const W = t.params()[0]!.weights.flat();
      t.run(1);
      const dW = t.gradients()[0]!.weights;
      const e = t.historyEntries().find((x) => x.step === step)!;
      expect(e, `entry ${step}`).toBeDefined();
      const mean = W.reduce((a, b) => a + b, 0) / W.length;
      const std = Math.sqrt(W.reduce((a, w) => a + (w - mean) ** 2, 0) / W.length);
      const norm = Math.sqrt(W.reduce((a, w) => a + w * w, 0));
      const gnorm = Math.sqrt(dW.reduce((a, g) => a + g * g, 0));
      const l = e.layers[0]!;
      for (const [got, want] of [
        [l.weightStd, std],
        [l.gradNorm, gnorm],
        [l.updateRatio, (exp.learningRate * gnorm) / norm],
      ] as const) {
        const rel = Math.abs(got - want) / Math.abs(want);
        worst = Math.max(worst, rel);
        expect(rel, `step ${step}: ${got} vs ${want}`).toBeLessThan(1e-12);
      }
    }
    return worst;
  }

  it('seed-004, full batch', () => {
    console.log('full batch: worst relative', check({ ...seed004, steps: 200 }, [1, 5, 13, 56, 199]).toExponential(2));
  });

  it('seed-004 in minibatches of 24', () => {
    console.log('minibatch: worst relative', check({ ...seed004, steps: 200, batchSize: 24 }, [1, 6, 21, 98, 199]).toExponential(2));
  });
});

describe('the shortcut layer: weight and gradient histograms within a budget', () => {
  it('seed-004: none at 500 steps; at 20,000, step 0, the last step and the earliest that fit (17 of 19)', () => {
    expect(Array.from(shortcutHistogramSteps(500, seed004Work))).toEqual([]);
    expect(Array.from(shortcutHistogramSteps(5000, seed004Work))).toEqual([0, 1, 2, 4999]);
    const long = Array.from(shortcutHistogramSteps(20_000, seed004Work));
    expect(long).toEqual([0, 1, 2, 3, 5, 10, 19, 42, 98, 237, 580, 1430, 3535, 4000, 8000, 8749, 19999]);
    const hs = new Set(histogramSchedule(20_000));
    expect(long.every((t) => hs.has(t))).toBe(true);
    // A run's worth of work buys more of them, never fewer.
    let before = 0;
    for (const steps of [100, 1000, 3000, 10_000, 50_000, 200_000]) {
      const n = shortcutHistogramSteps(steps, seed004Work).length;
      expect(n).toBeGreaterThanOrEqual(before);
      before = n;
    }
  });

  it('a run keeps exactly those, and they are the histograms of the formed W and dW', () => {
    const exp = experiment({ ...seed004, steps: 5000 });
    const t = new Trainer(exp);
    const reference = new Trainer(exp, { history: false });
    t.run(exp.steps);
    const kept = new Set(shortcutHistogramSteps(exp.steps, seed004Work));
    const hs = new Set(histogramSchedule(exp.steps));
    for (const e of t.historyEntries()) {
      const l = e.layers[0]!;
      expect(l.weights !== null, `weights at ${e.step}`).toBe(kept.has(e.step));
      expect(l.gradients !== null, `gradients at ${e.step}`).toBe(kept.has(e.step));
      expect(l.activations !== null, `activations at ${e.step}`).toBe(hs.has(e.step));
      expect(l.biases !== null).toBe(hs.has(e.step));
      if (!kept.has(e.step) || e.step > 2) continue;
      // W before step t's update, and step t's gradient, formed by the reference run.
      reference.run(e.step - reference.step);
      const W = Float64Array.from(reference.params()[0]!.weights.flat());
      reference.lossAndGradients();
      const dW = reference.gradients()[0]!.weights;
      for (const [h, v] of [[l.weights!, W], [l.gradients!, dW]] as const) {
        const want = histogram(v, 32);
        expect([h.min, h.max]).toEqual([want.min, want.max]);
        expect(h.counts).toEqual(want.counts);
      }
    }
  });
});
