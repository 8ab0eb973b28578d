import type { HistoryEntry } from './history';

/** Shapes of what the core hands out: run results, metrics snapshots, prediction grids. Plain data, structured-clone safe. */

export type RunStatus = 'ready' | 'running' | 'completed' | 'diverged';

export interface LayerParams {
  /** fan-in × units, row-major as nested arrays (what numpy prints). */
  weights: number[][];
  biases: number[] | null;
}

/** The `--out` result file, format v1. */
export interface RunResult {
  version: 1;
  /** `stopped`: the run was ended before its step count (the UI's Stop; never from the CLI). */
  status: 'completed' | 'diverged' | 'stopped';
  /** Updates applied. */
  steps: number;
  /** Loss before each update, one per step (a diverged run stops before the non-finite one). */
  losses: number[];
  divergedAtStep: number | null;
  params: LayerParams[];
  /** [step, hold-out loss] pairs, scored with the parameters in force before that step's update. */
  testLoss: [number, number][];
  /** The step-scheduled history (core/history.ts): per-layer statistics at historySchedule(steps). */
  history: HistoryEntry[];
  timing: { seconds: number; stepsPerSecond: number };
}

export interface Histogram {
  min: number;
  max: number;
  /** Equal-width bins from min to max. */
  counts: number[];
  mean: number;
  std: number;
}

export interface LayerMetrics {
  weights: Histogram;
  biases: Histogram | null;
  /** L2 norms of the last computed gradients (0 before the first step). */
  weightGradNorm: number;
  biasGradNorm: number | null;
  weightNorm: number;
  /** Fraction of this layer's units that output 0 for every row of the last batch (relu only). */
  deadFraction: number | null;
  /** Mean |activation| over the last batch. */
  meanAbsActivation: number;
}

export interface MetricsSnapshot {
  step: number;
  /** Loss before the next update, on the last batch seen (NaN before any step). */
  loss: number;
  layers: LayerMetrics[];
  /** Argmax accuracy on the training rows, when targets are one-hot classes. */
  accuracy: number | null;
  testAccuracy: number | null;
  testLoss: number | null;
}

export interface PredictionGrid {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  /** Cells per side; cell (i, j) is row i (y from yMax down), column j (x from xMin up). */
  resolution: number;
  outputs: number;
  /** resolution² × outputs network outputs (softmax probabilities under softmax-cross-entropy). */
  values: Float32Array;
  /** Argmax class per cell. */
  argmax: Uint8Array;
}

/** Each unit's activation over the input plane, cells laid out as in PredictionGrid. */
export interface ActivationGrid {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  resolution: number;
  /** Per layer, units × resolution² values: unit j's map is [j·res², (j+1)·res²). */
  layers: Float32Array[];
}
