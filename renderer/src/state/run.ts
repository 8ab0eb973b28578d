/**
 * One run as the lab holds it, and how a trainer message folds into it. Pure (no store, no timers), so the
 * runs slice and the host slice share one definition. A new per-run record (say, a history on a step
 * schedule) is a field on `Run`, its allocation in `blankRun`, its fold in `foldTrainerMessage`, and its
 * clearing in `clearForReset`.
 */
import type { Experiment, HistoryEntry, HistoryHistogram, MetricsSnapshot, PredictionGrid, UpdateExplanation, WeightScheme } from '../../../core';
import type { SavedRun } from '../../../core/contract/api';
import { historyValue, type SavedHistogram, type SavedHistoryEntry } from '../../../core/contract/run-file';
import { isFinalPhase, type FromTrainer, type NetworkMsg, type TrainerPhase } from '../../../core/contract/protocol';
import type { RunRecorder } from '../../../core/service/run-recorder';
import type { RunChannel } from '../host/types';
import { MinMaxSeries, ThinnedHistory } from './series';

export type RunPhase = TrainerPhase | 'starting' | 'failed';
export type CompareAxis = 'scheme' | 'optimizer';

export interface Run {
  readonly id: number;
  readonly label: string;
  readonly experiment: Experiment;
  readonly scheme: WeightScheme | null;
  /** Compare group this run belongs to, if any. */
  readonly group: number | null;
  /** What its compare group varies (its colour follows it): the init scheme, or the optimiser. */
  readonly varies: CompareAxis | null;
  phase: RunPhase;
  step: number;
  totalSteps: number;
  lastLoss: number;
  stepsPerSecond: number;
  learningRate: number;
  divergedAtStep: number | null;
  message: string | null;
  error: string | null;
  readonly loss: MinMaxSeries;
  readonly testLoss: MinMaxSeries;
  readonly metrics: ThinnedHistory<MetricsSnapshot>;
  /** The step-scheduled history (core/history.ts) as received: what every view draws over steps. */
  history: HistoryEntry[];
  /** Where the learning rate changed during the run, for the loss chart's marks. */
  learningRateChanges: { step: number; learningRate: number }[];
  grid: PredictionGrid | null;
  /** Predicted class per training point (2-D class data), refreshed with each grid. */
  pointClasses: Int32Array | null;
  /** Outputs for the experiment's testPoints, refreshed with each grid. */
  testPointOutputs: number[][] | null;
  /** The last explained step (Step / →), until the next one or a reset. */
  explanation: UpdateExplanation | null;
  /** Weights, biases and activation maps for the network diagram, with the latest snapshot (small nets only). */
  network: NetworkMsg | null;
  channel: RunChannel | null;
  /** Why the trainer went away mid-run (crashed, killed); the run keeps what had arrived. */
  failure: string | null;
  /** Every loss of the run, for the desktop library (the series above are decimated). Desktop only. */
  recorder: RunRecorder | null;
  /** A run loaded from the library: its record as saved. */
  loaded: SavedRun | null;
  /** Where the finished run stands in the desktop library. */
  archived: 'saving' | 'saved' | 'not saved' | null;
}

/** Finished one way or another: no command moves it on. */
export const hasEnded = (run: Run): boolean => run.phase === 'failed' || isFinalPhase(run.phase as TrainerPhase);

/** The scheme an experiment names for its weights, or null for literal weights. */
export function schemeOf(exp: Experiment): WeightScheme | null {
  return 'weights' in exp.init && typeof exp.init.weights === 'string' ? (exp.init.weights as WeightScheme) : null;
}

export function blankRun(id: number, experiment: Experiment, label: string, scheme: WeightScheme | null, group: number | null, varies: CompareAxis | null = null): Run {
  return {
    id,
    label,
    experiment,
    scheme,
    group,
    varies,
    phase: 'starting',
    step: 0,
    totalSteps: experiment.steps,
    lastLoss: NaN,
    stepsPerSecond: 0,
    learningRate: experiment.learningRate,
    divergedAtStep: null,
    message: null,
    error: null,
    loss: new MinMaxSeries(256),
    testLoss: new MinMaxSeries(128),
    metrics: new ThinnedHistory<MetricsSnapshot>(96),
    history: [],
    learningRateChanges: [],
    grid: null,
    pointClasses: null,
    testPointOutputs: null,
    explanation: null,
    network: null,
    channel: null,
    failure: null,
    recorder: null,
    loaded: null,
    archived: null,
  };
}

/** A run from the desktop library, shown with the others; it has no trainer, so it holds all there is. */
export function runFromSaved(
  id: number,
  saved: SavedRun,
  experiment: Experiment,
  label = `Saved · ${saved.name}`,
  scheme: WeightScheme | null = schemeOf(experiment),
  group: number | null = null,
  varies: CompareAxis | null = null,
): Run {
  const run = blankRun(id, experiment, label, scheme, group, varies);
  const losses = Float64Array.from(saved.losses);
  run.loss.pushMany(0, losses);
  for (const [step, loss] of saved.testLosses) if (loss !== null) run.testLoss.push(step, loss);
  run.phase = saved.status;
  run.step = saved.steps;
  run.lastLoss = losses.length ? losses[losses.length - 1]! : NaN;
  run.learningRate = saved.learningRate;
  run.divergedAtStep = saved.divergedAtStep;
  run.failure = saved.status === 'failed' ? (saved.failure ?? 'the trainer stopped') : null;
  run.history = saved.history ? saved.history.map(reviveEntry) : [];
  run.learningRateChanges = saved.learningRateChanges ? saved.learningRateChanges.map(({ step, learningRate }) => ({ step, learningRate })) : [];
  run.totalSteps = Math.max(saved.steps, experiment.steps);
  run.loaded = saved;
  run.archived = 'saved';
  return run;
}

/** What a folded message asks of the store beyond the run itself. */
export interface FoldEffect {
  /** A new prediction grid arrived: the point predictions are stale. */
  grid: boolean;
  /** The trainer reached a final phase. */
  finished: boolean;
}

export function foldTrainerMessage(run: Run, msg: FromTrainer): FoldEffect {
  const effect: FoldEffect = { grid: false, finished: false };
  switch (msg.type) {
    case 'progress':
      noteLearningRate(run, msg.fromStep, msg.learningRate);
      run.loss.pushMany(msg.fromStep, msg.losses);
      for (const [step, loss] of msg.testLosses) run.testLoss.push(step, loss);
      run.step = msg.step;
      run.learningRate = msg.learningRate;
      run.stepsPerSecond = msg.stepsPerSecond;
      if (msg.losses.length) run.lastLoss = msg.losses[msg.losses.length - 1]!;
      break;
    case 'history':
      // Entries past `from` were recorded before a reset (or are being resent): these replace them.
      if (run.history.length > msg.from) run.history.length = msg.from;
      for (const e of msg.entries) run.history.push(e);
      break;
    case 'snapshot':
      run.metrics.offer(msg.metrics);
      if (msg.grid) {
        run.grid = msg.grid;
        effect.grid = true;
      }
      break;
    case 'status':
      run.phase = msg.phase;
      run.step = msg.step;
      run.totalSteps = msg.totalSteps;
      run.learningRate = msg.learningRate;
      run.divergedAtStep = msg.divergedAtStep;
      run.message = msg.message ?? null;
      // Paced training (1–1000 steps/s) pauses after every command; its rate stands until the run truly stops.
      if (msg.phase !== 'running' && msg.phase !== 'paused') run.stepsPerSecond = 0;
      effect.finished = isFinalPhase(msg.phase);
      break;
    case 'explanation':
      run.explanation = msg.explanation;
      break;
    case 'network':
      run.network = msg;
      break;
    case 'error':
      run.error = msg.issues?.length ? msg.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ') : msg.message;
      if (msg.inReplyTo === 'start' || run.phase === 'starting') run.phase = 'failed';
      break;
  }
  return effect;
}

/**
 * A learning rate that differs from the last one the run had is a live change: marked at the first step
 * trained with it (the progress message's losses start there).
 */
function noteLearningRate(run: Run, fromStep: number, learningRate: number): void {
  const last = run.learningRateChanges.length ? run.learningRateChanges[run.learningRateChanges.length - 1]!.learningRate : run.experiment.learningRate;
  if (learningRate !== last && Number.isFinite(learningRate)) run.learningRateChanges.push({ step: fromStep, learningRate });
}

/** JSON keeps NaN and ±Infinity as null; a history read from a file gets them back as NaN. */
export function reviveEntry(e: SavedHistoryEntry): HistoryEntry {
  const n = historyValue;
  const h = (x: SavedHistogram): HistoryHistogram => ({ min: n(x.min), max: n(x.max), counts: x.counts.slice(), nonFinite: x.nonFinite });
  return {
    step: e.step,
    loss: n(e.loss),
    layers: e.layers.map((l) => ({
      weightStd: n(l.weightStd),
      gradNorm: n(l.gradNorm),
      activationStd: n(l.activationStd),
      deadFraction: l.deadFraction === null ? null : n(l.deadFraction),
      saturatedFraction: l.saturatedFraction === null ? null : n(l.saturatedFraction),
      updateRatio: n(l.updateRatio),
      biasStd: l.biasStd === null ? null : n(l.biasStd),
      biasGradNorm: l.biasGradNorm === null ? null : n(l.biasGradNorm),
      weights: l.weights ? h(l.weights) : null,
      biases: l.biases ? h(l.biases) : null,
      activations: l.activations ? h(l.activations) : null,
      gradients: l.gradients ? h(l.gradients) : null,
    })),
  };
}

/** Reset: the run starts over from step 0 on the same trainer; what it had recorded is dropped. */
export function clearForReset(run: Run): void {
  run.loss.clear();
  run.testLoss.clear();
  run.metrics.clear();
  run.history = [];
  run.learningRateChanges = [];
  run.grid = null;
  run.pointClasses = null;
  run.testPointOutputs = null;
  run.explanation = null;
  run.network = null;
  run.step = 0;
  run.lastLoss = NaN;
  run.divergedAtStep = null;
  run.error = null;
}
