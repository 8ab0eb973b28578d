// Run by test/wasm-training.test.ts in a child `node --expose-gc`: trains a net for N steps on the
// default (WASM) backend and prints the heap growth after a full GC, in bytes, as JSON.
import { experiment, presetById, Trainer } from '../../core';

const [which, stepsArg] = process.argv.slice(2);
const steps = Number(stepsArg);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const exp =
  which === 'small'
    ? experiment({
        version: 1,
        seed: 1,
        data: { kind: 'xor', samples: 64 },
        layers: [{ units: 8, activation: 'tanh' }, { units: 2, activation: 'linear' }],
        bias: true,
        init: { weights: 'xavier', biases: 'zeros' },
        loss: 'softmax-cross-entropy',
        learningRate: 0.05,
        steps: steps + 1000,
      })
    : which === 'adam'
      ? experiment({
          ...presetById('optimizers-adam')!.experiment,
          regularization: { l2: 1e-4, l1: 1e-5 },
          schedule: { kind: 'cosine' },
          batchSize: 50,
          steps: steps + 1000,
        })
      : experiment({ ...presetById('seed-004')!.experiment, steps: steps + 1000 });
const t = new Trainer(exp, { recordLosses: false });
t.run(1000);
gc();
const before = process.memoryUsage().heapUsed;
let done = 0;
while (done < steps) done += t.run(5000);
gc();
const after = process.memoryUsage().heapUsed;
console.log(JSON.stringify({ steps: done, growth: after - before, gram: t.inputGramActive, backend: exp.name ?? which }));
