/**
 * Saved lab state (experiment draft + view, and since version 2 the runs with their history), validated on
 * open so a foreign or corrupt file is refused whole.
 */
import { z } from 'zod';
import { ACTIVATIONS, LOSSES, parseExperiment, WEIGHT_SCHEMES, type Experiment, type WeightScheme } from '../../../core';
import type { SavedRun } from '../../../core/contract/api';
import { historyValue, jsonNumbers, SavedRunSchema } from '../../../core/contract/run-file';
import { DATASETS, type DatasetKey, type Draft } from './draft';
import { SPEEDS, type Speed, type ViewState } from './view';

const LayerDraftSchema = z.strictObject({ units: z.string(), activation: z.enum(ACTIVATIONS) });
const DraftSchema = z.strictObject({
  presetId: z.string(),
  dataset: z.enum(DATASETS.map((d) => d.value) as [DatasetKey, ...DatasetKey[]]),
  base: z.record(z.string(), z.unknown()),
  learningRate: z.string(),
  init: z.enum([...WEIGHT_SCHEMES, 'explicit']),
  bias: z.boolean(),
  loss: z.enum(LOSSES),
  seed: z.string(),
  steps: z.string(),
  batchSize: z.string(),
  hidden: z.array(LayerDraftSchema).max(64),
  outputActivation: z.enum(ACTIVATIONS),
});
const ViewSchema = z
  .object({
    logScale: z.boolean(),
    histLayer: z.number().int().min(0),
    logX: z.boolean(),
    smoothing: z.number().min(0).max(0.999),
    histKind: z.enum(['weights', 'biases', 'activations', 'gradients']),
    histMode: z.enum(['offset', 'overlay']),
    histShared: z.boolean(),
    presentation: z.boolean(),
    speed: z.union(SPEEDS.map((s) => z.literal(s)) as unknown as [z.ZodLiteral<Speed>, z.ZodLiteral<Speed>]),
    sampleIndex: z.number().int().min(0),
    threshold: z.number().positive().nullable(),
  })
  .partial();
/** A run in a lab file: the library's run record (a diverged run's last losses may be "Infinity" or "NaN"), and how the lab showed it. */
const LabRunSchema = z.strictObject({
  run: SavedRunSchema.extend({ losses: z.array(z.union([z.number(), z.null(), z.enum(['NaN', 'Infinity', '-Infinity'])])) }),
  label: z.string().max(300),
  scheme: z.enum(WEIGHT_SCHEMES).nullable(),
  group: z.number().int().min(0).nullable(),
  visible: z.boolean(),
  active: z.boolean(),
});
const LabFileSchema = z.strictObject({
  format: z.literal('nnlab-lab'),
  version: z.union([z.literal(1), z.literal(2)]),
  draft: DraftSchema,
  view: ViewSchema,
  runs: z.array(LabRunSchema).max(64).optional(),
});

export const LAB_FILE_VERSION = 2;

export interface LabRun {
  saved: SavedRun;
  experiment: Experiment;
  label: string;
  scheme: WeightScheme | null;
  group: number | null;
  visible: boolean;
  active: boolean;
}

/** The lab as a file: NaN and ±Infinity in losses and histories are written as strings, so they come back as they were. */
export function labFileText(draft: Draft, view: ViewState, runs: readonly Omit<LabRun, 'experiment'>[]): string {
  const body = { format: 'nnlab-lab', version: LAB_FILE_VERSION, draft, view, runs: runs.map((r) => ({ run: r.saved, label: r.label, scheme: r.scheme, group: r.group, visible: r.visible, active: r.active })) };
  return JSON.stringify(body, jsonNumbers, 1);
}

export function parseLabFile(text: string): { ok: true; draft: Draft; view: Partial<ViewState>; runs: LabRun[] } | { ok: false; message: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: `Not an nnlab lab file: not valid JSON (${(e as Error).message})` };
  }
  const r = LabFileSchema.safeParse(raw);
  if (!r.success) {
    const first = r.error.issues[0];
    const where = first?.path.length ? first.path.join('.') : 'file';
    return { ok: false, message: `Not an nnlab lab file: ${where}: ${first?.message ?? 'invalid'}` };
  }
  const runs: LabRun[] = [];
  for (const [i, lr] of (r.data.runs ?? []).entries()) {
    const exp = parseExperiment(lr.run.experiment);
    if (!exp.ok) return { ok: false, message: `Not an nnlab lab file: runs.${i}.run.experiment: ${exp.message}` };
    const saved = { ...lr.run, losses: lr.run.losses.map((v) => historyValue(v)) } as unknown as SavedRun;
    runs.push({ saved, experiment: exp.experiment, label: lr.label, scheme: lr.scheme, group: lr.group, visible: lr.visible, active: lr.active });
  }
  return { ok: true, draft: r.data.draft as Draft, view: r.data.view as Partial<ViewState>, runs };
}
