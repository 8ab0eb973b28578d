/**
 * A sweep's results table as CSV, and the stability class each run gets in it. Shared by the web build
 * (a download) and main (the desktop's save dialog validates the rows with `SweepCsvRowsSchema` and
 * writes this same text), so the two files are the same bytes. Pure: zod, papaparse and the core only.
 */
import Papa from 'papaparse';
import * as z from 'zod';
import { SWEEP_AXES, type AxisValue } from '../sweep';
import type { SweepRun } from './sweep';

/** A sweep run as the app keeps it: the results-file numbers plus the first loss (for "dead"). */
export interface SweepRow extends SweepRun {
  /** Loss at step 0 (before any update); null when no step ran. */
  firstLoss: number | null;
}

export type Stability = 'converged' | 'dead' | 'diverged' | 'failed' | 'stopped';

/**
 * A run that ended above this share of its starting loss learned next to nothing: "dead" (saturated
 * units, a rate too small, dead ReLUs). 0.9 rather than 1.0 so a run that only crept down still counts.
 */
export const DEAD_FRACTION = 0.9;

export function stabilityOf(run: Pick<SweepRow, 'status' | 'finalLoss' | 'firstLoss'>): Stability {
  if (run.status === 'failed' || run.status === 'stopped') return run.status;
  if (run.status === 'diverged' || run.finalLoss === null || !Number.isFinite(run.finalLoss)) return 'diverged';
  if (run.firstLoss !== null && Number.isFinite(run.firstLoss) && run.finalLoss > DEAD_FRACTION * run.firstLoss) return 'dead';
  return 'converged';
}

/** The results table as CSV: one column per axis, then the run's numbers at full precision. */
export function sweepCsv(runs: readonly SweepRow[], axisNames: readonly string[]): string {
  const fields = ['index', ...axisNames, 'status', 'stability', 'steps', 'firstLoss', 'finalLoss', 'minLoss', 'divergedAtStep', 'testLoss', 'accuracy', 'testAccuracy', 'seconds', 'error'];
  const num = (v: number | null) => (v === null ? '' : String(v));
  const data = runs.map((r) => [
    r.index,
    ...axisNames.map((a) => (r.params[a] === null ? 'null' : String(r.params[a] ?? ''))),
    r.status,
    stabilityOf(r),
    r.steps,
    num(r.firstLoss),
    num(r.finalLoss),
    num(r.minLoss),
    num(r.divergedAtStep),
    num(r.testLoss),
    num(r.accuracy),
    num(r.testAccuracy),
    num(r.seconds),
    r.error ?? '',
  ]);
  return Papa.unparse({ fields, data }, { newline: '\n' });
}

const AXIS_NAMES = SWEEP_AXES.map((a) => a.name);
/** Sweeps the UI runs are small grids; this only bounds what one IPC call may ask main to write. */
export const MAX_SWEEP_CSV_RUNS = 100_000;

const count = z.number({ error: 'must be a non-negative integer' }).int({ error: 'must be a non-negative integer' }).min(0, { error: 'must be a non-negative integer' });
/** Any number, NaN and ±Infinity included (a diverged run's loss may be one; structured clone keeps them). */
const anyNumber = z.custom<number>((v) => typeof v === 'number', { error: 'must be a number' });
const nullableNumber = z.union([anyNumber, z.null()], { error: 'must be a number or null' });
const axisValue = z.union([z.number(), z.string().max(200), z.boolean(), z.null()], { error: 'must be a number, string, boolean or null' });
const AxisNameSchema = z.enum(AXIS_NAMES as [string, ...string[]], { error: `must be a sweep axis (${AXIS_NAMES.join(', ')})` });

/** One row of the results table as the renderer holds it; unknown fields are refused. */
export const SweepCsvRowSchema = z.strictObject({
  index: count,
  params: z.partialRecord(AxisNameSchema, axisValue).transform((p) => p as Record<string, AxisValue>),
  status: z.enum(['completed', 'diverged', 'failed', 'stopped'], { error: 'must be "completed", "diverged", "failed" or "stopped"' }),
  steps: count,
  firstLoss: nullableNumber,
  finalLoss: nullableNumber,
  minLoss: nullableNumber,
  divergedAtStep: count.nullable(),
  testLoss: nullableNumber,
  accuracy: nullableNumber,
  testAccuracy: nullableNumber,
  seconds: nullableNumber,
  error: z.string().max(2000).optional(),
});
export const SweepCsvRowsSchema = z.array(SweepCsvRowSchema).min(1, { error: 'must hold at least one run' }).max(MAX_SWEEP_CSV_RUNS);
export const SweepAxisNamesSchema = z.array(AxisNameSchema).max(AXIS_NAMES.length);
