/** The training points an experiment draws, for the decision map and the sample view. */
import { makeDataset, NumpyRandom, shapeOf, type Experiment } from '../../../core';

/** 2-D training points for the decision map, regenerated from the experiment exactly as the trainer draws them. */
export interface PlotData {
  x: Float64Array;
  labels: Int32Array | null;
  samples: number;
  inputs: number;
  outputs: number;
  y: Float64Array;
  testRows: number;
  /** An imported CSV's class labels, in one-hot order (null: classes are numbered). */
  classNames?: readonly string[] | null;
}

function plotDataOf(exp: Experiment): PlotData {
  // The trainer's view of the data: a standardised set is shown standardised, with the training rows' mean and std.
  const { trainRows } = shapeOf(exp);
  const d = makeDataset(exp.data, new NumpyRandom(exp.seed), trainRows);
  const testRows = d.samples - trainRows;
  const classNames = exp.data.kind === 'inline' ? (exp.data.labels ?? null) : null;
  return { x: d.x, y: d.y, labels: d.labels, samples: d.samples, inputs: d.inputs, outputs: d.outputs, testRows, classNames };
}

// Experiments are immutable once validated, so the data drawn for one is drawn once.
const plotCache = new WeakMap<Experiment, PlotData>();
export function plotData(exp: Experiment): PlotData {
  let p = plotCache.get(exp);
  if (!p) {
    p = plotDataOf(exp);
    plotCache.set(exp, p);
  }
  return p;
}
