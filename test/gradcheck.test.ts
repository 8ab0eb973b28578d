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

type Grads = ReturnType<Trainer['gradients']>;

/** `corrupt` lets a test hand check() a deliberately wrong gradient, to see that check() notices. */
function check(hidden: Activation, output: Activation, loss: LossName, bias: boolean, corrupt?: (grads: Grads) => void) {
  const t = build(hidden, output, loss, bias, W0, b0);
  t.lossAndGradients();
  const grads = t.gradients();
  corrupt?.(grads);
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

  it('check() fails a deliberately wrong gradient (the check is not vacuous)', () => {
    // One output weight's gradient off by 1 % is far outside the 1e-6 the tests above allow.
    const slightly = check('tanh', 'linear', 'sse', true, (g) => (g[1]!.weights[0]! *= 1.01));
    expect(slightly.worst).toBeGreaterThan(1e-3);
    // mse's gradient where sse's belongs (a missing factor, the classic back-prop slip).
    const sse = build('tanh', 'linear', 'sse', true, W0, b0);
    const mse = build('tanh', 'linear', 'mse', true, W0, b0);
    sse.lossAndGradients();
    mse.lossAndGradients();
    const wrong = mse.gradients();
    const scaled = check('tanh', 'linear', 'sse', true, (g) => g.forEach((layer, l) => {
      layer.weights.set(wrong[l]!.weights);
      layer.biases!.set(wrong[l]!.biases!);
    }));
    expect(scaled.worst).toBeGreaterThan(0.1);
    // The same corruption-free call passes, so it is the corruption that check() caught.
    expect(check('tanh', 'linear', 'sse', true).worst).toBeLessThan(1e-6);
  });
});
