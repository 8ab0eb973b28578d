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
 *   (node_modules/.cache/nnlab) with the list of files it was made from and rebuilt only when one of
 *   them changed, so a CLI start does not bundle again; Node's compile cache keeps its parsed code.
 * - The kernels are compiled once, here, and posted to every worker with its start-up data.
 * Without esbuild (a bundled app) the boot file loads the worker module through tsx.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import writeFileAtomic from 'write-file-atomic';
import type { SweepResults } from '../core/contract/sweep';
import { inThreadSweepWorker } from '../core/service/in-thread-worker';
import { runSweep, type SweepRunOptions, type SweepWorkerFactory } from '../core/service/sweep-runner';
import type { SweepPoint } from '../core/sweep';
import { compiledKernelsToShare } from '../core/wasm/backend';

const BOOT = new URL('./sweep-worker.mjs', import.meta.url);
const ENTRY = new URL('./sweep-worker.ts', import.meta.url);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'nnlab');

/** How a worker loads its module: a bundle file on disk, bundled code to eval, or the tsx boot file. */
export type WorkerSource = { file: string } | { code: string } | null;

const inMemory = new Map<string, WorkerSource>();

type Stamp = [path: string, mtimeMs: number, size: number];

/**
 * How the bundle is built. Minified (292 KB with zod imported as a namespace): a new thread loads it
 * in ~24 ms, compile cache warm, on the 2-core machine; it is a sweep's start-up. A manifest built
 * otherwise is rebuilt.
 */
const BUILD = { bundle: true, format: 'cjs', platform: 'node', target: 'node20', minify: true } as const;

interface Manifest {
  esbuild: string;
  /** The build options it was made with (BUILD). */
  build?: string;
  /** The bundle file as written (a truncated or replaced one is rebuilt). */
  bundle: Stamp;
  /** Every file the bundle was made from, with the modification time and size it had. */
  inputs: Stamp[];
}

const stamp = (path: string): Stamp => {
  const s = statSync(path);
  return [path, s.mtimeMs, s.size];
};

const unchanged = ([path, mtimeMs, size]: Stamp) => {
  try {
    const s = statSync(path);
    return s.mtimeMs === mtimeMs && s.size === size;
  } catch {
    return false;
  }
};

/**
 * The worker module and everything it imports as one CommonJS script: a file from the disk cache
 * while every input is as it was (checked at each pool start, a few stat calls, so a long-lived
 * process picks up edits), else bundled now; kept in memory only where it cannot be written.
 */
export function sweepWorkerSource(entry: URL): WorkerSource {
  const kept = inMemory.get(entry.href);
  if (kept !== undefined) return kept;
  let esbuild: typeof import('esbuild');
  try {
    esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  } catch {
    inMemory.set(entry.href, null);
    return null;
  }
  const manifestFile = join(CACHE_DIR, `sweep-worker-${createHash('sha256').update(entry.href).digest('hex').slice(0, 16)}.json`);
  try {
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
    if (manifest.esbuild === esbuild.version && manifest.build === JSON.stringify(BUILD) && unchanged(manifest.bundle) && manifest.inputs.every(unchanged)) return { file: manifest.bundle[0] };
  } catch {
    // Not built yet (or unreadable): build it.
  }
  let out: import('esbuild').BuildResult<{ write: false; metafile: true }>;
  try {
    out = esbuild.buildSync({ entryPoints: [fileURLToPath(entry)], absWorkingDir: ROOT, ...BUILD, write: false, metafile: true, logLevel: 'silent' });
  } catch {
    inMemory.set(entry.href, null);
    return null;
  }
  const code = out.outputFiles[0]!.text;
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    // Named by content, so a process still loading an older bundle never sees it change.
    const bundle = join(CACHE_DIR, `sweep-worker-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.cjs`);
    writeFileAtomic.sync(bundle, code);
    const inputs = Object.keys(out.metafile.inputs).map((p) => stamp(isAbsolute(p) ? p : join(ROOT, p)));
    writeFileAtomic.sync(manifestFile, JSON.stringify({ esbuild: esbuild.version, build: JSON.stringify(BUILD), bundle: stamp(bundle), inputs } satisfies Manifest));
    pruneOldBundles();
    return { file: bundle };
  } catch {
    // A read-only install: run the bundle from memory.
    inMemory.set(entry.href, { code });
    return { code };
  }
}

/** Bundles are replaced, never rewritten: one written over a day ago is loaded by no pool still starting (a manifest that goes is rebuilt). */
function pruneOldBundles(): void {
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const name of readdirSync(CACHE_DIR)) {
    if (!/^sweep-worker-[0-9a-f]{16}\.(cjs|json)$/.test(name)) continue;
    const file = join(CACHE_DIR, name);
    try {
      if (statSync(file).mtimeMs < dayAgo) rmSync(file);
    } catch {
      // Removed by another process meanwhile.
    }
  }
}

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
  const workerData = { entry: entry.href, kernels: compiledKernelsToShare() };
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
