// Run by test/wide-kernels.test.ts in child Nodes, with and without V8's revectorizer: trains a few
// nets on the wide (or, with `narrow`, the narrow) kernels and prints every loss and parameter as
// the hex of its bits, one JSON line, so the parent can compare the runs bit for bit.
import { experiment, Trainer, type ExperimentInput } from '../../core';
import { createWasmBackend } from '../../core/wasm/backend';

const wide = process.argv[2] !== 'narrow';
const hex = (v: Float64Array) => Array.from(new Uint32Array(v.buffer, v.byteOffset, v.length * 2), (w) => w.toString(16)).join('');

const nets: Record<string, ExperimentInput> = {
  'classroom-tanh': {
    version: 1,
    name: 'classroom-tanh',
    seed: 4,
    data: { kind: 'circles', samples: 200, noise: 0.08, classes: 2 },
    layers: [...Array.from({ length: 3 }, () => ({ units: 32, activation: 'tanh' as const })), { units: 2, activation: 'linear' as const }],
    bias: true,
    init: { weights: 'xavier', biases: 'zeros' },
    loss: 'softmax-cross-entropy',
    learningRate: 0.1,
    steps: 40,
  },
  'relu-minibatch': {
    version: 1,
    name: 'relu-minibatch',
    seed: 6,
    data: { kind: 'random-regression', samples: 96, inputs: 13, outputs: 5 },
    layers: [{ units: 37, activation: 'relu' }, { units: 19, activation: 'relu' }, { units: 5, activation: 'linear' }],
    bias: true,
    init: { weights: 'he', biases: 'zeros' },
    loss: 'mse',
    learningRate: 0.01,
    steps: 40,
    batchSize: 31,
  },
  'sigmoid-adam': {
    version: 2,
    name: 'sigmoid-adam',
    seed: 2,
    data: { kind: 'xor', samples: 64, noise: 0.05, classes: 2 },
    layers: [{ units: 9, activation: 'sigmoid' }, { units: 2, activation: 'linear' }],
    bias: true,
    init: { weights: 'standard-normal', biases: 'zeros' },
    loss: 'softmax-cross-entropy',
    learningRate: 0.05,
    steps: 40,
    optimizer: { kind: 'adam' },
  },
};

const out: Record<string, string> = {};
for (const [name, input] of Object.entries(nets)) {
  for (const precision of ['float64', 'float32'] as const) {
    const t = new Trainer(experiment({ ...input, precision }), { backend: createWasmBackend({ precision, wide }) });
    t.run(input.steps);
    const r = t.result(1);
    out[`${name} ${precision}`] = [r.losses, ...r.params.flatMap((p) => [p.weights.flat(), p.biases ?? []])].map((v) => hex(Float64Array.from(v))).join(':');
  }
}
console.log(JSON.stringify(out));
