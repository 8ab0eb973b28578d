/**
 * Kernel calls queued for a thread. A training step's passes are recorded as lists of kernel calls
 * (one list per thread, each over its own band of rows or of a weight gradient), then every thread
 * runs its list against the same shared memory: a step then needs one hand-over per pass, not one
 * per product. Pure core code; node/kernel-threads.ts supplies the threads.
 *
 * A queue is Int32 slots: [op, argc, arg0 … arg(argc−1)] per call, op an index into JOB_OPS.
 */
import type { KernelExports } from './backend';

/** The kernels a queue may call (every argument an i32), by op number. */
export const JOB_OPS = [
  'tn_f64',
  'tn_f32',
  'tnw_f64',
  'tnw_f32',
  'pack_f64',
  'pack_f64_f32',
  'transpose_f64',
  'transpose_f64_f32',
  'demote',
  'promote',
  'promote_bias',
  'act_f64',
  'act_f32',
  'derive_f64',
  'colsum_f64',
  'sgd_at',
] as const satisfies readonly (keyof KernelExports)[];

export type JobOp = (typeof JOB_OPS)[number];
/** What recording code calls: the queued kernels, with their real signatures. */
export type JobTarget = Pick<KernelExports, JobOp>;

const op = Object.fromEntries(JOB_OPS.map((name, i) => [name, i])) as Record<JobOp, number>;

export class JobQueue {
  length = 0;
  constructor(readonly slots: Int32Array) {}

  clear(): void {
    this.length = 0;
  }

  private reserve(n: number): number {
    const at = this.length;
    if (at + n > this.slots.length) throw new Error(`kernel job queue full (${this.slots.length} slots): a step with this many layers cannot be split across threads`);
    this.length = at + n;
    return at;
  }

  add3(code: number, a: number, b: number, c: number): void {
    const q = this.slots;
    const i = this.reserve(5);
    q[i] = code;
    q[i + 1] = 3;
    q[i + 2] = a;
    q[i + 3] = b;
    q[i + 4] = c;
  }

  add4(code: number, a: number, b: number, c: number, d: number): void {
    const q = this.slots;
    const i = this.reserve(6);
    q[i] = code;
    q[i + 1] = 4;
    q[i + 2] = a;
    q[i + 3] = b;
    q[i + 4] = c;
    q[i + 5] = d;
  }

  add5(code: number, a: number, b: number, c: number, d: number, e: number): void {
    const q = this.slots;
    const i = this.reserve(7);
    q[i] = code;
    q[i + 1] = 5;
    q[i + 2] = a;
    q[i + 3] = b;
    q[i + 4] = c;
    q[i + 5] = d;
    q[i + 6] = e;
  }

  add7(code: number, a: number, b: number, c: number, d: number, e: number, f: number, g: number): void {
    const q = this.slots;
    const i = this.reserve(9);
    q[i] = code;
    q[i + 1] = 7;
    q[i + 2] = a;
    q[i + 3] = b;
    q[i + 4] = c;
    q[i + 5] = d;
    q[i + 6] = e;
    q[i + 7] = f;
    q[i + 8] = g;
  }

  add11(code: number, a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, x: number, y: number, z: number): void {
    const q = this.slots;
    const i = this.reserve(13);
    q[i] = code;
    q[i + 1] = 11;
    q[i + 2] = a;
    q[i + 3] = b;
    q[i + 4] = c;
    q[i + 5] = d;
    q[i + 6] = e;
    q[i + 7] = f;
    q[i + 8] = g;
    q[i + 9] = h;
    q[i + 10] = x;
    q[i + 11] = y;
    q[i + 12] = z;
  }
}

/** A JobTarget that appends each call to `queue` instead of running it (fixed arities: no rest arrays). */
export function recorder(queue: JobQueue): JobTarget {
  return {
    tn_f64: (P, N, L, a, sa, panel, b, sb, c, sc, bias) => queue.add11(op.tn_f64, P, N, L, a, sa, panel, b, sb, c, sc, bias),
    tn_f32: (P, N, L, a, sa, panel, b, sb, c, sc, bias) => queue.add11(op.tn_f32, P, N, L, a, sa, panel, b, sb, c, sc, bias),
    tnw_f64: (P, N, L, a, sa, panel, b, sb, c, sc, bias) => queue.add11(op.tnw_f64, P, N, L, a, sa, panel, b, sb, c, sc, bias),
    tnw_f32: (P, N, L, a, sa, panel, b, sb, c, sc, bias) => queue.add11(op.tnw_f32, P, N, L, a, sa, panel, b, sb, c, sc, bias),
    pack_f64: (m, k, src, dst) => queue.add4(op.pack_f64, m, k, src, dst),
    pack_f64_f32: (m, k, src, dst) => queue.add4(op.pack_f64_f32, m, k, src, dst),
    transpose_f64: (rows, cols, src, dst) => queue.add4(op.transpose_f64, rows, cols, src, dst),
    transpose_f64_f32: (rows, cols, src, dst) => queue.add4(op.transpose_f64_f32, rows, cols, src, dst),
    demote: (n, src, dst) => queue.add3(op.demote, n, src, dst),
    promote: (n, src, dst) => queue.add3(op.promote, n, src, dst),
    promote_bias: (rows, cols, src, dst, bias) => queue.add5(op.promote_bias, rows, cols, src, dst, bias),
    act_f64: (kind, n, z, a) => queue.add4(op.act_f64, kind, n, z, a),
    act_f32: (kind, n, z, a) => queue.add4(op.act_f32, kind, n, z, a),
    derive_f64: (kind, rows, cols, z, a, dz, db) => queue.add7(op.derive_f64, kind, rows, cols, z, a, dz, db),
    colsum_f64: (rows, cols, stride, src, dst) => queue.add5(op.colsum_f64, rows, cols, stride, src, dst),
    sgd_at: (n, rate, g, w) => queue.add4(op.sgd_at, n, rate, g, w),
  };
}

/** The kernel functions in op order, for runJobs. */
export function jobFunctions(k: KernelExports): ((...args: number[]) => void)[] {
  return JOB_OPS.map((name) => k[name] as (...args: number[]) => void);
}

/**
 * Runs the first `length` slots of queue `q`. Self-contained on purpose (no imports, no closures):
 * node/kernel-threads.ts puts this very function's source into its worker threads, so a queue is
 * decoded by the same code on every thread.
 */
export function runJobs(fns: ((...args: number[]) => void)[], q: Int32Array, length: number): void {
  let i = 0;
  while (i < length) {
    const f = fns[q[i]!]!;
    const n = q[i + 1]!;
    const a = i + 2;
    if (n === 11) f(q[a]!, q[a + 1]!, q[a + 2]!, q[a + 3]!, q[a + 4]!, q[a + 5]!, q[a + 6]!, q[a + 7]!, q[a + 8]!, q[a + 9]!, q[a + 10]!);
    else if (n === 7) f(q[a]!, q[a + 1]!, q[a + 2]!, q[a + 3]!, q[a + 4]!, q[a + 5]!, q[a + 6]!);
    else if (n === 5) f(q[a]!, q[a + 1]!, q[a + 2]!, q[a + 3]!, q[a + 4]!);
    else if (n === 4) f(q[a]!, q[a + 1]!, q[a + 2]!, q[a + 3]!);
    else f(q[a]!, q[a + 1]!, q[a + 2]!);
    i = a + n;
  }
}
