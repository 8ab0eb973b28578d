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
}

/** The raw exports; pointers are byte addresses in `memory`, strides in elements. */
export interface KernelExports {
  tn_f64(P: number, N: number, L: number, a: number, sa: number, panel: number, b: number, sb: number, c: number, sc: number, bias: number): void;
  tn_f32(P: number, N: number, L: number, a: number, sa: number, panel: number, b: number, sb: number, c: number, sc: number, bias: number): void;
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
  derive_f64(kind: number, rows: number, cols: number, z: number, a: number, dz: number, db: number): void;
  gather_f64(rows: number, width: number, idx: number, src: number, dst: number): void;
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
    return new Float64Array(this.memory.buffer, addr, length);
  }

  f32(length: number): Float32Array {
    const addr = this.reserve(length * 4);
    return new Float32Array(this.memory.buffer, addr, length);
  }

  i32(length: number): Int32Array {
    const addr = this.reserve(length * 4);
    return new Int32Array(this.memory.buffer, addr, length);
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
    return this.owned.has(view.buffer);
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
 * Extra threads running kernel calls on the same shared memory (the Node side provides them; see
 * node/kernel-threads.ts). The backend splits a large product into `count + 1` bands of output
 * rows (or columns), hands band w to thread w with `start`, computes the first band itself, then
 * `finish` blocks until every started band is done.
 */
export interface KernelThreads {
  readonly count: number;
  /** Starts tn_f64 (f32 false) or tn_f32 on thread `worker` with the ten kernel arguments after P. */
  start(worker: number, f32: boolean, P: number, N: number, L: number, a: number, sa: number, panel: number, b: number, sb: number, c: number, sc: number, bias: number): void;
  /** Starts act_f64(kind, n, z, a) on thread `worker`. */
  startActivation(worker: number, kind: number, n: number, z: number, a: number): void;
  finish(): void;
}

/**
 * Below this many multiply-adds a product runs on one thread: waking another costs more than it saves.
 * 200k takes in the classroom net's 512×32×32 products and the 128-wide relu net's. Measured here
 * (tmp harness, best of 5 interleaved): with both cores free (two threads got 2.0 CPU s a second)
 * classroom-tanh 1527 -> 1825 steps/s and wide-relu-b32 4620 -> 5645 against one thread; with two
 * threads getting 1.1-1.4 CPU s a second, 15-25 % slower; in `bench.ts --shapes` runs, once +20 %
 * and +10 %, once -12 % and -30 % (README). Threads are opt-in (the bench's 2-thread rows), never the
 * CLI default.
 */
const PARALLEL_MIN_WORK = 200_000;
/**
 * Values below which an activation runs on one thread. Splitting the classroom net's 16k-value tanh
 * passes measured 9-10 % slower than not, with both cores free and under load alike (each pass is
 * about 35 µs, near a sleeping thread's wake-up), so by default activations stay on one thread.
 */
const PARALLEL_MIN_ACTIVATIONS = Number.POSITIVE_INFINITY;

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

export interface WasmBackend extends Backend {
  readonly precision: KernelPrecision;
  readonly relaxed: boolean;
  /** Threads sharing the products (1 = this one only). */
  readonly threads: number;
  readonly kernelMemory: KernelMemory;
  readonly kernels: KernelExports;
}

/**
 * The WASM SIMD backend. float64 is the exact-parity mode. float32 rounds each product's operands
 * to float32 and accumulates in float32 (twice the lanes per instruction), then widens the result;
 * the buffers, parameters and updates stay float64, so only the products lose precision.
 */
export function createWasmBackend(
  options: WasmBackendOptions & { precision?: KernelPrecision; memory?: KernelMemory; threads?: KernelThreads; parallelMinWork?: number; parallelMinActivations?: number } = {},
): WasmBackend {
  const precision = options.precision ?? 'float64';
  const mem = options.memory ?? new KernelMemory(options.reserveBytes ?? DEFAULT_RESERVE_BYTES);
  const { exports: kernels, relaxed } = instantiateKernels(mem, options.relaxed ?? true);
  const threads = options.threads && mem.shared ? options.threads : null;
  const minWork = options.parallelMinWork ?? PARALLEL_MIN_WORK;
  const minActivations = options.parallelMinActivations ?? PARALLEL_MIN_ACTIVATIONS;

  /**
   * act_f64 over [0, n), the tail bands on the other threads: every value is computed by the same
   * code wherever it runs, loop or tail (test/wasm-threads.test.ts: split at odd lengths, bit for bit).
   */
  const act = (kind: number, n: number, z: number, a: number): void => {
    const parts = threads ? threads.count + 1 : 1;
    // float32 mode: act_f32 (its own lanes and tail), on this thread only.
    if (precision === 'float32') return kernels.act_f32(kind, n, z, a);
    if (!threads || parts === 1 || n < minActivations || kind === ACTIVATION_CODES.linear || kind === ACTIVATION_CODES.relu) return kernels.act_f64(kind, n, z, a);
    // Bands of whole 64-byte lines, so no two threads write one cache line.
    const band = Math.ceil(n / parts / 8) * 8;
    let started = 0;
    for (let w = 1; w < parts && w * band < n; w++) {
      const i0 = w * band;
      threads.startActivation(w - 1, kind, Math.min(band, n - i0), z + 8 * i0, a + 8 * i0);
      started++;
    }
    kernels.act_f64(kind, Math.min(band, n), z, a);
    if (started) threads.finish();
  };

  /** tn_T, split into bands across the threads when the product is big enough. */
  const tn = (f32: boolean, P: number, N: number, L: number, a: number, sa: number, panel: number, b: number, sb: number, c: number, sc: number, bias: number): void => {
    const run = f32 ? kernels.tn_f32 : kernels.tn_f64;
    const parts = threads ? threads.count + 1 : 1;
    const bytes = f32 ? 4 : 8;
    // Bands align to whole tiles: PANEL_ROWS rows, or one full column block (2 vectors).
    const colBlock = f32 ? 8 : 4;
    if (!threads || parts === 1 || P * N * L < minWork) return run(P, N, L, a, sa, panel, b, sb, c, sc, bias);
    if (P >= PANEL_ROWS * parts) {
      const band = Math.ceil(P / parts / PANEL_ROWS) * PANEL_ROWS;
      let started = 0;
      for (let w = 1; w < parts && w * band < P; w++) {
        const p0 = w * band;
        const pa = panel ? a + (p0 / PANEL_ROWS) * panel : a + p0 * bytes;
        threads.start(w - 1, f32, Math.min(band, P - p0), N, L, pa, sa, panel, b, sb, c + p0 * sc * bytes, sc, bias);
        started++;
      }
      run(Math.min(band, P), N, L, a, sa, panel, b, sb, c, sc, bias);
      if (started) threads.finish();
      return;
    }
    if (N >= colBlock * parts) {
      const band = Math.ceil(N / parts / colBlock) * colBlock;
      let started = 0;
      for (let w = 1; w < parts && w * band < N; w++) {
        const j0 = w * band;
        threads.start(w - 1, f32, P, Math.min(band, N - j0), L, a, sa, panel, b + j0 * bytes, sb, c + j0 * bytes, sc, bias ? bias + j0 * bytes : 0);
        started++;
      }
      run(P, Math.min(band, N), L, a, sa, panel, b, sb, c, sc, bias);
      if (started) threads.finish();
      return;
    }
    run(P, N, L, a, sa, panel, b, sb, c, sc, bias);
  };
  const packA = new Scratch(mem);
  const packB = new Scratch(mem);
  const out32 = new Scratch(mem);
  const copies = [new Scratch(mem), new Scratch(mem), new Scratch(mem), new Scratch(mem)];

  // Operand address: the view's own when it lives in kernel memory, else a copy of its first `n`
  // values into scratch (through a cached whole-memory view, so even this path allocates nothing).
  let heap = new Float64Array(mem.memory.buffer);
  const heapView = (): Float64Array => {
    if (heap.buffer !== mem.memory.buffer) heap = new Float64Array(mem.memory.buffer);
    return heap;
  };
  const addrIn = (v: Float64Array, n: number, slot: number): number => {
    if (mem.owns(v)) return v.byteOffset;
    const addr = copies[slot]!.get(n * 8);
    const h = heapView();
    if (v.length === n) h.set(v, addr / 8);
    else for (let i = 0, o = addr / 8; i < n; i++) h[o + i] = v[i]!;
    return addr;
  };
  const outAddr = (v: Float64Array, n: number, slot: number): number => (mem.owns(v) ? v.byteOffset : copies[slot]!.get(n * 8));
  const copyBack = (v: Float64Array, addr: number, n: number): void => {
    if (mem.owns(v)) return;
    const h = heapView();
    for (let i = 0, o = addr / 8; i < n; i++) v[i] = h[o + i]!;
  };
  const PANEL_F64 = PANEL_ROWS * 8;
  const PANEL_F32 = PANEL_ROWS * 4;
  const panelCount = (rows: number) => Math.ceil(rows / PANEL_ROWS) * PANEL_ROWS;

  const f64 = {
    gemm(m: number, n: number, k_: number, pa: number, pb: number, pc: number, pbias: number) {
      const packed = packA.get(panelCount(m) * k_ * 8);
      kernels.pack_f64(m, k_, pa, packed);
      tn(false, m, n, k_, packed, PANEL_ROWS, PANEL_F64 * k_, pb, n, pc, n, pbias);
    },
    gemmTN(m: number, n: number, k_: number, pa: number, pb: number, pc: number) {
      tn(false, k_, n, m, pa, k_, 0, pb, n, pc, n, 0);
    },
    gemmNT(m: number, n: number, k_: number, pa: number, pb: number, pc: number) {
      // C[m×k] = Σ_j A[i][j]·B[p][j]: A packed by rows, B transposed to n×kernels.
      const packed = packA.get(panelCount(m) * n * 8);
      kernels.pack_f64(m, n, pa, packed);
      const bt = packB.get(k_ * n * 8);
      kernels.transpose_f64(k_, n, pb, bt);
      tn(false, m, k_, n, packed, PANEL_ROWS, PANEL_F64 * n, bt, k_, pc, k_, 0);
    },
  };

  // float32: operands rounded while packing, product in float32, widened into C (bias added in float64).
  const f32 = {
    gemm(m: number, n: number, k_: number, pa: number, pb: number, pc: number, pbias: number) {
      const packed = packA.get(panelCount(m) * k_ * 4);
      kernels.pack_f64_f32(m, k_, pa, packed);
      const b32 = packB.get(k_ * n * 4);
      kernels.demote(k_ * n, pb, b32);
      const c32 = out32.get(m * n * 4);
      tn(true, m, n, k_, packed, PANEL_ROWS, PANEL_F32 * k_, b32, n, c32, n, 0);
      // Widened and the bias added in one pass (the JS loop it replaces was 9 % of a float32
      // classroom-tanh step in a CPU profile).
      if (pbias) kernels.promote_bias(m, n, c32, pc, pbias);
      else kernels.promote(m * n, c32, pc);
    },
    gemmTN(m: number, n: number, k_: number, pa: number, pb: number, pc: number) {
      const a32 = packA.get(m * k_ * 4);
      kernels.demote(m * k_, pa, a32);
      const b32 = packB.get(m * n * 4);
      kernels.demote(m * n, pb, b32);
      const c32 = out32.get(k_ * n * 4);
      tn(true, k_, n, m, a32, k_, 0, b32, n, c32, n, 0);
      kernels.promote(k_ * n, c32, pc);
    },
    gemmNT(m: number, n: number, k_: number, pa: number, pb: number, pc: number) {
      const packed = packA.get(panelCount(m) * n * 4);
      kernels.pack_f64_f32(m, n, pa, packed);
      const bt = packB.get(k_ * n * 4);
      kernels.transpose_f64_f32(k_, n, pb, bt);
      const c32 = out32.get(m * k_ * 4);
      tn(true, m, k_, n, packed, PANEL_ROWS, PANEL_F32 * n, bt, k_, c32, k_, 0);
      kernels.promote(m * k_, c32, pc);
    },
  };
  const impl = precision === 'float32' ? f32 : f64;

  return {
    name: `wasm-simd${relaxed ? '-relaxed' : ''}${precision === 'float32' ? '-f32' : ''}`,
    precision,
    relaxed,
    get threads() {
      return threads ? threads.count + 1 : 1;
    },
    kernelMemory: mem,
    kernels,
    alloc: (length) => mem.f64(length),
    sgd(n, lr, g, w) {
      // Parameters stay float64 in both precisions; views from elsewhere take the plain loop.
      if (mem.owns(g) && mem.owns(w)) kernels.sgd(n, lr, g.byteOffset, w.byteOffset);
      else for (let i = 0; i < n; i++) w[i] = w[i]! - lr * g[i]!;
    },
    activate(kind, count, z, a) {
      if (mem.owns(z) && mem.owns(a)) act(ACTIVATION_CODES[kind], count, z.byteOffset, a.byteOffset);
      else {
        const pz = addrIn(z, count, 0);
        const pa = outAddr(a, count, 2);
        act(ACTIVATION_CODES[kind], count, pz, pa);
        copyBack(a, pa, count);
      }
    },
    derive(kind, rows, cols, z, a, dz, db) {
      const n = rows * cols;
      if (mem.owns(z) && mem.owns(a) && mem.owns(dz) && (!db || mem.owns(db))) {
        kernels.derive_f64(ACTIVATION_CODES[kind], rows, cols, z.byteOffset, a.byteOffset, dz.byteOffset, db ? db.byteOffset : 0);
        return;
      }
      const pdz = addrIn(dz, n, 2);
      const pdb = db ? outAddr(db, cols, 3) : 0;
      kernels.derive_f64(ACTIVATION_CODES[kind], rows, cols, addrIn(z, n, 0), addrIn(a, n, 1), pdz, pdb);
      copyBack(dz, pdz, n);
      if (db) copyBack(db, pdb, cols);
    },
    allocIndex: (length) => mem.i32(length),
    gather(rows, width, idx, offset, src, dst) {
      if (mem.owns(idx) && mem.owns(src) && mem.owns(dst)) kernels.gather_f64(rows, width, idx.byteOffset + 4 * offset, src.byteOffset, dst.byteOffset);
      else for (let r = 0; r < rows; r++) for (let j = 0, s = idx[offset + r]! * width; j < width; j++) dst[r * width + j] = src[s + j]!;
    },
    gemm(m, n, k_, a, b, c, bias) {
      const pc = outAddr(c, m * n, 2);
      impl.gemm(m, n, k_, addrIn(a, m * k_, 0), addrIn(b, k_ * n, 1), pc, bias ? addrIn(bias, n, 3) : 0);
      copyBack(c, pc, m * n);
    },
    gemmTN(m, n, k_, a, b, c) {
      const pc = outAddr(c, k_ * n, 2);
      impl.gemmTN(m, n, k_, addrIn(a, m * k_, 0), addrIn(b, m * n, 1), pc);
      copyBack(c, pc, k_ * n);
    },
    gemmNT(m, n, k_, a, b, c) {
      const pc = outAddr(c, m * k_, 2);
      impl.gemmNT(m, n, k_, addrIn(a, m * n, 0), addrIn(b, k_ * n, 1), pc);
      copyBack(c, pc, m * k_);
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
