/**
 * The Node stand-ins for Electron in the main-process tests: trainer processes are worker threads
 * running the real runtime and core; channels are real MessageChannels; "the UI" is a recorder per run.
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { ExperimentInput } from '../../core';
import type { RunEvent } from '../../core/contract/api';
import type { FromTrainer, ToTrainer } from '../../core/contract/protocol';
import { RunRecorder } from '../../core/service/run-recorder';
import { TrainerHost, type HostDeps, type TrainerChild } from '../../main/electron-main/trainer-host';

const threadEntry = new URL('./fixtures/trainer-thread.mjs', import.meta.url);

export function spawnThread(): TrainerChild<MessagePort> & { worker: Worker } {
  const worker = new Worker(threadEntry);
  return {
    worker,
    send: (message, port) => (port ? worker.postMessage({ message, port }, [port]) : worker.postMessage({ message })),
    onMessage: (listener) => worker.on('message', listener),
    onExit: (listener) => worker.on('exit', (code) => listener(code)),
    kill: () => void worker.terminate(),
  };
}

/** One window's worth of UI: run events, ports, and a recorder per run. */
export class FakeUi {
  readonly events: RunEvent[] = [];
  readonly ports = new Map<string, MessagePort>();
  readonly recorders = new Map<string, RunRecorder>();
  /** Every message each run's trainer sent, as validated by its recorder. */
  readonly log = new Map<string, FromTrainer[]>();
  private waiters: (() => void)[] = [];

  event(e: RunEvent): void {
    this.events.push(e);
    if (e.kind === 'failed') this.recorders.get(e.runId)?.fail(e.reason);
    this.wake();
  }

  port(runId: string, port: MessagePort): void {
    this.ports.set(runId, port);
    port.on('message', (m: unknown) => {
      const rec = this.recorders.get(runId);
      if (rec) this.log.get(runId)!.push(rec.receive(m));
      this.wake();
    });
    this.wake();
  }

  /** Starts a run on its port and records everything it sends. */
  async start(runId: string, experiment: ExperimentInput, extra: Partial<Extract<ToTrainer, { type: 'start' }>> = {}): Promise<RunRecorder> {
    await this.until(() => this.ports.has(runId));
    const rec = new RunRecorder(runId, experiment);
    this.recorders.set(runId, rec);
    this.log.set(runId, []);
    this.send(runId, { type: 'start', experiment, ...extra });
    return rec;
  }

  send(runId: string, msg: ToTrainer | unknown): void {
    this.ports.get(runId)!.postMessage(msg);
  }

  messages(runId: string): FromTrainer[] {
    return this.log.get(runId) ?? [];
  }

  wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of new Set(w)) f();
  }

  /** Resolves once `cond` holds, checked after every UI event and every 10 ms (for state main holds); fails after `ms`. */
  until(cond: () => boolean, ms = 30_000, what = 'condition'): Promise<void> {
    return new Promise((resolve, reject) => {
      let done = false;
      const poll = setInterval(() => check(), 10);
      const timer = setTimeout(() => {
        done = true;
        clearInterval(poll);
        reject(new Error(`timed out waiting for ${what}`));
      }, ms);
      const check = () => {
        if (done) return;
        if (cond()) {
          done = true;
          clearTimeout(timer);
          clearInterval(poll);
          resolve();
        } else this.waiters.push(check);
      };
      check();
    });
  }
}

/** What a host needs of a window in these tests: it is handed ports and told run events. */
export interface PortOwner {
  port(runId: string, port: MessagePort): void;
  event(event: RunEvent): void;
}

/** A trainer host whose "utility processes" are worker threads running the real trainer runtime. */
export function nodeHost<Owner extends PortOwner = FakeUi>(_owner: Owner, options: Partial<HostDeps<MessagePort, Owner>> = {}) {
  const children: ReturnType<typeof spawnThread>[] = [];
  let maxLive = 0;
  const host: TrainerHost<MessagePort, Owner> = new TrainerHost<MessagePort, Owner>({
    spawn: () => {
      const child = spawnThread();
      children.push(child);
      queueMicrotask(() => (maxLive = Math.max(maxLive, host.liveProcesses)));
      return child;
    },
    createChannel: () => {
      const { port1, port2 } = new MessageChannel();
      return { ui: port1, trainer: port2 };
    },
    deliverPort: (owner, runId, port) => owner.port(runId, port),
    notify: (owner, event) => owner.event(event),
    maxProcesses: 2,
    reclaimAfterMs: 50,
    ...options,
  });
  return { host, children, maxLive: () => maxLive };
}

/** A small 2-D classification run: quick, deterministic, with a prediction grid. */
export const xor = (steps: number, learningRate = 0.1): ExperimentInput => ({
  version: 1,
  name: 'xor test',
  seed: 7,
  data: { kind: 'xor', samples: 64 },
  layers: [
    { units: 8, activation: 'tanh' },
    { units: 2, activation: 'linear' },
  ],
  bias: true,
  init: { weights: 'xavier', biases: 'zeros' },
  loss: 'softmax-cross-entropy',
  learningRate,
  steps,
});

/** Linear regression with a learning rate far too large: the loss overflows within a few hundred steps. */
export const diverging: ExperimentInput = {
  version: 1,
  name: 'diverging',
  seed: 3,
  data: { kind: 'random-regression', samples: 16, inputs: 4, outputs: 1 },
  layers: [{ units: 1, activation: 'linear' }],
  bias: true,
  init: { weights: 'standard-normal' },
  loss: 'sse',
  learningRate: 10,
  steps: 100_000,
};
