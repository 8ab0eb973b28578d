/**
 * Training on the WASM kernels and through the full-batch first-layer shortcut (core/input-gram.ts),
 * held to the same numpy fixtures as test/parity.test.ts: float64 to 1e-8 relative on every loss,
 * the hold-out record and the final parameters, whichever path runs; float32 to its own documented
 * tolerance. Plus the shortcut's own promises: reading W mid-run never changes the trajectory, the
 * gradients it reports are the direct ones, and nothing is allocated per step.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createWasmBackend, experiment, referenceBackend, Trainer, type Backend, type LayerParams } from '../core';
import { maxRelError, worstMismatch } from './helpers/close';

interface Fixture {
  experiment: Record<string, unknown>;
  status: 'completed' | 'diverged';
  divergedAtStep: number | null;
  losses: number[];
  testLoss: [number, number][];
  params: LayerParams[];
}

const dir = new URL('./fixtures/parity/', import.meta.url);
const names = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).sort();
const load = (name: string) => JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8')) as Fixture;
const flat = (m: number[][]) => m.flat();

/** The fixtures the shortcut applies to (full batch, few rows against many inputs). */
const GRAM_CASES = ['diverging', 'seed-000', 'seed-004'];

const setups: { label: string; backend: () => Backend; inputGram: boolean }[] = [
  { label: 'wasm float64, default path', backend: () => createWasmBackend({ relaxed: false }), inputGram: true },
  { label: 'wasm float64, direct products', backend: () => createWasmBackend({ relaxed: false }), inputGram: false },
  { label: 'TS reference, default path', backend: () => referenceBackend, inputGram: true },
];

describe('float64 parity on every path', () => {
  for (const setup of setups) {
    for (const name of names) {
      it(`${setup.label}: ${name} within 1e-8 of numpy`, () => {
        const f = load(name);
        const exp = experiment(f.experiment);
        const t = new Trainer(exp, { backend: setup.backend(), inputGram: setup.inputGram });
        expect(t.inputGramActive).toBe(setup.inputGram && GRAM_CASES.includes(name));
        t.run(exp.steps + 1);
        const r = t.result(1);
        expect(r.status).toBe(f.status);
        expect(r.divergedAtStep).toBe(f.divergedAtStep);
        expect(worstMismatch(r.losses, f.losses)).toBeNull();
        expect(r.testLoss.map((p) => p[0])).toEqual(f.testLoss.map((p) => p[0]));
        expect(worstMismatch(r.testLoss.map((p) => p[1]), f.testLoss.map((p) => p[1]))).toBeNull();
        r.params.forEach((layer, l) => {
          expect(worstMismatch(flat(layer.weights), flat(f.params[l]!.weights)), `layer ${l} weights`).toBeNull();
          if (f.params[l]!.biases) expect(worstMismatch(layer.biases!, f.params[l]!.biases!), `layer ${l} biases`).toBeNull();
        });
      });
    }
  }
});

describe('float32 mode', () => {
  // Documented tolerance: every loss within 1e-5 relative of numpy float64, with an absolute floor of
  // 1e-4 × the run's largest loss (late losses of a converging run are tiny differences of large
  // numbers). Measured worst: 5e-6 (seed-000, step 2). Overflow comes at 3.4e38, not 1.8e308, so a
  // diverging run stops earlier.
  for (const name of names) {
    it(`${name}: losses within the float32 tolerance of numpy float64`, () => {
      const f = load(name);
      const exp = experiment({ ...f.experiment, precision: 'float32' });
      const t = new Trainer(exp);
      t.run(exp.steps + 1);
      const r = t.result(1);
      expect(r.status).toBe(f.status);
      if (f.status === 'diverged') {
        expect(r.divergedAtStep).toBeLessThanOrEqual(f.divergedAtStep!);
        expect(worstMismatch(r.losses.slice(0, 3), f.losses.slice(0, 3), 1e-5)).toBeNull();
        return;
      }
      const scale = Math.max(...f.losses.map(Math.abs));
      expect(r.losses).toHaveLength(f.losses.length);
      r.losses.forEach((x, i) => expect(Math.abs(x - f.losses[i]!), `step ${i}`).toBeLessThanOrEqual(1e-5 * Math.max(Math.abs(f.losses[i]!), 1e-4 * scale)));
    });
  }

  it('is genuinely float32 (seed-004 differs from float64 beyond 1e-9)', () => {
    const f = load('seed-004');
    const exp = experiment({ ...f.experiment, precision: 'float32' });
    const t = new Trainer(exp);
    t.run(exp.steps);
    expect(maxRelError(t.result(1).losses, f.losses)).toBeGreaterThan(1e-9);
  });
});

describe('the full-batch shortcut', () => {
  const seed004 = () => experiment(load('seed-004').experiment);

  it('gives the same trajectory whether or not W is read mid-run (bit for bit)', () => {
    const exp = seed004();
    const quiet = new Trainer(exp);
    const a = new Float64Array(exp.steps);
    quiet.run(exp.steps, a);
    const busy = new Trainer(exp);
    const b = new Float64Array(exp.steps);
    let done = 0;
    while (done < exp.steps) {
      done += busy.run(7, b, done);
      busy.metrics();
      busy.params();
    }
    expect(quiet.inputGramActive && busy.inputGramActive).toBe(true);
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('reports the direct path’s weights and gradients mid-run', () => {
    const exp = seed004();
    const g = new Trainer(exp);
    const d = new Trainer(exp, { inputGram: false });
    g.run(123);
    d.run(123);
    const [gw, dw] = [g.gradients(), d.gradients()];
    gw.forEach((layer, l) => expect(worstMismatch(layer.weights, dw[l]!.weights)).toBeNull());
    const [gp, dp] = [g.params(), d.params()];
    gp.forEach((layer, l) => expect(worstMismatch(flat(layer.weights), flat(dp[l]!.weights))).toBeNull());
    // metrics() takes the first layer's gradient norm from the Gram matrix (‖Xᵀ·dZ‖² = Σ dZ ⊙ G·dZ).
    const [gm, dm] = [g.metrics(), d.metrics()];
    gm.layers.forEach((layer, l) => {
      expect(worstMismatch([layer.weightGradNorm, layer.weightNorm], [dm.layers[l]!.weightGradNorm, dm.layers[l]!.weightNorm], 1e-10), `layer ${l}`).toBeNull();
      const [hw, dw] = [layer.weights, dm.layers[l]!.weights];
      expect(worstMismatch([hw.min, hw.max, hw.mean, hw.std], [dw.min, dw.max, dw.mean, dw.std], 1e-10)).toBeNull();
      expect(hw.counts).toEqual(dw.counts);
    });
    expect(gm.layers[0]!.weightGradNorm).toBeGreaterThan(0);
    // Before any step the gradient is zero on both paths.
    expect(new Trainer(exp).gradients()[0]!.weights.every((v) => v === 0)).toBe(true);
  });

  it('follows a live learning-rate change and replays after reset', () => {
    const exp = seed004();
    const runWith = (inputGram: boolean) => {
      const t = new Trainer(exp, { inputGram });
      const out = new Float64Array(300);
      t.run(100, out, 0);
      t.learningRate = 5e-7;
      t.run(200, out, 100);
      return { t, out };
    };
    const g = runWith(true);
    const d = runWith(false);
    expect(worstMismatch(g.out, d.out)).toBeNull();
    g.t.reset();
    const again = new Float64Array(100);
    g.t.run(100, again);
    expect(Array.from(again)).toEqual(Array.from(g.out.subarray(0, 100)));
  });

  it('keeps the hold-out record exact when rows are held out', () => {
    const exp = experiment({ ...load('seed-004').experiment, testFraction: 0.25, steps: 300 });
    const g = new Trainer(exp);
    const d = new Trainer(exp, { inputGram: false });
    expect(g.inputGramActive).toBe(true);
    g.run(300);
    d.run(300);
    expect(worstMismatch(g.result(1).losses, d.result(1).losses)).toBeNull();
    const [gt, dt] = [g.testLosses(), d.testLosses()];
    expect(gt.length).toBeGreaterThan(50);
    expect(worstMismatch(gt.map((p) => p[1]), dt.map((p) => p[1]))).toBeNull();
  });

  it('drifts from the direct path by rounding only, over 3000 steps', () => {
    // After ~1000 steps seed-004's loss falls 30 orders of magnitude to the rounding floor (1e-21 and
    // below), where any two summation orders disagree (TS reference vs WASM kernels, both direct, do
    // too); on the parity scale (1e-8 relative, floor 1e-12 × the largest loss) the paths agree.
    const exp = experiment({ ...load('seed-004').experiment, steps: 3000 });
    const g = new Trainer(exp);
    const d = new Trainer(exp, { inputGram: false });
    g.run(3000);
    d.run(3000);
    const [gl, dl] = [g.result(1).losses, d.result(1).losses];
    expect(worstMismatch(gl, dl)).toBeNull();
    expect(maxRelError(gl.slice(0, 800), dl.slice(0, 800))).toBeLessThan(1e-7);
    // The shortcut reaches the same floor.
    expect(gl[2999]).toBeLessThan(1e-21);
    expect(dl[2999]).toBeLessThan(1e-21);
    console.log(`gram vs direct, seed-004: max relative loss difference over the first 800 steps ${maxRelError(gl.slice(0, 800), dl.slice(0, 800)).toExponential(2)}`);
  });
});

describe('memory', () => {
  // In a child Node with --expose-gc, so the number is live heap after a full collection, not
  // whatever garbage the test runner left around.
  const growth = (which: 'small' | 'seed-004' | 'adam', steps: number) => {
    const script = fileURLToPath(new URL('./helpers/heap-check.ts', import.meta.url));
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', script, which, String(steps)], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as { steps: number; growth: number; gram: boolean };
  };

  it('the heap stays flat over 100k steps on the WASM kernels (small net)', () => {
    const r = growth('small', 100_000);
    expect(r.steps).toBe(100_000);
    // Any per-step allocation of even 8 bytes would add 800 kB here.
    expect(r.growth).toBeLessThan(200_000);
  });

  it('and under Adam with both penalties and a cosine schedule (format v2, minibatches, 20k steps)', () => {
    const r = growth('adam', 20_000);
    expect(r.steps).toBe(20_000);
    // 8 bytes a step would add 160 kB.
    expect(r.growth).toBeLessThan(100_000);
  });

  it('and through the shortcut (seed-004, 5000 steps)', () => {
    const r = growth('seed-004', 5000);
    expect(r.gram).toBe(true);
    expect(r.growth).toBeLessThan(100_000);
  });
});
