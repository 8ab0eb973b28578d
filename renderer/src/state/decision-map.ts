/**
 * Drawing the decision map: regions at canvas resolution from the trainer's coarse grid, axis ticks,
 * and where a point outside the plotted range goes (the edge, with the direction it lies in).
 */
import type { PredictionGrid } from '../../../core';

export interface Bounds {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/**
 * Class per canvas pixel: the grid's outputs interpolated bilinearly between cell centres, then argmax.
 * Borders come out smooth at any canvas size while each region stays one flat tint (a region is a
 * class, and tests count classes by tint). Writes RGBA into `out` (width·height·4).
 */
export function paintRegions(grid: PredictionGrid, width: number, height: number, tints: readonly (readonly [number, number, number])[], out: Uint8ClampedArray): void {
  const r = grid.resolution;
  const n = grid.outputs;
  const v = grid.values;
  const scores = new Float64Array(n);
  for (let py = 0; py < height; py++) {
    // Cell coordinates of the pixel centre; cell centres sit at integer + 0.5.
    const gy = Math.min(r - 1, Math.max(0, ((py + 0.5) / height) * r - 0.5));
    const i0 = Math.floor(gy);
    const i1 = Math.min(r - 1, i0 + 1);
    const fy = gy - i0;
    for (let px = 0; px < width; px++) {
      const gx = Math.min(r - 1, Math.max(0, ((px + 0.5) / width) * r - 0.5));
      const j0 = Math.floor(gx);
      const j1 = Math.min(r - 1, j0 + 1);
      const fx = gx - j0;
      let cls = 0;
      if (n === 1) cls = grid.argmax[Math.round(gy) * r + Math.round(gx)]!;
      else {
        const a = (i0 * r + j0) * n;
        const b = (i0 * r + j1) * n;
        const c = (i1 * r + j0) * n;
        const d = (i1 * r + j1) * n;
        let best = -Infinity;
        for (let k = 0; k < n; k++) {
          const s = (1 - fy) * ((1 - fx) * v[a + k]! + fx * v[b + k]!) + fy * ((1 - fx) * v[c + k]! + fx * v[d + k]!);
          scores[k] = s;
          // Strictly greater, as the core's argmax: ties go to the lower class.
          if (s > best) {
            best = s;
            cls = k;
          }
        }
      }
      const t = tints[cls % tints.length] ?? [200, 200, 200];
      const o = 4 * (py * width + px);
      out[o] = t[0];
      out[o + 1] = t[1];
      out[o + 2] = t[2];
      out[o + 3] = 255;
    }
  }
}

/** About `count` round tick values (1, 2 or 5 × 10^k apart) inside [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min) || !Number.isFinite(min) || !Number.isFinite(max)) return [];
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  // The 1-2-5 step whose tick count comes nearest the one asked for.
  const span = max - min;
  const step = [1, 2, 5, 10].map((m) => m * mag).reduce((a, b) => (Math.abs(span / b - count) < Math.abs(span / a - count) ? b : a));
  const out: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) out.push(Math.abs(t) < step * 1e-9 ? 0 : Number(t.toPrecision(12)));
  return out;
}

export interface PlacedPoint {
  /** Canvas pixels. */
  x: number;
  y: number;
  /** Outside the plotted range: drawn at the edge, pointing (dx, dy) toward where it lies. */
  edge: boolean;
  dx: number;
  dy: number;
}

/** Where a data point goes on a width×height canvas; one outside the bounds is pinned `inset` px inside the edge. */
export function placePoint(b: Bounds, width: number, height: number, px: number, py: number, inset = 14): PlacedPoint {
  const x = ((px - b.xMin) / (b.xMax - b.xMin)) * width;
  const y = ((b.yMax - py) / (b.yMax - b.yMin)) * height;
  if (x >= 0 && x <= width && y >= 0 && y <= height) return { x, y, edge: false, dx: 0, dy: 0 };
  const cx = width / 2;
  const cy = height / 2;
  const len = Math.hypot(x - cx, y - cy);
  return {
    x: Math.min(width - inset, Math.max(inset, x)),
    y: Math.min(height - inset, Math.max(inset, y)),
    edge: true,
    dx: (x - cx) / len,
    dy: (y - cy) / len,
  };
}
