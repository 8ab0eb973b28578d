/**
 * The WASM SIMD kernels against the TypeScript reference (the oracle), on shapes chosen to hit
 * every tile edge: full 4×4 tiles, leftover rows (1–3), a leftover vector, a scalar last column
 * (odd widths) and empty reductions. The relaxed-SIMD (FMA) build is checked in a child Node with
 * the flag Node 20 needs, so both code paths are tested on every run.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { referenceBackend, type Backend } from '../core/kernels';
import { createWasmBackend, relaxedSimdSupported, wasmSimdSupported, KernelMemory } from '../core/wasm/backend';
import { inBackend, productMismatch, randomArray } from './helpers/kernel-check';

const shapes: [number, number, number][] = [
  [1, 1, 1], [4, 4, 4], [5, 9, 13], [3, 2, 1], [8, 8, 0], [7, 3, 5], [13, 1, 6], [2, 17, 9],
  [64, 100, 1000], [64, 10, 100], [128, 100, 100], [9, 10, 2],
];

function compare(backend: Backend, m: number, n: number, k: number, tol: number, seed: number, owned = true) {
  const mk = (len: number, s: number) => {
    const v = randomArray(len, s);
    if (!owned) return v;
    const w = backend.alloc(len);
    w.set(v);
    return w;
  };
  const a = mk(m * k, seed);
  const b = mk(k * n, seed + 1);
  const d = mk(m * n, seed + 2);
  const bias = mk(n, seed + 3);
  const out = (len: number) => (owned ? backend.alloc(len) : new Float64Array(len));
  const errs: (string | null)[] = [];
  for (const withBias of [false, true]) {
    const want = new Float64Array(m * n);
    const got = out(m * n);
    referenceBackend.gemm(m, n, k, a, b, want, withBias ? bias : null);
    backend.gemm(m, n, k, a, b, got, withBias ? bias : null);
    errs.push(productMismatch('gemm', got, want, a, b, k, tol));
  }
  {
    const want = new Float64Array(k * n);
    const got = out(k * n);
    referenceBackend.gemmTN(m, n, k, a, d, want);
    backend.gemmTN(m, n, k, a, d, got);
    errs.push(productMismatch('gemmTN', got, want, a, d, m, tol));
  }
  {
    const want = new Float64Array(m * k);
    const got = out(m * k);
    referenceBackend.gemmNT(m, n, k, d, b, want);
    backend.gemmNT(m, n, k, d, b, got);
    errs.push(productMismatch('gemmNT', got, want, d, b, n, tol));
  }
  return errs.filter((e) => e !== null);
}

describe('wasm kernels', () => {
  it('run on this Node (SIMD128); relaxed SIMD only behind the flag on Node 20', () => {
    expect(wasmSimdSupported()).toBe(true);
    const major = Number(process.versions.node.split('.')[0]);
    if (major === 20) expect(relaxedSimdSupported()).toBe(process.execArgv.includes('--experimental-wasm-relaxed-simd'));
  });

  it('run on the tiles this pass asked for: the wide ones in npm test\'s revectorized pass (NNLAB_TEST_WIDE=1), else the narrow', () => {
    expect(createWasmBackend().wide).toBe(process.env.NNLAB_TEST_WIDE === '1');
  });

  it('float64 matches the reference on every tile edge (1e-13 of Σ|a·b|)', () => {
    const be = createWasmBackend({ relaxed: false });
    shapes.forEach(([m, n, k], i) => expect(compare(be, m, n, k, 1e-13, 10 * i), `${m}×${n}×${k}`).toEqual([]));
  });

  it('float64 matches the reference on random shapes', () => {
    const be = createWasmBackend({ relaxed: false });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 23 }), fc.integer({ min: 1, max: 23 }), fc.integer({ min: 0, max: 40 }), fc.integer(), (m, n, k, s) => {
        expect(compare(be, m, n, k, 1e-13, s)).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('arrays from outside kernel memory give the same products (copied through scratch)', () => {
    const be = createWasmBackend({ relaxed: false });
    for (const [m, n, k] of shapes.slice(0, 8)) expect(compare(be, m, n, k, 1e-13, m + n + k, false)).toEqual([]);
    // And the copies are exact: same bits as the in-memory path.
    const a = randomArray(7 * 5, 1);
    const b = randomArray(5 * 3, 2);
    const c1 = new Float64Array(21);
    const c2 = be.alloc(21);
    const a2 = be.alloc(35);
    const b2 = be.alloc(15);
    a2.set(a);
    b2.set(b);
    be.gemm(7, 3, 5, a, b, c1, null);
    be.gemm(7, 3, 5, a2, b2, c2, null);
    expect(Array.from(c1)).toEqual(Array.from(c2));
  });

  it('float32 mode is within float32 rounding of the reference (1e-6 of Σ|a·b|)', () => {
    const be = createWasmBackend({ relaxed: false, precision: 'float32' });
    shapes.forEach(([m, n, k], i) => expect(compare(be, m, n, k, 1e-6, 100 + i), `${m}×${n}×${k}`).toEqual([]));
    // ... and genuinely float32: not accidentally float64.
    const a = be.alloc(1);
    const b = be.alloc(1);
    const c = be.alloc(1);
    a[0] = 1 + 2 ** -40;
    b[0] = 1;
    be.gemm(1, 1, 1, a, b, c, null);
    expect(c[0]).toBe(1);
  });

  it('float32 mode adds the bias in float64 after widening, bit for bit the plain loop (odd widths)', () => {
    const be = createWasmBackend({ relaxed: false, precision: 'float32' });
    for (const [m, n, k] of [[1, 1, 1], [3, 5, 7], [17, 33, 9], [512, 32, 32]] as [number, number, number][]) {
      const put = (v: Float64Array) => inBackend(be, v);
      const a = put(randomArray(m * k, m));
      const b = put(randomArray(k * n, n));
      const bias = put(randomArray(n, k).map((v) => v * 1e3));
      const plain = be.alloc(m * n);
      const fused = be.alloc(m * n);
      be.gemm(m, n, k, a, b, plain, null);
      be.gemm(m, n, k, a, b, fused, bias);
      for (let r = 0; r < m; r++) for (let j = 0; j < n; j++) plain[r * n + j] = plain[r * n + j]! + bias[j]!;
      expect(Array.from(fused), `${m}×${n}×${k}`).toEqual(Array.from(plain));
    }
  });

  it('transpose moves every value exactly: whole 8×8 blocks (SIMD) and edge blocks (scalar), both precisions', () => {
    const be = createWasmBackend({ relaxed: false });
    const k = be.kernels;
    for (const [rows, cols] of [[1, 1], [8, 8], [16, 24], [9, 17], [128, 128], [33, 7], [64, 10], [3, 40]] as [number, number][]) {
      const src = inBackend(be, randomArray(rows * cols, rows * 31 + cols));
      const dst = be.alloc(rows * cols);
      k.transpose_f64(rows, cols, src.byteOffset, dst.byteOffset);
      const want = new Float64Array(rows * cols);
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) want[c * rows + r] = src[r * cols + c]!;
      expect(Array.from(dst), `${rows}×${cols}`).toEqual(Array.from(want));
      const mem = be.kernelMemory.f32(rows * cols);
      k.transpose_f64_f32(rows, cols, src.byteOffset, mem.byteOffset);
      expect(Array.from(mem), `${rows}×${cols} to float32`).toEqual(Array.from(Float32Array.from(want)));
    }
  });

  it('pack moves every value to its panel exactly: column pairs (SIMD), an odd last column, a short last panel', () => {
    const be = createWasmBackend({ relaxed: false });
    for (const [m, k] of [[4, 2], [8, 32], [512, 32], [9, 7], [6, 1], [3, 5], [32, 129]] as [number, number][]) {
      const src = inBackend(be, randomArray(m * k, m * 7 + k));
      const dst = be.alloc(Math.ceil(m / 4) * 4 * k);
      be.kernels.pack_f64(m, k, src.byteOffset, dst.byteOffset);
      const want = new Float64Array(dst.length);
      for (let row = 0; row < m; row++) for (let i = 0; i < k; i++) want[Math.floor(row / 4) * 4 * k + i * 4 + (row % 4)] = src[row * k + i]!;
      expect(Array.from(dst), `${m}×${k}`).toEqual(Array.from(want));
    }
  });

  it('sgd is bit for bit the plain update loop (odd lengths, views from elsewhere)', () => {
    const be = createWasmBackend({ relaxed: false });
    for (const n of [1, 2, 7, 1000, 100_001]) {
      const g = randomArray(n, n);
      const w0 = randomArray(n, n + 1);
      const want = Float64Array.from(w0);
      for (let i = 0; i < n; i++) want[i] = want[i]! - 1.2345e-3 * g[i]!;
      const wg = be.alloc(n);
      const ww = be.alloc(n);
      wg.set(g);
      ww.set(w0);
      be.sgd!(n, 1.2345e-3, wg, ww);
      expect(Array.from(ww)).toEqual(Array.from(want));
      const plain = Float64Array.from(w0);
      be.sgd!(n, 1.2345e-3, g, plain);
      expect(Array.from(plain)).toEqual(Array.from(want));
    }
  });

  it('views handed out stay valid when the memory grows', () => {
    const be = createWasmBackend({ relaxed: false });
    expect(be.kernelMemory.shared).toBe(true);
    const a = be.alloc(6);
    a.set([1, 2, 3, 4, 5, 6]);
    const big = be.alloc(4_000_000); // 32 MB: forces growth past the initial 1 MB
    big[big.length - 1] = 7;
    const b = be.alloc(3);
    b.set([1, 1, 1]);
    const c = be.alloc(2);
    be.gemm(2, 1, 3, a, b, c, null);
    expect(Array.from(c)).toEqual([6, 15]);
  });

  it('a private (non-shared) memory refuses to outgrow its reservation with a clear error', () => {
    const mem = new KernelMemory(65536, false);
    expect(mem.shared).toBe(false);
    const v = mem.f64(100);
    v[0] = 3;
    expect(() => mem.f64(10_000)).toThrow(/memory exhausted/);
    expect(v[0]).toBe(3);
  });

  it('the relaxed-SIMD (FMA) build matches the reference, and keeps numpy parity on every fixture', () => {
    const script = fileURLToPath(new URL('./helpers/relaxed-check.ts', import.meta.url));
    // Node 20 runs relaxed SIMD only behind a flag; Node 22+ has it on and rejects the flag.
    const flags = relaxedSimdSupported() ? [] : ['--experimental-wasm-relaxed-simd'];
    const r = spawnSync(process.execPath, [...flags, '--import', 'tsx', script], { encoding: 'utf8' });
    expect(r.stderr.split('\n').filter((l) => /Error/.test(l))).toEqual([]);
    // Every parity fixture, on both first-layer paths: a fixture the check skipped would change the count.
    const fixtures = readdirSync(new URL('./fixtures/parity/', import.meta.url)).filter((f) => f.endsWith('.json')).length;
    expect(r.stdout.trim().split('\n').pop()).toBe(`relaxed ok: 36 products within 1e-13, ${2 * fixtures} fixture runs within 1e-8 of numpy`);
  });
});
