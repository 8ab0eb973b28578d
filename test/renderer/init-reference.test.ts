/**
 * The init schemes' predicted activation stds (renderer/src/state/init-reference.ts) against what the
 * trainer measures at step 0 on wide layers, where the mean-field prediction is accurate.
 */
import { describe, expect, it } from 'vitest';
import { parseExperiment, referenceBackend, Trainer, type ExperimentInput, type WeightScheme } from '../../core';
import { activationMoments, inputSecondMoment, predictedActivationStds, SCHEMES } from '../../renderer/src/state/init-reference';

function wide(scheme: WeightScheme, biases: 'zeros' | 'standard-normal'): ExperimentInput {
  return {
    version: 1,
    name: 'wide',
    seed: 3,
    data: { kind: 'random-regression', samples: 200, inputs: 300, outputs: 4 },
    layers: [
      { units: 400, activation: 'tanh' },
      { units: 400, activation: 'relu' },
      { units: 400, activation: 'sigmoid' },
      { units: 4, activation: 'linear' },
    ],
    bias: true,
    init: { weights: scheme, biases },
    loss: 'sse',
    learningRate: 1e-9,
    steps: 2,
  } as ExperimentInput;
}

describe('predicted activation stds at init', () => {
  it('closed forms and quadrature agree with the Gaussian moments they stand for', () => {
    expect(activationMoments('relu', 4)).toEqual({ mean: Math.sqrt(4 / (2 * Math.PI)), meanSquare: 2 });
    expect(activationMoments('linear', 3)).toEqual({ mean: 0, meanSquare: 3 });
    // tanh is odd: mean 0; as q → 0 it is linear (E[a²] → q); as q grows every unit saturates (E[a²] → 1).
    const small = activationMoments('tanh', 1e-4);
    expect(Math.abs(small.mean)).toBeLessThan(1e-15);
    expect(small.meanSquare / 1e-4).toBeCloseTo(1, 3);
    expect(activationMoments('tanh', 1e4).meanSquare).toBeGreaterThan(0.99);
    // sigmoid(z) − 1/2 is odd: mean 1/2 exactly (to quadrature rounding).
    expect(activationMoments('sigmoid', 2).mean).toBeCloseTo(0.5, 12);
  });

  for (const biases of ['zeros', 'standard-normal'] as const) {
    it(`match the trainer's step-0 activation std on 400-unit layers within 8 % (${biases} biases)`, () => {
      const worst: string[] = [];
      for (const scheme of SCHEMES) {
        const parsed = parseExperiment(wide(scheme, biases));
        if (!parsed.ok) throw new Error(parsed.message);
        const t = new Trainer(parsed.experiment, { backend: referenceBackend });
        t.run(1);
        const measured = t.historyEntries()[0]!.layers.map((l) => l.activationStd);
        const predicted = predictedActivationStds(parsed.experiment, scheme, inputSecondMoment(t.data.x, 200, 300));
        // Hidden layers only: the 4-unit output's std is an average over 4 units, too few for the mean-field limit.
        for (let l = 0; l < 3; l++) {
          const rel = Math.abs(predicted[l]! - measured[l]!) / measured[l]!;
          worst.push(`${scheme} layer ${l + 1}: predicted ${predicted[l]!.toPrecision(4)}, measured ${measured[l]!.toPrecision(4)} (${(100 * rel).toFixed(1)} %)`);
          // Finite width: 400 units' weights and biases realise their variance to about √(2/400) ≈ 7 % (1σ),
          // 3.5 % in a std, plus what the layer before passes on: 8 % is about two such errors.
          expect(rel, worst.at(-1)).toBeLessThan(0.08);
        }
      }
      console.log(worst.join('\n'));
    });
  }

  it('show the lesson: standard normal blows a deep relu net up, He keeps it near the input scale', () => {
    const parsed = parseExperiment({ ...wide('he', 'zeros'), layers: [...[1, 2, 3, 4, 5].map(() => ({ units: 256, activation: 'relu' })), { units: 4, activation: 'linear' }] } as ExperimentInput);
    if (!parsed.ok) throw new Error(parsed.message);
    const normal = predictedActivationStds(parsed.experiment, 'standard-normal', 1);
    const he = predictedActivationStds(parsed.experiment, 'he', 1);
    const xavier = predictedActivationStds(parsed.experiment, 'xavier', 1);
    // Hidden layers 2..5 (layer 1's fan-in is the data's 300 inputs).
    expect(normal[4]! / normal[1]!).toBeGreaterThan(1e3); // ×√(256/2) ≈ ×11.3 a layer, three layers
    expect(he[4]! / he[1]!).toBeCloseTo(1, 12); // He's 2/fan_in exactly undoes relu's halving
    expect(xavier[4]! / xavier[1]!).toBeCloseTo(0.5 ** 1.5, 12); // Xavier's 2/(256+256) halves the second moment a relu layer: ×1/√2 each
  });
});
