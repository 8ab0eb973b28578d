/** A trainer host for store tests: records what the store sends and lets a test play the trainer's part. */
import type { ExperimentInput } from '../../core';
import type { ExplainedStep, ExportFormat, LibraryEntry, MenuCommand, NnlabApi, RunEvent, SavedRun } from '../../core/contract/api';
import { SavedRunSchema } from '../../core/contract/run-file';
import type { FromTrainer, ToTrainer } from '../../core/contract/protocol';
import type { RunChannel, TrainerHost } from '../../renderer/src/host/types';

export interface FakeRun {
  sent: ToTrainer[];
  emit(msg: FromTrainer): void;
  /** The host reports the trainer gone (crash or kill), as the Electron host does. */
  fail(reason: string): void;
  closed: boolean;
}

/** A web host, or with `desktop` the Electron host; every prediction answers [0.1, 0.2, 0.6, 0.1]. */
export function fakeHost(desktop?: NnlabApi): { host: TrainerHost; runs: FakeRun[] } {
  const runs: FakeRun[] = [];
  const host: TrainerHost = {
    kind: desktop ? 'electron' : 'web',
    ...(desktop ? { desktop } : {}),
    openRun(onMessage, onFailed) {
      const run: FakeRun = { sent: [], emit: onMessage, fail: (r) => onFailed?.(r), closed: false };
      runs.push(run);
      const channel: RunChannel = {
        send: (m) => run.sent.push(m),
        predict: (points) => Promise.resolve(points.map(() => [0.1, 0.2, 0.6, 0.1])),
        close: () => void (run.closed = true),
      };
      return channel;
    },
  };
  return { host, runs };
}

export const status = (phase: 'paused' | 'running' | 'completed' | 'diverged' | 'stopped', step: number, extra: Record<string, unknown> = {}): FromTrainer =>
  ({ type: 'status', phase, step, totalSteps: 500, learningRate: 1e-5, divergedAtStep: null, ...extra }) as FromTrainer;

export const progress = (fromStep: number, losses: number[]): FromTrainer => ({
  type: 'progress',
  fromStep,
  losses: Float64Array.from(losses),
  testLosses: [],
  step: fromStep + losses.length,
  learningRate: 1e-5,
  stepsPerSecond: 1234,
});

export interface FakeDesktop {
  api: NnlabApi;
  saved: SavedRun[];
  exported: [ExportFormat, SavedRun][];
  exportedSteps: [ExperimentInput, ExplainedStep][];
  savedAs: ExperimentInput[];
  menu(cmd: MenuCommand): void;
  library: Map<string, SavedRun>;
  saveRunAnswer: { ok: false; message: string } | null;
}

/** The desktop API as main answers it, in memory; `menu` plays a File-menu command. */
export function fakeDesktop(notices: string[] = []): FakeDesktop {
  let menuListener: ((c: MenuCommand) => void) | null = null;
  const d: FakeDesktop = {
    saved: [],
    exported: [],
    exportedSteps: [],
    savedAs: [],
    library: new Map(),
    saveRunAnswer: null,
    menu: (cmd) => menuListener?.(cmd),
    api: {
      platform: 'linux',
      openRun: () => Promise.reject(new Error('the store opens runs through the host')),
      closeRun: () => Promise.resolve(),
      onRunEvent: (_l: (e: RunEvent) => void) => () => undefined,
      onMenu: (l) => {
        menuListener = l;
        return () => void (menuListener = null);
      },
      openExperiment: () => Promise.resolve({ ok: false, canceled: true }),
      openRecent: () => Promise.resolve({ ok: false, canceled: true }),
      recentFiles: () => Promise.resolve([]),
      saveExperimentAs: (exp) => {
        d.savedAs.push(exp);
        return Promise.resolve({ ok: true, path: '/home/u/exp.json' });
      },
      exportRun: (format, run) => {
        d.exported.push([format, run]);
        return Promise.resolve({ ok: true, path: `/home/u/run.${format === 'numpy' ? 'py' : format}` });
      },
      exportStep: (experiment, explain) => {
        d.exportedSteps.push([experiment, explain]);
        return Promise.resolve({ ok: true, path: `/home/u/step-${explain.step + 1}.py` });
      },
      listExperiments: () => Promise.resolve({ entries: [], notices: notices.slice(0, 1) }),
      loadExperiment: () => Promise.resolve({ ok: false, message: 'no' }),
      saveExperiment: () => Promise.resolve({ ok: false, message: 'no' }),
      listRuns: () =>
        Promise.resolve({
          entries: [...d.library.values()].map((r) => ({ id: r.id, name: r.name, savedAt: r.endedAt, status: r.status })),
          notices: notices.slice(1),
        }),
      loadRun: (id) => {
        const r = d.library.get(id);
        return Promise.resolve(r ? { ok: true, value: r } : { ok: false, message: `no run ${id}` });
      },
      saveRun: (run) => {
        if (d.saveRunAnswer) return Promise.resolve(d.saveRunAnswer);
        // What main does with it: the IPC schema must accept exactly this object.
        const parsed = SavedRunSchema.safeParse(run);
        if (!parsed.success) return Promise.resolve({ ok: false, message: parsed.error.message });
        d.saved.push(run);
        d.library.set(run.id, parsed.data);
        const entry: LibraryEntry = { id: run.id, name: run.name, savedAt: run.endedAt };
        return Promise.resolve({ ok: true, value: entry });
      },
      openCsvFile: () => Promise.resolve({ ok: false, canceled: true }),
    },
  };
  return d;
}
