// The correctly rounded log behind every Gaussian draw (core/exact-log.ts): its quick path, the series
// cut short with a rounding test, must give the full series' bits wherever it answers, and answer
// nearly always. Inputs: the polar method's own r² (what the RNG feeds it), values next to 1 (where
// ln x is tiny), next to the reduction's √2 boundaries and powers of two, and across the exponents.
import { describe, expect, it } from 'vitest';
import { exactLog, quickLog, seriesLog } from '../core/exact-log';
import { NumpyRandom } from '../core/rng';

function inputs(): Float64Array {
  const out: number[] = [];
  const rng = new NumpyRandom(11);
  for (let i = 0; i < 60_000; i++) {
    const x1 = 2 * rng.nextDouble() - 1;
    const x2 = 2 * rng.nextDouble() - 1;
    const r2 = x1 * x1 + x2 * x2;
    if (r2 < 1 && r2 > 0) out.push(r2);
  }
  for (let i = 1; i <= 4000; i++) out.push(1 + i * 2 ** -52, 1 - i * 2 ** -53);
  for (const edge of [Math.SQRT2, Math.SQRT1_2, 0.5, 1, 2, 4, 1024]) {
    for (let i = -2000; i <= 2000; i++) out.push(edge * (1 + i * 2 ** -50));
  }
  for (let i = 0; i < 40_000; i++) out.push(2 ** (rng.nextDouble() * 2000 - 1000) * (1 + rng.nextDouble()));
  return Float64Array.from(out.filter((x) => x > 0 && Number.isFinite(x)));
}

describe('exactLog', () => {
  const xs = inputs();

  it(`the quick path gives the full series' bits wherever it answers (${xs.length} inputs), and declines as often as its error bound says`, () => {
    let answered = 0;
    const wrong: string[] = [];
    for (const x of xs) {
      const q = quickLog(x);
      if (Number.isNaN(q)) continue;
      answered++;
      const s = seriesLog(x);
      if (!Object.is(q, s) && wrong.length < 5) wrong.push(`ln(${x}) quick ${q} series ${s}`);
    }
    expect(wrong).toEqual([]);
    // It declines where |lo| is within E = 2^-64·|hi| of half an ulp (2^-54…2^-53 of |hi|): about
    // 2^-10.5 of inputs. Declining far less would mean a looser test than the bound (or none).
    const declined = 1 - answered / xs.length;
    console.log(`quickLog declined ${(declined * 100).toFixed(3)} % of ${xs.length}`);
    expect(declined).toBeGreaterThan(2 ** -13);
    expect(declined).toBeLessThan(2 ** -8);
  });

  it('exactLog is the series where the quick path declines, and Math.log outside (0, ∞)', () => {
    for (const x of [1, 2, 0.5, 5e-324, 2.2250738585072014e-308 / 3, 1.7976931348623157e308]) expect(exactLog(x)).toBe(seriesLog(x));
    expect(exactLog(0)).toBe(-Infinity);
    expect(exactLog(Infinity)).toBe(Infinity);
    expect(exactLog(-1)).toBeNaN();
  });

  it('agrees with Math.log to 1 ulp everywhere (a sanity bound: V8 is within 1 ulp)', () => {
    for (let i = 0; i < xs.length; i += 7) {
      const x = xs[i]!;
      const a = exactLog(x);
      const b = Math.log(x);
      expect(Math.abs(a - b)).toBeLessThanOrEqual(Math.abs(b) * 2 ** -52);
    }
  });
});
