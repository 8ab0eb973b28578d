/**
 * The trainer protocol: every message between a UI and a trainer, both ways, as zod schemas.
 *
 * One protocol for every host: the Electron utility process (over a MessageChannelMain port pair)
 * and the web build's Web Worker speak exactly these messages, so this module imports only zod and
 * core types — no Electron, no Node, no DOM. Both ends validate what they receive; a message that
 * fails validation is answered with an `error` naming the field, never thrown.
 */
import * as z from 'zod';
import { formatPath, type ActivationGrid, type FieldIssue, type HistoryEntry, type MetricsSnapshot, type PredictionGrid, type UpdateExplanation } from '../index';

/** At most this many progress messages a second, however fast training runs. */
export const MAX_PROGRESS_PER_SECOND = 30;

const int = (min: number, max: number) =>
  z
    .number({ error: `must be an integer from ${min} to ${max}` })
    .int({ error: `must be an integer from ${min} to ${max}` })
    .min(min, { error: `must be an integer from ${min} to ${max}` })
    .max(max, { error: `must be an integer from ${min} to ${max}` });

/** Echoed back in the `error` a message causes, so a UI can match the two. */
const id = int(0, Number.MAX_SAFE_INTEGER).optional();

// ---------------------------------------------------------------------------------------------
// UI → trainer

export const StartMessage = z.strictObject({
  type: z.literal('start'),
  id,
  /** Raw experiment JSON; the trainer parses it itself so field errors come back as `issues`. */
  experiment: z.unknown(),
  /** A metrics snapshot every this many steps (rate-limited to a few a second). Default: ~100 per run. */
  snapshotEvery: int(1, 10_000_000).optional(),
  /** Cells per side of the 2-D prediction grid sent with snapshots. */
  gridResolution: int(2, 256).optional(),
  /** Start paused at step 0 (to single-step) instead of running. */
  paused: z.boolean({ error: 'must be true or false' }).optional(),
});

export const PauseMessage = z.strictObject({ type: z.literal('pause'), id });
export const ResumeMessage = z.strictObject({ type: z.literal('resume'), id });
/**
 * Runs `count` steps, then pauses (single-stepping from a paused run). With `explain` (count 1) the step
 * is taken by `Trainer.stepExplained` and an `explanation` message precedes the usual progress,
 * snapshot and status; `explain.sample` is the data set row whose forward and backward record is
 * wanted (a row outside the batch means the batch's first row).
 */
export const StepMessage = z
  .strictObject({
    type: z.literal('step'),
    id,
    count: int(1, 1_000_000),
    explain: z.strictObject({ sample: int(0, Number.MAX_SAFE_INTEGER) }, { error: 'must be an object {"sample": row}' }).optional(),
  })
  .refine((m) => !m.explain || m.count === 1, { path: ['count'], error: 'must be 1 when the step is explained' });
/** Back to step 0 with the same experiment and initial parameters; the run is left paused. */
export const ResetMessage = z.strictObject({ type: z.literal('reset'), id });
/** Ends the run for good: a final snapshot and status `stopped` follow. */
export const StopMessage = z.strictObject({ type: z.literal('stop'), id });
export const SetLearningRateMessage = z.strictObject({
  type: z.literal('setLearningRate'),
  id,
  learningRate: z
    .number({ error: 'must be a positive finite number' })
    .positive({ error: 'must be a positive finite number' })
    .finite({ error: 'must be a positive finite number' }),
});
export const RequestSnapshotMessage = z.strictObject({
  type: z.literal('requestSnapshot'),
  id,
  /** Include the prediction grid (2-D inputs only). Default true. */
  grid: z.boolean({ error: 'must be true or false' }).optional(),
});

/** Caps the training speed (presentation mode: 1, 10, 100 steps a second); null runs flat out. */
export const SetSpeedMessage = z.strictObject({
  type: z.literal('setSpeed'),
  id,
  stepsPerSecond: z
    .number({ error: 'must be a positive number or null' })
    .positive({ error: 'must be a positive number or null' })
    .max(1e9, { error: 'must be at most 1e9' })
    .nullable(),
});
export const MAX_PREDICT_POINTS = 10_000;
/** Network outputs at arbitrary points (a probe on the decision map, test points); answered by `prediction` with the same id. */
export const PredictMessage = z.strictObject({
  type: z.literal('predict'),
  id: int(0, Number.MAX_SAFE_INTEGER),
  points: z
    .array(z.array(z.number({ error: 'must be a finite number' }), { error: 'must be an array of numbers' }), { error: 'must be an array of points' })
    .min(1, { error: 'must have at least one point' })
    .max(MAX_PREDICT_POINTS, { error: `must have at most ${MAX_PREDICT_POINTS} points` }),
});

export const TO_TRAINER_TYPES = ['start', 'pause', 'resume', 'step', 'reset', 'stop', 'setLearningRate', 'requestSnapshot', 'setSpeed', 'predict'] as const;

const typeList = (types: readonly string[]) => types.map((t) => `"${t}"`).join(', ');
/** A bad discriminator is reported on `type`; a non-object as the message itself. */
const unionError = (types: readonly string[]) => (iss: { path?: PropertyKey[] }) =>
  iss.path?.length ? `must be one of ${typeList(types)}` : `must be a message object {"type": …} with type one of ${typeList(types)}`;

export const ToTrainerSchema = z.discriminatedUnion(
  'type',
  [StartMessage, PauseMessage, ResumeMessage, StepMessage, ResetMessage, StopMessage, SetLearningRateMessage, RequestSnapshotMessage, SetSpeedMessage, PredictMessage],
  { error: unionError(TO_TRAINER_TYPES) },
);
export type ToTrainer = z.output<typeof ToTrainerSchema>;

// ---------------------------------------------------------------------------------------------
// trainer → UI

/**
 * Metric values may be NaN (loss before the first step) or ±Infinity (a diverging run); zod 4's
 * `z.number()` refuses both, so these fields accept any number.
 */
const anyNumber = z.custom<number>((v) => typeof v === 'number', { error: 'must be a number' });
const count = z.number().int().min(0);

const HistogramSchema = z.object({ min: anyNumber, max: anyNumber, counts: z.array(count), mean: anyNumber, std: anyNumber });
const LayerMetricsSchema = z.object({
  weights: HistogramSchema,
  biases: HistogramSchema.nullable(),
  weightGradNorm: anyNumber,
  biasGradNorm: anyNumber.nullable(),
  weightNorm: anyNumber,
  deadFraction: anyNumber.nullable(),
  meanAbsActivation: anyNumber,
});
export const MetricsSnapshotSchema: z.ZodType<MetricsSnapshot> = z.object({
  step: count,
  loss: anyNumber,
  layers: z.array(LayerMetricsSchema),
  accuracy: anyNumber.nullable(),
  testAccuracy: anyNumber.nullable(),
  testLoss: anyNumber.nullable(),
});
export const PredictionGridSchema: z.ZodType<PredictionGrid> = z.object({
  xMin: anyNumber,
  xMax: anyNumber,
  yMin: anyNumber,
  yMax: anyNumber,
  resolution: z.number().int().min(1),
  outputs: z.number().int().min(1),
  values: z.instanceof(Float32Array, { error: 'must be a Float32Array' }),
  argmax: z.instanceof(Uint8Array, { error: 'must be a Uint8Array' }),
});

/**
 * `idle`: no experiment yet. `paused`: started (or reset) and waiting. `running`: stepping in time
 * slices. `completed`: reached the experiment's step count. `diverged`: the loss went non-finite.
 * `stopped`: ended by `stop`. The last three are final until `reset`.
 */
export const TRAINER_PHASES = ['idle', 'paused', 'running', 'completed', 'diverged', 'stopped'] as const;
export type TrainerPhase = (typeof TRAINER_PHASES)[number];
export const FINAL_PHASES: readonly TrainerPhase[] = ['completed', 'diverged', 'stopped'];
export const isFinalPhase = (p: TrainerPhase) => FINAL_PHASES.includes(p);

/**
 * Losses since the last progress message, in step order: `losses[i]` is the loss before the update
 * of step `fromStep + i` (0-based). Consecutive messages are contiguous; a `reset` starts again at 0.
 */
export const ProgressMessage = z.strictObject({
  type: z.literal('progress'),
  fromStep: count,
  losses: z.instanceof(Float64Array, { error: 'must be a Float64Array' }),
  /** Hold-out losses recorded since the last message, as [step, loss] pairs. */
  testLosses: z.array(z.tuple([count, anyNumber])),
  /** Updates applied so far (= fromStep + losses.length). */
  step: count,
  learningRate: anyNumber,
  /** Measured over the last time slices; 0 when paused. */
  stepsPerSecond: anyNumber,
});

export const SnapshotMessage = z.strictObject({
  type: z.literal('snapshot'),
  step: count,
  metrics: MetricsSnapshotSchema,
  grid: PredictionGridSchema.nullable(),
});

const HistoryHistogramSchema = z.object({ min: anyNumber, max: anyNumber, counts: z.array(count), nonFinite: count });
const HistoryLayerSchema = z.object({
  weightStd: anyNumber,
  gradNorm: anyNumber,
  activationStd: anyNumber,
  deadFraction: anyNumber.nullable(),
  saturatedFraction: anyNumber.nullable(),
  updateRatio: anyNumber,
  biasStd: anyNumber.nullable(),
  biasGradNorm: anyNumber.nullable(),
  // Null off the histogram schedule (core/history.ts).
  weights: HistoryHistogramSchema.nullable(),
  biases: HistoryHistogramSchema.nullable(),
  activations: HistoryHistogramSchema.nullable(),
  gradients: HistoryHistogramSchema.nullable(),
});
export const HistoryEntrySchema: z.ZodType<HistoryEntry> = z.object({ step: count, loss: anyNumber, layers: z.array(HistoryLayerSchema) });

/**
 * History entries (core/history.ts) recorded since the last `history` message, in step order. The
 * trainer records them at `historySchedule(totalSteps)` whatever the speed and sends every one
 * (batched with the progress messages; none is dropped). `from` is the index of `entries[0]` in the
 * run's history: a receiver keeps its first `from` entries and appends these (0 after a `reset`).
 * Everything charted over steps comes from here; `snapshot` is only the live view of the current state.
 */
export const HistoryMessage = z.strictObject({
  type: z.literal('history'),
  from: count,
  entries: z.array(HistoryEntrySchema),
});

export const StatusMessage = z.strictObject({
  type: z.literal('status'),
  phase: z.enum(TRAINER_PHASES),
  step: count,
  /** The experiment's step count (0 while idle). */
  totalSteps: count,
  learningRate: anyNumber,
  /** Step whose loss went non-finite, for `diverged`. */
  divergedAtStep: count.nullable(),
  /** Human-readable line for the status bar ("loss became non-finite at step 812"). */
  message: z.string().optional(),
  /** The speed cap from `setSpeed`; null or absent when running flat out. */
  speedLimit: anyNumber.nullable().optional(),
});

export const PredictionMessage = z.strictObject({
  type: z.literal('prediction'),
  id: z.number(),
  /** One row of outputs per point (softmax probabilities under softmax cross-entropy). */
  outputs: z.array(z.array(anyNumber)),
});

export const ErrorMessage = z.strictObject({
  type: z.literal('error'),
  message: z.string(),
  /** Field-level problems (experiment or message fields), each path like `layers[1].units`. */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  /** The `type` of the message that caused it, when it had one. */
  inReplyTo: z.string().optional(),
  id: z.number().optional(),
});

const numbers = z.array(anyNumber);
const SampleRecordSchema = z.object({
  row: count,
  x: numbers,
  y: numbers,
  layers: z.array(z.object({ activation: z.enum(['linear', 'relu', 'tanh', 'sigmoid']), z: numbers, a: numbers, delta: numbers })),
});
export const UpdateExplanationSchema: z.ZodType<UpdateExplanation> = z.object({
  step: count,
  learningRate: anyNumber,
  lossBefore: anyNumber,
  lossAfter: anyNumber,
  batchRows: z.array(count),
  layers: z.array(z.object({ gradNorm: anyNumber, updateNorm: anyNumber, weightNorm: anyNumber, updateRatio: anyNumber, biasGradNorm: anyNumber.nullable() })),
  flipped: z.array(count),
  sample: SampleRecordSchema,
  samples: z.array(SampleRecordSchema).optional(),
});

/** One explained step (a `step` with `explain`), sent before that step's progress, snapshot and status. */
export const ExplanationMessage = z.strictObject({ type: z.literal('explanation'), explanation: UpdateExplanationSchema });

/**
 * The network diagram draws one node per unit and one edge per weight: past these sizes it is a
 * hairball on any screen, so the trainer sends no `network` message and the UI says why instead.
 */
export const MAX_DRAWN_UNITS = 64;
export const MAX_DRAWN_LAYERS = 8;
/** Cells per side of each unit's activation map in a `network` message. */
export const NETWORK_MAP_RESOLUTION = 24;

/** Whether the network diagram draws this net (inputs and every layer at most MAX_DRAWN_UNITS wide). */
export function isDrawable(inputs: number, units: readonly number[]): boolean {
  return units.length <= MAX_DRAWN_LAYERS && inputs <= MAX_DRAWN_UNITS && units.every((u) => u <= MAX_DRAWN_UNITS);
}

const ActivationGridSchema: z.ZodType<ActivationGrid> = z.object({
  xMin: anyNumber,
  xMax: anyNumber,
  yMin: anyNumber,
  yMax: anyNumber,
  resolution: z.number().int().min(1),
  layers: z.array(z.instanceof(Float32Array, { error: 'must be a Float32Array' })),
});

/** Weights, biases and (2-D inputs) every unit's activation map, sent with snapshots for a drawable net. */
export const NetworkMessage = z.strictObject({
  type: z.literal('network'),
  step: count,
  params: z.array(z.object({ weights: z.array(numbers), biases: numbers.nullable() })),
  activations: ActivationGridSchema.nullable(),
});

export const FROM_TRAINER_TYPES = ['progress', 'history', 'snapshot', 'status', 'error', 'prediction', 'explanation', 'network'] as const;
export const FromTrainerSchema = z.discriminatedUnion('type', [ProgressMessage, HistoryMessage, SnapshotMessage, StatusMessage, ErrorMessage, PredictionMessage, ExplanationMessage, NetworkMessage], {
  error: unionError(FROM_TRAINER_TYPES),
});
export type FromTrainer = z.output<typeof FromTrainerSchema>;
export type HistoryMsg = z.output<typeof HistoryMessage>;
export type SnapshotMsg = z.output<typeof SnapshotMessage>;
export type StatusMsg = z.output<typeof StatusMessage>;
export type ErrorMsg = z.output<typeof ErrorMessage>;
export type NetworkMsg = z.output<typeof NetworkMessage>;

// ---------------------------------------------------------------------------------------------
// parsing helpers shared by every receiver

export type Parsed<T> = { ok: true; message: T } | { ok: false; error: ErrorMsg };

/** zod issues as field issues, worded like the core's experiment messages. */
export function issuesOf(error: z.ZodError): FieldIssue[] {
  return error.issues.map((iss) => {
    let message = iss.message;
    if (iss.code === 'unrecognized_keys') message = `unknown field${iss.keys.length > 1 ? 's' : ''} ${typeList(iss.keys)}`;
    else if (iss.code === 'invalid_type' && message.startsWith('Invalid input')) message = 'is required';
    return { path: formatPath(iss.path), message };
  });
}

/** Field issues on one line: `count: must be …; learningRate: must be …` (paths prefixed with `pathPrefix`). */
export function summarize(issues: readonly FieldIssue[], pathPrefix = ''): string {
  return issues.map((i) => (i.path ? `${pathPrefix}${i.path}: ${i.message}` : i.message)).join('; ');
}

function describe(raw: unknown): { inReplyTo?: string; id?: number } {
  if (typeof raw !== 'object' || raw === null) return {};
  const r = raw as { type?: unknown; id?: unknown };
  return {
    ...(typeof r.type === 'string' ? { inReplyTo: r.type.slice(0, 40) } : {}),
    ...(typeof r.id === 'number' ? { id: r.id } : {}),
  };
}

function parseWith<T>(schema: z.ZodType<T>, what: string, raw: unknown): Parsed<T> {
  const r = schema.safeParse(raw);
  if (r.success) return { ok: true, message: r.data };
  const issues = issuesOf(r.error);
  return { ok: false, error: { type: 'error', message: `invalid ${what}: ${summarize(issues)}`, issues, ...describe(raw) } };
}

/** Validates a message a trainer received; on failure, the `error` to send back. */
export const parseToTrainer = (raw: unknown): Parsed<ToTrainer> => parseWith(ToTrainerSchema, 'message to the trainer', raw);
/** Validates a message a UI received from its trainer. */
export const parseFromTrainer = (raw: unknown): Parsed<FromTrainer> => parseWith(FromTrainerSchema, 'message from the trainer', raw);
