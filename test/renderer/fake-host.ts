/** A trainer host for store tests: records what the store sends and lets a test play the trainer's part. */
import type { NnlabApi } from '../../core/contract/api';
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
