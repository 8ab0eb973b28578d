/**
 * The sweep slice alone, on an in-process pool that runs the real worker body (runSweepJob): the grid
 * from the picked axes, runs as they end (with numbers equal to a direct Trainer run), a crashed run
 * failed while the rest go on, refusals, Cancel, opening a run, and Compare's paired seeds.
 */
import { describe, expect, it, vi } from 'vitest';
import { presetById, Trainer, type Experiment } from '../../core';
import type { SweepWorkerFactory } from '../../core/service/sweep-runner';
import { runSweepJob } from '../../core/service/sweep-job';
import { draftFromExperiment, validateDraft } from '../../renderer/src/state/draft';
import { createSweepSlice } from '../../renderer/src/state/slices/sweep';
import type { LabState } from '../../renderer/src/state/store';
import { sliceStore } from './slice-harness';

const preset = presetById('seed-004-quadrants')!;
const draft = { ...draftFromExperiment(preset.experiment, preset.id), steps: '30' };
const validation = validateDraft(draft);

/** Workers as timers in this thread; `crashOn` grid indices crash their worker instead of answering. */
function inProcessPool(crashOn: number[] = []): { createWorker: SweepWorkerFactory; workers: number; started: () => number } {
  let started = 0;
  const createWorker: SweepWorkerFactory = (events) => {
    started++;
    let dead = false;
    return {
      post(job) {
        setTimeout(() => {
          if (dead) return;
          if (crashOn.includes(job.index)) return events.crash('killed on purpose');
          runSweepJob(job, (m) => {
            if (!dead) events.message(m);
          });
        }, 0);
      },
      terminate: () => void (dead = true),
    };
  };
  return { createWorker, workers: 2, started: () => started };
}

function sweepStore(pool: ReturnType<typeof inProcessPool> | null = inProcessPool()) {
  const openExperiment = vi.fn();
  const replaceDraft = vi.fn();
  const store = sliceStore(createSweepSlice(pool), { draft, validation, notice: null, openExperiment, replaceDraft } as Partial<LabState>);
  const until = (ok: (s: LabState) => boolean) => vi.waitFor(() => expect(ok(store.getState())).toBe(true), { timeout: 30_000, interval: 10 });
  return { store, openExperiment, replaceDraft, until };
}

describe('sweep slice', () => {
  it('runs the grid of the picked axes over the draft; every run has the numbers a direct Trainer run gives', async () => {
    const { store, until } = sweepStore();
    const s = store.getState();
    s.setSweepAxis('init.weights', null);
    s.setSweepAxis('learningRate', '1e-6, 1e-5');
    s.setSweepAxis('init.weights', 'xavier, he');
    store.getState().startSweep();
    expect(store.getState().sweep.phase).toBe('running');
    expect(store.getState().sweep.points).toHaveLength(4);
    await until((st) => st.sweep.phase === 'done');
    const { runs, points, axisValues } = store.getState().sweep;
    expect(axisValues).toEqual({ learningRate: [1e-6, 1e-5], 'init.weights': ['xavier', 'he'] });
    expect(runs.map((r) => [r.index, r.status])).toEqual([0, 1, 2, 3].map((i) => [i, 'completed']));
    for (const r of runs) {
      const exp = points[r.index]!.experiment as Experiment;
      expect(exp.learningRate).toBe(r.params.learningRate);
      const t = new Trainer(exp);
      t.run(exp.steps);
      const losses = t.result(0).losses;
      expect(r.finalLoss).toBe(losses.at(-1));
      expect(r.firstLoss).toBe(losses[0]);
    }
  });

  it('a crashed worker fails its one run; the others finish', async () => {
    const pool = inProcessPool([0]);
    const { store, until } = sweepStore(pool);
    store.getState().setSweepAxis('init.weights', null);
    store.getState().setSweepAxis('learningRate', '1e-6, 2e-6, 3e-6, 4e-6');
    store.getState().startSweep();
    await until((st) => st.sweep.phase === 'done');
    const runs = store.getState().sweep.runs;
    expect(runs.map((r) => r.status)).toEqual(['failed', 'completed', 'completed', 'completed']);
    expect(runs[0]!.error).toContain('killed on purpose');
    expect(pool.started()).toBe(3); // the crashed worker was replaced
  });

  it('refuses a bad axis value naming the axis, and a build without a pool, running nothing', () => {
    const { store } = sweepStore();
    store.getState().setSweepAxis('learningRate', '0.1, -2');
    store.getState().startSweep();
    expect(store.getState().sweep.phase).toBe('idle');
    expect(store.getState().sweep.error).toMatch(/axes\.learningRate\[1\]/);
    store.getState().setSweepAxis('learningRate', '0.1');
    expect(store.getState().sweep.error).toBeNull();

    const none = sweepStore(null);
    none.store.getState().startSweep();
    expect(none.store.getState().sweep.phase).toBe('idle');
    expect(none.store.getState().sweep.error).toMatch(/nnlab sweep/);
  });

  it('Cancel stops the sweep: the runs not ended are marked stopped', async () => {
    const { store, until } = sweepStore();
    store.getState().setSweepAxis('learningRate', '1e-6, 2e-6');
    store.getState().startSweep();
    store.getState().cancelSweep();
    await until((st) => st.sweep.phase === 'stopped');
    const runs = store.getState().sweep.runs;
    expect(runs).toHaveLength(6);
    expect(runs.every((r) => r.status === 'stopped')).toBe(true);
  });

  it('opening a run replays its experiment in the lab and puts it in the controls', async () => {
    const { store, until, openExperiment, replaceDraft } = sweepStore();
    store.getState().setSweepAxis('init.weights', null);
    store.getState().setSweepAxis('learningRate', '1e-6, 1e-5');
    store.getState().startSweep();
    await until((st) => st.sweep.phase === 'done');
    store.getState().openSweepRun(1);
    const exp = store.getState().sweep.points[1]!.experiment;
    expect(openExperiment).toHaveBeenCalledWith(exp, expect.stringContaining('learningRate 1e-5'));
    expect(replaceDraft.mock.calls[0]![0].learningRate).toBe('0.00001');
  });

  it('paired seeds: every init scheme over N seeds from the experiment own; 1 seed runs nothing extra', async () => {
    const { store, until } = sweepStore();
    const exp = validation.ok ? validation.experiment : (null as never);
    store.getState().runSeedControl(exp);
    expect(store.getState().seedControl).toBeNull();
    store.getState().setCompareSeeds(3);
    store.getState().runSeedControl(exp);
    expect(store.getState().seedControl).toMatchObject({ phase: 'running', seeds: [exp.seed, exp.seed + 1, exp.seed + 2], total: 9 });
    await until((st) => st.seedControl?.phase === 'done');
    const runs = store.getState().seedControl!.runs;
    expect(runs).toHaveLength(9);
    expect(new Set(runs.map((r) => `${r.params['init.weights']}/${r.params.seed}`)).size).toBe(9);
    store.getState().setCompareSeeds(500);
    expect(store.getState().compareSeeds).toBe(20);
  });
});
