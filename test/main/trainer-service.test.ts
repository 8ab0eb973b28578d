import { describe, expect, it } from 'vitest';
import { experiment, historySchedule, presetById, Trainer, type ExperimentInput, type HistoryEntry } from '../../core';
import { MAX_PROGRESS_PER_SECOND, parseFromTrainer, type FromTrainer, type StatusMsg } from '../../core/contract/protocol';
import { RunRecorder } from '../../core/service/run-recorder';
import { TrainerService, type TrainerServiceOptions } from '../../core/service/trainer-service';
import { leaseKernelThreads, type ThreadedBackend } from '../../node/kernel-threads';
import { SHAPES } from '../../bench/shapes';
import { diverging, xor } from './harness';

/** A service with a recorder as its UI; `until` waits on what it has received. */
function serve(exp: ExperimentInput, options: Pick<TrainerServiceOptions, 'backendFor'> = {}) {
  const out: (FromTrainer & { at: number })[] = [];
  const rec = new RunRecorder('r', exp);
  let wake: (() => void) | null = null;
  const service = new TrainerService({
    ...options,
    post: (m) => {
      out.push({ ...m, at: performance.now() });
      rec.apply(m);
      wake?.();
    },
  });
  const until = (cond: () => boolean, ms = 20_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out')), ms);
      const check = () => {
        if (cond()) {
          clearTimeout(timer);
          wake = null;
          resolve();
        } else wake = check;
      };
      check();
    });
  const statuses = () => out.filter((m): m is StatusMsg & { at: number } => m.type === 'status');
  const last = () => statuses().at(-1);
  return { service, out, rec, until, statuses, last };
}

/** What the core computes for the same experiment, run directly. */
function reference(exp: ExperimentInput, steps: number): Float64Array {
  const t = new Trainer(experiment(exp), { recordLosses: false });
  const losses = new Float64Array(steps);
  t.run(steps, losses, 0);
  return losses;
}

describe('TrainerService', () => {
  it('trains a run big enough on kernel threads the host lends (leaseKernelThreads), to the same numbers, and closes them after', async () => {
    const exp = SHAPES.find((s) => s.id === 'classroom-tanh')!.experiment(300) as ExperimentInput;
    const lent: ThreadedBackend[] = [];
    const closed: ThreadedBackend[] = [];
    const s = serve(exp, {
      backendFor: (e) => {
        const b = leaseKernelThreads(e);
        if (b) {
          lent.push(b);
          const close = b.close.bind(b);
          b.close = () => (closed.push(b), close());
        }
        return b;
      },
    });
    s.service.handle({ type: 'start', experiment: exp });
    await s.until(() => s.last()?.phase === 'completed');
    expect(lent.map((b) => b.threads)).toEqual([2]);
    // The run's buffers live in the lent backend's memory: it trained there.
    expect(lent[0]!.kernelMemory.used).toBeGreaterThan(1_000_000);
    expect(Array.from(s.rec.losses)).toEqual(Array.from(reference(exp, 300)));
    // A small run borrows nothing; the last run's threads go when the next starts, and on dispose.
    s.service.handle({ type: 'start', experiment: xor(10) });
    expect([lent.length, closed.length]).toEqual([1, 1]);
    s.service.handle({ type: 'start', experiment: exp, paused: true });
    expect([lent.length, closed.length]).toEqual([2, 1]);
    s.service.dispose();
    expect(closed).toEqual(lent);
  });

  it('runs a full experiment and reports every loss, identical to the core run directly', async () => {
    const exp = xor(1500);
    const s = serve(exp);
    s.service.handle({ type: 'start', experiment: exp });
    await s.until(() => s.last()?.phase === 'completed');
    expect(s.rec.losses.length).toBe(1500);
    expect(Array.from(s.rec.losses)).toEqual(Array.from(reference(exp, 1500)));
    expect(s.last()).toMatchObject({ phase: 'completed', step: 1500, totalSteps: 1500, message: 'completed 1500 steps' });
    // Progress messages are contiguous and in order.
    let next = 0;
    for (const m of s.out) {
      if (m.type !== 'progress') continue;
      expect(m.fromStep).toBe(next);
      next += m.losses.length;
      expect(m.step).toBe(next);
    }
    // The final snapshot comes with the 2-D prediction grid and the losses before it.
    const snap = s.rec.lastSnapshot!;
    expect(snap.step).toBe(1500);
    expect(snap.grid!.resolution).toBe(48);
    expect(snap.grid!.values.length).toBe(48 * 48 * 2);
    expect(snap.metrics.accuracy).toBeGreaterThan(0.9);
  });

  it('sends at most ~30 progress messages a second however fast it trains', async () => {
    const exp = xor(1_000_000, 0.01);
    const s = serve(exp);
    s.service.handle({ type: 'start', experiment: exp });
    await new Promise((r) => setTimeout(r, 1500));
    s.service.handle({ type: 'stop' });
    await s.until(() => s.last()?.phase === 'stopped');
    const progress = s.out.filter((m) => m.type === 'progress');
    const first = progress[0]!.at;
    const lastAt = progress.at(-1)!.at;
    const seconds = (lastAt - first) / 1000;
    // One extra for the flush that `stop` forces.
    expect(progress.length).toBeLessThanOrEqual(Math.ceil(seconds * MAX_PROGRESS_PER_SECOND) + 2);
    expect(progress.length).toBeGreaterThan(10);
    const steps = s.rec.losses.length;
    expect(steps).toBe(s.last()!.step);
    expect(steps).toBeGreaterThan(1000);
    // Each message carried many steps: batching, not one message per step.
    expect(steps / progress.length).toBeGreaterThan(50);
  });

  it('pauses, single-steps and resumes without changing a single loss', async () => {
    // Long enough that no time slice can finish it: with 3,000 steps a fast machine completed the run
    // before the pause arrived, and the test waited for a 'paused' that could never come.
    const steps = 10_000_000;
    const exp = xor(steps);
    const s = serve(exp);
    s.service.handle({ type: 'start', experiment: exp, paused: true });
    expect(s.last()).toMatchObject({ phase: 'paused', step: 0 });
    s.service.handle({ type: 'step', count: 5 });
    await s.until(() => s.last()?.phase === 'paused' && s.last()!.step === 5);
    expect(s.rec.losses.length).toBe(5);
    s.service.handle({ type: 'resume' });
    await s.until(() => s.rec.losses.length > 100);
    s.service.handle({ type: 'pause' });
    await s.until(() => s.last()?.phase === 'paused');
    const pausedAt = s.last()!.step;
    expect(pausedAt).toBeLessThan(steps);
    await new Promise((r) => setTimeout(r, 100));
    expect(s.rec.losses.length).toBe(pausedAt);
    s.service.handle({ type: 'resume' });
    await s.until(() => s.rec.losses.length > pausedAt + 1000);
    s.service.handle({ type: 'pause' });
    await s.until(() => s.last()?.phase === 'paused');
    const end = s.last()!.step;
    expect(s.rec.losses.length).toBe(end);
    expect(Array.from(s.rec.losses)).toEqual(Array.from(reference(exp, end)));
  });

  it('changes the learning rate live, from the next step on', async () => {
    const exp = xor(40, 0.1);
    const s = serve(exp);
    s.service.handle({ type: 'start', experiment: exp, paused: true });
    s.service.handle({ type: 'step', count: 20 });
    await s.until(() => s.last()?.phase === 'paused' && s.last()!.step === 20);
    s.service.handle({ type: 'setLearningRate', learningRate: 0.5 });
    expect(s.last()).toMatchObject({ learningRate: 0.5, step: 20 });
    s.service.handle({ type: 'resume' });
    await s.until(() => s.last()?.phase === 'completed');

    const t = new Trainer(experiment(exp), { recordLosses: false });
    const want = new Float64Array(40);
    t.run(20, want, 0);
    t.learningRate = 0.5;
    t.run(20, want, 20);
    expect(Array.from(s.rec.losses)).toEqual(Array.from(want));
    expect(Array.from(s.rec.losses)).not.toEqual(Array.from(reference(exp, 40)));
  });

  it('ends a diverging run as diverged, saying where', async () => {
    const s = serve(diverging);
    s.service.handle({ type: 'start', experiment: diverging });
    await s.until(() => s.last()?.phase === 'diverged');
    const st = s.last()!;
    expect(st.divergedAtStep).toBeGreaterThan(0);
    expect(st.message).toMatch(/loss became non-finite at step \d+/);
    // Every loss before the divergence arrived, and all are finite.
    expect(s.rec.losses.length).toBe(st.divergedAtStep);
    expect(s.rec.losses.every(Number.isFinite)).toBe(true);
    s.service.handle({ type: 'resume' });
    expect(s.out.at(-1)).toMatchObject({ type: 'error', inReplyTo: 'resume', message: expect.stringMatching(/diverged.*reset/) });
  });

  it('resets to step 0, paused, and the series restarts', async () => {
    const exp = xor(200);
    const s = serve(exp);
    s.service.handle({ type: 'start', experiment: exp });
    await s.until(() => s.last()?.phase === 'completed');
    s.service.handle({ type: 'reset' });
    expect(s.last()).toMatchObject({ phase: 'paused', step: 0 });
    expect(s.rec.losses.length).toBe(0);
    s.service.handle({ type: 'step', count: 10 });
    await s.until(() => s.last()?.phase === 'paused' && s.last()!.step === 10);
    expect(Array.from(s.rec.losses)).toEqual(Array.from(reference(exp, 10)));
  });

  it('answers an invalid experiment with field-level issues and keeps serving', () => {
    const s = serve(xor(10));
    const bad = { ...xor(10), layers: [{ units: 8, activation: 'tanh' }, { units: 3, activation: 'linear' }] };
    s.service.handle({ type: 'start', experiment: bad, id: 4 });
    const err = s.out.at(-1)!;
    expect(err).toMatchObject({ type: 'error', inReplyTo: 'start', id: 4 });
    expect(err.type === 'error' && err.issues?.[0]?.path).toBe('layers[1].units');
    s.service.handle({ type: 'pause' });
    expect(s.out.at(-1)).toMatchObject({ type: 'error', message: expect.stringContaining('send "start" first') });
  });

  it('answers requestSnapshot with metrics at the current step', async () => {
    const exp = xor(50);
    const s = serve(exp);
    s.service.handle({ type: 'start', experiment: exp, paused: true, gridResolution: 8 });
    s.service.handle({ type: 'step', count: 7 });
    await s.until(() => s.last()?.step === 7 && s.last()?.phase === 'paused');
    s.service.handle({ type: 'requestSnapshot', grid: false });
    const snap = s.out.at(-1)!;
    expect(snap).toMatchObject({ type: 'snapshot', step: 7, grid: null });
    s.service.handle({ type: 'requestSnapshot' });
    const withGrid = s.out.at(-1)!;
    expect(withGrid.type === 'snapshot' && withGrid.grid?.values.length).toBe(8 * 8 * 2);
  });

  it('caps the speed for presentation mode, and lifts the cap', async () => {
    const exp = xor(100_000);
    const s = serve(exp);
    s.service.handle({ type: 'start', experiment: exp, paused: true });
    s.service.handle({ type: 'setSpeed', stepsPerSecond: 20 });
    expect(s.last()).toMatchObject({ phase: 'paused', speedLimit: 20 });
    s.service.handle({ type: 'resume' });
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, 1000));
    s.service.handle({ type: 'pause' });
    await s.until(() => s.last()?.phase === 'paused');
    const seconds = (performance.now() - t0) / 1000;
    // 20 steps a second: ~20 in one second, never a burst.
    expect(s.rec.losses.length).toBeGreaterThanOrEqual(Math.floor(0.8 * 20 * 1));
    expect(s.rec.losses.length).toBeLessThanOrEqual(Math.ceil(20 * seconds) + 1);
    s.service.handle({ type: 'setSpeed', stepsPerSecond: null });
    expect(s.last()).toMatchObject({ speedLimit: null });
    s.service.handle({ type: 'resume' });
    await s.until(() => s.rec.losses.length > 5000);
    s.service.handle({ type: 'stop' });
    await s.until(() => s.last()?.phase === 'stopped');
    expect(Array.from(s.rec.losses)).toEqual(Array.from(reference(exp, s.rec.losses.length)));
  });

  it('predicts at arbitrary points, answering with the request id', async () => {
    const exp = xor(300);
    const s = serve(exp);
    s.service.handle({ type: 'start', experiment: exp });
    await s.until(() => s.last()?.phase === 'completed');
    const points = [
      [0.9, 0.9],
      [-0.9, 0.9],
    ];
    s.service.handle({ type: 'predict', id: 11, points });
    const t = new Trainer(experiment(exp), { recordLosses: false });
    t.run(300);
    expect(s.out.at(-1)).toMatchObject({ type: 'prediction', id: 11, outputs: t.predict(points) });
    s.service.handle({ type: 'predict', id: 12, points: [[1, 2, 3]] });
    expect(s.out.at(-1)).toMatchObject({ type: 'error', id: 12, inReplyTo: 'predict', message: 'predict: points[0] must have 2 numbers, one per input' });
  });

  it('explains a step: its explanation first, then progress, network, snapshot and status; the run is unchanged', async () => {
    const exp = xor(300);
    const s = serve(exp);
    s.service.handle({ type: 'start', experiment: exp, paused: true });
    s.service.handle({ type: 'step', count: 3 });
    await s.until(() => s.last()?.phase === 'paused' && s.last()!.step === 3);
    const from = s.out.length;
    s.service.handle({ type: 'step', count: 1, explain: { sample: 5 } });
    const after = s.out.slice(from);
    // (A history entry, when this step is on the history's schedule, follows the losses.)
    expect(after.map((m) => m.type).filter((t) => t !== 'history')).toEqual(['explanation', 'progress', 'network', 'snapshot', 'status']);
    const direct = new Trainer(experiment(exp), { recordLosses: false });
    direct.run(3);
    const expected = direct.stepExplained(5, { recordRows: 256 })!;
    const got = after[0] as Extract<FromTrainer, { type: 'explanation' }>;
    expect(got.explanation).toEqual(expected);
    expect(got.explanation.sample.row).toBe(5);
    expect(got.explanation.samples).toHaveLength(64);
    // The explained step's loss is the one `run` records, bit for bit, in its place in the series.
    expect(after[1]).toMatchObject({ type: 'progress', fromStep: 3, step: 4 });
    expect(s.last()).toMatchObject({ phase: 'paused', step: 4 });
    s.service.handle({ type: 'resume' });
    await s.until(() => s.last()?.phase === 'completed');
    expect(Array.from(s.rec.losses)).toEqual(Array.from(reference(exp, 300)));
    const cli = new Trainer(experiment(exp));
    cli.run(300);
    expect(s.rec.history).toEqual(cli.result(0).history);
  });

  it('pauses a running run to explain a step, and explains the last step of a run before it completes', async () => {
    const exp = xor(2_000_000);
    const s = serve(exp);
    s.service.handle({ type: 'start', experiment: exp });
    await s.until(() => s.rec.losses.length > 50);
    s.service.handle({ type: 'step', count: 1, explain: { sample: 0 } });
    const e = s.out.findLast((m) => m.type === 'explanation') as Extract<FromTrainer, { type: 'explanation' }>;
    expect(s.last()).toMatchObject({ phase: 'paused', step: e.explanation.step + 1 });
    await new Promise((r) => setTimeout(r, 50));
    expect(s.last()).toMatchObject({ phase: 'paused', step: e.explanation.step + 1 });

    const short = xor(2);
    const t = serve(short);
    t.service.handle({ type: 'start', experiment: short, paused: true });
    t.service.handle({ type: 'step', count: 1, explain: { sample: 0 } });
    t.service.handle({ type: 'step', count: 1, explain: { sample: 0 } });
    expect(t.out.filter((m) => m.type === 'explanation')).toHaveLength(2);
    expect(t.last()).toMatchObject({ phase: 'completed', step: 2 });
    t.service.handle({ type: 'step', count: 1, explain: { sample: 0 } });
    expect(t.out.at(-1)).toMatchObject({ type: 'error', inReplyTo: 'step' });
  });

  it('sends the network (weights, biases, 24×24 activation maps) with snapshots, only for nets small enough to draw', async () => {
    const exp = xor(300);
    const s = serve(exp);
    s.service.handle({ type: 'start', experiment: exp });
    await s.until(() => s.last()?.phase === 'completed');
    const nets = s.out.filter((m): m is Extract<FromTrainer, { type: 'network' }> & { at: number } => m.type === 'network');
    expect(nets.length).toBe(s.out.filter((m) => m.type === 'snapshot' && m.grid).length);
    const final = nets.at(-1)!;
    const t = new Trainer(experiment(exp), { recordLosses: false });
    t.run(300);
    expect(final.step).toBe(300);
    expect(final.params).toEqual(t.params());
    expect(final.activations!.resolution).toBe(24);
    expect(final.activations!.layers.map((l) => l.length)).toEqual([8 * 576, 2 * 576]);
    expect(final.activations).toEqual(t.activationGrid(24));

    const wide = { ...exp, layers: [{ units: 65, activation: 'tanh' as const }, { units: 2, activation: 'linear' as const }] };
    const w = serve(wide);
    w.service.handle({ type: 'start', experiment: wide, paused: true });
    expect(w.out.some((m) => m.type === 'snapshot')).toBe(true);
    expect(w.out.some((m) => m.type === 'network')).toBe(false);
  });

  it('sends every history entry, once, in step order, with the losses', async () => {
    const exp = xor(1500);
    const s = serve(exp);
    s.service.handle({ type: 'start', experiment: exp });
    await s.until(() => s.last()?.phase === 'completed');
    const sent = s.out.filter((m) => m.type === 'history');
    expect(sent.length).toBeGreaterThan(0);
    expect(s.rec.history.map((e) => e.step)).toEqual(Array.from(historySchedule(1500)));
    const cli = new Trainer(experiment(exp));
    cli.run(1500);
    expect(s.rec.history).toEqual(cli.result(0).history);
    // Validated on the way in, like every message from a trainer.
    for (const { at: _at, ...m } of sent) expect(parseFromTrainer(m).ok).toBe(true);
  });
});

/**
 * The service under a simulated clock: `now()` advances `msPerCall` on every call, yields run from
 * a queue. Different speeds give different slice and chunk sizes and different snapshot times.
 */
function simulate(exp: ExperimentInput, msPerCall: number, speedCap: number | null): { history: HistoryEntry[]; losses: Float64Array; snapshots: number } {
  const out: FromTrainer[] = [];
  const rec = new RunRecorder('sim', exp);
  let clock = 0;
  const queue: (() => void)[] = [];
  const service = new TrainerService({
    post: (m) => {
      out.push(m);
      // Through the wire format's validation, as a UI receives it.
      rec.receive(structuredClone(m));
    },
    now: () => (clock += msPerCall),
    yieldThen: (fn) => queue.push(fn),
    delay: (fn, ms) => {
      clock += ms;
      queue.push(fn);
    },
  });
  if (speedCap !== null) {
    service.handle({ type: 'start', experiment: exp, paused: true });
    service.handle({ type: 'setSpeed', stepsPerSecond: speedCap });
    service.handle({ type: 'resume' });
  } else service.handle({ type: 'start', experiment: exp });
  let guard = 0;
  while (queue.length > 0 && guard++ < 1_000_000) {
    queue.shift()!();
    // A UI asking for the live view at odd moments must not change anything either.
    if (guard % 7 === 0) service.handle({ type: 'requestSnapshot' });
  }
  expect(rec.phase).toBe('completed');
  return { history: rec.history, losses: rec.losses.slice(), snapshots: out.filter((m) => m.type === 'snapshot').length };
}

describe('TrainerService history at any speed', () => {
  for (const [name, exp] of [
    ['2-D tanh', xor(700)],
    ['seed-004 (input-Gram shortcut)', { ...presetById('seed-004')!.experiment, steps: 80 }],
  ] as const) {
    it(`${name}: the same history bits at two simulated speeds, and the same as the CLI's`, () => {
      const fast = simulate(exp, 0.001, null);
      const slow = simulate(exp, 3, 2000);
      expect(fast.snapshots).not.toBe(slow.snapshots);
      const cli = new Trainer(experiment(exp));
      cli.run(exp.steps);
      const want = cli.result(0);
      expect(Array.from(fast.losses)).toEqual(want.losses);
      expect(Array.from(slow.losses)).toEqual(want.losses);
      expect(fast.history.map((e) => e.step)).toEqual(Array.from(historySchedule(exp.steps)));
      expect(fast.history).toEqual(want.history);
      expect(slow.history).toEqual(want.history);
    });
  }
});
