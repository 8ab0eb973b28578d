/**
 * Runs and compare groups: which runs exist, which one is active and which are shown, and the commands
 * (Train, Pause, Step, Reset, Compare init schemes) sent to their trainers. Slow speeds are paced from
 * here with single steps. What a trainer sends back is folded in by the host slice (see ../run.ts).
 */
import type { StateCreator } from 'zustand/vanilla';
import { parseExperiment, SWEEP_AXES, type Experiment, type OPTIMIZERS, type WeightScheme } from '../../../../core';
import type { SavedRun } from '../../../../core/contract/api';
import { isFinalPhase, type TrainerPhase } from '../../../../core/contract/protocol';
import { INIT_LABEL, OPTIMIZER_LABEL, withScheme } from '../draft';
import { blankRun, clearForReset, hasEnded, runFromSaved, schemeOf, type CompareAxis, type Run } from '../run';
import type { LabRun } from '../lab-file';
import type { LabState } from '../store';

export const MAX_RUNS = 8;

export interface RunsSlice {
  runs: Run[];
  activeRunId: number | null;
  visibleRunIds: number[];
  /** True while slow speeds are paced from the UI (the trainer is between single steps, but the lab is training). */
  pacing: boolean;
  /** The data set row whose forward and backward record an explained step shows (the batch's first row if it is not in the batch). */
  explainRow: number;
  setExplainRow(row: number): void;
  train(): void;
  pause(): void;
  step(): void;
  reset(): void;
  compareInitSchemes(): void;
  /** The same experiment (seed, data, net, learning rate) under each update rule, in lockstep. */
  compareOptimizers(): void;
  toggleRunVisible(id: number): void;
  /** Makes a shown run the one the single-run views follow (Predictions, the status line). */
  focusRun(id: number): void;
  /** The run the views follow, or null. */
  activeRun(): Run | null;
  /** The active run, or the whole compare group it belongs to. */
  runsInFocus(): Run[];
  /** A new learning rate from the controls, for the live runs in focus. */
  applyLearningRate(learningRate: number): void;
  /** The speed changed: a training run goes on at the new one. */
  applySpeed(): void;
  stopPacing(): void;
  /** A new run of `experiment`, active and training (a sweep's run replayed in the lab). */
  openExperiment(experiment: Experiment, label: string): void;
  /** Adds a run from the library beside the others, for comparison. */
  admitSavedRun(saved: SavedRun, experiment: Experiment): void;
  /** Puts back runs from a lab file (replacing what the lab holds). */
  restoreRuns(runs: readonly LabRun[]): void;
  /** A trainer paused: a compare group trained flat out gets its next equal chunk once every run has stopped at the same step. */
  advanceLockstep(run: Run): void;
}

/**
 * Steps a compare group takes between lockstep stops when trained flat out: about 20 stops a run, since
 * each stop is a round trip with a fresh decision map (tens of ms to a second on a loaded machine), and at
 * most 50,000 steps so a long run's table still moves every second or so.
 */
export function lockstepChunk(totalSteps: number): number {
  return Math.min(50_000, Math.max(1, Math.ceil(totalSteps / 20)));
}

/**
 * The group's next chunk once every live run has stopped at `target` (the end of the last chunk), or null
 * while some run is still inside it — its 'paused' may be the stale one from before the chunk was sent.
 */
export function nextLockstep(group: readonly Pick<Run, 'phase' | 'step' | 'totalSteps'>[], target: number): { count: number; target: number } | null {
  const live = group.filter((r) => !hasEnded(r as Run));
  if (!live.length || live.some((r) => r.phase !== 'paused' || r.step !== target)) return null;
  const left = Math.min(...live.map((r) => r.totalSteps - r.step));
  if (left <= 0) return null;
  const count = Math.min(lockstepChunk(live[0]!.totalSteps), left);
  return { count, target: target + count };
}

/** The update rules Compare optimisers runs, the lead (the run the other views follow) last. */
export const COMPARED_OPTIMIZERS = ['sgd', 'momentum', 'nesterov', 'rmsprop', 'adam'] as const satisfies readonly (typeof OPTIMIZERS)[number][];

const optimizerAxis = SWEEP_AXES.find((a) => a.name === 'optimizer.kind')!;

/** The experiment under another update rule, as the sweep's optimizer axis makes it (its default settings, or the experiment's own for the same rule). */
export function withOptimizer(exp: Experiment, kind: (typeof OPTIMIZERS)[number]): Experiment {
  const r = parseExperiment(optimizerAxis.apply(exp, kind));
  if (!r.ok) throw new Error(r.message);
  return r.experiment;
}

/** A compare group's runs with what the group varies taken out: the controls still describe the group when the rest matches. */
function groupCore(exp: Experiment, varies: CompareAxis | null): Experiment {
  return varies === 'optimizer' ? ({ ...exp, version: 2, optimizer: undefined } as Experiment) : withScheme(exp, 'xavier');
}

/** What a restored compare group varies: the optimiser if its runs' update rules differ, else the init scheme. */
export function variesOf(group: readonly Experiment[]): CompareAxis {
  return new Set(group.map((e) => e.optimizer?.kind ?? 'sgd')).size > 1 ? 'optimizer' : 'scheme';
}

/** Experiments equal apart from the learning rate (which can change live) train the same run. */
function sameRun(a: Experiment, b: Experiment): boolean {
  return JSON.stringify({ ...a, learningRate: 0 }) === JSON.stringify({ ...b, learningRate: 0 });
}

export const createRunsSlice: StateCreator<LabState, [], [], RunsSlice> = (set, get) => {
  let nextRunId = 1;
  let nextGroup = 1;
  let paceTimer: ReturnType<typeof setInterval> | null = null;
  /** The compare group trained flat out in equal chunks, if any, and the step its current chunk ends at. */
  let lockstepGroup: number | null = null;
  let lockstepTarget = 0;

  const sendChunk = (runs: Run[]) => {
    const next = nextLockstep(runs, lockstepTarget);
    if (!next) return;
    lockstepTarget = next.target;
    for (const r of runs) if (!hasEnded(r)) r.channel?.send({ type: 'step', count: next.count });
  };

  const newRun = (experiment: Experiment, label: string, scheme: WeightScheme | null, group: number | null, varies: CompareAxis | null = null): Run => {
    const run = blankRun(nextRunId++, experiment, label, scheme, group, varies);
    run.recorder = get().recorderFor(run);
    try {
      run.channel = get().openChannel(run);
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
    // The probe, the sample and the file notice spoke of the run that was active before.
    set({ runs, activeRunId: activeId, visibleRunIds: visible.filter((id) => ids.has(id)), probe: null, sample: null, notice: null });
  };

  const start = (run: Run, paused: boolean) => {
    run.channel?.send({ type: 'start', experiment: run.experiment, paused, gridResolution: 64 });
  };

  /**
   * Slow speeds are paced from here with `step` commands, so a class can watch single updates:
   * 1 and 10 steps/s send one step per tick; 100 and 1000 send a tenth of a second's worth.
   */
  const startPacing = () => {
    get().stopPacing();
    const speed = get().view.speed;
    if (speed === 0) return;
    const interval = speed <= 10 ? 1000 / speed : 100;
    const count = speed <= 10 ? 1 : speed / 10;
    paceTimer = setInterval(() => {
      const runs = get().runsInFocus();
      if (!runs.length || runs.every(hasEnded)) return get().stopPacing();
      for (const r of runs) if (r.phase === 'paused') r.channel?.send({ type: 'step', count });
    }, interval);
    set({ pacing: true });
  };

  const go = (runs: Run[]) => {
    const speed = get().view.speed;
    if (speed !== 0) return startPacing();
    const group = runs.length > 1 ? runs[0]!.group : null;
    if (group === null) {
      for (const r of runs) r.channel?.send({ type: 'resume' });
      return;
    }
    // A compare group flat out goes in equal chunks, so its runs stop at equal steps and the table compares like with like.
    get().stopPacing();
    for (const r of runs) if (r.phase === 'running') r.channel?.send({ type: 'pause' });
    lockstepGroup = group;
    // Runs resumed mid-way stand at equal steps (they were stepped in lockstep); the slowest sets the start.
    lockstepTarget = Math.min(...runs.filter((r) => !hasEnded(r)).map((r) => r.step));
    set({ pacing: true });
    sendChunk(runs);
  };

  /**
   * A compare group: one run per variant of the same experiment, all shown, the lead active, started paused and
   * then stepped in equal chunks (flat out) or paced (slower speeds), so they always stand at equal steps.
   */
  const compare = (varies: CompareAxis, variants: { experiment: Experiment; name: string; scheme: WeightScheme | null }[], lead: number) => {
    get().stopPacing();
    const group = nextGroup++;
    // Labels name the group and the learning rate, so a second compare never repeats the first one's labels.
    const runs = variants.map((x) => newRun(x.experiment, `Compare ${group} · ${x.name} · lr ${x.experiment.learningRate}`, x.scheme, group, varies));
    admit(runs, runs.map((r) => r.id), runs[lead]!.id);
    for (const r of runs) start(r, true);
    go(runs);
  };

  const labelFor = (exp: Experiment) => {
    const scheme = schemeOf(exp);
    return `Run ${nextRunId} · ${get().draft.presetId || 'custom'} · ${scheme ? INIT_LABEL[scheme] : 'explicit init'} · lr ${exp.learningRate}`;
  };

  /** The runs Train/Step act on: the active run (or group) if it still matches the controls, else a fresh run. */
  const currentOrNew = (paused: boolean): { runs: Run[]; fresh: boolean } | null => {
    const v = get().validation;
    if (!v.ok) return null;
    const runs = get().runsInFocus();
    const a = get().activeRun();
    if (a && a.group === null && sameRun(a.experiment, v.experiment) && !hasEnded(a)) return { runs, fresh: false };
    if (a && a.group !== null && !runs.some(hasEnded) && sameRun(groupCore(a.experiment, a.varies), groupCore(v.experiment, a.varies))) return { runs, fresh: false };
    const exp = v.experiment;
    const run = newRun(exp, labelFor(exp), schemeOf(exp), null);
    admit([run], [run.id], run.id);
    // A fresh run starts running by itself at full speed; paced and stepped runs start paused.
    start(run, paused || get().view.speed !== 0);
    return { runs: [run], fresh: true };
  };

  return {
    runs: [],
    activeRunId: null,
    visibleRunIds: [],
    pacing: false,
    explainRow: 0,

    setExplainRow(row) {
      set({ explainRow: Math.max(0, Math.floor(row)) });
    },
    activeRun() {
      const { runs, activeRunId } = get();
      return runs.find((r) => r.id === activeRunId) ?? null;
    },
    runsInFocus() {
      const a = get().activeRun();
      if (!a) return [];
      if (a.group === null) return [a];
      return get().runs.filter((r) => r.group === a.group);
    },
    applyLearningRate(lr) {
      for (const r of get().runsInFocus()) {
        if (r.channel && !isFinalPhase(r.phase as TrainerPhase) && r.learningRate !== lr) r.channel.send({ type: 'setLearningRate', learningRate: lr });
      }
    },
    train() {
      const r = currentOrNew(false);
      if (!r) return;
      if (!r.fresh || get().view.speed !== 0) go(r.runs);
      get().publishSoon();
    },
    pause() {
      // A group in lockstep finishes the chunk it is in (its budget pauses it), so its runs stand at equal steps.
      const inLockstep = lockstepGroup !== null;
      get().stopPacing();
      if (!inLockstep) for (const r of get().runsInFocus()) if (r.phase === 'running' || r.phase === 'starting') r.channel?.send({ type: 'pause' });
      get().publishSoon();
    },
    step() {
      get().stopPacing();
      const cur = currentOrNew(true);
      if (!cur) return;
      for (const r of cur.runs) {
        if (r.phase === 'running') r.channel?.send({ type: 'pause' });
        // Step (button or →) explains the update it takes: the "Last update" view shows it.
        r.channel?.send({ type: 'step', count: 1, explain: { sample: get().explainRow } });
      }
      get().publishSoon();
    },
    reset() {
      get().stopPacing();
      for (const r of get().runsInFocus()) {
        // A failed or saved-and-loaded run has no trainer: what it holds is all there is, so it is kept.
        if (!r.channel) continue;
        r.channel.send({ type: 'reset' });
        // Trained again after a reset, it is another run for the library.
        r.recorder = get().recorderFor(r);
        r.archived = null;
        clearForReset(r);
      }
      set({ probe: null });
      get().publishSoon();
    },
    compareInitSchemes() {
      const v = get().validation;
      if (!v.ok) return;
      // Xavier is the one the other views follow: the middle of the three, and rarely the one that blows up.
      compare('scheme', (['standard-normal', 'xavier', 'he'] as const).map((scheme) => ({ experiment: withScheme(v.experiment, scheme), name: INIT_LABEL[scheme], scheme })), 1);
      // With paired seeds, the pool runs every scheme over N seeds beside the three live runs.
      get().runSeedControl(v.experiment);
      get().publishSoon();
    },
    compareOptimizers() {
      const v = get().validation;
      if (!v.ok) return;
      const variants = COMPARED_OPTIMIZERS.map((kind) => ({ experiment: withOptimizer(v.experiment, kind), name: OPTIMIZER_LABEL[kind], scheme: schemeOf(v.experiment) }));
      // Adam leads: the rule most runs settle on, listed last.
      compare('optimizer', variants, variants.length - 1);
      get().publishSoon();
    },
    openExperiment(experiment, label) {
      get().stopPacing();
      const run = newRun(experiment, label, schemeOf(experiment), null);
      admit([run], [run.id], run.id);
      start(run, get().view.speed !== 0);
      if (get().view.speed !== 0) startPacing();
      get().publishSoon();
    },
    focusRun(id) {
      if (!get().runs.some((r) => r.id === id) || get().activeRunId === id) return;
      // The probe and the sample were answered by the run that was active before.
      set({ activeRunId: id, probe: null, sample: null });
    },
    toggleRunVisible(id) {
      const vis = get().visibleRunIds;
      set({ visibleRunIds: vis.includes(id) ? vis.filter((v) => v !== id) : [...vis, id] });
    },
    applySpeed() {
      const runs = get().runsInFocus();
      const training = paceTimer !== null || runs.some((r) => r.phase === 'running');
      if (!training) return;
      get().stopPacing();
      for (const r of runs) if (r.phase === 'running') r.channel?.send({ type: 'pause' });
      go(runs);
    },
    stopPacing() {
      if (paceTimer) clearInterval(paceTimer);
      paceTimer = null;
      lockstepGroup = null;
      if (get().pacing) set({ pacing: false });
    },
    advanceLockstep(run) {
      if (lockstepGroup === null || run.group !== lockstepGroup) return;
      const group = get().runs.filter((r) => r.group === lockstepGroup);
      if (group.every(hasEnded)) return get().stopPacing();
      sendChunk(group);
    },
    restoreRuns(restored) {
      get().stopPacing();
      for (const r of get().runs) r.channel?.close();
      // Groups keep their numbers from the file; new groups come after them.
      const groupMap = new Map<number, number>();
      const varies = new Map<number, CompareAxis>();
      for (const g of new Set(restored.map((r) => r.group))) {
        if (g !== null) varies.set(g, variesOf(restored.filter((r) => r.group === g).map((r) => r.experiment)));
      }
      const runs = restored.map((r) => {
        let group: number | null = null;
        if (r.group !== null) {
          if (!groupMap.has(r.group)) groupMap.set(r.group, nextGroup++);
          group = groupMap.get(r.group)!;
        }
        const run = runFromSaved(nextRunId++, r.saved, r.experiment, r.label, r.scheme, group, r.group === null ? null : (varies.get(r.group) ?? null));
        return { run, visible: r.visible, active: r.active };
      });
      const active = runs.find((r) => r.active)?.run ?? runs.at(-1)?.run ?? null;
      set({ runs: runs.map((r) => r.run), visibleRunIds: runs.filter((r) => r.visible).map((r) => r.run.id), activeRunId: active?.id ?? null, probe: null, sample: null });
      get().publishSoon();
    },
    admitSavedRun(saved, experiment) {
      const run = runFromSaved(nextRunId++, saved, experiment);
      const s = get();
      admit([run], [...s.visibleRunIds, run.id], s.activeRunId ?? run.id);
      get().publishSoon();
    },
  };
};
