/**
 * One update, explained: what a single training step did, in the numbers a lecture writes on the
 * board. Computed apart from the trainer's kernels, in plain loops over the parameters before and
 * after the step, so it reads like the numpy it mirrors (and like the script `exportNumpy` writes
 * with `explain`): forward `z = a·W + b`, `a = f(z)`, the loss gradient, and `δ = ∂loss/∂z` layer by
 * layer back to the input. Classroom nets are small; this runs once per explained step, never in
 * the training loop.
 */
import type { Activation, Experiment } from './experiment';
import type { Dataset } from './data';
import type { LayerParams } from './types';

/** One layer of one sample's forward and backward record. */
export interface SampleLayerRecord {
  activation: Activation;
  /** Pre-activation z = a_prev·W + b. */
  z: number[];
  /** Activation a = f(z). */
  a: number[];
  /** δ = ∂loss/∂z for this sample (a row of the batch gradient, so it carries the loss's 1/rows). */
  delta: number[];
}

export interface SampleRecord {
  /** Index of the sample among the data set's rows. */
  row: number;
  x: number[];
  y: number[];
  layers: SampleLayerRecord[];
}

export interface LayerUpdate {
  /** ‖∂loss/∂W‖ (Frobenius) at the parameters before the update. */
  gradNorm: number;
  /** ‖ΔW‖ of the update actually applied (lr·‖∂loss/∂W‖ under plain SGD). */
  updateNorm: number;
  /** ‖W‖ before the update. */
  weightNorm: number;
  /** ‖ΔW‖ / ‖W‖. */
  updateRatio: number;
  biasGradNorm: number | null;
}

export interface UpdateExplanation {
  /** The step whose update is explained: the parameters before it are step `step`'s. */
  step: number;
  learningRate: number;
  /** Loss of the batch before the update (what the run records as losses[step]) and after it. */
  lossBefore: number;
  lossAfter: number;
  /** Data set rows of the batch, in batch order. */
  batchRows: number[];
  layers: LayerUpdate[];
  /** Training rows whose predicted class changed with this update (class data only; else empty). */
  flipped: number[];
  sample: SampleRecord;
  /** Every batch row's record, in batch order, when asked for (`recordRows`): a UI can show any of them. */
  samples?: SampleRecord[];
}

export interface ExplainInput {
  experiment: Experiment;
  data: Dataset;
  trainRows: number;
  step: number;
  learningRate: number;
  before: LayerParams[];
  after: LayerParams[];
  batchRows: readonly number[];
  /** The sample to record; must be one of the batch rows (else the batch's first row is used). */
  sampleRow: number;
  /** Also record the first this-many batch rows in `samples` (0 or absent: none). */
  recordRows?: number;
}

type Matrix = number[][];

export function explainUpdate(input: ExplainInput): UpdateExplanation {
  const { experiment, data, before, after, batchRows } = input;
  const xb = batchRows.map((r) => rowOf(data.x, r, data.inputs));
  const yb = batchRows.map((r) => rowOf(data.y, r, data.outputs));

  const pass = forward(experiment, before, xb);
  const { loss: lossBefore, grad } = lossAndGradient(experiment.loss, pass.a[pass.a.length - 1]!, yb);
  const deltas = backward(experiment, before, pass, grad);

  const layers: LayerUpdate[] = before.map((p, l) => {
    const prev = pass.a[l]!;
    const delta = deltas[l]!;
    let g2 = 0;
    for (let i = 0; i < p.weights.length; i++) {
      for (let j = 0; j < p.weights[i]!.length; j++) {
        let s = 0;
        for (let r = 0; r < prev.length; r++) s += prev[r]![i]! * delta[r]![j]!;
        g2 += s * s;
      }
    }
    let u2 = 0;
    let w2 = 0;
    p.weights.forEach((row, i) =>
      row.forEach((w, j) => {
        const d = after[l]!.weights[i]![j]! - w;
        u2 += d * d;
        w2 += w * w;
      }),
    );
    let biasGradNorm: number | null = null;
    if (p.biases) {
      let b2 = 0;
      for (let j = 0; j < p.biases.length; j++) {
        let s = 0;
        for (let r = 0; r < delta.length; r++) s += delta[r]![j]!;
        b2 += s * s;
      }
      biasGradNorm = Math.sqrt(b2);
    }
    const weightNorm = Math.sqrt(w2);
    const updateNorm = Math.sqrt(u2);
    return { gradNorm: Math.sqrt(g2), updateNorm, weightNorm, updateRatio: weightNorm > 0 ? updateNorm / weightNorm : Infinity, biasGradNorm };
  });

  const lossAfter = lossAndGradient(experiment.loss, forward(experiment, after, xb).a.at(-1)!, yb).loss;

  const flipped: number[] = [];
  if (data.labels) {
    const xt = Array.from({ length: input.trainRows }, (_, r) => rowOf(data.x, r, data.inputs));
    const was = forward(experiment, before, xt).a.at(-1)!;
    const now = forward(experiment, after, xt).a.at(-1)!;
    for (let r = 0; r < xt.length; r++) if (argmax(was[r]!) !== argmax(now[r]!)) flipped.push(r);
  }

  const record = (k: number): SampleRecord => ({
    row: batchRows[k]!,
    x: xb[k]!,
    y: yb[k]!,
    layers: experiment.layers.map((spec, l) => ({ activation: spec.activation, z: pass.z[l]![k]!, a: pass.a[l + 1]![k]!, delta: deltas[l]![k]! })),
  });
  const sample = record(Math.max(0, batchRows.indexOf(input.sampleRow)));
  const out: UpdateExplanation = { step: input.step, learningRate: input.learningRate, lossBefore, lossAfter, batchRows: [...batchRows], layers, flipped, sample };
  if (input.recordRows) out.samples = Array.from({ length: Math.min(input.recordRows, batchRows.length) }, (_, k) => record(k));
  return out;
}

function rowOf(m: Float64Array, r: number, cols: number): number[] {
  return Array.from(m.subarray(r * cols, (r + 1) * cols));
}

function forward(exp: Experiment, params: LayerParams[], x: Matrix): { z: Matrix[]; a: Matrix[] } {
  const z: Matrix[] = [];
  const a: Matrix[] = [x];
  params.forEach((p, l) => {
    const kind = exp.layers[l]!.activation;
    const units = p.weights[0]?.length ?? 0;
    const zl = a[l]!.map((row) => {
      const out = new Array<number>(units).fill(0);
      for (let i = 0; i < row.length; i++) for (let j = 0; j < units; j++) out[j] = out[j]! + row[i]! * p.weights[i]![j]!;
      if (p.biases) for (let j = 0; j < units; j++) out[j] = out[j]! + p.biases[j]!;
      return out;
    });
    z.push(zl);
    a.push(zl.map((row) => row.map((v) => activate(kind, v))));
  });
  return { z, a };
}

function activate(kind: Activation, v: number): number {
  if (kind === 'relu') return v < 0 ? 0 : v;
  if (kind === 'tanh') return Math.tanh(v);
  if (kind === 'sigmoid') return 1 / (1 + Math.exp(-v));
  return v;
}

/** dA → dZ: relu passes the gradient at exactly 0, as the seeds' `grad[h < 0] = 0` does. */
function slope(kind: Activation, z: number, a: number): number {
  if (kind === 'relu') return z < 0 ? 0 : 1;
  if (kind === 'tanh') return 1 - a * a;
  if (kind === 'sigmoid') return a * (1 - a);
  return 1;
}

function lossAndGradient(kind: Experiment['loss'], out: Matrix, y: Matrix): { loss: number; grad: Matrix } {
  const rows = out.length;
  const count = rows * (out[0]?.length ?? 0);
  if (kind === 'softmax-cross-entropy') {
    let loss = 0;
    const grad = out.map((o, r) => {
      const max = Math.max(...o);
      const e = o.map((v) => Math.exp(v - max));
      const s = e.reduce((p, v) => p + v, 0);
      return o.map((v, j) => {
        loss -= y[r]![j]! * (v - max - Math.log(s));
        return (e[j]! / s - y[r]![j]!) / rows;
      });
    });
    return { loss: loss / rows, grad };
  }
  const mean = kind === 'mse';
  let sum = 0;
  const grad = out.map((o, r) =>
    o.map((v, j) => {
      const d = v - y[r]![j]!;
      sum += d * d;
      return mean ? (2 * d) / count : 2 * d;
    }),
  );
  return { loss: mean ? sum / count : sum, grad };
}

/** δ per layer, from the output's loss gradient back to the first layer. */
function backward(exp: Experiment, params: LayerParams[], pass: { z: Matrix[]; a: Matrix[] }, outGrad: Matrix): Matrix[] {
  const deltas: Matrix[] = new Array<Matrix>(params.length);
  let dA = outGrad;
  for (let l = params.length - 1; l >= 0; l--) {
    const kind = exp.layers[l]!.activation;
    const dZ = dA.map((row, r) => row.map((g, j) => g * slope(kind, pass.z[l]![r]![j]!, pass.a[l + 1]![r]![j]!)));
    deltas[l] = dZ;
    if (l > 0) {
      const W = params[l]!.weights;
      dA = dZ.map((row) => W.map((wRow) => wRow.reduce((s, w, j) => s + w * row[j]!, 0)));
    }
  }
  return deltas;
}

function argmax(v: number[]): number {
  let best = 0;
  for (let j = 1; j < v.length; j++) if (v[j]! > v[best]!) best = j;
  return best;
}
