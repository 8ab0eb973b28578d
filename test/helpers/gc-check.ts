// Run by test/wasm-training.test.ts in a child `node --expose-gc --max-semi-space-size=1
// --no-concurrent-recompilation` (optimization on the main thread, not at the mercy of a busy machine), one
// case per process (`gc-check.ts <steps> <case>`; `list` prints the case names): trains past
// warm-up, empties the young generation, runs the measured steps in one call and prints, as JSON,
// every garbage collection V8 reported during that call. The young generation is held to 1 MB, so
// anything the loop allocates per step (a 16-byte boxed number or more) forces a scavenge within
// 65,536 steps; the cases run more. One case per process because a process that has run other
// backends or paths has polymorphic call sites, where V8 boxes float arguments it would otherwise
// pass unboxed: that is measured separately (see the test) rather than mixed into every case.
import { constants, performance, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { createWasmBackend, experiment, referenceBackend, Trainer, type Backend, type ExperimentInput } from '../../core';
import { createThreadedWasmBackend } from '../../node/kernel-threads';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const steps = Number(process.argv[2] ?? 70_000);
const only = process.argv[3];
const warm = 2000;

const base = (data: ExperimentInput['data'], batchSize: number | null, precision: 'float64' | 'float32' = 'float64'): ExperimentInput => ({
  version: 1,
  seed: 3,
  data,
  layers: [{ units: 8, activation: 'relu' }, { units: 2, activation: 'linear' }],
  bias: true,
  init: { weights: 'xavier', biases: 'zeros' },
  loss: 'sse',
  learningRate: 1e-4,
  steps: warm + 3 * steps,
  batchSize,
  testFraction: 0.2,
  testEvery: 50,
  precision,
});
// 16 training rows against 64 inputs: the Gram shortcut applies (see InputGram.worthwhile).
const wide = { kind: 'random-regression', samples: 20, inputs: 64, outputs: 2 } as const;
const xor = { kind: 'xor', samples: 64 } as const;
const cases: [string, ExperimentInput, boolean, () => Backend | Promise<Backend>][] = [];
for (const [name, backend] of [['wasm', () => createWasmBackend({ relaxed: false })], ['reference', () => referenceBackend]] as const) {
  cases.push([`${name} full batch, Gram shortcut`, base(wide, null), true, backend]);
  cases.push([`${name} full batch, direct products`, base(wide, null), false, backend]);
  cases.push([`${name} minibatch`, { ...base(xor, 8), loss: 'softmax-cross-entropy' }, true, backend]);
  cases.push([`${name} minibatch, Gram shortcut`, base(wide, 4), true, backend]);
}
cases.push(['float32 full batch, Gram shortcut', base(wide, null, 'float32'), true, () => createWasmBackend({ relaxed: false })]);
cases.push(['float32 minibatch', { ...base(xor, 8, 'float32'), loss: 'softmax-cross-entropy' }, true, () => createWasmBackend({ relaxed: false })]);
// Format v2: the optimiser's update, the penalty added to the loss and the scheduled rate all run
// each step (the Gram shortcut is off: it follows SGD alone). Every optimiser, penalty and schedule
// once; Adam with both penalties and a cosine schedule on minibatches on both backends.
const v2 = (data: ExperimentInput['data'], batchSize: number | null, extra: Pick<ExperimentInput, 'optimizer' | 'regularization' | 'schedule'>): ExperimentInput => ({
  ...base(data, batchSize),
  ...(batchSize ? { loss: 'softmax-cross-entropy' } : {}),
  version: 2,
  ...extra,
});
const adam = { optimizer: { kind: 'adam' }, regularization: { l2: 1e-4, l1: 1e-5 }, schedule: { kind: 'cosine' } } as const;
cases.push(['wasm v2: adam, l2 + l1, cosine, minibatch', v2(xor, 8, adam), true, () => createWasmBackend({ relaxed: false })]);
cases.push(['reference v2: adam, l2 + l1, cosine, minibatch', v2(xor, 8, adam), true, () => referenceBackend]);
const others = { optimizer: { kind: 'momentum' }, regularization: { l2: 1e-4, l1: 0 }, schedule: { kind: 'step', every: 1000, factor: 0.5 } } as const;
cases.push(['wasm v2: momentum, l2, step, full batch', v2(wide, null, others), true, () => createWasmBackend({ relaxed: false })]);
cases.push(['wasm v2: nesterov, exponential, minibatch', v2(xor, 8, { optimizer: { kind: 'nesterov' }, schedule: { kind: 'exponential', rate: 0.99999 } }), true, () => createWasmBackend({ relaxed: false })]);
cases.push(['wasm v2: rmsprop, l1, full batch', v2(wide, null, { optimizer: { kind: 'rmsprop' }, regularization: { l2: 0, l1: 1e-5 } }), true, () => createWasmBackend({ relaxed: false })]);
cases.push(['wasm v2: sgd, l2 + l1, cosine, full batch', v2(wide, null, { ...adam, optimizer: { kind: 'sgd' } }), true, () => createWasmBackend({ relaxed: false })]);
cases.push(['wasm v2: sgd, cosine, minibatch', v2(xor, 8, { schedule: { kind: 'cosine' } }), true, () => createWasmBackend({ relaxed: false })]);

// A step split across two kernel threads (node/kernel-threads.ts): queued passes, the fused update
// (plain SGD), and Adam's own update after them. 128 rows of a 2→48→48→2 net pass the split
// threshold; on minibatches the epoch's last 64-row batch runs on one thread.
const bands = (batchSize: number | null, precision: 'float64' | 'float32' = 'float64'): ExperimentInput => ({
  ...base({ kind: 'circles', samples: batchSize ? 400 : 170, noise: 0.1, classes: 2 }, batchSize, precision),
  layers: [{ units: 48, activation: 'tanh' }, { units: 48, activation: 'tanh' }, { units: 2, activation: 'linear' }],
  loss: 'softmax-cross-entropy',
});
const twoThreads = (precision: 'float64' | 'float32') => () => createThreadedWasmBackend({ threads: 2, relaxed: false, precision });
cases.push(['two threads, full batch', bands(null), false, twoThreads('float64')]);
cases.push(['two threads, float32 minibatch', bands(128, 'float32'), false, twoThreads('float32')]);
cases.push(['two threads, v2: adam, minibatch', { ...bands(128), version: 2, optimizer: { kind: 'adam' } }, false, twoThreads('float64')]);

if (only === 'list') {
  console.log(JSON.stringify(cases.map((c) => c[0])));
  process.exit(0);
}
if (!cases.some((c) => c[0] === only)) throw new Error(`no case "${only}"`);

const seen: PerformanceEntry[] = [];
const observer = new PerformanceObserver((list) => seen.push(...list.getEntries()));
observer.observe({ entryTypes: ['gc'] });
const kinds: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};

const report: { name: string; gram: boolean; steps: number; gcs: string[] }[] = [];
for (const [name, input, inputGram, backend] of cases.filter((c) => c[0] === only)) {
  const exp = experiment(input);
  // float32 picks its own backend; the option is for the float64 cases.
  const threaded = name.startsWith('two threads');
  const t = new Trainer(exp, exp.precision === 'float32' && !threaded ? { inputGram } : { backend: await backend(), inputGram });
  if (threaded && ((t as unknown as { backend: { parts: number } }).backend.parts !== 2 || !Trainer.splitsPasses(exp))) throw new Error(`${name}: not split over two threads`);
  t.run(warm);
  // Up to three measured windows; the first clean one passes. A loop that allocates ≥ 16 bytes a
  // step fills the 1 MB young generation in every window, so retrying cannot hide it; what it does
  // absorb is a window spent partly in not-yet-optimized code, which boxes floats (seen on a
  // loaded machine, where the compiler thread starves).
  let gcs: string[] = [];
  let done = 0;
  for (let attempt = 0; attempt < 3; attempt++) {
    gc();
    seen.length = 0;
    const start = performance.now();
    done = t.run(steps);
    const end = performance.now();
    // gc entries arrive asynchronously; let them in before reading.
    await new Promise((r) => setTimeout(r, 50));
    gcs = seen.filter((e) => e.startTime >= start && e.startTime <= end).map((e) => kinds[(e as { detail?: { kind: number } }).detail?.kind ?? 0] ?? 'gc');
    if (gcs.length === 0) break;
  }
  report.push({ name, gram: t.inputGramActive, steps: done, gcs });
}
observer.disconnect();
console.log(JSON.stringify(report));
// The kernel threads are unref'd: nothing else keeps this process alive.
