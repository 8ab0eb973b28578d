/**
 * Sweep format v1: a base experiment and a few axes; the grid is the product of the axes and every
 * grid point is a whole experiment, validated as one. Parsing never throws on bad input and names
 * the axis or field (`axes.learningRate[2]: must be a positive number`), as experiments do.
 *
 * Axes are a table (`SWEEP_AXES`): a value schema and what a value does to the experiment. A new
 * experiment field becomes an axis with one `fieldAxis(...)` line, its values checked by the very
 * schema that checks the field in an experiment file.
 */
import * as z from 'zod';
import {
  ExperimentSchema,
  formatPath,
  OPTIMIZERS,
  issuesMessage,
  parseExperiment,
  WEIGHT_SCHEMES,
  type Experiment,
  type ExperimentInput,
  type FieldIssue,
} from './experiment';

/** A value an axis takes: what the params of a run hold. */
export type AxisValue = number | string | boolean | null;

export interface SweepAxis {
  /** The key in `axes` and in each run's `params`. */
  name: string;
  /** One line for the README and the UI's axis picker. */
  description: string;
  /** Checks one value; messages are phrased as for an experiment field ("must be …"). */
  value: z.ZodType<AxisValue>;
  /** The experiment with this axis at `value`, from the (already validated) experiment so far. */
  apply: (exp: Experiment, value: AxisValue) => ExperimentInput;
  /** Whether `{"logspace": [from, to, count]}` may stand for the value list. */
  logspace?: boolean;
}

/** An axis that sets one top-level experiment field, its values checked by the experiment's own schema for it. */
function fieldAxis(name: keyof typeof ExperimentSchema.shape, description: string, extra: Partial<SweepAxis> = {}): SweepAxis {
  return {
    name,
    description,
    value: ExperimentSchema.shape[name] as unknown as z.ZodType<AxisValue>,
    apply: (exp, value) => ({ ...exp, [name]: value }),
    ...extra,
  };
}

const fmtList = (xs: readonly string[]) => xs.map((x) => `"${x}"`).join(', ');
const hidden = (exp: Experiment) => exp.layers.slice(0, -1);
const output = (exp: Experiment) => exp.layers[exp.layers.length - 1]!;

export const SWEEP_AXES: readonly SweepAxis[] = [
  fieldAxis('learningRate', 'step size (the base rate a schedule scales); a list or {"logspace": [fromExponent, toExponent, count]}', { logspace: true }),
  {
    name: 'optimizer.kind',
    description: `update rule (${fmtList(OPTIMIZERS)}) at its default settings, or the base's if it uses the same rule; makes the experiment format v2`,
    value: z.enum(OPTIMIZERS, { error: `must be one of ${fmtList(OPTIMIZERS)}` }),
    // v2 only adds fields (a v1 experiment reads the same as v2), so upgrading the base changes no number.
    apply: (exp, value) => ({ ...exp, version: 2, optimizer: exp.optimizer?.kind === value ? exp.optimizer : { kind: value as (typeof OPTIMIZERS)[number] } }),
  },
  {
    name: 'init.weights',
    description: `weight init scheme (${fmtList(WEIGHT_SCHEMES)}); the base's bias scheme is kept`,
    value: z.enum(WEIGHT_SCHEMES, { error: `must be one of ${fmtList(WEIGHT_SCHEMES)}` }),
    apply: (exp, value) => ({ ...exp, init: { weights: value, biases: typeof exp.init.biases === 'string' ? exp.init.biases : 'standard-normal' } }),
  },
  fieldAxis('seed', 'the numpy seed: data draw, init and batch order'),
  fieldAxis('bias', 'biases on (true) or off (false) in every layer'),
  {
    name: 'batchSize',
    description: 'rows per step; null is the full batch',
    value: z.union([ExperimentSchema.shape.batchSize.unwrap().unwrap(), z.null()], { error: 'must be a positive integer or null (full batch)' }),
    apply: (exp, value) => ({ ...exp, batchSize: value as number | null }),
  },
  {
    name: 'depth',
    description: 'number of hidden layers: extra ones copy the last hidden layer, fewer drop them from the end (0: output layer only)',
    value: z
      .number({ error: 'must be an integer from 0 to 63' })
      .int({ error: 'must be an integer from 0 to 63' })
      .min(0, { error: 'must be an integer from 0 to 63' })
      .max(63, { error: 'must be an integer from 0 to 63' }),
    apply: (exp, value) => {
      const h = hidden(exp);
      const depth = value as number;
      if (depth > 0 && h.length === 0) throw new AxisError('the base network has no hidden layer to copy; give it one');
      return { ...exp, layers: [...Array.from({ length: depth }, (_, i) => ({ ...h[Math.min(i, h.length - 1)]! })), output(exp)] };
    },
  },
  {
    name: 'hiddenUnits',
    description: 'units in every hidden layer (applied after depth, no effect at depth 0); activations are kept',
    value: ExperimentSchema.shape.layers.element.shape.units as unknown as z.ZodType<AxisValue>,
    apply: (exp, value) => ({ ...exp, layers: [...hidden(exp).map((l) => ({ ...l, units: value as number })), output(exp)] }),
  },
];

/** Axes are applied in this order whatever order the file lists them in (depth before hiddenUnits). */
const AXIS_ORDER = new Map(SWEEP_AXES.map((a, i) => [a.name, i]));
export const AXIS_NAMES: readonly string[] = SWEEP_AXES.map((a) => a.name);
export const axisByName = (name: string): SweepAxis | undefined => SWEEP_AXES.find((a) => a.name === name);

/** A sweep of more runs than this is refused (a typo in a logspace count should not queue a million runs). */
export const MAX_SWEEP_RUNS = 10_000;

class AxisError extends Error {}

export interface Sweep {
  version: 1;
  kind: 'sweep';
  base: Experiment;
  /** Axis name → its values, in the file's order (logspace expanded). */
  axes: Record<string, AxisValue[]>;
}

/** One grid point: its index in grid order, its axis values and the whole experiment it runs. */
export interface SweepPoint {
  index: number;
  params: Record<string, AxisValue>;
  experiment: Experiment;
}

export type SweepParseResult = { ok: true; sweep: Sweep; points: SweepPoint[] } | { ok: false; issues: FieldIssue[]; message: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `numpy.logspace(from, to, count)`: count values from 10^from to 10^to, evenly spaced in the
 * exponent. Each is rounded to 15 significant digits so 10^-2 reads 0.01, not 0.010000000000000002;
 * the rounded value is the one the run uses and the one its params record.
 */
export function logspace(from: number, to: number, count: number): number[] {
  if (count === 1) return [Number((10 ** from).toPrecision(15))];
  return Array.from({ length: count }, (_, i) => Number((10 ** (i === count - 1 ? to : from + ((to - from) * i) / (count - 1))).toPrecision(15)));
}

const Logspace = z.strictObject({
  logspace: z.tuple([z.number().finite(), z.number().finite(), z.number().int().min(1).max(MAX_SWEEP_RUNS)], {
    error: `must be [fromExponent, toExponent, count] (count a positive integer, values 10^from … 10^to)`,
  }),
});

function axisValues(axis: SweepAxis, raw: unknown, path: string, issues: FieldIssue[]): AxisValue[] {
  let values: unknown[];
  if (axis.logspace && isRecord(raw)) {
    const r = Logspace.safeParse(raw);
    if (!r.success) {
      const iss = r.error.issues[0]!;
      const message = iss.code === 'unrecognized_keys' ? `unknown field${iss.keys.length > 1 ? 's' : ''} ${fmtList(iss.keys)}` : 'must be [fromExponent, toExponent, count] (count a positive integer, values 10^from … 10^to)';
      issues.push({ path: iss.code === 'unrecognized_keys' ? path : `${path}.logspace`, message });
      return [];
    }
    values = logspace(...r.data.logspace);
  } else if (Array.isArray(raw)) {
    values = raw;
  } else {
    issues.push({ path, message: `must be a list of values${axis.logspace ? ' or {"logspace": [fromExponent, toExponent, count]}' : ''}` });
    return [];
  }
  if (values.length === 0) {
    issues.push({ path, message: 'must have at least one value' });
    return [];
  }
  const out: AxisValue[] = [];
  values.forEach((v, i) => {
    const r = axis.value.safeParse(v);
    if (!r.success) {
      issues.push({ path: `${path}[${i}]`, message: r.error.issues[0]!.message.startsWith('Invalid input') ? 'is not a valid value' : r.error.issues[0]!.message });
      return;
    }
    const prev = out.findIndex((o) => o === r.data);
    if (prev >= 0) issues.push({ path: `${path}[${i}]`, message: `repeats ${JSON.stringify(r.data)} (already at [${prev}])` });
    else out.push(r.data);
  });
  return out;
}

const describePoint = (params: Record<string, AxisValue>) =>
  Object.entries(params)
    .map(([k, v]) => `${k} ${JSON.stringify(v)}`)
    .join(', ');

/** The experiment of one grid point (axes applied in table order), or the problems it has. */
export function pointExperiment(base: Experiment, params: Record<string, AxisValue>): { ok: true; experiment: Experiment } | { ok: false; issues: FieldIssue[] } {
  let exp = base;
  const names = Object.keys(params).sort((a, b) => (AXIS_ORDER.get(a) ?? 0) - (AXIS_ORDER.get(b) ?? 0));
  for (const name of names) {
    const axis = axisByName(name);
    if (!axis) return { ok: false, issues: [{ path: `axes.${name}`, message: 'unknown axis' }] };
    let input: ExperimentInput;
    try {
      input = axis.apply(exp, params[name]!);
    } catch (e) {
      if (e instanceof AxisError) return { ok: false, issues: [{ path: `axes.${name}`, message: e.message }] };
      throw e;
    }
    const r = parseExperiment(input);
    if (!r.ok) {
      return { ok: false, issues: r.issues.map((i) => ({ path: `axes.${name}`, message: `${describePoint(params)} makes an invalid experiment: ${i.path ? `${i.path}: ` : ''}${i.message}` })) };
    }
    exp = r.experiment;
  }
  return { ok: true, experiment: exp };
}

/** Every grid point, the first axis in the file varying slowest (nested loops in file order). */
export function gridParams(axes: Record<string, AxisValue[]>): Record<string, AxisValue>[] {
  let grid: Record<string, AxisValue>[] = [{}];
  for (const [name, values] of Object.entries(axes)) grid = grid.flatMap((p) => values.map((v) => ({ ...p, [name]: v })));
  return grid;
}

export function parseSweep(raw: unknown): SweepParseResult {
  const issues: FieldIssue[] = [];
  const fail = () => ({ ok: false as const, issues, message: issuesMessage(issues) });
  if (!isRecord(raw)) {
    issues.push({ path: '', message: 'must be a JSON object {"version": 1, "kind": "sweep", "base": …, "axes": …}' });
    return fail();
  }
  for (const key of Object.keys(raw)) if (!['version', 'kind', 'base', 'axes'].includes(key)) issues.push({ path: key, message: 'unknown field (a sweep has "version", "kind", "base", "axes")' });
  if (raw.version !== 1) issues.push({ path: 'version', message: raw.version === undefined ? 'is required' : 'must be 1 (this nnlab reads sweep format v1)' });
  if (raw.kind !== 'sweep') issues.push({ path: 'kind', message: raw.kind === undefined ? 'is required' : 'must be "sweep"' });

  let base: Experiment | null = null;
  if (raw.base === undefined) issues.push({ path: 'base', message: 'is required (the experiment every run starts from)' });
  else {
    const r = parseExperiment(raw.base);
    if (r.ok) base = r.experiment;
    else issues.push(...r.issues.map((i) => ({ path: i.path ? `base.${i.path}` : 'base', message: i.message })));
  }

  const axes: Record<string, AxisValue[]> = {};
  if (raw.axes === undefined) issues.push({ path: 'axes', message: `is required: an object of axes (${fmtList(AXIS_NAMES)})` });
  else if (!isRecord(raw.axes)) issues.push({ path: 'axes', message: `must be an object of axes (${fmtList(AXIS_NAMES)})` });
  else {
    const entries = Object.entries(raw.axes);
    if (entries.length === 0) issues.push({ path: 'axes', message: `must name at least one axis (${fmtList(AXIS_NAMES)})` });
    for (const [name, values] of entries) {
      const path = formatPath(['axes', name]);
      const axis = axisByName(name);
      if (!axis) {
        issues.push({ path, message: `unknown axis; the axes are ${fmtList(AXIS_NAMES)}` });
        continue;
      }
      axes[name] = axisValues(axis, values, path, issues);
    }
  }
  if (base && axes.hiddenUnits && !axes.depth && base.layers.length === 1) {
    issues.push({ path: 'axes.hiddenUnits', message: 'the base network has no hidden layer to resize; give it one (or add a depth axis)' });
  }
  if (issues.length) return fail();

  const total = Object.values(axes).reduce((n, v) => n * v.length, 1);
  if (total > MAX_SWEEP_RUNS) {
    issues.push({ path: 'axes', message: `make ${total.toLocaleString('en-US')} runs, above nnlab's limit of ${MAX_SWEEP_RUNS.toLocaleString('en-US')}; use fewer values` });
    return fail();
  }
  const points: SweepPoint[] = [];
  const seen = new Set<string>();
  for (const [index, params] of gridParams(axes).entries()) {
    const r = pointExperiment(base!, params);
    if (r.ok) points.push({ index, params, experiment: r.experiment });
    else {
      // One message per distinct problem, not one per grid point that has it.
      for (const i of r.issues) {
        const key = `${i.path}\u0000${i.message.replace(/^.*? makes an invalid experiment: /, '')}`;
        if (!seen.has(key)) {
          seen.add(key);
          issues.push(i);
        }
      }
    }
  }
  if (issues.length) return fail();
  return { ok: true, sweep: { version: 1, kind: 'sweep', base: base!, axes }, points };
}

export function parseSweepJson(text: string): SweepParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const message = `not valid JSON: ${(e as Error).message}`;
    return { ok: false, issues: [{ path: '', message }], message };
  }
  return parseSweep(raw);
}
