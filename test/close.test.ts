/** The parity helper itself: a loss is judged against itself, so a wrong late loss cannot hide. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { worstCancellingMismatch, worstMismatch } from './helpers/close';

const seed000 = JSON.parse(readFileSync(new URL('./fixtures/parity/seed-000.json', import.meta.url), 'utf8')) as { losses: number[] };

describe('worstMismatch', () => {
  it('fails a seed-000 late loss 132 % off, which the old absolute floor passed', () => {
    const expected = seed000.losses;
    const actual = expected.slice();
    actual[50] = expected[50]! * 2.32;
    // The old helper allowed rel × 1e-4 × max|expected| = 1e-12 × 1.66e15 ≈ 1.7e3 absolute, more
    // than the whole late loss (1255.79): this change was inside it.
    const oldFloor = 1e-8 * 1e-4 * Math.max(...expected);
    expect(Math.abs(actual[50]! - expected[50]!)).toBeLessThan(oldFloor);
    const m = worstMismatch(actual, expected);
    expect(m?.index).toBe(50);
    expect(m?.relError).toBeCloseTo(1.32, 10);
  });

  it('fails a loss 2e-8 off and passes one 5e-9 off, wherever it is', () => {
    for (const i of [0, 1, 3, 99]) {
      const a = seed000.losses.slice();
      a[i] = a[i]! * (1 + 2e-8);
      expect(worstMismatch(a, seed000.losses)?.index).toBe(i);
      a[i] = seed000.losses[i]! * (1 + 5e-9);
      expect(worstMismatch(a, seed000.losses)).toBeNull();
    }
  });

  it('fails a length mismatch, and a NaN where a number belongs', () => {
    expect(worstMismatch([1, 2], [1, 2, 3])?.index).toBe(-1);
    expect(worstMismatch([1, NaN], [1, 2])?.index).toBe(1);
  });

  it('gives cancelling sums only the floor the caller states', () => {
    const g = [100, 1e-6];
    expect(worstMismatch([100, 1.1e-6], g)).not.toBeNull();
    // Floor 1e-8 × 1e-3 × 100 = 1e-9: 1e-7 of drift on the small element is outside it, 5e-10 inside.
    expect(worstCancellingMismatch([100, 1.1e-6], g, 1e-3)).not.toBeNull();
    expect(worstCancellingMismatch([100, 1e-6 + 5e-10], g, 1e-3)).toBeNull();
  });
});
