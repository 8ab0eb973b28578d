/**
 * Data sets, drawn from the experiment's numpy stream before any weight so `export-numpy` can write
 * the same draws in numpy. The draw order of every generated set is part of the format: change it
 * and saved experiments stop reproducing. Each kind's numpy equivalent is in `numpyDataCode`.
 */
import type { DataSpec } from './experiment';
import { dataDims } from './experiment';
import type { NumpyRandom } from './rng';

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

export function makeDataset(spec: DataSpec, rng: NumpyRandom): Dataset {
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
  const rows = (m: number[][]) => `np.array([${m.map((r) => `[${r.map(pyNum).join(', ')}]`).join(',\n              ')}], dtype=float)`;
  const oneHot = 'y = np.zeros((n, k)); y[np.arange(n), labels] = 1.0';
  switch (spec.kind) {
    case 'random-regression':
      return `x = np.random.randn(${spec.samples}, ${spec.inputs})\ny = np.random.randn(${spec.samples}, ${spec.outputs})`;
    case 'inline':
      return `x = ${rows(spec.x)}\ny = ${rows(spec.y)}`;
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
