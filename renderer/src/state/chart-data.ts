/**
 * Shapes bounded series into what the charts draw. Recharts wants one row per x value; runs are
 * decimated independently, so their steps differ and the rows are the union of steps, with gaps that
 * the lines bridge (connectNulls). Log scale cannot show zero or negative losses: those become gaps.
 */
import type { SeriesPoint } from './series';

export interface SeriesInput {
  key: string;
  points: readonly SeriesPoint[];
}

export type ChartRow = { step: number } & Record<string, number | undefined>;

export function mergeSeries(series: readonly SeriesInput[], logScale: boolean): ChartRow[] {
  const byStep = new Map<number, ChartRow>();
  for (const s of series) {
    for (const p of s.points) {
      if (logScale && !(p.value > 0)) continue;
      let row = byStep.get(p.step);
      if (!row) {
        row = { step: p.step } as ChartRow;
        byStep.set(p.step, row);
      }
      row[s.key] = p.value;
    }
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/** The series value nearest to `step` (for the hover read-out), by binary search over sorted points. */
export function nearest(points: readonly SeriesPoint[], step: number): SeriesPoint | null {
  if (points.length === 0) return null;
  let lo = 0;
  let hi = points.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]!.step < step) lo = mid + 1;
    else hi = mid;
  }
  const a = points[lo]!;
  const b = lo > 0 ? points[lo - 1]! : a;
  return Math.abs(b.step - step) < Math.abs(a.step - step) ? b : a;
}

/** One row per metrics snapshot with a value per layer, for the gradient-flow charts. */
export function layerRows<T>(
  snapshots: readonly { step: number; layers: readonly T[] }[],
  pick: (layer: T) => number | null,
  logScale = false,
): ChartRow[] {
  return snapshots.map((s) => {
    const row = { step: s.step } as ChartRow;
    s.layers.forEach((l, i) => {
      const v = pick(l);
      if (v !== null && Number.isFinite(v) && (!logScale || v > 0)) row[`L${i + 1}`] = v;
    });
    return row;
  });
}
