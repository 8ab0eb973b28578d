/**
 * A correctly rounded natural logarithm. numpy's Gaussians come from C's `log` (glibc's is
 * correctly rounded); V8's `Math.log` is off by one unit in the last place for a few inputs in a
 * thousand, which would make `randn` differ from numpy in its last bit. So the legacy polar method
 * takes its log from here: computed in double-double arithmetic (~100 bits) and rounded once.
 */

// ln 2 as a double-double (hi + lo).
const LN2_HI = 0.6931471805599453;
const LN2_LO = 2.3190468138462996e-17;
const SPLIT = 134217729; // 2^27 + 1, Veltkamp's splitter for exact products

// The double-double results of the helpers below, hi in R[0] and lo in R[1]: a typed array, not
// module-level lets, which hold each double stored in them as a new heap number (1e6 draws 315 → 175 ms).
const R = new Float64Array(2);

function twoSum(a: number, b: number): void {
  const s = a + b;
  const bb = s - a;
  R[1] = a - (s - bb) + (b - bb);
  R[0] = s;
}

function twoProd(a: number, b: number): void {
  const p = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  R[1] = ah * bh - p + ah * bl + al * bh + al * bl;
  R[0] = p;
}

/** (ah + al) + (bh + bl) → R[0]! + R[1]! */
function ddAdd(ah: number, al: number, bh: number, bl: number): void {
  twoSum(ah, bh);
  const sh = R[0]!;
  const sl = R[1]! + al + bl;
  twoSum(sh, sl);
}

/** (ah + al) · (bh + bl) → R[0]! + R[1]! */
function ddMul(ah: number, al: number, bh: number, bl: number): void {
  twoProd(ah, bh);
  const ph = R[0]!;
  const pl = R[1]! + (ah * bl + al * bh);
  twoSum(ph, pl);
}

/** (ah + al) / (bh + bl) → R[0]! + R[1]!, by one correction of the double quotient. */
function ddDiv(ah: number, al: number, bh: number, bl: number): void {
  const q1 = ah / bh;
  ddMul(q1, 0, bh, bl);
  const ph = R[0]!;
  const pl = R[1]!;
  twoSum(ah, -ph);
  const r = R[0]! + (R[1]! - pl + al);
  const q2 = r / bh;
  twoSum(q1, q2);
}

// 1/(2n+1) as double-doubles, for the atanh series.
const TERMS = 24;
const INV_HI = new Float64Array(TERMS);
const INV_LO = new Float64Array(TERMS);
for (let n = 0; n < TERMS; n++) {
  ddDiv(1, 0, 2 * n + 1, 0);
  INV_HI[n] = R[0]!;
  INV_LO[n] = R[1]!;
}

/** ln(x) for finite x > 0, correctly rounded (to well beyond the last bit). */
export function exactLog(x: number): number {
  const fast = quickLog(x);
  return fast === fast ? fast : seriesLog(x);
}

// For reading and setting a double's exponent and mantissa bits.
const BITS = new Float64Array(1);
const WORDS = new Uint32Array(BITS.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI_WORD = LITTLE ? 1 : 0;
const LO_WORD = 1 - HI_WORD;

// The reduction x = m · 2^k, m in [1/√2, √2): m in RED[0], k in RED[1] (a typed array, as R).
const RED = new Float64Array(2);

/** For a normal x: its exponent read from its bits and m given exponent 0 (both exact; no log2 to round). */
function reduce(x: number): void {
  BITS[0] = x;
  const top = WORDS[HI_WORD]!;
  let k = ((top >>> 20) & 0x7ff) - 1023;
  WORDS[HI_WORD] = (top & 0x800fffff) | (1023 << 20);
  let m = BITS[0]!;
  if (m >= Math.SQRT2) {
    m /= 2;
    k++;
  }
  RED[0] = m;
  RED[1] = k;
}

/** The atanh series' first terms in double-double; the rest, below 2^-18 of the sum, in plain doubles. */
const DD_TERMS = 3;
/** Terms up to n = 13: the first left out, s^28/29 with s² < 0.0295, is below 2^-76 of the sum. */
const QUICK_TERMS = 14;

/**
 * ln x as the series does it, with the first DD_TERMS terms in double-double and the tail in doubles
 * (about a fifth of the double-double work), or NaN where that cannot decide the rounding: the result
 * hi + lo is within E = 2^-64·|hi| of ln x (the double tail's few roundings, s⁶/7 < 2^-18 of the sum,
 * are below 2^-69 of it; everything else below 2^-76), so hi is ln x correctly rounded whenever
 * |lo| + E stays inside half an ulp of hi. It declines 0.2 % of test/exact-log.test.ts's inputs
 * (edge values included); those, and every x outside the normal range, go to the full series.
 */
export function quickLog(x: number): number {
  if (!(x >= 2.2250738585072014e-308 && x <= 1.7976931348623157e308)) return NaN;
  reduce(x);
  const m = RED[0]!;
  const k = RED[1]!;
  twoSum(m, 1);
  ddDiv(m - 1, 0, R[0]!, R[1]!);
  const sh = R[0]!;
  const sl = R[1]!;
  ddMul(sh, sl, sh, sl);
  const s2h = R[0]!;
  const s2l = R[1]!;
  let t = INV_HI[QUICK_TERMS - 1]!;
  for (let n = QUICK_TERMS - 2; n >= DD_TERMS; n--) t = t * s2h + INV_HI[n]!;
  let ph = t;
  let pl = 0;
  for (let n = DD_TERMS - 1; n >= 0; n--) {
    ddMul(ph, pl, s2h, s2l);
    ddAdd(R[0]!, R[1]!, INV_HI[n]!, INV_LO[n]!);
    ph = R[0]!;
    pl = R[1]!;
  }
  ddMul(ph, pl, sh, sl);
  const ah = 2 * R[0]!;
  const al = 2 * R[1]!;
  twoProd(k, LN2_HI);
  ddAdd(R[0]!, R[1]! + k * LN2_LO, ah, al);
  const hi = R[0]!;
  const lo = R[1]!;
  // hi's ulp from its exponent bits; at a power of two the ulp below is half of it: left to the series.
  BITS[0] = hi;
  const top = WORDS[HI_WORD]!;
  const exponent = (top >>> 20) & 0x7ff;
  if ((top & 0xfffff) === 0 && WORDS[LO_WORD] === 0) return NaN;
  const halfUlp = 2 ** (exponent - 1076);
  return Math.abs(lo) + Math.abs(hi) * 2 ** -64 < halfUlp ? hi : NaN;
}

/**
 * ln x by the whole series in double-double (~100 bits), rounded once. Kept apart from quickLog,
 * though the two share their first steps: quickLog is what nearly every Gaussian draw runs, so it
 * stays one straight pass with its term counts fixed, and this slow path carries the generality.
 */
export function seriesLog(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return Math.log(x);
  if (x < 2.2250738585072014e-308) {
    // Subnormal: scale into the normal range, then take 64 ln 2 back off in double-double.
    const y = seriesLog(x * 2 ** 64);
    twoProd(64, LN2_HI);
    ddAdd(y, 0, -R[0]!, -(R[1]! + 64 * LN2_LO));
    return R[0]! + R[1]!;
  }
  // x = m · 2^k with m in [1/√2, √2)
  reduce(x);
  const m = RED[0]!;
  const k = RED[1]!;
  // ln m = 2 atanh(s), s = (m − 1)/(m + 1); m − 1 is exact (Sterbenz), m + 1 is kept double-double.
  twoSum(m, 1);
  ddDiv(m - 1, 0, R[0]!, R[1]!);
  const sh = R[0]!;
  const sl = R[1]!;
  ddMul(sh, sl, sh, sl);
  const s2h = R[0]!;
  const s2l = R[1]!;
  // Horner: Σ s^(2n) / (2n+1), |s| < 0.1716 so 24 terms reach far below 2^-106.
  let ph = INV_HI[TERMS - 1]!;
  let pl = INV_LO[TERMS - 1]!;
  for (let n = TERMS - 2; n >= 0; n--) {
    ddMul(ph, pl, s2h, s2l);
    ddAdd(R[0]!, R[1]!, INV_HI[n]!, INV_LO[n]!);
    ph = R[0]!;
    pl = R[1]!;
  }
  ddMul(ph, pl, sh, sl);
  const ah = 2 * R[0]!;
  const al = 2 * R[1]!;
  // k · ln 2 in double-double
  twoProd(k, LN2_HI);
  ddAdd(R[0]!, R[1]! + k * LN2_LO, ah, al);
  return R[0]! + R[1]!;
}
