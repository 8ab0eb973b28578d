/**
 * The kernels on two threads (node/kernel-threads.ts): bands are whole tiles, so every product must
 * be bit-identical to the one-thread result, and a whole training run identical step for step.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createWasmBackend, experiment, presetById, Trainer } from '../core';
import { createThreadedWasmBackend, type ThreadedBackend } from '../node/kernel-threads';
import { inBackend, randomArray } from './helpers/kernel-check';
import { SHAPES } from '../bench/shapes';

const opened: ThreadedBackend[] = [];
afterAll(async () => {
  await Promise.all(opened.map((b) => b.close()));
});
// Lower thresholds than the defaults, so the classroom net's products and tanh passes split too.
const threaded = async (precision: 'float64' | 'float32' = 'float64') => {
  const b = await createThreadedWasmBackend({ threads: 2, relaxed: false, precision, parallelMinWork: 200_000, parallelMinActivations: 4096 });
  opened.push(b);
  return b;
};

describe('kernels on two threads', () => {
  it('split large products (rows or columns) with bit-identical results', async () => {
    for (const precision of ['float64', 'float32'] as const) {
      const two = await threaded(precision);
      const one = createWasmBackend({ relaxed: false, precision });
      expect(two.threads).toBe(2);
      // Products above the threshold (200k multiply-adds here) split: by rows (m ≥ 8), by columns (m < 8,
      // wide n), with odd edges, at the classroom net's sizes; and one below the threshold.
      for (const [m, n, k] of [[64, 100, 1000], [128, 100, 128], [5, 100, 3000], [6, 37, 5001], [37, 7, 5001], [512, 32, 32], [509, 33, 31], [8, 8, 8]] as [number, number, number][]) {
        const src = { a: randomArray(m * k, 1), b: randomArray(k * n, 2), d: randomArray(m * n, 3), bias: randomArray(n, 4) };
        const results = [one, two].map((be) => {
          const a = inBackend(be, src.a);
          const b = inBackend(be, src.b);
          const d = inBackend(be, src.d);
          const bias = inBackend(be, src.bias);
          const c = be.alloc(m * n);
          const g = be.alloc(k * n);
          const e = be.alloc(m * k);
          be.gemm(m, n, k, a, b, c, bias);
          be.gemmTN(m, n, k, a, d, g);
          be.gemmNT(m, n, k, d, b, e);
          return [...c, ...g, ...e];
        });
        expect(results[1], `${precision} ${m}×${n}×${k}`).toEqual(results[0]);
      }
    }
  });

  it('split tanh and sigmoid over long arrays with bit-identical results, in place too', async () => {
    const two = await threaded();
    const one = createWasmBackend({ relaxed: false });
    for (const n of [4095, 4096, 4097, 5003, 16384, 16387]) {
      const x = randomArray(n, n).map((v) => v * 6);
      for (const kind of ['tanh', 'sigmoid', 'relu'] as const) {
        const [a, b] = [one, two].map((be) => {
          const z = be.alloc(n);
          z.set(x);
          const out = be.alloc(n);
          be.activate!(kind, n, z, out);
          be.activate!(kind, n, z, z);
          expect(Array.from(z), `${kind} ${n} in place`).toEqual(Array.from(out));
          return Array.from(out);
        });
        expect(b, `${kind} ${n}`).toEqual(a);
      }
    }
  });

  it('train the classroom tanh net step for step as one thread does', async () => {
    const exp = SHAPES.find((s) => s.id === 'classroom-tanh')!.experiment(40);
    const run = (backend: ReturnType<typeof createWasmBackend>) => {
      const t = new Trainer(exp, { backend });
      t.run(40);
      return t.result(1).losses;
    };
    expect(run(await threaded())).toEqual(run(createWasmBackend({ relaxed: false })));
  });

  it('train seed-004 step for step as one thread does, and fall back to one thread after close()', async () => {
    const exp = experiment({ ...presetById('seed-004')!.experiment, steps: 60 });
    const run = (backend: ReturnType<typeof createWasmBackend>, inputGram: boolean) => {
      const t = new Trainer(exp, { backend, inputGram });
      t.run(60);
      return t.result(1).losses;
    };
    for (const inputGram of [false, true]) {
      const single = run(createWasmBackend({ relaxed: false }), inputGram);
      const two = await threaded();
      expect(run(two, inputGram)).toEqual(single);
      await two.close();
      expect(two.threads).toBe(1);
      expect(run(two, inputGram)).toEqual(single);
    }
  });
});
