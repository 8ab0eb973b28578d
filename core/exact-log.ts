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

// Scratch for the double-double results of the helpers below (module-level: no allocation per call).
let rh = 0;
let rl = 0;

function twoSum(a: number, b: number): void {
  const s = a + b;
  const bb = s - a;
  rl = a - (s - bb) + (b - bb);
  rh = s;
}

function twoProd(a: number, b: number): void {
  const p = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  rl = ah * bh - p + ah * bl + al * bh + al * bl;
  rh = p;
}

/** (ah + al) + (bh + bl) → rh + rl */
function ddAdd(ah: number, al: number, bh: number, bl: number): void {
  twoSum(ah, bh);
  const sh = rh;
  const sl = rl + al + bl;
  twoSum(sh, sl);
}

/** (ah + al) · (bh + bl) → rh + rl */
function ddMul(ah: number, al: number, bh: number, bl: number): void {
  twoProd(ah, bh);
  const ph = rh;
  const pl = rl + (ah * bl + al * bh);
  twoSum(ph, pl);
}

/** (ah + al) / (bh + bl) → rh + rl, by one correction of the double quotient. */
function ddDiv(ah: number, al: number, bh: number, bl: number): void {
  const q1 = ah / bh;
  ddMul(q1, 0, bh, bl);
  const ph = rh;
  const pl = rl;
  twoSum(ah, -ph);
  const r = rh + (rl - pl + al);
  const q2 = r / bh;
  twoSum(q1, q2);
}

// 1/(2n+1) as double-doubles, for the atanh series.
const TERMS = 24;
const INV_HI = new Float64Array(TERMS);
const INV_LO = new Float64Array(TERMS);
for (let n = 0; n < TERMS; n++) {
  ddDiv(1, 0, 2 * n + 1, 0);
  INV_HI[n] = rh;
  INV_LO[n] = rl;
}

/** ln(x) for finite x > 0, correctly rounded (to well beyond the last bit). */
export function exactLog(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return Math.log(x);
  if (x < 2.2250738585072014e-308) {
    // Subnormal: scale into the normal range, then take 64 ln 2 back off in double-double.
    const y = exactLog(x * 2 ** 64);
    twoProd(64, LN2_HI);
    ddAdd(y, 0, -rh, -(rl + 64 * LN2_LO));
    return rh + rl;
  }
  // x = m · 2^k with m in [1/√2, √2)
  let k = Math.floor(Math.log2(x));
  let m = x / 2 ** k;
  while (m >= Math.SQRT2) {
    m /= 2;
    k++;
  }
  while (m < Math.SQRT1_2) {
    m *= 2;
    k--;
  }
  // ln m = 2 atanh(s), s = (m − 1)/(m + 1); m − 1 is exact (Sterbenz), m + 1 is kept double-double.
  twoSum(m, 1);
  ddDiv(m - 1, 0, rh, rl);
  const sh = rh;
  const sl = rl;
  ddMul(sh, sl, sh, sl);
  const s2h = rh;
  const s2l = rl;
  // Horner: Σ s^(2n) / (2n+1), |s| < 0.1716 so 24 terms reach far below 2^-106.
  let ph = INV_HI[TERMS - 1]!;
  let pl = INV_LO[TERMS - 1]!;
  for (let n = TERMS - 2; n >= 0; n--) {
    ddMul(ph, pl, s2h, s2l);
    ddAdd(rh, rl, INV_HI[n]!, INV_LO[n]!);
    ph = rh;
    pl = rl;
  }
  ddMul(ph, pl, sh, sl);
  const ah = 2 * rh;
  const al = 2 * rl;
  // k · ln 2 in double-double
  twoProd(k, LN2_HI);
  ddAdd(rh, rl + k * LN2_LO, ah, al);
  return rh + rl;
}
