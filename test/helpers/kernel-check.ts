/** Shared by the kernel tests and the relaxed-SIMD child check. */

/** Deterministic values in [-1, 1) (an LCG: the tests need reproducible, not random, data). */
export function randomArray(length: number, seed: number): Float64Array {
  const v = new Float64Array(length);
  let s = (seed >>> 0) ^ 0x9e3779b9;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    v[i] = s / 2 ** 31 - 1;
  }
  return v;
}

/** A copy of `v` in the backend's memory, where the trainer's buffers live (a WASM backend then reads it without a copy). */
export function inBackend(be: { alloc(length: number): Float64Array }, v: Float64Array): Float64Array {
  const w = be.alloc(v.length);
  w.set(v);
  return w;
}

/**
 * A product's elements may differ from the reference only by summation order and FMA: each within
 * `tol` × Σ|aᵢ·bᵢ| of its dot product (bounded here by the reduction length, as |a|,|b| ≤ 1), plus
 * the bias. Returns a description of the first violation, or null.
 */
export function productMismatch(name: string, got: Float64Array, want: Float64Array, _a: Float64Array, _b: Float64Array, reduction: number, tol: number): string | null {
  const bound = tol * Math.max(1, reduction);
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i]! - want[i]!);
    if (!(err <= bound)) return `${name}[${i}]: got ${got[i]}, want ${want[i]} (|err| ${err.toExponential(2)} > ${bound.toExponential(2)})`;
  }
  return null;
}
