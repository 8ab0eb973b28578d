/**
 * Sweeps in the app: the axes picked in the Sweep panel over the draft experiment, run on the host's
 * worker pool (core/service/sweep-runner.ts), and the runs as they end. Any run opens in the lab
 * replayed from its experiment (a fresh trainer run records every view by step, so nothing is lost
 * by not keeping its history). The same pool runs Compare's paired seeds: N seeds per init scheme.
 */
import type { StateCreator } from 'zustand/vanilla';
import { WEIGHT_SCHEMES, type Experiment } from '../../../../core';
import type { SweepRun } from '../../../../core/contract/sweep';
import { runSweep, type SweepProgress, type SweepWorkerFactory } from '../../../../core/service/sweep-runner';
import { parseSweep, type AxisValue, type SweepPoint } from '../../../../core/sweep';
import type { RunResult } from '../../../../core/types';
import { fmtRate } from '../../format';
import { draftFromExperiment, INIT_LABEL } from '../draft';
import { parseAxisText, valueLabel, type SweepRow } from '../sweep-results';
import type { LabState } from '../store';

export type SweepPhase = 'idle' | 'running' | 'done' | 'stopped';

export interface SweepState {
  /** Axis name → the values as typed, for the axes picked (in the order picked: the grid's order). */
  axes: Record<string, string>;
  phase: SweepPhase;
  /** Why the last Run was refused (the sweep parser's message, naming the axis). */
  error: string | null;
  progress: SweepProgress | null;
  /** The grid of the running or last sweep. */
  points: SweepPoint[];
  axisValues: Record<string, AxisValue[]>;
  /** Runs that have ended, in grid order. */
  runs: SweepRow[];
  workers: number;
  seconds: number | null;
}

export interface SeedControl {
  phase: SweepPhase;
  seeds: number[];
  total: number;
  runs: SweepRow[];
}

export interface SweepSlice {
  sweep: SweepState;
  /** Seeds per init scheme when comparing init schemes (1: just the three live runs). */
  compareSeeds: number;
  seedControl: SeedControl | null;
  /** Picks an axis (text of its values) or drops it (null). */
  setSweepAxis(name: string, text: string | null): void;
  startSweep(): void;
  cancelSweep(): void;
  /** Opens grid point `index` of the last sweep in the lab, replayed from its experiment. */
  openSweepRun(index: number): void;
  setCompareSeeds(n: number): void;
  /** Compare's control: every init scheme over `compareSeeds` seeds from the experiment's own. */
  runSeedControl(experiment: Experiment): void;
}

export const MAX_COMPARE_SEEDS = 20;

export const EMPTY_SWEEP: SweepState = {
  axes: { learningRate: '1e-6, 1e-5, 1e-4', 'init.weights': 'standard-normal, xavier, he' },
  phase: 'idle',
  error: null,
  progress: null,
  points: [],
  axisValues: {},
  runs: [],
  workers: 0,
  seconds: null,
};

const rowOf = (run: SweepRun, result: RunResult | undefined): SweepRow => ({ ...run, firstLoss: result?.losses[0] ?? null });
const byIndex = (a: SweepRow, b: SweepRow) => a.index - b.index;

export const createSweepSlice =
  (pool: { createWorker: SweepWorkerFactory; workers: number } | null): StateCreator<LabState, [], [], SweepSlice> =>
  (set, get) => {
    let sweepAbort: AbortController | null = null;
    let controlAbort: AbortController | null = null;
    /** Callbacks of a sweep that was replaced are ignored. */
    let sweepGen = 0;
    let controlGen = 0;
    const patch = (p: Partial<SweepState>) => set({ sweep: { ...get().sweep, ...p } });

    return {
      sweep: { ...EMPTY_SWEEP, workers: pool?.workers ?? 0 },
      compareSeeds: 1,
      seedControl: null,

      setSweepAxis(name, text) {
        const axes = { ...get().sweep.axes };
        if (text === null) delete axes[name];
        else axes[name] = text;
        patch({ axes, error: null });
      },

      startSweep() {
        if (!pool) return patch({ error: 'Sweeps need a worker pool, which this build does not have; run them with `nnlab sweep`.' });
        if (get().sweep.phase === 'running') return;
        const v = get().validation;
        if (!v.ok) return patch({ error: `The experiment in the controls is not valid: ${v.message}` });
        const axes = Object.fromEntries(Object.entries(get().sweep.axes).map(([k, t]) => [k, parseAxisText(t)]));
        const parsed = parseSweep({ version: 1, kind: 'sweep', base: v.experiment, axes });
        if (!parsed.ok) return patch({ error: parsed.message });
        const gen = ++sweepGen;
        sweepAbort = new AbortController();
        const workers = Math.min(pool.workers, parsed.points.length);
        patch({ phase: 'running', error: null, progress: null, points: parsed.points, axisValues: parsed.sweep.axes, runs: [], workers, seconds: null });
        void runSweep(parsed.points, {
          workers,
          createWorker: pool.createWorker,
          // The first loss tells a dead run from one that learned; the result is dropped once read, so
          // its history is not recorded (opening a run replays it from its experiment).
          keepResults: true,
          keepHistory: false,
          signal: sweepAbort.signal,
          onProgress: (progress) => {
            if (gen === sweepGen) patch({ progress });
          },
          onRun: (run, result) => {
            if (gen === sweepGen) patch({ runs: [...get().sweep.runs, rowOf(run, result)].sort(byIndex) });
          },
        }).then((res) => {
          if (gen !== sweepGen) return;
          const stopped = sweepAbort?.signal.aborted ?? false;
          sweepAbort = null;
          // Stopped runs come only in the results: the table marks them too.
          const ended = new Set(get().sweep.runs.map((r) => r.index));
          const rest = res.runs.filter((r) => !ended.has(r.index)).map((r) => rowOf(r, undefined));
          patch({ phase: stopped ? 'stopped' : 'done', runs: [...get().sweep.runs, ...rest].sort(byIndex), seconds: res.timing.seconds });
        });
      },

      cancelSweep() {
        sweepAbort?.abort();
      },

      openSweepRun(index) {
        const point = get().sweep.points.find((p) => p.index === index);
        if (!point) return;
        const label = `Sweep #${index} · ${Object.entries(point.params)
          .map(([k, v]) => `${k} ${k === 'init.weights' && typeof v === 'string' ? (INIT_LABEL[v as keyof typeof INIT_LABEL] ?? v) : k === 'learningRate' && typeof v === 'number' ? fmtRate(v) : valueLabel(v)}`)
          .join(' · ')}`;
        get().openExperiment(point.experiment, label);
        // The controls show the run's experiment, so Train and Step go on with it.
        get().replaceDraft(draftFromExperiment(point.experiment, get().draft.presetId));
      },

      setCompareSeeds(n) {
        set({ compareSeeds: Math.max(1, Math.min(MAX_COMPARE_SEEDS, Math.floor(n) || 1)) });
      },

      runSeedControl(experiment) {
        controlAbort?.abort();
        controlAbort = null;
        const n = get().compareSeeds;
        if (!pool || n <= 1) return set({ seedControl: null });
        const seeds = Array.from({ length: n }, (_, i) => experiment.seed + i);
        const parsed = parseSweep({ version: 1, kind: 'sweep', base: experiment, axes: { 'init.weights': [...WEIGHT_SCHEMES], seed: seeds } });
        if (!parsed.ok) return set({ seedControl: null, notice: `Paired seeds could not run: ${parsed.message}` });
        const gen = ++controlGen;
        const abort = new AbortController();
        controlAbort = abort;
        set({ seedControl: { phase: 'running', seeds, total: parsed.points.length, runs: [] } });
        const update = (p: Partial<SeedControl>) => {
          const s = get().seedControl;
          if (gen === controlGen && s) set({ seedControl: { ...s, ...p } });
        };
        void runSweep(parsed.points, {
          workers: Math.min(pool.workers, parsed.points.length),
          createWorker: pool.createWorker,
          keepResults: true,
          keepHistory: false,
          signal: abort.signal,
          onRun: (run, result) => update({ runs: [...(get().seedControl?.runs ?? []), rowOf(run, result)].sort(byIndex) }),
        }).then(() => update({ phase: abort.signal.aborted ? 'stopped' : 'done' }));
      },
    };
  };
