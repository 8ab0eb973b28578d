/**
 * Built-in experiments: the seed tutorials as they were written, and small 2-D demos that show
 * what the seeds only print. Each description says what to look at.
 */
import type { ExperimentInput } from './experiment';
import { QUADRANT_TEST_POINTS } from './data';

export interface Preset {
  id: string;
  title: string;
  /** One line, shown by `nnlab presets` and in the UI's preset picker. */
  description: string;
  experiment: ExperimentInput;
}

const twoLayer = { samples: 64, inputs: 1000, outputs: 10 } as const;

export const PRESETS: Preset[] = [
  {
    id: 'seed-001',
    title: 'Two-layer net, no biases (seed 001)',
    description: '64×1000 random data → 100 relu → 10, no biases, sum of squares, lr 1e-6: the classic numpy warm-up.',
    experiment: {
      version: 1,
      name: 'seed-001',
      seed: 0,
      data: { kind: 'random-regression', ...twoLayer },
      layers: [
        { units: 100, activation: 'relu' },
        { units: 10, activation: 'linear' },
      ],
      bias: false,
      init: { weights: 'standard-normal' },
      loss: 'sse',
      learningRate: 1e-6,
      steps: 500,
    },
  },
  {
    id: 'seed-004',
    title: 'Two-layer net with biases (seed 004)',
    description: 'The seed-001 net with standard-normal biases, as in two_layer_net_numpy.py; the loss falls every step, 2.8e7 to 4.9e-5 in 500 steps.',
    experiment: {
      version: 1,
      name: 'seed-004',
      seed: 0,
      data: { kind: 'random-regression', ...twoLayer },
      layers: [
        { units: 100, activation: 'relu' },
        { units: 10, activation: 'linear' },
      ],
      bias: true,
      init: { weights: 'standard-normal', biases: 'standard-normal' },
      loss: 'sse',
      learningRate: 1e-6,
      steps: 500,
    },
  },
  {
    id: 'seed-000',
    title: 'Three-layer net (seed 000)',
    description:
      '128×1000 → 100 relu → 100 relu → 10, no biases, lr 5e-7 (the seed’s gradient ŷ−y at lr 1e-6). The first update throws the loss to 1e15 and kills every relu: watch Gradient flow.',
    experiment: {
      version: 1,
      name: 'seed-000',
      description:
        'The seed computes the gradient ŷ−y without the factor 2 at lr 1e-6: the same run as the true sse gradient at lr 5e-7. With standard-normal weights the first update is so large that every relu dies; from step 3 the loss is stuck at Σy². Try Xavier or He init.',
      seed: 0,
      data: { kind: 'random-regression', samples: 128, inputs: 1000, outputs: 10 },
      layers: [
        { units: 100, activation: 'relu' },
        { units: 100, activation: 'relu' },
        { units: 10, activation: 'linear' },
      ],
      bias: false,
      init: { weights: 'standard-normal' },
      loss: 'sse',
      learningRate: 5e-7,
      steps: 1000,
    },
  },
  {
    id: 'seed-004-quadrants',
    title: 'Quadrant classification (seed 004)',
    description: "The seed's 12 points in four quadrants, a linear 2 → 10 → 4 net, lr 1e-5; then predict [[111,-111],[1,9],[8,1],[1,8]].",
    experiment: {
      version: 1,
      name: 'seed-004-quadrants',
      seed: 0,
      data: { kind: 'quadrants' },
      layers: [
        { units: 10, activation: 'linear' },
        { units: 4, activation: 'linear' },
      ],
      bias: true,
      init: { weights: 'standard-normal', biases: 'standard-normal' },
      loss: 'sse',
      learningRate: 1e-5,
      steps: 500,
      testPoints: QUADRANT_TEST_POINTS,
    },
  },
  {
    id: 'seed-002-style',
    title: 'Xavier + softmax cross-entropy (seed 002 style)',
    description: 'Xavier weights, zero biases, relu, softmax cross-entropy at lr 0.1, as seed 002 builds it, on 4 Gaussian blobs.',
    experiment: {
      version: 1,
      name: 'seed-002-style',
      seed: 42,
      data: { kind: 'gaussians', samples: 200, noise: 0.3, classes: 4 },
      layers: [
        { units: 16, activation: 'relu' },
        { units: 16, activation: 'relu' },
        { units: 4, activation: 'linear' },
      ],
      bias: true,
      init: { weights: 'xavier', biases: 'zeros' },
      loss: 'softmax-cross-entropy',
      learningRate: 0.1,
      steps: 500,
      testFraction: 0.2,
    },
  },
  {
    id: 'xor',
    title: 'XOR',
    description: 'Two classes by the sign of x·y: no straight line separates them, one hidden tanh layer does.',
    experiment: {
      version: 1,
      name: 'xor',
      seed: 1,
      data: { kind: 'xor', samples: 200, noise: 0.05, classes: 2 },
      layers: [
        { units: 8, activation: 'tanh' },
        { units: 2, activation: 'linear' },
      ],
      bias: true,
      init: { weights: 'xavier', biases: 'zeros' },
      loss: 'softmax-cross-entropy',
      learningRate: 0.5,
      steps: 1000,
      testFraction: 0.2,
    },
  },
  {
    id: 'circles',
    title: 'Circles',
    description: 'An inner and an outer ring: the net has to learn a closed boundary.',
    experiment: {
      version: 1,
      name: 'circles',
      seed: 2,
      data: { kind: 'circles', samples: 300, noise: 0.08, classes: 2 },
      layers: [
        { units: 16, activation: 'relu' },
        { units: 16, activation: 'relu' },
        { units: 2, activation: 'linear' },
      ],
      bias: true,
      init: { weights: 'he', biases: 'zeros' },
      loss: 'softmax-cross-entropy',
      learningRate: 0.2,
      steps: 1500,
      testFraction: 0.2,
    },
  },
  {
    id: 'spiral',
    title: 'Spiral',
    description: 'Three interleaved spiral arms: needs depth, minibatches and patience.',
    experiment: {
      version: 1,
      name: 'spiral',
      seed: 3,
      data: { kind: 'spiral', samples: 300, noise: 0.03, classes: 3 },
      layers: [
        { units: 32, activation: 'relu' },
        { units: 32, activation: 'relu' },
        { units: 3, activation: 'linear' },
      ],
      bias: true,
      init: { weights: 'he', biases: 'zeros' },
      loss: 'softmax-cross-entropy',
      learningRate: 0.3,
      steps: 3000,
      batchSize: 32,
    },
  },
  ...(['standard-normal', 'xavier'] as const).map(
    (weights): Preset => ({
      id: `init-${weights}`,
      title: `Deep relu net, ${weights === 'xavier' ? 'Xavier' : 'standard normal'} init`,
      description:
        weights === 'xavier'
          ? 'Six relu layers of 64 with Xavier weights: activations keep their scale and the loss falls. Compare with init-standard-normal.'
          : 'Six relu layers of 64 with standard-normal weights: activations grow ~6× per layer, the first loss is in the thousands and the run diverges. Compare with init-xavier.',
      experiment: {
        version: 1,
        name: `init-${weights}`,
        seed: 7,
        data: { kind: 'circles', samples: 200, noise: 0.08, classes: 2 },
        layers: [
          ...Array.from({ length: 6 }, () => ({ units: 64, activation: 'relu' as const })),
          { units: 2, activation: 'linear' as const },
        ],
        bias: true,
        init: { weights, biases: 'zeros' },
        loss: 'softmax-cross-entropy',
        learningRate: 0.05,
        steps: 300,
      },
    }),
  ),
  // Format v2: one net, seed and data, three optimisers (measured losses from a run of these presets).
  ...(
    [
      ['sgd', 0.1, 'Plain SGD at lr 0.1: the loss is still 0.53 at step 300 (1.25 at the start).'],
      ['momentum', 0.1, 'Momentum 0.9 at lr 0.1: the same net and data as optimizers-sgd, at loss 0.044 by step 300.'],
      ['adam', 0.01, 'Adam (defaults) at lr 0.01: the same net and data as optimizers-sgd, at loss 0.033 by step 300.'],
    ] as const
  ).map(
    ([kind, learningRate, description]): Preset => ({
      id: `optimizers-${kind}`,
      title: `Spiral, ${kind === 'sgd' ? 'SGD' : kind === 'adam' ? 'Adam' : 'momentum'}`,
      description,
      experiment: {
        version: 2,
        name: `optimizers-${kind}`,
        seed: 4,
        data: { kind: 'spiral', samples: 300, noise: 0.03, classes: 3 },
        layers: [
          { units: 16, activation: 'relu' },
          { units: 16, activation: 'relu' },
          { units: 3, activation: 'linear' },
        ],
        bias: true,
        init: { weights: 'he', biases: 'zeros' },
        loss: 'softmax-cross-entropy',
        learningRate,
        steps: 1000,
        testFraction: 0.2,
        optimizer: { kind },
      },
    }),
  ),
  {
    id: 'seed-004-diverging',
    title: 'Two-layer net at 5× the learning rate (diverges)',
    description: 'The seed-004 net at lr 5e-6 instead of 1e-6: each step overshoots further and the loss overflows to infinity at step 9.',
    experiment: {
      version: 1,
      name: 'seed-004-diverging',
      seed: 0,
      data: { kind: 'random-regression', ...twoLayer },
      layers: [
        { units: 100, activation: 'relu' },
        { units: 10, activation: 'linear' },
      ],
      bias: true,
      init: { weights: 'standard-normal', biases: 'standard-normal' },
      loss: 'sse',
      learningRate: 5e-6,
      steps: 500,
    },
  },
];

export function presetById(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}
