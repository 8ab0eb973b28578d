/**
 * Shapes per-snapshot histograms into a ridgeline (TensorBoard's "offset" view): every snapshot's
 * histogram re-binned onto one shared value axis, so a distribution's drift and spread over training
 * read as movement between rows. Each snapshot has its own min/max bins from the core, hence the re-binning.
 */
import type { Histogram } from '../../../core';

export interface RidgeRow {
  step: number;
  /** Density per shared bin, scaled so the tallest bin of any row is 1. */
  heights: number[];
  mean: number;
  std: number;
}

export interface Ridgeline {
  xMin: number;
  xMax: number;
  bins: number;
  rows: RidgeRow[];
}

/** Spreads one histogram's counts over the shared bins by the overlap of each source bin with each target bin. */
export function rebin(h: Pick<Histogram, 'min' | 'max' | 'counts'>, xMin: number, xMax: number, bins: number): number[] {
  const out = new Array<number>(bins).fill(0);
  const n = h.counts.length;
  if (n === 0 || !(xMax > xMin)) return out;
  const tw = (xMax - xMin) / bins;
  const sw = (h.max - h.min) / n;
  for (let s = 0; s < n; s++) {
    const c = h.counts[s]!;
    if (c === 0) continue;
    if (!(sw > 0)) {
      // All values equal: the whole mass falls in one target bin.
      const t = Math.min(bins - 1, Math.max(0, Math.floor((h.min - xMin) / tw)));
      out[t]! += c;
      continue;
    }
    const a = h.min + s * sw;
    const b = a + sw;
    const t0 = Math.max(0, Math.floor((a - xMin) / tw));
    const t1 = Math.min(bins - 1, Math.floor((b - xMin) / tw));
    for (let t = t0; t <= t1; t++) {
      const lo = Math.max(a, xMin + t * tw);
      const hi = Math.min(b, xMin + (t + 1) * tw);
      if (hi > lo) out[t]! += (c * (hi - lo)) / sw;
    }
  }
  return out;
}

export function ridgeline(snapshots: readonly { step: number; hist: Histogram }[], bins = 48, maxRows = 24): Ridgeline {
  const picked = pickEvenly(snapshots, maxRows);
  let xMin = Infinity;
  let xMax = -Infinity;
  for (const { hist } of picked) {
    if (Number.isFinite(hist.min)) xMin = Math.min(xMin, hist.min);
    if (Number.isFinite(hist.max)) xMax = Math.max(xMax, hist.max);
  }
  if (!Number.isFinite(xMin) || !Number.isFinite(xMax)) return { xMin: 0, xMax: 1, bins, rows: [] };
  if (xMax === xMin) {
    xMin -= 0.5;
    xMax += 0.5;
  }
  const raw = picked.map(({ step, hist }) => ({ step, counts: rebin(hist, xMin, xMax, bins), mean: hist.mean, std: hist.std }));
  let peak = 0;
  for (const r of raw) for (const c of r.counts) peak = Math.max(peak, c);
  const rows = raw.map((r) => ({ step: r.step, mean: r.mean, std: r.std, heights: r.counts.map((c) => (peak > 0 ? c / peak : 0)) }));
  return { xMin, xMax, bins, rows };
}

/** At most `n` items spread evenly, always including the first and the last. */
export function pickEvenly<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return items.slice();
  if (n <= 1) return items.length ? [items[items.length - 1]!] : [];
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(items[Math.round((i * (items.length - 1)) / (n - 1))]!);
  return out;
}
