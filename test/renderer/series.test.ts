import { describe, expect, it } from 'vitest';
import { MinMaxSeries, ThinnedHistory } from '../../renderer/src/state/series';
import { fmtDecade, layerRows, logAxis, lossCeiling, mergeSeries, nearest } from '../../renderer/src/state/chart-data';

describe('MinMaxSeries (min/max decimation)', () => {
  it('keeps every point while under the cap', () => {
    const s = new MinMaxSeries(8);
    s.pushMany(0, [5, 4, 3, 2]);
    expect(s.points()).toEqual([
      { step: 0, value: 5 },
      { step: 1, value: 4 },
      { step: 2, value: 3 },
      { step: 3, value: 2 },
    ]);
    expect(s.bucketWidth).toBe(1);
  });

  it('stays bounded over a million steps and keeps the extremes with their steps', () => {
    const s = new MinMaxSeries(64);
    const losses = new Float64Array(1000);
    for (let batch = 0; batch < 1000; batch++) {
      for (let i = 0; i < 1000; i++) {
        const step = batch * 1000 + i;
        losses[i] = 1000 / (1 + step) + (step === 123_456 ? 50 : 0) - (step === 777_777 ? 1 : 0);
      }
      s.pushMany(batch * 1000, losses);
    }
    expect(s.length).toBeLessThanOrEqual(64);
    const pts = s.points();
    expect(pts.length).toBeLessThanOrEqual(128);
    // Steps strictly increase, so the chart line never doubles back.
    for (let i = 1; i < pts.length; i++) expect(pts[i]!.step).toBeGreaterThan(pts[i - 1]!.step);
    // The spike and the dip survive decimation, at their exact steps.
    expect(pts).toContainEqual({ step: 123_456, value: 1000 / 123_457 + 50 });
    expect(pts).toContainEqual({ step: 777_777, value: 1000 / 777_778 - 1 });
    expect(pts[0]).toEqual({ step: 0, value: 1000 });
    expect(s.last).toEqual({ step: 999_999, value: 1000 / 1_000_000 });
    expect(s.bucketWidth).toBeGreaterThanOrEqual(1_000_000 / 64);
  });

  it('skips non-finite losses and replayed steps', () => {
    const s = new MinMaxSeries(8);
    s.pushMany(0, [3, NaN, Infinity, 1]);
    s.pushMany(2, [99, 99]); // already seen
    s.push(4, 0.5);
    expect(s.points().map((p) => p.step)).toEqual([0, 3, 4]);
  });

  it('finds the first step at or below a threshold from the bucket minima', () => {
    const s = new MinMaxSeries(16);
    s.pushMany(0, [10, 8, 6, 4, 2, 1]);
    expect(s.firstAtOrBelow(4)).toBe(3);
    expect(s.firstAtOrBelow(0.1)).toBeNull();
    expect(s.first()).toEqual({ step: 0, value: 10 });
    s.clear();
    expect(s.points()).toEqual([]);
    expect(s.last).toBeNull();
  });

  it('refuses an odd or tiny cap', () => {
    expect(() => new MinMaxSeries(3)).toThrow(/even/);
  });
});

describe('ThinnedHistory', () => {
  it('keeps at most cap items spread over the run, plus the latest', () => {
    const h = new ThinnedHistory<number>(8);
    for (let i = 0; i < 1000; i++) h.offer(i);
    expect(h.length).toBeLessThanOrEqual(8);
    const all = h.all();
    expect(all[0]).toBe(0);
    expect(all[all.length - 1]).toBe(999);
    expect(h.latest).toBe(999);
    // Evenly spaced: all kept items except the appended latest share one stride.
    const kept = all.slice(0, h.length);
    const gaps = new Set(kept.slice(1).map((v, i) => v - kept[i]!));
    expect(gaps.size).toBe(1);
    expect([...gaps][0]).toBeGreaterThanOrEqual(128);
  });
});

describe('chart data shaping', () => {
  it('merges runs by step and drops non-positive values on a log scale', () => {
    const rows = mergeSeries(
      [
        { key: 'a', points: [{ step: 0, value: 4 }, { step: 2, value: 0 }] },
        { key: 'b', points: [{ step: 1, value: 3 }, { step: 2, value: 1 }] },
      ],
      true,
    );
    expect(rows).toEqual([{ step: 0, a: 4 }, { step: 1, b: 3 }, { step: 2, b: 1 }]);
    expect(mergeSeries([{ key: 'a', points: [{ step: 2, value: 0 }] }], false)).toEqual([{ step: 2, a: 0 }]);
  });

  it('reads the nearest point for the hover read-out', () => {
    const pts = [0, 10, 20, 40].map((step) => ({ step, value: step * 2 }));
    expect(nearest(pts, 12)).toEqual({ step: 10, value: 20 });
    expect(nearest(pts, 33)).toEqual({ step: 40, value: 80 });
    expect(nearest(pts, -5)).toEqual({ step: 0, value: 0 });
    expect(nearest([], 3)).toBeNull();
  });

  it('shapes per-layer metrics into one row per snapshot', () => {
    const rows = layerRows(
      [
        { step: 1, layers: [{ g: 0.5, d: null }, { g: 0, d: 0.25 }] },
        { step: 2, layers: [{ g: NaN, d: 0.1 }, { g: 2, d: 0.5 }] },
      ],
      (l) => l.g,
      true,
    );
    expect(rows).toEqual([{ step: 1, L1: 0.5 }, { step: 2, L2: 2 }]);
  });
});

describe('log axes', () => {
  it('cover the smallest and largest positive values in whole decades', () => {
    const rows = [
      { step: 0, a: 56737, b: 0 },
      { step: 1, a: 6.18, b: -1 },
      { step: 2, a: 0.0049 },
    ];
    expect(logAxis(rows)).toEqual({ domain: [1e-3, 1e5], ticks: [1e-3, 1e-2, 1e-1, 1, 10, 100, 1000, 1e4, 1e5].filter((_, i) => i % 2 === 0), clipped: false });
  });

  it('thin the ticks over huge ranges and widen a single decade', () => {
    const huge = logAxis([{ step: 0, a: 3e185 }, { step: 1, a: 0.004 }], 7)!;
    expect(huge.domain[0]).toBe(1e-3);
    expect(huge.domain[1]).toBeGreaterThanOrEqual(1e186);
    expect(huge.ticks.length).toBeLessThanOrEqual(7);
    expect(logAxis([{ step: 0, a: 2 }, { step: 1, a: 3 }])).toEqual({ domain: [1, 10], ticks: [1, 10], clipped: false });
    expect(logAxis([{ step: 0, a: 0 }])).toBeNull();
  });

  it('stop two decades above the highest starting loss, so a diverging run does not flatten the others', () => {
    const diverging = [{ step: 0, value: 3276 }, { step: 3, value: 2.9e185 }];
    const converging = [{ step: 0, value: 0.69 }, { step: 299, value: 0.0039 }];
    const ceiling = lossCeiling([diverging, converging]);
    expect(ceiling).toBeCloseTo(327600, 6);
    const axis = logAxis([{ step: 0, a: 3276, b: 0.69 }, { step: 3, a: 2.9e185 }, { step: 299, b: 0.0039 }], 7, ceiling)!;
    expect(axis.domain).toEqual([1e-3, 1e7]);
    expect(axis.clipped).toBe(true);
    expect(lossCeiling([[{ step: 0, value: NaN }, { step: 1, value: 5 }]])).toBe(500);
    expect(lossCeiling([])).toBe(Infinity);
  });

  it('label decades compactly', () => {
    expect([1e-13, 0.01, 0.1, 1, 1000, 1e4].map(fmtDecade)).toEqual(['1e-13', '0.01', '0.1', '1', '1000', '1e4']);
  });
});
