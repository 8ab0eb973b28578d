/**
 * Data sets, drawn from the experiment's numpy stream before any weight so `export-numpy` can write
 * the same draws in numpy. The draw order of every generated set is part of the format: change it
 * and saved experiments stop reproducing. Each kind's numpy equivalent is in `numpyDataCode`.
 */
import type { DataSpec } from './experiment';
import { dataDims } from './experiment';
import type { NumpyRandom } from './rng';
import { standardizeInPlace } from './csv';

export interface Dataset {
  samples: number;
  inputs: number;
  outputs: number;
  /** samples × inputs, row-major. */
  x: Float64Array;
  /** samples × outputs, row-major. */
  y: Float64Array;
  /** Number of classes when y is one-hot, else null. */
  classes: number | null;
  /** Class index per sample when y is one-hot, else null. */
  labels: Int32Array | null;
}

/** The quadrant example from the seed: four classes, one per quadrant, three points each. */
export const QUADRANT_X = [
  [1, 1], [-1, 1], [-1, -1], [1, -1],
  [10, 1], [-10, 1], [-10, -1], [10, -1],
  [1, 10], [-1, 10], [-1, -10], [1, -10],
];
/** The seed's test points, predicted after training. */
export const QUADRANT_TEST_POINTS = [[111, -111], [1, 9], [8, 1], [1, 8]];

/** Quadrant class of a point: (+,+) 0, (−,+) 1, (−,−) 2, (+,−) 3, as the seed labels them. */
export function quadrantOf(px: number, py: number): number {
  if (py >= 0) return px >= 0 ? 0 : 1;
  return px < 0 ? 2 : 3;
}

/**
 * `trainRows`: how many leading rows are trained on (the rest are held out); a standardised inline
 * set takes its mean and std from those rows only. Absent: every row.
 */
export function makeDataset(spec: DataSpec, rng: NumpyRandom, trainRows?: number): Dataset {
  if (spec.kind === 'csv') {
    throw new Error(`data: the csv file ${spec.path} must be read and checked before training (nnlab train and File ▸ Open do this; in the browser, import it with Import CSV…)`);
  }
  const { samples, inputs, outputs, classes } = dataDims(spec);
  const x = new Float64Array(samples * inputs);
  const y = new Float64Array(samples * outputs);
  const labels = classes ? new Int32Array(samples) : null;

  switch (spec.kind) {
    case 'random-regression':
      rng.randnInto(x);
      rng.randnInto(y);
      break;
    case 'inline':
      spec.x.forEach((row, i) => x.set(row, i * inputs));
      spec.y.forEach((row, i) => y.set(row, i * outputs));
      if (spec.standardize) standardizeInPlace(x, samples, inputs, trainRows ?? samples);
      break;
    case 'quadrants':
      if (spec.samples === undefined) {
        QUADRANT_X.forEach((row, i) => x.set(row, i * 2));
        for (let i = 0; i < samples; i++) labels![i] = i % 4;
      } else {
        // x = rand(n, 2) * 20 - 10
        rng.randInto(x);
        for (let i = 0; i < x.length; i++) x[i] = x[i]! * 20 - 10;
        for (let i = 0; i < samples; i++) labels![i] = quadrantOf(x[2 * i]!, x[2 * i + 1]!);
      }
      break;
    case 'xor': {
      // u = rand(n, 2) * 2 - 1; label by the sign of u0·u1 (before noise); x = u + noise · randn(n, 2)
      rng.randInto(x);
      for (let i = 0; i < x.length; i++) x[i] = x[i]! * 2 - 1;
      for (let i = 0; i < samples; i++) labels![i] = x[2 * i]! * x[2 * i + 1]! >= 0 ? 0 : 1;
      addNoise(x, spec.noise, rng);
      break;
    }
    case 'circles': {
      // class c = i % k on a ring of radius (c + 1) / k at angle t = 2π · rand(n)
      const t = rng.rand(samples);
      const k = spec.classes;
      for (let i = 0; i < samples; i++) {
        const c = i % k;
        const r = (c + 1) / k;
        const a = 2 * Math.PI * t[i]!;
        x[2 * i] = r * Math.cos(a);
        x[2 * i + 1] = r * Math.sin(a);
        labels![i] = c;
      }
      addNoise(x, spec.noise, rng);
      break;
    }
    case 'spiral': {
      // class c = i % k; s = rand(n); θ = 2π c / k + 4.5 s; point s · (sin θ, cos θ)
      const s = rng.rand(samples);
      const k = spec.classes;
      for (let i = 0; i < samples; i++) {
        const c = i % k;
        const th = (2 * Math.PI * c) / k + 4.5 * s[i]!;
        x[2 * i] = s[i]! * Math.sin(th);
        x[2 * i + 1] = s[i]! * Math.cos(th);
        labels![i] = c;
      }
      addNoise(x, spec.noise, rng);
      break;
    }
    case 'gaussians': {
      // class c = i % k, centred on the unit circle at angle 2π c / k
      const k = spec.classes;
      for (let i = 0; i < samples; i++) {
        const c = i % k;
        const a = (2 * Math.PI * c) / k;
        x[2 * i] = Math.cos(a);
        x[2 * i + 1] = Math.sin(a);
        labels![i] = c;
      }
      addNoise(x, spec.noise, rng);
      break;
    }
  }

  if (labels && spec.kind !== 'inline') {
    for (let i = 0; i < samples; i++) y[i * outputs + labels[i]!] = 1;
  }
  if (labels && spec.kind === 'inline') {
    for (let i = 0; i < samples; i++) {
      for (let j = 0; j < outputs; j++) if (y[i * outputs + j] === 1) labels[i] = j;
    }
  }
  return { samples, inputs, outputs, x, y, classes, labels };
}

/** x += noise · randn(n, 2); the draw happens even at noise 0, so the stream does not depend on it. */
function addNoise(x: Float64Array, noise: number, rng: NumpyRandom): void {
  const g = rng.randn(x.length);
  for (let i = 0; i < x.length; i++) x[i] = x[i]! + noise * g[i]!;
}

/**
 * numpy code producing `x`, `y` (and nothing else) from the global stream, drawing exactly what
 * `makeDataset` draws. Used by `export-numpy`; kept next to the TypeScript so the two change together.
 */
export function numpyDataCode(spec: DataSpec): string {
  if (spec.kind === 'csv') return numpyCsvCode(spec);
  const rows = (m: number[][]) => `np.array([${m.map((r) => `[${r.map(pyNum).join(', ')}]`).join(',\n              ')}], dtype=float)`;
  const oneHot = 'y = np.zeros((n, k)); y[np.arange(n), labels] = 1.0';
  switch (spec.kind) {
    case 'random-regression':
      return `x = np.random.randn(${spec.samples}, ${spec.inputs})\ny = np.random.randn(${spec.samples}, ${spec.outputs})`;
    case 'inline': {
      const names = [
        ...(spec.features ? [`# x columns: ${JSON.stringify(spec.features)}${spec.target !== undefined ? `; y from column ${JSON.stringify(spec.target)}` : ''}`] : []),
        ...(spec.labels ? [`# y is one-hot over the classes ${JSON.stringify(spec.labels)}, in that order`] : []),
      ];
      return [...names, `x = ${rows(spec.x)}`, `y = ${rows(spec.y)}`].join('\n');
    }
    case 'quadrants':
      if (spec.samples === undefined) {
        return [
          `x = ${rows(QUADRANT_X)}`,
          `y = np.tile(np.eye(4), (3, 1))  # (+,+) 0, (-,+) 1, (-,-) 2, (+,-) 3`,
        ].join('\n');
      }
      return [
        `n, k = ${spec.samples}, 4`,
        'x = np.random.rand(n, 2) * 20 - 10',
        'labels = np.where(x[:, 1] >= 0, np.where(x[:, 0] >= 0, 0, 1), np.where(x[:, 0] < 0, 2, 3))',
        oneHot,
      ].join('\n');
    case 'xor':
      return [
        `n, k, noise = ${spec.samples}, 2, ${pyNum(spec.noise)}`,
        'x = np.random.rand(n, 2) * 2 - 1',
        'labels = np.where(x[:, 0] * x[:, 1] >= 0, 0, 1)',
        'x = x + noise * np.random.randn(n, 2)',
        oneHot,
      ].join('\n');
    case 'circles':
      return [
        `n, k, noise = ${spec.samples}, ${spec.classes}, ${pyNum(spec.noise)}`,
        'labels = np.arange(n) % k',
        'a = 2 * np.pi * np.random.rand(n)',
        'r = (labels + 1) / k',
        'x = np.stack([r * np.cos(a), r * np.sin(a)], axis=1)',
        'x = x + noise * np.random.randn(n, 2)',
        oneHot,
      ].join('\n');
    case 'spiral':
      return [
        `n, k, noise = ${spec.samples}, ${spec.classes}, ${pyNum(spec.noise)}`,
        'labels = np.arange(n) % k',
        's = np.random.rand(n)',
        'th = 2 * np.pi * labels / k + 4.5 * s',
        'x = np.stack([s * np.sin(th), s * np.cos(th)], axis=1)',
        'x = x + noise * np.random.randn(n, 2)',
        oneHot,
      ].join('\n');
    case 'gaussians':
      return [
        `n, k, noise = ${spec.samples}, ${spec.classes}, ${pyNum(spec.noise)}`,
        'labels = np.arange(n) % k',
        'a = 2 * np.pi * labels / k',
        'x = np.stack([np.cos(a), np.sin(a)], axis=1)',
        'x = x + noise * np.random.randn(n, 2)',
        oneHot,
      ].join('\n');
  }
}

/** A float as Python reads it back exactly (repr round-trips in both languages). */
export function pyNum(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.0`;
  return String(v).replace('e+', 'e');
}

/**
 * numpy code reading a csv reference's file by nnlab's rules (core/csv.ts): the SHA-256 checked, a BOM
 * dropped, blank lines skipped, the header's names trimmed, the same columns, the same one-hot order.
 * The path is the experiment's (the CLI makes it absolute); `python3 exp.py other.csv` reads another copy.
 */
function numpyCsvCode(spec: Extract<DataSpec, { kind: 'csv' }>): string {
  const classes = spec.targetKind === 'classes';
  return [
    'import csv, hashlib, io, sys',
    `CSV_PATH = sys.argv[1] if len(sys.argv) > 1 else ${JSON.stringify(spec.path)}`,
    "with open(CSV_PATH, 'rb') as f:",
    '    raw = f.read()',
    `if hashlib.sha256(raw).hexdigest() != ${JSON.stringify(spec.sha256.toLowerCase())}:`,
    "    sys.exit(CSV_PATH + ': not the file the experiment was made with (its SHA-256 differs)')",
    `table = [r for r in csv.reader(io.StringIO(raw.decode('utf-8-sig'), newline=''), delimiter=${JSON.stringify(spec.delimiter ?? ',')})`,
    '         if r and not (len(r) == 1 and not r[0].strip())]  # blank lines skipped',
    "header = [h.strip() or 'column %d' % (i + 1) for i, h in enumerate(table[0])]",
    'body = table[1:]',
    `features, target = ${JSON.stringify(spec.features)}, ${JSON.stringify(spec.target)}`,
    'cols, t = [header.index(c) for c in features], header.index(target)',
    'x = np.array([[float(r[c]) for c in cols] for r in body])',
    ...(classes
      ? [
          spec.labels
            ? `labels = ${JSON.stringify(spec.labels)}  # the one-hot order, as the experiment records it`
            : 'labels = list(dict.fromkeys(r[t].strip() for r in body))  # the one-hot order: first appearance',
          'index = {label: k for k, label in enumerate(labels)}',
          'y = np.zeros((len(body), len(labels)))',
          'y[np.arange(len(body)), [index[r[t].strip()] for r in body]] = 1.0',
        ]
      : ['y = np.array([[float(r[t])] for r in body])']),
  ].join('\n');
}

/** numpy code standardising `x` as core/csv.ts standardizeInPlace does, given `n_train`. */
export function numpyStandardizeCode(spec: DataSpec): string | null {
  if ((spec.kind !== 'inline' && spec.kind !== 'csv') || !spec.standardize) return null;
  return [
    "# Standardised: each column's mean and std (ddof 0) from the training rows only; a constant column is only centred.",
    'mu, sd = x[:n_train].mean(axis=0), x[:n_train].std(axis=0)',
    'sd[sd == 0] = 1.0',
    'x = (x - mu) / sd',
  ].join('\n');
}
