/**
 * Shapes runs' step-scheduled histories (core/history.ts) into what the views draw and what their
 * "Data" tables list. Pure, so the views stay thin and the numbers are tested without a browser.
 *
 * A log axis cannot show 0 or ∞/NaN, yet those are exactly the moments the gradient chart is for
 * (a dead net, an overflow). So the axis gets two bands beyond its decades: a floor band where a norm
 * of 0 is drawn and an overflow band where ∞ and NaN are drawn, instead of leaving a gap.
 */
import type { HistoryEntry, HistoryHistogram, HistoryLayer } from '../../../core';

/** Where a value falls on a log axis with a floor band (0) and an overflow band (∞, NaN). */
export type BandedKind = 'value' | 'zero' | 'overflow';

export interface BandedAxis {
  /** Decade bounds of the finite positive values. */
  lo: number;
  hi: number;
  /** The whole domain, bands included. */
  domain: [number, number];
  floorBand: [number, number];
  overflowBand: [number, number];
  /** Decade ticks between lo and hi. */
  ticks: number[];
  /** Drawn position of a zero and of an overflow. */
  zeroAt: number;
  overflowAt: number;
  /** A shared axis cut short for a diverging run (sharedGradientAxis): values above `hi` are drawn in the top band. */
  offScale: boolean;
}

export function classify(v: number): BandedKind {
  if (!Number.isFinite(v)) return 'overflow';
  return v > 0 ? 'value' : 'zero';
}

/** A log axis over every finite positive value, one decade of band below (0) and above (∞/NaN). */
export function bandedAxis(values: Iterable<number>): BandedAxis {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (Number.isFinite(v) && v > 0) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (!Number.isFinite(min)) {
    min = 1;
    max = 1;
  }
  const lo = 10 ** Math.floor(Math.log10(min));
  let hi = 10 ** Math.ceil(Math.log10(max));
  if (hi <= lo) hi = lo * 10;
  const ticks: number[] = [];
  const step = Math.max(1, Math.ceil(Math.log10(hi / lo) / 6));
  for (let e = Math.round(Math.log10(lo)); e <= Math.round(Math.log10(hi)); e += step) ticks.push(10 ** e);
  return {
    lo,
    hi,
    domain: [lo / 10, hi * 10],
    floorBand: [lo / 10, lo / 10 ** 0.25],
    overflowBand: [hi * 10 ** 0.25, hi * 10],
    ticks,
    zeroAt: lo / 10 ** 0.6,
    overflowAt: hi * 10 ** 0.6,
    offScale: false,
  };
}

/** How many decades above the steady runs' largest norm a shared axis reaches for a diverging run. */
export const OFF_SCALE_DECADES = 3;

/**
 * One log axis for several runs' gradient norms. A run on its way to overflow passes through norms
 * like 1e150, which would squash every other run into a sliver at the bottom; so when some runs stayed
 * finite (no ∞/NaN norm, not diverged), the axis covers them and reaches OFF_SCALE_DECADES above their
 * largest decade, and a diverging run's norms beyond that are drawn in the top band, with ∞ and NaN
 * (the data table keeps the exact values). With no steady run, or no diverging one, it is bandedAxis.
 */
export function sharedGradientAxis(runs: readonly { values: readonly number[]; diverged: boolean }[]): BandedAxis {
  const unsteady = (r: { values: readonly number[]; diverged: boolean }) => r.diverged || r.values.some((v) => !Number.isFinite(v));
  const steady = runs.filter((r) => !unsteady(r));
  if (steady.length === 0 || steady.length === runs.length) return bandedAxis(runs.flatMap((r) => r.values));
  const cap = bandedAxis(steady.flatMap((r) => r.values)).hi * 10 ** OFF_SCALE_DECADES;
  const all = runs.flatMap((r) => r.values);
  const axis = bandedAxis(all.filter((v) => !(v > cap)));
  return { ...axis, offScale: all.some((v) => Number.isFinite(v) && v > axis.hi) };
}

/** How many times the steady runs' half-span a shared value axis reaches around their centre for a diverging run. */
export const OFF_SCALE_SPAN = 10;

/**
 * One value range for several runs' histograms (the Distributions view's shared axis), as
 * sharedGradientAxis does for norms: a run that diverged or has ∞/NaN values would squash every other
 * run's distribution into one bin, so when some runs stayed finite the range covers theirs and reaches
 * OFF_SCALE_SPAN times their half-span around its centre, and the diverging run's mass beyond is
 * clipped (`clipped`; the data table keeps the exact min and max). With no steady run, or no
 * diverging one, it is the range of everything.
 */
export function sharedValueRange(runs: readonly { hists: readonly HistoryHistogram[]; diverged: boolean }[]): { range: [number, number]; clipped: boolean } {
  const unsteady = (r: { hists: readonly HistoryHistogram[]; diverged: boolean }) => r.diverged || r.hists.some((h) => h.nonFinite > 0);
  const all = runs.flatMap((r) => r.hists);
  const steady = runs.filter((r) => !unsteady(r));
  const whole = valueRange(all);
  if (steady.length === 0 || steady.length === runs.length) return { range: whole, clipped: false };
  const [lo, hi] = valueRange(steady.flatMap((r) => r.hists));
  const mid = (lo + hi) / 2;
  const half = ((hi - lo) / 2) * OFF_SCALE_SPAN;
  const range: [number, number] = [Math.max(whole[0], mid - half), Math.min(whole[1], mid + half)];
  return { range, clipped: range[0] > whole[0] || range[1] < whole[1] };
}

/** The range of histograms' finite min and max; [−1, 1] for none, widened by ½ either way for a single value. */
export function valueRange(hists: readonly { min: number; max: number }[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const h of hists) {
    if (Number.isFinite(h.min)) lo = Math.min(lo, h.min);
    if (Number.isFinite(h.max)) hi = Math.max(hi, h.max);
  }
  if (!(lo <= hi)) return [-1, 1];
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  return [lo, hi];
}

/** The drawn position of a value on a banded axis. */
export function bandedY(v: number, axis: BandedAxis): number {
  const k = classify(v);
  // Above `hi` only on an axis cut short for a diverging run: off scale, drawn with the overflows.
  return k === 'value' ? (v > axis.hi ? axis.overflowAt : v) : k === 'zero' ? axis.zeroAt : axis.overflowAt;
}

/** A value as the data tables and summaries print it: 0 and ∞/NaN named, so a dead or exploded layer reads as such. */
export function fmtBanded(v: number | null, fmt: (x: number) => string): string {
  if (v === null) return '—';
  if (Number.isNaN(v)) return 'NaN (overflow)';
  if (!Number.isFinite(v)) return `${v > 0 ? '∞' : '−∞'} (overflow)`;
  if (v === 0) return '0 (dead)';
  return fmt(v);
}

/** The share of a layer's units that stopped responding: dead (relu) or saturated (tanh, sigmoid); null for other activations. */
export function stuckFraction(l: HistoryLayer): { kind: 'dead' | 'saturated'; value: number } | null {
  if (l.deadFraction !== null) return { kind: 'dead', value: l.deadFraction };
  if (l.saturatedFraction !== null) return { kind: 'saturated', value: l.saturatedFraction };
  return null;
}

/** One chart row per history entry: `g{i}` the drawn gradient norm of layer i+1, `f{i}` its dead/saturated fraction. */
export function gradientChartRows(history: readonly HistoryEntry[], axis: BandedAxis): Record<string, number>[] {
  return history.map((e) => {
    const row: Record<string, number> = { step: e.step };
    e.layers.forEach((l, i) => {
      row[`g${i}`] = bandedY(l.gradNorm, axis);
      const f = stuckFraction(l);
      if (f && Number.isFinite(f.value)) row[`f${i}`] = f.value;
    });
    return row;
  });
}

export type HistKind = 'weights' | 'biases' | 'activations' | 'gradients';

export function histogramOf(l: HistoryLayer, kind: HistKind): HistoryHistogram | null {
  return kind === 'biases' ? l.biases : l[kind];
}

/** The std the history records for a kind of values (gradients have a norm, not a std: null). */
export function stdOf(l: HistoryLayer, kind: HistKind): number | null {
  switch (kind) {
    case 'weights':
      return l.weightStd;
    case 'biases':
      return l.biasStd;
    case 'activations':
      return l.activationStd;
    case 'gradients':
      return null;
  }
}

/** Values in a histogram, counting the non-finite ones. */
export const histTotal = (h: HistoryHistogram): number => h.counts.reduce((a, b) => a + b, 0) + h.nonFinite;

/** What the init schemes draw each weight's std as, for a layer of fanIn inputs and fanOut units (core/trainer.ts). */
export function initStds(fanIn: number, fanOut: number): { standardNormal: number; xavier: number; he: number; lecun: number } {
  return { standardNormal: 1, xavier: Math.sqrt(2 / (fanIn + fanOut)), he: Math.sqrt(2 / fanIn), lecun: 1 / Math.sqrt(fanIn) };
}

/**
 * Exponential moving average with TensorBoard's debiasing (weight w on the past), skipping non-finite
 * values so one overflow does not poison the rest of the curve.
 */
export function ema(values: readonly number[], w: number): number[] {
  const out = new Array<number>(values.length);
  let acc = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    acc = acc * w + (1 - w) * v;
    n++;
    out[i] = w === 0 ? v : acc / (1 - w ** n);
  }
  return out;
}

/** A hidden layer whose saturated share is at least this counts as saturated (its gradient is mostly ~0). */
export const SATURATED_WARNING = 0.9;

export type StuckNet =
  | { kind: 'dead'; layer: number; step: number }
  | { kind: 'saturated'; layer: number; step: number; fraction: number };

/**
 * Whether a run's latest recorded step shows a dead net (every relu unit of a hidden layer at 0 on every
 * row: nothing flows back through it) or a saturated one (tanh/sigmoid units pinned at their limits).
 * The output layer is left out: it is what the loss reads, not a path for the gradient.
 */
export function stuckNet(history: readonly HistoryEntry[]): StuckNet | null {
  const e = history.at(-1);
  if (!e) return null;
  for (let i = 0; i < e.layers.length - 1; i++) {
    const l = e.layers[i]!;
    if (l.deadFraction !== null && l.deadFraction >= 1) return { kind: 'dead', layer: i, step: e.step };
  }
  for (let i = 0; i < e.layers.length - 1; i++) {
    const l = e.layers[i]!;
    if (l.saturatedFraction !== null && l.saturatedFraction >= SATURATED_WARNING) return { kind: 'saturated', layer: i, step: e.step, fraction: l.saturatedFraction };
  }
  return null;
}
