import { describe, expect, it } from 'vitest';
import type { PredictionGrid } from '../../core';
import { niceTicks, paintRegions, placePoint } from '../../renderer/src/state/decision-map';

/** A 2-class grid whose score difference is linear in x: class 1 right of x = 0.3. */
function linearGrid(r: number): PredictionGrid {
  const values = new Float32Array(r * r * 2);
  const argmax = new Uint8Array(r * r);
  for (let i = 0; i < r; i++)
    for (let j = 0; j < r; j++) {
      const x = -1 + ((j + 0.5) / r) * 2;
      const c = i * r + j;
      values[2 * c] = 0;
      values[2 * c + 1] = x - 0.3;
      argmax[c] = x - 0.3 > 0 ? 1 : 0;
    }
  return { xMin: -1, xMax: 1, yMin: -1, yMax: 1, resolution: r, outputs: 2, values, argmax };
}

const TINTS = [
  [10, 20, 30],
  [200, 100, 50],
] as const;

describe('decision map', () => {
  it('interpolated regions put a linear border where it is, to the pixel, from a coarse grid', () => {
    const W = 200;
    const out = new Uint8ClampedArray(W * W * 4);
    paintRegions(linearGrid(8), W, W, TINTS, out);
    // Border at x = 0.3 → pixel column 0.65·W = 130: left of it class 0, from it on class 1.
    const wrong: string[] = [];
    for (const row of [0, 77, 199])
      for (let px = 0; px < W; px++) if ((out[4 * (row * W + px)] === 200 ? 1 : 0) !== (px + 0.5 > 130 ? 1 : 0)) wrong.push(`row ${row} px ${px}`);
    expect(wrong).toEqual([]);
    // Flat tints only: every pixel is one of the two.
    let other = 0;
    for (let i = 0; i < out.length; i += 4) if (out[i] !== 10 && out[i] !== 200) other++;
    expect(other).toBe(0);
  });

  it('costs little at canvas size (measured)', () => {
    const grid = linearGrid(64);
    const out = new Uint8ClampedArray(480 * 480 * 4);
    paintRegions(grid, 480, 480, TINTS, out);
    const t0 = performance.now();
    for (let k = 0; k < 10; k++) paintRegions(grid, 480, 480, TINTS, out);
    const ms = (performance.now() - t0) / 10;
    console.log(`paintRegions 64² grid → 480² canvas, 2 classes: ${ms.toFixed(2)} ms`);
    expect(ms).toBeLessThan(100);
  });

  it('ticks are round and inside the range', () => {
    expect(niceTicks(-11, 11, 5)).toEqual([-10, -5, 0, 5, 10]);
    expect(niceTicks(-1.3, 1.3, 5)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(niceTicks(0, 0)).toEqual([]);
  });

  it('a point outside the range is pinned inside the edge and points where it lies', () => {
    const b = { xMin: -11, xMax: 11, yMin: -11, yMax: 11 };
    const far = placePoint(b, 480, 480, 111, -111);
    expect(far.edge).toBe(true);
    expect(far.x).toBe(480 - 14);
    expect(far.y).toBe(480 - 14);
    expect(far.dx).toBeCloseTo(Math.SQRT1_2, 12);
    expect(far.dy).toBeCloseTo(Math.SQRT1_2, 12);
    const near = placePoint(b, 480, 480, 1, 9);
    expect(near).toMatchObject({ edge: false, x: (12 / 22) * 480, y: (2 / 22) * 480 });
  });
});
