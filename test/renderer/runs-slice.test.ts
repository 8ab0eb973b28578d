/**
 * The runs slice alone: which run Train and Step act on, compare groups, the cap on runs, live learning
 * rates, pacing at slow speeds, Reset and saved runs. Trainers are fake channels; the test moves phases.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { presetById } from '../../core';
import type { SavedRun } from '../../core/contract/api';
import type { ToTrainer } from '../../core/contract/protocol';
import type { RunChannel } from '../../renderer/src/host/types';
import { draftFromExperiment, validateDraft, type Validation } from '../../renderer/src/state/draft';
import type { Run } from '../../renderer/src/state/run';
import { createRunsSlice, lockstepChunk, MAX_RUNS, variesOf, withOptimizer } from '../../renderer/src/state/slices/runs';
import { colorOfRun, OPTIMIZER_COLORS } from '../../renderer/src/palette';
import type { LabState } from '../../renderer/src/state/store';
import { DEFAULT_VIEW, type Speed } from '../../renderer/src/state/view';
import { sliceStore } from './slice-harness';

const preset = presetById('seed-004-quadrants')!;
const draft = draftFromExperiment(preset.experiment, preset.id);
const valid = validateDraft(draft);
const experiment = valid.ok ? valid.experiment : (null as never);
const withSeed = (seed: number): Validation => validateDraft({ ...draft, seed: String(seed) });

afterEach(() => vi.useRealTimers());

function runsStore(speed: Speed = 0) {
  const sent = new Map<number, ToTrainer[]>();
  const closed = new Set<number>();
  const publishSoon = vi.fn();
  const runSeedControl = vi.fn();
  const store = sliceStore(createRunsSlice, {
    runSeedControl,
    draft,
    validation: valid,
    view: { ...DEFAULT_VIEW, speed },
    probe: { x: 0, y: 0, outputs: null, step: null },
    notice: 'Lab opened.',
    publishSoon,
    recorderFor: () => null,
    openChannel(run: Run): RunChannel {
      sent.set(run.id, []);
      return { send: (m) => sent.get(run.id)!.push(m), predict: () => Promise.resolve([]), close: () => void closed.add(run.id) };
    },
  } as Partial<LabState>);
  const types = (id: number) => (sent.get(id) ?? []).map((m) => m.type);
  const set = (patch: Partial<LabState>) => store.setState(patch);
  return { store, sent, types, closed, publishSoon, set, runSeedControl };
}

describe('runs slice', () => {
  it('Train opens a running run, labelled, active and shown; nothing while the editor is invalid', () => {
    const { store, types, sent, set } = runsStore();
    set({ validation: validateDraft({ ...draft, learningRate: 'x' }) });
    store.getState().train();
    expect(store.getState().runs).toHaveLength(0);
    set({ validation: valid, probe: { x: 1, y: 1, outputs: null, step: null } });
    store.getState().train();
    const s = store.getState();
    expect(s.runs).toHaveLength(1);
    const run = s.runs[0]!;
    expect(run.label).toBe('Run 1 · seed-004-quadrants · Standard normal · lr 0.00001');
    expect(s.activeRunId).toBe(run.id);
    expect(s.visibleRunIds).toEqual([run.id]);
    expect(types(run.id)).toEqual(['start']);
    expect((sent.get(run.id)![0] as { paused: boolean }).paused).toBe(false);
    // What was shown about the previous run goes.
    expect(s.probe).toBeNull();
    expect(s.notice).toBeNull();
  });

  it('Train goes on with the active run while the editor still describes it, else starts another', () => {
    const { store, types, set } = runsStore();
    store.getState().train();
    const first = store.getState().runs[0]!;
    first.phase = 'paused';
    store.getState().train();
    expect(store.getState().runs).toHaveLength(1);
    expect(types(first.id)).toEqual(['start', 'resume']);
    // A new learning rate is the same run: it changes live.
    set({ validation: validateDraft({ ...draft, learningRate: '0.5' }) });
    store.getState().train();
    expect(store.getState().runs).toHaveLength(1);
    set({ validation: withSeed(9) });
    store.getState().train();
    expect(store.getState().runs).toHaveLength(2);
    // A finished run is not trained again: Train starts a fresh one.
    set({ validation: valid });
    store.getState().train();
    const third = store.getState().activeRun()!;
    third.phase = 'completed';
    store.getState().train();
    expect(store.getState().runs).toHaveLength(4);
  });

  it('Step starts a fresh run paused and steps it once; Pause pauses the runs in focus', () => {
    const { store, types } = runsStore();
    store.getState().step();
    const run = store.getState().runs[0]!;
    expect(types(run.id)).toEqual(['start', 'step']);
    run.phase = 'running';
    store.getState().pause();
    store.getState().step();
    expect(types(run.id)).toEqual(['start', 'step', 'pause', 'pause', 'step']);
  });

  it('Step (button or →) explains its update for the chosen sample row; paced steps are not explained', () => {
    vi.useFakeTimers();
    const { store, sent } = runsStore();
    store.getState().step();
    const run = store.getState().runs[0]!;
    expect(sent.get(run.id)!.at(-1)).toEqual({ type: 'step', count: 1, explain: { sample: 0 } });
    store.getState().setExplainRow(7);
    store.getState().step();
    expect(sent.get(run.id)!.at(-1)).toEqual({ type: 'step', count: 1, explain: { sample: 7 } });
    run.phase = 'paused';
    store.setState({ view: { ...DEFAULT_VIEW, speed: 10 } });
    store.getState().train();
    vi.advanceTimersByTime(250);
    expect(sent.get(run.id)!.at(-1)).toEqual({ type: 'step', count: 1 });
    store.getState().stopPacing();
  });

  it('Compare init schemes starts a group of three; Xavier leads, and commands reach the whole group', () => {
    const { store, types, runSeedControl } = runsStore();
    store.getState().compareInitSchemes();
    const s = store.getState();
    // Paired seeds run beside the group, from the same experiment.
    expect(runSeedControl).toHaveBeenCalledWith(experiment);
    expect(s.runs.map((r) => r.scheme)).toEqual(['standard-normal', 'xavier', 'he']);
    expect(new Set(s.runs.map((r) => r.group)).size).toBe(1);
    expect(s.activeRun()?.scheme).toBe('xavier');
    expect(s.visibleRunIds).toEqual(s.runs.map((r) => r.id));
    expect(s.runsInFocus()).toHaveLength(3);
    for (const r of s.runs) r.phase = 'running';
    s.applyLearningRate(0.5);
    s.applyLearningRate(s.runs[0]!.learningRate); // unchanged: nothing sent
    for (const r of s.runs) expect(types(r.id)).toEqual(['start', 'setLearningRate']);
    s.runs[2]!.phase = 'diverged';
    s.applyLearningRate(0.25);
    expect(types(s.runs[2]!.id)).toEqual(['start', 'setLearningRate']);
  });

  it('Compare optimisers runs the same experiment under each update rule in lockstep, Adam leading, each in its own colour', () => {
    const { store, sent, types, runSeedControl } = runsStore();
    store.getState().compareOptimizers();
    const s = store.getState();
    expect(runSeedControl).not.toHaveBeenCalled();
    expect(s.runs.map((r) => r.experiment.optimizer?.kind)).toEqual(['sgd', 'momentum', 'nesterov', 'rmsprop', 'adam']);
    expect(s.runs.map((r) => r.label)).toEqual(['SGD', 'Momentum', 'Nesterov', 'RMSProp', 'Adam'].map((n) => `Compare 1 · ${n} · lr 0.00001`));
    // Same seed, data, net, init and rate: only the update rule differs (each at its default settings).
    for (const r of s.runs) expect({ ...r.experiment, optimizer: null, version: null }).toEqual({ ...experiment, optimizer: null, version: null });
    expect(s.runs[4]!.experiment.optimizer).toEqual({ kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8, biasCorrection: true });
    expect(s.activeRun()?.experiment.optimizer?.kind).toBe('adam');
    expect(s.visibleRunIds).toEqual(s.runs.map((r) => r.id));
    expect(new Set(s.runs.map((r) => colorOfRun(r, 0))).size).toBe(5);
    expect(colorOfRun(s.runs[0]!, 0)).toBe(OPTIMIZER_COLORS.sgd);
    // Started paused; once every trainer stands paused at step 0, all take the same chunk.
    const chunk = lockstepChunk(experiment.steps);
    for (const r of s.runs) expect(sent.get(r.id)).toEqual([expect.objectContaining({ type: 'start', paused: true })]);
    for (const r of s.runs) r.phase = 'paused';
    store.getState().advanceLockstep(s.runs[0]!);
    for (const r of s.runs) expect(sent.get(r.id)!.at(-1)).toEqual({ type: 'step', count: chunk });
    // Paused mid-way, Train goes on with the group while the controls still describe it.
    store.getState().stopPacing();
    for (const r of s.runs) r.step = chunk;
    store.getState().train();
    expect(store.getState().runs).toHaveLength(5);
    for (const r of s.runs) expect(types(r.id)).toEqual(['start', 'step', 'step']);
  });

  it('a compare group reopened from a lab file keeps its colours by what it varies', () => {
    const { store } = runsStore();
    const saved = { name: 'old', losses: [1], testLosses: [], status: 'completed', steps: 1, learningRate: 0.1, divergedAtStep: null } as unknown as SavedRun;
    const entry = (exp: typeof experiment, group: number | null) => ({ saved, experiment: exp, label: 'r', scheme: 'xavier' as const, group, visible: true, active: false });
    const he = { ...experiment, init: { weights: 'he', biases: 'zeros' } } as typeof experiment;
    store.getState().restoreRuns([entry(withOptimizer(experiment, 'sgd'), 1), entry(withOptimizer(experiment, 'adam'), 1), entry(experiment, 2), entry(he, 2), entry(experiment, null)]);
    const runs = store.getState().runs;
    expect(runs.map((r) => r.varies)).toEqual(['optimizer', 'optimizer', 'scheme', 'scheme', null]);
    expect(runs.slice(0, 2).map((r) => colorOfRun(r, 0))).toEqual([OPTIMIZER_COLORS.sgd, OPTIMIZER_COLORS.adam]);
    expect(variesOf([experiment, he])).toBe('scheme');
  });

  it('a sweep run opens as a new active, shown, running run of its experiment', () => {
    const { store, types } = runsStore();
    store.getState().train();
    const other = { ...experiment, learningRate: 0.5 };
    store.getState().openExperiment(other, 'Sweep #3');
    const s = store.getState();
    const run = s.activeRun()!;
    expect(s.runs).toHaveLength(2);
    expect(run.label).toBe('Sweep #3');
    expect(run.experiment).toBe(other);
    expect(s.visibleRunIds).toEqual([run.id]);
    expect(types(run.id)).toEqual(['start']);
  });

  it(`keeps at most ${MAX_RUNS} runs, dropping the oldest that is neither shown nor active, and closing its trainer`, () => {
    const { store, closed } = runsStore();
    for (let i = 0; i < MAX_RUNS; i++) {
      store.setState({ validation: withSeed(100 + i) });
      store.getState().train();
    }
    const [first, second] = store.getState().runs.map((r) => r.id);
    store.getState().toggleRunVisible(first!);
    const saved = { name: 'old', losses: [1], testLosses: [], status: 'completed', steps: 1, learningRate: 0.1, divergedAtStep: null } as unknown as SavedRun;
    store.getState().admitSavedRun(saved, experiment);
    const ids = store.getState().runs.map((r) => r.id);
    expect(ids).toHaveLength(MAX_RUNS);
    expect(ids).toContain(first);
    expect(ids).not.toContain(second);
    expect(closed).toEqual(new Set([second]));
  });

  it('slow speeds are paced with single steps until the runs end', () => {
    vi.useFakeTimers();
    const { store, types, sent } = runsStore(10);
    store.getState().train();
    const run = store.getState().runs[0]!;
    // Paced runs start paused: the steps come from here.
    expect(sent.get(run.id)![0]).toMatchObject({ type: 'start', paused: true });
    expect(store.getState().pacing).toBe(true);
    run.phase = 'paused';
    vi.advanceTimersByTime(350);
    expect(types(run.id)).toEqual(['start', 'step', 'step', 'step']);
    run.phase = 'completed';
    vi.advanceTimersByTime(100);
    expect(store.getState().pacing).toBe(false);
    vi.advanceTimersByTime(1000);
    expect(types(run.id)).toHaveLength(4);
  });

  it('a speed change carries a running run on at the new speed, and an idle one not at all', () => {
    vi.useFakeTimers();
    const { store, types, sent } = runsStore(0);
    store.getState().applySpeed();
    store.getState().train();
    const run = store.getState().runs[0]!;
    store.getState().applySpeed(); // starting, not running: not training yet
    expect(types(run.id)).toEqual(['start']);
    run.phase = 'running';
    store.setState({ view: { ...DEFAULT_VIEW, speed: 1000 } });
    store.getState().applySpeed();
    expect(types(run.id)).toEqual(['start', 'pause']);
    run.phase = 'paused';
    vi.advanceTimersByTime(100);
    expect(sent.get(run.id)!.at(-1)).toEqual({ type: 'step', count: 100 });
  });

  it('Reset starts the runs in focus over; a run without a trainer keeps what it has', () => {
    const { store, types } = runsStore();
    store.getState().train();
    const run = store.getState().runs[0]!;
    run.loss.pushMany(0, [3, 2, 1]);
    run.step = 3;
    run.lastLoss = 1;
    store.setState({ probe: { x: 0, y: 0, outputs: [1], step: 0 } });
    store.getState().reset();
    expect(types(run.id)).toEqual(['start', 'reset']);
    expect(run.loss.length).toBe(0);
    expect(run.step).toBe(0);
    expect(run.lastLoss).toBeNaN();
    expect(store.getState().probe).toBeNull();
    run.loss.push(0, 5);
    run.channel = null;
    store.getState().reset();
    expect(run.loss.length).toBe(1);
  });

  it('a saved run joins beside the active one and does not take its place', () => {
    const { store } = runsStore();
    store.getState().train();
    const active = store.getState().activeRunId;
    const saved = { name: 'old', losses: [3, 2], testLosses: [[1, 2.5]], status: 'completed', steps: 2, learningRate: 0.1, divergedAtStep: null } as unknown as SavedRun;
    store.getState().admitSavedRun(saved, experiment);
    const s = store.getState();
    expect(s.runs).toHaveLength(2);
    expect(s.activeRunId).toBe(active);
    const loaded = s.runs[1]!;
    expect(s.visibleRunIds).toEqual([active, loaded.id]);
    expect(loaded.label).toBe('Saved · old');
    expect(loaded.channel).toBeNull();
    expect(loaded.loss.points().map((p) => p.value)).toEqual([3, 2]);
    expect(loaded.lastLoss).toBe(2);
    expect(loaded.phase).toBe('completed');
  });
});
