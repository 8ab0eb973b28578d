/**
 * The trainer loop behind the protocol, independent of transport: the Electron utility process and
 * the web build's Web Worker both wrap this class around their port. It owns one core `Trainer`,
 * trains in time slices and yields between them, so `pause`, `step` and a live learning-rate change
 * are handled within one slice (~12 ms) however long the run.
 *
 * Losses are written straight into a preallocated buffer by `Trainer.run` and sent in batches
 * (at most MAX_PROGRESS_PER_SECOND messages a second); nothing is allocated per step. The history
 * (core/history.ts) is recorded by the trainer at scheduled steps, never by the clock; the clock
 * only decides when new entries are sent, with the progress. `snapshot` messages are the live view
 * (current weights, decision map), taken by the clock: reading never changes the run.
 *
 * Imports only core and the protocol (zod): no Electron, Node or DOM.
 *
 * (Over 400 lines on purpose: one state machine — phases, slices, pacing, flushing — whose
 * transitions are easier to check in one file than spread across several.)
 */
import { parseExperiment, Trainer, ExperimentError, type Backend, type Experiment } from '../index';
import {
  isDrawable,
  MAX_PROGRESS_PER_SECOND,
  NETWORK_MAP_RESOLUTION,
  parseToTrainer,
  type ErrorMsg,
  type FromTrainer,
  type StatusMsg,
  type ToTrainer,
  type TrainerPhase,
  isFinalPhase,
} from '../contract/protocol';
import { host } from './host';

export interface TrainerServiceOptions {
  /** Sends a message to the UI. */
  post(message: FromTrainer): void;
  /** Every status the UI is sent, also handed to the host (the Electron main process tracks runs by it). */
  onStatus?(status: StatusMsg): void;
  /** Milliseconds, monotonic. */
  now?(): number;
  /** Runs `fn` after pending messages have been handled. */
  yieldThen?(fn: () => void): void;
  /** Runs `fn` after `ms` milliseconds (only used under a speed cap). */
  delay?(fn: () => void, ms: number): void;
  /** Training time per slice before yielding. */
  sliceMs?: number;
  /** Minimum time between progress messages. */
  progressIntervalMs?: number;
  /** Minimum time between periodic live-view snapshots (pause, end and `requestSnapshot` always get one). */
  snapshotIntervalMs?: number;
  /**
   * A backend for a run, or undefined for the trainer's default: the Node hosts lend kernel threads
   * (node/kernel-threads.ts leaseKernelThreads). Closed when the next run starts or the service is disposed.
   */
  backendFor?(experiment: Experiment): (Backend & { close(): unknown }) | undefined;
}

const DEFAULT_GRID = 48;
/** An explained step records every batch row up to this many, so the UI can show any sample of a small batch. */
const MAX_RECORDED_ROWS = 256;
/** Steps per `Trainer.run` call start small and adapt so one call takes about a millisecond. */
const MAX_CHUNK = 1 << 20;
/** Longest gap between two paced `step` commands that still counts as one run of training (1 step/s = 1000 ms). */
const PACED_GAP_MS = 2500;
/** Shortest span steps/s is measured over. */
const RATE_WINDOW_MS = 500;

type Timer = (fn: () => void) => void;

/** setImmediate where it exists (Node, utility process), else a MessageChannel tick (browsers clamp setTimeout to 4 ms). */
function defaultYield(): Timer {
  const g = host;
  if (typeof g.setImmediate === 'function') return (fn) => void g.setImmediate!(fn);
  if (typeof g.MessageChannel === 'function') {
    const queue: (() => void)[] = [];
    const ch = new g.MessageChannel();
    ch.port1.onmessage = () => queue.shift()?.();
    return (fn) => {
      queue.push(fn);
      ch.port2.postMessage(null);
    };
  }
  return (fn) => void host.setTimeout(fn, 0);
}

export class TrainerService {
  private readonly post: (m: FromTrainer) => void;
  private readonly onStatus: ((s: StatusMsg) => void) | undefined;
  private readonly now: () => number;
  private readonly yieldThen: Timer;
  private readonly delay: (fn: () => void, ms: number) => void;
  private readonly sliceMs: number;
  private readonly progressIntervalMs: number;
  private readonly snapshotIntervalMs: number;

  private trainer: Trainer | null = null;
  private readonly backendFor: TrainerServiceOptions['backendFor'];
  /** The backend backendFor lent the current run, if any. */
  private lent: (Backend & { close(): unknown }) | null = null;
  private phase: TrainerPhase = 'idle';
  /** Steps left of a `step(n)` request; null while free-running. */
  private budget: number | null = null;
  private scheduled = false;
  private disposed = false;
  private chunk = 1;

  private losses = new Float64Array(4096);
  private lossCount = 0;
  private lossFromStep = 0;
  private testSent = 0;
  /** History entries already sent. */
  private historySent = 0;
  private lastFlush = 0;
  private rateStep = 0;
  private rateTime = 0;
  private stepsPerSecond = 0;
  private lastBudgetEnd = -Infinity;
  private rateFresh = true;

  private snapshotEvery = 1;
  private nextSnapshotStep = 1;
  private lastSnapshot = -Infinity;
  private gridResolution = DEFAULT_GRID;

  /** Speed cap: steps a second, counted from speedT0 (reset whenever training (re)starts). */
  private speed: number | null = null;
  private speedT0 = 0;
  private speedDone = 0;

  constructor(options: TrainerServiceOptions) {
    this.post = options.post;
    this.onStatus = options.onStatus;
    this.now = options.now ?? (() => host.performance.now());
    this.yieldThen = options.yieldThen ?? defaultYield();
    this.delay = options.delay ?? ((fn, ms) => void host.setTimeout(fn, ms));
    this.sliceMs = options.sliceMs ?? 12;
    this.progressIntervalMs = options.progressIntervalMs ?? Math.ceil(1000 / MAX_PROGRESS_PER_SECOND);
    this.snapshotIntervalMs = options.snapshotIntervalMs ?? 100;
    this.backendFor = options.backendFor;
  }

  get currentPhase(): TrainerPhase {
    return this.phase;
  }

  /** Handles one raw message from the UI. Never throws: every problem goes back as an `error`. */
  handle(raw: unknown): void {
    if (this.disposed) return;
    const parsed = parseToTrainer(raw);
    if (!parsed.ok) {
      this.post(parsed.error);
      return;
    }
    const msg = parsed.message;
    try {
      this.dispatch(msg);
    } catch (e) {
      this.fail(msg, e);
    }
  }

  /** Stops scheduling; the host is going away. */
  dispose(): void {
    this.disposed = true;
    this.releaseBackend();
  }

  private releaseBackend(): void {
    void this.lent?.close();
    this.lent = null;
  }

  private dispatch(msg: ToTrainer): void {
    if (msg.type === 'start') return this.start(msg);
    const t = this.trainer;
    if (!t) return this.reject(msg, 'no experiment has been started yet; send "start" first');
    const final = isFinalPhase(this.phase);
    switch (msg.type) {
      case 'pause':
        if (final) return this.reject(msg, `the run has ${this.phase}; nothing to pause`);
        if (this.phase === 'running') this.halt('paused');
        else this.status();
        return;
      case 'resume':
        if (final) return this.reject(msg, `the run has ${this.phase}; send "reset" to train again`);
        this.budget = null;
        if (this.phase !== 'running') this.go();
        else this.status();
        return;
      case 'step':
        if (final) return this.reject(msg, `the run has ${this.phase}; send "reset" to train again`);
        if (msg.explain) return this.explainStep(t, msg.explain.sample);
        this.budget = msg.count;
        if (this.phase !== 'running') this.go();
        return;
      case 'reset':
        t.reset();
        this.budget = null;
        this.clearProgress(0);
        this.nextSnapshotStep = this.snapshotEvery;
        this.phase = 'paused';
        this.status();
        this.snapshot(true);
        return;
      case 'stop':
        if (final) return this.status();
        this.halt('stopped');
        return;
      case 'setLearningRate':
        t.learningRate = msg.learningRate;
        this.status();
        return;
      case 'requestSnapshot':
        this.flush();
        this.snapshot(msg.grid ?? true);
        return;
      case 'setSpeed':
        this.speed = msg.stepsPerSecond;
        this.restartSpeedClock();
        this.status();
        if (this.phase === 'running') this.schedule();
        return;
      case 'predict': {
        const inputs = t.shape.inputs;
        const bad = msg.points.findIndex((p) => p.length !== inputs);
        if (bad >= 0) return this.reject(msg, `points[${bad}] must have ${inputs} numbers, one per input`);
        this.post({ type: 'prediction', id: msg.id, outputs: t.predict(msg.points) });
        return;
      }
    }
  }

  private start(msg: Extract<ToTrainer, { type: 'start' }>): void {
    const parsed = parseExperiment(msg.experiment);
    if (!parsed.ok) {
      this.post({ type: 'error', message: `invalid experiment: ${parsed.message}`, issues: parsed.issues, inReplyTo: 'start', ...this.idOf(msg) });
      return;
    }
    const exp: Experiment = parsed.experiment;
    // The UI keeps its own loss series from the progress messages; no second copy here.
    // The last run's backend goes with it: its trainer is replaced here and never used again.
    this.releaseBackend();
    this.lent = this.backendFor?.(exp) ?? null;
    const trainer = new Trainer(exp, { recordLosses: false, ...(this.lent ? { backend: this.lent } : {}) });
    this.trainer = trainer;
    this.budget = null;
    this.chunk = 1;
    this.clearProgress(0);
    this.snapshotEvery = msg.snapshotEvery ?? Math.max(1, Math.ceil(exp.steps / 100));
    this.nextSnapshotStep = this.snapshotEvery;
    this.gridResolution = msg.gridResolution ?? DEFAULT_GRID;
    this.lastSnapshot = -Infinity;
    this.phase = 'paused';
    if (msg.paused) this.status();
    this.snapshot(true);
    if (!msg.paused) this.go();
  }

  /** One step through `stepExplained`: its explanation first, then progress, snapshot and status as any step's. */
  private explainStep(t: Trainer, sample: number): void {
    this.budget = null;
    this.reserve(1);
    const before = t.step;
    const explanation = t.stepExplained(sample, { out: this.losses, offset: this.lossCount, recordRows: MAX_RECORDED_ROWS });
    this.lossCount += t.step - before;
    if (explanation) this.post({ type: 'explanation', explanation });
    this.halt(t.finished ? (t.status === 'diverged' ? 'diverged' : 'completed') : 'paused');
  }

  private restartSpeedClock(): void {
    this.speedT0 = this.now();
    this.speedDone = 0;
  }

  private go(): void {
    this.restartSpeedClock();
    this.phase = 'running';
    // Paced stepping (the UI's 1–1000 steps/s send `step` commands) keeps one rate window across the
    // commands, so steps/s is the rate the class sees rather than 0 (or a single step's burst speed).
    const paced = this.budget !== null && this.now() - this.lastBudgetEnd < PACED_GAP_MS;
    if (!paced) {
      this.rateStep = this.trainer!.step;
      this.rateTime = this.now();
      this.rateFresh = true;
    }
    this.status();
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.disposed) return;
    this.scheduled = true;
    this.yieldThen(this.slice);
  }

  private readonly slice = (): void => {
    this.scheduled = false;
    const t = this.trainer;
    if (this.disposed || !t || this.phase !== 'running') return;
    try {
      this.runSlice(t);
    } catch (e) {
      this.fail(null, e);
    }
  };

  private runSlice(t: Trainer): void {
    const deadline = this.now() + this.sliceMs;
    // Under a speed cap, only the steps due by now; if none are, wait for the next one.
    let allowed = Infinity;
    if (this.speed !== null) {
      const elapsed = this.now() - this.speedT0;
      allowed = Math.floor((elapsed * this.speed) / 1000) - this.speedDone;
      if (allowed <= 0) {
        this.scheduled = true;
        this.delay(this.slice, Math.max(1, ((this.speedDone + 1) * 1000) / this.speed - elapsed));
        return;
      }
    }
    for (;;) {
      let n = Math.min(this.chunk, this.nextSnapshotStep - t.step, allowed);
      if (this.budget !== null) n = Math.min(n, this.budget);
      n = Math.max(1, n);
      this.reserve(n);
      const t0 = this.now();
      const done = t.run(n, this.losses, this.lossCount);
      const dt = this.now() - t0;
      this.lossCount += done;
      allowed -= done;
      this.speedDone += done;
      if (this.budget !== null) this.budget -= done;
      if (done === n && dt < 0.5 && this.chunk < MAX_CHUNK) this.chunk *= 2;
      else if (dt > 2 && this.chunk > 1) this.chunk >>= 1;

      if (t.finished || this.budget === 0 || allowed <= 0) break;
      if (t.step >= this.nextSnapshotStep) this.periodicSnapshot(t.step);
      if (this.now() >= deadline) break;
    }

    const now = this.now();
    if (t.finished) {
      this.halt(t.status === 'diverged' ? 'diverged' : 'completed');
      return;
    }
    if (this.budget === 0) {
      this.budget = null;
      this.lastBudgetEnd = now;
      this.halt('paused', true);
      return;
    }
    if (now - this.lastFlush >= this.progressIntervalMs) this.flush();
    this.schedule();
  }

  /** At an exact multiple of snapshotEvery; skipped (not deferred) when the last one was too recent. */
  private periodicSnapshot(step: number): void {
    while (this.nextSnapshotStep <= step) this.nextSnapshotStep += this.snapshotEvery;
    if (this.now() - this.lastSnapshot >= this.snapshotIntervalMs) this.snapshot(true);
  }

  /** Leaves `running` (or ends the run): every loss so far, then a snapshot, then the status. */
  private halt(phase: TrainerPhase, budgetEnd = false): void {
    this.phase = phase;
    this.flush();
    if (!budgetEnd) this.stepsPerSecond = 0;
    this.snapshot(true);
    this.status();
  }

  private reserve(n: number): void {
    if (this.lossCount + n <= this.losses.length) return;
    // Rare: only when a progress interval holds more steps than the buffer (very fast runs).
    let size = this.losses.length * 2;
    while (size < this.lossCount + n) size *= 2;
    const bigger = new Float64Array(size);
    bigger.set(this.losses.subarray(0, this.lossCount));
    this.losses = bigger;
  }

  private clearProgress(step: number): void {
    this.lossCount = 0;
    this.lossFromStep = step;
    this.testSent = 0;
    this.historySent = 0;
    this.stepsPerSecond = 0;
  }

  private flush(): void {
    const t = this.trainer;
    if (!t) return;
    const now = this.now();
    this.lastFlush = now;
    const tests = t.testLosses();
    const newTests = tests.slice(this.testSent);
    if (this.lossCount === 0 && newTests.length === 0) return this.sendHistory(t);
    if (t.step !== this.rateStep) {
      // The first flush after a (re)start holds the first command's burst, not a rate: it only anchors the
      // window. After that the rate is measured over at least RATE_WINDOW_MS, so paced steps arriving on a
      // jittery timer average out.
      if (this.rateFresh || now - this.rateTime >= RATE_WINDOW_MS) {
        if (!this.rateFresh) this.stepsPerSecond = ((t.step - this.rateStep) * 1000) / (now - this.rateTime);
        this.rateFresh = false;
        this.rateStep = t.step;
        this.rateTime = now;
      }
    }
    this.post({
      type: 'progress',
      fromStep: this.lossFromStep,
      losses: this.losses.slice(0, this.lossCount),
      testLosses: newTests,
      step: t.step,
      learningRate: t.learningRate,
      stepsPerSecond: this.stepsPerSecond,
    });
    this.testSent = tests.length;
    this.lossFromStep += this.lossCount;
    this.lossCount = 0;
    this.sendHistory(t);
  }

  /** Every history entry recorded since the last message (after the losses they describe). */
  private sendHistory(t: Trainer): void {
    const count = t.history?.count ?? 0;
    if (count <= this.historySent) return;
    this.post({ type: 'history', from: this.historySent, entries: t.historyEntries(this.historySent) });
    this.historySent = count;
  }

  private snapshot(withGrid: boolean): void {
    const t = this.trainer;
    if (!t) return;
    this.lastSnapshot = this.now();
    // Just before the snapshot it goes with, so a UI that waits for the snapshot has the network too.
    if (withGrid) this.network(t);
    this.post({ type: 'snapshot', step: t.step, metrics: t.metrics(), grid: withGrid ? t.predictGrid(this.gridResolution) : null });
  }

  /** The network diagram's data, with every full snapshot (so throttled as they are), for nets small enough to draw. */
  private network(t: Trainer): void {
    if (!isDrawable(t.shape.inputs, t.experiment.layers.map((l) => l.units))) return;
    this.post({ type: 'network', step: t.step, params: t.params(), activations: t.activationGrid(NETWORK_MAP_RESOLUTION) });
  }

  private status(): void {
    const t = this.trainer;
    const msg: StatusMsg = {
      type: 'status',
      phase: this.phase,
      step: t?.step ?? 0,
      totalSteps: t?.experiment.steps ?? 0,
      learningRate: t?.learningRate ?? 0,
      divergedAtStep: t?.divergedAtStep ?? null,
      speedLimit: this.speed,
    };
    if (this.phase === 'diverged' && t) msg.message = `loss became non-finite at step ${t.divergedAtStep} (learning rate ${t.learningRate})`;
    if (this.phase === 'completed' && t) msg.message = `completed ${t.step} steps`;
    this.post(msg);
    this.onStatus?.(msg);
  }

  private idOf(msg: { id?: number | undefined }): { id?: number } {
    return msg.id === undefined ? {} : { id: msg.id };
  }

  private reject(msg: ToTrainer, message: string): void {
    this.post({ type: 'error', message: `${msg.type}: ${message}`, inReplyTo: msg.type, ...this.idOf(msg) });
  }

  /** An exception inside the loop is a bug or an impossible experiment; report it and stop this run cleanly. */
  private fail(msg: ToTrainer | null, e: unknown): void {
    const err: ErrorMsg = { type: 'error', message: e instanceof Error ? e.message : String(e) };
    if (e instanceof ExperimentError) err.issues = e.issues;
    if (msg) {
      err.inReplyTo = msg.type;
      Object.assign(err, this.idOf(msg));
    }
    this.post(err);
    if (this.trainer && this.phase === 'running') {
      this.phase = 'stopped';
      this.status();
    }
  }
}
