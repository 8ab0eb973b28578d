/** Saved lab state (experiment draft + view), validated on open so a foreign or corrupt file is refused whole. */
import { z } from 'zod';
import { ACTIVATIONS, LOSSES, WEIGHT_SCHEMES } from '../../../core';
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
    histKind: z.enum(['weights', 'biases']),
    presentation: z.boolean(),
    speed: z.union(SPEEDS.map((s) => z.literal(s)) as unknown as [z.ZodLiteral<Speed>, z.ZodLiteral<Speed>]),
    sampleIndex: z.number().int().min(0),
    threshold: z.number().positive().nullable(),
  })
  .partial();
const LabFileSchema = z.strictObject({ format: z.literal('nnlab-lab'), version: z.literal(1), draft: DraftSchema, view: ViewSchema });

export function parseLabFile(text: string): { ok: true; draft: Draft; view: Partial<ViewState> } | { ok: false; message: string } {
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
  return { ok: true, draft: r.data.draft as Draft, view: r.data.view as Partial<ViewState> };
}
