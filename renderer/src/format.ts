/** Number formatting shared by the views: losses span 1e-8 to 1e+12, so compact scientific notation wins. */
export function fmtLoss(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(3);
  return Number(v.toPrecision(5)).toString();
}

// toLocaleString builds a formatter per call; axis ticks format hundreds of numbers a second.
const INT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
export function fmtInt(v: number): string {
  return INT.format(Math.round(v));
}

export function fmtPct(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(1)}%`;
}

/** A learning rate as a student would type it: 1e-6, 3.2e-5, 0.1. */
export function fmtRate(v: number): string {
  if (!(v > 0) || !Number.isFinite(v)) return String(v);
  if (v >= 1e-3 && v < 100) return Number(v.toPrecision(2)).toString();
  const [m, e] = v.toExponential(1).split('e');
  const mant = m!.endsWith('.0') ? m!.slice(0, -2) : m!;
  return `${mant}e${Number(e)}`;
}

export function fmtScores(v: readonly number[]): string {
  return v.map((x) => fmtLoss(x)).join(', ');
}

export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}
