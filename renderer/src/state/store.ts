/**
 * The lab's single store. Data flows one way: controls call actions, actions send commands to the
 * trainer, trainer messages land here, views read from here. Trainer messages arrive up to ~30 a second
 * per run; they are folded into bounded series at once but published to React at most every
 * PUBLISH_MS, so charts re-render at a steady, low rate however fast training runs.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import {
  makeDataset,
  NumpyRandom,
  parseExperiment,
  PRESETS,
  presetById,
  type Experiment,
  type ExperimentInput,
  type MetricsSnapshot,
  type PredictionGrid,
  type WeightScheme,
} from '../../../core';
import type { ExportFormat, MenuCommand, SavedRun } from '../../../core/contract/api';
import { isFinalPhase, type FromTrainer, type TrainerPhase } from '../../../core/contract/protocol';
import { RunRecorder } from '../../../core/service/run-recorder';
import type { RunChannel, TrainerHost } from '../host/types';
import { draftFromExperiment, experimentInputOf, INIT_LABEL, validateDraft, withDataset, withScheme, type DatasetKey, type Draft, type LayerDraft, type Validation } from './draft';
import { EXPORT_LABEL, issuesText, libraryRunId, MAX_NOTICES, openFailureText, saveResultNotice, type Notice, type SavedRunEntry } from './library';
import { MinMaxSeries, ThinnedHistory } from './series';
import { parseLabFile } from './lab-file';
import { DEFAULT_VIEW, type ViewState } from './view';

export { SPEEDS, DEFAULT_VIEW, type Speed, type ViewState } from './view';
export type { Notice, SavedRunEntry } from './library';

export const PUBLISH_MS = 250;
export const MAX_RUNS = 8;
export const DEFAULT_PRESET = 'seed-004-quadrants';

export type RunPhase = TrainerPhase | 'starting' | 'failed';

/** 2-D training points for the decision map, regenerated from the experiment exactly as the trainer draws them. */
export interface PlotData {
  x: Float64Array;
  labels: Int32Array | null;
  samples: number;
  inputs: number;
  outputs: number;
  y: Float64Array;
  testRows: number;
}

export interface Run {
  readonly id: number;
  readonly label: string;
  readonly experiment: Experiment;
  readonly scheme: WeightScheme | null;
  /** Compare group this run belongs to, if any. */
  readonly group: number | null;
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
  grid: PredictionGrid | null;
  /** Predicted class per training point (2-D class data), refreshed with each grid. */
  pointClasses: Int32Array | null;
  /** Outputs for the experiment's testPoints, refreshed with each grid. */
  testPointOutputs: number[][] | null;
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

export interface Probe {
  x: number;
  y: number;
  outputs: number[] | null;
}

export interface SampleView {
  index: number;
  target: number[];
  predicted: number[] | null;
}

export interface LabState {
  draft: Draft;
  validation: Validation;
  runs: Run[];
  activeRunId: number | null;
  visibleRunIds: number[];
  view: ViewState;
  probe: Probe | null;
  sample: SampleView | null;
  /** Bumped on every publish; views derive their data from the runs when it changes. */
  tick: number;
  notice: string | null;
  /** Messages for the user from files and the library (opened, saved, set aside), newest last. */
  notices: Notice[];
  /** Runs in the desktop library, newest first; null where there is no library (the browser). */
  savedRuns: SavedRunEntry[] | null;
  /** True while slow speeds are paced from the UI (the trainer is between single steps, but the lab is training). */
  pacing: boolean;
}

export interface LabActions {
  setField<K extends 'learningRate' | 'seed' | 'steps' | 'batchSize' | 'init' | 'bias' | 'loss' | 'outputActivation'>(key: K, value: Draft[K]): void;
  choosePreset(id: string): void;
  chooseDataset(kind: DatasetKey): void;
  setLayer(index: number, patch: Partial<LayerDraft>): void;
  addLayer(): void;
  removeLayer(index: number): void;
  train(): void;
  pause(): void;
  step(): void;
  reset(): void;
  compareInitSchemes(): void;
  toggleRunVisible(id: number): void;
  setView(patch: Partial<ViewState>): void;
  probeAt(x: number, y: number): void;
  showSample(index: number): void;
  saveLab(): string;
  openLab(text: string): { ok: true } | { ok: false; message: string };
  dismissNotice(id: number): void;
  /** File ▸ New: a fresh experiment in the editor (runs stay for comparison). */
  newExperiment(): void;
  /** Loads an experiment (File ▸ Open) into the editor, as written. */
  loadExperiment(input: ExperimentInput, source: string): void;
  /** The active run as the library keeps it, or null when there is none. */
  savedRunOf(runId?: number | null): SavedRun | null;
  /** Desktop only: answers a File-menu command. */
  menu(command: MenuCommand): Promise<void>;
  exportRun(format: ExportFormat): Promise<void>;
  saveExperimentAs(): Promise<void>;
  /** Desktop only: the library's runs and any files it set aside. */
  refreshLibrary(): Promise<void>;
  /** Desktop only: adds a saved run to the runs panel, shown with the others for comparison. */
  loadSavedRun(id: string): Promise<void>;
  /** Publishes pending trainer updates now (tests; the timer does it otherwise). */
  flush(): void;
  dispose(): void;
}

export type LabStore = StoreApi<LabState & LabActions>;

export function plotDataOf(exp: Experiment): PlotData {
  const d = makeDataset(exp.data, new NumpyRandom(exp.seed));
  const testRows = Math.floor(d.samples * (exp.testFraction ?? 0));
  return { x: d.x, y: d.y, labels: d.labels, samples: d.samples, inputs: d.inputs, outputs: d.outputs, testRows };
}

const plotCache = new WeakMap<Experiment, PlotData>();
export function plotData(exp: Experiment): PlotData {
  let p = plotCache.get(exp);
  if (!p) {
    p = plotDataOf(exp);
    plotCache.set(exp, p);
  }
  return p;
}

/** Experiments equal apart from the learning rate (which can change live) train the same run. */
function sameRun(a: Experiment, b: Experiment): boolean {
  return JSON.stringify({ ...a, learningRate: 0 }) === JSON.stringify({ ...b, learningRate: 0 });
}

const argmaxRows = (rows: number[][]): Int32Array => {
  const out = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    let best = 0;
    for (let j = 1; j < r.length; j++) if (r[j]! > r[best]!) best = j;
    out[i] = best;
  });
  return out;
};

export function createLabStore(host: TrainerHost, initialPreset = DEFAULT_PRESET): LabStore {
  let nextRunId = 1;
  let nextGroup = 1;
  let publishTimer: ReturnType<typeof setTimeout> | null = null;
  let paceTimer: ReturnType<typeof setInterval> | null = null;
  let dirty = false;
  let nextNoticeId = 1;
  const desktop = host.desktop ?? null;
  let unsubscribeMenu: (() => void) | null = null;

  const preset = presetById(initialPreset) ?? PRESETS[0]!;
  const draft0 = draftFromExperiment(preset.experiment, preset.id);

  const store = createStore<LabState & LabActions>()((set, get) => {
    const publish = () => {
      if (publishTimer) {
        clearTimeout(publishTimer);
        publishTimer = null;
      }
      if (!dirty) return;
      dirty = false;
      set((s) => ({ tick: s.tick + 1 }));
    };
    const schedule = () => {
      dirty = true;
      if (!publishTimer) publishTimer = setTimeout(publish, PUBLISH_MS);
    };

    const runById = (id: number | null) => get().runs.find((r) => r.id === id) ?? null;
    const active = () => runById(get().activeRunId);

    const setDraft = (draft: Draft) => {
      const validation = validateDraft(draft);
      set({ draft, validation });
      // A new valid learning rate reaches a live run at once: that is the lesson of the slider.
      if (validation.ok) {
        const lr = validation.experiment.learningRate;
        for (const r of runsInFocus()) {
          if (r.channel && !isFinalPhase(r.phase as TrainerPhase) && r.learningRate !== lr) r.channel.send({ type: 'setLearningRate', learningRate: lr });
        }
      }
    };

    /** The active run, or the whole compare group it belongs to. */
    const runsInFocus = (): Run[] => {
      const a = active();
      if (!a) return [];
      if (a.group === null) return [a];
      return get().runs.filter((r) => r.group === a.group);
    };

    const refreshPredictions = (run: Run) => {
      if (!run.channel || !run.grid) return;
      const exp = run.experiment;
      const data = plotData(exp);
      const points: number[][] = [];
      if (data.inputs === 2 && data.labels) for (let i = 0; i < data.samples; i++) points.push([data.x[2 * i]!, data.x[2 * i + 1]!]);
      const tp = exp.testPoints ?? [];
      if (points.length + tp.length === 0) return;
      const channel = run.channel;
      channel
        .predict([...points, ...tp])
        .then((out) => {
          if (run.channel !== channel) return;
          run.pointClasses = points.length ? argmaxRows(out.slice(0, points.length)) : null;
          run.testPointOutputs = tp.length ? out.slice(points.length) : null;
          schedule();
        })
        .catch(() => undefined);
    };

    const notify = (kind: Notice['kind'], text: string) => {
      set((s) => ({ notices: [...s.notices, { id: nextNoticeId++, kind, text }].slice(-MAX_NOTICES) }));
    };

    /** A finished run goes to the desktop library once; a failure to save is told, the run stays. */
    const archive = (run: Run) => {
      if (!desktop || !run.recorder || run.archived) return;
      const record = run.recorder.toSavedRun();
      run.archived = 'saving';
      const done = (ok: boolean, message?: string) => {
        run.archived = ok ? 'saved' : 'not saved';
        if (ok) {
          const entry: SavedRunEntry = { id: record.id, name: record.name, savedAt: record.endedAt, status: record.status };
          set((s) => ({ savedRuns: [entry, ...(s.savedRuns ?? []).filter((e) => e.id !== entry.id)] }));
        } else notify('error', `Could not save ${run.label}: ${message}`);
        schedule();
      };
      desktop.saveRun(record).then(
        (r) => (r.ok ? done(true) : done(false, r.message)),
        (e: unknown) => done(false, (e as Error).message),
      );
    };

    /** The trainer is gone. A finished run only loses its trainer; a live one fails with its data kept. */
    const fail = (run: Run, reason: string) => {
      const ended = run.phase === 'failed' || isFinalPhase(run.phase as TrainerPhase);
      run.channel?.close();
      run.channel = null;
      if (ended) return;
      run.phase = 'failed';
      run.failure = reason;
      run.stepsPerSecond = 0;
      run.recorder?.fail(reason);
      if (run.id === get().activeRunId) stopPacing();
      archive(run);
      schedule();
    };

    const onMessage = (run: Run, msg: FromTrainer) => {
      // Whatever a dead trainer had in flight is not part of the run it failed.
      if (run.failure !== null) return;
      run.recorder?.apply(msg);
      switch (msg.type) {
        case 'progress':
          run.loss.pushMany(msg.fromStep, msg.losses);
          for (const [step, loss] of msg.testLosses) run.testLoss.push(step, loss);
          run.step = msg.step;
          run.learningRate = msg.learningRate;
          run.stepsPerSecond = msg.stepsPerSecond;
          if (msg.losses.length) run.lastLoss = msg.losses[msg.losses.length - 1]!;
          break;
        case 'snapshot':
          run.metrics.offer(msg.metrics);
          if (msg.grid) {
            run.grid = msg.grid;
            refreshPredictions(run);
          }
          break;
        case 'status':
          run.phase = msg.phase;
          run.step = msg.step;
          run.totalSteps = msg.totalSteps;
          run.learningRate = msg.learningRate;
          run.divergedAtStep = msg.divergedAtStep;
          run.message = msg.message ?? null;
          if (msg.phase !== 'running') run.stepsPerSecond = 0;
          if (isFinalPhase(msg.phase)) {
            if (run.id === get().activeRunId) stopPacing();
            archive(run);
          }
          break;
        case 'error':
          run.error = msg.issues?.length ? msg.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ') : msg.message;
          if (msg.inReplyTo === 'start' || run.phase === 'starting') run.phase = 'failed';
          break;
      }
      schedule();
    };

    const blankRun = (experiment: Experiment, label: string, scheme: WeightScheme | null, group: number | null): Run => ({
      id: nextRunId++,
      label,
      experiment,
      scheme,
      group,
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
      grid: null,
      pointClasses: null,
      testPointOutputs: null,
      channel: null,
      failure: null,
      recorder: null,
      loaded: null,
      archived: null,
    });

    const recorderFor = (run: Run) => (desktop ? new RunRecorder(libraryRunId(new Date(), run.id), run.experiment, run.label) : null);

    const newRun = (experiment: Experiment, label: string, scheme: WeightScheme | null, group: number | null): Run => {
      const run = blankRun(experiment, label, scheme, group);
      run.recorder = recorderFor(run);
      try {
        run.channel = host.openRun(
          (msg) => onMessage(run, msg),
          (reason) => fail(run, reason),
        );
      } catch (e) {
        run.phase = 'failed';
        run.error = `could not start a trainer: ${(e as Error).message}`;
      }
      return run;
    };

    /** Keeps at most MAX_RUNS, dropping the oldest runs that are neither shown nor active. */
    const admit = (added: Run[], visible: number[], activeId: number) => {
      let runs = [...get().runs, ...added];
      while (runs.length > MAX_RUNS) {
        const victim = runs.find((r) => r.id !== activeId && !visible.includes(r.id)) ?? runs[0]!;
        victim.channel?.close();
        victim.channel = null;
        runs = runs.filter((r) => r !== victim);
      }
      const ids = new Set(runs.map((r) => r.id));
      set({ runs, activeRunId: activeId, visibleRunIds: visible.filter((id) => ids.has(id)), probe: null, sample: null, notice: null });
    };

    const start = (run: Run, paused: boolean) => {
      run.channel?.send({ type: 'start', experiment: run.experiment, paused, gridResolution: 64 });
    };

    const stopPacing = () => {
      if (paceTimer) clearInterval(paceTimer);
      paceTimer = null;
      if (get().pacing) set({ pacing: false });
    };

    /**
     * Slow speeds are paced from here with `step` commands, so a class can watch single updates:
     * 1 and 10 steps/s send one step per tick; 100 and 1000 send a tenth of a second's worth.
     */
    const startPacing = () => {
      stopPacing();
      const speed = get().view.speed;
      if (speed === 0) return;
      const interval = speed <= 10 ? 1000 / speed : 100;
      const count = speed <= 10 ? 1 : speed / 10;
      paceTimer = setInterval(() => {
        const runs = runsInFocus();
        if (!runs.length || runs.every((r) => isFinalPhase(r.phase as TrainerPhase) || r.phase === 'failed')) return stopPacing();
        for (const r of runs) if (r.phase === 'paused') r.channel?.send({ type: 'step', count });
      }, interval);
      set({ pacing: true });
    };

    const go = (runs: Run[]) => {
      const speed = get().view.speed;
      for (const r of runs) {
        if (speed === 0) r.channel?.send({ type: 'resume' });
      }
      if (speed !== 0) startPacing();
    };

    const labelFor = (exp: Experiment) => {
      const p = get().draft.presetId;
      const title = p ? p : 'custom';
      const scheme = 'weights' in exp.init && typeof exp.init.weights === 'string' ? INIT_LABEL[exp.init.weights as WeightScheme] : 'explicit init';
      return `Run ${nextRunId} · ${title} · ${scheme}`;
    };

    /** The run Train/Step act on: the active one if it still matches the controls, else a fresh one. */
    const currentOrNew = (paused: boolean): { runs: Run[]; fresh: boolean } | null => {
      const v = get().validation;
      if (!v.ok) return null;
      const runs = runsInFocus();
      const a = active();
      if (a && a.group === null && sameRun(a.experiment, v.experiment) && !isFinalPhase(a.phase as TrainerPhase) && a.phase !== 'failed') return { runs, fresh: false };
      if (a && a.group !== null && runs.every((r) => !isFinalPhase(r.phase as TrainerPhase) && r.phase !== 'failed') && sameRun(withScheme(a.experiment, 'xavier'), withScheme(v.experiment, 'xavier'))) return { runs, fresh: false };
      const exp = v.experiment;
      const scheme = 'weights' in exp.init && typeof exp.init.weights === 'string' ? (exp.init.weights as WeightScheme) : null;
      const run = newRun(exp, labelFor(exp), scheme, null);
      admit([run], [run.id], run.id);
      // A fresh run starts running by itself at full speed; paced and stepped runs start paused.
      start(run, paused || get().view.speed !== 0);
      return { runs: [run], fresh: true };
    };

    return {
      draft: draft0,
      validation: validateDraft(draft0),
      runs: [],
      activeRunId: null,
      visibleRunIds: [],
      view: { ...DEFAULT_VIEW },
      probe: null,
      sample: null,
      tick: 0,
      notice: null,
      notices: [],
      savedRuns: desktop ? [] : null,
      pacing: false,

      setField(key, value) {
        setDraft({ ...get().draft, [key]: value });
      },
      choosePreset(id) {
        const p = presetById(id);
        if (!p) return;
        setDraft(draftFromExperiment(p.experiment, p.id));
        set((s) => ({ view: { ...s.view, histLayer: 0, sampleIndex: 0, threshold: null } }));
      },
      chooseDataset(kind) {
        setDraft(withDataset(get().draft, kind));
      },
      setLayer(index, patch) {
        const d = get().draft;
        setDraft({ ...d, hidden: d.hidden.map((l, i) => (i === index ? { ...l, ...patch } : l)), init: d.init === 'explicit' ? 'standard-normal' : d.init });
      },
      addLayer() {
        const d = get().draft;
        const last = d.hidden[d.hidden.length - 1];
        setDraft({ ...d, hidden: [...d.hidden, { units: last?.units ?? '8', activation: last?.activation ?? 'relu' }], init: d.init === 'explicit' ? 'standard-normal' : d.init });
      },
      removeLayer(index) {
        const d = get().draft;
        setDraft({ ...d, hidden: d.hidden.filter((_, i) => i !== index), init: d.init === 'explicit' ? 'standard-normal' : d.init });
      },

      train() {
        const r = currentOrNew(false);
        if (!r) return;
        if (!r.fresh || get().view.speed !== 0) go(r.runs);
        schedule();
      },
      pause() {
        stopPacing();
        for (const r of runsInFocus()) if (r.phase === 'running' || r.phase === 'starting') r.channel?.send({ type: 'pause' });
        schedule();
      },
      step() {
        stopPacing();
        const cur = currentOrNew(true);
        if (!cur) return;
        for (const r of cur.runs) {
          if (r.phase === 'running') r.channel?.send({ type: 'pause' });
          r.channel?.send({ type: 'step', count: 1 });
        }
        schedule();
      },
      reset() {
        stopPacing();
        for (const r of runsInFocus()) {
          // A failed or saved-and-loaded run has no trainer: what it holds is all there is, so it is kept.
          if (!r.channel) continue;
          r.channel.send({ type: 'reset' });
          // Trained again after a reset, it is another run for the library.
          r.recorder = recorderFor(r);
          r.archived = null;
          r.loss.clear();
          r.testLoss.clear();
          r.metrics.clear();
          r.grid = null;
          r.pointClasses = null;
          r.testPointOutputs = null;
          r.step = 0;
          r.lastLoss = NaN;
          r.divergedAtStep = null;
          r.error = null;
        }
        set({ probe: null });
        schedule();
      },
      compareInitSchemes() {
        const v = get().validation;
        if (!v.ok) return;
        stopPacing();
        const group = nextGroup++;
        const runs = (['standard-normal', 'xavier', 'he'] as const).map((scheme) => newRun(withScheme(v.experiment, scheme), INIT_LABEL[scheme], scheme, group));
        // Xavier is the one the other views follow: the middle of the three, and rarely the one that blows up.
        admit(runs, runs.map((r) => r.id), runs[1]!.id);
        for (const r of runs) start(r, get().view.speed !== 0);
        if (get().view.speed !== 0) startPacing();
        schedule();
      },
      toggleRunVisible(id) {
        const vis = get().visibleRunIds;
        set({ visibleRunIds: vis.includes(id) ? vis.filter((v) => v !== id) : [...vis, id] });
      },
      setView(patch) {
        const speedChanged = patch.speed !== undefined && patch.speed !== get().view.speed;
        set((s) => ({ view: { ...s.view, ...patch } }));
        if (speedChanged) {
          const runs = runsInFocus();
          const training = paceTimer !== null || runs.some((r) => r.phase === 'running');
          if (training) {
            stopPacing();
            for (const r of runs) if (r.phase === 'running') r.channel?.send({ type: 'pause' });
            go(runs);
          }
        }
      },
      probeAt(x, y) {
        const run = active();
        set({ probe: { x, y, outputs: null } });
        if (!run?.channel) return;
        run.channel
          .predict([[x, y]])
          .then((out) => {
            const p = get().probe;
            if (p && p.x === x && p.y === y) set({ probe: { x, y, outputs: out[0] ?? null } });
          })
          .catch(() => undefined);
      },
      showSample(index) {
        const run = active();
        set((s) => ({ view: { ...s.view, sampleIndex: index } }));
        const exp = run?.experiment ?? (get().validation.ok ? (get().validation as { experiment: Experiment }).experiment : null);
        if (!exp) return;
        const data = plotData(exp);
        if (!Number.isInteger(index) || index < 0 || index >= data.samples) {
          set({ sample: null });
          return;
        }
        const target = Array.from(data.y.subarray(index * data.outputs, (index + 1) * data.outputs));
        set({ sample: { index, target, predicted: null } });
        if (!run?.channel) return;
        const input = Array.from(data.x.subarray(index * data.inputs, (index + 1) * data.inputs));
        run.channel
          .predict([input])
          .then((out) => {
            const s = get().sample;
            if (s && s.index === index) set({ sample: { ...s, predicted: out[0] ?? null } });
          })
          .catch(() => undefined);
      },
      saveLab() {
        const s = get();
        return JSON.stringify({ format: 'nnlab-lab', version: 1, draft: s.draft, view: { ...s.view, presentation: s.view.presentation } }, null, 2);
      },
      openLab(text) {
        const r = parseLabFile(text);
        if (!r.ok) {
          set({ notice: r.message });
          return r;
        }
        setDraft(r.draft);
        set({ view: { ...DEFAULT_VIEW, ...r.view }, notice: 'Lab opened.' });
        return { ok: true };
      },
      dismissNotice(id) {
        set((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
      },
      newExperiment() {
        get().choosePreset(DEFAULT_PRESET);
        set({ probe: null, sample: null });
        notify('info', 'New experiment.');
      },
      loadExperiment(input, source) {
        // A file that is a preset as shipped says so in the Preset select; anything else is Custom.
        const preset = PRESETS.find((p) => JSON.stringify(p.experiment) === JSON.stringify(input));
        setDraft(draftFromExperiment(input, preset?.id ?? ''));
        set((s) => ({ view: { ...s.view, histLayer: 0, sampleIndex: 0, threshold: null }, probe: null, sample: null }));
        const v = get().validation;
        notify(v.ok ? 'info' : 'error', v.ok ? `Opened ${source}.` : `Opened ${source}, but it does not validate: ${v.message}`);
      },
      savedRunOf(runId = get().activeRunId) {
        const run = runById(runId);
        if (!run) return null;
        return run.loaded ?? run.recorder?.toSavedRun() ?? null;
      },
      async menu(cmd) {
        switch (cmd.command) {
          case 'new':
            return get().newExperiment();
          case 'opened': {
            if (cmd.result.ok) return get().loadExperiment(cmd.result.experiment, cmd.result.path);
            const text = openFailureText(cmd.result);
            if (text) notify('error', text);
            return;
          }
          case 'save-as':
            return get().saveExperimentAs();
          case 'export':
            return get().exportRun(cmd.format);
        }
      },
      async exportRun(format) {
        if (!desktop) return;
        const record = get().savedRunOf();
        if (!record) return notify('error', 'Nothing to export yet: train a run first.');
        try {
          const n = saveResultNotice(EXPORT_LABEL[format], await desktop.exportRun(format, record));
          if (n) notify(n.kind, n.text);
        } catch (e) {
          notify('error', `Could not export the run: ${(e as Error).message}`);
        }
      },
      async saveExperimentAs() {
        if (!desktop) return;
        const v = get().validation;
        if (!v.ok) return notify('error', `Fix the experiment before saving it: ${v.message}`);
        try {
          const n = saveResultNotice('Experiment', await desktop.saveExperimentAs(experimentInputOf(get().draft) as ExperimentInput));
          if (n) notify(n.kind, n.text);
        } catch (e) {
          notify('error', `Could not save the experiment: ${(e as Error).message}`);
        }
      },
      async refreshLibrary() {
        if (!desktop) return;
        try {
          const [experiments, runs] = await Promise.all([desktop.listExperiments(), desktop.listRuns()]);
          for (const line of [...experiments.notices, ...runs.notices]) notify('error', line);
          // A run saved while the listing was on its way is kept.
          set((s) => {
            const listed = new Set(runs.entries.map((e) => e.id));
            const all = [...runs.entries, ...(s.savedRuns ?? []).filter((e) => !listed.has(e.id))];
            return { savedRuns: all.sort((a, b) => b.savedAt.localeCompare(a.savedAt)) };
          });
        } catch (e) {
          notify('error', `Could not read the library: ${(e as Error).message}`);
        }
      },
      async loadSavedRun(id) {
        if (!desktop) return;
        const r = await desktop.loadRun(id).catch((e: unknown) => ({ ok: false as const, message: (e as Error).message }));
        if (!r.ok) return notify('error', `Could not load the saved run: ${r.message}`);
        const saved = r.value;
        const parsed = parseExperiment(saved.experiment);
        if (!parsed.ok) return notify('error', `The saved run's experiment does not validate: ${issuesText(parsed.issues) || parsed.message}`);
        const exp = parsed.experiment;
        const scheme = 'weights' in exp.init && typeof exp.init.weights === 'string' ? (exp.init.weights as WeightScheme) : null;
        const run = blankRun(exp, `Saved · ${saved.name}`, scheme, null);
        const losses = Float64Array.from(saved.losses);
        run.loss.pushMany(0, losses);
        for (const [step, loss] of saved.testLosses) if (loss !== null) run.testLoss.push(step, loss);
        run.phase = saved.status;
        run.step = saved.steps;
        run.lastLoss = losses.length ? losses[losses.length - 1]! : NaN;
        run.learningRate = saved.learningRate;
        run.divergedAtStep = saved.divergedAtStep;
        run.failure = saved.status === 'failed' ? (saved.failure ?? 'the trainer stopped') : null;
        run.loaded = saved;
        run.archived = 'saved';
        const s = get();
        admit([run], [...s.visibleRunIds, run.id], s.activeRunId ?? run.id);
        schedule();
      },
      flush() {
        publish();
      },
      dispose() {
        unsubscribeMenu?.();
        stopPacing();
        if (publishTimer) clearTimeout(publishTimer);
        for (const r of get().runs) r.channel?.close();
      },
    };
  });
  if (desktop) {
    unsubscribeMenu = desktop.onMenu((cmd) => void store.getState().menu(cmd));
    void store.getState().refreshLibrary();
  }
  return store;
}
