/**
 * The editable form behind the controls. Fields are kept as the text the user typed, so "abc" or "1e-"
 * can sit in an input with a message beside it; the experiment is derived from the draft and validated
 * by the core's own parser, whose messages name the field, and those messages are routed to the control.
 */
import type { DatasetKey } from '../../../core/contract/lab-file';
import {
  GENERATED_KINDS,
  parseExperiment,
  type Activation,
  type Experiment,
  type ExperimentInput,
  type FieldIssue,
  type LossName,
  type OPTIMIZERS,
  type SCHEDULES,
  type WeightScheme,
} from '../../../core';

export const DATASETS = [
  { value: 'quadrants', label: 'Quadrants (4 classes)' },
  { value: 'xor', label: 'XOR (2 classes)' },
  { value: 'circles', label: 'Circles (2 classes)' },
  { value: 'spiral', label: 'Spiral (3 classes)' },
  { value: 'gaussians', label: 'Gaussian blobs (3 classes)' },
  { value: 'random-regression', label: 'Random regression (64 × 1000 → 10)' },
  { value: 'inline', label: 'Own data (inline rows: drawn, or the preset’s)' },
] as const satisfies readonly { value: DatasetKey; label: string }[];
export type { DatasetKey };

export const INIT_OPTIONS = [
  { value: 'standard-normal', label: 'Standard normal' },
  { value: 'xavier', label: 'Xavier' },
  { value: 'he', label: 'He' },
] as const;
export const INIT_LABEL: Record<WeightScheme, string> = { 'standard-normal': 'Standard normal', xavier: 'Xavier', he: 'He' };

export const LOSS_OPTIONS: { value: LossName; label: string }[] = [
  { value: 'sse', label: 'Sum of squared errors' },
  { value: 'mse', label: 'Mean squared error' },
  { value: 'softmax-cross-entropy', label: 'Softmax cross-entropy' },
];
export const ACTIVATION_OPTIONS: Activation[] = ['relu', 'tanh', 'sigmoid', 'linear'];

export type OptimizerKind = (typeof OPTIMIZERS)[number];
export type ScheduleKind = (typeof SCHEDULES)[number];
export const OPTIMIZER_LABEL: Record<OptimizerKind, string> = { sgd: 'SGD', momentum: 'Momentum', nesterov: 'Nesterov', rmsprop: 'RMSProp', adam: 'Adam' };
export const SCHEDULE_LABEL: Record<ScheduleKind, string> = { constant: 'None (constant)', step: 'Step', exponential: 'Exponential', cosine: 'Cosine' };

/** Kinds whose points are drawn from samples and noise (the data sliders). */
export const isGenerated = (kind: string): kind is (typeof GENERATED_KINDS)[number] => (GENERATED_KINDS as readonly string[]).includes(kind);

export interface LayerDraft {
  units: string;
  activation: Activation;
}

export interface Draft {
  presetId: string;
  dataset: DatasetKey;
  /** The preset's experiment: supplies what the controls do not edit (data details, hold-out, test points). */
  base: Record<string, unknown>;
  learningRate: string;
  /** 'explicit' keeps a preset's literal initial weights (only while the architecture is unchanged). */
  init: WeightScheme | 'explicit';
  bias: boolean;
  loss: LossName;
  seed: string;
  steps: string;
  batchSize: string;
  hidden: LayerDraft[];
  outputActivation: Activation;
  /** Generated data: points and noise (TensorFlow Playground's sliders). */
  samples: string;
  noise: string;
  /** testFraction: the share of rows held out (the last rows); 0 holds none out. */
  testRatio: string;
  /** Format v2's update rule and its settings; only the chosen rule's settings reach the experiment. */
  optimizer: OptimizerKind;
  momentum: string;
  rho: string;
  beta1: string;
  beta2: string;
  epsilon: string;
  biasCorrection: boolean;
  l2: string;
  l1: string;
  schedule: ScheduleKind;
  stepEvery: string;
  stepFactor: string;
  decayRate: string;
  /** Cosine: steps over which the rate falls; blank = the run's steps. */
  cosineSteps: string;
  minLearningRate: string;
}

/** The draft fields format v2 added, with what an experiment without them means (a lab file from before them opens with these). */
export type DraftV2Field = Exclude<keyof Draft, 'presetId' | 'dataset' | 'base' | 'learningRate' | 'init' | 'bias' | 'loss' | 'seed' | 'steps' | 'batchSize' | 'hidden' | 'outputActivation'>;

/** Control ids that messages are routed to. */
export type FieldKey =
  | 'preset'
  | 'dataset'
  | 'learningRate'
  | 'init'
  | 'bias'
  | 'loss'
  | 'seed'
  | 'steps'
  | 'batchSize'
  | 'outputActivation'
  | DraftV2Field
  | 'general'
  | `layer-${number}-units`
  | `layer-${number}-activation`;

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** A typed number when the text is one; otherwise the text itself, so the schema reports the field. */
export function numberOrText(s: string): number | string {
  const t = s.trim();
  return NUMBER.test(t) ? Number(t) : t;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function defaultData(kind: DatasetKey): Record<string, unknown> {
  switch (kind) {
    case 'quadrants':
      return { kind: 'quadrants' };
    case 'random-regression':
      return { kind: 'random-regression', samples: 64, inputs: 1000, outputs: 10 };
    case 'spiral':
    case 'gaussians':
      return { kind, samples: 300, noise: 0.1, classes: 3 };
    case 'inline':
      return { kind: 'inline', x: [[0]], y: [[0]] };
    default:
      return { kind, samples: 200, noise: 0.1, classes: 2 };
  }
}

/** Output width the data asks of the last layer (the output layer follows the data, it is not edited). */
export function outputsOf(data: unknown): number {
  if (!isRecord(data)) return 1;
  switch (data.kind) {
    case 'quadrants':
      return 4;
    case 'random-regression':
      return typeof data.outputs === 'number' ? data.outputs : 1;
    case 'inline': {
      const y = data.y;
      return Array.isArray(y) && Array.isArray(y[0]) ? y[0].length : 1;
    }
    default:
      return typeof data.classes === 'number' ? data.classes : 2;
  }
}

export function draftFromExperiment(input: ExperimentInput | Record<string, unknown>, presetId: string): Draft {
  const base = { ...(input as Record<string, unknown>) };
  const layers = Array.isArray(base.layers) ? (base.layers as { units: number; activation: Activation }[]) : [];
  const init = isRecord(base.init) ? base.init : {};
  const data = isRecord(base.data) ? base.data : { kind: 'quadrants' };
  const kind = DATASETS.some((d) => d.value === data.kind) ? (data.kind as DatasetKey) : 'inline';
  return {
    presetId,
    dataset: kind,
    base,
    learningRate: String(base.learningRate ?? '0.01'),
    init: Array.isArray(init.weights) ? 'explicit' : ((init.weights as WeightScheme | undefined) ?? 'standard-normal'),
    bias: base.bias !== false,
    loss: (base.loss as LossName | undefined) ?? 'sse',
    seed: String(base.seed ?? 0),
    steps: String(base.steps ?? 500),
    batchSize: base.batchSize == null ? '' : String(base.batchSize),
    hidden: layers.slice(0, -1).map((l) => ({ units: String(l.units), activation: l.activation })),
    outputActivation: layers[layers.length - 1]?.activation ?? 'linear',
    ...dataFields(data),
    testRatio: String(base.testFraction ?? 0),
    ...trainingFields(base),
  };
}

/** A draft saved before the v2 fields existed: they are read from its experiment (where a v2 preset kept them). */
export function completeDraft(d: Omit<Draft, DraftV2Field> & Partial<Pick<Draft, DraftV2Field>>): Draft {
  const derived = draftFromExperiment(d.base, d.presetId);
  const out = { ...d } as Draft;
  for (const k of Object.keys(derived) as (keyof Draft)[]) if (out[k] === undefined) (out as unknown as Record<string, unknown>)[k] = derived[k];
  return out;
}

function dataFields(data: Record<string, unknown>): Pick<Draft, 'samples' | 'noise'> {
  return { samples: String(data.samples ?? 200), noise: String(data.noise ?? 0.1) };
}

const text = (v: unknown, fallback: number) => String(typeof v === 'number' || typeof v === 'string' ? v : fallback);

function trainingFields(base: Record<string, unknown>): Pick<Draft, Exclude<DraftV2Field, 'samples' | 'noise' | 'testRatio'>> {
  const o = isRecord(base.optimizer) ? base.optimizer : {};
  const r = isRecord(base.regularization) ? base.regularization : {};
  const sc = isRecord(base.schedule) ? base.schedule : {};
  return {
    optimizer: (o.kind as OptimizerKind | undefined) ?? 'sgd',
    momentum: text(o.momentum, 0.9),
    rho: text(o.rho, 0.9),
    beta1: text(o.beta1, 0.9),
    beta2: text(o.beta2, 0.999),
    epsilon: text(o.epsilon, 1e-8),
    biasCorrection: o.biasCorrection !== false,
    l2: text(r.l2, 0),
    l1: text(r.l1, 0),
    schedule: (sc.kind as ScheduleKind | undefined) ?? 'constant',
    stepEvery: text(sc.every, 100),
    stepFactor: text(sc.factor, 0.5),
    decayRate: text(sc.rate, 0.99),
    cosineSteps: sc.steps === undefined ? '' : text(sc.steps, 0),
    minLearningRate: text(sc.minLearningRate, 0),
  };
}

/** The optimiser, penalties and schedule as the experiment holds them: absent when they mean plain SGD, none, constant (so a v1 draft stays v1). */
function trainingOf(d: Draft, base: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const n = numberOrText;
  switch (d.optimizer) {
    case 'sgd':
      break;
    case 'momentum':
    case 'nesterov':
      out.optimizer = { kind: d.optimizer, momentum: n(d.momentum) };
      break;
    case 'rmsprop':
      out.optimizer = { kind: 'rmsprop', rho: n(d.rho), epsilon: n(d.epsilon) };
      break;
    case 'adam':
      out.optimizer = { kind: 'adam', beta1: n(d.beta1), beta2: n(d.beta2), epsilon: n(d.epsilon), biasCorrection: d.biasCorrection };
      break;
  }
  const l2 = n(d.l2);
  const l1 = n(d.l1);
  if (l2 !== 0 || l1 !== 0) out.regularization = { l2, l1 };
  switch (d.schedule) {
    case 'constant':
      break;
    case 'step':
      out.schedule = { kind: 'step', every: n(d.stepEvery), factor: n(d.stepFactor) };
      break;
    case 'exponential':
      out.schedule = { kind: 'exponential', rate: n(d.decayRate) };
      break;
    case 'cosine':
      out.schedule = { kind: 'cosine', ...(d.cosineSteps.trim() === '' ? {} : { steps: n(d.cosineSteps) }), minLearningRate: n(d.minLearningRate) };
      break;
  }
  // A file that spelled out plain SGD, no penalty or a constant rate keeps saying so.
  const neutral = { optimizer: { kind: 'sgd' }, regularization: { l2: 0, l1: 0 }, schedule: { kind: 'constant' } };
  for (const k of ['optimizer', 'regularization', 'schedule'] as const) if (out[k] === undefined && base[k] !== undefined) out[k] = neutral[k];
  return out;
}

/** Changing the dataset swaps in that kind's data (keeping the preset's own if it is the same kind). */
export function withDataset(d: Draft, kind: DatasetKey): Draft {
  const baseData = isRecord(d.base.data) ? d.base.data : null;
  const data = baseData && baseData.kind === kind ? baseData : defaultData(kind);
  const base: Record<string, unknown> = { ...d.base, data };
  // Test points belong to the preset's data; other data has other inputs.
  if (!(baseData && baseData.kind === kind)) delete base.testPoints;
  return { ...d, dataset: kind, base, init: d.init === 'explicit' ? 'standard-normal' : d.init, ...(isGenerated(kind) ? dataFields(data) : {}) };
}

/** The draft with its data replaced by drawn rows (inline, one-hot targets); the preset's test points go with its data. */
/**
 * A drawing keeps what the rows' columns were called (an imported file's feature, target and class
 * names; a class the drawing adds is named "class k"). It drops `source` (the rows are no longer that
 * file's) and `standardize` (drawnData's rows are already in the map's, standardised, coordinates).
 */
function drawnDataNames(old: unknown, y: number[][]): Record<string, unknown> {
  if (!isRecord(old)) return {};
  const names: Record<string, unknown> = {};
  if (Array.isArray(old.features) && old.features.length === 2) names.features = old.features;
  if (typeof old.target === 'string') names.target = old.target;
  const width = y[0]?.length ?? 0;
  if (Array.isArray(old.labels) && width >= old.labels.length && old.labels.length > 0) {
    const labels = old.labels.map(String);
    for (let k = labels.length; k < width; k++) {
      let name = `class ${k}`;
      while (labels.includes(name)) name += "'";
      labels.push(name);
    }
    names.labels = labels;
  }
  return names;
}

export function withInlineData(d: Draft, x: number[][], y: number[][]): Draft {
  const base: Record<string, unknown> = { ...d.base, data: { kind: 'inline', x, y, ...drawnDataNames(d.base.data, y) } };
  delete base.testPoints;
  return { ...d, dataset: 'inline', base, init: d.init === 'explicit' ? 'standard-normal' : d.init };
}

export function experimentInputOf(d: Draft): Record<string, unknown> {
  const baseData = d.base.data;
  // The sliders' samples and noise replace the generated data's own (quadrants, regression and inline rows have none).
  const data = isRecord(baseData) && isGenerated(String(baseData.kind)) ? { ...baseData, samples: numberOrText(d.samples), noise: numberOrText(d.noise) } : baseData;
  const training = trainingOf(d, d.base);
  const testFraction = numberOrText(d.testRatio);
  const baseInit = isRecord(d.base.init) ? d.base.init : {};
  const init =
    d.init === 'explicit' ? baseInit : { weights: d.init, biases: typeof baseInit.biases === 'string' ? baseInit.biases : 'standard-normal' };
  const { optimizer: _o, regularization: _r, schedule: _s, testFraction: _t, ...rest } = d.base;
  const out: Record<string, unknown> = {
    ...rest,
    // The optimiser, penalty and schedule are format v2 (v1 refuses them); a v2 preset or file stays v2.
    version: d.base.version === 2 || Object.keys(training).length ? 2 : 1,
    data,
    ...training,
    // 0 holds nothing out, as an absent testFraction does; the field is left out so a v1 file reads as it was.
    ...(testFraction === 0 ? {} : { testFraction }),
    seed: numberOrText(d.seed),
    learningRate: numberOrText(d.learningRate),
    steps: numberOrText(d.steps),
    batchSize: d.batchSize.trim() === '' ? null : numberOrText(d.batchSize),
    bias: d.bias,
    loss: d.loss,
    init,
    layers: [
      ...d.hidden.map((l) => ({ units: numberOrText(l.units), activation: l.activation })),
      { units: outputsOf(data), activation: d.outputActivation },
    ],
  };
  return out;
}

export type Validation = { ok: true; experiment: Experiment; fields: Partial<Record<FieldKey, string>> } | { ok: false; fields: Partial<Record<FieldKey, string>>; message: string };

/** Issue paths of the v2 fields and the data sliders, by the control that sets them. */
const V2_PATHS: Record<string, FieldKey> = {
  'data.samples': 'samples',
  'data.noise': 'noise',
  testFraction: 'testRatio',
  optimizer: 'optimizer',
  'optimizer.kind': 'optimizer',
  'optimizer.momentum': 'momentum',
  'optimizer.rho': 'rho',
  'optimizer.beta1': 'beta1',
  'optimizer.beta2': 'beta2',
  'optimizer.epsilon': 'epsilon',
  regularization: 'l2',
  'regularization.l2': 'l2',
  'regularization.l1': 'l1',
  schedule: 'schedule',
  'schedule.kind': 'schedule',
  'schedule.every': 'stepEvery',
  'schedule.factor': 'stepFactor',
  'schedule.rate': 'decayRate',
  'schedule.steps': 'cosineSteps',
  'schedule.minLearningRate': 'minLearningRate',
};

/** Which control a core issue path belongs to. */
export function fieldOf(path: string, hiddenCount: number): FieldKey {
  const layer = /^layers\[(\d+)\](?:\.(units|activation))?/.exec(path);
  if (layer) {
    const i = Number(layer[1]);
    if (i >= hiddenCount) return layer[2] === 'activation' ? 'outputActivation' : 'dataset';
    return `layer-${i + 1}-${layer[2] === 'activation' ? 'activation' : 'units'}`;
  }
  if (path === 'layers') return 'general';
  const routed = V2_PATHS[path];
  if (routed) return routed;
  if (path.startsWith('data') || path === 'testPoints' || path.startsWith('testPoints[')) return 'dataset';
  if (path.startsWith('init')) return 'init';
  const direct: Record<string, FieldKey> = { learningRate: 'learningRate', seed: 'seed', steps: 'steps', batchSize: 'batchSize', loss: 'loss', bias: 'bias' };
  return direct[path] ?? 'general';
}

export function validateDraft(d: Draft): Validation {
  const data = d.base.data;
  if (isRecord(data) && data.kind === 'csv') {
    // The lab holds rows, not file references: File ▸ Open and the CLI read the file; the browser cannot.
    const message = `data: the experiment refers to the file ${String(data.path)}; open it with File ▸ Open in the desktop app, or import the file with Import CSV…`;
    return { ok: false, fields: { dataset: message }, message };
  }
  const r = parseExperiment(experimentInputOf(d));
  if (r.ok) return { ok: true, experiment: r.experiment, fields: {} };
  return { ok: false, fields: fieldMessages(r.issues, d.hidden.length), message: r.message };
}

function fieldMessages(issues: readonly FieldIssue[], hiddenCount: number): Partial<Record<FieldKey, string>> {
  const fields: Partial<Record<FieldKey, string>> = {};
  for (const iss of issues) {
    const key = fieldOf(iss.path, hiddenCount);
    const text = key === 'general' || key === 'dataset' || key === 'init' ? (iss.path ? `${iss.path}: ${iss.message}` : iss.message) : iss.message;
    fields[key] = fields[key] ? `${fields[key]}; ${text}` : text;
  }
  return fields;
}

/** The same experiment with another weight-init scheme (Compare init schemes). */
export function withScheme(exp: Experiment, scheme: WeightScheme): Experiment {
  const biases = 'biases' in exp.init && typeof exp.init.biases === 'string' ? exp.init.biases : 'standard-normal';
  return { ...exp, init: { weights: scheme, biases } } as Experiment;
}
