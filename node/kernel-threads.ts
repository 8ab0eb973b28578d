/**
 * Worker threads for the WASM kernels, on Node (the CLI, the bench, Electron's utility process).
 * The core stays platform-free: it queues a pass's kernel calls per thread (core/wasm/kernel-jobs.ts);
 * this module supplies the threads. Each worker instantiates the same compiled kernels on the same
 * shared memory and waits on its own control block; a hand-over is one Atomics.store + notify, and
 * the caller spins, then sleeps, until every queue is done. Workers spin for a while before
 * sleeping, because a training step hands over its passes tens of microseconds apart.
 *
 * Results are bit-identical to one thread: every value is computed by the same kernel code
 * wherever its band runs (test/wasm-threads.test.ts).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { Trainer, type Experiment } from '../core';
import { compiledKernels, createWasmBackend, JOB_QUEUE_SLOTS, KernelMemory, type KernelPrecision, type KernelThreads, type WasmBackend } from '../core/wasm/backend';
import { JOB_OPS, JobQueue, jobFunctions, runJobs } from '../core/wasm/kernel-jobs';

/** Control block per worker, in Int32 slots: [seq, done, claim, queue length]. */
const SLOTS = 4;
const SEQ = 0;
const DONE = 1;
/** Holds the seq of a queue nobody has taken yet; whoever swaps it to 0 runs the queue. */
const CLAIM = 2;
const LENGTH = 3;
/**
 * How long an idle worker keeps spinning before it sleeps in Atomics.wait. A step's passes are
 * handed over tens of microseconds apart (the loss, the update in between) and waking a sleeping
 * thread costs about as much, so it spins through those gaps; between runs it sleeps.
 */
const SPIN_MS = 1;
/** A worker that has not finished its queue by then is taken as dead. */
const TIMEOUT_MS = 30_000;

// Eval'd as CommonJS in the worker: no file to locate after bundling. The queue decoder is
// runJobs's own source, so both sides decode a queue with the same code (bound to a name here:
// a bundler may rename the declaration).
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { module, memory, control, queue, index, ops, spinMs } = workerData;
const k = new WebAssembly.Instance(module, { env: { memory } }).exports;
const fns = ops.map((name) => k[name]);
const c = new Int32Array(control, index * ${SLOTS} * 4, ${SLOTS});
const q = new Int32Array(queue);
const runJobs = (${runJobs.toString()});
let seen = 0;
parentPort.postMessage('ready');
for (;;) {
  const t0 = performance.now();
  let s = 0;
  while (Atomics.load(c, ${SEQ}) === seen) {
    // Check the clock every 256 turns; past the spin budget, sleep until notified.
    if ((++s & 255) === 0 && performance.now() - t0 > spinMs) Atomics.wait(c, ${SEQ}, seen, 100);
  }
  seen = Atomics.load(c, ${SEQ});
  if (seen < 0) break;
  // The caller may have taken the queue back (it does when this thread was slow to wake).
  if (Atomics.compareExchange(c, ${CLAIM}, seen, 0) === seen) runJobs(fns, q, c[${LENGTH}]);
  Atomics.store(c, ${DONE}, seen);
  Atomics.notify(c, ${DONE});
}
`;

export interface ThreadedBackend extends WasmBackend {
  /** Stops the workers; the backend then runs on one thread. */
  close(): Promise<void>;
}

export interface ThreadedBackendOptions {
  precision?: KernelPrecision;
  relaxed?: boolean;
  /** Total threads including the caller's (default 2: these machines have two cores). */
  threads?: number;
}

/**
 * Consecutive queues a worker left for the caller to take back before the caller stops handing it
 * any for REST_PASSES passes. A worker that keeps missing is not getting a core (another run or
 * process has it: the desktop app's Compare trains several runs at once), and every post then costs
 * a wake-up and a spin for nothing; after the rest it is tried again, and a worker that misses again
 * rests twice as long. Three classroom runs at once (`nnlab train`, 4,000 steps each) took 8.1–8.3 s
 * with 2 threads each and no rests, 5.9–6.2 s with them, 5.2–6.0 s on one thread each. A streak of 3
 * rested one run alone too (2.0–2.1 s against 1.8–1.9 s: waking a sleeping worker after a history
 * entry can take a whole step), 8 did not (1.9–2.0 s). Same bits either way.
 */
const MISSES = 8;
const REST_PASSES = 300;
/** Rests double while the worker keeps missing right after one, up to this many passes. */
const MAX_REST_PASSES = 38_400;

/** The caller's side of the workers (exported for tests: a block with no thread behind it is a worker that never gets a core). */
export class AtomicsThreads implements KernelThreads {
  private readonly blocks: Int32Array[];
  private readonly queues: JobQueue[];
  /** Workers posted since the last finish(): a counted Int32Array (an array emptied with length = 0 drops its store, and push then allocates a new one every pass). */
  private readonly pending: Int32Array;
  private posted = 0;
  private seq = 0;
  /** Queues taken back in a row, and passes left to run without the workers (see MISSES). */
  private missed = 0;
  private resting = 0;
  private rest = REST_PASSES;
  closed = false;
  /** This thread's kernel functions in queue op order, to run queues taken back (set once the backend exists). */
  local: ((...args: number[]) => void)[] | null = null;

  constructor(
    control: SharedArrayBuffer,
    queues: SharedArrayBuffer[],
    private readonly workers: number,
  ) {
    this.blocks = Array.from({ length: workers }, (_, i) => new Int32Array(control, i * SLOTS * 4, SLOTS));
    this.queues = queues.map((b) => new JobQueue(new Int32Array(b)));
    this.pending = new Int32Array(workers);
  }

  get count(): number {
    return this.closed ? 0 : this.workers;
  }

  queue(worker: number): JobQueue {
    return this.queues[worker]!;
  }

  /** Posts handed to a worker so far (for tests). */
  get handedOver(): number {
    return this.seq;
  }

  post(worker: number): void {
    if (this.resting > 0) {
      // Resting: the caller runs this queue itself in finish(), the worker is not woken.
      this.resting--;
      this.pending[this.posted++] = ~worker;
      return;
    }
    const blk = this.blocks[worker]!;
    this.seq = this.seq === 0x7fffffff ? 1 : this.seq + 1;
    blk[LENGTH] = this.queues[worker]!.length;
    Atomics.store(blk, CLAIM, this.seq);
    Atomics.store(blk, SEQ, this.seq);
    Atomics.notify(blk, SEQ);
    this.pending[this.posted++] = worker;
  }

  /**
   * Waits for every posted queue. A queue its thread has not yet taken (the thread was asleep, or
   * descheduled on a busy machine) the caller takes back and runs itself: the same kernels on the
   * same memory, so the same bits, and a late wake-up costs no more than one thread would have.
   */
  finish(): void {
    for (let i = 0; i < this.posted; i++) {
      const entry = this.pending[i]!;
      if (entry < 0) {
        const q = this.queues[~entry]!;
        runJobs(this.local!, q.slots, q.length);
        continue;
      }
      const worker = entry;
      const blk = this.blocks[worker]!;
      const want = Atomics.load(blk, SEQ);
      if (this.local && Atomics.compareExchange(blk, CLAIM, want, 0) === want) {
        runJobs(this.local, this.queues[worker]!.slots, blk[LENGTH]!);
        this.miss();
        continue;
      }
      // Spin, then sleep in 1 ms waits; counted in waits, not read off a clock (Date.now() returns a
      // heap number in this loop: one allocation a pass, seen by test/helpers/gc-check.ts).
      let spins = 0;
      let waits = 0;
      while (Atomics.load(blk, DONE) !== want) {
        if ((++spins & 4095) === 0) {
          Atomics.wait(blk, DONE, Atomics.load(blk, DONE), 1);
          if (++waits > TIMEOUT_MS) throw new Error(`kernel worker ${worker} did not finish its queue within ${TIMEOUT_MS / 1000} s`);
        }
      }
      // Only a queue never taken counts as missed: a worker merely later than the caller (its band was
      // bigger, or it woke late) is doing its share. Counting sleeps as misses rested a quiet run 35 %
      // of the time.
      this.missed = 0;
      this.rest = REST_PASSES;
    }
    this.posted = 0;
  }

  private miss(): void {
    if (++this.missed < MISSES) return;
    this.missed = 0;
    this.resting = this.rest;
    this.rest = Math.min(2 * this.rest, MAX_REST_PASSES);
  }
}

/**
 * A WASM backend whose step passes run on `threads` threads (Node only; shared memory), usable at
 * once: until a worker has started, the caller takes back every queue posted to it (finish()), so
 * the first steps run on one thread and nothing waits for the workers. `ready` settles when they run.
 */
export function startThreadedWasmBackend(options: ThreadedBackendOptions = {}): ThreadedBackend & { ready: Promise<void> } {
  const count = Math.max(0, (options.threads ?? 2) - 1);
  const memory = new KernelMemory(0, true);
  const { module } = compiledKernels(true, options.relaxed ?? true);
  const control = new SharedArrayBuffer(Math.max(1, count) * SLOTS * 4);
  const queues = Array.from({ length: count }, () => new SharedArrayBuffer(JOB_QUEUE_SLOTS * 4));
  const threads = new AtomicsThreads(control, queues, count);
  const workers = Array.from({ length: count }, (_, index) => new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory: memory.memory, control, queue: queues[index], index, ops: JOB_OPS, spinMs: SPIN_MS } }));
  const ready = Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve, reject) => {
          // Idle workers must not keep the process alive, but one starting must: a caller awaiting
          // `ready` with nothing else pending would otherwise see Node exit under it (code 13).
          w.once('message', () => {
            w.unref();
            resolve();
          });
          w.once('error', reject);
        }),
    ),
  ).then(
    () => undefined,
    (e: unknown) => {
      // A worker that failed to start never takes a queue: the caller runs them all from now on.
      threads.closed = true;
      throw e;
    },
  );
  const backend = createWasmBackend({ precision: options.precision, relaxed: options.relaxed, memory, threads: count > 0 ? threads : undefined });
  threads.local = jobFunctions(backend.kernels);
  return Object.assign(backend, {
    name: `${backend.name}-x${count + 1}`,
    ready,
    async close() {
      if (threads.closed && workers.length === 0) return;
      threads.closed = true;
      const blocks = Array.from({ length: count }, (_, i) => new Int32Array(control, i * SLOTS * 4, SLOTS));
      for (const blk of blocks) {
        Atomics.store(blk, SEQ, -1);
        Atomics.notify(blk, SEQ);
      }
      await Promise.all(workers.splice(0).map((w) => w.terminate()));
    },
  });
}

/** startThreadedWasmBackend, once its workers run (the CLI and the bench: timing starts with them ready). */
export async function createThreadedWasmBackend(options: ThreadedBackendOptions = {}): Promise<ThreadedBackend> {
  const backend = startThreadedWasmBackend(options);
  await backend.ready;
  return backend;
}

/**
 * Kernel threads for one run where they pay: a second thread on a multi-core machine when the run's
 * passes split (Trainer.splitsPasses), else undefined (the trainer's default backend). For the
 * trainer service of Electron's utility process (TrainerServiceOptions.backendFor).
 */
export function leaseKernelThreads(experiment: Experiment): ThreadedBackend | undefined {
  if (availableParallelism() < 2 || !Trainer.splitsPasses(experiment)) return undefined;
  const backend = startThreadedWasmBackend({ precision: experiment.precision ?? 'float64', threads: 2 });
  // A failed start leaves the run on one thread (the queues are taken back); nothing to report.
  backend.ready.catch(() => undefined);
  return backend;
}
