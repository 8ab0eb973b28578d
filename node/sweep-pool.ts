/**
 * The sweep pool on Node: core/service/sweep-runner.ts scheduling over this thread and worker_threads.
 * One worker per core by default, this thread one of them (core/service/in-thread-worker.ts); each
 * loads the core once and keeps its compiled kernels and kernel memory for every run it takes.
 *
 * Start-up is most of a small sweep's overhead, so every part of it is paid once:
 * - This thread takes runs at once; only the other workers are threads to start (a thread's own
 *   boot, before any of our code, was ~42 ms of CPU on the 2-core machine, Node compiling its
 *   built-in modules for the new thread).
 * - Workers run the worker module bundled by esbuild into one CommonJS file. Loading the TypeScript
 *   through tsx in every worker took seconds per worker on a busy machine. The bundle is kept on disk
 *   (node/bundle-cache.mjs, in node_modules/.cache/nnlab) with the list of files it was made from and rebuilt only when one of
 *   them changed, so a CLI start does not bundle again; Node's compile cache keeps its parsed code.
 * - The kernels are compiled once, here, and posted to every worker with its start-up data.
 * Without esbuild (a bundled app) the boot file loads the worker module through tsx.
 */
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SweepResults } from '../core/contract/sweep';
import { inThreadSweepWorker } from '../core/service/in-thread-worker';
import { runSweep, type SweepRunOptions, type SweepWorkerFactory } from '../core/service/sweep-runner';
import type { SweepPoint } from '../core/sweep';
import { compiledKernelsToShare, wideKernels } from '../core/wasm/backend';
import { cachedBundle, type Bundle } from './bundle-cache.mjs';

const BOOT = new URL('./sweep-worker.mjs', import.meta.url);
const ENTRY = new URL('./sweep-worker.ts', import.meta.url);

/** How a worker loads its module: a bundle file on disk, bundled code to eval, or the tsx boot file. */
export type WorkerSource = Bundle;

/**
 * The worker module and everything it imports as one CommonJS script (node/bundle-cache.mjs): a file
 * from the disk cache while every input is as it was (checked at each pool start, a few stat calls,
 * so a long-lived process picks up edits), else bundled now; kept in memory only where it cannot be written.
 */
export const sweepWorkerSource = (entry: URL): WorkerSource => cachedBundle(fileURLToPath(entry), 'sweep-worker');

/** Starts a worker on the bundle file through Node's compile cache (the parsed code is kept beside the bundle). */
const bootFromFile = (file: string) => `const m = require('node:module');
m.enableCompileCache?.(${JSON.stringify(join(dirname(file), 'compile-cache'))});
require(${JSON.stringify(file)});
m.flushCompileCache?.();`;

export const defaultWorkerCount = (): number => Math.max(1, availableParallelism());

export interface NodePoolOptions {
  /** The worker module (TypeScript or JavaScript) the boot file imports; tests pass one that crashes on cue. */
  entry?: URL;
  /**
   * This thread is one of the pool's workers (core/service/in-thread-worker.ts), so a pool of N
   * starts N − 1 threads. Default: yes with the default worker module; a custom `entry` gets threads only.
   */
  inThread?: boolean;
}

export function nodeSweepWorkerFactory(options: NodePoolOptions = {}): SweepWorkerFactory {
  const entry = options.entry ?? ENTRY;
  const source = sweepWorkerSource(entry);
  // The kernels, compiled once, and whether this thread runs the wide tiles (node/wide-kernels.ts):
  // the V8 flag is the process's, the choice of tiles each thread's own.
  const workerData = { entry: entry.href, kernels: compiledKernelsToShare(), wide: wideKernels() };
  return (events) => {
    const worker =
      source === null
        ? new Worker(BOOT, { workerData })
        : 'file' in source
          ? new Worker(bootFromFile(source.file), { eval: true, workerData })
          : new Worker(source.code, { eval: true, workerData });
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

/**
 * Runs the sweep on this thread and worker threads, one worker per core in all. This thread would
 * otherwise only wait for messages, and starting a thread costs more than a small run (a worker
 * thread's boot ~45 ms and the bundle's load ~24 ms on the 2-core machine, then its first run at
 * half speed while the JIT warms up), so it
 * takes runs too, in short slices between its events.
 */
export function runSweepOnThreads(points: readonly SweepPoint[], options: Omit<SweepRunOptions, 'createWorker' | 'workers'> & NodePoolOptions & { workers?: number }): Promise<SweepResults> {
  const threads = nodeSweepWorkerFactory(options);
  let createWorker = threads;
  if (options.inThread ?? options.entry === undefined) {
    const here = inThreadSweepWorker();
    let taken = false;
    // The first worker asked for is this thread (the runner asks for it first and for replacements later).
    createWorker = (events) => {
      if (taken) return threads(events);
      taken = true;
      return here(events);
    };
  }
  return runSweep(points, { ...options, workers: options.workers ?? defaultWorkerCount(), createWorker });
}
