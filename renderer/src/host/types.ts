/**
 * What the UI needs from wherever the trainer runs. The browser host runs the trainer loop in a Web
 * Worker; the Electron host talks to a utility process over a port handed out by the preload. Both speak
 * the same protocol (core/contract/protocol.ts), so the store never knows which one it has.
 */
import type { FromTrainer, ToTrainer } from '../../../core/contract/protocol';
import type { NnlabApi } from '../../../core/contract/api';
import type { SweepWorkerFactory } from '../../../core/service/sweep-runner';

export type { FromTrainer, ToTrainer };

/** One trainer, one run: messages in, messages out. */
export interface RunChannel {
  send(msg: ToTrainer): void;
  /** Network outputs for input rows with the run's current parameters (probe point, test points, a chosen sample). */
  predict(points: number[][]): Promise<number[][]>;
  close(): void;
}

export interface TrainerHost {
  readonly kind: 'web' | 'electron';
  /**
   * `onFailed`: the trainer itself is gone (crashed, killed) — not an answer to a command. The run keeps
   * what it has and is marked failed; nothing more arrives on its channel.
   */
  openRun(onMessage: (msg: FromTrainer) => void, onFailed?: (reason: string) => void): RunChannel;
  /** The desktop's files and library (saved runs, menu commands); absent in the browser. */
  readonly desktop?: NnlabApi;
  /** Where sweeps run (a pool of workers, see core/service/sweep-runner.ts); absent: no sweeps here. */
  readonly sweepPool?: { createWorker: SweepWorkerFactory; workers: number };
}
