/**
 * Worker threads for the WASM kernels, on Node (the CLI, the bench, Electron's utility process).
 * The core stays platform-free: it defines `KernelThreads` and splits each large product into
 * bands; this module supplies the threads. Each worker instantiates the same compiled kernels on
 * the same shared memory and waits on its own control block; a call is one Atomics.store + notify,
 * and the caller blocks in Atomics.wait until every band is done. Workers spin briefly before
 * sleeping, because a training step issues its products microseconds apart.
 *
 * Results are bit-identical to one thread: bands are whole tiles, and every element is computed by
 * the same instruction sequence wherever its tile runs.
 */
import { Worker } from 'node:worker_threads';
import { compiledKernels, createWasmBackend, KernelMemory, type KernelExports, type KernelPrecision, type KernelThreads, type WasmBackend } from '../core/wasm/backend';

/**
 * Control block per worker, in Int32 slots: [seq, done, op, P, N, L, a, sa, panel, b, sb, c, sc, bias]
 * (op 0 tn_f64, 1 tn_f32), or [seq, done, 2, kind, n, z, a] (act_f64); slot CLAIM holds the seq of a
 * band nobody has taken yet.
 */
const SLOTS = 16;
const SEQ = 0;
const DONE = 1;
const OP = 2;
const ARGS = 3;
const CLAIM = 14;
/**
 * Busy-wait iterations before a thread sleeps in Atomics.wait (a few microseconds). Longer spins won
 * a little on an idle machine and collapsed throughput tenfold when other processes wanted the cores.
 */
const SPIN = 2000;
/** A worker that has not finished its band by then is taken as dead. */
const TIMEOUT_MS = 30_000;

// Eval'd as CommonJS in the worker: no file to locate after bundling.
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { module, memory, control, index, spin } = workerData;
const k = new WebAssembly.Instance(module, { env: { memory } }).exports;
const c = new Int32Array(control, index * ${SLOTS} * 4, ${SLOTS});
let seen = 0;
parentPort.postMessage('ready');
for (;;) {
  let s = 0;
  while (Atomics.load(c, ${SEQ}) === seen) {
    if (++s > spin) { Atomics.wait(c, ${SEQ}, seen, 100); s = 0; }
  }
  seen = Atomics.load(c, ${SEQ});
  if (seen < 0) break;
  // The caller may have taken the band back (it does when this thread was slow to wake).
  if (Atomics.compareExchange(c, ${CLAIM}, seen, 0) !== seen) {}
  else if (c[${OP}] === 2) k.act_f64(c[${ARGS}], c[${ARGS + 1}], c[${ARGS + 2}], c[${ARGS + 3}]);
  else (c[${OP}] === 1 ? k.tn_f32 : k.tn_f64)(c[${ARGS}], c[${ARGS + 1}], c[${ARGS + 2}], c[${ARGS + 3}], c[${ARGS + 4}], c[${ARGS + 5}], c[${ARGS + 6}], c[${ARGS + 7}], c[${ARGS + 8}], c[${ARGS + 9}], c[${ARGS + 10}]);
  Atomics.store(c, ${DONE}, seen);
  Atomics.notify(c, ${DONE});
}
`;

function runBand(k: KernelExports, c: Int32Array): void {
  if (c[OP] === 2) k.act_f64(c[ARGS]!, c[ARGS + 1]!, c[ARGS + 2]!, c[ARGS + 3]!);
  else (c[OP] === 1 ? k.tn_f32 : k.tn_f64)(c[ARGS]!, c[ARGS + 1]!, c[ARGS + 2]!, c[ARGS + 3]!, c[ARGS + 4]!, c[ARGS + 5]!, c[ARGS + 6]!, c[ARGS + 7]!, c[ARGS + 8]!, c[ARGS + 9]!, c[ARGS + 10]!);
}

export interface ThreadedBackend extends WasmBackend {
  /** Stops the workers; the backend then runs on one thread. */
  close(): Promise<void>;
}

export interface ThreadedBackendOptions {
  precision?: KernelPrecision;
  relaxed?: boolean;
  /** Total threads including the caller's (default 2: these machines have two cores). */
  threads?: number;
  /** Multiply-adds below which a product stays on one thread (core/wasm/backend.ts has the default). */
  parallelMinWork?: number;
  /** Values below which an activation stays on one thread (core/wasm/backend.ts has the default). */
  parallelMinActivations?: number;
}

class AtomicsThreads implements KernelThreads {
  private readonly blocks: Int32Array[];
  private readonly pending: number[] = [];
  private seq = 0;
  closed = false;
  /** This thread's instance of the kernels, to run bands taken back (set once the backend exists). */
  local: KernelExports | null = null;

  constructor(
    control: SharedArrayBuffer,
    private readonly workers: number,
  ) {
    this.blocks = Array.from({ length: workers }, (_, i) => new Int32Array(control, i * SLOTS * 4, SLOTS));
  }

  /** Zero once closed: the backend then keeps every band on the calling thread. */
  get count(): number {
    return this.closed ? 0 : this.workers;
  }

  start(worker: number, f32: boolean, P: number, N: number, L: number, a: number, sa: number, panel: number, b: number, sb: number, c: number, sc: number, bias: number): void {
    const blk = this.blocks[worker]!;
    blk[OP] = f32 ? 1 : 0;
    blk[ARGS] = P;
    blk[ARGS + 1] = N;
    blk[ARGS + 2] = L;
    blk[ARGS + 3] = a;
    blk[ARGS + 4] = sa;
    blk[ARGS + 5] = panel;
    blk[ARGS + 6] = b;
    blk[ARGS + 7] = sb;
    blk[ARGS + 8] = c;
    blk[ARGS + 9] = sc;
    blk[ARGS + 10] = bias;
    this.post(worker, blk);
  }

  startActivation(worker: number, kind: number, n: number, z: number, a: number): void {
    const blk = this.blocks[worker]!;
    blk[OP] = 2;
    blk[ARGS] = kind;
    blk[ARGS + 1] = n;
    blk[ARGS + 2] = z;
    blk[ARGS + 3] = a;
    this.post(worker, blk);
  }

  private post(worker: number, blk: Int32Array): void {
    this.seq = this.seq === 0x7fffffff ? 1 : this.seq + 1;
    Atomics.store(blk, CLAIM, this.seq);
    Atomics.store(blk, SEQ, this.seq);
    Atomics.notify(blk, SEQ);
    this.pending.push(worker);
  }

  /**
   * Waits for every started band. A band its thread has not yet taken (the thread was asleep, or
   * descheduled on a busy machine) the caller takes back and runs itself: the same kernel on the same
   * memory, so the same bits, and a late wake-up costs no more than one thread would have.
   */
  finish(): void {
    for (const worker of this.pending) {
      const blk = this.blocks[worker]!;
      const want = Atomics.load(blk, SEQ);
      if (this.local && Atomics.compareExchange(blk, CLAIM, want, 0) === want) {
        runBand(this.local, blk);
        continue;
      }
      let spins = 0;
      const t0 = Date.now();
      while (Atomics.load(blk, DONE) !== want) {
        if (++spins > SPIN) {
          Atomics.wait(blk, DONE, Atomics.load(blk, DONE), 50);
          spins = 0;
          if (Date.now() - t0 > TIMEOUT_MS) throw new Error(`kernel worker ${worker} did not finish its band within ${TIMEOUT_MS} ms`);
        }
      }
    }
    this.pending.length = 0;
  }
}

/** A WASM backend whose large products run on `threads` threads (Node only; shared memory). */
export async function createThreadedWasmBackend(options: ThreadedBackendOptions = {}): Promise<ThreadedBackend> {
  const count = Math.max(0, (options.threads ?? 2) - 1);
  const memory = new KernelMemory(0, true);
  const { module } = compiledKernels(true, options.relaxed ?? true);
  const control = new SharedArrayBuffer(Math.max(1, count) * SLOTS * 4);
  const workers = await Promise.all(
    Array.from({ length: count }, (_, index) => {
      const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory: memory.memory, control, index, spin: SPIN } });
      return new Promise<Worker>((resolve, reject) => {
        w.once('message', () => resolve(w));
        w.once('error', reject);
      });
    }),
  );
  // Idle workers must not keep the process alive.
  for (const w of workers) w.unref();
  const threads = new AtomicsThreads(control, count);
  const backend = createWasmBackend({ precision: options.precision, relaxed: options.relaxed, memory, threads: count > 0 ? threads : undefined, parallelMinWork: options.parallelMinWork, parallelMinActivations: options.parallelMinActivations });
  threads.local = backend.kernels;
  return Object.assign(backend, {
    name: `${backend.name}-x${count + 1}`,
    async close() {
      if (threads.closed) return;
      threads.closed = true;
      const blocks = Array.from({ length: count }, (_, i) => new Int32Array(control, i * SLOTS * 4, SLOTS));
      for (const blk of blocks) {
        Atomics.store(blk, SEQ, -1);
        Atomics.notify(blk, SEQ);
      }
      await Promise.all(workers.map((w) => w.terminate()));
    },
  });
}
