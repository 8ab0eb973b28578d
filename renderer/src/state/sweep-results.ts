/**
 * What the sweep views show, shaped from the runs: bands over seeds, the stability class of each run,
 * cells of the stability map, sorting and the CSV. Pure functions, so each is tested on its own.
 */
import { stabilityOf, type Stability, type SweepRow } from '../../../core/contract/sweep-csv';
import type { AxisValue } from '../../../core/sweep';

export { DEAD_FRACTION, stabilityOf, sweepCsv, type Stability, type SweepRow } from '../../../core/contract/sweep-csv';

/** Okabe–Ito colours (distinct under the common colour-vision deficiencies), each with a letter too. */
export const STABILITY_STYLE: Record<Stability, { color: string; mark: string; label: string }> = {
  converged: { color: '#009E73', mark: 'C', label: 'converged' },
  dead: { color: '#F0E442', mark: 'D', label: 'dead (ended above 90% of its first loss)' },
  diverged: { color: '#D55E00', mark: 'X', label: 'diverged' },
  failed: { color: '#FFFFFF', mark: '!', label: 'failed (no result)' },
  stopped: { color: '#DDDDDD', mark: '–', label: 'not run (stopped)' },
};

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
  /** Runs with a finite final loss (the band is over these). */
  count: number;
}

/** Median and min–max of the finite values; null when there are none. */
export function spreadOf(values: readonly (number | null)[]): Spread | null {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (!xs.length) return null;
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), count: xs.length };
}

export const valueKey = (v: AxisValue | undefined): string => (v === undefined ? '—' : JSON.stringify(v));
export const valueLabel = (v: AxisValue | undefined): string => (v === undefined ? '—' : v === null ? 'full' : String(v));

/** One point of the loss-vs-learning-rate chart: per series, the median and the [min, max] band. */
export type LrPoint = { learningRate: number } & Record<string, number | [number, number] | undefined>;

export interface LrChart {
  /** Series names (init schemes, or "base" when the sweep has no init axis). */
  series: string[];
  points: LrPoint[];
}

/**
 * Final loss against learning rate, one series per init scheme; at each rate the median and min–max
 * over every other axis (seeds, above all). Diverged runs have no finite final loss and leave the band.
 */
export function lossVsLearningRate(runs: readonly SweepRow[]): LrChart {
  const groups = new Map<number, Map<string, (number | null)[]>>();
  const series = new Set<string>();
  for (const r of runs) {
    const lr = r.params.learningRate;
    if (typeof lr !== 'number' || r.status === 'failed' || r.status === 'stopped') continue;
    const name = typeof r.params['init.weights'] === 'string' ? r.params['init.weights'] : 'base';
    series.add(name);
    const byName = groups.get(lr) ?? new Map<string, (number | null)[]>();
    groups.set(lr, byName);
    byName.set(name, [...(byName.get(name) ?? []), r.status === 'diverged' ? null : r.finalLoss]);
  }
  const points = [...groups.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([learningRate, byName]) => {
      const p: LrPoint = { learningRate };
      for (const [name, values] of byName) {
        const s = spreadOf(values);
        if (!s) continue;
        p[`${name}:median`] = s.median;
        p[`${name}:band`] = [s.min, s.max];
      }
      return p;
    });
  return { series: [...series], points };
}

export interface StabilityCell {
  x: AxisValue;
  y: AxisValue | undefined;
  /** The runs at this cell (one per value of every other axis). */
  runs: SweepRow[];
  counts: Record<Stability, number>;
  /** The most common class among the runs that ran; a tie goes to the worse one. */
  stability: Stability;
}

const WORST_FIRST: Stability[] = ['diverged', 'dead', 'converged', 'failed', 'stopped'];

export function cellStability(counts: Record<Stability, number>): Stability {
  let best: Stability = 'stopped';
  let n = 0;
  for (const s of WORST_FIRST) {
    if (counts[s] > n) {
      best = s;
      n = counts[s];
    }
  }
  return best;
}

/** Cells of the stability map over axes `x` and `y` (y absent: one row). Values in the sweep's order. */
export function stabilityGrid(runs: readonly SweepRow[], axes: Record<string, AxisValue[]>, x: string, y: string | null): { xs: AxisValue[]; ys: (AxisValue | undefined)[]; cells: StabilityCell[] } {
  const xs = axes[x] ?? [];
  const ys: (AxisValue | undefined)[] = y ? (axes[y] ?? []) : [undefined];
  const cells: StabilityCell[] = [];
  for (const yv of ys) {
    for (const xv of xs) {
      const here = runs.filter((r) => r.params[x] === xv && (y === null || r.params[y] === yv));
      const counts: Record<Stability, number> = { converged: 0, dead: 0, diverged: 0, failed: 0, stopped: 0 };
      for (const r of here) counts[stabilityOf(r)]++;
      cells.push({ x: xv, y: yv, runs: here, counts, stability: cellStability(counts) });
    }
  }
  return { xs, ys, cells };
}

export type SortKey = 'index' | `param:${string}` | 'status' | 'finalLoss' | 'minLoss' | 'divergedAtStep' | 'testLoss' | 'accuracy' | 'seconds';

function sortValue(r: SweepRow, key: SortKey): number | string | null {
  if (key.startsWith('param:')) {
    const v = r.params[key.slice(6)];
    return v === undefined || v === null ? null : typeof v === 'boolean' ? Number(v) : v;
  }
  if (key === 'status') return stabilityOf(r);
  const v = r[key as Exclude<SortKey, `param:${string}` | 'status'>];
  return typeof v === 'number' && !Number.isNaN(v) ? v : null;
}

/** Sorted copy; runs without a value (failed, diverged, no hold-out) go last in either direction. */
export function sortRuns(runs: readonly SweepRow[], key: SortKey, descending: boolean): SweepRow[] {
  return [...runs].sort((a, b) => {
    const va = sortValue(a, key);
    const vb = sortValue(b, key);
    if (va === null || vb === null) return va === vb ? a.index - b.index : va === null ? 1 : -1;
    const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
    return (descending ? -c : c) || a.index - b.index;
  });
}

/** Values typed into an axis field: "0.1, 0.01", "xavier, he", "true, false", "null, 16". */
export function parseAxisText(text: string): AxisValue[] {
  return text
    .split(/[,\s]+/)
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .map((t) => {
      if (t === 'true') return true;
      if (t === 'false') return false;
      if (t === 'null' || t === 'full') return null;
      const n = Number(t);
      return Number.isFinite(n) ? n : t;
    });
}

export interface SchemeSummary<S extends string> {
  scheme: S;
  /** Runs ended (any status). */
  runs: number;
  /** Over the runs with a finite final loss; diverged runs are counted apart, not averaged in. */
  spread: Spread | null;
  diverged: number;
  failed: number;
}

/** Compare's paired seeds: per init scheme, the median and min–max final loss over its seeds. */
export function seedSummary<S extends string>(runs: readonly SweepRow[], schemes: readonly S[]): SchemeSummary<S>[] {
  return schemes.map((scheme) => {
    const mine = runs.filter((r) => r.params['init.weights'] === scheme && r.status !== 'stopped');
    return {
      scheme,
      runs: mine.length,
      spread: spreadOf(mine.filter((r) => r.status === 'completed').map((r) => r.finalLoss)),
      diverged: mine.filter((r) => stabilityOf(r) === 'diverged').length,
      failed: mine.filter((r) => r.status === 'failed').length,
    };
  });
}
