/**
 * Experiment format v2 (v1 is its subset): the JSON a user edits, saves and shares. Parsing never throws on bad input;
 * it returns messages that name the field path (`layers[1].units: must be a positive integer`),
 * because these files are hand-edited by students and the message is the whole user interface.
 * (Over 400 lines on purpose: the schema, its cross-field checks and their messages are the format's
 * one definition, read together when the format changes.)
 */
import * as z from 'zod';
import { CSV_DELIMITERS, TARGET_KINDS } from './csv';

export const ACTIVATIONS = ['relu', 'linear', 'tanh', 'sigmoid'] as const;
export const LOSSES = ['sse', 'mse', 'softmax-cross-entropy'] as const;
export const WEIGHT_SCHEMES = ['standard-normal', 'xavier', 'he'] as const;
export const BIAS_SCHEMES = ['standard-normal', 'zeros'] as const;
export const GENERATED_KINDS = ['xor', 'circles', 'spiral', 'gaussians'] as const;
export const PRECISIONS = ['float64', 'float32'] as const;
export const OPTIMIZERS = ['sgd', 'momentum', 'nesterov', 'rmsprop', 'adam'] as const;
export const SCHEDULES = ['constant', 'step', 'exponential', 'cosine'] as const;

export type Activation = (typeof ACTIVATIONS)[number];
export type LossName = (typeof LOSSES)[number];
export type WeightScheme = (typeof WEIGHT_SCHEMES)[number];

/**
 * Refuse before allocating: every number the run holds (data, parameters, gradients, activations
 * and the loss record) counts. 100 M float64s is 800 MB, which a 2-core classroom laptop survives.
 */
export const LIMITS = {
  totalNumbers: 100_000_000,
  steps: 10_000_000,
  units: 100_000,
  samples: 1_000_000,
  layers: 64,
} as const;

const fmtList = (xs: readonly string[]) => xs.map((x) => `"${x}"`).join(', ');

const posInt = (max?: number) => {
  let s = z
    .number({ error: 'must be a positive integer' })
    .int({ error: 'must be a positive integer' })
    .positive({ error: 'must be a positive integer' });
  if (max !== undefined) s = s.max(max, { error: `must be at most ${max}` });
  return s;
};
const finite = z.number({ error: 'must be a finite number' }).finite({ error: 'must be a finite number' });
const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${fmtList(values)}` });

const RandomRegressionData = z.strictObject({
  kind: z.literal('random-regression'),
  samples: posInt(LIMITS.samples),
  inputs: posInt(LIMITS.units),
  outputs: posInt(LIMITS.units),
});
const QuadrantsData = z.strictObject({
  kind: z.literal('quadrants'),
  /** Absent: the seed's 12 points. Present: that many points drawn uniformly from [-10, 10]². */
  samples: posInt(LIMITS.samples).optional(),
});
const columnNames = z
  .array(z.string({ error: 'must be a column name (a string)' }).min(1, { error: 'must be a column name (a string)' }), { error: 'must be an array of column names' })
  .min(1, { error: 'must name at least one column' });
const standardize = z.boolean({ error: 'must be true or false' }).optional();
/**
 * Rows of finite numbers, checked by a loop with zod's messages and paths: an imported CSV's 100k
 * rows took zod's per-element parse 0.5 s (measured), and the editor revalidates the draft on every edit.
 * The rows are passed through, not copied (experiments are not mutated once parsed).
 */
const numberRows = z.unknown().transform((v, ctx): number[][] => {
  if (!Array.isArray(v)) {
    ctx.addIssue({ code: 'custom', message: 'must be an array of rows' });
    return z.NEVER;
  }
  if (v.length === 0) ctx.addIssue({ code: 'custom', message: 'must have at least one row' });
  for (let i = 0; i < v.length; i++) {
    const row: unknown = v[i];
    if (!Array.isArray(row)) {
      ctx.addIssue({ code: 'custom', message: 'must be an array of numbers', path: [i] });
      continue;
    }
    for (let j = 0; j < row.length; j++) {
      const n: unknown = row[j];
      if (typeof n !== 'number' || !Number.isFinite(n)) ctx.addIssue({ code: 'custom', message: 'must be a finite number', path: [i, j] });
    }
  }
  return v as number[][];
});
const InlineData = z.strictObject({
  kind: z.literal('inline'),
  x: numberRows,
  y: numberRows,
  /** v2 (an imported CSV). The column name of each x column, in order. */
  features: columnNames.optional(),
  /** v2. The column the targets came from. */
  target: z.string({ error: 'must be a column name (a string)' }).optional(),
  /** v2. The class label of each one-hot y column, in order (the label → class mapping). */
  labels: columnNames.optional(),
  /** v2. z-score each x column with the training rows' mean and std (core/csv.ts standardizeInPlace) before training. */
  standardize,
  /** v2. Where the rows came from; informational, the rows above are the data. */
  source: z.strictObject({ file: z.string({ error: 'must be a string' }), sha256: z.string({ error: 'must be a string' }) }, { error: 'must be an object {"file": name, "sha256": hex}' }).optional(),
});
/** v2. A CSV file beside the experiment, checked by its SHA-256 and read by core/csv.ts's rules. */
const CsvData = z.strictObject({
  kind: z.literal('csv'),
  /** Relative to the experiment file's folder (or absolute). */
  path: z.string({ error: 'must be a file path (a string)' }).min(1, { error: 'must be a file path (a string)' }),
  sha256: z.string({ error: 'must be the file\'s SHA-256 as 64 hex digits' }).regex(/^[0-9a-fA-F]{64}$/, { error: 'must be the file\'s SHA-256 as 64 hex digits' }),
  features: columnNames,
  target: z.string({ error: 'must be a column name (a string)' }).min(1, { error: 'must be a column name (a string)' }),
  targetKind: oneOf(TARGET_KINDS),
  /** The one-hot order; absent: the order the labels first appear in the file. */
  labels: columnNames.optional(),
  /** Absent: detected. */
  delimiter: oneOf(CSV_DELIMITERS).optional(),
  standardize,
});
const GeneratedData = z.strictObject({
  kind: oneOf(GENERATED_KINDS),
  samples: posInt(LIMITS.samples).default(200),
  noise: z.number({ error: 'must be a number ≥ 0' }).min(0, { error: 'must be a number ≥ 0' }).max(10, { error: 'must be at most 10' }).default(0.1),
  classes: z
    .number({ error: 'must be an integer from 2 to 10' })
    .int({ error: 'must be an integer from 2 to 10' })
    .min(2, { error: 'must be an integer from 2 to 10' })
    .max(10, { error: 'must be an integer from 2 to 10' })
    .default(2),
});

const DATA_KINDS = ['random-regression', 'quadrants', 'inline', 'csv', ...GENERATED_KINDS] as const;
const dataBranch = (kind: unknown) => {
  switch (kind) {
    case 'random-regression':
      return RandomRegressionData;
    case 'quadrants':
      return QuadrantsData;
    case 'inline':
      return InlineData;
    case 'csv':
      return CsvData;
    default:
      return GeneratedData;
  }
};

const SchemeInit = z.strictObject({
  weights: oneOf(WEIGHT_SCHEMES),
  biases: oneOf(BIAS_SCHEMES).default('standard-normal'),
});
const ExplicitInit = z.strictObject({
  weights: z.array(z.array(z.array(finite, { error: 'must be an array of numbers' }), { error: 'must be a matrix (array of rows)' }), {
    error: 'must be an array of weight matrices, one per layer',
  }),
  biases: z.array(z.union([z.array(finite), z.null()], { error: 'must be an array of numbers or null' }), {
    error: 'must be an array of bias vectors (or null), one per layer',
  }),
});

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * zod unions report "invalid input" without saying which alternative was meant; dispatching on the
 * discriminating field first lets each alternative report its own, precise messages.
 */
function dispatch<S extends z.ZodType>(pick: (v: unknown) => S, precheck?: (v: unknown) => string | null) {
  return z.unknown().transform((v, ctx): z.output<S> => {
    const pre = precheck?.(v);
    if (pre) {
      ctx.addIssue({ code: 'custom', message: pre });
      return z.NEVER;
    }
    const r = pick(v).safeParse(v);
    if (!r.success) {
      for (const iss of r.error.issues) ctx.addIssue({ code: 'custom', message: zodMessage(iss), path: iss.path as PropertyKey[] });
      return z.NEVER;
    }
    return r.data;
  });
}

const Data = dispatch(
  (v) => dataBranch(isRecord(v) ? v.kind : undefined),
  (v) => {
    if (!isRecord(v)) return 'must be an object with a "kind"';
    if (!(DATA_KINDS as readonly unknown[]).includes(v.kind)) return `kind must be one of ${fmtList(DATA_KINDS)}`;
    return null;
  },
);
const Init = dispatch(
  (v) => (isRecord(v) && Array.isArray(v.weights) ? ExplicitInit : SchemeInit),
  (v) => (isRecord(v) ? null : 'must be an object {"weights": …, "biases": …}'),
);

/** A number in [0, 1): decay factors of running averages (1 would never forget, so is refused). */
const unitOpen = z
  .number({ error: 'must be a number from 0 to 1 (1 excluded)' })
  .min(0, { error: 'must be a number from 0 to 1 (1 excluded)' })
  .lt(1, { error: 'must be a number from 0 to 1 (1 excluded)' });
/** A multiplier in (0, 1]: schedules only ever lower the rate. */
const shrink = z
  .number({ error: 'must be a number above 0 and at most 1' })
  .positive({ error: 'must be a number above 0 and at most 1' })
  .max(1, { error: 'must be a number above 0 and at most 1' });
const epsilon = z
  .number({ error: 'must be a positive number' })
  .positive({ error: 'must be a positive number' })
  .finite({ error: 'must be a positive number' })
  .default(1e-8);
const penalty = z
  .number({ error: 'must be a number ≥ 0' })
  .min(0, { error: 'must be a number ≥ 0' })
  .finite({ error: 'must be a number ≥ 0' })
  .default(0);

/**
 * Format v2. The update rules (g is the gradient of the recorded loss, penalty included; t counts
 * updates from 1; every state buffer starts at zero) are in core/optimizers.ts and the README.
 */
const OPTIMIZER_BRANCHES = {
  sgd: z.strictObject({ kind: z.literal('sgd') }),
  momentum: z.strictObject({ kind: z.literal('momentum'), momentum: unitOpen.default(0.9) }),
  nesterov: z.strictObject({ kind: z.literal('nesterov'), momentum: unitOpen.default(0.9) }),
  rmsprop: z.strictObject({ kind: z.literal('rmsprop'), rho: unitOpen.default(0.9), epsilon }),
  adam: z.strictObject({
    kind: z.literal('adam'),
    beta1: unitOpen.default(0.9),
    beta2: unitOpen.default(0.999),
    epsilon,
    biasCorrection: z.boolean({ error: 'must be true or false' }).default(true),
  }),
} as const;
const SCHEDULE_BRANCHES = {
  constant: z.strictObject({ kind: z.literal('constant') }),
  step: z.strictObject({ kind: z.literal('step'), every: posInt(LIMITS.steps), factor: shrink }),
  exponential: z.strictObject({ kind: z.literal('exponential'), rate: shrink }),
  cosine: z.strictObject({
    kind: z.literal('cosine'),
    /** Steps over which the rate falls to minLearningRate (then stays); default: the run's steps. */
    steps: posInt(LIMITS.steps).optional(),
    minLearningRate: z.number({ error: 'must be a number ≥ 0' }).min(0, { error: 'must be a number ≥ 0' }).finite({ error: 'must be a number ≥ 0' }).default(0),
  }),
} as const;

const byKind = <B extends Record<string, z.ZodType>>(branches: B, names: readonly string[]) =>
  dispatch(
    (v) => branches[(v as { kind: keyof B }).kind]!,
    (v) => {
      if (!isRecord(v)) return 'must be an object with a "kind"';
      if (!names.includes(v.kind as string)) return `kind must be one of ${fmtList(names)}`;
      return null;
    },
  ) as unknown as z.ZodType<z.output<B[keyof B]>, unknown>;
const Optimizer = byKind(OPTIMIZER_BRANCHES, OPTIMIZERS);
const Schedule = byKind(SCHEDULE_BRANCHES, SCHEDULES);
const Regularization = z.strictObject(
  {
    /** Adds l2·ΣW² over every weight matrix (biases never) to the training loss. */
    l2: penalty,
    /** Adds l1·Σ|W| over every weight matrix (biases never) to the training loss. */
    l1: penalty,
  },
  { error: 'must be an object {"l2": λ, "l1": λ}' },
);

const LayerSpec = z.strictObject(
  {
    units: posInt(LIMITS.units),
    activation: oneOf(ACTIVATIONS),
  },
  { error: 'must be an object {"units": n, "activation": name}' },
);

export const ExperimentSchema = z.strictObject(
  {
    version: z.union([z.literal(1), z.literal(2)], { error: 'must be 1 or 2 (this nnlab reads experiment formats v1 and v2)' }),
    name: z.string({ error: 'must be a string' }).max(200, { error: 'must be at most 200 characters' }).default('untitled'),
    description: z.string({ error: 'must be a string' }).max(2000).optional(),
    seed: z
      .number({ error: 'must be an integer from 0 to 4294967295' })
      .int({ error: 'must be an integer from 0 to 4294967295' })
      .min(0, { error: 'must be an integer from 0 to 4294967295' })
      .max(0xffffffff, { error: 'must be an integer from 0 to 4294967295' }),
    data: Data,
    layers: z
      .array(LayerSpec, { error: 'must be an array of layers' })
      .min(1, { error: 'must have at least one layer (the output layer)' })
      .max(LIMITS.layers, { error: `must have at most ${LIMITS.layers} layers` }),
    bias: z.boolean({ error: 'must be true or false' }),
    init: Init,
    loss: oneOf(LOSSES),
    learningRate: z
      .number({ error: 'must be a positive number' })
      .positive({ error: 'must be a positive number' })
      .finite({ error: 'must be a positive number' }),
    steps: z
      .number({ error: 'must be a non-negative integer' })
      .int({ error: 'must be a non-negative integer' })
      .min(0, { error: 'must be a non-negative integer' })
      .max(LIMITS.steps, { error: `must be at most ${LIMITS.steps}` }),
    batchSize: posInt().nullable().optional(),
    testFraction: z
      .number({ error: 'must be a number from 0 to 1 (exclusive)' })
      .min(0, { error: 'must be a number from 0 to 1 (exclusive)' })
      .lt(1, { error: 'must be a number from 0 to 1 (exclusive)' })
      .optional(),
    /** Hold-out loss is scored every this many steps (and after the last); default ~100 points per run. */
    testEvery: posInt().optional(),
    /** Extra points to show predictions for (the quadrant seed's [[111,-111],[1,9],[8,1],[1,8]]). */
    testPoints: z.array(z.array(finite)).optional(),
    /** Arithmetic precision; float64 is the exact-parity default (float32 is the speed mode). */
    precision: oneOf(PRECISIONS).optional(),
    /** v2. Absent: plain SGD. */
    optimizer: Optimizer.optional(),
    /** v2. Absent: no penalty. */
    regularization: Regularization.optional(),
    /** v2. Absent: constant. Multiplies the live learning rate (see learningRateAt in core/optimizers.ts). */
    schedule: Schedule.optional(),
  },
  { error: 'must be a JSON object' },
);

export type Experiment = z.output<typeof ExperimentSchema>;
export type ExperimentInput = z.input<typeof ExperimentSchema>;
export type LayerSpec = Experiment['layers'][number];
export type DataSpec = Experiment['data'];
export type OptimizerSpec = z.output<(typeof OPTIMIZER_BRANCHES)[keyof typeof OPTIMIZER_BRANCHES]>;
export type ScheduleSpec = z.output<(typeof SCHEDULE_BRANCHES)[keyof typeof SCHEDULE_BRANCHES]>;
export type RegularizationSpec = { l2: number; l1: number };

/** The v2 training fields with their defaults filled in (what a v1 file, or an absent field, means). */
export function trainingOf(exp: Experiment): { optimizer: OptimizerSpec; regularization: RegularizationSpec; schedule: ScheduleSpec } {
  return {
    optimizer: exp.optimizer ?? { kind: 'sgd' },
    regularization: exp.regularization ?? { l2: 0, l1: 0 },
    schedule: exp.schedule ?? { kind: 'constant' },
  };
}

export interface FieldIssue {
  /** `layers[1].units`; empty for the whole document. */
  path: string;
  message: string;
}

export type ParseResult = { ok: true; experiment: Experiment } | { ok: false; issues: FieldIssue[]; message: string };

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

function zodMessage(iss: z.core.$ZodIssue): string {
  if (iss.code === 'unrecognized_keys') return `unknown field${iss.keys.length > 1 ? 's' : ''} ${fmtList(iss.keys)}`;
  if (iss.code === 'invalid_type' && iss.message.startsWith('Invalid input')) return 'is required';
  return iss.message;
}

export function issuesMessage(issues: readonly FieldIssue[]): string {
  return issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('\n');
}

/** Dimensions every consumer needs, derived once from a valid experiment. */
export interface Shape {
  samples: number;
  inputs: number;
  outputs: number;
  /** Rows held out at the end of the data (floor(samples × testFraction)). */
  testRows: number;
  trainRows: number;
  /** Rows per step: the batch size, or every training row. */
  batchRows: number;
  /** Number of classes when targets are one-hot class labels, else null. */
  classes: number | null;
  /** Units per layer, input first: [inputs, h1, …, outputs]. */
  widths: number[];
}

export function dataDims(data: DataSpec): { samples: number; inputs: number; outputs: number; classes: number | null } {
  switch (data.kind) {
    case 'random-regression':
      return { samples: data.samples, inputs: data.inputs, outputs: data.outputs, classes: null };
    case 'quadrants':
      return { samples: data.samples ?? 12, inputs: 2, outputs: 4, classes: 4 };
    case 'inline':
      return { samples: data.x.length, inputs: data.x[0]?.length ?? 0, outputs: data.y[0]?.length ?? 0, classes: inlineClasses(data.y) };
    case 'csv':
      // The rows are in the file: a csv reference is resolved to inline data (core/csv.ts resolveCsvData) before anything trains on it.
      return { samples: 0, inputs: data.features.length, outputs: data.targetKind === 'numeric' ? 1 : (data.labels?.length ?? 0), classes: data.targetKind === 'numeric' ? null : (data.labels?.length ?? null) };
    default:
      return { samples: data.samples, inputs: 2, outputs: data.classes, classes: data.classes };
  }
}

/** Inline targets count as class labels when every row is one-hot. */
/** Rows are never mutated once parsed, and shapeOf asks again for every view and run of the same data. */
const classesOfRows = new WeakMap<number[][], number | null>();

function inlineClasses(y: number[][]): number | null {
  let classes = classesOfRows.get(y);
  if (classes === undefined) classesOfRows.set(y, (classes = countOneHotClasses(y)));
  return classes;
}

function countOneHotClasses(y: number[][]): number | null {
  const width = y[0]?.length ?? 0;
  if (width < 2) return null;
  for (const row of y) {
    let ones = 0;
    for (const v of row) {
      if (v === 1) ones++;
      else if (v !== 0) return null;
    }
    if (ones !== 1) return null;
  }
  return width;
}

export function shapeOf(exp: Experiment): Shape {
  const d = dataDims(exp.data);
  const testRows = Math.floor(d.samples * (exp.testFraction ?? 0));
  const trainRows = d.samples - testRows;
  return {
    samples: d.samples,
    inputs: d.inputs,
    outputs: d.outputs,
    testRows,
    trainRows,
    batchRows: exp.batchSize ? Math.min(exp.batchSize, trainRows) : trainRows,
    classes: d.classes,
    widths: [d.inputs, ...exp.layers.map((l) => l.units)],
  };
}

/**
 * Checks that need more than one field: shapes, agreement between data and network, memory. Runs
 * on whatever fields are valid (a field that failed its own check is absent), so a file's every
 * problem is reported in one round; a check whose fields are not all there is skipped.
 */
function crossCheck(exp: Partial<Experiment>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  const data = exp.data;
  if (data?.kind === 'inline') {
    const w = data.x[0]!.length;
    if (w === 0) add('data.x[0]', 'must have at least one number');
    data.x.forEach((row, i) => row.length !== w && add(`data.x[${i}]`, `has ${row.length} numbers but row 0 has ${w} (rows must all be the same length)`));
    const wy = data.y[0]!.length;
    if (wy === 0) add('data.y[0]', 'must have at least one number');
    data.y.forEach((row, i) => row.length !== wy && add(`data.y[${i}]`, `has ${row.length} numbers but row 0 has ${wy} (rows must all be the same length)`));
    if (data.y.length !== data.x.length) add('data.y', `has ${data.y.length} rows but data.x has ${data.x.length} (one target row per input row)`);
    if (data.features && data.features.length !== w) add('data.features', `names ${data.features.length} columns but data.x has ${w} (one name per input column)`);
    if (data.labels) {
      if (data.labels.length !== wy) add('data.labels', `names ${data.labels.length} classes but data.y has ${wy} columns (one label per one-hot column)`);
      else if (inlineClasses(data.y) === null) add('data.labels', 'needs one-hot data.y (each row a single 1 among 0s): labels name classes');
    }
    for (const field of ['features', 'labels'] as const) {
      const names = data[field];
      const dup = names?.find((n, i) => names.indexOf(n) !== i);
      if (dup !== undefined) add(`data.${field}`, `names "${dup}" twice`);
    }
    if (issues.length) return issues;
  }
  if (data?.kind === 'csv') {
    for (const field of ['features', 'labels'] as const) {
      const names = data[field];
      const dup = names?.find((n, i) => names.indexOf(n) !== i);
      if (dup !== undefined) add(`data.${field}`, `names "${dup}" twice`);
    }
    if (data.features.includes(data.target)) add('data.target', `"${data.target}" is also a feature; a net that sees its answer learns nothing`);
    if (data.targetKind === 'numeric' && data.labels) add('data.labels', 'is for "targetKind": "classes" (a numeric target has no classes)');
  }
  if (exp.version === 1) {
    for (const field of ['optimizer', 'regularization', 'schedule'] as const) {
      if (exp[field] !== undefined) add(field, 'needs "version": 2 (format v1 trains by plain SGD at a constant rate, without penalties)');
    }
    if (data?.kind === 'csv') add('data.kind', '"csv" needs "version": 2 (format v1 has no file references)');
    if (data?.kind === 'inline') {
      for (const field of ['features', 'target', 'labels', 'standardize', 'source'] as const) {
        if (data[field] !== undefined) add(`data.${field}`, 'needs "version": 2 (format v1 inline data is the numbers alone)');
      }
    }
  }
  if (exp.schedule?.kind === 'cosine' && exp.learningRate !== undefined && exp.schedule.minLearningRate > exp.learningRate) {
    add('schedule.minLearningRate', `must be at most learningRate (${exp.learningRate})`);
  }
  if (!data || !exp.layers) return issues;
  if (data.kind === 'csv') {
    // Rows, widths and memory are checked once the file is read (the resolved experiment is parsed again).
    const last = exp.layers.length - 1;
    const outputs = dataDims(data).outputs;
    if (outputs > 0 && exp.layers[last]!.units !== outputs) {
      add(`layers[${last}].units`, `must be ${outputs} to match the ${outputs} target column${outputs === 1 ? '' : 's'} of the csv data (the last layer is the output layer)`);
    }
    return issues;
  }
  const shape = shapeOf(exp as Experiment);
  const last = exp.layers.length - 1;
  if (exp.layers[last]!.units !== shape.outputs) {
    add(`layers[${last}].units`, `must be ${shape.outputs} to match the ${shape.outputs} target columns of the ${data.kind} data (the last layer is the output layer)`);
  }
  if (data.kind === 'xor' && data.classes !== 2) add('data.classes', 'must be 2 for xor (its two classes are the signs of x·y)');
  if (exp.loss === 'softmax-cross-entropy' && shape.outputs < 2) add('loss', 'softmax-cross-entropy needs at least 2 outputs');
  if (shape.trainRows < 1) add('testFraction', `leaves no training rows out of ${shape.samples}`);
  if (exp.batchSize != null && exp.batchSize > shape.trainRows) {
    add('batchSize', `must be at most ${shape.trainRows}, the number of training rows`);
  }
  if (exp.testPoints) {
    exp.testPoints.forEach((p, i) => p.length !== shape.inputs && add(`testPoints[${i}]`, `must have ${shape.inputs} numbers, one per input`));
  }
  const init = exp.init;
  if (init && Array.isArray(init.weights)) {
    const explicit = init as { weights: number[][][]; biases: (number[] | null)[] };
    if (explicit.weights.length !== exp.layers.length) add('init.weights', `must have ${exp.layers.length} matrices, one per layer`);
    if (explicit.biases.length !== exp.layers.length) add('init.biases', `must have ${exp.layers.length} entries, one per layer`);
    explicit.weights.forEach((m, l) => {
      const rows = shape.widths[l];
      const cols = shape.widths[l + 1];
      if (rows === undefined || cols === undefined) return;
      if (m.length !== rows || m.some((r) => r.length !== cols)) add(`init.weights[${l}]`, `must be a ${rows}×${cols} matrix (fan-in × units)`);
    });
    explicit.biases.forEach((b, l) => {
      const cols = shape.widths[l + 1];
      if (cols === undefined) return;
      if (exp.bias === true && (b === null || b.length !== cols)) add(`init.biases[${l}]`, `must be ${cols} numbers (bias is on)`);
      if (exp.bias === false && b !== null) add(`init.biases[${l}]`, 'must be null (bias is off)');
    });
  }

  // Memory: data (plus the batch copy), parameters ×2 (value, gradient), activations ×3 per layer
  // (pre-activation, activation, delta) for the larger of batch and evaluation rows, the loss record.
  const dataNumbers = shape.samples * (shape.inputs + shape.outputs) + (shape.batchRows < shape.trainRows ? shape.batchRows * (shape.inputs + shape.outputs) : 0);
  let paramNumbers = 0;
  let actNumbers = 0;
  for (let l = 1; l < shape.widths.length; l++) {
    paramNumbers += 2 * (shape.widths[l - 1]! * shape.widths[l]! + shape.widths[l]!);
    actNumbers += 3 * Math.max(shape.batchRows, 256) * shape.widths[l]!;
  }
  const full = shape.batchRows === shape.trainRows;
  const parts: [field: string, what: string, numbers: number, advice: string][] = [
    ['data.samples', 'data', dataNumbers, 'fewer samples or inputs'],
    ['layers', 'parameters', paramNumbers, 'fewer or narrower layers'],
    [full ? 'data.samples' : 'batchSize', 'activations', actNumbers, full ? 'fewer samples, or a batchSize' : 'a smaller batchSize'],
    ['steps', 'loss record', exp.steps ?? 0, 'fewer steps'],
  ];
  const total = parts.reduce((s, p) => s + p[2], 0);
  if (total > LIMITS.totalNumbers) {
    const [field, , , advice] = parts.reduce((a, b) => (b[2] > a[2] ? b : a));
    const mb = (n: number) => `${Math.round((n * 8) / 1e6).toLocaleString('en-US')} MB`;
    const breakdown = parts.filter((p) => p[2] * 8 >= 1e6).map((p) => `${p[1]} ${mb(p[2])}`).join(', ');
    add(field, `the run would need ${mb(total)} (${breakdown}), above nnlab's limit of ${mb(LIMITS.totalNumbers)}; try ${advice}`);
  }
  return issues;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v = raw;
  for (const p of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

export function parseExperiment(raw: unknown): ParseResult {
  const r = ExperimentSchema.safeParse(raw);
  if (!r.success) {
    const issues: FieldIssue[] = r.error.issues.map((iss) => ({
      path: formatPath(iss.path),
      message: iss.path.length && valueAt(raw, iss.path) === undefined && iss.code !== 'unrecognized_keys' ? 'is required' : zodMessage(iss),
    }));
    // The cross-field checks over the fields that are valid on their own, in the same round.
    if (isRecord(raw)) {
      const failed = new Set(r.error.issues.map((iss) => iss.path[0]));
      const valid: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(ExperimentSchema.shape)) {
        if (failed.has(key)) continue;
        const v = (field as z.ZodType).safeParse(raw[key]);
        if (v.success) valid[key] = v.data;
      }
      const seen = new Set(issues.map((i) => i.path));
      for (const iss of crossCheck(valid as Partial<Experiment>)) if (!seen.has(iss.path)) issues.push(iss);
    }
    return { ok: false, issues, message: issuesMessage(issues) };
  }
  const issues = crossCheck(r.data);
  if (issues.length) return { ok: false, issues, message: issuesMessage(issues) };
  return { ok: true, experiment: r.data };
}

/** Parses JSON text; a syntax error is reported as such rather than as a missing field. */
export function parseExperimentJson(text: string): ParseResult {
  let raw: unknown;
  try {
    // A byte-order mark (Windows editors save one) is not part of the JSON.
    raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    const message = `not valid JSON: ${(e as Error).message}`;
    return { ok: false, issues: [{ path: '', message }], message };
  }
  return parseExperiment(raw);
}

export class ExperimentError extends Error {
  constructor(readonly issues: FieldIssue[]) {
    super(issuesMessage(issues));
    this.name = 'ExperimentError';
  }
}

/** For code paths that hold trusted input (presets, tests): parse or throw a readable error. */
export function experiment(raw: ExperimentInput | unknown): Experiment {
  const r = parseExperiment(raw);
  if (!r.ok) throw new ExperimentError(r.issues);
  return r.experiment;
}
