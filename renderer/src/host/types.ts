/**
 * What the UI needs from wherever the trainer runs. The browser host runs the trainer loop in a Web
 * Worker; the Electron host talks to a utility process over a port handed out by the preload. Both speak
 * the same protocol (main/protocol.ts), so the store never knows which one it has.
 */
import type { FromTrainer, ToTrainer } from '../../../main/protocol';

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
  openRun(onMessage: (msg: FromTrainer) => void): RunChannel;
}
