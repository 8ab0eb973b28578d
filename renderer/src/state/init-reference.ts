/**
 * What the init schemes predict for each layer's activation std at step 0: the signal-propagation
 * (mean-field) recursion behind Xavier's and He's scales. With a layer's weights drawn i.i.d.
 * N(0, σ_w²) and its biases N(0, σ_b²) (or 0), a unit's pre-activation over the weights, biases and
 * the training rows has
 *
 *     q_l = E[z²] = fan_in · σ_w² · E[a_{l−1}²] + σ_b²,      a_0 = the training inputs x,
 *
 * and, taking z ~ N(0, q_l), the activation's moments are E[f(z)] and E[f(z)²] (relu: E[a²] = q/2,
 * E[a] = √(q/2π); linear: q and 0; tanh and sigmoid by quadrature). The predicted std is
 * √(E[a²] − E[a]²), comparable to the history's activationStd (np.std over the batch). It is a
 * prediction for wide layers and random weights — the reference a student compares against: standard
 * normal weights blow it up layer by layer, Xavier keeps tanh/linear layers near their input's
 * scale, He keeps relu layers there.
 */
import { shapeOf, type Activation, type Experiment, type WeightScheme } from '../../../core';

export const SCHEMES: readonly WeightScheme[] = ['standard-normal', 'xavier', 'he'];

/** The weight variance σ_w² each scheme draws with (core/trainer.ts initParams). */
export function weightVariance(scheme: WeightScheme, fanIn: number, fanOut: number): number {
  return scheme === 'xavier' ? 2 / (fanIn + fanOut) : scheme === 'he' ? 2 / fanIn : 1;
}

/** Points of the Gauss–Hermite-free quadrature: Simpson's rule on ±12 standard deviations. */
const NODES = 801;
const SPAN = 12;

/** E[f(z)] and E[f(z)²] for z ~ N(0, q). */
export function activationMoments(kind: Activation, q: number): { mean: number; meanSquare: number } {
  if (!(q > 0)) {
    const a = kind === 'sigmoid' ? 0.5 : 0;
    return { mean: a, meanSquare: a * a };
  }
  if (kind === 'linear') return { mean: 0, meanSquare: q };
  if (kind === 'relu') return { mean: Math.sqrt(q / (2 * Math.PI)), meanSquare: q / 2 };
  const f = kind === 'tanh' ? Math.tanh : (z: number) => 1 / (1 + Math.exp(-z));
  const s = Math.sqrt(q);
  const h = (2 * SPAN) / (NODES - 1);
  let m1 = 0;
  let m2 = 0;
  for (let i = 0; i < NODES; i++) {
    const u = -SPAN + i * h;
    const w = (i === 0 || i === NODES - 1 ? 1 : i % 2 ? 4 : 2) * Math.exp(-0.5 * u * u);
    const a = f(s * u);
    m1 += w * a;
    m2 += w * a * a;
  }
  const norm = h / 3 / Math.sqrt(2 * Math.PI);
  return { mean: m1 * norm, meanSquare: m2 * norm };
}

/** E[x²] over the training rows' inputs (every input of every row): the second moment the recursion starts from. */
export function inputSecondMoment(x: Float64Array, trainRows: number, inputs: number): number {
  const n = trainRows * inputs;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]! * x[i]!;
  return n > 0 ? s / n : 0;
}

/**
 * Each layer's predicted activation std at step 0 under `scheme`, with this experiment's layers,
 * activations and biases (standard-normal biases add σ_b² = 1; zeros or no biases add 0).
 */
export function predictedActivationStds(exp: Experiment, scheme: WeightScheme, x2: number): number[] {
  const { widths } = shapeOf(exp);
  const biasVar = exp.bias && !Array.isArray(exp.init.weights) && (exp.init as { biases?: string }).biases === 'standard-normal' ? 1 : 0;
  const out: number[] = [];
  let m = x2;
  exp.layers.forEach((layer, l) => {
    const fanIn = widths[l]!;
    const q = fanIn * weightVariance(scheme, fanIn, layer.units) * m + biasVar;
    const { mean, meanSquare } = activationMoments(layer.activation, q);
    out.push(Math.sqrt(Math.max(0, meanSquare - mean * mean)));
    m = meanSquare;
  });
  return out;
}
