/**
 * The IPC between the preload and main: channel names and, for every call, a zod schema of its
 * arguments. Main checks the sender and validates the arguments of every call before acting
 * (ipc.ts); the preload only forwards, importing the channel names from ipc-channels.ts alone so its
 * bundle holds neither zod nor the core.
 */
import * as z from 'zod';
import { ProcessRoleSchema, RunIdSchema } from '../../core/contract/control-protocol';
import type { Call } from '../common/ipc-channels';
import { ExperimentFieldSchema, LibraryIdSchema, SavedRunSchema } from '../../core/contract/run-file';
import { LabFileSchema } from '../../core/contract/lab-file';
import { SweepAxisNamesSchema, SweepCsvRowsSchema } from '../../core/contract/sweep-csv';

export { EVENTS, CALL_CHANNELS, type Call } from '../common/ipc-channels';

const ExportFormatSchema = z.enum(['csv', 'json', 'numpy'], { error: 'must be "csv", "json" or "numpy"' });
const none = z.tuple([], { error: 'takes no arguments' });
const stepIndex = z
  .number({ error: 'must be a non-negative integer' })
  .int({ error: 'must be a non-negative integer' })
  .min(0, { error: 'must be a non-negative integer' })
  .max(Number.MAX_SAFE_INTEGER, { error: 'must be a non-negative integer' });
/** Which update "Export this step as numpy" explains, and whose record it prints (main checks the row against the data). */
const ExplainedStepSchema = z.strictObject({ step: stepIndex, sampleRow: stepIndex });
/** `openRun()` is a trainer; `openRun({ role: 'sweep' })` a sweep-pool worker. */
const OpenRunOptionsSchema = z.strictObject({ role: ProcessRoleSchema });

/** renderer → main (ipcRenderer.invoke), one schema of the argument list per channel. */
export const CALLS = {
  'nnlab:open-run': z.tuple([OpenRunOptionsSchema.optional()]),
  'nnlab:close-run': z.tuple([RunIdSchema]),
  'nnlab:open-experiment': none,
  'nnlab:open-recent': z.tuple([z.string().min(1).max(4096)]),
  'nnlab:recent-files': none,
  'nnlab:save-experiment-as': z.tuple([ExperimentFieldSchema]),
  'nnlab:export-run': z.tuple([ExportFormatSchema, SavedRunSchema]),
  'nnlab:export-step': z.tuple([ExperimentFieldSchema, ExplainedStepSchema]),
  // What main writes is made from these validated values, never from text the renderer hands over.
  'nnlab:save-lab-file': z.tuple([LabFileSchema]),
  'nnlab:export-numpy': z.tuple([ExperimentFieldSchema]),
  'nnlab:export-sweep-csv': z.tuple([SweepCsvRowsSchema, SweepAxisNamesSchema]),
  'nnlab:list-experiments': none,
  'nnlab:load-experiment': z.tuple([LibraryIdSchema]),
  'nnlab:save-experiment': z.tuple([ExperimentFieldSchema]),
  'nnlab:list-runs': none,
  'nnlab:load-run': z.tuple([LibraryIdSchema]),
  'nnlab:save-run': z.tuple([SavedRunSchema]),
  'nnlab:open-csv': none,
} satisfies Record<Call, z.ZodType>;

export type CallArgs<C extends Call> = z.output<(typeof CALLS)[C]>;
