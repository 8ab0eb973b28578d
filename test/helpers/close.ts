/**
 * Closeness in the sense the parity claim makes: every element within `rel` of the reference,
 * relative to the element itself. Losses are compared this way and nothing else: a loss is a sum of
 * non-negative terms, so it never cancels to ~0 and its own size is the right scale (nnlab is within
 * ~6e-11 of every numpy fixture, step by step, even where the loss falls 12 orders of magnitude).
 *
 * Parameters too are compared purely relatively against numpy (worst measured 8.2e-11, seed-000).
 * `floor` is an absolute allowance for arrays whose elements can cancel (see
 * `worstCancellingMismatch`); it is 0 unless a caller passes one and says why.
 */
export interface Mismatch {
  index: number;
  actual: number;
  expected: number;
  relError: number;
}

export function worstMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>, rel = 1e-8, floor = 0): Mismatch | null {
  if (actual.length !== expected.length) return { index: -1, actual: actual.length, expected: expected.length, relError: Infinity };
  let worst: Mismatch | null = null;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const err = Math.abs(a - e);
    const relError = err / Math.max(Math.abs(e), Number.MIN_VALUE);
    const ok = Object.is(a, e) || err <= rel * Math.abs(e) || err <= floor;
    if (!ok && (!worst || relError > worst.relError)) worst = { index: i, actual: a, expected: e, relError };
  }
  return worst;
}

/**
 * `worstMismatch` with an absolute floor of `rel` × `ratio` × the largest magnitude in `expected`,
 * for arrays whose elements are sums that cancel (a gradient Σ (ŷ − y)·x late in a run, where ŷ ≈ y):
 * such an element's rounding error scales with the terms, not with itself. Callers state the ratio
 * and what it was measured against. Never for losses.
 */
export function worstCancellingMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>, ratio: number, rel = 1e-8): Mismatch | null {
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  return worstMismatch(actual, expected, rel, rel * ratio * scale);
}

/** Largest relative error over the whole array (for reporting what was measured). */
export function maxRelError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    if (e !== 0) m = Math.max(m, Math.abs(actual[i]! - e) / Math.abs(e));
  }
  return m;
}
