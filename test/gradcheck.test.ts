/** Back-propagation against central finite differences, for every activation × loss. */
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, LOSSES, NumpyRandom, experiment, Trainer, type Activation, type LossName } from '../core';

const rng = new NumpyRandom(12345);
const rows = 6;
const x = Array.from({ length: rows }, () => Array.from(rng.randn(3)));
const y = Array.from({ length: rows }, (_, i) => [0, 1, 2].map((c) => (c === i % 3 ? 1 : 0)));
const W0 = [Array.from({ length: 3 }, () => Array.from(rng.randn(4, 0.7))), Array.from({ length: 4 }, () => Array.from(rng.randn(3, 0.7)))];
const b0 = [Array.from(rng.randn(4, 0.3)), Array.from(rng.randn(3, 0.3))];

function build(hidden: Activation, output: Activation, loss: LossName, bias: boolean, W: number[][][], b: number[][]) {
  return new Trainer(
    experiment({
      version: 1,
      seed: 0,
      data: { kind: 'inline', x, y },
      layers: [
        { units: 4, activation: hidden },
        { units: 3, activation: output },
      ],
      bias,
      init: { weights: W, biases: bias ? b : [null, null] },
      loss,
      learningRate: 0.1,
      steps: 1,
    }),
  );
}

function check(hidden: Activation, output: Activation, loss: LossName, bias: boolean) {
  const t = build(hidden, output, loss, bias, W0, b0);
  t.lossAndGradients();
  const grads = t.gradients();
  const h = 1e-6;
  let worst = 0;
  let compared = 0;
  const lossAt = (W: number[][][], b: number[][]) => build(hidden, output, loss, bias, W, b).lossAndGradients();
  for (let l = 0; l < 2; l++) {
    const units = W0[l]![0]!.length;
    for (let r = 0; r < W0[l]!.length; r++) {
      for (let c = 0; c < units; c++) {
        const plus = structuredClone(W0);
        const minus = structuredClone(W0);
        plus[l]![r]![c]! += h;
        minus[l]![r]![c]! -= h;
        const numeric = (lossAt(plus, b0) - lossAt(minus, b0)) / (2 * h);
        const analytic = grads[l]!.weights[r * units + c]!;
        worst = Math.max(worst, Math.abs(numeric - analytic) / Math.max(1e-3, Math.abs(numeric) + Math.abs(analytic)));
        compared++;
      }
    }
    if (bias) {
      for (let c = 0; c < units; c++) {
        const plus = structuredClone(b0);
        const minus = structuredClone(b0);
        plus[l]![c]! += h;
        minus[l]![c]! -= h;
        const numeric = (lossAt(W0, plus) - lossAt(W0, minus)) / (2 * h);
        const analytic = grads[l]!.biases![c]!;
        worst = Math.max(worst, Math.abs(numeric - analytic) / Math.max(1e-3, Math.abs(numeric) + Math.abs(analytic)));
        compared++;
      }
    }
  }
  return { worst, compared };
}

describe('gradients agree with finite differences', () => {
  for (const loss of LOSSES) {
    for (const act of ACTIVATIONS) {
      it(`${act} hidden and ${act} output, ${loss}`, () => {
        const { worst, compared } = check(act, act, loss, true);
        expect(compared).toBe(12 + 4 + 12 + 3);
        expect(worst).toBeLessThan(1e-6);
      });
    }
    it(`tanh hidden, linear output, no biases, ${loss}`, () => {
      const { worst, compared } = check('tanh', 'linear', loss, false);
      expect(compared).toBe(24);
      expect(worst).toBeLessThan(1e-6);
    });
  }

  it('would notice a wrong gradient (the check is not vacuous)', () => {
    // sse's gradient is 2(ŷ − y): halving the finite difference step's loss would break agreement.
    const t = build('tanh', 'linear', 'sse', true, W0, b0);
    t.lossAndGradients();
    const g = t.gradients()[1]!.weights[0]!;
    const plus = structuredClone(W0);
    const minus = structuredClone(W0);
    plus[1]![0]![0]! += 1e-6;
    minus[1]![0]![0]! -= 1e-6;
    const numeric = (build('tanh', 'linear', 'mse', true, plus, b0).lossAndGradients() - build('tanh', 'linear', 'mse', true, minus, b0).lossAndGradients()) / 2e-6;
    expect(Math.abs(numeric - g) / Math.abs(g)).toBeGreaterThan(0.5);
  });
});
