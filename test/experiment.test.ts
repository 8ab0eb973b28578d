/** The experiment format's contract: defaults, cross-field checks, messages that name the field. */
import { describe, expect, it } from 'vitest';
import { parseExperiment, PRESETS, shapeOf, experiment, ExperimentError, type ExperimentInput } from '../core';

const quad = PRESETS.find((p) => p.id === 'seed-004-quadrants')!.experiment as ExperimentInput & Record<string, unknown>;
const messages = (raw: unknown) => {
  const r = parseExperiment(raw);
  return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`);
};

describe('experiment format v1', () => {
  it('every preset is a valid experiment', () => {
    for (const p of PRESETS) expect(messages(p.experiment), p.id).toEqual([]);
  });

  it('fills documented defaults', () => {
    const e = experiment({ version: 1, seed: 3, data: { kind: 'spiral' }, layers: [{ units: 2, activation: 'linear' }], bias: false, init: { weights: 'he' }, loss: 'mse', learningRate: 0.1, steps: 10 });
    expect(e.data).toEqual({ kind: 'spiral', samples: 200, noise: 0.1, classes: 2 });
    expect(e.init).toEqual({ weights: 'he', biases: 'standard-normal' });
    expect(e.name).toBe('untitled');
    expect(shapeOf(e)).toEqual({ samples: 200, inputs: 2, outputs: 2, testRows: 0, trainRows: 200, batchRows: 200, classes: 2, widths: [2, 2] });
  });

  it('derives hold-out and batch shapes', () => {
    const e = experiment({ ...quad, data: { kind: 'quadrants', samples: 103 }, testFraction: 0.25, batchSize: 10 });
    expect(shapeOf(e)).toMatchObject({ samples: 103, testRows: 25, trainRows: 78, batchRows: 10, classes: 4 });
  });

  it('names every wrong field at once', () => {
    expect(messages({ ...quad, seed: -1, bias: 'yes', steps: 1.5, extra: 1 })).toEqual([
      'seed: must be an integer from 0 to 4294967295',
      'bias: must be true or false',
      'steps: must be a non-negative integer',
      ': unknown field "extra"',
    ]);
  });

  it('reports missing fields as required', () => {
    const { loss: _loss, ...rest } = quad;
    expect(messages(rest)).toEqual(['loss: is required']);
    expect(messages({ ...quad, layers: [{ activation: 'relu' }, { units: 4, activation: 'linear' }] })).toEqual(['layers[0].units: is required']);
  });

  it('checks fields that depend on each other', () => {
    expect(messages({ ...quad, batchSize: 13 })).toEqual(['batchSize: must be at most 12, the number of training rows']);
    expect(messages({ ...quad, testPoints: [[1, 2, 3]] })).toEqual(['testPoints[0]: must have 2 numbers, one per input']);
    expect(messages({ ...quad, data: { kind: 'xor', classes: 3 }, layers: [{ units: 3, activation: 'linear' }] })).toEqual(['data.classes: must be 2 for xor (its two classes are the signs of x·y)']);
    expect(messages({ ...quad, loss: 'softmax-cross-entropy', data: { kind: 'inline', x: [[1]], y: [[1]] }, layers: [{ units: 1, activation: 'linear' }], testPoints: undefined })).toEqual([
      'loss: softmax-cross-entropy needs at least 2 outputs',
    ]);
  });

  it('checks explicit initial parameters against the network', () => {
    const init = { weights: [[[1, 2]], [[1], [2]]], biases: [null, [1]] };
    expect(messages({ ...quad, bias: true, init })).toEqual([
      'init.weights[0]: must be a 2×10 matrix (fan-in × units)',
      'init.weights[1]: must be a 10×4 matrix (fan-in × units)',
      'init.biases[0]: must be 10 numbers (bias is on)',
      'init.biases[1]: must be 4 numbers (bias is on)',
    ]);
  });

  it('throws a readable ExperimentError for trusted-input callers', () => {
    expect(() => experiment({ ...quad, learningRate: 0 })).toThrow(ExperimentError);
    expect(() => experiment({ ...quad, learningRate: 0 })).toThrow('learningRate: must be a positive number');
  });
});
