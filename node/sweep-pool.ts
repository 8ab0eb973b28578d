/**
 * The sweep pool on Node: core/service/sweep-runner.ts scheduling over worker_threads. One worker
 * per core by default; each loads the core once and keeps its compiled kernels for every run it takes.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { SweepResults } from '../core/contract/sweep';
import { runSweep, type SweepRunOptions, type SweepWorkerFactory } from '../core/service/sweep-runner';
import type { SweepPoint } from '../core/sweep';

const BOOT = new URL('./sweep-worker.mjs', import.meta.url);

export const defaultWorkerCount = (): number => Math.max(1, availableParallelism());

export interface NodePoolOptions {
  /** The worker module (TypeScript or JavaScript) the boot file imports; tests pass one that crashes on cue. */
  entry?: URL;
}

export function nodeSweepWorkerFactory(options: NodePoolOptions = {}): SweepWorkerFactory {
  return (events) => {
    const worker = new Worker(BOOT, { workerData: { entry: options.entry?.href } });
    worker.on('message', (m) => events.message(m));
    worker.on('messageerror', (e) => events.crash(`a message could not be read: ${e.message}`));
    worker.on('error', (e) => events.crash(e.message || String(e)));
    // The pool terminates workers it retires and ignores their exit; any other exit is a crash.
    worker.on('exit', (code) => events.crash(`the worker exited (code ${code})`));
    return {
      post: (job) => worker.postMessage(job),
      terminate: () => void worker.terminate(),
    };
  };
}

export function runSweepOnThreads(points: readonly SweepPoint[], options: Omit<SweepRunOptions, 'createWorker' | 'workers'> & NodePoolOptions & { workers?: number }): Promise<SweepResults> {
  return runSweep(points, { ...options, workers: options.workers ?? defaultWorkerCount(), createWorker: nodeSweepWorkerFactory(options) });
}
