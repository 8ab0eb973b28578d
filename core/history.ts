/**
 * A run's history: per-layer statistics of the training step itself, recorded at steps chosen by
 * step count alone, so a run records the same entries at any speed, in any process, watched or not.
 *
 * The entry for step t describes step t's own forward and backward pass, with the parameters
 * before its update (as `losses[t]` does):
 *
 *   weightStd         np.std(W)
 *   gradNorm          np.linalg.norm(dW): the Frobenius norm of ∂loss/∂W that step's update used
 *   activationStd     np.std(A), A = the layer's output activations over that step's batch (rows × units)
 *   deadFraction      relu: np.mean(np.all(A == 0, axis=0)), the share of units at 0 on every row; else null
 *   saturatedFraction tanh: np.mean(np.abs(A) > 0.99); sigmoid: np.mean((A < 0.01) | (A > 0.99)); else null
 *   updateRatio       ‖W_after − W‖ / ‖W‖ (Frobenius), measured on the update actually applied
 *   biasStd, biasGradNorm   np.std(b), np.linalg.norm(db); null without biases
 *   weights, biases, activations, gradients   histograms of W, b, A, dW (see `HistoryHistogram`),
 *                     only on the sparser `histogramSchedule` (null elsewhere), as TensorBoard keeps
 *                     dense scalars and sparse histograms: a histogram is most of an entry's cost
 *
 * Under the input-Gram shortcut (core/input-gram.ts) the first layer's W and dW are never formed
 * for the scalars (they come from Gram identities), and its weight and gradient histograms, which
 * need both formed (two T·I·U products), are kept only within a work budget (`shortcutHistogramSteps`).
 *
 * Storage is preallocated from the schedule's length, so recording allocates nothing; reading an
 * entry builds plain objects (structured-clone and JSON safe).
 */
import type { Activation } from './experiment';

/** Bins in every history histogram. */
export const HISTORY_BINS = 32;
/** Every step up to this one is recorded. */
const DENSE_UNTIL = 10;
/** Past DENSE_UNTIL, steps grow by ×1.12 (about 20 a decade), in integers so every language agrees. */
const LOG_NUM = 112;
const LOG_DEN = 100;
/** Plus about this many evenly spaced steps, for linear step axes. */
const GRID_POINTS = 50;
/** Histograms: steps 0, 1, 2, 3, 5, then every HISTOGRAM_LOG_EVERY-th geometric step (×1.12⁸ ≈ ×2.5)… */
const HISTOGRAM_EARLY = [0, 1, 2, 3, 5];
const HISTOGRAM_LOG_EVERY = 8;
/** …and every HISTOGRAM_GRID_EVERY-th grid step (about 5 in a run). */
const HISTOGRAM_GRID_EVERY = 10;
/**
 * The shortcut layer's weight and gradient histograms may cost at most this share of the run's
 * product work (see `shortcutHistogramSteps`): with the rest of an entry, the history's goal is ≤ 5 %.
 */
export const SHORTCUT_HISTOGRAM_BUDGET = 0.03;

/**
 * Equal-width bins over the finite values: bin = min(bins − 1, floor((x − min) / (max − min) · bins)),
 * all in bin 0 when max = min. NaN and ±Infinity are left out of the bins and counted in `nonFinite`;
 * with no finite value, min = max = 0 and every count is 0.
 */
export interface HistoryHistogram {
  min: number;
  max: number;
  counts: number[];
  nonFinite: number;
}

export interface HistoryLayer {
  weightStd: number;
  gradNorm: number;
  activationStd: number;
  deadFraction: number | null;
  saturatedFraction: number | null;
  updateRatio: number;
  biasStd: number | null;
  biasGradNorm: number | null;
  /** Null off the histogram schedule (and, for the shortcut layer, past its budget). */
  weights: HistoryHistogram | null;
  /** Null without biases, and off the histogram schedule. */
  biases: HistoryHistogram | null;
  /** Null off the histogram schedule. */
  activations: HistoryHistogram | null;
  /** Null off the histogram schedule (and, for the shortcut layer, past its budget). */
  gradients: HistoryHistogram | null;
}

export interface HistoryEntry {
  /** The step (0-based) whose forward and backward pass this describes. */
  step: number;
  /** That step's training loss (= losses[step]). */
  loss: number;
  layers: HistoryLayer[];
}

/** The grid stride: about GRID_POINTS multiples of it fall in a run. */
function gridStride(totalSteps: number): number {
  return Math.max(1, Math.ceil(totalSteps / GRID_POINTS));
}

/** The next step of the geometric part after `t` (t ≥ DENSE_UNTIL). */
function nextLogStep(t: number): number {
  return Math.max(t + 1, Math.floor((t * LOG_NUM) / LOG_DEN));
}

/**
 * The steps a run of `totalSteps` records, ascending: every step 0..10; 10, 11, 12, … growing by
 * ×1.12 (each at least one more than the last); every multiple of ceil(totalSteps / 50); and the
 * last step, totalSteps − 1. A million-step run records 166 entries.
 */
export function historySchedule(totalSteps: number): Int32Array {
  const last = totalSteps - 1;
  if (last < 0) return new Int32Array(0);
  const marks = new Set<number>();
  for (let t = 0; t <= Math.min(DENSE_UNTIL, last); t++) marks.add(t);
  for (let t = DENSE_UNTIL; t <= last; t = nextLogStep(t)) marks.add(t);
  const stride = gridStride(totalSteps);
  for (let t = 0; t <= last; t += stride) marks.add(t);
  marks.add(last);
  return Int32Array.from([...marks].sort((a, b) => a - b));
}

/**
 * The steps whose entries carry histograms, a subset of `historySchedule(totalSteps)`, ascending:
 * 0, 1, 2, 3, 5; every 8th step of the schedule's geometric part (10, 19, 42, 98, 237, 580, …, about
 * ×2.5 apart); every 10th multiple of its grid stride (0, ⌈steps/50⌉·10, …: about 5); and the last
 * step. A 500-step run has 15, 1,000 steps 16, 20,000 steps 19, a million steps 24.
 */
export function histogramSchedule(totalSteps: number): Int32Array {
  const last = totalSteps - 1;
  if (last < 0) return new Int32Array(0);
  const marks = new Set<number>();
  for (const t of HISTOGRAM_EARLY) if (t <= last) marks.add(t);
  for (let t = DENSE_UNTIL, k = 0; t <= last; t = nextLogStep(t), k++) if (k % HISTOGRAM_LOG_EVERY === 0) marks.add(t);
  const stride = gridStride(totalSteps) * HISTOGRAM_GRID_EVERY;
  for (let t = 0; t <= last; t += stride) marks.add(t);
  marks.add(last);
  return Int32Array.from([...marks].sort((a, b) => a - b));
}

/** The product work of the input-Gram shortcut's first layer and of the rest of a step (multiply-adds). */
export interface ShortcutWork {
  /** T, the training rows (X is T×I). */
  rows: number;
  /** B, the rows of a step's batch (T for full batch). */
  batch: number;
  /** I and U, the first layer's fan-in and units. */
  inputs: number;
  units: number;
  /** Multiply-adds of the other layers' products a step (3·B·fanIn·units each: forward, dW, dA). */
  otherWork: number;
}

/**
 * What a histogram costs per value, in multiply-adds of the products: summarising and binning
 * seed-004's 100,000 first-layer weights took 310 µs, its 64×1000×100 gradient product (6.4 M
 * multiply-adds, WASM SIMD) 510 µs: about 39 a value (Node 24, this machine).
 */
export const HISTOGRAM_VALUE_WORK = 40;

/**
 * The steps of `histogramSchedule(totalSteps)` whose entries carry the shortcut layer's weight and
 * gradient histograms, ascending. Forming them costs T·I·U multiply-adds (W = W₀ − Xᵀ·D; none at
 * step 0, where W is W₀) plus B·I·U (dW = X_Bᵀ·dZ) plus 2·I·U·HISTOGRAM_VALUE_WORK for the two
 * histograms, against T·B·U + otherWork a training step. Steps are taken in the order step 0, the
 * last step, then the rest ascending, while the formations so far stay within
 * SHORTCUT_HISTOGRAM_BUDGET of the run's work, and none after the first that would not fit. A pure
 * function of the experiment, so every process records the same histograms. seed-004 (T = B = 64,
 * I = 1000, U = 100, a 100→10 layer): none at 500 steps, 17 of the 19 at 20,000.
 */
export function shortcutHistogramSteps(totalSteps: number, work: ShortcutWork): Int32Array {
  const hs = histogramSchedule(totalSteps);
  const { rows, batch, inputs, units } = work;
  const budget = SHORTCUT_HISTOGRAM_BUDGET * totalSteps * (rows * batch * units + work.otherWork);
  const histograms = 2 * inputs * units * HISTOGRAM_VALUE_WORK;
  const order = hs.length > 1 ? [hs[0]!, hs[hs.length - 1]!, ...hs.subarray(1, hs.length - 1)] : Array.from(hs);
  const kept: number[] = [];
  let spent = 0;
  for (const t of order) {
    spent += (t === 0 ? 0 : rows * inputs * units) + batch * inputs * units + histograms;
    if (spent > budget) break;
    kept.push(t);
  }
  return Int32Array.from(kept.sort((a, b) => a - b));
}

/** Whether `step` is in `historySchedule(totalSteps)`, without building it. */
export function isHistoryStep(step: number, totalSteps: number): boolean {
  if (!Number.isInteger(step) || step < 0 || step >= totalSteps) return false;
  if (step <= DENSE_UNTIL || step === totalSteps - 1 || step % gridStride(totalSteps) === 0) return true;
  let t = DENSE_UNTIL;
  while (t < step) t = nextLogStep(t);
  return t === step;
}

/** What the recorder reads of a layer; the trainer's layers have these fields. */
export interface HistoryLayerSource {
  readonly units: number;
  readonly activation: Activation;
  readonly W: Float64Array;
  readonly b: Float64Array | null;
  /** The layer's output activations, the step's batch first (rows × units). */
  readonly A: Float64Array;
  readonly dW: Float64Array;
  readonly db: Float64Array | null;
}

// Scalar slots per (entry, layer).
const WEIGHT_STD = 0;
const GRAD_NORM = 1;
const ACT_STD = 2;
const DEAD = 3;
const SATURATED = 4;
const UPDATE_RATIO = 5;
const BIAS_STD = 6;
const BIAS_GRAD_NORM = 7;
const SCALARS = 8;
// Histograms per (entry, layer), in this order.
const HISTOGRAMS = 4;
const H_WEIGHTS = 0;
const H_BIASES = 1;
const H_ACTIVATIONS = 2;
const H_GRADIENTS = 3;

/**
 * What the trainer tells the recorder about the shortcut layer of an entry, in a cell (a float
 * argument V8 does not inline is a heap number): W's sum and Σw² before the update, and ‖dW‖² of
 * the update, which the shortcut's update computes without forming W or dW (core/input-gram.ts).
 */
export const SHORTCUT_SUM = 0;
export const SHORTCUT_SUM_SQUARES = 1;
export const SHORTCUT_GRAD_SQUARES = 2;

export class HistoryRecorder {
  /** The schedule (historySchedule(totalSteps)). */
  readonly schedule: Int32Array;
  /** Entries recorded so far: entry i is schedule[i]'s. */
  count = 0;
  private readonly layerCount: number;
  private readonly losses: Float64Array;
  private readonly scalars: Float64Array;
  /** Per histogram: min, max, nonFinite, then `bins` counts. */
  private readonly hists: Float64Array;
  private readonly histSize: number;
  /**
   * Per entry, its place among the entries on histogramSchedule, or −1: only those have room in
   * `hists` (an xor run's 104 entries, 15 with histograms: 233 KB of histograms → 34 KB, kept by
   * every run in the app that records a history).
   */
  private readonly histSlot: Int32Array;
  /** 1 where an entry forms the shortcut layer's W and dW for their histograms (shortcutHistogramSteps). */
  private readonly forming: Uint8Array;
  /** Each layer's W as it was before the update of the entry being recorded. */
  private readonly before: Float64Array[];
  private readonly weightNorms: Float64Array;
  /** Scratch for deadShare. */
  private readonly alive: Uint8Array;
  /** Scratch for summarize's binning: four sets of `bins` counts. */
  private readonly lanes: Int32Array;

  constructor(
    readonly totalSteps: number,
    private readonly layers: readonly { fanIn: number; units: number; activation: Activation; bias: boolean }[],
    readonly bins = HISTORY_BINS,
    /** The first layer's work under the input-Gram shortcut; null when it trains by the direct products. */
    readonly shortcut: ShortcutWork | null = null,
  ) {
    this.schedule = historySchedule(totalSteps);
    const n = this.schedule.length;
    this.layerCount = layers.length;
    this.losses = new Float64Array(n);
    this.scalars = new Float64Array(n * this.layerCount * SCALARS);
    this.histSize = 3 + bins;
    this.forming = new Uint8Array(n);
    const hs = histogramSchedule(totalSteps);
    this.hists = new Float64Array(hs.length * this.layerCount * HISTOGRAMS * this.histSize);
    this.histSlot = new Int32Array(n).fill(-1);
    const formed = new Set(shortcut ? shortcutHistogramSteps(totalSteps, shortcut) : []);
    for (let i = 0, e = 0; i < hs.length; i++) {
      while (this.schedule[e] !== hs[i]) e++;
      this.histSlot[e] = i;
      if (formed.has(hs[i]!)) this.forming[e] = 1;
    }
    this.before = layers.map((l, i) => new Float64Array(shortcut && i === 0 ? 0 : l.fanIn * l.units));
    this.weightNorms = new Float64Array(this.layerCount);
    this.alive = new Uint8Array(Math.max(0, ...layers.map((l) => l.units)));
    this.lanes = new Int32Array(4 * bins);
  }

  /** Whether step `t` is the next one to record. */
  due(t: number): boolean {
    return this.count < this.schedule.length && this.schedule[this.count] === t;
  }

  /** Whether the entry due at step `t` needs the shortcut layer's W and dW formed (only then may `record` read them). */
  formsShortcut(t: number): boolean {
    return this.shortcut !== null && this.due(t) && this.forming[this.count] === 1;
  }

  reset(): void {
    this.count = 0;
  }

  /**
   * Records step `t` after its backward pass and before its update: `rows` is the batch's row
   * count. `recordUpdate` must follow once the update is applied. Under the shortcut, layer 0's W
   * and dW are read only where `formsShortcut(t)`.
   */
  record(t: number, loss: number, rows: number, sources: readonly HistoryLayerSource[]): void {
    const e = this.count;
    if (this.schedule[e] !== t) throw new Error(`history: step ${t} is not the next scheduled step (${this.schedule[e]})`);
    this.losses[e] = loss;
    const k = this.histSlot[e]!;
    const histograms = k >= 0;
    for (let l = 0; l < this.layerCount; l++) {
      const src = sources[l]!;
      const s = (e * this.layerCount + l) * SCALARS;
      const h = histograms ? (k * this.layerCount + l) * HISTOGRAMS : -HISTOGRAMS;
      const nA = rows * src.units;
      if (this.shortcut && l === 0) {
        // W and dW are implicit: the scalars come from Gram identities (recordUpdate), the
        // histograms only where formed.
        if (histograms && this.forming[e] === 1) {
          this.summarize(src.W, src.W.length, h + H_WEIGHTS, null);
          this.summarize(src.dW, src.dW.length, h + H_GRADIENTS, null);
        }
      } else {
        // W before the update, for its step in recordUpdate.
        this.scalars[s + WEIGHT_STD] = this.summarize(src.W, src.W.length, h + H_WEIGHTS, this.before[l]!);
        this.weightNorms[l] = Math.sqrt(this.sumSquares);
        this.summarize(src.dW, src.dW.length, h + H_GRADIENTS, null);
        this.scalars[s + GRAD_NORM] = Math.sqrt(this.sumSquares);
      }
      this.scalars[s + ACT_STD] = this.summarize(src.A, nA, h + H_ACTIVATIONS, null);
      this.scalars[s + DEAD] = src.activation === 'relu' ? deadShare(src.A, rows, src.units, this.alive) : NaN;
      this.scalars[s + SATURATED] = src.activation === 'tanh' || src.activation === 'sigmoid' ? saturatedShare(src.activation, src.A, nA) : NaN;
      this.scalars[s + BIAS_STD] = src.b ? this.summarize(src.b, src.b.length, h + H_BIASES, null) : NaN;
      this.scalars[s + BIAS_GRAD_NORM] = src.db ? frobenius(src.db) : NaN;
    }
  }

  /**
   * Completes the entry `record` began, from the weights after the update. Under the shortcut the
   * first layer's W buffer is not moved (W ← W − lr·dW is applied to X·W): its weightStd and
   * gradNorm come from `shortcutCell` (Σ W, ‖W‖² before the update and ‖dW‖², by Gram identities,
   * core/input-gram.ts) and its step is lr·‖dW‖ with `rate` as lr.
   */
  recordUpdate(sources: readonly HistoryLayerSource[], rate = 0, shortcutCell: Float64Array | null = null): void {
    const e = this.count;
    for (let l = 0; l < this.layerCount; l++) {
      const s = (e * this.layerCount + l) * SCALARS;
      let step: number;
      if (this.shortcut && l === 0) {
        const n = this.layers[0]!.fanIn * this.layers[0]!.units;
        const mean = shortcutCell![SHORTCUT_SUM]! / n;
        const sq = shortcutCell![SHORTCUT_SUM_SQUARES]!;
        this.scalars[s + WEIGHT_STD] = Math.sqrt(Math.max(0, sq / n - mean * mean));
        this.weightNorms[l] = Math.sqrt(Math.max(0, sq));
        const g = Math.sqrt(Math.max(0, shortcutCell![SHORTCUT_GRAD_SQUARES]!));
        this.scalars[s + GRAD_NORM] = g;
        step = rate * g;
      } else {
        const W = sources[l]!.W;
        const prev = this.before[l]!;
        let sq = 0;
        for (let i = 0; i < W.length; i++) {
          const d = W[i]! - prev[i]!;
          sq += d * d;
        }
        step = Math.sqrt(sq);
      }
      this.scalars[s + UPDATE_RATIO] = step / this.weightNorms[l]!;
    }
    this.count = e + 1;
  }

  /** Σx² of the values the last `summarize` saw. */
  private sumSquares = 0;

  /**
   * np.std of v[0..n) (returned), Σx² (in `sumSquares`), a copy into `copy`, and with `slot` ≥ 0
   * the histogram there. The std is taken in one pass about a shift c = v[0]:
   * var = (Σ(x − c)² − (Σ(x − c))²/n) / n, which loses only about (mean − c)²/var ulps to
   * cancellation (c is one of the values, so a few), where numpy's two passes (mean, then squared
   * deviations) lose none; a result that is not finite (an overflow, a NaN) is recomputed by the
   * two passes, so ±∞ and NaN come out as numpy's. Every field meets numpy to 1e-8 (test/parity.test.ts).
   */
  private summarize(v: Float64Array, n: number, slot: number, copy: Float64Array | null): number {
    if (copy) copy.set(n === v.length ? v : v.subarray(0, n));
    const c = n > 0 ? v[0]! : 0;
    // Two interleaved sums of each: the adds' latency, not the reads, bounds this loop, so with a
    // histogram to make the range's comparisons ride along in it.
    let s = 0;
    let q = 0;
    let sq = 0;
    let s1 = 0;
    let q1 = 0;
    let sq1 = 0;
    let min = Infinity;
    let max = -Infinity;
    let nonFinite = 0;
    let i = 0;
    if (slot < 0) {
      for (; i + 1 < n; i += 2) {
        const x = v[i]!;
        const y = v[i + 1]!;
        const d = x - c;
        const e = y - c;
        s += d;
        s1 += e;
        q += d * d;
        q1 += e * e;
        sq += x * x;
        sq1 += y * y;
      }
    } else {
      for (; i + 1 < n; i += 2) {
        const x = v[i]!;
        const y = v[i + 1]!;
        const d = x - c;
        const e = y - c;
        s += d;
        s1 += e;
        q += d * d;
        q1 += e * e;
        sq += x * x;
        sq1 += y * y;
        if (x < min) min = x;
        if (x > max) max = x;
        if (y < min) min = y;
        if (y > max) max = y;
        if (d - d !== 0 || e - e !== 0) nonFinite++;
      }
    }
    if (i < n) {
      const x = v[i]!;
      const d = x - c;
      s += d;
      q += d * d;
      sq += x * x;
      if (x < min) min = x;
      if (x > max) max = x;
      if (d - d !== 0) nonFinite++;
    }
    s += s1;
    q += q1;
    sq += sq1;
    this.sumSquares = sq;
    let std = Math.sqrt(Math.max(0, q - (s * s) / n) / n);
    if (!(std < Infinity)) std = twoPassStd(v, n);
    if (slot < 0) return std;
    // nonFinite only says whether there are any (d = x − c is not finite when x or c is not).
    binInto(v, n, this.hists, slot * this.histSize, this.bins, this.lanes, min, max, nonFinite > 0);
    return std;
  }

  private histogram(slot: number): HistoryHistogram {
    const o = slot * this.histSize;
    const h = this.hists;
    return { min: h[o]!, max: h[o + 1]!, nonFinite: h[o + 2]!, counts: Array.from(h.subarray(o + 3, o + 3 + this.bins)) };
  }

  /** Entry `i` (0 ≤ i < count) as plain data. */
  entry(i: number): HistoryEntry {
    const k = this.histSlot[i]!;
    const histograms = k >= 0;
    const formed = histograms && (this.shortcut === null || this.forming[i] === 1);
    const layers: HistoryLayer[] = this.layers.map((spec, l) => {
      const s = (i * this.layerCount + l) * SCALARS;
      const h = (k * this.layerCount + l) * HISTOGRAMS;
      const v = this.scalars;
      const wg = histograms && (l > 0 || formed);
      return {
        weightStd: v[s + WEIGHT_STD]!,
        gradNorm: v[s + GRAD_NORM]!,
        activationStd: v[s + ACT_STD]!,
        deadFraction: spec.activation === 'relu' ? v[s + DEAD]! : null,
        saturatedFraction: spec.activation === 'tanh' || spec.activation === 'sigmoid' ? v[s + SATURATED]! : null,
        updateRatio: v[s + UPDATE_RATIO]!,
        biasStd: spec.bias ? v[s + BIAS_STD]! : null,
        biasGradNorm: spec.bias ? v[s + BIAS_GRAD_NORM]! : null,
        weights: wg ? this.histogram(h + H_WEIGHTS) : null,
        biases: histograms && spec.bias ? this.histogram(h + H_BIASES) : null,
        activations: histograms ? this.histogram(h + H_ACTIVATIONS) : null,
        gradients: wg ? this.histogram(h + H_GRADIENTS) : null,
      };
    });
    return { step: this.schedule[i]!, loss: this.losses[i]!, layers };
  }

  /** Entries [from, count) as plain data. */
  entries(from = 0): HistoryEntry[] {
    const out: HistoryEntry[] = [];
    for (let i = from; i < this.count; i++) out.push(this.entry(i));
    return out;
  }
}

function frobenius(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}

/**
 * The histogram of v[0..n) into out[o..]: min, max, nonFinite, then `bins` counts (see
 * HistoryHistogram); `lanes` is scratch of 4·bins counts.
 */
function binInto(v: Float64Array, n: number, out: Float64Array, o: number, bins: number, lanes: Int32Array, min: number, max: number, anyNonFinite: boolean): void {
  // `min` and `max` are the range of the values; with any NaN or ±∞ among them, the range of the
  // finite ones is taken again here, and they are counted (rare: an overflowing layer).
  let nonFinite = 0;
  if (anyNonFinite) {
    min = Infinity;
    max = -Infinity;
    for (let k = 0; k < n; k++) {
      const x = v[k]!;
      if (x - x !== 0) {
        nonFinite++;
        continue;
      }
      if (x < min) min = x;
      if (x > max) max = x;
    }
  }
  out.fill(0, o + 3, o + 3 + bins);
  const width = max - min;
  if (nonFinite === n) {
    min = 0;
    max = 0;
  } else if (!(width > 0)) {
    // One finite value (or a range too wide for a double: NaN, which falls in no bin, as before).
    if (width === 0) out[o + 3] = n - nonFinite;
  } else {
    // floor((x − min) / width · bins) as (x − min)·(bins / width) | 0: a multiply for a divide,
    // which can move a value within an ulp or two of a bin edge across it, as numpy's own rounding
    // may (the parity tests allow exactly those). NaN and ±∞ give NaN or an out-of-range f: no bin.
    // Counted in four interleaved sets of bins, summed after: a relu layer's zeros (half its values,
    // in no order) all land in bin 0, and one cell incremented again and again waits on its own
    // last store each time, while a branch on "bin 0?" is mispredicted half the time.
    const scale = bins / width;
    lanes.fill(0);
    if (nonFinite === 0 && width < Infinity) {
      // Every value is in [min, max]: f is in [0, bins] (bins itself only at max, by rounding).
      for (let k = 0; k < n; k++) {
        let bin = ((v[k]! - min) * scale) | 0;
        if (bin >= bins) bin = bins - 1;
        lanes[(bin << 2) | (k & 3)]!++;
      }
    } else {
      for (let k = 0; k < n; k++) {
        const f = (v[k]! - min) * scale;
        if (!(f >= 0 && f <= bins)) continue;
        const bin = f | 0;
        lanes[((bin < bins ? bin : bins - 1) << 2) | (k & 3)]!++;
      }
    }
    for (let k = 0; k < bins; k++) out[o + 3 + k] = lanes[4 * k]! + lanes[4 * k + 1]! + lanes[4 * k + 2]! + lanes[4 * k + 3]!;
  }
  out[o] = min;
  out[o + 1] = max;
  out[o + 2] = nonFinite;
}

/** np.std as numpy computes it: the mean, then the mean squared deviation. */
function twoPassStd(v: Float64Array, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += v[i]!;
  const mean = sum / n;
  let dev = 0;
  for (let i = 0; i < n; i++) dev += (v[i]! - mean) * (v[i]! - mean);
  return Math.sqrt(dev / n);
}

/**
 * Share of columns (units) that are 0 on every row, row by row (contiguous reads), stopping once every
 * unit has been seen alive; `alive` is scratch of at least `units` flags.
 */
function deadShare(A: Float64Array, rows: number, units: number, alive: Uint8Array): number {
  alive.fill(0, 0, units);
  let seen = 0;
  for (let r = 0; r < rows && seen < units; r++) {
    const o = r * units;
    for (let j = 0; j < units; j++) {
      if (alive[j] === 0 && A[o + j]! !== 0) {
        alive[j] = 1;
        seen++;
      }
    }
  }
  return (units - seen) / units;
}

function saturatedShare(kind: 'tanh' | 'sigmoid', A: Float64Array, n: number): number {
  let c = 0;
  if (kind === 'tanh') for (let i = 0; i < n; i++) c += Math.abs(A[i]!) > 0.99 ? 1 : 0;
  else for (let i = 0; i < n; i++) c += A[i]! < 0.01 || A[i]! > 0.99 ? 1 : 0;
  return c / n;
}
