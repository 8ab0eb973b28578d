/**
 * Closeness in the sense the parity claim makes: every element within `rel` of the reference,
 * relative to the element itself, with an absolute floor of `rel` × 1e-4 × the largest magnitude in
 * the array, so an element that cancels to ~0 (a sum of large terms) is judged against the scale it
 * came from rather than against itself.
 */
export interface Mismatch {
  index: number;
  actual: number;
  expected: number;
  relError: number;
}

export function worstMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>, rel = 1e-8): Mismatch | null {
  if (actual.length !== expected.length) return { index: -1, actual: actual.length, expected: expected.length, relError: Infinity };
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  const floor = rel * 1e-4 * scale;
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

/** Largest relative error over the whole array (for reporting what was measured). */
export function maxRelError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    if (e !== 0) m = Math.max(m, Math.abs(actual[i]! - e) / Math.abs(e));
  }
  return m;
}
