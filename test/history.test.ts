/**
 * The step-scheduled history: the schedule itself, and that recording or reading never changes a
 * run's numbers (the input-Gram shortcut forms W on read; that must not move later bits).
 */
import { describe, expect, it } from 'vitest';
import { experiment, historySchedule, isHistoryStep, presetById, Trainer, type ExperimentInput } from '../core';

describe('historySchedule', () => {
  it('records every step to 10, then a log-spaced and an even grid, and always the last step', () => {
    const s = Array.from(historySchedule(500));
    expect(s.slice(0, 14)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(s.at(-1)).toBe(499);
    for (let k = 0; k < 500; k += 10) expect(s).toContain(k);
    expect(new Set(s).size).toBe(s.length);
    expect(s).toEqual([...s].sort((a, b) => a - b));
    expect(Array.from(historySchedule(1))).toEqual([0]);
    expect(Array.from(historySchedule(3))).toEqual([0, 1, 2]);
    expect(historySchedule(0).length).toBe(0);
  });

  it('stays bounded: a million-step run records a few hundred entries at most', () => {
    expect(historySchedule(1_000_000).length).toBe(166);
    expect(historySchedule(1_000_000_000).length).toBeLessThan(300);
  });

  it('isHistoryStep agrees with the schedule', () => {
    for (const total of [1, 7, 11, 12, 99, 500, 12_345]) {
      const set = new Set(historySchedule(total));
      for (let t = -1; t <= total; t++) expect(isHistoryStep(t, total), `${t} of ${total}`).toBe(set.has(t));
    }
  });
});

const tanh2d: ExperimentInput = {
  version: 1,
  seed: 7,
  data: { kind: 'spiral', samples: 120, noise: 0.05, classes: 3 },
  layers: [
    { units: 16, activation: 'tanh' },
    { units: 16, activation: 'tanh' },
    { units: 3, activation: 'linear' },
  ],
  bias: true,
  init: { weights: 'xavier', biases: 'zeros' },
  loss: 'softmax-cross-entropy',
  learningRate: 0.3,
  steps: 300,
};
const minibatch: ExperimentInput = { ...tanh2d, batchSize: 32, layers: [{ units: 12, activation: 'relu' }, { units: 3, activation: 'sigmoid' }], loss: 'mse' };
const seed004: ExperimentInput = { ...presetById('seed-004')!.experiment, steps: 60 };
const seed004Batches: ExperimentInput = { ...seed004, batchSize: 24 };

/** A small deterministic generator for the "random" read times (Math.random would make failures unrepeatable). */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function train(input: ExperimentInput, opts: { history: boolean; readEvery?: number; seed?: number }) {
  const exp = experiment(input);
  const t = new Trainer(exp, { history: opts.history, recordLosses: true });
  const rand = lcg(opts.seed ?? 1);
  while (!t.finished) {
    t.run(1 + Math.floor(rand() * (opts.readEvery ?? exp.steps)));
    if (opts.readEvery) {
      // Everything a UI may read between slices, at arbitrary steps.
      t.metrics();
      t.predictGrid(8);
      t.params();
      if (rand() < 0.5) t.gradients();
      t.historyEntries(Math.floor(rand() * (t.history?.count ?? 0)));
    }
  }
  return { result: t.result(0), gram: t.inputGramActive };
}

describe('recording and reading never change a run', () => {
  for (const [name, input] of [
    ['seed-004 (input-Gram shortcut)', seed004],
    ['seed-004 on minibatches (input-Gram shortcut)', seed004Batches],
    ['2-D tanh', tanh2d],
    ['minibatch relu/sigmoid', minibatch],
  ] as const) {
    it(`${name}: the same losses, final parameters and history bits with or without history and reads`, () => {
      const plain = train(input, { history: false });
      const recorded = train(input, { history: true });
      const watched = train(input, { history: true, readEvery: 7, seed: 3 });
      const watchedOther = train(input, { history: true, readEvery: 3, seed: 9 });
      if (name.startsWith('seed-004')) expect(plain.gram).toBe(true);
      for (const run of [recorded, watched, watchedOther]) {
        expect(run.result.losses).toEqual(plain.result.losses);
        expect(run.result.params).toEqual(plain.result.params);
      }
      expect(plain.result.history).toEqual([]);
      expect(recorded.result.history.length).toBe(historySchedule(input.steps).length);
      expect(watched.result.history).toEqual(recorded.result.history);
      expect(watchedOther.result.history).toEqual(recorded.result.history);
      // Entries are what losses[t] describes.
      for (const e of recorded.result.history) expect(e.loss).toBe(recorded.result.losses[e.step]);
    });
  }

  it('reset replays the same history', () => {
    const t = new Trainer(experiment(tanh2d));
    t.run(150);
    const first = t.historyEntries();
    t.run(1000);
    t.reset();
    expect(t.history!.count).toBe(0);
    t.run(150);
    expect(t.historyEntries()).toEqual(first);
  });

  it('a layer without the activation gets null dead/saturated fractions; relu/tanh/sigmoid get numbers', () => {
    const t = new Trainer(experiment(minibatch));
    t.run(1);
    const [relu, sigmoid] = t.historyEntries()[0]!.layers;
    expect(relu!.deadFraction).toBeTypeOf('number');
    expect(relu!.saturatedFraction).toBeNull();
    expect(sigmoid!.deadFraction).toBeNull();
    expect(sigmoid!.saturatedFraction).toBeTypeOf('number');
    expect(relu!.weights!.counts.reduce((a, b) => a + b, 0)).toBe(2 * 12);
    expect(relu!.activations!.counts.reduce((a, b) => a + b, 0)).toBe(32 * 12);
  });
});
