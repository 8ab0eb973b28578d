/**
 * The editable form behind the controls. Fields are kept as the text the user typed, so "abc" or "1e-"
 * can sit in an input with a message beside it; the experiment is derived from the draft and validated
 * by the core's own parser, whose messages name the field, and those messages are routed to the control.
 */
import type { DatasetKey } from '../../../core/contract/lab-file';
import { parseExperiment, type Activation, type Experiment, type ExperimentInput, type FieldIssue, type LossName, type WeightScheme } from '../../../core';

export const DATASETS = [
  { value: 'quadrants', label: 'Quadrants (4 classes)' },
  { value: 'xor', label: 'XOR (2 classes)' },
  { value: 'circles', label: 'Circles (2 classes)' },
  { value: 'spiral', label: 'Spiral (3 classes)' },
  { value: 'gaussians', label: 'Gaussian blobs (3 classes)' },
  { value: 'random-regression', label: 'Random regression (64 × 1000 → 10)' },
  { value: 'inline', label: "Preset's own data" },
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
}

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
  };
}

/** Changing the dataset swaps in that kind's data (keeping the preset's own if it is the same kind). */
export function withDataset(d: Draft, kind: DatasetKey): Draft {
  const baseData = isRecord(d.base.data) ? d.base.data : null;
  const data = baseData && baseData.kind === kind ? baseData : defaultData(kind);
  const base: Record<string, unknown> = { ...d.base, data };
  // Test points belong to the preset's data; other data has other inputs.
  if (!(baseData && baseData.kind === kind)) delete base.testPoints;
  return { ...d, dataset: kind, base, init: d.init === 'explicit' ? 'standard-normal' : d.init };
}

export function experimentInputOf(d: Draft): Record<string, unknown> {
  const data = d.base.data;
  const baseInit = isRecord(d.base.init) ? d.base.init : {};
  const init =
    d.init === 'explicit' ? baseInit : { weights: d.init, biases: typeof baseInit.biases === 'string' ? baseInit.biases : 'standard-normal' };
  const out: Record<string, unknown> = {
    ...d.base,
    // A v2 preset or file keeps its optimiser, penalty and schedule, which v1 refuses.
    version: d.base.version === 2 ? 2 : 1,
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

/** Which control a core issue path belongs to. */
export function fieldOf(path: string, hiddenCount: number): FieldKey {
  const layer = /^layers\[(\d+)\](?:\.(units|activation))?/.exec(path);
  if (layer) {
    const i = Number(layer[1]);
    if (i >= hiddenCount) return layer[2] === 'activation' ? 'outputActivation' : 'dataset';
    return `layer-${i + 1}-${layer[2] === 'activation' ? 'activation' : 'units'}`;
  }
  if (path === 'layers') return 'general';
  if (path.startsWith('data') || path === 'testPoints' || path.startsWith('testPoints[') || path === 'testFraction') return 'dataset';
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
