/**
 * Collects what a trainer sends about one run into the record nnlab saves. Transport-independent,
 * so the renderer can keep its run data with it, and the main-process tests use it as "the UI".
 * When the trainer dies, what has arrived so far is the run's data: `fail` marks it and keeps it.
 */
import type { ExperimentInput, HistoryEntry } from '../index';
import { isFinalPhase, parseFromTrainer, type ErrorMsg, type FromTrainer, type SnapshotMsg, type TrainerPhase } from '../contract/protocol';
import { RUN_FILE_FORMAT, RUN_FILE_VERSION, type SavedRunData } from '../contract/run-file';

export class RunRecorder {
  phase: TrainerPhase | 'failed' = 'idle';
  failure: string | null = null;
  step = 0;
  learningRate: number;
  divergedAtStep: number | null = null;
  lastSnapshot: SnapshotMsg | null = null;
  readonly errors: ErrorMsg[] = [];
  readonly testLosses: [number, number][] = [];
  /** The run's step-scheduled history, as received. */
  readonly history: HistoryEntry[] = [];
  /** Live learning-rate changes: the first step trained with each new rate. */
  readonly learningRateChanges: { step: number; learningRate: number }[] = [];
  readonly startedAt = new Date();
  endedAt: Date | null = null;
  private buf = new Float64Array(1024);
  private count = 0;

  constructor(
    readonly id: string,
    readonly experiment: ExperimentInput,
    readonly name = experiment.name ?? 'untitled',
  ) {
    this.learningRate = experiment.learningRate;
  }

  /** Losses so far (a view; copy it to keep it past the next message). */
  get losses(): Float64Array {
    return this.buf.subarray(0, this.count);
  }

  /** Validates and applies one message from the trainer; returns it, or the validation error. */
  receive(raw: unknown): FromTrainer {
    const parsed = parseFromTrainer(raw);
    const msg = parsed.ok ? parsed.message : parsed.error;
    this.apply(msg);
    return msg;
  }

  apply(msg: FromTrainer): void {
    switch (msg.type) {
      case 'progress': {
        // fromStep below the current count means a reset: the series restarts there.
        const end = msg.fromStep + msg.losses.length;
        if (end > this.buf.length) {
          const bigger = new Float64Array(Math.max(end, this.buf.length * 2));
          bigger.set(this.buf.subarray(0, Math.min(this.count, msg.fromStep)));
          this.buf = bigger;
        }
        this.buf.set(msg.losses, msg.fromStep);
        this.count = end;
        if (msg.fromStep === 0) this.testLosses.length = 0;
        for (const p of msg.testLosses) this.testLosses.push(p);
        if (msg.fromStep === 0) this.learningRateChanges.length = 0;
        const last = this.learningRateChanges.at(-1)?.learningRate ?? this.experiment.learningRate;
        if (msg.learningRate !== last && Number.isFinite(msg.learningRate)) this.learningRateChanges.push({ step: msg.fromStep, learningRate: msg.learningRate });
        this.step = msg.step;
        this.learningRate = msg.learningRate;
        return;
      }
      case 'history':
        this.history.length = Math.min(this.history.length, msg.from);
        for (const e of msg.entries) this.history.push(e);
        return;
      case 'snapshot':
        this.lastSnapshot = msg;
        return;
      case 'status':
        if (this.phase === 'failed') return;
        this.phase = msg.phase;
        this.step = msg.step;
        this.learningRate = msg.learningRate;
        this.divergedAtStep = msg.divergedAtStep;
        if (msg.step === 0) {
          this.count = 0;
          this.testLosses.length = 0;
          this.history.length = 0;
          this.learningRateChanges.length = 0;
        }
        this.endedAt = isFinalPhase(msg.phase) ? new Date() : null;
        return;
      case 'error':
        this.errors.push(msg);
        return;
    }
  }

  /** The trainer is gone mid-run: the run failed, with the data received so far. */
  fail(reason: string): void {
    if (this.phase !== 'idle' && isFinalPhase(this.phase as TrainerPhase)) return;
    this.phase = 'failed';
    this.failure = reason;
    this.endedAt = new Date();
  }

  get finished(): boolean {
    return this.phase === 'failed' || (this.phase !== 'idle' && isFinalPhase(this.phase));
  }

  toSavedRun(): SavedRunData {
    const phase = this.phase;
    const status = phase === 'failed' || phase === 'completed' || phase === 'diverged' ? phase : 'stopped';
    return {
      format: RUN_FILE_FORMAT,
      version: RUN_FILE_VERSION,
      id: this.id,
      name: this.name,
      experiment: this.experiment,
      status,
      failure: this.failure,
      startedAt: this.startedAt.toISOString(),
      endedAt: (this.endedAt ?? new Date()).toISOString(),
      steps: this.count,
      losses: Array.from(this.losses),
      testLosses: this.testLosses.map(([s, l]) => [s, l]),
      divergedAtStep: this.divergedAtStep,
      learningRate: this.learningRate,
      history: this.history.slice(),
      learningRateChanges: this.learningRateChanges.map((c) => ({ ...c })),
    };
  }
}
