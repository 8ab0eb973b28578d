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

/**
 * A log axis that covers every positive value: whole decades from below the smallest to above the
 * largest, with at most `maxTicks` decade ticks. Recharts' own 'auto' log domain starts at 1 or 10,
 * which hides exactly the small losses a converging run is about.
 */
export function logAxis(rows: readonly ChartRow[], maxTicks = 7, ceiling = Infinity): { domain: [number, number]; ticks: number[]; clipped: boolean } | null {
  let min = Infinity;
  let max = -Infinity;
  for (const row of rows) {
    for (const key in row) {
      if (key === 'step') continue;
      const v = row[key];
      if (v === undefined || !(v > 0) || !Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (!(min <= max)) return null;
  const clipped = max > ceiling && ceiling > min;
  if (clipped) max = ceiling;
  const lo = Math.floor(Math.log10(min));
  let hi = Math.ceil(Math.log10(max));
  if (hi === lo) hi++;
  const every = Math.max(1, Math.ceil((hi - lo) / (maxTicks - 1)));
  hi = lo + every * Math.ceil((hi - lo) / every);
  const ticks: number[] = [];
  for (let k = lo; k <= hi; k += every) ticks.push(10 ** k);
  return { domain: [10 ** lo, 10 ** hi], ticks, clipped };
}

/**
 * Where a loss axis stops: two decades above the highest starting loss. A diverging run climbs to
 * 1e300 within a few steps; scaling the axis to it would flatten every run that converges.
 */
export function lossCeiling(series: readonly (readonly SeriesPoint[])[]): number {
  let top = 0;
  for (const s of series) {
    const first = s.find((p) => Number.isFinite(p.value) && p.value > 0);
    if (first) top = Math.max(top, first.value);
  }
  return top > 0 ? top * 100 : Infinity;
}

/** A decade tick as people write it: 0.01, 1, 1000, then 1e4, 1e-13. */
export function fmtDecade(v: number): string {
  const k = Math.round(Math.log10(v));
  if (k >= -2 && k <= 3) return String(Number((10 ** k).toPrecision(1)));
  return `1e${k}`;
}
