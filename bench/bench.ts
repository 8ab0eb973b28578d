/**
 * `npm run bench`: nnlab's training speed against numpy's on the same machine, in the same run.
 * (One file over 400 lines on purpose: every row of the speed table is measured here, side by side,
 * so a reader checks one place for how each figure in the README was taken.)
 *
 * For each seed net (seed-004: 64×1000→100 relu→10 with biases; seed-000: 128×1000→100→100→10, no
 * biases) it times `--steps` SGD steps (after a warm-up) in nnlab and in numpy (bench/numpy_steps.py,
 * seed-style code, OpenBLAS with its default threads), best of `--repeats`, and prints steps/s and the
 * ratio. Rows cover precision (float64, float32), threads (1, or 2 via node/kernel-threads.ts), the
 * kernels (TS reference, WASM SIMD plain, WASM
 * SIMD with relaxed FMA, measured in a child Node that has the flag) and the first-layer path
 * (`gram`: the full-batch shortcut of core/input-gram.ts, nnlab's default; `direct`: every product
 * formed). Each row also checks that nnlab's last loss agrees with numpy's.
 *
 * Then: heap growth over 100k steps of a small net, what the UI's snapshots (metrics, plus the
 * decision map for 2-D nets) cost at the trainer service's 10 Hz cap, as a share of training time,
 * and what the step-scheduled history (core/history.ts) costs: whole preset runs with and without it
 * (the seed-004 net, on the input-Gram shortcut, and the 2-D tanh xor net), best of --repeats each.
 * The kernel rows above train without the history, so they measure the kernels alone.
 *
 * Then a sweep: a 24-run grid of a 2-D tanh net on nnlab's run pool (node/sweep-pool.ts, one worker
 * per core, this thread one of them, from a cold pool: its start-up is in the time) against numpy running the same 24 exported
 * scripts one after another in one Python process (bench/numpy_sweep.py; its start-up, the numpy
 * import, is paid once and printed, not counted); every run's last loss must agree. The load average
 * is printed with it: on a shared machine the pool's threads compete with everything else.
 *
 * Then the shapes of issue #15 (bench/shapes.ts: classroom nets and minibatches, where the shortcut
 * does not apply), nnlab's default kernels on this Node (no history, as the kernel rows) against numpy, interleaved round by round so
 * both sides see the same load: numpy takes the better of OpenBLAS's default threads and one thread
 * (under load its threads can collapse), the best round counts for each side; nnlab runs float64
 * and float32 as `nnlab train` does by default (a second kernel thread where the run's passes split,
 * core/trainer.ts passParts), and float64 again on one thread. It prints the worst ratio and the
 * geometric mean of the default rows and of the one-thread float64 rows, with the load.
 *
 * Flags: --json (machine-readable, one object), --steps N (500), --repeats N (3; the sweep 5), --quick (1 repeat,
 * no reference row, shorter heap run), --sweep-only (just the sweep comparison), --history (only the
 * history cost, 5 repeats unless --repeats), --shapes (the issue #15 shapes only), --shape ID[,ID]
 * (with --shapes: only those shapes, for quick measurements while working on one).
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { exportNumpy, experiment, parseSweep, presetById, referenceBackend, relaxedSimdSupported, createWasmBackend, Trainer, type Backend, type Experiment } from '../core';
import { createThreadedWasmBackend, type ThreadedBackend } from '../node/kernel-threads';
import { defaultWorkerCount, runSweepOnThreads } from '../node/sweep-pool';
import { SHAPES } from './shapes';
import { enableWideKernels } from '../node/wide-kernels';

type Precision = 'float64' | 'float32';
type Kernels = 'ts-reference' | 'wasm-simd' | 'wasm-relaxed';
type Path = 'gram' | 'direct';

interface Row {
  net: string;
  precision: Precision;
  threads: number;
  kernels: Kernels;
  path: Path;
  nnlabStepsPerSecond: number;
  numpyStepsPerSecond: number;
  ratio: number;
  /** |nnlab − numpy| / |numpy| on the loss before the last timed step (numpy float64: the exact run). */
  lastLossRelDiff: number;
}

interface NumpyResult {
  stepsPerSecond: number;
  lastLoss: number;
  numpy: string;
}

// As `nnlab train` runs: the revectorizer on where this Node has it (node/wide-kernels.ts).
const WIDE = enableWideKernels();
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const quick = flag('--quick');
const STEPS = option('--steps', 500);
const REPEATS = option('--repeats', quick ? 1 : 3);
/**
 * The sweep comparison's rounds (each a cold pool and the numpy scripts, ~1.3 s together): a sweep is
 * ~0.4 s of wall clock, so one hiccup of a shared host is a large share of one sample, and both sides
 * take their best of more rounds than the longer rows do (--repeats still sets it when given).
 */
const SWEEP_REPEATS = option('--repeats', quick ? 1 : 5);
const WARMUP = 20;
const NETS = ['seed-004', 'seed-000'] as const;

function netExperiment(id: string, steps: number, precision: Precision): Experiment {
  const preset = presetById(id);
  if (!preset) throw new Error(`no preset ${id}`);
  return experiment({ ...preset.experiment, steps, precision });
}

async function backendFor(kernels: Kernels, precision: Precision, threads: number): Promise<{ backend: Backend; close: () => Promise<void> }> {
  if (kernels === 'ts-reference') return { backend: referenceBackend, close: async () => {} };
  const relaxed = kernels === 'wasm-relaxed';
  const be = threads > 1 ? await createThreadedWasmBackend({ precision, relaxed, threads }) : createWasmBackend({ precision, relaxed });
  if (be.relaxed !== relaxed || be.threads !== threads) throw new Error(`${kernels} ×${threads} unavailable in this process`);
  return { backend: be, close: 'close' in be ? () => (be as { close(): Promise<void> }).close() : async () => {} };
}

/** Best steps/s over the repeats, and the loss before the last timed step. */
async function timeNnlab(net: string, precision: Precision, kernels: Kernels, path: Path, threads: number): Promise<{ stepsPerSecond: number; lastLoss: number }> {
  const exp = netExperiment(net, WARMUP + STEPS, precision);
  const out = new Float64Array(STEPS);
  let best = 0;
  let lastLoss = NaN;
  for (let r = 0; r < REPEATS; r++) {
    const { backend, close } = await backendFor(kernels, precision, threads);
    const t = new Trainer(exp, { recordLosses: false, backend, inputGram: path === 'gram', history: false });
    t.run(WARMUP);
    const t0 = performance.now();
    const done = t.run(STEPS, out);
    const seconds = (performance.now() - t0) / 1000;
    if (done !== STEPS) throw new Error(`${net}: ran ${done} of ${STEPS} steps (${t.status})`);
    best = Math.max(best, STEPS / seconds);
    lastLoss = out[STEPS - 1]!;
    await close();
  }
  return { stepsPerSecond: best, lastLoss };
}

function timeNumpy(net: string, precision: Precision): NumpyResult {
  return runNumpy(netExperiment(net, STEPS, 'float64'), STEPS, precision, REPEATS);
}

/** numpy_steps.py on `exp`; `oneThread` pins OpenBLAS to one thread (else its default). */
function runNumpy(exp: Experiment, steps: number, dtype: Precision, repeats: number, oneThread = false): NumpyResult {
  const cfg = { experiment: { ...exp, precision: undefined }, steps, warmup: WARMUP, dtype, repeats };
  const script = fileURLToPath(new URL('./numpy_steps.py', import.meta.url));
  const env = oneThread ? { ...process.env, OPENBLAS_NUM_THREADS: '1' } : process.env;
  const r = spawnSync('python3', [script, JSON.stringify(cfg)], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`numpy run failed: ${r.stderr || r.error?.message}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as NumpyResult;
}

interface ShapeRow {
  shape: string;
  label: string;
  precision: Precision;
  /** 'default': as `nnlab train` runs it (2 kernel threads where its passes split); 'one': one thread. */
  mode: 'default' | 'one';
  /** Kernel threads the run used. */
  threads: number;
  kernels: string;
  nnlabStepsPerSecond: number;
  numpyStepsPerSecond: number;
  /** Which OpenBLAS setting gave numpy's best round. */
  numpyThreads: 'default' | '1';
  ratio: number;
  lastLossRelDiff: number;
}

/**
 * The issue #15 shapes, nnlab (default backend, both precisions) against numpy float64, round by
 * round. Each numpy spawn times two repeats and keeps the better (its first pass over a fresh
 * process runs several times slower on some shapes), each nnlab repeat is a fresh Trainer after a
 * warm-up.
 */
async function shapeRows(rounds: number): Promise<ShapeRow[]> {
  const rows: ShapeRow[] = [];
  const only = args.includes('--shape') ? args[args.indexOf('--shape') + 1]!.split(',') : null;
  const configs = [
    { precision: 'float64', mode: 'default' },
    { precision: 'float32', mode: 'default' },
    { precision: 'float64', mode: 'one' },
  ] as const;
  // What `nnlab train` does (cli/nnlab.ts): a second kernel thread on a multi-core machine, where the passes split.
  const threadsFor = (exp: Experiment, mode: 'default' | 'one') => (mode === 'default' && availableParallelism() >= 2 && Trainer.splitsPasses(exp) ? 2 : 1);
  for (const shape of SHAPES) {
    if (only && !only.includes(shape.id)) continue;
    const exp = shape.experiment(WARMUP + shape.steps);
    let numpy = { stepsPerSecond: 0, lastLoss: NaN, threads: 'default' as 'default' | '1' };
    const nnlab = configs.map(() => ({ sps: 0, last: NaN, kernels: '', threads: 1 }));
    const pools: Partial<Record<Precision, ThreadedBackend>> = {};
    for (let r = 0; r < rounds; r++) {
      for (const oneThread of [false, true]) {
        const n = runNumpy(shape.experiment(shape.steps), shape.steps, 'float64', 2, oneThread);
        if (n.stepsPerSecond > numpy.stepsPerSecond) numpy = { stepsPerSecond: n.stepsPerSecond, lastLoss: n.lastLoss, threads: oneThread ? '1' : 'default' };
      }
      // Each round starts with another row: the first nnlab run after the numpy spawns measured up to
      // a quarter slower (tiny-tanh float64: 26k steps/s here against 35k in a process without them).
      for (let i = 0; i < configs.length; i++) {
        const c = (i + r) % configs.length;
        const { precision, mode } = configs[c]!;
        const threads = threadsFor({ ...exp, precision }, mode);
        // One pool per shape and precision for all rounds, as one long-lived process has: a fresh
        // thread's first hundred classroom steps ran ~20 % slower than its later ones (its JIT warming).
        const pool = threads > 1 ? (pools[precision] ??= await createThreadedWasmBackend({ precision, threads })) : null;
        // Without the history, as the kernel rows: a run this short records about a third of its
        // steps (the schedule is dense early), numpy records nothing; its cost is timed on its own (--history).
        const t = new Trainer({ ...exp, precision }, { recordLosses: false, history: false, ...(pool ? { backend: pool } : {}) });
        const out = new Float64Array(shape.steps);
        t.run(WARMUP);
        const t0 = performance.now();
        const done = t.run(shape.steps, out);
        const sps = shape.steps / ((performance.now() - t0) / 1000);
        if (done !== shape.steps) throw new Error(`${shape.id}: ran ${done} of ${shape.steps} steps (${t.status})`);
        const best = nnlab[c]!;
        if (sps > best.sps) Object.assign(best, { sps, last: out[shape.steps - 1]!, kernels: backendName(t), threads });
      }
    }
    for (const pool of Object.values(pools)) await pool.close();
    for (const [c, { precision, mode }] of configs.entries()) {
      const m = nnlab[c]!;
      rows.push({
        shape: shape.id,
        label: shape.label,
        precision,
        mode,
        threads: m.threads,
        kernels: m.kernels,
        nnlabStepsPerSecond: m.sps,
        numpyStepsPerSecond: numpy.stepsPerSecond,
        numpyThreads: numpy.threads,
        ratio: m.sps / numpy.stepsPerSecond,
        lastLossRelDiff: relDiff(m.last, numpy.lastLoss),
      });
    }
  }
  return rows;
}

function backendName(t: Trainer): string {
  return (t as unknown as { backend: Backend }).backend.name;
}

/** Worst ratio and geometric mean over the shapes' rows of `precision` run in `mode`. */
function summary(rows: ShapeRow[], precision: Precision, mode: 'default' | 'one' = 'default'): { worst: number; geomean: number; threads: number[] } {
  const picked = rows.filter((r) => r.precision === precision && r.mode === mode);
  const ratios = picked.map((r) => r.ratio);
  return { worst: Math.min(...ratios), geomean: Math.exp(ratios.reduce((s, x) => s + Math.log(x), 0) / ratios.length), threads: picked.map((r) => r.threads) };
}

const relDiff = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), Number.MIN_VALUE);

/** The nnlab rows measurable in this process (relaxed only where the runtime has it). */
interface Measured {
  net: string;
  precision: Precision;
  kernels: Kernels;
  path: Path;
  threads: number;
  stepsPerSecond: number;
  lastLoss: number;
}

async function nnlabRows(kernelsList: Kernels[]): Promise<Measured[]> {
  const rows: Measured[] = [];
  for (const net of NETS) {
    for (const kernels of kernelsList) {
      for (const precision of ['float64', 'float32'] as const) {
        for (const path of ['gram', 'direct'] as const) {
          for (const threads of kernels === 'ts-reference' ? [1] : [1, 2]) {
            if (kernels === 'ts-reference' && (precision === 'float32' || net !== 'seed-004' || path === 'gram')) continue;
            rows.push({ net, precision, kernels, path, threads, ...(await timeNnlab(net, precision, kernels, path, threads)) });
          }
        }
      }
    }
  }
  return rows;
}

/** Heap before and after `steps` steps of a small full-batch net (allocation per step would show here). */
function heapOverSteps(steps: number): { steps: number; heapBeforeMB: number; heapAfterMB: number; gcExposed: boolean } {
  const gc = (globalThis as { gc?: () => void }).gc;
  const exp = netExperiment('xor', steps, 'float64');
  const t = new Trainer(exp, { recordLosses: false });
  t.run(1000);
  gc?.();
  const before = process.memoryUsage().heapUsed;
  while (t.run(10_000) > 0);
  gc?.();
  const after = process.memoryUsage().heapUsed;
  return { steps: t.step, heapBeforeMB: before / 2 ** 20, heapAfterMB: after / 2 ** 20, gcExposed: gc !== undefined };
}

/**
 * Trains for `seconds`, taking a UI snapshot (metrics(), plus predictGrid(48) for 2-D nets, as the
 * trainer service does) every 100 ms: the share of time the snapshots take.
 */
function snapshotCost(net: string, seconds: number): { net: string; snapshots: number; msPerSnapshot: number; shareOfTraining: number } {
  const exp = netExperiment(net, 10_000_000, 'float64');
  const t = new Trainer(exp, { recordLosses: false });
  const twoD = t.shape.inputs === 2;
  let snapTime = 0;
  let snaps = 0;
  const start = performance.now();
  let last = start;
  while (performance.now() - start < seconds * 1000) {
    t.run(10);
    const now = performance.now();
    if (now - last >= 100) {
      t.metrics();
      if (twoD) t.predictGrid(48);
      const end = performance.now();
      snapTime += end - now;
      snaps++;
      last = end;
    }
  }
  const total = performance.now() - start;
  return { net, snapshots: snaps, msPerSnapshot: snapTime / Math.max(1, snaps), shareOfTraining: snapTime / (total - snapTime) };
}

interface HistoryCost {
  net: string;
  steps: number;
  entries: number;
  shortcut: boolean;
  secondsWithout: number;
  secondsWith: number;
  msPerEntry: number;
  shareOfTraining: number;
}

/**
 * A whole preset run (its own step count) with and without the history, alternating, best of
 * `repeats` each: the history's share of training time, and its cost per entry.
 */
function historyCost({ net, steps }: HistoryRun, repeats: number): HistoryCost {
  const exp = netExperiment(net, steps ?? presetById(net)!.experiment.steps, 'float64');
  const best = { with: Infinity, without: Infinity };
  let entries = 0;
  let shortcut = false;
  for (let r = 0; r < repeats; r++) {
    for (const history of [false, true]) {
      const t = new Trainer(exp, { recordLosses: false, history });
      const t0 = performance.now();
      t.run(exp.steps);
      const seconds = (performance.now() - t0) / 1000;
      if (history) {
        best.with = Math.min(best.with, seconds);
        entries = t.history!.count;
      } else best.without = Math.min(best.without, seconds);
      shortcut = t.inputGramActive;
    }
  }
  const extra = best.with - best.without;
  return {
    net,
    steps: exp.steps,
    entries,
    shortcut,
    secondsWithout: best.without,
    secondsWith: best.with,
    msPerEntry: (1000 * extra) / Math.max(1, entries),
    shareOfTraining: extra / best.without,
  };
}

interface HistoryRun {
  net: string;
  /** The preset's own step count unless given. */
  steps?: number;
}

/**
 * The schedule is bounded (core/history.ts), so its share falls as a run grows: seed-004 on the
 * input-Gram shortcut is timed at its preset's 500 steps and at 20,000.
 */
const HISTORY_NETS: HistoryRun[] = [{ net: 'seed-004' }, { net: 'seed-004', steps: 20_000 }, { net: 'xor' }];

function printHistoryCost(costs: HistoryCost[]): void {
  for (const c of costs) {
    console.log(
      `history (${c.net}, ${c.steps} steps${c.shortcut ? ', input-Gram shortcut' : ''}): ${c.entries} entries, ` +
        `${(c.secondsWithout * 1000).toFixed(1)} ms -> ${(c.secondsWith * 1000).toFixed(1)} ms, ${c.msPerEntry.toFixed(3)} ms each = ${(100 * c.shareOfTraining).toFixed(1)} % of training time`,
    );
  }
}

/** The sweep benchmark's grid: 4 learning rates × 3 init schemes × 2 seeds of a 2→16→16→2 tanh net on spirals. */
export const SWEEP_BENCH = {
  version: 1,
  kind: 'sweep',
  base: {
    version: 1,
    name: 'sweep bench',
    seed: 0,
    data: { kind: 'spiral', samples: 200, noise: 0.1, classes: 2 },
    layers: [
      { units: 16, activation: 'tanh' },
      { units: 16, activation: 'tanh' },
      { units: 2, activation: 'linear' },
    ],
    bias: true,
    init: { weights: 'xavier', biases: 'zeros' },
    loss: 'softmax-cross-entropy',
    learningRate: 0.1,
    steps: 400,
  },
  axes: { learningRate: { logspace: [-2, -1, 4] }, 'init.weights': ['xavier', 'he', 'standard-normal'], seed: [1, 2] },
};

interface SweepBench {
  runs: number;
  steps: number;
  workers: number;
  /** Wall clock from a cold pool to the last result: loading the worker bundle, starting the threads and every run. */
  nnlabSeconds: number;
  /** The same for the first sweep of this process (this thread's own code not yet optimised by the JIT, as in a CLI run). */
  nnlabFirstSeconds: number;
  /** Sum of the runs' own training-loop seconds (what one worker would need, start-up excluded). */
  nnlabRunSeconds: number;
  /** nnlabSeconds beyond the loops spread evenly over the workers: start-up, per-run set-up, messages, an uneven end. */
  nnlabOverheadSeconds: number;
  /** CPU time of every thread of this process over that best sweep (pool start-up included). */
  nnlabCpuSeconds: number;
  /** CPU time of the Python process's threads over its runs. */
  numpyCpuSeconds: number;
  /** The 24 runs one after another in one Python process, its start-up excluded. */
  numpySeconds: number;
  /** That process's start-up (numpy import, compiling the scripts), paid once and not in numpySeconds. */
  numpyStartupSeconds: number;
  ratio: number;
  /** Worst |nnlab − numpy| / |numpy| over the runs' last losses. */
  lastLossMaxRelDiff: number;
  /** `uptime`'s load averages when the sweep bench ended (the machine may be shared). */
  load: number[];
  /** CPU seconds per wall second this process got with 1 busy thread, and with 2 together (cpuShare). */
  share: { one: number; two: number };
}

/**
 * What the scheduler gives this process now: `threads` threads spin for `ms` of wall clock each and
 * report the CPU time they got. On a quiet 2-core machine 2 threads get about twice what 1 gets; where
 * the scheduler shares CPU between sessions (Linux autogroups) on a busy machine, 2 threads get about
 * what 1 does, so a pool cannot beat one thread there.
 */
async function cpuShare(threads: number, ms = 1000): Promise<number> {
  const spin = `const { parentPort } = require('node:worker_threads'); const t = Date.now(); let x = 0; while (Date.now() - t < ${ms}) x += Math.sqrt(x + 1); const u = process.threadCpuUsage(); parentPort.postMessage((u.user + u.system) / 1e6);`;
  const got = await Promise.all(
    Array.from({ length: threads }, () => {
      const w = new Worker(spin, { eval: true });
      return new Promise<number>((resolve) => w.once('message', (cpu: number) => void w.terminate().then(() => resolve(cpu))));
    }),
  );
  return got.reduce((a, b) => a + b, 0) / (ms / 1000);
}

async function sweepBench(repeats: number): Promise<SweepBench> {
  const parsed = parseSweep(SWEEP_BENCH);
  if (!parsed.ok) throw new Error(parsed.message);
  const points = parsed.points;
  const scripts = JSON.stringify(points.map((p) => exportNumpy(p.experiment)));
  const script = fileURLToPath(new URL('./numpy_sweep.py', import.meta.url));
  const numpyOnce = () => {
    const r = spawnSync('python3', [script], { input: scripts, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`numpy sweep failed: ${r.stderr || r.error?.message}`);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as { seconds: number; cpuSeconds: number; startupSeconds: number; lastLosses: (number | null)[] };
  };
  const workers = defaultWorkerCount();
  let numpyBest = numpyOnce();
  let nnlabBest = Infinity;
  let nnlabFirst = 0;
  let runSeconds = 0;
  let cpuSeconds = 0;
  let worst = 0;
  for (let r = 0; r < repeats; r++) {
    // Wall clock from a cold pool: loading the worker bundle, starting the threads and compiling the kernels count.
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const res = await runSweepOnThreads(points, { workers });
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    if (r === 0) nnlabFirst = wall;
    if (wall < nnlabBest) {
      nnlabBest = wall;
      runSeconds = res.runs.reduce((a, run) => a + (run.seconds ?? 0), 0);
      cpuSeconds = (cpu.user + cpu.system) / 1e6;
    }
    res.runs.forEach((run, i) => {
      const np = numpyBest.lastLosses[i];
      if (run.status !== 'completed' && run.status !== 'diverged') throw new Error(`sweep run ${i} ${run.status}: ${run.error}`);
      if (np != null && run.finalLoss != null) worst = Math.max(worst, relDiff(run.finalLoss, np));
    });
    const again = numpyOnce();
    if (again.seconds < numpyBest.seconds) numpyBest = again;
  }
  return {
    runs: points.length,
    steps: SWEEP_BENCH.base.steps,
    workers,
    nnlabSeconds: nnlabBest,
    nnlabFirstSeconds: nnlabFirst,
    nnlabRunSeconds: runSeconds,
    nnlabOverheadSeconds: nnlabBest - runSeconds / workers,
    nnlabCpuSeconds: cpuSeconds,
    numpyCpuSeconds: numpyBest.cpuSeconds,
    numpySeconds: numpyBest.seconds,
    numpyStartupSeconds: numpyBest.startupSeconds,
    ratio: numpyBest.seconds / nnlabBest,
    lastLossMaxRelDiff: worst,
    load: loadavg().map((l) => Math.round(l * 100) / 100),
    share: { one: await cpuShare(1), two: await cpuShare(2) },
  };
}

function printSweep(s: SweepBench) {
  console.log(
    `sweep: ${s.runs} runs × ${s.steps} steps (2→16→16→2 tanh, spiral), best of ${SWEEP_REPEATS}, load average ${s.load.join(' ')} on ${availableParallelism()} cores:\n` +
      `  nnlab, a cold pool of ${s.workers} workers (this thread and ${s.workers - 1} worker thread${s.workers === 2 ? '' : 's'}), start-up included: ${s.nnlabSeconds.toFixed(2)} s (the runs' own loops sum to ${s.nnlabRunSeconds.toFixed(2)} s; ${s.nnlabOverheadSeconds.toFixed(2)} s beyond them spread over ${s.workers} workers: start-up, set-up, messages); the process's first sweep ${s.nnlabFirstSeconds.toFixed(2)} s\n` +
      `  numpy, the 24 exported scripts one after another in one Python process: ${s.numpySeconds.toFixed(2)} s (its start-up, ${s.numpyStartupSeconds.toFixed(2)} s for the numpy import and compiling the scripts, paid once and not counted)\n` +
      `  = ${s.ratio.toFixed(2)}× numpy; last losses agree to ${s.lastLossMaxRelDiff.toExponential(1)}\n` +
      `  CPU time (all threads; what the runs cost whatever the load): nnlab ${s.nnlabCpuSeconds.toFixed(2)} s, numpy ${s.numpyCpuSeconds.toFixed(2)} s\n` +
      `  CPU this process gets now, per second of wall clock: ${s.share.one.toFixed(2)} s with 1 busy thread, ${s.share.two.toFixed(2)} s with 2 (a pool gains only where the second figure is the larger)`,
  );
}

function pad(s: string, n: number, right = false) {
  return right ? s.padStart(n) : s.padEnd(n);
}

function printShapes(shapes: ShapeRow[], share: { one: number; two: number }): void {
  const head = ['shape', 'precision', 'threads', 'kernels', 'nnlab steps/s', 'numpy steps/s', 'ratio', 'last loss vs numpy'];
  const widths = [42, 9, 7, 25, 13, 13, 6, 18];
  const line = (cells: string[]) => '| ' + cells.map((c, i) => pad(c, widths[i]!, i >= 4)).join(' | ') + ' |';
  console.log(`\nissue #15 shapes, Node ${process.version} (${WIDE ? 'revectorized 256-bit' : '128-bit'} kernels), nnlab as \`nnlab train\` runs it (2 kernel threads where a run's passes split) and float64 on 1 thread, numpy float64 best of OpenBLAS default threads and 1 thread, interleaved, best of ${REPEATS} rounds`);
  console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; CPU this process got per second: 1 busy thread ${share.one.toFixed(2)} s, 2 together ${share.two.toFixed(2)} s`);
  console.log(line(head));
  console.log('|' + widths.map((w, i) => (i >= 4 ? '-'.repeat(w + 1) + ':' : '-'.repeat(w + 2))).join('|') + '|');
  for (const r of shapes) {
    const np = `${r.numpyStepsPerSecond.toFixed(0)}${r.numpyThreads === '1' ? ' (1t)' : ''}`;
    console.log(line([r.label, r.precision, String(r.threads), r.kernels, r.nnlabStepsPerSecond.toFixed(0), np, r.ratio.toFixed(2) + '×', r.lastLossRelDiff.toExponential(1)]));
  }
  for (const p of ['float64', 'float32'] as const) {
    const s = summary(shapes, p);
    console.log(`${p}, as nnlab train runs it (threads ${s.threads.join(', ')}): worst ratio ${s.worst.toFixed(2)}×, geometric mean ${s.geomean.toFixed(2)}×`);
  }
  const one = summary(shapes, 'float64', 'one');
  console.log(`float64 on 1 kernel thread: worst ratio ${one.worst.toFixed(2)}×, geometric mean ${one.geomean.toFixed(2)}×`);
}

async function main() {
  if (flag('--history')) {
    const costs = HISTORY_NETS.map((r) => historyCost(r, option('--repeats', 5)));
    if (flag('--json')) console.log(JSON.stringify({ node: process.version, history: costs }, null, 2));
    else printHistoryCost(costs);
    return;
  }
  if (flag('--child-rows')) {
    // Child mode (relaxed SIMD flag set by the parent): nnlab rows only, as JSON.
    console.log(JSON.stringify(await nnlabRows(['wasm-relaxed'])));
    return;
  }
  if (flag('--shapes')) {
    const share = { one: await cpuShare(1), two: await cpuShare(2) };
    const shapes = await shapeRows(REPEATS);
    if (flag('--json')) console.log(JSON.stringify({ node: process.version, wideKernels: WIDE, repeats: REPEATS, loadavg: loadavg(), share, shapes }, null, 2));
    else printShapes(shapes, share);
    return;
  }
  if (flag('--sweep-only')) {
    const s = await sweepBench(SWEEP_REPEATS);
    if (flag('--json')) console.log(JSON.stringify({ sweep: s }, null, 2));
    else printSweep(s);
    return;
  }
  const numpy = new Map<string, NumpyResult>();
  const measureNumpy = () => {
    for (const net of NETS) {
      for (const precision of ['float64', 'float32'] as const) {
        const r = timeNumpy(net, precision);
        const key = `${net}/${precision}`;
        const prev = numpy.get(key);
        if (!prev || r.stepsPerSecond > prev.stepsPerSecond) numpy.set(key, r);
      }
    }
  };
  // numpy before and after nnlab, best of both: neither side gets only the quiet half of the run.
  measureNumpy();
  const kernels: Kernels[] = quick ? ['wasm-simd'] : ['ts-reference', 'wasm-simd'];
  const measured = await nnlabRows(relaxedSimdSupported() ? [...kernels, 'wasm-relaxed'] : kernels);
  if (!relaxedSimdSupported()) {
    const self = fileURLToPath(import.meta.url);
    const child = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--import', 'tsx', self, '--child-rows', '--steps', String(STEPS), '--repeats', String(REPEATS)], {
      encoding: 'utf8',
    });
    if (child.status === 0) measured.push(...(JSON.parse(child.stdout.trim().split('\n').pop()!) as Measured[]));
    else console.error(`relaxed-SIMD rows unavailable: ${child.stderr.split('\n')[0]}`);
  }
  measureNumpy();

  const rows: Row[] = measured.map((m) => {
    const np64 = numpy.get(`${m.net}/float64`)!;
    return {
      net: m.net,
      precision: m.precision,
      threads: m.threads,
      kernels: m.kernels,
      path: m.path,
      nnlabStepsPerSecond: m.stepsPerSecond,
      numpyStepsPerSecond: np64.stepsPerSecond,
      ratio: m.stepsPerSecond / np64.stepsPerSecond,
      lastLossRelDiff: relDiff(m.lastLoss, np64.lastLoss),
    };
  });
  const shapesShare = { one: await cpuShare(1), two: await cpuShare(2) };
  const shapes = await shapeRows(REPEATS);
  const heap = heapOverSteps(quick ? 20_000 : 100_000);
  const snapshots = [snapshotCost('seed-004', quick ? 1 : 3), snapshotCost('spiral', quick ? 1 : 3)];
  const history = HISTORY_NETS.map((r) => historyCost(r, quick ? 2 : 5));
  const sweep = await sweepBench(SWEEP_REPEATS);
  const result = {
    steps: STEPS,
    repeats: REPEATS,
    node: process.version,
    wideKernels: WIDE,
    numpy: numpy.get('seed-004/float64')!.numpy,
    numpyFloat32StepsPerSecond: Object.fromEntries(NETS.map((n) => [n, numpy.get(`${n}/float32`)!.stepsPerSecond])),
    rows,
    shapes,
    shapesFloat64: summary(shapes, 'float64'),
    shapesFloat32: summary(shapes, 'float32'),
    shapesFloat64OneThread: summary(shapes, 'float64', 'one'),
    shapesShare,
    heap,
    snapshots,
    history,
    sweep,
  };
  if (flag('--json')) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  const head = ['net', 'precision', 'threads', 'kernels', 'path', 'nnlab steps/s', 'numpy steps/s', 'ratio', 'last loss vs numpy'];
  const widths = [9, 9, 7, 12, 6, 13, 13, 6, 18];
  const line = (cells: string[]) => '| ' + cells.map((c, i) => pad(c, widths[i]!, i >= 5)).join(' | ') + ' |';
  console.log(`nnlab vs numpy ${result.numpy} (float64, OpenBLAS default threads), ${STEPS} steps after ${WARMUP} warm-up, best of ${REPEATS}, Node ${process.version} (${WIDE ? 'revectorized 256-bit' : '128-bit'} kernels)`);
  console.log(line(head));
  console.log('|' + widths.map((w, i) => (i >= 5 ? '-'.repeat(w + 1) + ':' : '-'.repeat(w + 2))).join('|') + '|');
  for (const r of rows) {
    console.log(
      line([r.net, r.precision, String(r.threads), r.kernels, r.path, r.nnlabStepsPerSecond.toFixed(0), r.numpyStepsPerSecond.toFixed(0), r.ratio.toFixed(2) + '×', r.lastLossRelDiff.toExponential(1)]),
    );
  }
  printShapes(shapes, shapesShare);
  console.log(`numpy float32 for reference: ${NETS.map((n) => `${n} ${result.numpyFloat32StepsPerSecond[n]!.toFixed(0)} steps/s`).join(', ')}`);
  console.log(
    `heap over ${heap.steps} steps of the xor net: ${heap.heapBeforeMB.toFixed(2)} MB -> ${heap.heapAfterMB.toFixed(2)} MB${heap.gcExposed ? '' : ' (no --expose-gc: includes garbage)'}`,
  );
  for (const s of snapshots) {
    console.log(`UI snapshot (${s.net}): ${s.msPerSnapshot.toFixed(2)} ms each, ${s.snapshots} at 10 Hz = ${(100 * s.shareOfTraining).toFixed(2)} % of training time`);
  }
  printHistoryCost(history);
  printSweep(sweep);
}

await main();
