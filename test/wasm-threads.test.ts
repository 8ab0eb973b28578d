/**
 * A training step's passes on several threads (core/wasm/kernel-jobs.ts, node/kernel-threads.ts):
 * rows in bands through the forward pass and the deltas, weight gradients shared out by rows of dW,
 * plain SGD fused into that last pass. Every value is computed by the same kernel code wherever it
 * runs, so a run must be bit-identical to one thread, step for step.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createWasmBackend, experiment, presetById, Trainer, type Experiment, type ExperimentInput } from '../core';
import { JOB_OPS, JobQueue, jobFunctions, runJobs } from '../core/wasm/kernel-jobs';
import { AtomicsThreads, createThreadedWasmBackend, type ThreadedBackend } from '../node/kernel-threads';
import { JOB_QUEUE_SLOTS, type KernelThreads, type WasmBackend } from '../core/wasm/backend';
import { inBackend, randomArray } from './helpers/kernel-check';
import { SHAPES } from '../bench/shapes';

const opened: ThreadedBackend[] = [];
afterAll(async () => {
  await Promise.all(opened.map((b) => b.close()));
});
const threaded = async (precision: 'float64' | 'float32' = 'float64') => {
  const b = await createThreadedWasmBackend({ threads: 2, relaxed: false, precision });
  opened.push(b);
  return b;
};

/**
 * `parts − 1` stand-in threads that run their queues on the caller, last part first, when finish()
 * is called: the backend's queues without real threads, so three or four parts can be checked too,
 * and in an order no real run would take. Each queue goes through the same decoder the workers use.
 */
function sameThread(parts: number, precision: 'float64' | 'float32'): WasmBackend {
  const queues = Array.from({ length: parts - 1 }, () => new JobQueue(new Int32Array(JOB_QUEUE_SLOTS)));
  const posted: number[] = [];
  let fns: ((...args: number[]) => void)[] = [];
  const threads: KernelThreads = {
    count: parts - 1,
    queue: (w) => queues[w]!,
    post: (w) => void posted.push(w),
    finish() {
      for (const w of posted.reverse()) runJobs(fns, queues[w]!.slots, queues[w]!.length);
      posted.length = 0;
    },
  };
  const be = createWasmBackend({ relaxed: false, precision, threads });
  fns = jobFunctions(be.kernels);
  return be;
}

const losses = (exp: Experiment, backend: WasmBackend | null, options: { history?: boolean; inputGram?: boolean } = {}) => {
  const t = new Trainer(exp, { ...(backend ? { backend } : {}), history: options.history ?? false, inputGram: options.inputGram });
  t.run(exp.steps);
  return { losses: t.result(1).losses, params: t.params() };
};

const base = (over: Partial<ExperimentInput>): Experiment =>
  experiment({
    version: 2,
    name: 'bands',
    seed: 3,
    data: { kind: 'circles', samples: 509, noise: 0.1, classes: 2 },
    layers: [
      { units: 33, activation: 'tanh' },
      { units: 31, activation: 'sigmoid' },
      { units: 2, activation: 'linear' },
    ],
    bias: true,
    init: { weights: 'xavier', biases: 'zeros' },
    loss: 'softmax-cross-entropy',
    learningRate: 0.2,
    steps: 12,
    ...over,
  } as ExperimentInput);

describe('a step on several threads', () => {
  it('queues decode to the same calls on any thread (runJobs against the kernels directly)', () => {
    const be = createWasmBackend({ relaxed: false });
    const [m, n, k] = [37, 9, 13];
    const a = inBackend(be, randomArray(m * k, 1));
    const b = inBackend(be, randomArray(m * n, 2));
    const direct = be.alloc(k * n);
    const queued = be.alloc(k * n);
    be.kernels.tn_f64(k, n, m, a.byteOffset, k, 0, b.byteOffset, n, direct.byteOffset, n, 0);
    const q = new JobQueue(new Int32Array(64));
    q.add11(0, k, n, m, a.byteOffset, k, 0, b.byteOffset, n, queued.byteOffset, n, 0);
    runJobs(jobFunctions(be.kernels), q.slots, q.length);
    expect(Array.from(queued)).toEqual(Array.from(direct));
    expect(() => new JobQueue(new Int32Array(12)).add11(0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)).toThrow(/queue full/);
  });

  it('trains bit for bit as one thread, in 2, 3 and 4 parts (odd rows and widths, tanh, sigmoid, relu, full batch and minibatch)', () => {
    const exps = [
      base({}),
      base({ batchSize: 190, layers: [{ units: 64, activation: 'relu' }, { units: 40, activation: 'tanh' }, { units: 2, activation: 'linear' }] }),
      base({ loss: 'mse', bias: false, data: { kind: 'random-regression', samples: 600, inputs: 20, outputs: 3 }, layers: [{ units: 48, activation: 'relu' }, { units: 3, activation: 'linear' }] }),
    ];
    for (const precision of ['float64', 'float32'] as const) {
      for (const exp of exps) {
        const one = losses({ ...exp, precision }, createWasmBackend({ relaxed: false, precision }));
        for (const parts of [2, 3, 4]) {
          const many = losses({ ...exp, precision }, sameThread(parts, precision));
          expect(many.losses, `${precision} ${exp.layers.length} layers, ${parts} parts`).toEqual(one.losses);
          expect(many.params, `${precision} ${parts} parts: parameters`).toEqual(one.params);
        }
      }
    }
  });

  it('keeps W before its update where the history records it, and leaves other optimisers their own update', () => {
    for (const over of [{}, { optimizer: { kind: 'adam' } }, { optimizer: { kind: 'momentum' }, schedule: { kind: 'exponential', rate: 0.9 } }, { schedule: { kind: 'cosine' } }] as Partial<ExperimentInput>[]) {
      const exp = base({ ...over, steps: 30 });
      const one = new Trainer(exp, { backend: createWasmBackend({ relaxed: false }) });
      const two = new Trainer(exp, { backend: sameThread(2, 'float64') });
      one.run(30);
      two.run(30);
      expect(two.result(1).losses, JSON.stringify(over)).toEqual(one.result(1).losses);
      expect(two.historyEntries(), JSON.stringify(over)).toEqual(one.historyEntries());
    }
  });

  it('a worker that keeps missing its queues (no core for it) is left alone for a while, its queues run by the caller', () => {
    const be = createWasmBackend({ relaxed: false });
    const z = inBackend(be, randomArray(64, 5));
    const out = be.alloc(64);
    const want = be.alloc(64);
    be.kernels.act_f64(2, 64, z.byteOffset, want.byteOffset);
    // A control block with no thread behind it: every queue posted there is taken back.
    const threads = new AtomicsThreads(new SharedArrayBuffer(16), [new SharedArrayBuffer(JOB_QUEUE_SLOTS * 4)], 1);
    threads.local = jobFunctions(be.kernels);
    const pass = () => {
      out.fill(0);
      const q = threads.queue(0);
      q.clear();
      q.add4(JOB_OPS.indexOf('act_f64'), 2, 64, z.byteOffset, out.byteOffset); // tanh
      threads.post(0);
      threads.finish();
      expect(Array.from(out)).toEqual(Array.from(want));
    };
    // Eight missed in a row, then 300 passes at rest, then tried again; missing again, it rests 600.
    for (let i = 0; i < 8; i++) pass();
    expect(threads.handedOver).toBe(8);
    for (let i = 0; i < 300; i++) pass();
    expect(threads.handedOver).toBe(8);
    for (let i = 0; i < 8; i++) pass();
    expect(threads.handedOver).toBe(16);
    for (let i = 0; i < 600; i++) pass();
    expect(threads.handedOver).toBe(16);
    pass();
    expect(threads.handedOver).toBe(17);
  });

  it('two trainers taking turns on one backend each run their own kept passes', () => {
    const a = base({ steps: 30 });
    const b = base({ steps: 30, seed: 9, layers: [{ units: 64, activation: 'tanh' }, { units: 64, activation: 'tanh' }, { units: 2, activation: 'linear' }] });
    expect([a, b].map((exp) => Trainer.splitsPasses(exp))).toEqual([true, true]);
    const alone = [a, b].map((exp) => losses(exp, createWasmBackend({ relaxed: false })).losses);
    const shared = sameThread(2, 'float64');
    const [ta, tb] = [a, b].map((exp) => new Trainer(exp, { backend: shared, history: false }));
    for (let i = 0; i < 3; i++) {
      ta!.run(10);
      tb!.run(10);
    }
    expect(ta!.result(1).losses).toEqual(alone[0]);
    expect(tb!.result(1).losses).toEqual(alone[1]);
  });

  it('splits only passes big enough to gain (bench/split.ts), never a Gram-shortcut first layer', () => {
    expect(Trainer.splitsPasses(SHAPES.find((s) => s.id === 'classroom-tanh')!.experiment(10))).toBe(true);
    expect(Trainer.splitsPasses(SHAPES.find((s) => s.id === 'wide-relu-b32')!.experiment(10))).toBe(true);
    expect(Trainer.splitsPasses(SHAPES.find((s) => s.id === 'tiny-tanh')!.experiment(10))).toBe(false);
    expect(Trainer.splitsPasses(experiment({ ...presetById('seed-004')!.experiment, steps: 10 }))).toBe(false);
    expect(Trainer.splitsPasses(base({ batchSize: 300 }))).toBe(true);
    expect(Trainer.splitsPasses(base({ batchSize: 100 }))).toBe(false);
  });

  it('trains the classroom net and a minibatch net on a real second thread, step for step as one thread', async () => {
    for (const exp0 of [SHAPES.find((s) => s.id === 'classroom-tanh')!.experiment(40), base({ batchSize: 300, steps: 40 })]) {
      for (const precision of ['float64', 'float32'] as const) {
        const exp = { ...exp0, precision };
        const id = exp.name;
        const two = await threaded(precision);
        expect(two.threads).toBe(2);
        expect(losses(exp, two).losses, `${id} ${precision}`).toEqual(losses(exp, createWasmBackend({ relaxed: false, precision })).losses);
      }
    }
  });

  it('train seed-004 step for step as one thread does, and fall back to one thread after close()', async () => {
    const exp = experiment({ ...presetById('seed-004')!.experiment, steps: 60 });
    for (const inputGram of [false, true]) {
      const single = losses(exp, createWasmBackend({ relaxed: false }), { inputGram }).losses;
      const two = await threaded();
      expect(losses(exp, two, { inputGram }).losses).toEqual(single);
      await two.close();
      expect(two.threads).toBe(1);
      expect(losses(exp, two, { inputGram }).losses).toEqual(single);
    }
  });
});
