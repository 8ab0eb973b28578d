/**
 * The lessons nnlab ships: short guided walks through one idea each, built from the presets so a
 * lesson trains exactly what the preset of the same name does. Each is checked against the lesson
 * schema by the tests (test/lessons.test.ts), like any lesson a teacher saves.
 */
import type { LessonInput, LessonStepInput } from './contract/lab-file';
import type { ExperimentInput } from './experiment';
import { presetById } from './presets';

function preset(id: string): ExperimentInput {
  const p = presetById(id);
  if (!p) throw new Error(`lessons: no preset ${id}`);
  return p.experiment;
}

const deep = preset('init-standard-normal');
const withInit = (weights: 'standard-normal' | 'xavier' | 'he'): ExperimentInput => ({ ...deep, name: `init-${weights}`, init: { weights, biases: 'zeros' } });

const twoLayer = preset('seed-004');
const withLr = (learningRate: number, name: string): ExperimentInput => ({ ...twoLayer, name, learningRate });

const quadrants = preset('seed-004-quadrants');
// The seed's learning rate needs tens of thousands of steps; 1e-4 shows the regions settle in a few seconds.
const quadrantsBias = (bias: boolean): ExperimentInput => ({
  ...quadrants,
  name: bias ? 'quadrants-bias-on' : 'quadrants-bias-off',
  bias,
  init: bias ? { weights: 'standard-normal', biases: 'standard-normal' } : { weights: 'standard-normal' },
  learningRate: 1e-4,
  steps: 20000,
});
const circles = preset('circles');
const circlesBias = (bias: boolean): ExperimentInput => ({
  ...circles,
  name: bias ? 'circles-bias-on' : 'circles-bias-off',
  bias,
  init: bias ? { weights: 'he', biases: 'zeros' } : { weights: 'he' },
});

/** The learning-rate lesson locks everything else, so each step's run differs from the others in one setting. */
const LEARNING_RATE_ONLY: Pick<LessonStepInput, 'locked' | 'lockReason'> = {
  locked: ['preset', 'dataset', 'layers', 'loss', 'seed', 'init', 'bias', 'steps', 'optimizer'],
  lockReason: 'Only the learning rate changes in this lesson.',
};
const ARCHITECTURE_LOCK = 'This step is about one setting; the rest stays as prepared so runs compare fairly.';

export const LESSONS: readonly LessonInput[] = [
  {
    title: 'Why init scale matters',
    summary: 'A deep relu net trained from three weight scales: standard normal, Xavier, He.',
    steps: [
      {
        title: 'Standard normal weights',
        text: 'Six relu layers of 64 units, every weight drawn from a standard normal (variance 1). Each layer multiplies the size of its input by about √(64/2) ≈ 6, so by the output the activations are huge. Press Train and watch Gradient flow: the gradient norms differ by orders of magnitude between layers, and the loss blows up.',
        experiment: withInit('standard-normal'),
        preset: 'init-standard-normal',
        locked: ['preset', 'dataset', 'layers', 'loss', 'seed', 'optimizer'],
        lockReason: ARCHITECTURE_LOCK,
        look: 'gradients',
      },
      {
        title: 'Xavier weights',
        text: 'The same net with Xavier weights: variance 2 / (fan-in + fan-out), so each layer keeps its input about the same size. Press Train. The weight histograms are narrow, the gradient norms of the layers stay within a small factor of each other, and the loss falls.',
        experiment: withInit('xavier'),
        preset: 'init-xavier',
        locked: ['preset', 'dataset', 'layers', 'loss', 'seed', 'init', 'optimizer'],
        lockReason: ARCHITECTURE_LOCK,
        look: 'histograms',
      },
      {
        title: 'He weights',
        text: 'He init uses variance 2 / fan-in: a relu zeroes half its inputs, so the weights are √2 larger than Xavier’s to make up for it. Press Train and compare the weight histograms and gradient flow with Xavier’s.',
        experiment: withInit('he'),
        preset: '',
        locked: ['preset', 'dataset', 'layers', 'loss', 'seed', 'init', 'optimizer'],
        lockReason: ARCHITECTURE_LOCK,
        look: 'gradients',
      },
      {
        title: 'All three side by side',
        text: 'Press Compare init schemes: three runs of this net, one per scheme, on one loss chart. Which ones train, and which one does not?',
        experiment: withInit('xavier'),
        preset: 'init-xavier',
        locked: ['preset', 'dataset', 'layers', 'loss', 'seed', 'optimizer'],
        lockReason: ARCHITECTURE_LOCK,
        look: 'loss',
      },
    ],
  },
  {
    title: 'Learning rate: too small, right, too large',
    summary: 'The numpy two-layer net (seed 004) at three learning rates, one of which diverges.',
    steps: [
      {
        title: 'Too small',
        text: 'The two-layer net from the numpy seed, learning rate 1e-7. Press Train and watch the loss chart: each step moves the weights a tenth as far as at 1e-6, so after 500 steps the loss is still high.',
        experiment: withLr(1e-7, 'lr-too-small'),
        preset: '',
        ...LEARNING_RATE_ONLY,
        look: 'loss',
      },
      {
        title: 'About right',
        text: 'Learning rate 1e-6, as the seed has it. Press Train: the loss rises for a few steps, then falls fast and keeps falling.',
        experiment: withLr(1e-6, 'seed-004'),
        preset: 'seed-004',
        ...LEARNING_RATE_ONLY,
        look: 'loss',
      },
      {
        title: 'Too large: divergence',
        text: 'Learning rate 5e-6, five times the seed. Press Train: every step overshoots further than the last, the loss overflows to infinity within a few steps and training stops with a banner.',
        experiment: withLr(5e-6, 'seed-004-diverging'),
        preset: 'seed-004-diverging',
        ...LEARNING_RATE_ONLY,
        look: 'loss',
      },
      {
        title: 'Your turn',
        text: 'The learning rate is unlocked: try values between 1e-7 and 5e-6 with the slider and find the largest that still trains.',
        experiment: withLr(1e-6, 'seed-004'),
        preset: 'seed-004',
        ...LEARNING_RATE_ONLY,
        look: 'loss',
      },
    ],
  },
  {
    title: 'Bias on and off',
    summary: 'The quadrant seed with and without biases, then circles, where a net without biases cannot win.',
    steps: [
      {
        title: 'Quadrants with biases',
        text: 'The seed’s twelve points, one class per quadrant, and a linear 2 → 10 → 4 net with biases. Press Train and watch the decision map: four regions form, one per quadrant. The test point [111, −111] lies far outside the data; its arrow at the edge of the map shows where it is.',
        experiment: quadrantsBias(true),
        preset: '',
        locked: ['preset', 'dataset', 'layers', 'loss', 'seed', 'outputActivation', 'optimizer'],
        lockReason: 'This lesson changes only the Bias checkbox.',
        look: 'predictions',
      },
      {
        title: 'Quadrants without biases',
        text: 'The same net with Bias unchecked. Without a bias every output is 0 at the origin and scales with the input, so all region borders are rays from (0, 0). Press Train: here that is no handicap, because the quadrants meet at the origin.',
        experiment: quadrantsBias(false),
        preset: '',
        locked: ['preset', 'dataset', 'layers', 'loss', 'seed', 'outputActivation', 'optimizer'],
        lockReason: 'This lesson changes only the Bias checkbox.',
        look: 'predictions',
      },
      {
        title: 'Circles without biases',
        text: 'Two rings around the origin, a relu net without biases. A relu net without biases gives the same class to x and 2x, so it can only cut the plane into wedges from the origin, and no wedge separates an inner ring from an outer one. Press Train and look at the map.',
        experiment: circlesBias(false),
        preset: '',
        locked: ['preset', 'dataset', 'layers', 'loss', 'seed', 'outputActivation', 'optimizer'],
        lockReason: 'This lesson changes only the Bias checkbox.',
        look: 'predictions',
      },
      {
        title: 'Circles with biases',
        text: 'The same net with biases (the circles preset). Press Train: the borders move off the origin and close around the inner ring.',
        experiment: circlesBias(true),
        preset: 'circles',
        locked: ['preset', 'dataset', 'layers', 'loss', 'seed', 'outputActivation', 'optimizer'],
        lockReason: 'This lesson changes only the Bias checkbox.',
        look: 'predictions',
      },
    ],
  },
];
