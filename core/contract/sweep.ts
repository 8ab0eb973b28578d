/**
 * What a sweep's run pool and its workers say to each other, and the results file they produce.
 * Workers are another thread (worker_threads in Node, Web Workers in the browser): every message
 * from one is checked here before the pool believes it, so a confused worker fails its run instead
 * of corrupting the results.
 */
import * as z from 'zod';
import type { RunResult } from '../types';
import type { AxisValue } from '../sweep';

/** Pool → worker: train one grid point. The experiment is re-validated by the worker. */
export interface SweepJob {
  type: 'run';
  index: number;
  experiment: unknown;
  /** Send the whole `nnlab train --out` result back (for --runs-dir, or to open the run with its history). */
  keepResult: boolean;
  /** With `keepResult`: false leaves the step-scheduled history out (it is then not recorded at all). */
  keepHistory?: boolean;
}

export const SweepJobSchema = z.strictObject({
  type: z.literal('run'),
  index: z.number().int().min(0),
  experiment: z.unknown(),
  keepResult: z.boolean(),
  keepHistory: z.boolean().optional(),
});

/** Any number, NaN and ±Infinity included (a diverged run's hold-out loss may be one). */
const anyNumber = z.custom<number>((v) => typeof v === 'number', { message: 'must be a number' });
const nullableNumber = z.union([anyNumber, z.null()]);

/** What a finished run reports; the same numbers the full result holds, summarised. */
export const SweepRunNumbersSchema = z.strictObject({
  status: z.enum(['completed', 'diverged']),
  steps: z.number().int().min(0),
  /** Loss before the last update (the last of `nnlab train`'s losses); null if no step ran. */
  finalLoss: nullableNumber,
  minLoss: nullableNumber,
  divergedAtStep: z.number().int().min(0).nullable(),
  /** The last hold-out loss (after training); null without a hold-out. */
  testLoss: nullableNumber,
  /** Argmax accuracy of the final network on the training rows; null unless targets are one-hot classes. */
  accuracy: nullableNumber,
  /** The same on the hold-out rows; null without a hold-out or without classes. */
  testAccuracy: nullableNumber,
  /** The training loop alone, as `nnlab train` measures it. */
  seconds: anyNumber,
});
export type SweepRunNumbers = z.infer<typeof SweepRunNumbersSchema>;

/** The full result is checked only for its outline: it comes from the same Trainer.result() the CLI writes. */
const RunResultOutline = z.custom<RunResult>(
  (v) => typeof v === 'object' && v !== null && (v as RunResult).version === 1 && Array.isArray((v as RunResult).losses) && Array.isArray((v as RunResult).params),
  { message: 'must be a run result (version 1)' },
);

export const SweepWorkerMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('progress'), index: z.number().int().min(0), step: z.number().int().min(0), steps: z.number().int().min(0) }),
  z.strictObject({ type: z.literal('done'), index: z.number().int().min(0), run: SweepRunNumbersSchema, result: RunResultOutline.optional() }),
  z.strictObject({ type: z.literal('failed'), index: z.number().int().min(0), error: z.string() }),
]);
export type SweepWorkerMessage = z.infer<typeof SweepWorkerMessageSchema>;

export type SweepRunStatus = 'completed' | 'diverged' | 'failed' | 'stopped';

/** One run of the results file. Numbers are null where the run has none (failed, stopped, no hold-out). */
export interface SweepRun {
  /** Position in grid order (the order of `expandSweep`'s points). */
  index: number;
  params: Record<string, AxisValue>;
  status: SweepRunStatus;
  /** Updates applied (for a stopped run: the last step it reported). */
  steps: number;
  finalLoss: number | null;
  minLoss: number | null;
  divergedAtStep: number | null;
  testLoss: number | null;
  accuracy: number | null;
  testAccuracy: number | null;
  seconds: number | null;
  /** Why a failed run failed (a crashed worker, an exception). */
  error?: string;
}

/** The `nnlab sweep --out` file, format v1. */
export interface SweepResults {
  version: 1;
  runs: SweepRun[];
  /** Wall clock of the whole sweep, worker start-up included, and the pool size. */
  timing: { seconds: number; workers: number };
}
