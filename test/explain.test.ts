// One update, explained (core/explain.ts): the numbers the "Last update" view shows for a step are
// the numbers the exported numpy script prints for that step, and explaining a step leaves the run
// exactly as it would have been.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportNumpy, parseExperiment, presetById, Trainer, type Experiment, type UpdateExplanation } from '../core';

const hasPython = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

function experiment(id: string, patch: Partial<Experiment> = {}): Experiment {
  const parsed = parseExperiment({ ...presetById(id)!.experiment, ...patch });
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.experiment;
}

function explainAt(exp: Experiment, step: number, sampleRow: number): UpdateExplanation {
  const t = new Trainer(exp);
  t.run(step);
  const e = t.stepExplained(sampleRow);
  if (!e) throw new Error('no step taken');
  return e;
}

/** Every number of `a` against `b`, relative: numpy and nnlab sum in other orders, so they agree to rounding. */
function maxRelative(a: unknown, b: unknown, path = ''): { worst: number; where: string } {
  if (typeof a === 'number' && typeof b === 'number') {
    if (a === b) return { worst: 0, where: path };
    return { worst: Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)), where: path };
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return { worst: Infinity, where: `${path}.length ${a.length} vs ${b.length}` };
    return a.map((v, i) => maxRelative(v, b[i], `${path}[${i}]`)).reduce((m, r) => (r.worst > m.worst ? r : m), { worst: 0, where: path });
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    let m = { worst: 0, where: path };
    for (const k of keys) {
      const r = maxRelative((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
      if (r.worst > m.worst) m = r;
    }
    return m;
  }
  return { worst: a === b ? 0 : Infinity, where: `${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}` };
}

const cases: { label: string; exp: () => Experiment; step: number; sample: number }[] = [
  { label: 'quadrants (relu, softmax cross-entropy, 4 classes)', exp: () => experiment('seed-004-quadrants'), step: 3, sample: 5 },
  { label: 'xor (tanh)', exp: () => experiment('xor'), step: 40, sample: 17 },
  { label: 'circles, sigmoid + mse', exp: () => experiment('circles', { layers: [{ units: 6, activation: 'sigmoid' }, { units: 2, activation: 'linear' }], loss: 'mse' }), step: 10, sample: 2 },
  { label: 'spiral, minibatch of 32', exp: () => experiment('spiral'), step: 12, sample: -1 },
];

describe('explaining a step', () => {
  it('leaves the run bit for bit as it would have been (losses and parameters)', () => {
    const exp = experiment('xor');
    const plain = new Trainer(exp);
    plain.run(exp.steps);
    const explained = new Trainer(exp);
    explained.run(40);
    explained.stepExplained(3);
    explained.run(exp.steps);
    expect(explained.result(0).losses).toEqual(plain.result(0).losses);
    expect(explained.params()).toEqual(plain.params());
  });

  it("reports the step's recorded loss as the loss before, and the same batch's loss after", () => {
    const exp = experiment('spiral');
    const t = new Trainer(exp);
    t.run(12);
    const e = t.stepExplained(0)!;
    expect(e.lossBefore / t.result(0).losses[12]! - 1).toBeLessThan(1e-12);
    expect(e.batchRows).toHaveLength(32);
    expect(e.sample.row).toBe(e.batchRows[0]);
    // A small learning-rate step down the gradient lowers the loss of the batch it was taken on.
    expect(e.lossAfter).toBeLessThan(e.lossBefore);
  });

  it('has a ‖ΔW‖ of lr·‖∂L/∂W‖ under plain SGD', () => {
    const e = explainAt(experiment('seed-004-quadrants'), 3, 0);
    for (const layer of e.layers) expect(Math.abs(layer.updateNorm / (e.learningRate * layer.gradNorm) - 1)).toBeLessThan(1e-9);
  });

  describe.runIf(hasPython)('matches the exported numpy script for that step', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnlab-explain-'));
    for (const c of cases) {
      it(c.label, () => {
        const exp = c.exp();
        const mine = explainAt(exp, c.step, c.sample);
        const script = join(dir, `${c.label.replace(/\W+/g, '-')}.py`);
        writeFileSync(script, exportNumpy(exp, { explain: { step: c.step, sampleRow: c.sample } }));
        const printed = execFileSync('python3', [script], { encoding: 'utf8' }).trim().split('\n');
        const theirs = JSON.parse(printed.at(-1)!) as UpdateExplanation;
        // Row choices and flips are discrete: exactly equal. Everything else to rounding (1e-8, the
        // project's parity bound; measured ~1e-15).
        expect(theirs.batchRows).toEqual(mine.batchRows);
        expect(theirs.flipped).toEqual(mine.flipped);
        expect(theirs.sample.row).toBe(mine.sample.row);
        const { worst, where } = maxRelative(mine, theirs);
        console.log(`explain vs numpy, ${c.label}: worst relative difference ${worst.toExponential(2)} at ${where}`);
        expect(worst, where).toBeLessThanOrEqual(1e-8);
      });
    }
  });

  it('finds the training points whose class flipped', () => {
    // Early in the quadrant run the decision regions move a lot: some point changes class.
    const exp = experiment('seed-004-quadrants');
    const t = new Trainer(exp);
    const flips = Array.from({ length: 30 }, () => t.stepExplained(0)!.flipped.length);
    expect(Math.max(...flips)).toBeGreaterThan(0);
  });
});

describe('activation maps over the input plane', () => {
  it("a first-layer unit's map is f(x·W + b) at each cell centre, and the output layer's is the decision map", () => {
    const exp = experiment('circles', { layers: [{ units: 6, activation: 'tanh' }, { units: 2, activation: 'linear' }], loss: 'mse' });
    const t = new Trainer(exp);
    t.run(25);
    const res = 16;
    const maps = t.activationGrid(res)!;
    const grid = t.predictGrid(res)!;
    const cells = res * res;
    const [W, b] = [t.params()[0]!.weights, t.params()[0]!.biases!];
    for (const cell of [0, 37, cells - 1]) {
      const i = Math.floor(cell / res);
      const j = cell % res;
      const x = grid.xMin + ((j + 0.5) * (grid.xMax - grid.xMin)) / res;
      const y = grid.yMax - ((i + 0.5) * (grid.yMax - grid.yMin)) / res;
      for (let u = 0; u < 6; u++) {
        const expected = Math.tanh(x * W[0]![u]! + y * W[1]![u]! + b[u]!);
        expect(Math.abs(maps.layers[0]![u * cells + cell]! - expected)).toBeLessThan(1e-6); // stored as float32
      }
      for (let o = 0; o < 2; o++) expect(maps.layers[1]![o * cells + cell]).toBe(grid.values[cell * 2 + o]);
    }
  });
});
