/**
 * Draw your data: 2-D points with one-hot class rows, as the experiment's inline data holds them. Pure
 * (arrays in, new arrays out), so the draft slice and its tests share one definition.
 */
import type { Experiment } from '../../../core';
import { plotData, type PlotData } from './plot-data';

export interface DrawnData {
  x: number[][];
  y: number[][];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isRows = (v: unknown): v is number[][] => Array.isArray(v) && v.every((r) => Array.isArray(r));

/** The rows a drawing starts from: inline data as it is, else the 2-D class points the valid experiment draws (in its order). */
export function inlineRows(data: unknown, exp: Experiment | null): DrawnData {
  // Standardised rows are drawn (and so edited) in standardised coordinates: take them as the trainer has them.
  if (isRecord(data) && data.kind === 'inline' && data.standardize !== true && isRows(data.x) && isRows(data.y)) return { x: data.x, y: data.y };
  if (!exp) return { x: [], y: [] };
  const p = plotData(exp);
  if (p.inputs !== 2 || !p.labels) return { x: [], y: [] };
  const x: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < p.samples; i++) {
    x.push([p.x[2 * i]!, p.x[2 * i + 1]!]);
    y.push(oneHot(p.labels[i]!, p.outputs));
  }
  return { x, y };
}

function oneHot(cls: number, classes: number): number[] {
  const row = new Array<number>(classes).fill(0);
  row[cls] = 1;
  return row;
}

/**
 * Adds a point of class `cls`; every row widens to `classes` one-hot columns if the drawing had fewer
 * (a new class picked, or a drawing started from nothing).
 */
export function addPoint(d: DrawnData, x1: number, x2: number, cls: number, classes: number): DrawnData {
  const width = Math.max(classes, cls + 1, d.y[0]?.length ?? 0);
  const widen = (row: number[]) => (row.length >= width ? row : [...row, ...new Array<number>(width - row.length).fill(0)]);
  return { x: [...d.x, [x1, x2]], y: [...d.y.map(widen), oneHot(cls, width)] };
}

/** Drops the points within `radius` of (x1, x2). */
export function erasePoints(d: DrawnData, x1: number, x2: number, radius: number): DrawnData {
  const keep = d.x.map((p) => Math.hypot(p[0]! - x1, p[1]! - x2) > radius);
  return { x: d.x.filter((_, i) => keep[i]), y: d.y.filter((_, i) => keep[i]) };
}

/** The drawing as the decision map draws points: `classes` colours, the last `testRows` hollow (held out). */
export function drawnPlotData(d: DrawnData, classes: number, testFraction: number): PlotData {
  const n = d.x.length;
  const x = new Float64Array(2 * n);
  const y = new Float64Array(n * classes);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = d.x[i]![0]!;
    x[2 * i + 1] = d.x[i]![1]!;
    const c = Math.max(0, d.y[i]!.indexOf(1));
    labels[i] = c;
    if (c < classes) y[i * classes + c] = 1;
  }
  const f = Number.isFinite(testFraction) && testFraction > 0 && testFraction < 1 ? testFraction : 0;
  return { x, y, labels, samples: n, inputs: 2, outputs: classes, testRows: Math.floor(n * f) };
}
