/**
 * The kernels on two threads (node/kernel-threads.ts): bands are whole tiles, so every product must
 * be bit-identical to the one-thread result, and a whole training run identical step for step.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createWasmBackend, experiment, presetById, Trainer } from '../core';
import { createThreadedWasmBackend, type ThreadedBackend } from '../node/kernel-threads';
import { randomArray } from './helpers/kernel-check';

const opened: ThreadedBackend[] = [];
afterAll(async () => {
  await Promise.all(opened.map((b) => b.close()));
});
const threaded = async (precision: 'float64' | 'float32' = 'float64') => {
  const b = await createThreadedWasmBackend({ threads: 2, relaxed: false, precision });
  opened.push(b);
  return b;
};

describe('kernels on two threads', () => {
  it('split large products (rows or columns) with bit-identical results', async () => {
    for (const precision of ['float64', 'float32'] as const) {
      const two = await threaded(precision);
      const one = createWasmBackend({ relaxed: false, precision });
      expect(two.threads).toBe(2);
      // Products of ≥ 1M multiply-adds split: by rows (m ≥ 8), by columns (m < 8, wide n), with odd
      // edges; and one below the threshold.
      for (const [m, n, k] of [[64, 100, 1000], [128, 100, 128], [5, 100, 3000], [6, 37, 5001], [37, 7, 5001], [8, 8, 8]] as [number, number, number][]) {
        const put = (be: typeof one, v: Float64Array) => {
          const w = be.alloc(v.length);
          w.set(v);
          return w;
        };
        const src = { a: randomArray(m * k, 1), b: randomArray(k * n, 2), d: randomArray(m * n, 3), bias: randomArray(n, 4) };
        const results = [one, two].map((be) => {
          const a = put(be, src.a);
          const b = put(be, src.b);
          const d = put(be, src.d);
          const bias = put(be, src.bias);
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
