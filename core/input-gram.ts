/**
 * Full-batch training on fixed inputs, with the first layer's two big products replaced by one
 * small one. With X the T×I training inputs (fixed) and W the first layer's I×U weights, the seeds
 * compute every step
 *
 *     Z = X·W (+ b)          (T·I·U multiply-adds)
 *     W ← W − lr·Xᵀ·dZ       (T·I·U multiply-adds)
 *
 * so the next step's product is X·W − lr·X·Xᵀ·dZ = Z − lr·G·dZ with G = X·Xᵀ (T×T) computed once:
 * T·T·U multiply-adds a step instead of 2·T·I·U (seed-004: 0.4 M instead of 12.8 M). W itself is
 * not needed to train, so it is formed only when something reads it, from the initial W₀ and the
 * running sum D = Σ lr·dZ since then:  W = W₀ − Xᵀ·D. Forming it never changes W₀ or D, so the W a
 * read sees depends on the step count alone, never on when (or whether) earlier reads happened.
 *
 * This is the same algebra in a different order, so it agrees with numpy to rounding: each step
 * adds about one ulp of |Z| (the parity tests hold it to 1e-8 relative over the seed runs, and
 * test/wasm-training.test.ts runs the fixtures on both paths and bounds the drift between them). The
 * trajectory depends only on the step sequence, never on when W is read, because a read touches
 * neither the kept product nor D.
 *
 * Minibatches (rows B of X a step) keep X·W for every training row the same way: the step
 * W ← W − lr·X_Bᵀ·dZ moves X·W by −lr·G[:, B]·dZ (T·|B|·U multiply-adds instead of the 2·|B|·I·U
 * of the batch's two products), the batch's Z is rows B of it, and D gains lr·dZ in rows B.
 * G is symmetric bit for bit (each entry is the same products summed in the same order), so
 * G[:, B] is the gathered rows G[B, :] read transposed.
 */
import type { Backend } from './kernels';

export class InputGram {
  /** X·W for the current W, kept up to date without forming W. */
  private readonly xw: Float64Array;
  private readonly gram: Float64Array;
  /** W at restart(). */
  private readonly w0: Float64Array;
  /** Σ lr·dZ since restart(). */
  private readonly pending: Float64Array;
  private readonly scratch: Float64Array;
  /** P₀ = X·W₀ (X·W at restart()), rowsum(X), Σ W₀ and ‖W₀‖²: W's sums without forming it (`update`'s stats). */
  private readonly p0: Float64Array;
  private readonly rowSums: Float64Array;
  private w0Sum = 0;
  private w0SumSquares = 0;
  /** G[B, :] for the minibatch in progress (null for full-batch training). */
  private readonly gramRows: Float64Array | null;
  private dirty = false;

  /**
   * Worth it when the per-step saving beats the catch-up cost of W reads the training loop itself
   * makes (the hold-out loss every `readEvery` steps; 0 for none): with batches of B of the T rows,
   * T·B·U + T·I·U/readEvery < B·I·U, with margin, since the small product runs at lower efficiency
   * than the big ones (B = T: full batch).
   */
  static worthwhile(rows: number, inputs: number, readEvery: number, batch = rows): boolean {
    return rows / inputs + (readEvery > 0 ? rows / (batch * readEvery) : 0) <= 0.5;
  }

  constructor(
    private readonly backend: Backend,
    /** The T training rows, row-major T×I; must not change while training (reset() re-reads it). */
    private readonly x: Float64Array,
    private readonly rows: number,
    private readonly inputs: number,
    private readonly units: number,
    /** Rows a minibatch step takes (0: full batch). */
    batchRows = 0,
  ) {
    this.gramRows = batchRows > 0 ? backend.alloc(batchRows * rows) : null;
    this.xw = backend.alloc(rows * units);
    this.gram = backend.alloc(rows * rows);
    this.pending = backend.alloc(rows * units);
    this.w0 = backend.alloc(inputs * units);
    this.scratch = backend.alloc(rows * units);
    this.p0 = new Float64Array(rows * units);
    this.rowSums = new Float64Array(rows);
  }

  /** Starts from the current W (construction, reset): X·W by a real product, G = X·Xᵀ, nothing pending. */
  restart(W: Float64Array): void {
    this.w0.set(W);
    this.backend.gemm(this.rows, this.units, this.inputs, this.x, W, this.xw, null);
    this.backend.gemmNT(this.rows, this.inputs, this.rows, this.x, this.x, this.gram);
    this.pending.fill(0);
    this.dirty = false;
    this.p0.set(this.xw);
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < W.length; i++) {
      sum += W[i]!;
      sq += W[i]! * W[i]!;
    }
    this.w0Sum = sum;
    this.w0SumSquares = sq;
    const { x, inputs } = this;
    for (let r = 0; r < this.rows; r++) {
      let s = 0;
      for (let i = 0; i < inputs; i++) s += x[r * inputs + i]!;
      this.rowSums[r] = s;
    }
  }

  /** Z = X·W + b, as the forward pass would compute it. */
  forward(Z: Float64Array, b: Float64Array | null): void {
    const { xw, units } = this;
    const n = this.rows * units;
    if (!b) {
      Z.set(xw);
      return;
    }
    for (let r = 0; r < n; r += units) for (let j = 0; j < units; j++) Z[r + j] = xw[r + j]! + b[j]!;
  }

  /**
   * The SGD step W ← W − lr·Xᵀ·dZ at lr = rate[0], applied to X·W (and recorded for W). With
   * `stats`, the history's numbers of this step (core/history.ts) come out of the same pass:
   * stats[0] = Σ W and stats[1] = ‖W‖² of W before the step, stats[2] = ‖Xᵀ·dZ‖², all without
   * forming W or its gradient (T·U multiply-adds instead of two T·I·U products):
   *
   *   Σ W  = Σ W₀ − Σ_t rowsum(X)_t · Σ_u D[t, u]
   *   ‖W‖² = ‖W₀‖² − 2⟨X·W₀, D⟩ + ⟨D, G·D⟩ = ‖W₀‖² − ⟨D, P₀ + X·W⟩   (G·D = P₀ − X·W, as X·W is kept)
   *   ‖Xᵀ·dZ‖² = ⟨dZ, G·dZ⟩, G·dZ being the product the step computes anyway.
   *
   * They agree with the formed W and gradient to rounding (test/history-cost.test.ts).
   */
  update(dZ: Float64Array, rate: Float64Array, stats: Float64Array | null = null): void {
    // The rate in a cell: a float argument to a call V8 does not inline is a heap number per step.
    const lr = rate[0]!;
    const { xw, pending, scratch } = this;
    const n = this.rows * this.units;
    this.backend.gemm(this.rows, this.units, this.rows, this.gram, dZ, scratch, null);
    if (stats) return this.updateMeasured(dZ, rate, stats);
    for (let i = 0; i < n; i++) {
      xw[i] = xw[i]! - lr * scratch[i]!;
      pending[i] = pending[i]! + lr * dZ[i]!;
    }
    this.dirty = true;
  }

  /** `update`'s loop with its stats summed in the same pass, from each number before it moves. */
  private updateMeasured(dZ: Float64Array, rate: Float64Array, stats: Float64Array): void {
    const lr = rate[0]!;
    const { xw, pending, scratch, p0, rowSums, units } = this;
    // Two interleaved sums of each: the adds' latency, not the reads, bounds this loop.
    let dot = 0;
    let dot1 = 0;
    let sum = 0;
    let g = 0;
    let g1 = 0;
    for (let r = 0; r < this.rows; r++) {
      let rowD = 0;
      let rowD1 = 0;
      const o = r * units;
      const end = o + units;
      let i = o;
      for (; i + 1 < end; i += 2) {
        const d = pending[i]!;
        const d1 = pending[i + 1]!;
        const z = dZ[i]!;
        const z1 = dZ[i + 1]!;
        const sc = scratch[i]!;
        const sc1 = scratch[i + 1]!;
        const x = xw[i]!;
        const x1 = xw[i + 1]!;
        rowD += d;
        rowD1 += d1;
        dot += d * (p0[i]! + x);
        dot1 += d1 * (p0[i + 1]! + x1);
        g += z * sc;
        g1 += z1 * sc1;
        xw[i] = x - lr * sc;
        xw[i + 1] = x1 - lr * sc1;
        pending[i] = d + lr * z;
        pending[i + 1] = d1 + lr * z1;
      }
      if (i < end) {
        const d = pending[i]!;
        const z = dZ[i]!;
        const sc = scratch[i]!;
        const x = xw[i]!;
        rowD += d;
        dot += d * (p0[i]! + x);
        g += z * sc;
        xw[i] = x - lr * sc;
        pending[i] = d + lr * z;
      }
      sum += rowSums[r]! * (rowD + rowD1);
    }
    stats[0] = this.w0Sum - sum;
    stats[1] = this.w0SumSquares - (dot + dot1);
    stats[2] = g + g1;
    this.dirty = true;
  }

  /** Σ W and ‖W‖² of the current W into stats[0], stats[1], by the identities in `update`. */
  private measure(stats: Float64Array): void {
    const { pending, p0, xw, rowSums, units } = this;
    // Two interleaved sums of each: the adds' latency, not the reads, bounds this loop.
    let dot = 0;
    let dot1 = 0;
    let sum = 0;
    for (let r = 0; r < this.rows; r++) {
      let rowD = 0;
      let rowD1 = 0;
      const o = r * units;
      let j = 0;
      for (; j + 1 < units; j += 2) {
        const d = pending[o + j]!;
        const e = pending[o + j + 1]!;
        rowD += d;
        rowD1 += e;
        dot += d * (p0[o + j]! + xw[o + j]!);
        dot1 += e * (p0[o + j + 1]! + xw[o + j + 1]!);
      }
      if (j < units) {
        const d = pending[o + j]!;
        rowD += d;
        dot += d * (p0[o + j]! + xw[o + j]!);
      }
      sum += rowSums[r]! * (rowD + rowD1);
    }
    stats[0] = this.w0Sum - sum;
    stats[1] = this.w0SumSquares - (dot + dot1);
  }

  /** Minibatch forward: Z row r = (X·W) row idx[offset + r], + b. */
  forwardRows(idx: Int32Array, offset: number, batch: number, Z: Float64Array, b: Float64Array | null): void {
    const units = this.units;
    gatherRows(this.backend, batch, units, idx, offset, this.xw, Z);
    if (!b) return;
    const n = batch * units;
    for (let r = 0; r < n; r += units) for (let j = 0; j < units; j++) Z[r + j] = Z[r + j]! + b[j]!;
  }

  /**
   * Minibatch SGD step W ← W − lr·X_Bᵀ·dZ, B = idx[offset, offset + batch), applied to X·W (and
   * recorded for W); `stats` as in `update`, with ‖X_Bᵀ·dZ‖² = ⟨dZ, (G[:, B]·dZ)[B]⟩.
   */
  updateRows(idx: Int32Array, offset: number, batch: number, dZ: Float64Array, rate: Float64Array, stats: Float64Array | null = null): void {
    const lr = rate[0]!;
    const { xw, pending, scratch, units } = this;
    const gb = this.gramRows!;
    gatherRows(this.backend, batch, this.rows, idx, offset, this.gram, gb);
    this.backend.gemmTN(batch, units, this.rows, gb, dZ, scratch);
    if (stats) {
      this.measure(stats);
      let g = 0;
      for (let r = 0; r < batch; r++) {
        const o = idx[offset + r]! * units;
        for (let j = 0; j < units; j++) g += dZ[r * units + j]! * scratch[o + j]!;
      }
      stats[2] = g;
    }
    const n = this.rows * units;
    for (let i = 0; i < n; i++) xw[i] = xw[i]! - lr * scratch[i]!;
    for (let r = 0; r < batch; r++) {
      const o = idx[offset + r]! * units;
      for (let j = 0; j < units; j++) pending[o + j] = pending[o + j]! + lr * dZ[r * units + j]!;
    }
    this.dirty = true;
  }

  /** Forms the current W = W₀ − Xᵀ·D into `W` (a pure function of the steps so far); `temp` is an I×U buffer it may overwrite. */
  syncWeights(W: Float64Array, temp: Float64Array): void {
    if (!this.dirty) return;
    this.backend.gemmTN(this.rows, this.units, this.inputs, this.x, this.pending, temp);
    const w0 = this.w0;
    for (let i = 0; i < W.length; i++) W[i] = w0[i]! - temp[i]!;
    this.dirty = false;
  }

  /**
   * ‖Xᵀ·dZ‖ without forming the I×U gradient: ‖Xᵀ·dZ‖² = Σ dZ ⊙ (G·dZ), a T·T·U product instead
   * of T·I·U (what keeps the UI's 10 Hz metrics cheap). Agrees with the direct norm to rounding.
   */
  gradientNorm(dZ: Float64Array): number {
    const n = this.rows * this.units;
    this.backend.gemm(this.rows, this.units, this.rows, this.gram, dZ, this.scratch, null);
    let s = 0;
    for (let i = 0; i < n; i++) s += dZ[i]! * this.scratch[i]!;
    return Math.sqrt(Math.max(0, s));
  }

  /**
   * The last step's weight gradient Xᵀ·dZ, which the shortcut never forms while training; for a
   * minibatch, `x` holds the batch's `batch` input rows.
   */
  gradient(dZ: Float64Array, dW: Float64Array, x = this.x, batch = this.rows): void {
    this.backend.gemmTN(batch, this.units, this.inputs, x, dZ, dW);
  }
}

/** Row r of dst = row idx[offset + r] of src, `width` numbers a row (in WASM where the backend has it). */
function gatherRows(backend: Backend, rows: number, width: number, idx: Int32Array, offset: number, src: Float64Array, dst: Float64Array): void {
  if (backend.gather) return backend.gather(rows, width, idx, offset, src, dst);
  for (let r = 0; r < rows; r++) for (let j = 0, s = idx[offset + r]! * width; j < width; j++) dst[r * width + j] = src[s + j]!;
}
