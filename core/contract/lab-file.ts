/**
 * The lab file (`nnlab-lab`): the experiment as typed in the editor, how the lab shows it, an optional
 * lesson, and (since version 2) the lab's runs with their losses and history, so a reopened lab draws
 * the same charts. Version-1 files open unchanged. Shared by the renderer (save, open in the browser) and main (open on the desktop),
 * so a file one of them accepts the other accepts too. Pure: zod and the core only.
 */
import * as z from 'zod';
import { ACTIVATIONS, ExperimentSchema, LOSSES, OPTIMIZERS, SCHEDULES, WEIGHT_SCHEMES, type ExperimentInput } from '../experiment';
import { jsonNumbers, SavedRunSchema } from './run-file';

export const LAB_FILE_FORMAT = 'nnlab-lab';

/** Data kinds the editor's Dataset select offers ('inline' = the preset's own rows). */
export const DATASET_KEYS = ['quadrants', 'xor', 'circles', 'spiral', 'gaussians', 'random-regression', 'inline'] as const;
export type DatasetKey = (typeof DATASET_KEYS)[number];

/** Steps a second; 0 = as fast as the trainer goes. */
export const SPEEDS = [0, 1000, 100, 10, 1] as const;
export type Speed = (typeof SPEEDS)[number];

/** Controls a lesson step can lock (the editor's fields by what they set). */
/** 'optimizer' holds the whole update rule: the optimiser and its settings, the penalties and the learning-rate schedule. */
export const LOCKABLE_CONTROLS = ['preset', 'dataset', 'learningRate', 'init', 'bias', 'loss', 'seed', 'steps', 'batchSize', 'layers', 'outputActivation', 'optimizer'] as const;
export type LockableControl = (typeof LOCKABLE_CONTROLS)[number];

/** Views a step can point at. 'network' and 'last-update' are views other work adds; a file naming them stays valid. */
export const LESSON_VIEWS = ['loss', 'predictions', 'histograms', 'gradients', 'network', 'last-update'] as const;
export type LessonView = (typeof LESSON_VIEWS)[number];

const LayerDraftSchema = z.strictObject({ units: z.string(), activation: z.enum(ACTIVATIONS) });
export const LabDraftSchema = z.strictObject({
  presetId: z.string(),
  dataset: z.enum(DATASET_KEYS),
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
  // The data sliders and format v2's training fields, as typed; a file from before them reads them from `base`.
  samples: z.string().optional(),
  noise: z.string().optional(),
  testRatio: z.string().optional(),
  optimizer: z.enum(OPTIMIZERS).optional(),
  momentum: z.string().optional(),
  rho: z.string().optional(),
  beta1: z.string().optional(),
  beta2: z.string().optional(),
  epsilon: z.string().optional(),
  biasCorrection: z.boolean().optional(),
  l2: z.string().optional(),
  l1: z.string().optional(),
  schedule: z.enum(SCHEDULES).optional(),
  stepEvery: z.string().optional(),
  stepFactor: z.string().optional(),
  decayRate: z.string().optional(),
  cosineSteps: z.string().optional(),
  minLearningRate: z.string().optional(),
});

export const LabViewSchema = z
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

export const LessonStepSchema = z.strictObject({
  title: z.string().trim().min(1).max(80),
  /** What to do and what to notice: a few sentences, read aloud in class. */
  text: z.string().trim().min(1).max(1000),
  /** The prepared experiment in the core's own format, validated as such but kept as written (presets match it). */
  experiment: z
    .record(z.string(), z.unknown())
    .superRefine((value, ctx) => {
      const r = ExperimentSchema.safeParse(value);
      if (!r.success) for (const iss of r.error.issues) ctx.addIssue({ code: 'custom', message: iss.message, path: iss.path });
    })
    .transform((v) => v as ExperimentInput),
  /** The preset it was taken from, shown in the Preset select; '' or absent = Custom. */
  preset: z.string().max(100).optional(),
  locked: z.array(z.enum(LOCKABLE_CONTROLS)).max(LOCKABLE_CONTROLS.length).default([]),
  /** Why the locked controls are locked, shown next to them. */
  lockReason: z.string().max(200).optional(),
  look: z.enum(LESSON_VIEWS).optional(),
  speed: z.union(SPEEDS.map((s) => z.literal(s)) as unknown as [z.ZodLiteral<Speed>, z.ZodLiteral<Speed>]).optional(),
});

export const LessonSchema = z.strictObject({
  title: z.string().trim().min(1).max(100),
  summary: z.string().max(500).optional(),
  steps: z.array(LessonStepSchema).min(1).max(50),
});

export type LessonStep = z.output<typeof LessonStepSchema>;
export type LessonStepInput = z.input<typeof LessonStepSchema>;
export type Lesson = z.output<typeof LessonSchema>;
export type LessonInput = z.input<typeof LessonSchema>;
export type LabDraftData = z.output<typeof LabDraftSchema>;
export type LabViewData = z.output<typeof LabViewSchema>;

/** A run in a lab file: the library's run record (a diverged run's last losses may be "Infinity" or "NaN"), and how the lab showed it. */
export const LabRunSchema = z.strictObject({
  run: SavedRunSchema.extend({ losses: z.array(z.union([z.number(), z.null(), z.enum(['NaN', 'Infinity', '-Infinity'])])) }),
  label: z.string().max(300),
  scheme: z.enum(WEIGHT_SCHEMES).nullable(),
  group: z.number().int().min(0).nullable(),
  visible: z.boolean(),
  active: z.boolean(),
});

export const LAB_FILE_VERSION = 2;

export const LabFileSchema = z.strictObject({
  format: z.literal(LAB_FILE_FORMAT),
  version: z.union([z.literal(1), z.literal(LAB_FILE_VERSION)]),
  draft: LabDraftSchema,
  view: LabViewSchema,
  lesson: LessonSchema.optional(),
  runs: z.array(LabRunSchema).max(64).optional(),
});
export type LabFile = z.output<typeof LabFileSchema>;
/** A lab file as it is written (and handed to main to save): NaN and ±Infinity in runs already strings. */
export type LabFileInput = z.input<typeof LabFileSchema>;

/** A lesson's file name from its title: the web build's download and the desktop's suggested name. */
export function lessonFileName(title: string): string {
  return `${title.trim().replace(/[^A-Za-z0-9]+/g, '-').toLowerCase() || 'lesson'}.json`;
}

/**
 * The text main writes for a validated lab file: a lesson file indented for reading (and editing by a
 * teacher), a lab with runs more compactly; NaN and ±Infinity as strings so they come back as they were.
 */
export function labFileJson(file: LabFile): string {
  return `${JSON.stringify(file, jsonNumbers, file.lesson ? 2 : 1)}\n`;
}

export type LabFileResult = { ok: true; file: LabFile } | { ok: false; message: string };

/** `lesson.steps[1].experiment.learningRate` */
function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out;
}

/** One message naming the first bad field, for a file as parsed JSON. */
export function checkLabFile(raw: unknown): LabFileResult {
  const r = LabFileSchema.safeParse(raw);
  if (r.success) return { ok: true, file: r.data };
  const first = r.error.issues[0];
  const where = first?.path.length ? pathText(first.path) : 'file';
  return { ok: false, message: `Not an nnlab lab file: ${where}: ${first?.message ?? 'invalid'}` };
}

export function parseLabFileText(text: string): LabFileResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: `Not an nnlab lab file: not valid JSON (${(e as Error).message})` };
  }
  return checkLabFile(raw);
}

/** A lesson on its own (the shipped ones, a test's): the same one-message rule. */
export function checkLesson(raw: unknown): { ok: true; lesson: Lesson } | { ok: false; message: string } {
  const r = LessonSchema.safeParse(raw);
  if (r.success) return { ok: true, lesson: r.data };
  const first = r.error.issues[0];
  return { ok: false, message: `Not a valid lesson: ${first?.path.length ? pathText(first.path) : 'lesson'}: ${first?.message ?? 'invalid'}` };
}
