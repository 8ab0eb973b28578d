/**
 * A finished (or failed) run as nnlab keeps it: the experiment it ran, what it reached and every
 * loss. One schema for the IPC call that saves it, the JSON file under the user-data folder and the
 * JSON export. Pure zod + core.
 */
import * as z from 'zod';
import { parseExperiment, type ExperimentInput } from '../index';

export const RUN_FILE_FORMAT = 'nnlab-run';
export const RUN_FILE_VERSION = 1;
export const RUN_STATUSES = ['completed', 'diverged', 'stopped', 'failed'] as const;

/** A file name and an IPC argument at once, so no path separators, dots or spaces. */
export const LibraryIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,80}$/, { error: 'must be 1–80 letters, digits, "-" or "_"' });

const int = z.number({ error: 'must be a non-negative integer' }).int({ error: 'must be a non-negative integer' }).min(0, { error: 'must be a non-negative integer' });
/** JSON has no NaN or Infinity (a hold-out loss can be either); they are saved as null. */
const looseNumber = z.union([z.custom<number>((v) => typeof v === 'number'), z.null()], { error: 'must be a number or null' });

/** The experiment as written (defaults not filled in), checked with the core's own field messages. */
export const ExperimentFieldSchema = z.unknown().transform((v, ctx): ExperimentInput => {
  const r = parseExperiment(v);
  if (!r.ok) {
    for (const i of r.issues) ctx.addIssue({ code: 'custom', message: i.path ? `${i.path}: ${i.message}` : i.message });
    return z.NEVER;
  }
  return v as ExperimentInput;
});

/**
 * A history number as a file keeps it: JSON has no NaN or ±Infinity, so they are written as the strings
 * "NaN", "Infinity", "-Infinity" (see `jsonNumbers`); null (what plain JSON.stringify makes of them) reads as NaN.
 */
// Over IPC (structured clone) NaN and ±Infinity arrive as numbers; zod's z.number() refuses them.
const historyNumber = z.union([z.custom<number>((v) => typeof v === 'number'), z.null(), z.enum(['NaN', 'Infinity', '-Infinity'])], {
  error: 'must be a number, null, "NaN" or "Infinity"',
});
const SavedHistogramSchema = z.object({ min: historyNumber, max: historyNumber, counts: z.array(int), nonFinite: int });
const SavedHistoryLayerSchema = z.object({
  weightStd: historyNumber,
  gradNorm: historyNumber,
  activationStd: historyNumber,
  deadFraction: historyNumber,
  saturatedFraction: historyNumber,
  updateRatio: historyNumber,
  biasStd: historyNumber,
  biasGradNorm: historyNumber,
  // Null off the histogram schedule (core/history.ts); files from before it have them everywhere.
  weights: SavedHistogramSchema.nullable(),
  biases: SavedHistogramSchema.nullable(),
  activations: SavedHistogramSchema.nullable(),
  gradients: SavedHistogramSchema.nullable(),
});
export const SavedHistoryEntrySchema = z.object({ step: int, loss: historyNumber, layers: z.array(SavedHistoryLayerSchema) });
export type SavedHistoryEntry = z.input<typeof SavedHistoryEntrySchema>;
export type SavedHistogram = z.input<typeof SavedHistogramSchema>;
export type HistoryNumber = z.input<typeof historyNumber>;

/** NaN and ±Infinity as strings, so a history survives JSON with its overflow told apart from NaN. */
export function jsonNumbers(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}

/** The number a saved history field stands for (null, from plain JSON, reads as NaN). */
export function historyValue(v: HistoryNumber): number {
  if (typeof v === 'number') return v;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return NaN;
}

export const SavedRunSchema = z.strictObject({
  format: z.literal(RUN_FILE_FORMAT, { error: `must be "${RUN_FILE_FORMAT}"` }),
  version: z.literal(RUN_FILE_VERSION, { error: `must be ${RUN_FILE_VERSION}` }),
  id: LibraryIdSchema,
  name: z.string({ error: 'must be a string' }).max(200, { error: 'must be at most 200 characters' }),
  experiment: ExperimentFieldSchema,
  status: z.enum(RUN_STATUSES, { error: `must be one of ${RUN_STATUSES.map((s) => `"${s}"`).join(', ')}` }),
  /** Why a failed run failed ("trainer process killed (exit code 9)"). */
  failure: z.string().max(2000).nullable(),
  startedAt: z.iso.datetime({ error: 'must be an ISO date-time' }),
  endedAt: z.iso.datetime({ error: 'must be an ISO date-time' }),
  steps: int,
  /** losses[i] is the loss before update i. A Float64Array over IPC, a plain array in the file. */
  losses: z.union([z.instanceof(Float64Array).transform((a) => Array.from(a)), z.array(z.number({ error: 'must be a finite number' }))], {
    error: 'must be an array of finite numbers',
  }),
  testLosses: z.array(z.tuple([int, looseNumber])),
  divergedAtStep: int.nullable(),
  learningRate: z.number({ error: 'must be a positive number' }).positive({ error: 'must be a positive number' }),
  /** The step-scheduled history (core/history.ts); older files have none. */
  history: z.array(SavedHistoryEntrySchema).optional(),
  /** Live learning-rate changes: the first step trained with each new rate. */
  learningRateChanges: z.array(z.strictObject({ step: int, learningRate: z.number().positive() })).optional(),
});

export type SavedRun = z.input<typeof SavedRunSchema>;
export type SavedRunData = z.output<typeof SavedRunSchema>;
