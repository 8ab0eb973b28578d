/**
 * When splitting a step's passes over two kernel threads pays: nets of several sizes trained on one
 * thread and on two (node/kernel-threads.ts), long-lived trainers alternating 8 times, medians of
 * steps/s. The two-thread trainer splits every pass (`splitAll`), so the table shows what the
 * thresholds in core/trainer.ts (PARALLEL_MIN_WORK, MIN_BAND_ROWS) decide from: the "splits" column is
 * what a run does by default.
 */
import { experiment, Trainer, createWasmBackend, type Experiment } from '../core';
import { createThreadedWasmBackend } from '../node/kernel-threads';
import { SHAPES } from './shapes';
import { enableWideKernels } from '../node/wide-kernels';

enableWideKernels();

const net = (batch: number, inputs: number, units: number, activation: 'relu' | 'tanh'): Experiment =>
  experiment({
    version: 1,
    name: `${inputs}→${units}→${units}→10 ${activation}, batch ${batch}`,
    seed: 6,
    data: { kind: 'random-regression', samples: 1024, inputs, outputs: 10 },
    layers: [{ units, activation }, { units, activation }, { units: 10, activation: 'linear' }],
    bias: true,
    init: { weights: 'he', biases: 'zeros' },
    loss: 'mse',
    learningRate: 0.001,
    steps: 1_000_000,
    batchSize: batch,
  });

const nets: Experiment[] = [
  SHAPES.find((s) => s.id === 'classroom-tanh')!.experiment(1_000_000),
  SHAPES.find((s) => s.id === 'wide-relu-b32')!.experiment(1_000_000),
  net(32, 64, 128, 'relu'),
  net(16, 64, 128, 'relu'),
  net(32, 16, 64, 'relu'),
  net(32, 64, 32, 'relu'),
  net(64, 16, 32, 'tanh'),
  net(128, 2, 32, 'tanh'),
  net(64, 2, 64, 'tanh'),
  net(256, 2, 16, 'tanh'),
];

const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
const two = await createThreadedWasmBackend({ threads: 2 });

// What a second thread can add at best here: one kernel alone, then the same kernel on both threads at
// once (each on its own buffers), as time per call. Two free cores would keep the time; vCPUs that
// share a core's units do not.
{
  const [m, n, k] = [512, 32, 32];
  const bufs = [0, 1].map(() => ({ a: two.alloc(m * k).fill(0.5), b: two.alloc(m * n).fill(0.25), c: two.alloc(k * n), z: two.alloc(16384).fill(0.3) }));
  const calls = 400;
  for (const [label, call] of [
    ['a 512×32ᵀ·512×32 weight-gradient product', (p: number) => two.gemmTN(m, n, k, bufs[p]!.a, bufs[p]!.b, bufs[p]!.c)],
    ['tanh over 16,384 values', (p: number) => two.activate!('tanh', 16384, bufs[p]!.z, bufs[p]!.z)],
  ] as const) {
    const timed = (parts: number) => {
      for (let p = 0; p < parts; p++) {
        two.queue!(p);
        for (let i = 0; i < calls; i++) call(p);
      }
      const t0 = performance.now();
      two.run!();
      return ((performance.now() - t0) / calls) * 1000;
    };
    timed(2);
    const alone = median([timed(1), timed(1), timed(1)]);
    const both = median([timed(2), timed(2), timed(2)]);
    console.log(`${label}: ${alone.toFixed(1)} µs alone, ${both.toFixed(1)} µs each on both threads at once: ${((2 * alone) / both).toFixed(2)}× one thread's throughput`);
  }
}

console.log(`| net | forward multiply-adds a pass | splits | 1 thread steps/s | 2 threads steps/s | gain |\n|---|--:|---|--:|--:|--:|`);
for (const exp of nets) {
  const widths = [exp.data.kind === 'random-regression' ? exp.data.inputs : 2, ...exp.layers.map((l) => l.units)];
  const rows = exp.batchSize ?? (exp.data as { samples: number }).samples;
  const work = rows * exp.layers.reduce((w, l, i) => w + widths[i]! * l.units, 0);
  const trainers = [new Trainer(exp, { recordLosses: false, history: false, backend: createWasmBackend({}) }), new Trainer(exp, { recordLosses: false, history: false, backend: two, splitAll: true })];
  const steps = Math.max(50, Math.round(3e7 / work));
  for (const t of trainers) t.run(steps);
  const rates: number[][] = [[], []];
  for (let r = 0; r < 8; r++) {
    for (const i of [0, 1]) {
      const t0 = performance.now();
      trainers[i]!.run(steps);
      rates[i]!.push(steps / ((performance.now() - t0) / 1000));
    }
  }
  const [a, b] = rates.map(median) as [number, number];
  console.log(`| ${exp.name} | ${work.toLocaleString('en')} | ${Trainer.splitsPasses(exp) ? 'yes' : 'no'} | ${a.toFixed(0)} | ${b.toFixed(0)} | ${(b / a).toFixed(2)}× |`);
}
await two.close();
