/**
 * Format v2's update rules, penalties and learning-rate schedules, element by element as the README
 * writes them in numpy (the exported script and test/fixtures/make_fixtures.py compute the same):
 *
 *   g = ∂data-loss/∂p + [p is a weight] (2·l2·p + l1·sign(p))        (biases are never penalised)
 *   sgd        p −= lr·g
 *   momentum   v = μ·v + g;                 p −= lr·v
 *   nesterov   v = μ·v + g;                 p −= lr·(g + μ·v)
 *   rmsprop    s = ρ·s + (1−ρ)·g²;          p −= lr·g / (√s + ε)
 *   adam       m = β₁·m + (1−β₁)·g;  v = β₂·v + (1−β₂)·g²;  t = updates so far, from 1
 *              with bias correction  p −= lr·m̂ / (√v̂ + ε),  m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ)
 *              without               p −= lr·m / (√v + ε)
 *
 * The velocity and moments accumulate raw gradients (not lr·g, the PyTorch convention), so a live
 * learning-rate change applies at once and in full to the next step. Every state buffer is allocated
 * here, once, and starts at zero; `update` and `addPenalty` allocate nothing. Floats in the step loop
 * travel in one-element cells (the rate, the loss): a float passed to or returned from a call V8 does
 * not inline is a fresh heap number, one allocation per step (test/helpers/gc-check.ts).
 */
import type { Experiment, OptimizerSpec, RegularizationSpec, ScheduleSpec } from './experiment';
import { trainingOf } from './experiment';

/** One trained array and its data-loss gradient; `weight` says whether the penalties apply. */
export interface Param {
  value: Float64Array;
  grad: Float64Array;
  weight: boolean;
}

/**
 * The rate of the update at step index `t` (from 0). `base` is the live learning rate (the
 * experiment's, or what the UI set since): schedules scale it, so a slider move keeps the schedule's
 * shape from that step on.
 *   constant     base
 *   step         base · factor^⌊t / every⌋
 *   exponential  base · rate^t
 *   cosine       min + (base − min) · (1 + cos(π · min(t, T) / T)) / 2,  T = schedule.steps ?? the run's steps
 */
export function learningRateAt(schedule: ScheduleSpec, base: number, t: number, runSteps: number): number {
  const cell = new Float64Array(1);
  cell[0] = base;
  applySchedule(schedule, cell, t, runSteps);
  return cell[0];
}

/** `learningRateAt` in place for the step loop: `rate[0]` holds the base rate and becomes step `t`'s. */
export function applySchedule(schedule: ScheduleSpec, rate: Float64Array, t: number, runSteps: number): void {
  const base = rate[0]!;
  switch (schedule.kind) {
    case 'constant':
      return;
    case 'step':
      rate[0] = base * Math.pow(schedule.factor, Math.floor(t / schedule.every));
      return;
    case 'exponential':
      rate[0] = base * Math.pow(schedule.rate, t);
      return;
    case 'cosine': {
      const T = schedule.steps ?? Math.max(1, runSteps);
      const min = schedule.minLearningRate;
      rate[0] = min + ((base - min) * (1 + Math.cos((Math.PI * Math.min(t, T)) / T))) / 2;
      return;
    }
  }
}

/** Whether the experiment trains by plain SGD without penalties, the only rule core/input-gram.ts can follow. */
export function isPlainSgd(exp: Experiment): boolean {
  const { optimizer, regularization } = trainingOf(exp);
  return optimizer.kind === 'sgd' && regularization.l2 === 0 && regularization.l1 === 0;
}

export class Optimizer {
  /** Updates taken so far (Adam's t after the increment in `update`). */
  private t = 0;
  /** Velocity (momentum, Nesterov), mean square (RMSProp) or first moment (Adam), per param. */
  private readonly first: Float64Array[];
  /** Adam's second moment. */
  private readonly second: Float64Array[];

  constructor(
    readonly spec: OptimizerSpec,
    readonly regularization: RegularizationSpec,
    private readonly params: readonly Param[],
  ) {
    const stateful = spec.kind !== 'sgd';
    this.first = stateful ? params.map((p) => new Float64Array(p.value.length)) : [];
    this.second = spec.kind === 'adam' ? params.map((p) => new Float64Array(p.value.length)) : [];
  }

  /** Adds l2·ΣW² + l1·Σ|W| over the weights at their current values to `loss[0]` (the recorded loss). */
  addPenalty(loss: Float64Array): void {
    const { l2, l1 } = this.regularization;
    if (l2 === 0 && l1 === 0) return;
    let total = 0;
    for (const p of this.params) {
      if (!p.weight) continue;
      const w = p.value;
      let sq = 0;
      let abs = 0;
      for (let i = 0; i < w.length; i++) {
        sq += w[i]! * w[i]!;
        abs += Math.abs(w[i]!);
      }
      total += l2 * sq + l1 * abs;
    }
    loss[0] = loss[0]! + total;
  }

  /** One update of every param at rate `rate[0]`, from the gradients the backward pass left. */
  update(rate: Float64Array): void {
    this.t++;
    for (let k = 0; k < this.params.length; k++) this.updateOne(k, rate);
  }

  private updateOne(k: number, rate: Float64Array): void {
    const lr = rate[0]!;
    const { value: w, grad, weight } = this.params[k]!;
    const l2x2 = weight ? 2 * this.regularization.l2 : 0;
    const l1 = weight ? this.regularization.l1 : 0;
    const penalised = l2x2 !== 0 || l1 !== 0;
    const n = w.length;
    const spec = this.spec;
    switch (spec.kind) {
      case 'sgd':
        for (let i = 0; i < n; i++) {
          const g = penalised ? grad[i]! + l2x2 * w[i]! + l1 * Math.sign(w[i]!) : grad[i]!;
          w[i] = w[i]! - lr * g;
        }
        return;
      case 'momentum':
      case 'nesterov': {
        const v = this.first[k]!;
        const mu = spec.momentum;
        const nesterov = spec.kind === 'nesterov';
        for (let i = 0; i < n; i++) {
          const g = penalised ? grad[i]! + l2x2 * w[i]! + l1 * Math.sign(w[i]!) : grad[i]!;
          const vi = mu * v[i]! + g;
          v[i] = vi;
          w[i] = w[i]! - lr * (nesterov ? g + mu * vi : vi);
        }
        return;
      }
      case 'rmsprop': {
        const s = this.first[k]!;
        const { rho, epsilon } = spec;
        for (let i = 0; i < n; i++) {
          const g = penalised ? grad[i]! + l2x2 * w[i]! + l1 * Math.sign(w[i]!) : grad[i]!;
          const si = rho * s[i]! + (1 - rho) * g * g;
          s[i] = si;
          w[i] = w[i]! - (lr * g) / (Math.sqrt(si) + epsilon);
        }
        return;
      }
      case 'adam': {
        const m = this.first[k]!;
        const v = this.second[k]!;
        const { beta1, beta2, epsilon } = spec;
        // 1 means no correction: dividing by 1 is exact, so one loop serves both settings.
        const c1 = spec.biasCorrection ? 1 - Math.pow(beta1, this.t) : 1;
        const c2 = spec.biasCorrection ? 1 - Math.pow(beta2, this.t) : 1;
        for (let i = 0; i < n; i++) {
          const g = penalised ? grad[i]! + l2x2 * w[i]! + l1 * Math.sign(w[i]!) : grad[i]!;
          const mi = beta1 * m[i]! + (1 - beta1) * g;
          const vi = beta2 * v[i]! + (1 - beta2) * g * g;
          m[i] = mi;
          v[i] = vi;
          w[i] = w[i]! - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + epsilon);
        }
        return;
      }
    }
  }

  /** Back to no updates taken: every state buffer zero (Trainer.reset). */
  reset(): void {
    this.t = 0;
    for (const b of this.first) b.fill(0);
    for (const b of this.second) b.fill(0);
  }
}
