/** What the UI charts, checked against direct computation from the parameters and predictions. */
import { describe, expect, it } from 'vitest';
import { experiment, presetById, Trainer } from '../core';
import { histogram } from '../core/trainer';

describe('metrics and predictions', () => {
  it('histograms count every finite value into equal-width bins, with mean and std', () => {
    const h = histogram(new Float64Array([0, 1, 2, 3, 4, NaN, Infinity]), 4);
    expect(h).toEqual({ min: 0, max: 4, counts: [1, 1, 1, 2], mean: 2, std: Math.sqrt(2) });
    expect(histogram(new Float64Array([5, 5]), 3)).toEqual({ min: 5, max: 5, counts: [2, 0, 0], mean: 5, std: 0 });
    expect(histogram(new Float64Array([NaN]), 2).counts).toEqual([0, 0]);
  });

  it('standard-normal weights look standard normal, Xavier weights are narrower by its scale', () => {
    const sn = new Trainer(experiment(presetById('init-standard-normal')!.experiment)).metrics(20);
    const xa = new Trainer(experiment(presetById('init-xavier')!.experiment)).metrics(20);
    const w1 = sn.layers[1]!.weights;
    expect(w1.counts.reduce((a, b) => a + b, 0)).toBe(64 * 64);
    expect(w1.mean).toBeCloseTo(0, 1);
    expect(w1.std).toBeGreaterThan(0.95);
    expect(w1.std).toBeLessThan(1.05);
    expect(xa.layers[1]!.weights.std / w1.std).toBeCloseTo(Math.sqrt(2 / 128), 1);
  });

  it('gradient norms, dead units and accuracy follow the last step', () => {
    const t = new Trainer(experiment(presetById('seed-002-style')!.experiment));
    const before = t.metrics();
    expect(before.layers[0]!.weightGradNorm).toBe(0);
    expect(before.accuracy).toBeGreaterThanOrEqual(0);
    t.run(400);
    const m = t.metrics();
    const g = t.gradients();
    const norm = (v: Float64Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    expect(m.layers[0]!.weightGradNorm).toBeCloseTo(norm(g[0]!.weights), 12);
    expect(m.layers[2]!.biasGradNorm).toBeCloseTo(norm(g[2]!.biases!), 12);
    // Accuracy recomputed from predictions of the training rows.
    const { x, labels } = t.data;
    const rows = t.shape.trainRows;
    const points = Array.from({ length: rows }, (_, i) => [x[2 * i]!, x[2 * i + 1]!]);
    const predicted = t.predict(points).map((p) => p.indexOf(Math.max(...p)));
    const correct = predicted.filter((c, i) => c === labels![i]).length;
    expect(m.accuracy).toBe(correct / rows);
    expect(m.accuracy).toBeGreaterThan(0.9);
    expect(m.testAccuracy).not.toBeNull();
    expect(m.layers[0]!.deadFraction).toBeGreaterThanOrEqual(0);
    expect(m.layers[2]!.deadFraction).toBeNull(); // linear output
  });

  it('counts a relu unit dead when it outputs 0 for every row', () => {
    // Hidden unit 1 has weights and bias that make it negative everywhere; unit 0 stays alive.
    const t = new Trainer(
      experiment({
        version: 1,
        seed: 0,
        data: { kind: 'inline', x: [[1], [2], [3]], y: [[1], [2], [3]] },
        layers: [
          { units: 2, activation: 'relu' },
          { units: 1, activation: 'linear' },
        ],
        bias: true,
        init: { weights: [[[1, -1]], [[1], [1]]], biases: [[0, -0.5], [0]] },
        loss: 'mse',
        learningRate: 0.01,
        steps: 1,
      }),
    );
    t.run(1);
    expect(t.metrics().layers[0]!.deadFraction).toBe(0.5);
    expect(t.metrics().layers[0]!.meanAbsActivation).toBeCloseTo((1 + 2 + 3) / 6, 12);
  });

  it('the prediction grid is the network evaluated at each cell centre, rows from the top', () => {
    const exp = experiment(presetById('seed-004-quadrants')!.experiment);
    const t = new Trainer(exp);
    t.run(exp.steps);
    const bounds = { xMin: -12, xMax: 12, yMin: -12, yMax: 12 };
    const grid = t.predictGrid(8, bounds)!;
    expect(grid.values).toHaveLength(8 * 8 * 4);
    const cell = (i: number, j: number) => [-12 + (j + 0.5) * 3, 12 - (i + 0.5) * 3];
    for (const [i, j] of [[0, 0], [0, 7], [7, 0], [7, 7], [3, 5]] as const) {
      const p = t.predict([cell(i, j)])[0]!;
      const k = i * 8 + j;
      expect(Array.from(grid.values.subarray(k * 4, k * 4 + 4))).toEqual(p.map(Math.fround));
      expect(grid.argmax[k]).toBe(p.indexOf(Math.max(...p)));
    }
    // After training, the top-right corner is class 0 (+,+) and the bottom-left class 2 (−,−).
    expect(grid.argmax[7]).toBe(0);
    expect(grid.argmax[56]).toBe(2);
    expect(new Set(grid.argmax).size).toBe(4);
    // Without bounds, the map covers the data with a margin.
    const auto = t.predictGrid(4)!;
    expect(auto.xMin).toBeLessThan(-10);
    expect(auto.xMax).toBeGreaterThan(10);
  });

  it('has no map for data that is not 2-D', () => {
    expect(new Trainer(experiment(presetById('seed-001')!.experiment)).predictGrid(8)).toBeNull();
  });

  it('gives softmax probabilities under cross-entropy', () => {
    const t = new Trainer(experiment(presetById('xor')!.experiment));
    const [p] = t.predict([[0.5, 0.5]]);
    expect(p!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(Math.min(...p!)).toBeGreaterThan(0);
  });
});
