/**
 * The browser's sweep pool: core/service/sweep-runner.ts scheduling over module Web Workers. Each
 * worker is kept for every run it takes, so it compiles the kernels once, and between sweeps
 * (core/service/kept-workers.ts, wired in web-host.ts).
 */
import type { SweepWorkerFactory } from '../../../core/service/sweep-runner';

/**
 * One worker per logical core, at most 8: small runs gain little past that and each worker holds its
 * own kernels and memory. Never fewer than 2, so a crashed run does not stall the others.
 */
export function webSweepWorkerCount(cores: number | undefined = globalThis.navigator?.hardwareConcurrency): number {
  return Math.max(2, Math.min(8, Math.floor(cores ?? 2)));
}

export function webSweepWorkerFactory(): SweepWorkerFactory {
  return (events) => {
    const worker = new Worker(new URL('./sweep.worker.ts', import.meta.url), { type: 'module', name: 'nnlab-sweep' });
    worker.addEventListener('message', (e) => events.message(e.data));
    worker.addEventListener('messageerror', () => events.crash('a message could not be read'));
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      events.crash(e.message || 'worker error');
    });
    return {
      post: (job) => worker.postMessage(job),
      terminate: () => worker.terminate(),
    };
  };
}
