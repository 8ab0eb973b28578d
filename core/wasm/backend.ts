/**
 * The WebAssembly SIMD backend: the same three products as the TypeScript reference, computed by
 * register-blocked SIMD128 kernels (core/wasm/kernels.wat.mjs) in one linear memory. `alloc`
 * hands out views of that memory so the trainer's buffers are the kernels' operands with no
 * copying; an array from elsewhere still works, through a copy into scratch.
 *
 * Pure core code: no Node or DOM imports, synchronous instantiation (the module is a few KB),
 * so it runs the same in Node, a browser worker and Electron's utility process. (Over 400 lines on
 * purpose: every kernel call's pointer arithmetic against the one linear memory stays in one file.)
 */
import type { Activation } from '../experiment';
import type { Backend } from '../kernels';
import { JobQueue, jobFunctions, recorder, runJobs, type JobTarget } from './kernel-jobs';
import * as modules from './generated/kernels';

export type KernelPrecision = 'float64' | 'float32';

export interface WasmBackendOptions {
  /** Use relaxed-SIMD FMA when the runtime validates it (default true); false forces the plain path. */
  relaxed?: boolean;
  /**
   * Bytes to reserve for a private (non-shared) memory, which cannot grow without invalidating the
   * views already handed out. Ignored where a shared memory is available (Node, Electron, isolated pages).
   */
  reserveBytes?: number;
  /**
   * Products in the wide tiles (tnw_*), which pay only where V8's revectorizer turns pairs of SIMD
   * vectors into AVX2 ones (node/wide-kernels.ts); default: what wideKernels() says.
   */
  wide?: boolean;
}

let wideByDefault = false;

/**
 * Whether backends created from now on use the wide tiles by default. Set by the Node side once it
 * has turned V8's revectorizer on (node/wide-kernels.ts): a browser, or a runtime without it, keeps
 * the narrow tiles, which are faster there. Same results either way, bit for bit.
 */
export function wideKernels(on?: boolean): boolean {
  if (on !== undefined) wideByDefault = on;
  return wideByDefault;
}

/** The raw exports; pointers are byte addresses in `memory`, strides in elements. */
export interface KernelExports {
  tn_f64(P: number, N: number, L: number, a: number, sa: number, panel: number, b: number, sb: number, c: number, sc: number, bias: number): void;
  tn_f32(P: number, N: number, L: number, a: number, sa: number, panel: number, b: number, sb: number, c: number, sc: number, bias: number): void;
  /** tn_f64 / tn_f32 in wider tiles, for the revectorizer: the same sums, bit for bit. */
  tnw_f64(P: number, N: number, L: number, a: number, sa: number, panel: number, b: number, sb: number, c: number, sc: number, bias: number): void;
  tnw_f32(P: number, N: number, L: number, a: number, sa: number, panel: number, b: number, sb: number, c: number, sc: number, bias: number): void;
  transpose_f64(rows: number, cols: number, src: number, dst: number): void;
  transpose_f32(rows: number, cols: number, src: number, dst: number): void;
  pack_f64(m: number, k: number, src: number, dst: number): void;
  pack_f32(m: number, k: number, src: number, dst: number): void;
  pack_f64_f32(m: number, k: number, src: number, dst: number): void;
  transpose_f64_f32(rows: number, cols: number, src: number, dst: number): void;
  demote(n: number, src: number, dst: number): void;
  promote(n: number, src: number, dst: number): void;
  promote_bias(rows: number, cols: number, src: number, dst: number, bias: number): void;
  sgd(n: number, lr: number, g: number, w: number): void;
  act_f64(kind: number, n: number, z: number, a: number): void;
  /** act_f64 with tanh and sigmoid computed in float32 lanes (float64 in and out). */
  act_f32(kind: number, n: number, z: number, a: number): void;
  exp_f64(n: number, src: number, dst: number): void;
  /** e^x for x ≤ 0 (the softmax's z − max), one division a pair. */
  expneg_f64(n: number, src: number, dst: number): void;
  /** fdlibm's ln, as V8's Math.log: for the tests. */
  log_f64(x: number): number;
  softmax_ce_f64(rows: number, n: number, out: number, y: number, grad: number, cell: number): void;
  derive_f64(kind: number, rows: number, cols: number, z: number, a: number, dz: number, db: number): void;
  gather_f64(rows: number, width: number, idx: number, src: number, dst: number): void;
  colsum_f64(rows: number, cols: number, stride: number, src: number, dst: number): void;
  sgd_at(n: number, rate: number, g: number, w: number): void;
}

/** Activation codes of act_f64 / derive_f64 (kernels.wat.mjs). */
export const ACTIVATION_CODES: Record<Activation, number> = { linear: 0, relu: 1, tanh: 2, sigmoid: 3 };

/** Rows per packed panel; must match ROWS in kernels.wat.mjs. */
const PANEL_ROWS = 4;
const PAGE = 65536;
const MAX_PAGES = 65536;
const ALIGN = 64;

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const lookup = new Uint8Array(128);
  for (let i = 0; i < alphabet.length; i++) lookup[alphabet.charCodeAt(i)] = i;
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    const n = (lookup[s.charCodeAt(i)]! << 18) | (lookup[s.charCodeAt(i + 1)]! << 12) | (lookup[s.charCodeAt(i + 2)]! << 6) | lookup[s.charCodeAt(i + 3)]!;
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

let relaxedCache: boolean | null = null;
/** Whether this runtime runs relaxed SIMD (Chromium/Electron yes; Node 20 only with a flag). */
export function relaxedSimdSupported(): boolean {
  relaxedCache ??= WebAssembly.validate(decodeBase64(modules.relaxed));
  return relaxedCache;
}

/** Whether this runtime runs the kernels at all (SIMD128: every Node ≥ 16.4 and Chromium ≥ 91). */
let simdCache: boolean | null = null;
export function wasmSimdSupported(): boolean {
  simdCache ??= typeof WebAssembly === 'object' && WebAssembly.validate(decodeBase64(modules.plain));
  return simdCache;
}

function sharedMemoryAvailable(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  try {
    return new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

/**
 * A bump allocator over one wasm memory. A shared memory grows in place (old views stay valid);
 * a private one is reserved up front (the OS commits pages only when touched), because growing it
 * would detach every view already handed to the trainer.
 */
export class KernelMemory {
  readonly memory: WebAssembly.Memory;
  readonly shared: boolean;
  private top = ALIGN; // address 0 stays unused so 0 can mean "no bias"
  private readonly owned = new WeakSet<ArrayBufferLike>();
  /**
   * The views handed out. A view of a shared memory does not always report a buffer object this
   * memory has seen (after grows and GCs in Node 24 it did not), so each view is known by itself too.
   */
  private readonly views = new WeakSet<ArrayBufferView>();

  constructor(reserveBytes: number, forceShared?: boolean) {
    this.shared = forceShared ?? sharedMemoryAvailable();
    this.memory = this.shared
      ? new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared: true })
      : new WebAssembly.Memory({ initial: Math.ceil(reserveBytes / PAGE), maximum: MAX_PAGES });
    this.owned.add(this.memory.buffer);
  }

  /** Byte address of `bytes` fresh bytes, 64-byte aligned. */
  reserve(bytes: number): number {
    const addr = this.top;
    const end = addr + Math.ceil(bytes / ALIGN) * ALIGN;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      if (!this.shared) {
        throw new Error(`WASM kernel memory exhausted: ${end} bytes needed, ${have} reserved (raise reserveBytes)`);
      }
      this.memory.grow(Math.ceil((end - have) / PAGE));
      this.owned.add(this.memory.buffer);
    }
    this.top = end;
    return addr;
  }

  f64(length: number): Float64Array {
    const addr = this.reserve(length * 8);
    const view = new Float64Array(this.memory.buffer, addr, length);
    this.views.add(view);
    return view;
  }

  f32(length: number): Float32Array {
    const addr = this.reserve(length * 4);
    const view = new Float32Array(this.memory.buffer, addr, length);
    this.views.add(view);
    return view;
  }

  i32(length: number): Int32Array {
    const addr = this.reserve(length * 4);
    const view = new Int32Array(this.memory.buffer, addr, length);
    this.views.add(view);
    return view;
  }

  /**
   * Frees everything handed out, zeroing it, so the memory is as a fresh one to its next user (whose
   * pages are then already mapped: a fresh memory's first touches cost a small run ~1 ms). Every
   * view handed out before, and any backend over this memory, must no longer be used.
   */
  reset(): void {
    new Uint8Array(this.memory.buffer, 0, this.top).fill(0);
    this.top = ALIGN;
  }

  /** Bytes handed out so far (alignment included). */
  get used(): number {
    return this.top;
  }

  /** Whether `view` lives in this memory (so its byteOffset is a wasm address). */
  owns(view: ArrayBufferView): boolean {
    return this.views.has(view) || this.owned.has(view.buffer);
  }
}

/** What a private (non-shared) kernel memory reserves unless told otherwise. */
export const DEFAULT_RESERVE_BYTES = 256 * 1024 * 1024;

const compiledModules = new Map<string, WebAssembly.Module>();

/** The compiled kernels for a memory kind, once per process (also what worker threads instantiate). */
export function compiledKernels(shared: boolean, relaxed = true): { module: WebAssembly.Module; relaxed: boolean } {
  const useRelaxed = relaxed && relaxedSimdSupported();
  const source = shared ? (useRelaxed ? modules.relaxedShared : modules.plainShared) : useRelaxed ? modules.relaxed : modules.plain;
  let compiled = compiledModules.get(source);
  if (!compiled) {
    compiled = new WebAssembly.Module(decodeBase64(source));
    compiledModules.set(source, compiled);
  }
  return { module: compiled, relaxed: useRelaxed };
}

/** A compiled kernel module and the source it was compiled from (its key in this thread's cache). */
export interface CompiledKernels {
  source: string;
  module: WebAssembly.Module;
}

/**
 * The kernels this thread has compiled (the default backend's at least), to post to worker threads:
 * a posted module carries its compiled code, so a pool compiles once for all its workers.
 */
export function compiledKernelsToShare(): CompiledKernels[] {
  compiledKernels(sharedMemoryAvailable());
  return [...compiledModules].map(([source, module]) => ({ source, module }));
}

/** Takes kernels another thread compiled; one compiled from other sources than this thread's is never used. */
export function adoptCompiledKernels(list: unknown): void {
  if (!Array.isArray(list)) return;
  for (const k of list as Partial<CompiledKernels>[]) {
    if (typeof k?.source === 'string' && k.module instanceof WebAssembly.Module && !compiledModules.has(k.source)) compiledModules.set(k.source, k.module);
  }
}

export function instantiateKernels(memory: KernelMemory, relaxed = true): { exports: KernelExports; relaxed: boolean } {
  const { module, relaxed: useRelaxed } = compiledKernels(memory.shared, relaxed);
  const instance = new WebAssembly.Instance(module, { env: { memory: memory.memory } });
  return { exports: instance.exports as unknown as KernelExports, relaxed: useRelaxed };
}

/**
 * Extra threads on the same shared memory (the Node side provides them; see node/kernel-threads.ts).
 * The backend fills a thread's queue with kernel calls (core/wasm/kernel-jobs.ts), `post` starts the
 * thread on it, and `finish` returns once every posted queue has run.
 */
export interface KernelThreads {
  /** Threads besides the caller's (0 once closed: everything then runs on the caller's). */
  readonly count: number;
  /** Thread `worker`'s queue, in memory that thread reads. */
  queue(worker: number): JobQueue;
  post(worker: number): void;
  /** Waits for every posted queue; one its thread has not taken yet, the caller runs itself. */
  finish(): void;
}

/** Slots in each thread's job queue: a pass over a 200-layer net fits. */
export const JOB_QUEUE_SLOTS = 16384;

/**
 * Below this many multiply-adds a weight gradient is not cut into bands: it goes whole to the least
 * loaded thread (a band of a small product costs more in packing and cache misses than it saves).
 */
const SPLIT_MIN_WORK = 65_536;

/** Grow-only scratch regions in kernel memory, one per role, so steady-state calls allocate nothing. */
class Scratch {
  private addr = 0;
  private bytes = 0;
  constructor(private readonly mem: KernelMemory) {}
  get(bytes: number): number {
    if (bytes > this.bytes) {
      this.addr = this.mem.reserve(bytes);
      this.bytes = bytes;
    }
    return this.addr;
  }
}

/** One thread's scratch: each thread packs and converts operands into its own. */
interface ThreadScratch {
  packA: Scratch;
  packB: Scratch;
  out32: Scratch;
}

export interface WasmBackend extends Backend {
  readonly precision: KernelPrecision;
  readonly relaxed: boolean;
  readonly wide: boolean;
  /** Threads a step's passes can use (1 = this one only). */
  readonly threads: number;
  readonly kernelMemory: KernelMemory;
  readonly kernels: KernelExports;
}

/**
 * The WASM SIMD backend. float64 is the exact-parity mode. float32 rounds each product's operands
 * to float32 and accumulates in float32 (twice the lanes per instruction), then widens the result;
 * the buffers, parameters and updates stay float64, so only the products lose precision.
 *
 * With `threads`, the trainer's passes run in parts (Backend.queue / spread / run): each part's
 * kernel calls are queued, every thread runs its queue, and each value is computed by the same
 * kernel code on whichever thread, so the results are those of one thread bit for bit.
 */
export function createWasmBackend(options: WasmBackendOptions & { precision?: KernelPrecision; memory?: KernelMemory; threads?: KernelThreads } = {}): WasmBackend {
  const precision = options.precision ?? 'float64';
  const mem = options.memory ?? new KernelMemory(options.reserveBytes ?? DEFAULT_RESERVE_BYTES);
  const { exports: kernels, relaxed } = instantiateKernels(mem, options.relaxed ?? true);
  const threads = options.threads && mem.shared ? options.threads : null;
  const parts = (): number => (threads ? threads.count + 1 : 1);

  // Where kernel calls go: straight to the kernels, or (between queue()/spread() and run()) into
  // part `part`'s queue, with that part's scratch.
  let k: JobTarget = kernels;
  let part = 0;
  let queuing = false;
  let spreading = false;
  const ownQueue = new JobQueue(new Int32Array(threads ? JOB_QUEUE_SLOTS : 0));
  const queues: JobQueue[] = [];
  const targets: JobTarget[] = [];
  const scratch: ThreadScratch[] = [];
  const load: number[] = [];
  const fns = jobFunctions(kernels);
  // Passes kept by save() to run again as recorded: a step's passes repeat step after step.
  const saved: { owner: object | null; lengths: Int32Array; queues: Int32Array[] }[] = [];
  const scratchOf = (p: number): ThreadScratch => (scratch[p] ??= { packA: new Scratch(mem), packB: new Scratch(mem), out32: new Scratch(mem) });
  const select = (p: number): void => {
    if (!threads) return;
    if (!targets[p]) {
      queues[p] = p === 0 ? ownQueue : threads.queue(p - 1);
      targets[p] = recorder(queues[p]!);
    }
    k = targets[p]!;
    part = p;
  };
  const direct = (): void => {
    k = kernels;
    part = 0;
    queuing = false;
    spreading = false;
  };
  /** The part with the least work queued so far in this spread. */
  const leastLoaded = (): number => {
    let best = 0;
    for (let p = 1; p < parts(); p++) if (load[p]! < load[best]!) best = p;
    return best;
  };

  const wide = options.wide ?? wideByDefault;
  const tn64 = (P: number, N: number, L: number, a: number, sa: number, panel: number, b: number, sb: number, c: number, sc: number, bias: number) =>
    wide ? k.tnw_f64(P, N, L, a, sa, panel, b, sb, c, sc, bias) : k.tn_f64(P, N, L, a, sa, panel, b, sb, c, sc, bias);
  const tn32 = (P: number, N: number, L: number, a: number, sa: number, panel: number, b: number, sb: number, c: number, sc: number, bias: number) =>
    wide ? k.tnw_f32(P, N, L, a, sa, panel, b, sb, c, sc, bias) : k.tn_f32(P, N, L, a, sa, panel, b, sb, c, sc, bias);

  const PANEL_F64 = PANEL_ROWS * 8;
  const PANEL_F32 = PANEL_ROWS * 4;
  const panelCount = (rows: number) => Math.ceil(rows / PANEL_ROWS) * PANEL_ROWS;

  const f64 = {
    gemm(m: number, n: number, k_: number, pa: number, pb: number, pc: number, pbias: number) {
      const packed = scratchOf(part).packA.get(panelCount(m) * k_ * 8);
      k.pack_f64(m, k_, pa, packed);
      tn64(m, n, k_, packed, PANEL_ROWS, PANEL_F64 * k_, pb, n, pc, n, pbias);
    },
    /** Rows [p0, p0 + count) of C[k×n] = Aᵀ·B. */
    gemmTN(m: number, n: number, k_: number, pa: number, pb: number, pc: number, p0: number, count: number) {
      tn64(count, n, m, pa + p0 * 8, k_, 0, pb, n, pc + p0 * n * 8, n, 0);
    },
    gemmNT(m: number, n: number, k_: number, pa: number, pb: number, pc: number) {
      // C[m×k] = Σ_j A[i][j]·B[p][j]: A packed by rows, B transposed to n×kernels.
      const s = scratchOf(part);
      const packed = s.packA.get(panelCount(m) * n * 8);
      k.pack_f64(m, n, pa, packed);
      const bt = s.packB.get(k_ * n * 8);
      k.transpose_f64(k_, n, pb, bt);
      tn64(m, k_, n, packed, PANEL_ROWS, PANEL_F64 * n, bt, k_, pc, k_, 0);
    },
  };

  // float32: operands rounded while packing, product in float32, widened into C (bias added in float64).
  const f32 = {
    gemm(m: number, n: number, k_: number, pa: number, pb: number, pc: number, pbias: number) {
      const s = scratchOf(part);
      const packed = s.packA.get(panelCount(m) * k_ * 4);
      k.pack_f64_f32(m, k_, pa, packed);
      const b32 = s.packB.get(k_ * n * 4);
      k.demote(k_ * n, pb, b32);
      const c32 = s.out32.get(m * n * 4);
      tn32(m, n, k_, packed, PANEL_ROWS, PANEL_F32 * k_, b32, n, c32, n, 0);
      // Widened and the bias added in one pass (the JS loop it replaces was 9 % of a float32
      // classroom-tanh step in a CPU profile).
      if (pbias) k.promote_bias(m, n, c32, pc, pbias);
      else k.promote(m * n, c32, pc);
    },
    gemmTN(m: number, n: number, k_: number, pa: number, pb: number, pc: number, p0: number, count: number) {
      const s = scratchOf(part);
      const a32 = s.packA.get(m * k_ * 4);
      k.demote(m * k_, pa, a32);
      const b32 = s.packB.get(m * n * 4);
      k.demote(m * n, pb, b32);
      const c32 = s.out32.get(count * n * 4);
      tn32(count, n, m, a32 + p0 * 4, k_, 0, b32, n, c32, n, 0);
      k.promote(count * n, c32, pc + p0 * n * 8);
    },
    gemmNT(m: number, n: number, k_: number, pa: number, pb: number, pc: number) {
      const s = scratchOf(part);
      const packed = s.packA.get(panelCount(m) * n * 4);
      k.pack_f64_f32(m, n, pa, packed);
      const bt = s.packB.get(k_ * n * 4);
      k.transpose_f64_f32(k_, n, pb, bt);
      const c32 = s.out32.get(m * k_ * 4);
      tn32(m, k_, n, packed, PANEL_ROWS, PANEL_F32 * n, bt, k_, c32, k_, 0);
      k.promote(m * k_, c32, pc);
    },
  };
  const impl = precision === 'float32' ? f32 : f64;
  const copies = [new Scratch(mem), new Scratch(mem), new Scratch(mem), new Scratch(mem)];

  // Operand address: the view's own when it lives in kernel memory, else a copy of its first `n`
  // values into scratch (through a cached whole-memory view, so even this path allocates nothing).
  // Queued calls run later, on any thread: their operands must live in kernel memory.
  let heap = new Float64Array(mem.memory.buffer);
  const heapView = (): Float64Array => {
    if (heap.buffer !== mem.memory.buffer) heap = new Float64Array(mem.memory.buffer);
    return heap;
  };
  const addrIn = (v: Float64Array, n: number, slot: number): number => {
    if (mem.owns(v)) return v.byteOffset;
    if (queuing || spreading) throw new Error('a queued kernel call needs its operands in kernel memory (backend.alloc)');
    const addr = copies[slot]!.get(n * 8);
    const h = heapView();
    if (v.length === n) h.set(v, addr / 8);
    else for (let i = 0, o = addr / 8; i < n; i++) h[o + i] = v[i]!;
    return addr;
  };
  const ownedAddr = (v: Float64Array): number => {
    if (!mem.owns(v)) throw new Error('a fused update needs its operands in kernel memory (backend.alloc)');
    return v.byteOffset;
  };
  const outAddr = (v: Float64Array, n: number, slot: number): number => {
    if (mem.owns(v)) return v.byteOffset;
    if (queuing || spreading) throw new Error('a queued kernel call needs its operands in kernel memory (backend.alloc)');
    return copies[slot]!.get(n * 8);
  };
  const copyBack = (v: Float64Array, addr: number, n: number): void => {
    if (mem.owns(v)) return;
    const h = heapView();
    for (let i = 0, o = addr / 8; i < n; i++) v[i] = h[o + i]!;
  };
  const act = precision === 'float32' ? (kind: number, n: number, z: number, a: number) => k.act_f32(kind, n, z, a) : (kind: number, n: number, z: number, a: number) => k.act_f64(kind, n, z, a);

  return {
    name: `wasm-simd${relaxed ? '-relaxed' : ''}${wide ? '-wide' : ''}${precision === 'float32' ? '-f32' : ''}`,
    precision,
    relaxed,
    wide,
    get threads() {
      return parts();
    },
    get parts() {
      return parts();
    },
    kernelMemory: mem,
    kernels,
    alloc: (length) => mem.f64(length),
    queue(p) {
      if (!threads) return;
      spreading = false;
      queuing = true;
      select(p);
    },
    spread() {
      if (!threads) return;
      queuing = false;
      spreading = true;
      for (let p = 0; p < parts(); p++) {
        load[p] = 0;
        select(p);
      }
      select(0);
    },
    save(slot, owner) {
      if (!threads) return;
      const kept = (saved[slot] ??= { owner: null, lengths: new Int32Array(threads.count + 1), queues: [] });
      kept.owner = owner;
      for (let p = 0; p < kept.lengths.length; p++) {
        const q = queues[p];
        const n = q ? q.length : 0;
        kept.lengths[p] = n;
        if (n > (kept.queues[p]?.length ?? 0)) kept.queues[p] = new Int32Array(n);
        for (let i = 0; i < n; i++) kept.queues[p]![i] = q!.slots[i]!;
      }
    },
    restore(slot, owner) {
      const kept = saved[slot];
      if (!threads || !kept || kept.owner !== owner || kept.lengths.length !== threads.count + 1) return false;
      for (let p = 0; p < kept.lengths.length; p++) {
        const n = kept.lengths[p]!;
        if (n === 0) continue;
        select(p);
        const q = queues[p]!;
        const from = kept.queues[p]!;
        for (let i = 0; i < n; i++) q.slots[i] = from[i]!;
        q.length = n;
      }
      direct();
      return true;
    },
    run() {
      if (!threads) return;
      direct();
      // Another thread's queue that stayed empty is not posted (a 1-row pass has one band).
      for (let w = 1; w < queues.length; w++) if (queues[w] && queues[w]!.length > 0) threads.post(w - 1);
      try {
        runJobs(fns, ownQueue.slots, ownQueue.length);
        threads.finish();
      } finally {
        for (const q of queues) q?.clear();
      }
    },
    sgd(n, lr, g, w) {
      // Parameters stay float64 in both precisions; views from elsewhere take the plain loop.
      if (mem.owns(g) && mem.owns(w)) kernels.sgd(n, lr, g.byteOffset, w.byteOffset);
      else for (let i = 0; i < n; i++) w[i] = w[i]! - lr * g[i]!;
    },
    activate(kind, count, z, a, offset = 0) {
      if (mem.owns(z) && mem.owns(a)) act(ACTIVATION_CODES[kind], count, z.byteOffset + 8 * offset, a.byteOffset + 8 * offset);
      else {
        const pz = addrIn(z, offset + count, 0) + 8 * offset;
        const pa = outAddr(a, offset + count, 2);
        act(ACTIVATION_CODES[kind], count, pz, pa + 8 * offset);
        copyBack(a, pa, offset + count);
      }
    },
    softmaxCrossEntropy(rows, n, output, target, targetOffset, grad, cell) {
      // Called between passes, never queued; buffers from elsewhere take the trainer's own loop.
      if (queuing || spreading || !mem.owns(output) || !mem.owns(target) || !mem.owns(cell) || (grad && !mem.owns(grad))) return false;
      kernels.softmax_ce_f64(rows, n, output.byteOffset, target.byteOffset + 8 * targetOffset, grad ? grad.byteOffset : 0, cell.byteOffset);
      return true;
    },
    derive(kind, rows, cols, z, a, dz, db, row = 0) {
      // A band's column sums would race with the other bands': queued passes sum with colsums().
      if (db && (queuing || spreading)) throw new Error('derive() with db cannot be queued; queue colsums() after the pass');
      const o = 8 * row * cols;
      if (mem.owns(z) && mem.owns(a) && mem.owns(dz) && (!db || mem.owns(db))) {
        k.derive_f64(ACTIVATION_CODES[kind], rows, cols, z.byteOffset + o, a.byteOffset + o, dz.byteOffset + o, db ? db.byteOffset : 0);
        return;
      }
      const n = (row + rows) * cols;
      const pdz = addrIn(dz, n, 2);
      const pdb = db ? outAddr(db, cols, 3) : 0;
      k.derive_f64(ACTIVATION_CODES[kind], rows, cols, addrIn(z, n, 0) + o, addrIn(a, n, 1) + o, pdz + o, pdb);
      copyBack(dz, pdz, n);
      if (db) copyBack(db, pdb, cols);
    },
    colsums(rows, cols, dz, db, w = null, rate = null) {
      if (spreading) {
        select(leastLoaded());
        load[part]! += rows * cols;
      }
      const pdb = outAddr(db, cols, 3);
      k.colsum_f64(rows, cols, cols, addrIn(dz, rows * cols, 2), pdb);
      copyBack(db, pdb, cols);
      if (w && rate) k.sgd_at(cols, ownedAddr(rate), pdb, ownedAddr(w));
    },
    allocIndex: (length) => mem.i32(length),
    gather(rows, width, idx, offset, src, dst) {
      if (mem.owns(idx) && mem.owns(src) && mem.owns(dst)) kernels.gather_f64(rows, width, idx.byteOffset + 4 * offset, src.byteOffset, dst.byteOffset);
      else for (let r = 0; r < rows; r++) for (let j = 0, s = idx[offset + r]! * width; j < width; j++) dst[r * width + j] = src[s + j]!;
    },
    gemm(m, n, k_, a, b, c, bias, row = 0) {
      const pc = outAddr(c, (row + m) * n, 2);
      impl.gemm(m, n, k_, addrIn(a, (row + m) * k_, 0) + 8 * row * k_, addrIn(b, k_ * n, 1), pc + 8 * row * n, bias ? addrIn(bias, n, 3) : 0);
      copyBack(c, pc, (row + m) * n);
    },
    gemmTN(m, n, k_, a, b, c, w = null, rate = null) {
      const pc = outAddr(c, k_ * n, 2);
      const pa = addrIn(a, m * k_, 0);
      const pb = addrIn(b, m * n, 1);
      // With w: then w −= rate[0]·C, each band right after its own rows of C, on the same thread.
      const pw = w && rate ? ownedAddr(w) : 0;
      const pr = w && rate ? ownedAddr(rate) : 0;
      if (!spreading) {
        impl.gemmTN(m, n, k_, pa, pb, pc, 0, k_);
        copyBack(c, pc, k_ * n);
        if (pw) k.sgd_at(k_ * n, pr, pc, pw);
        return;
      }
      // A weight gradient's rows in bands of whole tiles across the parts, or whole to the least
      // loaded part when small. Each row of C is the same dot products wherever it runs.
      const count = parts();
      const work = m * n * k_;
      if (k_ >= PANEL_ROWS * count && work >= SPLIT_MIN_WORK) {
        const band = Math.ceil(k_ / count / PANEL_ROWS) * PANEL_ROWS;
        for (let p = 0; p < count && p * band < k_; p++) {
          select(p);
          const rows = Math.min(band, k_ - p * band);
          impl.gemmTN(m, n, k_, pa, pb, pc, p * band, rows);
          if (pw) k.sgd_at(rows * n, pr, pc + p * band * n * 8, pw + p * band * n * 8);
          load[p]! += m * n * rows;
        }
      } else {
        select(leastLoaded());
        impl.gemmTN(m, n, k_, pa, pb, pc, 0, k_);
        if (pw) k.sgd_at(k_ * n, pr, pc, pw);
        load[part]! += work;
      }
    },
    gemmNT(m, n, k_, a, b, c, row = 0) {
      const pc = outAddr(c, (row + m) * k_, 2);
      impl.gemmNT(m, n, k_, addrIn(a, (row + m) * n, 0) + 8 * row * n, addrIn(b, k_ * n, 1), pc + 8 * row * k_);
      copyBack(c, pc, (row + m) * k_);
    },
  };
}

/**
 * The backend a Trainer uses unless told otherwise: the WASM kernels where this runtime runs them
 * (relaxed FMA when available), else null (the caller falls back to the TS reference; float32
 * then has no implementation).
 */
export function defaultBackend(precision: KernelPrecision): WasmBackend | null {
  return wasmSimdSupported() ? createWasmBackend({ precision }) : null;
}
