/**
 * The softmax cross-entropy kernel (kernels.wat.mjs softmaxLoss): its e^x for x ≤ 0 against
 * correctly rounded values (test/fixtures/activations.json, mpmath at 200 bits), its ln against V8's
 * Math.log bit for bit (both are fdlibm's e_log.c), and the whole loss and gradient against the
 * trainer's JavaScript loop run with those two functions: the same sums in the same order, so the
 * same bits, for every class count, batch shape, target offset and non-finite output.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createWasmBackend, type WasmBackend } from '../core/wasm/backend';
import { NumpyRandom } from '../core/rng';
import { ulps } from './helpers/ulps';

const ref = JSON.parse(readFileSync(new URL('./fixtures/activations.json', import.meta.url), 'utf8')) as Record<'exp', { x: number[]; exact: number[] }>;


function expNeg(b: WasmBackend, x: ArrayLike<number>): Float64Array {
  const src = b.alloc(x.length);
  src.set(Array.from(x));
  const out = b.alloc(x.length);
  b.kernels.expneg_f64(x.length, src.byteOffset, out.byteOffset);
  return out;
}

/** core/trainer.ts lossAndGradient's softmax loop, with e^x and ln passed in. */
function jsSoftmax(exp: (x: number) => number, log: (x: number) => number, output: Float64Array, target: Float64Array, t0: number, rows: number, n: number, grad: Float64Array | null): number {
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    let max = -Infinity;
    for (let j = 0; j < n; j++) max = Math.max(max, output[o + j]!);
    let s = 0;
    const e: number[] = [];
    for (let j = 0; j < n; j++) {
      e[j] = exp(output[o + j]! - max);
      s += e[j]!;
    }
    const logS = log(s);
    for (let j = 0; j < n; j++) {
      const z = output[o + j]! - max;
      const y = target[t0 + o + j]!;
      sum -= y * (z - logS);
      if (grad) grad[o + j] = (e[j]! / s - y) / rows;
    }
  }
  return sum / rows;
}

const backends = [createWasmBackend({ relaxed: false }), createWasmBackend({ relaxed: true })];

for (const b of backends) {
  describe(`softmax kernel (${b.name})`, () => {
    const one = b.alloc(1);
    const oneOut = b.alloc(1);
    const kexp = (x: number) => {
      one[0] = x;
      b.kernels.expneg_f64(1, one.byteOffset, oneOut.byteOffset);
      return oneOut[0]!;
    };
    const klog = (x: number) => b.kernels.log_f64(x);

    it('e^x for x ≤ 0: within 2 ulp of the correctly rounded value, exact at 0, 0 at −∞, NaN kept', () => {
      const xs: number[] = [];
      const want: number[] = [];
      ref.exp.x.forEach((x, i) => {
        if (x <= 0) {
          xs.push(x);
          want.push(ref.exp.exact[i]!);
        }
      });
      const got = expNeg(b, xs);
      let worst = 0;
      for (let i = 0; i < xs.length; i++) worst = Math.max(worst, ulps(got[i]!, want[i]!));
      console.log(`${b.name} e^x, x ≤ 0: worst ${worst} ulp over ${xs.length} inputs`);
      expect(worst).toBeLessThanOrEqual(2);
      expect(xs.length).toBeGreaterThan(100);
      const edge = expNeg(b, [0, -0, -Infinity, NaN, -745.1, -708.5, -1e-300]);
      expect(Array.from(edge.slice(0, 3))).toEqual([1, 1, 0]);
      expect(edge[3]).toBeNaN();
      for (const i of [4, 5, 6]) expect(ulps(edge[i]!, Math.exp([0, -0, -Infinity, NaN, -745.1, -708.5, -1e-300][i]!))).toBeLessThanOrEqual(2);
    });

    it('ln is Math.log bit for bit (fdlibm both)', () => {
      const rng = new NumpyRandom(3);
      const xs: number[] = [1, 2, 10, Math.SQRT2, Math.SQRT1_2, 1 + 2 ** -52, 1 - 2 ** -53, 1.7976931348623157e308, 2.2250738585072014e-308];
      for (let i = 0; i < 50_000; i++) xs.push(1 + rng.nextDouble() * 9, 2 ** (rng.nextDouble() * 2000 - 1000), 1 + (rng.nextDouble() - 0.5) * 2 ** -18);
      const wrong = xs.filter((x) => !Object.is(klog(x), Math.log(x)));
      expect(wrong.slice(0, 5)).toEqual([]);
      expect(klog(NaN)).toBeNaN();
    });

    const cases = [
      { rows: 1, n: 1 },
      { rows: 7, n: 2 },
      { rows: 200, n: 2 },
      { rows: 33, n: 3 },
      { rows: 16, n: 10 },
    ];
    for (const { rows, n } of cases) {
      it(`${rows} rows × ${n} classes: loss and gradient are the JavaScript loop's bits (with the kernel's e^x and ln), at a target offset, with and without a gradient`, () => {
        const rng = new NumpyRandom(rows * 31 + n);
        const out = b.alloc(rows * n);
        const offsetRows = 5;
        const target = b.alloc((rows + offsetRows) * n);
        for (let i = 0; i < out.length; i++) out[i] = (rng.nextDouble() - 0.5) * 20;
        for (let r = 0; r < rows + offsetRows; r++) {
          // one-hot rows and, every third, soft targets
          if (r % 3 === 2) for (let j = 0; j < n; j++) target[r * n + j] = 1 / n;
          else target[r * n + Math.floor(rng.nextDouble() * n)] = 1;
        }
        const grad = b.alloc(rows * n);
        const cell = b.alloc(1);
        const t0 = offsetRows * n;
        expect(b.softmaxCrossEntropy!(rows, n, out, target, t0, grad, cell)).toBe(true);
        const want = new Float64Array(rows * n);
        const loss = jsSoftmax(kexp, klog, out, target, t0, rows, n, want);
        expect(Object.is(cell[0], loss)).toBe(true);
        expect(Array.from(grad)).toEqual(Array.from(want));
        // Against V8's own e^x: the same to rounding.
        const plain = jsSoftmax(Math.exp, Math.log, out, target, t0, rows, n, null);
        expect(Math.abs(cell[0]! - plain)).toBeLessThanOrEqual(Math.abs(plain) * 1e-14);
        // Without a gradient: the same loss, grad untouched.
        const before = Array.from(grad);
        cell[0] = 0;
        expect(b.softmaxCrossEntropy!(rows, n, out, target, t0, null, cell)).toBe(true);
        expect(Object.is(cell[0], loss)).toBe(true);
        expect(Array.from(grad)).toEqual(before);
      });
    }

    it("a row with NaN or ±∞ outputs gives a non-finite loss, the JavaScript loop's bits; buffers from outside kernel memory are declined", () => {
      for (const bad of [NaN, Infinity, -Infinity]) {
        const out = b.alloc(6);
        out.set([0.5, bad, -1, 0.25, 2, 3]);
        const target = b.alloc(6);
        target.set([0, 1, 0, 0, 0, 1]);
        const grad = b.alloc(6);
        const cell = b.alloc(1);
        b.softmaxCrossEntropy!(2, 3, out, target, 0, grad, cell);
        const want = new Float64Array(6);
        const loss = jsSoftmax(kexp, klog, out, target, 0, 2, 3, want);
        expect(Object.is(cell[0], loss)).toBe(true);
        expect(Array.from(grad)).toEqual(Array.from(want));
        expect(Number.isFinite(cell[0])).toBe(false); // NaN, or +∞ (0·(−∞) is NaN)
      }
      expect(b.softmaxCrossEntropy!(1, 2, new Float64Array(2), b.alloc(2), 0, null, b.alloc(1))).toBe(false);
    });
  });
}
