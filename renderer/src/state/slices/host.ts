/**
 * The host channel: each run's line to its trainer (a Web Worker or the desktop's utility process) and
 * what comes back on it. Trainer messages arrive up to ~30 a second per run; they are folded into the
 * run's bounded series at once but published to React at most every PUBLISH_MS (a bump of `tick`), so
 * charts re-render at a steady, low rate however fast training runs.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { FromTrainer } from '../../../../core/contract/protocol';
import type { RunChannel, TrainerHost } from '../../host/types';
import { plotData } from '../plot-data';
import { foldTrainerMessage, hasEnded, type Run } from '../run';
import type { LabState } from '../store';

export const PUBLISH_MS = 250;

export interface HostSlice {
  /** Bumped on every publish; views derive their data from the runs when it changes. */
  tick: number;
  /** Opens a trainer for the run; its messages and its failure are folded into the run. Throws if the host cannot. */
  openChannel(run: Run): RunChannel;
  /** Something in a run changed: publish within PUBLISH_MS. */
  publishSoon(): void;
  /** Publishes pending trainer updates now (tests; the timer does it otherwise). */
  flush(): void;
  dispose(): void;
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

export const createHostSlice =
  (host: TrainerHost): StateCreator<LabState, [], [], HostSlice> =>
  (set, get) => {
    let publishTimer: ReturnType<typeof setTimeout> | null = null;
    let dirty = false;

    /** A new grid makes the class of each training point and the test points' outputs stale: ask again. */
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
          get().publishSoon();
        })
        .catch(() => undefined);
    };

    const receive = (run: Run, msg: FromTrainer) => {
      // Whatever a dead trainer had in flight is not part of the run it failed.
      if (run.failure !== null) return;
      run.recorder?.apply(msg);
      const effect = foldTrainerMessage(run, msg);
      if (effect.grid) refreshPredictions(run);
      if (effect.finished) {
        // A group goes on while any of its runs can: one run that diverged does not stop the others.
        if (run.id === get().activeRunId && get().runsInFocus().every(hasEnded)) get().stopPacing();
        get().archive(run);
      }
      if (msg.type === 'status') get().advanceLockstep(run);
      get().publishSoon();
    };

    /** The trainer is gone. A finished run only loses its trainer; a live one fails with its data kept. */
    const trainerGone = (run: Run, reason: string) => {
      const ended = hasEnded(run);
      run.channel?.close();
      run.channel = null;
      if (ended) return;
      run.phase = 'failed';
      run.failure = reason;
      run.stepsPerSecond = 0;
      run.recorder?.fail(reason);
      if (run.id === get().activeRunId) get().stopPacing();
      get().archive(run);
      get().publishSoon();
    };

    return {
      tick: 0,

      openChannel(run) {
        return host.openRun(
          (msg) => receive(run, msg),
          (reason) => trainerGone(run, reason),
        );
      },
      publishSoon() {
        dirty = true;
        if (!publishTimer) publishTimer = setTimeout(get().flush, PUBLISH_MS);
      },
      flush() {
        if (publishTimer) {
          clearTimeout(publishTimer);
          publishTimer = null;
        }
        if (!dirty) return;
        dirty = false;
        set((s) => ({ tick: s.tick + 1 }));
      },
      dispose() {
        get().closeLibrary();
        get().stopPacing();
        if (publishTimer) clearTimeout(publishTimer);
        for (const r of get().runs) r.channel?.close();
      },
    };
  };
