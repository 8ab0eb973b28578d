/**
 * A dense network trained by plain SGD (or format v2's optimisers, core/optimizers.ts), step for
 * step what the seed tutorials compute in numpy:
 * forward `h = a·W + b`, the loss before the update, every gradient before any parameter moves.
 *
 * All buffers are allocated in the constructor; `run` allocates nothing, so a million-step run is
 * as cheap on memory as a ten-step one. Matrix products go through a `Backend` so a faster kernel
 * set can replace the reference one without touching the algorithm.
 *
 * One class over 400 lines on purpose, as TensorFlow Playground's nn.ts is one file: a training
 * step (batch, forward, loss, backward, update) reads top to bottom in one place. What is not the
 * step lives beside it: the history (history.ts), optimisers (optimizers.ts), explained steps
 * (explain.ts), the first-layer shortcut (input-gram.ts) and the kernels (kernels.ts, wasm/).
 */
import { ExperimentError, shapeOf, trainingOf, type Activation, type Experiment, type Shape } from './experiment';
import { applySchedule, isPlainSgd, learningRateAt, Optimizer } from './optimizers';
import { makeDataset, type Dataset } from './data';
import { referenceBackend, type Backend } from './kernels';
import { InputGram } from './input-gram';
import { HistoryRecorder, SHORTCUT_GRAD_SQUARES, SHORTCUT_SUM, SHORTCUT_SUM_SQUARES, type HistoryEntry } from './history';
import { defaultBackend, wasmSimdSupported, wideKernels } from './wasm/backend';
import { NumpyRandom } from './rng';
import type { ActivationGrid, Histogram, LayerMetrics, LayerParams, MetricsSnapshot, PredictionGrid, RunResult, RunStatus } from './types';
import { explainUpdate, type UpdateExplanation } from './explain';

export interface TrainerOptions {
  /** Keep every step's loss for `result()` (the CLI does; the UI keeps its own decimated series). */
  recordLosses?: boolean;
  /** Default: the WASM SIMD kernels where the runtime has them (float32 needs them), else the TS reference. */
  backend?: Backend;
  /** Full-batch first-layer shortcut (core/input-gram.ts) where it pays; false forces the direct products. */
  inputGram?: boolean;
  /** Record the step-scheduled history (core/history.ts); default true. */
  history?: boolean;
  /**
   * Split every pass the backend's threads can take, whatever its size (bands of ≥ 8 rows), instead of
   * only those that gained when measured: for measuring where splitting pays (bench/split.ts). Same numbers.
   */
  splitAll?: boolean;
}

interface Layer {
  fanIn: number;
  units: number;
  activation: Activation;
  W: Float64Array;
  b: Float64Array | null;
  /** Pre-activation and activation of the last batch (the same buffer for linear layers). */
  Z: Float64Array;
  A: Float64Array;
  /** ∂loss/∂Z of the last batch; the back-propagated ∂loss/∂A lands here first and is masked in place. */
  dZ: Float64Array;
  dW: Float64Array;
  db: Float64Array | null;
  /** Scratch for evaluation passes (hold-out loss, accuracy, prediction grids), in chunks of EVAL_ROWS. */
  evalZ: Float64Array;
  evalA: Float64Array;
}

/** Rows per evaluation chunk: big enough to amortise the kernel calls, small enough to stay in cache. */
const EVAL_ROWS = 256;
/**
 * Rows in a band of a pass split across threads are a multiple of this: whole 4-row panels, and a
 * whole number of act_f32's 8-value turns whatever the width (it computes a shorter tail in float64,
 * so a band ending mid-turn would change bits in float32 mode).
 */
const BAND_ROWS = 8;
/**
 * A pass splits only from this many multiply-adds in its forward half: passes of 110k–180k lost up to
 * 19 % on two threads or gained a few, from 310k they gained 4–26 % (the classroom net's 1.6M: ~48 %),
 * medians of 8 alternations on this 2-core machine (`node --import tsx bench/split.ts`).
 */
const PARALLEL_MIN_WORK = 300_000;
/**
 * The same with the wide kernels (node/wide-kernels.ts), which do a pass's products twice as fast
 * and leave a second thread less to win against the hand-overs. In four runs of bench/split.ts,
 * splitting gave the classroom net (1.6M) 0.97–1.05× and the 128-wide relu net of the bench (0.8M)
 * 0.87–1.00×; the smaller nets lost 11–40 % in one run and gained up to 1.6× in another, when the
 * host left the second core free. A second thread that does not pay spins a core for nothing, so
 * only passes well above the classroom net's split.
 */
const PARALLEL_MIN_WORK_WIDE = 3_000_000;

/**
 * Rows a band must have at least: 8-row bands of a 128-wide relu net's 16-row batches ran 16 % slower
 * than one thread, 16-row bands of its 32-row batches 4–13 % faster (bench/split.ts).
 */
const MIN_BAND_ROWS = 16;

/** Parts a pass over `rows` rows runs in, given `threads` threads and a forward cost of `work` multiply-adds a row. */
function passParts(threads: number, rows: number, work: number, wide: boolean): number {
  if (threads < 2 || rows * work < (wide ? PARALLEL_MIN_WORK_WIDE : PARALLEL_MIN_WORK)) return 1;
  return Math.max(1, Math.min(threads, Math.floor(rows / MIN_BAND_ROWS)));
}

/** Whether the first layer trains through the input-Gram shortcut (core/input-gram.ts), unless the caller turns it off. */
function usesInputGram(experiment: Experiment): boolean {
  const { trainRows, testRows, inputs, batchRows } = shapeOf(experiment);
  const testEvery = experiment.testEvery ?? Math.max(1, Math.ceil(experiment.steps / 100));
  return isPlainSgd(experiment) && InputGram.worthwhile(trainRows, inputs, testRows > 0 ? testEvery : 0, batchRows);
}

/** Slots of the passes a trainer keeps in its backend (Backend.save). */
const PASS_FORWARD = 0;
const PASS_FORWARD_EVAL = 1;
const PASS_DELTAS = 2;
const PASS_GRADIENTS = 3;
const PASS_GRADIENTS_UPDATE = 4;
const PASSES = 5;

/** First row of part p's band when `rows` rows are shared among `parts` parts. */
function bandStart(rows: number, parts: number, p: number): number {
  return Math.min(rows, p * Math.ceil(rows / parts / BAND_ROWS) * BAND_ROWS);
}

function bandRows(rows: number, parts: number, p: number): number {
  return bandStart(rows, parts, p + 1) - bandStart(rows, parts, p);
}

export class Trainer {
  readonly shape: Shape;
  readonly data: Dataset;
  step = 0;
  status: RunStatus = 'ready';
  divergedAtStep: number | null = null;
  /** Loss before the last update (NaN before the first step); includes the v2 penalty, if any. */
  lastLoss = NaN;
  /**
   * Where lossAndGradient leaves its loss (see there), in kernel memory where a backend's loss kernel
   * writes it; the optimiser adds the v2 penalty here too.
   */
  private readonly lossCell: Float64Array;
  /**
   * The rate of the update in progress (the live base rate through the schedule), written by
   * scheduledRate() and read by update(), the optimiser and a fused update: a cell rather than a
   * float passed or returned, which V8 boxes as a heap number across a call it does not inline. In
   * kernel memory, where a fused update's queued kernels read it.
   */
  private readonly rateCell: Float64Array;
  /** This step's plain SGD update runs inside backward(), on the threads (see run()). */
  private fusedUpdate = false;
  /** Rows and input each kept pass (PASS_*) was recorded for (-1: none). */
  private readonly keptRows = new Int32Array(PASSES).fill(-1);
  private readonly keptInput: (Float64Array | null)[] = Array.from({ length: PASSES }, () => null);
  /** The live base rate (the UI may change it mid-run); the experiment's schedule scales it per step. */
  learningRate: number;

  private readonly backend: Backend;
  /** Set when the full-batch shortcut runs the first layer; its W is then brought up to date on read. */
  private readonly gram: InputGram | null;
  /** Null for plain SGD without penalties, which keeps its own fast path (and the Gram shortcut). */
  private readonly optimizer: Optimizer | null;
  /**
   * True after a backward pass under the shortcut: the first layer's dW was not formed (it is Xᵀ·dZ,
   * computed only when read), so its norm and value come from the Gram matrix or syncGram().
   */
  private firstLayerGradientImplicit = false;
  private readonly layers: Layer[];
  /** Multiply-adds of one row's forward pass (Σ fanIn·units). */
  private readonly forwardWorkPerRow: number;
  private readonly splitAll: boolean;
  private readonly rng: NumpyRandom;
  private readonly batchX: Float64Array | null;
  private readonly batchY: Float64Array | null;
  private readonly perm: Int32Array | null;
  private cursor = 0;
  /** Where the last batch began in `perm` (minibatch runs), for `lastBatchRows`. */
  private lastBatchStart = 0;
  /** Rows of the batch loadBatch() last loaded (the step in progress, or the last one). */
  private batchRowsNow = 0;
  private lastRows = 0;
  private readonly evalX: Float64Array;
  private readonly evalY: Float64Array;
  private readonly losses: Float64Array | null;
  private readonly testRecord: Float64Array;
  private testCount = 0;
  readonly testEvery: number;
  /** The step-scheduled history (null when turned off in the options). */
  readonly history: HistoryRecorder | null;
  /** The shortcut layer's history scalars for the entry in progress (core/history.ts, SHORTCUT_*), from its update. */
  private readonly shortcutCell = new Float64Array(3);
  /** Whether the update in progress fills shortcutCell (a history step under the shortcut). */
  private measuring = false;

  constructor(
    readonly experiment: Experiment,
    options: TrainerOptions = {},
  ) {
    if (experiment.precision === 'float32' && !options.backend && !wasmSimdSupported()) {
      throw new ExperimentError([{ path: 'precision', message: '"float32" needs the WASM kernels, which this runtime does not run; use "float64"' }]);
    }
    this.backend = options.backend ?? defaultBackend(experiment.precision ?? 'float64') ?? referenceBackend;
    this.shape = shapeOf(experiment);
    this.learningRate = experiment.learningRate;
    this.rng = new NumpyRandom(experiment.seed);
    this.data = makeDataset(experiment.data, this.rng, this.shape.trainRows);
    const { widths, batchRows, inputs, outputs } = this.shape;
    const alloc = (n: number) => this.backend.alloc(n);
    // The inputs live where the kernels read them (a WASM backend would otherwise copy them every step).
    const x = alloc(this.data.x.length);
    x.set(this.data.x);
    this.data.x = x;
    const y = alloc(this.data.y.length);
    y.set(this.data.y);
    this.data.y = y;

    this.layers = experiment.layers.map((spec, l) => {
      const fanIn = widths[l]!;
      const units = spec.units;
      const Z = alloc(batchRows * units);
      const evalZ = alloc(EVAL_ROWS * units);
      return {
        fanIn,
        units,
        activation: spec.activation,
        W: alloc(fanIn * units),
        b: experiment.bias ? alloc(units) : null,
        Z,
        A: spec.activation === 'linear' ? Z : alloc(batchRows * units),
        dZ: alloc(batchRows * units),
        dW: alloc(fanIn * units),
        db: experiment.bias ? alloc(units) : null,
        evalZ,
        evalA: spec.activation === 'linear' ? evalZ : alloc(EVAL_ROWS * units),
      };
    });
    this.rateCell = this.backend.alloc(1);
    this.lossCell = this.backend.alloc(1);
    this.splitAll = options.splitAll === true;
    this.forwardWorkPerRow = this.layers.reduce((w, l) => w + l.fanIn * l.units, 0);
    this.initParams();
    const training = trainingOf(experiment);
    this.optimizer = isPlainSgd(experiment)
      ? null
      : new Optimizer(
          training.optimizer,
          training.regularization,
          this.layers.flatMap((l) => [{ value: l.W, grad: l.dW, weight: true }, ...(l.b && l.db ? [{ value: l.b, grad: l.db, weight: false }] : [])]),
        );

    const minibatch = batchRows < this.shape.trainRows;
    this.batchX = minibatch ? alloc(batchRows * inputs) : null;
    this.batchY = minibatch ? alloc(batchRows * outputs) : null;
    this.perm = minibatch ? (this.backend.allocIndex?.(this.shape.trainRows) ?? new Int32Array(this.shape.trainRows)) : null;
    this.evalX = alloc(EVAL_ROWS * inputs);
    this.evalY = alloc(EVAL_ROWS * outputs);

    this.losses = options.recordLosses === false ? null : new Float64Array(experiment.steps);
    this.testEvery = experiment.testEvery ?? Math.max(1, Math.ceil(experiment.steps / 100));
    this.testRecord = new Float64Array(2 * (Math.floor(experiment.steps / this.testEvery) + 2));

    const { trainRows } = this.shape;
    // The shortcut moves X·W by −lr·G·dZ, which is SGD's step and no other rule's.
    const useGram = options.inputGram !== false && usesInputGram(experiment);
    this.gram = useGram ? new InputGram(this.backend, this.data.x, trainRows, inputs, this.layers[0]!.units, minibatch ? batchRows : 0) : null;
    this.gram?.restart(this.layers[0]!.W);
    this.history =
      options.history === false
        ? null
        : new HistoryRecorder(
            experiment.steps,
            this.layers.map((l) => ({ fanIn: l.fanIn, units: l.units, activation: l.activation, bias: l.b !== null })),
            undefined,
            this.gram
              ? {
                  rows: trainRows,
                  batch: batchRows,
                  inputs,
                  units: this.layers[0]!.units,
                  otherWork: this.layers.slice(1).reduce((w, l) => w + 3 * batchRows * l.fanIn * l.units, 0),
                }
              : null,
          );
  }

  /** Draws the initial parameters from the stream, right after the data (the seeds' order). */
  private initParams(): void {
    const init = this.experiment.init;
    if (Array.isArray(init.weights)) {
      const explicit = init as { weights: number[][][]; biases: (number[] | null)[] };
      this.layers.forEach((layer, l) => {
        explicit.weights[l]!.forEach((row, r) => layer.W.set(row, r * layer.units));
        const b = explicit.biases[l];
        if (layer.b && b) layer.b.set(b);
      });
      return;
    }
    const scheme = init as { weights: 'standard-normal' | 'xavier' | 'he'; biases: 'standard-normal' | 'zeros' };
    for (const layer of this.layers) {
      const scale =
        scheme.weights === 'xavier'
          ? Math.sqrt(2 / (layer.fanIn + layer.units))
          : scheme.weights === 'he'
            ? Math.sqrt(2 / layer.fanIn)
            : 1;
      this.rng.randnInto(layer.W, scale);
      if (layer.b) {
        if (scheme.biases === 'standard-normal') this.rng.randnInto(layer.b);
        else layer.b.fill(0);
      }
    }
  }

  /** Back to step 0 with the same data and initial parameters (the stream is replayed from the seed). */
  reset(): void {
    this.rng.seed(this.experiment.seed);
    const fresh = makeDataset(this.experiment.data, this.rng, this.shape.trainRows);
    this.data.x.set(fresh.x);
    this.data.y.set(fresh.y);
    this.initParams();
    for (const layer of this.layers) {
      layer.dW.fill(0);
      layer.db?.fill(0);
      layer.A.fill(0);
      layer.Z.fill(0);
    }
    this.gram?.restart(this.layers[0]!.W);
    this.optimizer?.reset();
    this.firstLayerGradientImplicit = false;
    this.history?.reset();
    this.step = 0;
    this.cursor = 0;
    this.lastRows = 0;
    this.testCount = 0;
    this.status = 'ready';
    this.divergedAtStep = null;
    this.lastLoss = NaN;
    this.learningRate = this.experiment.learningRate;
  }

  /** Whether the full-batch first-layer shortcut (core/input-gram.ts) is training this run. */
  get inputGramActive(): boolean {
    return this.gram !== null;
  }

  /** The rate the next update will use: the live base rate through the schedule. */
  get currentLearningRate(): number {
    return this.rateAt(this.step);
  }

  private rateAt(t: number): number {
    const schedule = this.experiment.schedule;
    return schedule ? learningRateAt(schedule, this.learningRate, t, this.experiment.steps) : this.learningRate;
  }

  get finished(): boolean {
    return this.status === 'completed' || this.status === 'diverged';
  }

  /**
   * Runs up to `n` steps, stopping early at the experiment's step count or on divergence.
   * Each step's loss (before its update) is written to `out[offset + i]` when `out` is given.
   * Returns the number of losses produced (a diverging step produces none).
   */
  run(n: number, out?: Float64Array, offset = 0): number {
    let done = 0;
    const steps = this.experiment.steps;
    while (done < n && !this.finished) {
      if (this.step >= steps) {
        this.complete();
        break;
      }
      this.status = 'running';
      const t = this.step;
      const rows = this.loadBatch();
      const input = this.batchX ?? this.data.x;
      const target = this.batchY ?? this.data.y;
      const output = this.forward(input, rows);
      const last = this.layers[this.layers.length - 1]!;
      this.lossAndGradient(output, target, rows, last.dZ);
      if (this.optimizer) this.optimizer.addPenalty(this.lossCell);
      const loss = this.lossCell[0]!;
      if (!Number.isFinite(loss)) {
        this.status = 'diverged';
        this.divergedAtStep = t;
        this.lastLoss = loss;
        break;
      }
      if (this.shape.testRows > 0 && t % this.testEvery === 0) this.recordTestLoss(t);
      const recording = this.history?.due(t) === true;
      // Split across threads, plain SGD updates each band of W on the thread that just computed its
      // gradient (the same values as update() below); not when the history must see W before its update.
      this.fusedUpdate = !recording && !this.optimizer && !this.gram && this.partsFor(rows) > 1;
      if (this.fusedUpdate) this.scheduledRate();
      this.backward(input, rows);
      if (recording) this.recordHistory(t, loss, rows);
      this.measuring = recording && this.gram !== null;
      if (this.fusedUpdate) this.fusedUpdate = false;
      else this.update();
      // The scheduled rate the update just used.
      if (recording) {
        if (this.gram) this.shortcutFallbacks();
        this.history!.recordUpdate(this.layers, this.rateCell[0]!, this.shortcutCell);
      }
      this.lastLoss = loss;
      this.lastRows = rows;
      if (this.losses) this.losses[t] = loss;
      if (out) out[offset + done] = loss;
      done++;
      this.step = t + 1;
      if (this.step >= steps) this.complete();
    }
    return done;
  }

  /**
   * Step t's history entry, before its update. Under the shortcut the first layer's scalars come
   * from Gram identities, and W and dW are formed only for the histograms the budget allows
   * (core/history.ts); forming never moves the run.
   */
  private recordHistory(t: number, loss: number, rows: number): void {
    const history = this.history!;
    if (this.gram && history.formsShortcut(t)) this.syncGram(true);
    history.record(t, loss, rows, this.layers);
  }

  /**
   * Overflowing, the shortcut's identities meet ∞ − ∞ where numpy's sums of the formed W and dW are
   * ∞: then they are formed (after the update: dW = X_Bᵀ·dZ, and W before it as W_after + lr·dW).
   */
  private shortcutFallbacks(): void {
    const cell = this.shortcutCell;
    const first = this.layers[0]!;
    if (!Number.isFinite(cell[SHORTCUT_GRAD_SQUARES]!)) {
      this.syncGram(true);
      let sq = 0;
      for (let i = 0; i < first.dW.length; i++) sq += first.dW[i]! * first.dW[i]!;
      cell[SHORTCUT_GRAD_SQUARES] = sq;
    }
    if (!Number.isFinite(cell[SHORTCUT_SUM]!) || !Number.isFinite(cell[SHORTCUT_SUM_SQUARES]!)) {
      this.syncGram(true);
      const lr = this.rateCell[0]!;
      let s = 0;
      let sq = 0;
      for (let i = 0; i < first.W.length; i++) {
        const w = first.W[i]! + lr * first.dW[i]!;
        s += w;
        sq += w * w;
      }
      cell[SHORTCUT_SUM] = s;
      cell[SHORTCUT_SUM_SQUARES] = sq;
    }
  }

  /** History entries recorded so far, from index `from` (plain data; allocates). */
  historyEntries(from = 0): HistoryEntry[] {
    return this.history ? this.history.entries(from) : [];
  }

  private complete(): void {
    if (this.shape.testRows > 0) this.recordTestLoss(this.step);
    this.status = 'completed';
  }

  /** Rows of this step's batch; with a batch size, copies them into the batch buffers in permutation order. */
  private loadBatch(): number {
    const { trainRows, batchRows, inputs, outputs } = this.shape;
    if (!this.perm) return trainRows;
    if (this.cursor === 0) this.rng.permutationInto(this.perm);
    this.lastBatchStart = this.cursor;
    const rows = Math.min(batchRows, trainRows - this.cursor);
    this.batchRowsNow = rows;
    const x = this.data.x;
    const y = this.data.y;
    const bx = this.batchX!;
    const by = this.batchY!;
    // Under the shortcut the first layer reads its rows of X·W instead: the inputs are gathered only
    // when the batch's first-layer gradient is read (syncGram).
    if (this.backend.gather) {
      if (!this.gram) this.backend.gather(rows, inputs, this.perm, this.cursor, x, bx);
      this.backend.gather(rows, outputs, this.perm, this.cursor, y, by);
    } else for (let r = 0; r < rows; r++) {
      const src = this.perm[this.cursor + r]!;
      if (!this.gram) for (let j = 0; j < inputs; j++) bx[r * inputs + j] = x[src * inputs + j]!;
      for (let j = 0; j < outputs; j++) by[r * outputs + j] = y[src * outputs + j]!;
    }
    this.cursor += rows;
    if (this.cursor >= trainRows) this.cursor = 0;
    return rows;
  }

  private forward(input: Float64Array, rows: number, evaluation = false): Float64Array {
    const parts = this.partsFor(rows);
    if (parts > 1 && !this.gram) {
      // Rows are independent through the whole forward pass: each part takes its band of rows
      // through every layer, with no hand-over between layers.
      const backend = this.backend;
      const slot = evaluation ? PASS_FORWARD_EVAL : PASS_FORWARD;
      if (!this.restorePass(slot, rows, input)) {
        for (let p = 0; p < parts; p++) {
          backend.queue!(p);
          this.forwardRows(input, bandStart(rows, parts, p), bandRows(rows, parts, p), evaluation);
        }
        this.savePass(slot, rows, input);
      }
      backend.run!();
      const last = this.layers[this.layers.length - 1]!;
      return evaluation ? last.evalA : last.A;
    }
    return this.forwardRows(input, 0, rows, evaluation);
  }

  /** The forward pass over rows [row, row + rows) of the batch. */
  private forwardRows(input: Float64Array, row: number, rows: number, evaluation: boolean): Float64Array {
    let a = input;
    for (const layer of this.layers) {
      const Z = evaluation ? layer.evalZ : layer.Z;
      const A = evaluation ? layer.evalA : layer.A;
      if (this.gram && !evaluation && layer === this.layers[0]) {
        if (this.perm) this.gram.forwardRows(this.perm, this.lastBatchStart, rows, Z, layer.b);
        else this.gram.forward(Z, layer.b);
      }
      else this.backend.gemm(rows, layer.units, layer.fanIn, a, layer.W, Z, layer.b, row);
      if (layer.activation === 'linear') {
        // A is Z
      } else if (this.backend.activate) this.backend.activate(layer.activation, rows * layer.units, Z, A, row * layer.units);
      else activate(layer.activation, Z, A, rows * layer.units);
      a = A;
    }
    return a;
  }

  /**
   * A pass split across threads is the same kernel calls on the same buffers every step with the same
   * rows, so its queues are recorded once and run again as kept (recording cost ~4 % of a classroom
   * step). Kept per slot with the rows and input it was recorded for; the backend checks the owner.
   */
  private restorePass(slot: number, rows: number, input: Float64Array): boolean {
    return this.keptRows[slot] === rows && this.keptInput[slot] === input && this.backend.restore!(slot, this);
  }

  private savePass(slot: number, rows: number, input: Float64Array): void {
    this.backend.save!(slot, this);
    this.keptRows[slot] = rows;
    this.keptInput[slot] = input;
  }

  /**
   * How many parts (threads) a pass over `rows` rows runs in: one unless the backend has threads
   * and the pass is big enough that a hand-over (a few microseconds) is small beside it.
   */
  private partsFor(rows: number): number {
    const threads = this.backend.parts ?? 1;
    if (this.splitAll) return threads < 2 || rows < 2 * BAND_ROWS ? 1 : Math.min(threads, Math.floor(rows / BAND_ROWS));
    return passParts(threads, rows, this.forwardWorkPerRow, this.backend.wide ?? false);
  }

  /**
   * Whether training `experiment` would split its passes across kernel threads (so whether starting
   * them pays): its batches are big enough and the input-Gram shortcut does not take the first layer.
   */
  static splitsPasses(experiment: Experiment): boolean {
    const { widths, batchRows } = shapeOf(experiment);
    const work = experiment.layers.reduce((w, l, i) => w + widths[i]! * l.units, 0);
    return !usesInputGram(experiment) && passParts(2, batchRows, work, wideKernels()) > 1;
  }

  /**
   * The loss of `rows` outputs against targets starting at row `targetRow`, and, when `grad` is
   * given, ∂loss/∂output into it. Leaves the normalised loss (sum, mean, or mean over rows) in
   * `lossCell[0]`: a float returned from a call V8 does not inline is a fresh heap number, one
   * allocation per step (test/helpers/gc-check.ts saw the scavenges).
   */
  private lossAndGradient(output: Float64Array, target: Float64Array, rows: number, grad: Float64Array | null, targetRow = 0): void {
    const n = this.shape.outputs;
    const count = rows * n;
    const t0 = targetRow * n;
    switch (this.experiment.loss) {
      case 'sse':
      case 'mse': {
        const mean = this.experiment.loss === 'mse';
        let sum = 0;
        for (let i = 0; i < count; i++) {
          const d = output[i]! - target[t0 + i]!;
          sum += d * d;
          if (grad) grad[i] = mean ? (2 * d) / count : 2 * d;
        }
        this.lossCell[0] = mean ? sum / count : sum;
        return;
      }
      case 'softmax-cross-entropy': {
        if (this.backend.softmaxCrossEntropy?.(rows, n, output, target, t0, grad, this.lossCell)) return;
        let sum = 0;
        for (let r = 0; r < rows; r++) {
          const o = r * n;
          let max = -Infinity;
          for (let j = 0; j < n; j++) max = Math.max(max, output[o + j]!);
          let s = 0;
          // Each e^z once: kept in grad (when asked for) until the sum is known.
          if (grad) {
            for (let j = 0; j < n; j++) {
              const e = Math.exp(output[o + j]! - max);
              grad[o + j] = e;
              s += e;
            }
          } else for (let j = 0; j < n; j++) s += Math.exp(output[o + j]! - max);
          const logS = Math.log(s);
          for (let j = 0; j < n; j++) {
            const z = output[o + j]! - max;
            const y = target[t0 + o + j]!;
            sum -= y * (z - logS);
            if (grad) grad[o + j] = (grad[o + j]! / s - y) / rows;
          }
        }
        this.lossCell[0] = sum / rows;
        return;
      }
    }
  }

  private backward(input: Float64Array, rows: number): void {
    const layers = this.layers;
    const parts = this.partsFor(rows);
    if (parts > 1 && !this.gram) {
      const backend = this.backend;
      // The deltas, layer by layer back, are row by row too: each part takes its band through them all.
      if (!this.restorePass(PASS_DELTAS, rows, input)) {
        for (let p = 0; p < parts; p++) {
          backend.queue!(p);
          const row = bandStart(rows, parts, p);
          const count = bandRows(rows, parts, p);
          for (let l = layers.length - 1; l >= 0; l--) {
            const layer = layers[l]!;
            backend.derive!(layer.activation, count, layer.units, layer.Z, layer.A, layer.dZ, null, row);
            if (l > 0) backend.gemmNT(count, layer.units, layer.fanIn, layer.dZ, layer.W, layers[l - 1]!.dZ, row);
          }
        }
        this.savePass(PASS_DELTAS, rows, input);
      }
      backend.run!();
      // Weight and bias gradients sum over every row: each is shared out whole, or in bands of its
      // rows, so every sum runs over the rows in order, as on one thread.
      const slot = this.fusedUpdate ? PASS_GRADIENTS_UPDATE : PASS_GRADIENTS;
      if (!this.restorePass(slot, rows, input)) {
        backend.spread!();
        const rate = this.fusedUpdate ? this.rateCell : null;
        for (let l = layers.length - 1; l >= 0; l--) {
          const layer = layers[l]!;
          backend.gemmTN(rows, layer.units, layer.fanIn, l > 0 ? layers[l - 1]!.A : input, layer.dZ, layer.dW, rate && layer.W, rate);
          if (layer.db) backend.colsums!(rows, layer.units, layer.dZ, layer.db, rate && layer.b, rate);
        }
        this.savePass(slot, rows, input);
      }
      backend.run!();
      return;
    }
    for (let l = layers.length - 1; l >= 0; l--) {
      const layer = layers[l]!;
      if (this.backend.derive) this.backend.derive(layer.activation, rows, layer.units, layer.Z, layer.A, layer.dZ, layer.db);
      else {
        maskByActivationSlope(layer.activation, layer.Z, layer.A, layer.dZ, rows * layer.units);
        if (layer.db) columnSums(layer.dZ, rows, layer.units, layer.db);
      }
      const prevA = l > 0 ? layers[l - 1]!.A : input;
      if (l === 0 && this.gram) this.firstLayerGradientImplicit = true; // formed only if read: syncGram()
      else this.backend.gemmTN(rows, layer.units, layer.fanIn, prevA, layer.dZ, layer.dW);
      // The input layer's gradient is never used: skip the largest product of the step.
      if (l > 0) this.backend.gemmNT(rows, layer.units, layer.fanIn, layer.dZ, layer.W, layers[l - 1]!.dZ);
    }
  }

  /** Step `this.step`'s scheduled rate, into `rateCell[0]`. */
  private scheduledRate(): void {
    const rate = this.rateCell;
    rate[0] = this.learningRate;
    const schedule = this.experiment.schedule;
    if (schedule) applySchedule(schedule, rate, this.step, this.experiment.steps);
  }

  /** Step `this.step`'s update at its scheduled rate, left in `rateCell[0]`. */
  private update(): void {
    // Read here, not passed in: a float argument to a call V8 does not inline is a heap number.
    const rate = this.rateCell;
    this.scheduledRate();
    if (this.optimizer) return this.optimizer.update(rate);
    const lr = rate[0]!;
    for (const layer of this.layers) {
      const { W, dW, b, db } = layer;
      if (this.gram && layer === this.layers[0]) {
        const stats = this.measuring ? this.shortcutCell : null;
        if (this.perm) this.gram.updateRows(this.perm, this.lastBatchStart, this.batchRowsNow, layer.dZ, rate, stats);
        else this.gram.update(layer.dZ, rate, stats);
      }
      else if (this.backend.sgd) this.backend.sgd(W.length, lr, dW, W);
      else for (let i = 0; i < W.length; i++) W[i] = W[i]! - lr * dW[i]!;
      if (b && db) {
        if (this.backend.sgd) this.backend.sgd(b.length, lr, db, b);
        else for (let i = 0; i < b.length; i++) b[i] = b[i]! - lr * db[i]!;
      }
    }
  }

  /**
   * The training loss over every training row at the current parameters, leaving its gradients in
   * place for `gradients()`; nothing moves and the step count stays. For gradient checks and inspection.
   * The data loss alone: a v2 penalty is added by the optimiser, to the loss it records and its gradient.
   */
  lossAndGradients(): number {
    if (this.batchX) throw new Error('lossAndGradients needs full-batch training (no batchSize)');
    const rows = this.shape.trainRows;
    const out = this.forward(this.data.x, rows);
    this.lossAndGradient(out, this.data.y, rows, this.layers[this.layers.length - 1]!.dZ);
    const loss = this.lossCell[0]!;
    this.backward(this.data.x, rows);
    this.lastRows = rows;
    return loss;
  }

  /**
   * Under the full-batch shortcut, brings the first layer's W (and, when asked, the last weight
   * gradient, which the shortcut does not form) up to date. Every reader of W or dW calls this first.
   */
  private syncGram(withGradient = false): void {
    if (!this.gram) return;
    const first = this.layers[0]!;
    this.gram.syncWeights(first.W, first.dW); // uses dW as scratch
    if (!withGradient) return; // gradients() and the history need it; metrics() takes its norm from the Gram matrix
    if (!this.firstLayerGradientImplicit) first.dW.fill(0);
    else if (!this.perm) this.gram.gradient(first.dZ, first.dW);
    else {
      // The last batch's inputs, which loadBatch() left ungathered.
      const { inputs } = this.shape;
      const rows = this.batchRowsNow;
      const bx = this.batchX!;
      const x = this.data.x;
      if (this.backend.gather) this.backend.gather(rows, inputs, this.perm, this.lastBatchStart, x, bx);
      else for (let r = 0; r < rows; r++) for (let j = 0, s = this.perm[this.lastBatchStart + r]! * inputs; j < inputs; j++) bx[r * inputs + j] = x[s + j]!;
      this.gram.gradient(first.dZ, first.dW, bx, rows);
    }
  }

  /** ‖dW‖ of the first layer under the shortcut: from the Gram matrix (full batch), else formed (minibatch). */
  private firstGramGradientNorm(): number {
    const first = this.layers[0]!;
    if (!this.perm) return this.gram!.gradientNorm(first.dZ);
    this.syncGram(true);
    return norm(first.dW);
  }

  /** Copies of the last computed gradients, per layer. */
  gradients(): { weights: Float64Array; biases: Float64Array | null }[] {
    this.syncGram(true);
    return this.layers.map((l) => ({ weights: l.dW.slice(), biases: l.db ? l.db.slice() : null }));
  }

  /** Data set rows of the last step's batch, in batch order (allocates; for inspection only). */
  lastBatchRows(): number[] {
    if (!this.perm) return Array.from({ length: this.lastRows }, (_, r) => r);
    return Array.from(this.perm.subarray(this.lastBatchStart, this.lastBatchStart + this.lastRows));
  }

  /**
   * Takes one step and explains it (core/explain.ts): loss before and after on its batch, per-layer
   * gradient and update norms, flipped predictions, and one sample's forward and backward record.
   * Null when no step was taken (the run has ended, or this step's loss is not finite).
   * `out`/`offset` receive the step's loss as `run` writes it; `recordRows` asks for every batch row's
   * record too (up to that many rows).
   */
  stepExplained(sampleRow = 0, options: { out?: Float64Array; offset?: number; recordRows?: number } = {}): UpdateExplanation | null {
    if (this.finished) return null;
    const before = this.params();
    const step = this.step;
    const learningRate = this.currentLearningRate;
    if (this.run(1, options.out, options.offset ?? 0) !== 1) return null;
    return explainUpdate({
      experiment: this.experiment,
      data: this.data,
      trainRows: this.shape.trainRows,
      step,
      learningRate,
      before,
      after: this.params(),
      batchRows: this.lastBatchRows(),
      sampleRow,
      recordRows: options.recordRows ?? 0,
    });
  }

  /** Passes rows [start, start + count) of `x` through the network in chunks; `visit` sees each chunk's outputs. */
  private evaluate(x: Float64Array, start: number, count: number, visit: (out: Float64Array, rows: number, firstRow: number) => void): void {
    this.syncGram();
    for (let r = 0; r < count; r += EVAL_ROWS) {
      const rows = Math.min(EVAL_ROWS, count - r);
      visit(this.evaluateChunk(x, start + r, rows), rows, start + r);
    }
  }

  /** Outputs for `rows` rows of `x` from `first` on; copies by hand (a subarray is an allocation). */
  private evaluateChunk(x: Float64Array, first: number, rows: number): Float64Array {
    const inputs = this.shape.inputs;
    const evalX = this.evalX;
    const from = first * inputs;
    for (let i = 0; i < rows * inputs; i++) evalX[i] = x[from + i]!;
    return this.forward(evalX, rows, true);
  }

  /**
   * Loss over rows [start, start + count) with the current parameters, normalised like the training
   * loss, left in `lossCell[0]`. Runs inside the step loop (the hold-out record), so it allocates
   * nothing: no closure, no returned float.
   */
  private lossOver(start: number, count: number): void {
    const loss = this.experiment.loss;
    let total = 0;
    this.syncGram();
    for (let r = 0; r < count; r += EVAL_ROWS) {
      const rows = Math.min(EVAL_ROWS, count - r);
      this.lossAndGradient(this.evaluateChunk(this.data.x, start + r, rows), this.data.y, rows, null, start + r);
      const l = this.lossCell[0]!;
      // Undo each chunk's normalisation, then normalise once over all rows.
      total += loss === 'sse' ? l : loss === 'mse' ? l * rows * this.shape.outputs : l * rows;
    }
    this.lossCell[0] = loss === 'mse' ? total / (count * this.shape.outputs) : loss === 'softmax-cross-entropy' ? total / count : total;
  }

  private recordTestLoss(step: number): void {
    if (2 * this.testCount + 1 >= this.testRecord.length) return;
    this.testRecord[2 * this.testCount] = step;
    this.lossOver(this.shape.trainRows, this.shape.testRows);
    this.testRecord[2 * this.testCount + 1] = this.lossCell[0]!;
    this.testCount++;
  }

  /** Hold-out loss record: [step, loss] scored before that step's update (and once after the last). */
  testLosses(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < this.testCount; i++) out.push([this.testRecord[2 * i]!, this.testRecord[2 * i + 1]!]);
    return out;
  }

  /** Argmax accuracy over rows [start, start + count), for one-hot targets. */
  private accuracyOver(start: number, count: number): number | null {
    const labels = this.data.labels;
    if (!labels || count === 0) return null;
    const n = this.shape.outputs;
    let correct = 0;
    this.evaluate(this.data.x, start, count, (out, rows, first) => {
      for (let r = 0; r < rows; r++) if (argmax(out, r * n, n) === labels[first + r]) correct++;
    });
    return correct / count;
  }

  /** What the UI charts: cheap, computed only when asked for (allocates; not on the hot path). */
  metrics(bins = 30): MetricsSnapshot {
    this.syncGram();
    const rows = this.lastRows;
    const layers: LayerMetrics[] = this.layers.map((layer) => {
      let dead: number | null = null;
      let act = 0;
      if (rows > 0) {
        const A = layer.A;
        for (let i = 0; i < rows * layer.units; i++) act += Math.abs(A[i]!);
        act /= rows * layer.units;
        if (layer.activation === 'relu') {
          let deadUnits = 0;
          for (let j = 0; j < layer.units; j++) {
            let alive = false;
            for (let r = 0; r < rows && !alive; r++) alive = A[r * layer.units + j]! > 0;
            if (!alive) deadUnits++;
          }
          dead = deadUnits / layer.units;
        }
      } else if (layer.activation === 'relu') dead = 0;
      return {
        weights: histogram(layer.W, bins),
        biases: layer.b ? histogram(layer.b, bins) : null,
        weightGradNorm: this.gram && layer === this.layers[0] ? (this.firstLayerGradientImplicit ? this.firstGramGradientNorm() : 0) : norm(layer.dW),
        biasGradNorm: layer.db ? norm(layer.db) : null,
        weightNorm: norm(layer.W),
        deadFraction: dead,
        meanAbsActivation: act,
      };
    });
    const { trainRows, testRows } = this.shape;
    return {
      step: this.step,
      loss: this.lastLoss,
      layers,
      accuracy: this.accuracyOver(0, trainRows),
      testAccuracy: testRows > 0 ? this.accuracyOver(trainRows, testRows) : null,
      testLoss: testRows > 0 ? (this.lossOver(trainRows, testRows), this.lossCell[0]!) : null,
    };
  }

  /** Network outputs for arbitrary points (softmax probabilities under softmax cross-entropy). */
  predict(points: readonly (readonly number[])[]): number[][] {
    const { inputs, outputs } = this.shape;
    const x = new Float64Array(points.length * inputs);
    points.forEach((p, i) => x.set(p, i * inputs));
    const result: number[][] = [];
    const ce = this.experiment.loss === 'softmax-cross-entropy';
    this.evaluate(x, 0, points.length, (out, rows) => {
      for (let r = 0; r < rows; r++) {
        const row = new Array<number>(outputs);
        readOutputs(out, r * outputs, outputs, ce, row, 0);
        result.push(row);
      }
    });
    return result;
  }

  /** The training data's extent, padded by 10 %: where a decision map is worth drawing. */
  dataBounds(): { xMin: number; xMax: number; yMin: number; yMax: number } {
    const x = this.data.x;
    let xMin = Infinity;
    let xMax = -Infinity;
    let yMin = Infinity;
    let yMax = -Infinity;
    for (let i = 0; i < this.data.samples; i++) {
      xMin = Math.min(xMin, x[2 * i]!);
      xMax = Math.max(xMax, x[2 * i]!);
      yMin = Math.min(yMin, x[2 * i + 1]!);
      yMax = Math.max(yMax, x[2 * i + 1]!);
    }
    const px = (xMax - xMin) * 0.1 || 1;
    const py = (yMax - yMin) * 0.1 || 1;
    return { xMin: xMin - px, xMax: xMax + px, yMin: yMin - py, yMax: yMax + py };
  }

  /** The decision map for 2-D inputs: outputs at the centre of each of resolution² cells; null otherwise. */
  predictGrid(resolution = 64, bounds = this.shape.inputs === 2 ? this.dataBounds() : undefined): PredictionGrid | null {
    if (this.shape.inputs !== 2 || !bounds) return null;
    const { xMin, xMax, yMin, yMax } = bounds;
    const n = this.shape.outputs;
    const cells = resolution * resolution;
    const x = gridPoints(resolution, bounds);
    const values = new Float32Array(cells * n);
    const classes = new Uint8Array(cells);
    const ce = this.experiment.loss === 'softmax-cross-entropy';
    this.evaluate(x, 0, cells, (out, rows, first) => {
      for (let r = 0; r < rows; r++) {
        readOutputs(out, r * n, n, ce, values, (first + r) * n);
        classes[first + r] = argmax(out, r * n, n);
      }
    });
    return { xMin, xMax, yMin, yMax, resolution, outputs: n, values, argmax: classes };
  }

  /**
   * Every unit's activation over the input plane (2-D inputs only), at the centres of resolution²
   * cells laid out as in `predictGrid`: what each unit has learned to respond to.
   */
  activationGrid(resolution = 24, bounds = this.shape.inputs === 2 ? this.dataBounds() : undefined): ActivationGrid | null {
    if (this.shape.inputs !== 2 || !bounds) return null;
    const cells = resolution * resolution;
    const layers = this.layers.map((l) => new Float32Array(l.units * cells));
    this.evaluate(gridPoints(resolution, bounds), 0, cells, (_out, rows, first) => {
      this.layers.forEach((layer, l) => {
        const dst = layers[l]!;
        for (let r = 0; r < rows; r++) for (let j = 0; j < layer.units; j++) dst[j * cells + first + r] = layer.evalA[r * layer.units + j]!;
      });
    });
    return { ...bounds, resolution, layers };
  }

  params(): LayerParams[] {
    this.syncGram();
    return this.layers.map((layer) => {
      const weights: number[][] = [];
      for (let r = 0; r < layer.fanIn; r++) weights.push(Array.from(layer.W.subarray(r * layer.units, (r + 1) * layer.units)));
      return { weights, biases: layer.b ? Array.from(layer.b) : null };
    });
  }

  /** The v1 result file; `seconds` is the caller's measure of the training loop alone. */
  result(seconds: number): RunResult {
    const losses = this.losses ? Array.from(this.losses.subarray(0, this.step)) : [];
    return {
      version: 1,
      status: this.status === 'diverged' ? 'diverged' : this.status === 'completed' ? 'completed' : 'stopped',
      steps: this.step,
      losses,
      divergedAtStep: this.divergedAtStep,
      params: this.params(),
      history: this.historyEntries(),
      testLoss: this.testLosses(),
      timing: { seconds, stepsPerSecond: seconds > 0 ? this.step / seconds : 0 },
    };
  }
}

/** Centres of resolution² cells over `bounds`: row i from yMax down, column j from xMin up. */
function gridPoints(resolution: number, { xMin, xMax, yMin, yMax }: { xMin: number; xMax: number; yMin: number; yMax: number }): Float64Array {
  const x = new Float64Array(resolution * resolution * 2);
  for (let i = 0; i < resolution; i++) {
    for (let j = 0; j < resolution; j++) {
      x[2 * (i * resolution + j)] = xMin + ((j + 0.5) * (xMax - xMin)) / resolution;
      x[2 * (i * resolution + j) + 1] = yMax - ((i + 0.5) * (yMax - yMin)) / resolution;
    }
  }
  return x;
}

function activate(kind: Activation, Z: Float64Array, A: Float64Array, count: number): void {
  switch (kind) {
    case 'linear':
      return;
    case 'relu':
      for (let i = 0; i < count; i++) A[i] = Z[i]! < 0 ? 0 : Z[i]!;
      return;
    case 'tanh':
      for (let i = 0; i < count; i++) A[i] = Math.tanh(Z[i]!);
      return;
    case 'sigmoid':
      for (let i = 0; i < count; i++) A[i] = 1 / (1 + Math.exp(-Z[i]!));
      return;
  }
}

/** dZ = dA ⊙ f′(Z), in place: turns ∂loss/∂A into ∂loss/∂Z. ReLU passes the gradient at exactly 0, as the seeds' `grad[h < 0] = 0` does. */
function maskByActivationSlope(kind: Activation, Z: Float64Array, A: Float64Array, dZ: Float64Array, count: number): void {
  switch (kind) {
    case 'linear':
      return;
    case 'relu':
      for (let i = 0; i < count; i++) if (Z[i]! < 0) dZ[i] = 0;
      return;
    case 'tanh':
      for (let i = 0; i < count; i++) dZ[i] = dZ[i]! * (1 - A[i]! * A[i]!);
      return;
    case 'sigmoid':
      for (let i = 0; i < count; i++) dZ[i] = dZ[i]! * (A[i]! * (1 - A[i]!));
      return;
  }
}

function columnSums(m: Float64Array, rows: number, cols: number, out: Float64Array): void {
  out.fill(0);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let j = 0; j < cols; j++) out[j] = out[j]! + m[o + j]!;
  }
}

function argmax(v: Float64Array, offset: number, n: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) if (v[offset + j]! > v[offset + best]!) best = j;
  return best;
}

/** Row `o` of the outputs as a user reads them: softmax probabilities under cross-entropy, else as they are. */
function readOutputs(out: Float64Array, o: number, n: number, probabilities: boolean, dst: number[] | Float32Array, d: number): void {
  if (!probabilities) {
    for (let j = 0; j < n; j++) dst[d + j] = out[o + j]!;
    return;
  }
  let max = -Infinity;
  for (let j = 0; j < n; j++) max = Math.max(max, out[o + j]!);
  let s = 0;
  for (let j = 0; j < n; j++) s += Math.exp(out[o + j]! - max);
  for (let j = 0; j < n; j++) dst[d + j] = Math.exp(out[o + j]! - max) / s;
}

function norm(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}

/** Equal-width histogram of the finite values (a diverged layer's NaNs would otherwise poison every bin). */
export function histogram(v: Float64Array, bins: number): Histogram {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (!Number.isFinite(x)) continue;
    if (x < min) min = x;
    if (x > max) max = x;
    sum += x;
    n++;
  }
  const counts = new Array<number>(bins).fill(0);
  if (n === 0) return { min: 0, max: 0, counts, mean: 0, std: 0 };
  const mean = sum / n;
  let sq = 0;
  const width = max - min;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (!Number.isFinite(x)) continue;
    sq += (x - mean) ** 2;
    counts[width > 0 ? Math.min(bins - 1, Math.floor(((x - min) / width) * bins)) : 0]!++;
  }
  return { min, max, counts, mean, std: Math.sqrt(sq / n) };
}
