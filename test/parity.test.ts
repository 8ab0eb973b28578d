/**
 * nnlab against numpy, step for step. Fixtures come from test/fixtures/make_fixtures.py (plain
 * numpy in the seeds' style); every loss and every final parameter must agree to 1e-8 relative.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { experiment, histogramSchedule, historySchedule, Trainer, type HistoryEntry, type HistoryHistogram, type LayerParams } from '../core';
import { maxRelError, worstMismatch } from './helpers/close';

interface Fixture {
  experiment: unknown;
  status: 'completed' | 'diverged';
  divergedAtStep: number | null;
  losses: number[];
  testLoss: [number, number][];
  params: LayerParams[];
  predictions?: number[][];
  historySchedule: number[];
  history: HistoryEntry[];
}

/** numpy's histograms also count, per interior bin edge, the values within 1e-8 relative (of the range) of it. */
type FixtureHistogram = HistoryHistogram & { nearEdges: number[] };

const SCALARS = ['weightStd', 'gradNorm', 'activationStd', 'deadFraction', 'saturatedFraction', 'updateRatio', 'biasStd', 'biasGradNorm'] as const;
const HISTOGRAMS = ['weights', 'biases', 'activations', 'gradients'] as const;

/**
 * Every history field of every entry against numpy: numbers within 1e-8 relative with no absolute
 * floor (an exact 0 — a dead layer's gradient, no saturated unit — must be exactly 0 here too),
 * nulls where numpy has None, histogram counts equal. Returns the problems and the worst relative error.
 */
function compareHistory(actual: HistoryEntry[], expected: HistoryEntry[], histogramSteps: ReadonlySet<number>, shortcut: boolean): { problems: string[]; worst: number } {
  const problems: string[] = [];
  let worst = 0;
  const num = (where: string, a: number | null, e: number | null) => {
    if (e === null || a === null) {
      if (a !== e) problems.push(`${where}: ${a} vs numpy ${e}`);
      return;
    }
    if (Object.is(a, e)) return;
    const rel = Math.abs(a - e) / Math.abs(e);
    if (e !== 0) worst = Math.max(worst, rel);
    if (!(rel <= 1e-8)) problems.push(`${where}: ${a} vs numpy ${e} (relative ${rel.toExponential(2)})`);
  };
  // The fixtures have every histogram; nnlab keeps them on histogramSchedule only (and the shortcut
  // layer's weights and gradients within a budget, test/history-cost.test.ts): compared where kept,
  // required wherever the schedule has them.
  const hist = (where: string, a: HistoryHistogram | null, e: HistoryHistogram | null, required: boolean) => {
    if (a === null && e !== null && !required) return;
    if (!a || !e) {
      if (a !== e) problems.push(`${where}: ${JSON.stringify(a)} vs numpy ${JSON.stringify(e)}`);
      return;
    }
    num(`${where}.min`, a.min, e.min);
    num(`${where}.max`, a.max, e.max);
    if (a.nonFinite !== e.nonFinite) problems.push(`${where}.nonFinite: ${a.nonFinite} vs numpy ${e.nonFinite}`);
    // Counts must agree except that a value within rounding of an edge may sit on either side of it:
    // the running count up to each interior edge may differ by at most the values numpy found there.
    const near = (e as FixtureHistogram).nearEdges;
    let ca = 0;
    let ce = 0;
    e.counts.forEach((c, k) => {
      ca += a.counts[k]!;
      ce += c;
      const allowed = k < near.length ? near[k]! : 0;
      if (Math.abs(ca - ce) > allowed) problems.push(`${where}.counts: ${a.counts.join()} vs numpy ${e.counts.join()} (edge ${k + 1})`);
    });
  };
  if (actual.length !== expected.length) problems.push(`${actual.length} entries vs numpy ${expected.length}`);
  expected.forEach((e, i) => {
    const a = actual[i];
    if (!a) return;
    if (a.step !== e.step) problems.push(`[${i}].step: ${a.step} vs numpy ${e.step}`);
    num(`step ${e.step} loss`, a.loss, e.loss);
    e.layers.forEach((el, l) => {
      const al = a.layers[l]!;
      for (const k of SCALARS) num(`step ${e.step} layer ${l} ${k}`, al[k], el[k]);
      for (const k of HISTOGRAMS) {
        const budgeted = shortcut && l === 0 && (k === 'weights' || k === 'gradients');
        hist(`step ${e.step} layer ${l} ${k}`, al[k], el[k], histogramSteps.has(e.step) && !budgeted);
        if (al[k] !== null && !histogramSteps.has(e.step)) problems.push(`step ${e.step} layer ${l} ${k}: a histogram off the histogram schedule`);
      }
    });
  });
  return { problems: problems.slice(0, 20), worst };
}

const dir = new URL('./fixtures/parity/', import.meta.url);
const names = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).sort();
/** The fixtures write non-finite history values as strings (JSON has no Infinity). */
const NON_FINITE: Record<string, number> = { Infinity: Infinity, '-Infinity': -Infinity, NaN: NaN };
const load = (name: string) =>
  JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8'), (_k, v: unknown) => (typeof v === 'string' && v in NON_FINITE ? NON_FINITE[v] : v)) as Fixture;
const flat = (m: number[][]) => m.flat();

describe('parity with numpy', () => {
  it('covers the cases the issue names', () => {
    expect(names).toEqual([
      'diverging', 'minibatch', 'quadrants', 'seed-000', 'seed-004', 'seed-004-minibatch', 'spiral-minibatch', 'tanh-sigmoid-mse',
      // Format v2: every optimiser, each penalty, each schedule.
      'v2-adam-minibatch', 'v2-adam-no-bias-correction', 'v2-cosine-schedule', 'v2-exponential-schedule', 'v2-l1', 'v2-l2',
      'v2-momentum', 'v2-nesterov-minibatch', 'v2-rmsprop', 'v2-step-schedule',
      'xavier-softmax',
    ]);
  });

  for (const name of names) {
    it(`${name}: every loss, the hold-out record and the final parameters within 1e-8`, () => {
      const f = load(name);
      const exp = experiment(f.experiment);
      const t = new Trainer(exp);
      t.run(exp.steps + 1);
      const r = t.result(1);

      expect(r.status).toBe(f.status);
      expect(r.divergedAtStep).toBe(f.divergedAtStep);
      expect(r.losses.length).toBe(f.losses.length);
      expect(worstMismatch(r.losses, f.losses)).toBeNull();
      expect(r.testLoss.map((p) => p[0])).toEqual(f.testLoss.map((p) => p[0]));
      expect(worstMismatch(r.testLoss.map((p) => p[1]), f.testLoss.map((p) => p[1]))).toBeNull();
      r.params.forEach((layer, l) => {
        const ref = f.params[l]!;
        expect(worstMismatch(flat(layer.weights), flat(ref.weights)), `layer ${l} weights`).toBeNull();
        if (ref.biases) expect(worstMismatch(layer.biases!, ref.biases), `layer ${l} biases`).toBeNull();
        else expect(layer.biases).toBeNull();
      });
      if (f.predictions) {
        const p = t.predict(exp.testPoints!);
        expect(worstMismatch(flat(p), flat(f.predictions))).toBeNull();
      }
      // Not an assertion: what was measured, printed so the closing note can quote it.
      const paramError = Math.max(...r.params.flatMap((layer, l) => [maxRelError(flat(layer.weights), flat(f.params[l]!.weights)), layer.biases ? maxRelError(layer.biases, f.params[l]!.biases!) : 0]));
      console.log(`${name}: max relative loss error ${maxRelError(r.losses, f.losses).toExponential(2)}, parameters ${paramError.toExponential(2)}`);
    });

    it(`${name}: the history schedule, and every history field at every scheduled step, within 1e-8`, () => {
      const f = load(name);
      const exp = experiment(f.experiment);
      expect(Array.from(historySchedule(exp.steps))).toEqual(f.historySchedule);
      const t = new Trainer(exp);
      t.run(exp.steps + 1);
      const history = t.result(1).history;
      const { problems, worst } = compareHistory(history, f.history, new Set(histogramSchedule(exp.steps)), t.inputGramActive);
      expect(problems).toEqual([]);
      const compared = history.reduce((n, e) => n + e.layers.filter((l) => l.weights !== null).length, 0);
      expect(compared, 'weight histograms compared').toBeGreaterThan(0);
      console.log(`${name}: ${f.history.length} history entries (${compared} layer weight histograms), max relative error ${worst.toExponential(2)}`);
    });
  }

  it('the history fixtures cover relu, tanh and sigmoid layers and a shortcut run', () => {
    const kinds = new Set(names.flatMap((n) => (load(n).experiment as { layers: { activation: string }[] }).layers.map((l) => l.activation)));
    expect([...kinds].sort()).toEqual(['linear', 'relu', 'sigmoid', 'tanh']);
    expect(new Trainer(experiment(load('seed-004').experiment)).inputGramActive).toBe(true);
    expect(new Trainer(experiment(load('seed-004-minibatch').experiment)).inputGramActive).toBe(true);
  });

  it('a diverging run stops at the non-finite loss and keeps only finite losses', () => {
    const f = load('diverging');
    expect(f.divergedAtStep).toBe(9);
    const exp = experiment(f.experiment);
    const t = new Trainer(exp);
    expect(t.run(1000)).toBe(9);
    expect(t.status).toBe('diverged');
    expect(t.step).toBe(9);
    expect(t.run(10)).toBe(0);
    expect(t.result(1).losses.every(Number.isFinite)).toBe(true);
  });

  it('running in slices gives the same numbers as one call, and reset replays the run', () => {
    const f = load('minibatch');
    const exp = experiment(f.experiment);
    const t = new Trainer(exp, { recordLosses: false });
    const out = new Float64Array(exp.steps);
    let done = 0;
    for (const slice of [1, 2, 7, 50, 1000]) done += t.run(slice, out, done);
    expect(done).toBe(exp.steps);
    expect(worstMismatch(out, f.losses)).toBeNull();
    t.reset();
    expect(t.step).toBe(0);
    const again = new Float64Array(exp.steps);
    t.run(exp.steps, again);
    expect(Array.from(again)).toEqual(Array.from(out));
  });

  it('the quadrant preset predicts the seed’s test points as numpy does', () => {
    const f = load('quadrants');
    expect((f.experiment as { testPoints: number[][] }).testPoints).toEqual([[111, -111], [1, 9], [8, 1], [1, 8]]);
    expect(f.predictions).toHaveLength(4);
  });
});
