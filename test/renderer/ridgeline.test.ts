import { describe, expect, it } from 'vitest';
import type { Histogram } from '../../core';
import { pickEvenly, rebin, ridgeline } from '../../renderer/src/state/ridgeline';

const hist = (min: number, max: number, counts: number[]): Histogram => ({ min, max, counts, mean: (min + max) / 2, std: (max - min) / 4 });

describe('histogram ridgeline shaping', () => {
  it('re-bins onto a shared axis without losing mass', () => {
    const h = hist(-1, 1, [1, 2, 3, 4]);
    const out = rebin(h, -2, 2, 8);
    expect(out.reduce((a, b) => a + b, 0)).toBeCloseTo(10, 12);
    // [-1,-0.5) → target bin 2, [-0.5,0) → 3, [0,0.5) → 4, [0.5,1) → 5
    expect(out).toEqual([0, 0, 1, 2, 3, 4, 0, 0]);
  });

  it('splits a source bin across target bins by overlap', () => {
    const out = rebin(hist(0, 1, [10]), 0, 1, 4);
    expect(out).toEqual([2.5, 2.5, 2.5, 2.5]);
  });

  it('puts a zero-width histogram (all values equal) into one bin', () => {
    const out = rebin(hist(0.35, 0.35, [0, 7, 0]), 0, 1, 10);
    expect(out[3]).toBe(7);
    expect(out.reduce((a, b) => a + b, 0)).toBe(7);
  });

  it('spans every snapshot, normalises to the tallest bin and keeps step order', () => {
    const r = ridgeline(
      [
        { step: 0, hist: hist(-3, 3, [1, 4, 1]) },
        { step: 50, hist: hist(-0.5, 0.5, [2, 8, 2]) },
      ],
      12,
    );
    expect(r.xMin).toBe(-3);
    expect(r.xMax).toBe(3);
    expect(r.rows.map((x) => x.step)).toEqual([0, 50]);
    const peak = Math.max(...r.rows.flatMap((x) => x.heights));
    expect(peak).toBe(1);
    // The narrow late histogram is concentrated in the middle bins, the wide early one is spread out.
    const late = r.rows[1]!.heights;
    expect(late[0]).toBe(0);
    expect(late[5]! + late[6]!).toBeGreaterThan(0.9);
    expect(r.rows[0]!.heights.filter((v) => v > 0).length).toBeGreaterThan(late.filter((v) => v > 0).length);
  });

  it('limits rows to an even pick that keeps the first and the last snapshot', () => {
    const snaps = Array.from({ length: 100 }, (_, i) => ({ step: i * 10, hist: hist(-1, 1, [1, 1]) }));
    const r = ridgeline(snaps, 8, 5);
    expect(r.rows.map((x) => x.step)).toEqual([0, 250, 500, 740, 990]);
    expect(pickEvenly([1, 2, 3], 5)).toEqual([1, 2, 3]);
  });

  it('returns no rows for no data or non-finite histograms', () => {
    expect(ridgeline([]).rows).toEqual([]);
    expect(ridgeline([{ step: 1, hist: hist(NaN, NaN, [1]) }]).rows).toEqual([]);
  });
});
