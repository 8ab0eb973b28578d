/**
 * Format v2's training fields beyond numpy parity (test/parity.test.ts holds every optimiser,
 * penalty and schedule to the numpy fixtures): v1 meaning kept, defaults, messages that name the
 * field, the Gram shortcut off for every rule it cannot follow, schedules against a live rate.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { experiment, learningRateAt, parseExperiment, PRESETS, trainingOf, Trainer, type ExperimentInput } from '../core';
import { worstMismatch } from './helpers/close';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/parity/${name}.json`, import.meta.url), 'utf8')) as { experiment: Record<string, unknown> };
const quad = PRESETS.find((p) => p.id === 'seed-004-quadrants')!.experiment as ExperimentInput & Record<string, unknown>;
/** The seed-004 shape (64 rows, 1000 inputs), short: where the full-batch Gram shortcut runs under SGD. */
const wide = { ...fixture('seed-004').experiment, steps: 40 };
const messages = (raw: unknown) => {
  const r = parseExperiment(raw);
  return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`);
};

describe('experiment format v2', () => {
  it('a v1 file means plain SGD at a constant rate without penalties, and trains as the same v2 file spelled out', () => {
    const v1 = experiment(wide);
    expect(v1.optimizer).toBeUndefined();
    expect(trainingOf(v1)).toEqual({ optimizer: { kind: 'sgd' }, regularization: { l2: 0, l1: 0 }, schedule: { kind: 'constant' } });
    const v2 = experiment({ ...wide, version: 2, optimizer: { kind: 'sgd' }, regularization: {}, schedule: { kind: 'constant' } });
    const [a, b] = [new Trainer(v1), new Trainer(v2)];
    expect(a.inputGramActive && b.inputGramActive).toBe(true);
    a.run(40);
    b.run(40);
    expect(b.result(1).losses).toEqual(a.result(1).losses);
  });

  it('fills documented defaults', () => {
    const e = (extra: Record<string, unknown>) => experiment({ ...quad, version: 2, ...extra });
    expect(e({ optimizer: { kind: 'adam' } }).optimizer).toEqual({ kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8, biasCorrection: true });
    expect(e({ optimizer: { kind: 'momentum' } }).optimizer).toEqual({ kind: 'momentum', momentum: 0.9 });
    expect(e({ optimizer: { kind: 'nesterov' } }).optimizer).toEqual({ kind: 'nesterov', momentum: 0.9 });
    expect(e({ optimizer: { kind: 'rmsprop' } }).optimizer).toEqual({ kind: 'rmsprop', rho: 0.9, epsilon: 1e-8 });
    expect(e({ regularization: { l1: 0.1 } }).regularization).toEqual({ l2: 0, l1: 0.1 });
    expect(e({ schedule: { kind: 'cosine' } }).schedule).toEqual({ kind: 'cosine', minLearningRate: 0 });
  });

  it('names every wrong field', () => {
    expect(messages({ ...quad, optimizer: { kind: 'adam' }, schedule: { kind: 'constant' } })).toEqual([
      'optimizer: needs "version": 2 (format v1 trains by plain SGD at a constant rate, without penalties)',
      'schedule: needs "version": 2 (format v1 trains by plain SGD at a constant rate, without penalties)',
    ]);
    const v2 = { ...quad, version: 2 };
    expect(messages({ ...v2, optimizer: { kind: 'adam', beta1: 1, epsilon: 0, biasCorrection: 'yes' } })).toEqual([
      'optimizer.beta1: must be a number from 0 to 1 (1 excluded)',
      'optimizer.epsilon: must be a positive number',
      'optimizer.biasCorrection: must be true or false',
    ]);
    expect(messages({ ...v2, optimizer: { kind: 'momentum', beta1: 0.9 } })).toEqual(['optimizer: unknown field "beta1"']);
    expect(messages({ ...v2, optimizer: 'adam' })).toEqual(['optimizer: must be an object with a "kind"']);
    expect(messages({ ...v2, optimizer: { kind: 'lion' } })).toEqual(['optimizer: kind must be one of "sgd", "momentum", "nesterov", "rmsprop", "adam"']);
    expect(messages({ ...v2, schedule: { kind: 'step' } })).toEqual(['schedule.every: is required', 'schedule.factor: is required']);
    expect(messages({ ...v2, schedule: { kind: 'exponential', rate: 1.5 } })).toEqual(['schedule.rate: must be a number above 0 and at most 1']);
    expect(messages({ ...v2, schedule: { kind: 'cosine', minLearningRate: 1 } })).toEqual([`schedule.minLearningRate: must be at most learningRate (${quad.learningRate})`]);
    expect(messages({ ...v2, regularization: { l2: -1, l3: 0 } })).toEqual(['regularization.l2: must be a number ≥ 0', 'regularization: unknown field "l3"']);
  });
});

describe('the full-batch Gram shortcut', () => {
  const active = (extra: Record<string, unknown>) => new Trainer(experiment({ ...wide, version: 2, ...extra })).inputGramActive;

  it('is off for every optimiser but SGD and for either penalty', () => {
    for (const kind of ['momentum', 'nesterov', 'rmsprop', 'adam']) expect(active({ optimizer: { kind } }), kind).toBe(false);
    expect(active({ regularization: { l2: 1e-3 } })).toBe(false);
    expect(active({ regularization: { l1: 1e-3 } })).toBe(false);
    expect(active({ optimizer: { kind: 'sgd' }, regularization: { l2: 0, l1: 0 } })).toBe(true);
  });

  it('stays on under a schedule and follows it exactly (it is still SGD, at each step’s rate)', () => {
    const exp = experiment({ ...wide, version: 2, steps: 200, schedule: { kind: 'step', every: 30, factor: 0.5 } });
    const g = new Trainer(exp);
    const d = new Trainer(exp, { inputGram: false });
    expect(g.inputGramActive).toBe(true);
    g.run(200);
    d.run(200);
    expect(worstMismatch(g.result(1).losses, d.result(1).losses)).toBeNull();
    g.params().forEach((layer, l) => expect(worstMismatch(layer.weights.flat(), d.params()[l]!.weights.flat())).toBeNull());
  });
});

describe('learning-rate schedules', () => {
  it('scale the live base rate as documented', () => {
    expect(learningRateAt({ kind: 'constant' }, 0.3, 1234, 10)).toBe(0.3);
    expect([0, 9, 10, 25].map((t) => learningRateAt({ kind: 'step', every: 10, factor: 0.5 }, 1, t, 100))).toEqual([1, 1, 0.5, 0.25]);
    expect(learningRateAt({ kind: 'exponential', rate: 0.5 }, 2, 3, 100)).toBe(0.25);
    const cos = { kind: 'cosine' as const, minLearningRate: 0.1 };
    expect(learningRateAt(cos, 1.1, 0, 100)).toBe(1.1);
    expect(learningRateAt(cos, 1.1, 50, 100)).toBeCloseTo(0.6, 15);
    expect(learningRateAt(cos, 1.1, 100, 100)).toBeCloseTo(0.1, 15);
    expect(learningRateAt(cos, 1.1, 500, 100)).toBeCloseTo(0.1, 15);
    expect(learningRateAt({ ...cos, steps: 10 }, 1.1, 5, 100)).toBeCloseTo(0.6, 15);
  });

  it('a live learning-rate change keeps the schedule’s shape from that step on', () => {
    const t = new Trainer(experiment({ ...quad, version: 2, learningRate: 1e-5, schedule: { kind: 'step', every: 10, factor: 0.5 } }));
    expect(t.currentLearningRate).toBe(1e-5);
    t.run(25);
    expect(t.currentLearningRate).toBe(1e-5 * 0.25);
    t.learningRate = 4e-5;
    expect(t.currentLearningRate).toBe(1e-5);
    t.reset();
    expect(t.currentLearningRate).toBe(1e-5);
  });

  it('an explained step reports the rate its update used', () => {
    const t = new Trainer(experiment({ ...quad, version: 2, learningRate: 1e-5, schedule: { kind: 'step', every: 10, factor: 0.5 } }));
    t.run(20);
    expect(t.stepExplained()!.learningRate).toBe(1e-5 * 0.25);
  });
});

describe('optimiser state', () => {
  it('reset zeroes every moment: Adam replays bit for bit', () => {
    const exp = experiment(fixture('v2-adam-minibatch').experiment);
    const t = new Trainer(exp, { recordLosses: false });
    const a = new Float64Array(exp.steps);
    t.run(exp.steps, a);
    t.reset();
    const b = new Float64Array(exp.steps);
    t.run(exp.steps, b);
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('the recorded loss includes the penalty and the hold-out loss does not', () => {
    const base = fixture('v2-l1').experiment;
    const exp = experiment({ ...base, regularization: { l2: 0.01, l1: 0.002 }, steps: 1 });
    const plain = experiment({ ...base, regularization: undefined, steps: 1 });
    const [p, q] = [new Trainer(exp), new Trainer(plain)];
    const weights = p.params().flatMap((layer) => layer.weights.flat());
    const penalty = 0.01 * weights.reduce((s, w) => s + w * w, 0) + 0.002 * weights.reduce((s, w) => s + Math.abs(w), 0);
    expect(penalty).toBeGreaterThan(0.01);
    p.run(1);
    q.run(1);
    expect(worstMismatch([p.lastLoss - q.lastLoss], [penalty], 1e-12)).toBeNull();
    expect(p.testLosses()[0]).toEqual(q.testLosses()[0]);
  });
});
