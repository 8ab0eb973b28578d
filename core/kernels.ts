/**
 * The dense linear algebra a training step needs, as a swappable backend. This file is the
 * TypeScript reference: readable, allocation-free, register-blocked over four rows so each loaded
 * weight is used four times. Faster backends (WASM SIMD) must agree with it and are tested against it.
 *
 * Every matrix is row-major in a flat array starting at index 0; the row counts are passed
 * explicitly so one buffer sized for the largest batch serves smaller ones without `subarray`
 * (which would allocate on the hot path).
 */

import type { Activation } from './experiment';

export interface Backend {
  readonly name: string;
  /** Buffers the kernels will be called with (a WASM backend hands out views of its memory). */
  alloc(length: number): Float64Array;
  /**
   * C[m×n] = A[m×k] · B[k×n], plus `bias[n]` added to every row afterwards when given. With `row`,
   * A and C start at that row (a band of a larger batch).
   */
  gemm(m: number, n: number, k: number, a: Float64Array, b: Float64Array, c: Float64Array, bias: Float64Array | null, row?: number): void;
  /**
   * C[k×n] = A[m×k]ᵀ · B[m×n] (weight gradients: activationsᵀ · deltas). Backends with `parts` take
   * `w` and `rate` too: then w −= rate[0]·C follows (the plain SGD update, fused so that each thread
   * updates the rows of w it computed C for).
   */
  gemmTN(m: number, n: number, k: number, a: Float64Array, b: Float64Array, c: Float64Array, w?: Float64Array | null, rate?: Float64Array | null): void;
  /** C[m×k] = A[m×n] · B[k×n]ᵀ (back-propagated deltas: deltas · weightsᵀ); A and C from row `row`. */
  gemmNT(m: number, n: number, k: number, a: Float64Array, b: Float64Array, c: Float64Array, row?: number): void;
  /** Optional: w[i] = w[i] − lr·g[i] for i < n, bit for bit the plain loop (multiply, then subtract). */
  sgd?(n: number, lr: number, g: Float64Array, w: Float64Array): void;
  /**
   * Optional: a[offset + i] = f(z[offset + i]) for i < count (a may be z). tanh and sigmoid are within
   * a few ulp of the correctly rounded values, as Math.tanh/Math.exp (the trainer's own loop) and numpy are.
   */
  activate?(kind: Activation, count: number, z: Float64Array, a: Float64Array, offset?: number): void;
  /**
   * Optional: dz ⊙= f′ over rows × cols from row `row` (relu from z, tanh and sigmoid from a), then,
   * when db is given, db = column sums of dz added row after row: bit for bit the trainer's own loops.
   */
  derive?(kind: Activation, rows: number, cols: number, z: Float64Array, a: Float64Array, dz: Float64Array, db: Float64Array | null, row?: number): void;
  /**
   * Optional: db = column sums of dz[rows × cols], added row after row from zero (derive's db, alone);
   * with `w` and `rate`, then w −= rate[0]·db, as gemmTN.
   */
  colsums?(rows: number, cols: number, dz: Float64Array, db: Float64Array, w?: Float64Array | null, rate?: Float64Array | null): void;
  /**
   * Optional: the softmax cross-entropy of `rows` outputs of `n` classes against target rows from
   * `targetOffset` (in elements), its gradient into `grad` when given, the loss over rows into
   * cell[0]: the trainer's loop in the same order, with its own e^x and ln (kernels.wat.mjs
   * softmaxLoss). Returns false, doing nothing, where it cannot take these buffers.
   */
  softmaxCrossEntropy?(rows: number, n: number, output: Float64Array, target: Float64Array, targetOffset: number, grad: Float64Array | null, cell: Float64Array): boolean;
  /** Optional: row r of dst = row idx[offset + r] of src for r < rows, `width` numbers a row (minibatch gather). */
  gather?(rows: number, width: number, idx: Int32Array, offset: number, src: Float64Array, dst: Float64Array): void;
  /** Optional: an index buffer where `gather` reads it without a copy. */
  allocIndex?(length: number): Int32Array;
  /**
   * Optional: threads for a step's passes. When `parts` > 1, the kernel calls made after `queue(p)`
   * are queued for part p (the caller hands each part its own band of rows), the gemmTN and colsums
   * calls made after `spread()` are divided among the parts, and `run()` runs every part's queue and
   * returns when all are done. Each value is computed by the same code on any thread, so the results
   * are bit for bit those of one thread.
   */
  readonly parts?: number;
  /** True for WASM kernels in the wide tiles (core/wasm/backend.ts wideKernels): splitting passes pays less. */
  readonly wide?: boolean;
  queue?(part: number): void;
  spread?(): void;
  run?(): void;
  /** Optional, with `parts`: keeps the queued pass (before run()) in `slot`, for `owner`. */
  save?(slot: number, owner: object): void;
  /** Optional: queues the pass kept in `slot` again, as recorded, if `owner` kept it there; false if not. */
  restore?(slot: number, owner: object): boolean;
}

function gemm(m: number, n: number, k: number, a: Float64Array, b: Float64Array, c: Float64Array, bias: Float64Array | null): void {
  c.fill(0, 0, m * n);
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const c0 = i * n;
    const c1 = c0 + n;
    const c2 = c1 + n;
    const c3 = c2 + n;
    const a0 = i * k;
    const a1 = a0 + k;
    const a2 = a1 + k;
    const a3 = a2 + k;
    for (let p = 0; p < k; p++) {
      const x0 = a[a0 + p]!;
      const x1 = a[a1 + p]!;
      const x2 = a[a2 + p]!;
      const x3 = a[a3 + p]!;
      const bp = p * n;
      for (let j = 0; j < n; j++) {
        const w = b[bp + j]!;
        c[c0 + j]! += x0 * w;
        c[c1 + j]! += x1 * w;
        c[c2 + j]! += x2 * w;
        c[c3 + j]! += x3 * w;
      }
    }
  }
  for (; i < m; i++) {
    const ci = i * n;
    const ai = i * k;
    for (let p = 0; p < k; p++) {
      const x = a[ai + p]!;
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j]! += x * b[bp + j]!;
    }
  }
  if (bias) {
    for (let r = 0; r < m; r++) {
      const cr = r * n;
      for (let j = 0; j < n; j++) c[cr + j]! += bias[j]!;
    }
  }
}

function gemmTN(m: number, n: number, k: number, a: Float64Array, b: Float64Array, c: Float64Array): void {
  c.fill(0, 0, k * n);
  for (let i = 0; i < m; i++) {
    const ai = i * k;
    const bi = i * n;
    let p = 0;
    for (; p + 4 <= k; p += 4) {
      const x0 = a[ai + p]!;
      const x1 = a[ai + p + 1]!;
      const x2 = a[ai + p + 2]!;
      const x3 = a[ai + p + 3]!;
      const c0 = p * n;
      const c1 = c0 + n;
      const c2 = c1 + n;
      const c3 = c2 + n;
      for (let j = 0; j < n; j++) {
        const d = b[bi + j]!;
        c[c0 + j]! += x0 * d;
        c[c1 + j]! += x1 * d;
        c[c2 + j]! += x2 * d;
        c[c3 + j]! += x3 * d;
      }
    }
    for (; p < k; p++) {
      const x = a[ai + p]!;
      const cp = p * n;
      for (let j = 0; j < n; j++) c[cp + j]! += x * b[bi + j]!;
    }
  }
}

function gemmNT(m: number, n: number, k: number, a: Float64Array, b: Float64Array, c: Float64Array): void {
  for (let i = 0; i < m; i++) {
    const ai = i * n;
    const ci = i * k;
    for (let p = 0; p < k; p++) {
      const bp = p * n;
      let s0 = 0;
      let s1 = 0;
      let j = 0;
      for (; j + 2 <= n; j += 2) {
        s0 += a[ai + j]! * b[bp + j]!;
        s1 += a[ai + j + 1]! * b[bp + j + 1]!;
      }
      if (j < n) s0 += a[ai + j]! * b[bp + j]!;
      c[ci + p] = s0 + s1;
    }
  }
}

export const referenceBackend: Backend = {
  name: 'ts-reference',
  alloc: (length) => new Float64Array(length),
  gemm,
  gemmTN,
  gemmNT,
};
