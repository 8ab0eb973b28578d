/**
 * The sweep pool on Node: core/service/sweep-runner.ts scheduling over worker_threads. One worker
 * per core by default; each loads the core once and keeps its compiled kernels for every run it takes.
 *
 * Workers run the worker module bundled once per process by esbuild and eval'd: loading the
 * TypeScript through tsx in every worker cost ~1.5 s per worker on a busy 2-core machine, longer
 * than a whole small run. Without esbuild (a bundled app) the boot file loads it through tsx.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SweepResults } from '../core/contract/sweep';
import { runSweep, type SweepRunOptions, type SweepWorkerFactory } from '../core/service/sweep-runner';
import type { SweepPoint } from '../core/sweep';

const BOOT = new URL('./sweep-worker.mjs', import.meta.url);
const ENTRY = new URL('./sweep-worker.ts', import.meta.url);

const bundles = new Map<string, string | null>();

/** The worker module and everything it imports as one CommonJS script, or null without esbuild. */
function bundle(entry: URL): string | null {
  let code = bundles.get(entry.href);
  if (code !== undefined) return code;
  try {
    const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
    const out = esbuild.buildSync({ entryPoints: [fileURLToPath(entry)], bundle: true, format: 'cjs', platform: 'node', target: 'node20', write: false, logLevel: 'silent' });
    code = out.outputFiles[0]!.text;
  } catch {
    code = null;
  }
  bundles.set(entry.href, code);
  return code;
}

export const defaultWorkerCount = (): number => Math.max(1, availableParallelism());

export interface NodePoolOptions {
  /** The worker module (TypeScript or JavaScript) the boot file imports; tests pass one that crashes on cue. */
  entry?: URL;
}

export function nodeSweepWorkerFactory(options: NodePoolOptions = {}): SweepWorkerFactory {
  return (events) => {
    const entry = options.entry ?? ENTRY;
    const code = bundle(entry);
    const worker = code !== null ? new Worker(code, { eval: true }) : new Worker(BOOT, { workerData: { entry: entry.href } });
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
