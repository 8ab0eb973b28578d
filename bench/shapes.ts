/**
 * The shapes issue #15 names, where the full-batch first-layer shortcut does not apply (or does not
 * pay): what students train in the lab (small 2-D nets, minibatches). `npm run bench` times each
 * against numpy in the same run.
 */
import { experiment, presetById, type Experiment } from '../core';

export interface BenchShape {
  id: string;
  label: string;
  /** Timed steps per repeat: each repeat takes a few tenths of a second on a quiet 2-core machine. */
  steps: number;
  experiment: (steps: number) => Experiment;
}

const tanhLayers = (units: number, count: number) => Array.from({ length: count }, () => ({ units, activation: 'tanh' as const }));

export const SHAPES: BenchShape[] = [
  {
    id: 'classroom-tanh',
    label: '512×2→32×4 tanh→2, full batch',
    steps: 400,
    experiment: (steps) =>
      experiment({
        version: 1,
        name: 'classroom-tanh',
        seed: 4,
        data: { kind: 'circles', samples: 512, noise: 0.08, classes: 2 },
        layers: [...tanhLayers(32, 4), { units: 2, activation: 'linear' }],
        bias: true,
        init: { weights: 'xavier', biases: 'zeros' },
        loss: 'softmax-cross-entropy',
        learningRate: 0.1,
        steps,
      }),
  },
  {
    id: 'wide-relu-b32',
    label: '256×64→128→128 relu→10, batch 32',
    steps: 300,
    experiment: (steps) =>
      experiment({
        version: 1,
        name: 'wide-relu-b32',
        seed: 6,
        data: { kind: 'random-regression', samples: 256, inputs: 64, outputs: 10 },
        layers: [
          { units: 128, activation: 'relu' },
          { units: 128, activation: 'relu' },
          { units: 10, activation: 'linear' },
        ],
        bias: true,
        init: { weights: 'he', biases: 'zeros' },
        loss: 'mse',
        learningRate: 0.01,
        steps,
        batchSize: 32,
      }),
  },
  {
    id: 'seed-004-b16',
    label: 'seed-004 (64×1000→100 relu→10), batch 16',
    steps: 300,
    experiment: (steps) => experiment({ ...presetById('seed-004')!.experiment, name: 'seed-004-b16', steps, batchSize: 16 }),
  },
  {
    id: 'tiny-tanh',
    label: '200×2→8→8 tanh→2, full batch',
    steps: 1500,
    experiment: (steps) =>
      experiment({
        version: 1,
        name: 'tiny-tanh',
        seed: 1,
        data: { kind: 'xor', samples: 200, noise: 0.05, classes: 2 },
        layers: [...tanhLayers(8, 2), { units: 2, activation: 'linear' }],
        bias: true,
        init: { weights: 'xavier', biases: 'zeros' },
        loss: 'softmax-cross-entropy',
        learningRate: 0.1,
        steps,
      }),
  },
];
