/**
 * Sweeps: the file format (grid expansion, one message per problem), the run pool (a crashed
 * worker fails one run, not the sweep) and the sweep's numbers against `nnlab train` and numpy.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { experiment, parseSweep, parseSweepJson, logspace, MAX_SWEEP_RUNS, Trainer, type ExperimentInput, type RunResult } from '../core';
import { runSweepJob } from '../core/service/sweep-job';
import { keepWorkers } from '../core/service/kept-workers';
import { runSweep, type SweepWorkerFactory } from '../core/service/sweep-runner';
import { inThreadSweepWorker } from '../core/service/in-thread-worker';
import type { SweepRun } from '../core/contract/sweep';
import { KernelMemory } from '../core/wasm/backend';
import { nodeSweepWorkerFactory, runSweepOnThreads, sweepWorkerSource } from '../node/sweep-pool';

const base: ExperimentInput = {
  version: 1,
  name: 'base',
  seed: 1,
  data: { kind: 'circles', samples: 40, noise: 0.1, classes: 2 },
  layers: [
    { units: 6, activation: 'tanh' },
    { units: 4, activation: 'relu' },
    { units: 2, activation: 'linear' },
  ],
  bias: true,
  init: { weights: 'xavier', biases: 'zeros' },
  loss: 'softmax-cross-entropy',
  learningRate: 0.1,
  steps: 30,
};
const sweep = (axes: unknown, over: Record<string, unknown> = {}) => ({ version: 1, kind: 'sweep', base, axes, ...over });
const messages = (raw: unknown) => {
  const r = parseSweep(raw);
  if (r.ok) throw new Error('expected the sweep to be refused');
  return r.message.split('\n');
};

describe('sweep file', () => {
  it('expands to the product of the axes, the first axis varying slowest', () => {
    const r = parseSweep(sweep({ seed: [1, 2], learningRate: [0.1, 0.01, 0.001], bias: [true, false] }));
    if (!r.ok) throw new Error(r.message);
    expect(r.points).toHaveLength(12);
    expect(r.points.map((p) => p.index)).toEqual([...Array(12).keys()]);
    expect(r.points.slice(0, 3).map((p) => p.params)).toEqual([
      { seed: 1, learningRate: 0.1, bias: true },
      { seed: 1, learningRate: 0.1, bias: false },
      { seed: 1, learningRate: 0.01, bias: true },
    ]);
    expect(r.points[11]!.params).toEqual({ seed: 2, learningRate: 0.001, bias: false });
    const p = r.points[11]!.experiment;
    expect([p.seed, p.learningRate, p.bias, p.steps, p.loss]).toEqual([2, 0.001, false, 30, 'softmax-cross-entropy']);
  });

  it('logspace is numpy.logspace over exponents, rounded to 15 digits', () => {
    expect(logspace(-3, 0, 4)).toEqual([0.001, 0.01, 0.1, 1]);
    expect(logspace(-2, -1, 3)).toEqual([0.01, 0.0316227766016838, 0.1]);
    const r = parseSweep(sweep({ learningRate: { logspace: [-3, -1, 3] } }));
    if (!r.ok) throw new Error(r.message);
    expect(r.points.map((p) => p.experiment.learningRate)).toEqual([0.001, 0.01, 0.1]);
  });

  it('depth keeps or drops hidden layers from the end and copies the last; hiddenUnits resizes them all', () => {
    const r = parseSweep(sweep({ depth: [0, 1, 3], hiddenUnits: [8] }));
    if (!r.ok) throw new Error(r.message);
    const layers = r.points.map((p) => p.experiment.layers.map((l) => `${l.units}${l.activation}`).join(' '));
    expect(layers).toEqual(['2linear', '8tanh 2linear', '8tanh 8relu 8relu 2linear']);
    // Listed the other way round, the axes still apply depth first: the same networks.
    const r2 = parseSweep(sweep({ hiddenUnits: [8], depth: [0, 1, 3] }));
    if (!r2.ok) throw new Error(r2.message);
    expect(r2.points.map((p) => p.experiment.layers)).toEqual(r.points.map((p) => p.experiment.layers));
    const r3 = parseSweep(sweep({ 'init.weights': ['he', 'standard-normal'], batchSize: [null, 10] }));
    if (!r3.ok) throw new Error(r3.message);
    expect(r3.points[3]!.experiment.init).toEqual({ weights: 'standard-normal', biases: 'zeros' });
    expect(r3.points.map((p) => p.experiment.batchSize)).toEqual([null, 10, null, 10]);
  });

  it("optimizer.kind sets the update rule (format v2), keeping the base's settings for its own rule", () => {
    const r = parseSweep(sweep({ 'optimizer.kind': ['sgd', 'adam', 'momentum'] }, { base: { ...base, version: 2, optimizer: { kind: 'adam', beta1: 0.8 } } }));
    if (!r.ok) throw new Error(r.message);
    expect(r.points.map((p) => [p.params['optimizer.kind'], p.experiment.version, p.experiment.optimizer])).toEqual([
      ['sgd', 2, { kind: 'sgd' }],
      ['adam', 2, { kind: 'adam', beta1: 0.8, beta2: 0.999, epsilon: 1e-8, biasCorrection: true }],
      ['momentum', 2, { kind: 'momentum', momentum: 0.9 }],
    ]);
    // A v1 base becomes v2, and its SGD point trains the v1 base's very losses.
    const v1 = parseSweep(sweep({ 'optimizer.kind': ['sgd', 'nesterov'] }));
    if (!v1.ok) throw new Error(v1.message);
    const losses = (input: ExperimentInput) => {
      const out = new Float64Array(input.steps);
      new Trainer(experiment(input), { history: false }).run(input.steps, out);
      return Array.from(out);
    };
    expect(losses(v1.points[0]!.experiment)).toEqual(losses(base));
    expect(losses(v1.points[1]!.experiment)).not.toEqual(losses(base));
    expect(messages(sweep({ 'optimizer.kind': ['adam', 'adagrad'] }))).toEqual(['axes.optimizer.kind[1]: must be one of "sgd", "momentum", "nesterov", "rmsprop", "adam"']);
  });

  it('refuses bad files with one message per problem, naming the axis or field', () => {
    expect(messages(sweep({ momentum: [0.9], learningRate: [0.1, -1, 'x'] }))).toEqual([
      'axes.momentum: unknown axis; the axes are "learningRate", "optimizer.kind", "init.weights", "seed", "bias", "batchSize", "depth", "hiddenUnits"',
      'axes.learningRate[1]: must be a positive number',
      'axes.learningRate[2]: must be a positive number',
    ]);
    expect(messages(sweep({ 'init.weights': ['xavier', 'glorot'], seed: [1, 1], bias: [], depth: 2 }))).toEqual([
      'axes.init.weights[1]: must be one of "standard-normal", "xavier", "he"',
      'axes.seed[1]: repeats 1 (already at [0])',
      'axes.bias: must have at least one value',
      'axes.depth: must be a list of values',
    ]);
    expect(messages(sweep({ learningRate: { logspace: [-3, 0] } }))).toEqual([
      'axes.learningRate.logspace: must be [fromExponent, toExponent, count] (count a positive integer, values 10^from … 10^to)',
    ]);
    expect(messages({ version: 2, kind: 'experiment', base: { ...base, loss: 'mae' }, axes: {}, extra: 1 })).toEqual([
      'extra: unknown field (a sweep has "version", "kind", "base", "axes")',
      'version: must be 1 (this nnlab reads sweep format v1)',
      'kind: must be "sweep"',
      'base.loss: must be one of "sse", "mse", "softmax-cross-entropy"',
      'axes: must name at least one axis ("learningRate", "optimizer.kind", "init.weights", "seed", "bias", "batchSize", "depth", "hiddenUnits")',
    ]);
    // A value valid on its own that makes an invalid experiment: named once, with the grid point.
    expect(messages(sweep({ seed: [1, 2], batchSize: [10, 50] }))).toEqual([
      'axes.batchSize: seed 1, batchSize 50 makes an invalid experiment: batchSize: must be at most 40, the number of training rows',
    ]);
    expect(messages(sweep({ hiddenUnits: [4] }, { base: { ...base, layers: [{ units: 2, activation: 'linear' }] } }))).toEqual([
      'axes.hiddenUnits: the base network has no hidden layer to resize; give it one (or add a depth axis)',
    ]);
    expect(messages(sweep({ seed: [...Array(101).keys()], learningRate: { logspace: [-3, 0, 100] } }))[0]).toBe(
      `axes: make 10,100 runs, above nnlab's limit of ${MAX_SWEEP_RUNS.toLocaleString('en-US')}; use fewer values`,
    );
    expect(parseSweepJson('{"version": 1,').ok).toBe(false);
  });
});

describe('sweep pool', () => {
  it('a worker that exits or throws fails its one run; the pool replaces it and finishes the rest', async () => {
    // Each worker gets a run and one queued behind it: 13 and 1 to the first, 14 and 2 to the second.
    // So the two crashing seeds go one to each worker and both crash while runs still wait (the one
    // each had queued, at least): each crash then needs its replacement whatever the timing.
    const r = parseSweep(sweep({ seed: [13, 1, 14, 2, 3, 4] }));
    if (!r.ok) throw new Error(r.message);
    const factory = nodeSweepWorkerFactory({ entry: new URL('./helpers/crashing-sweep-worker.ts', import.meta.url) });
    let started = 0;
    const results = await runSweep(r.points, { workers: 2, createWorker: (events) => (started++, factory(events)) });
    // Workers are kept across runs: the two first ones plus one replacement per crash.
    expect(started).toBe(4);
    // Only the run a worker was on fails: the one queued behind it is run by another.
    expect(results.runs.map((run) => run.status)).toEqual(['failed', 'completed', 'failed', 'completed', 'completed', 'completed']);
    expect(results.runs[0]!.error).toMatch(/worker crashed: the worker exited \(code 3\)/);
    expect(results.runs[2]!.error).toMatch(/worker crashed: injected failure in the worker/);
    expect(results.runs[0]!.finalLoss).toBeNull();
    for (const i of [1, 3, 4, 5]) expect(results.runs[i]!.steps).toBe(30);
    expect(results.timing.workers).toBe(2);
  }, 60_000);

  it('a run that keeps no full result (no history recorded) reports the very numbers of one that does, and of a lone Trainer', async () => {
    // A hold-out split, a run that diverges and a minibatch run: every summary field is exercised.
    const r = parseSweep(sweep({ learningRate: [0.1, 1e6], batchSize: [null, 10] }, { base: { ...base, loss: 'sse', testFraction: 0.25, testEvery: 3 } }));
    if (!r.ok) throw new Error(r.message);
    const lean = await runSweepOnThreads(r.points, { workers: 2 });
    const kept = await runSweepOnThreads(r.points, { workers: 2, keepResults: true });
    const numbers = (runs: typeof lean.runs) => runs.map((run) => ({ ...run, seconds: null }));
    expect(lean.runs.map((run) => run.status)).toEqual(['completed', 'completed', 'diverged', 'diverged']);
    expect(numbers(lean.runs)).toEqual(numbers(kept.runs));
    for (const [i, p] of r.points.entries()) {
      const t = new Trainer(experiment(p.experiment));
      t.run(Infinity);
      const res = t.result(0);
      const run = lean.runs[i]!;
      expect([run.steps, run.finalLoss, run.minLoss, run.divergedAtStep, run.testLoss]).toEqual([res.steps, res.losses.at(-1), Math.min(...res.losses), res.divergedAtStep, res.testLoss.at(-1)![1]]);
    }
  }, 60_000);

  it('a kept result without its history has the same numbers and losses, and no history', async () => {
    const r = parseSweep(sweep({ seed: [1, 2] }));
    if (!r.ok) throw new Error(r.message);
    const inProcess = (keepHistory?: boolean) => {
      const results = new Map<number, RunResult | undefined>();
      return runSweep(r.points, {
        workers: 1,
        keepResults: true,
        keepHistory,
        onRun: (run, result) => results.set(run.index, result),
        createWorker: (events) => ({ post: (job) => setTimeout(() => runSweepJob(job, (m) => events.message(m)), 0), terminate: () => {} }),
      }).then((res) => ({ res, results }));
    };
    const full = await inProcess();
    const lean = await inProcess(false);
    for (const i of [0, 1]) {
      const [a, b] = [full.results.get(i)!, lean.results.get(i)!];
      expect(a.history.length).toBeGreaterThan(0);
      expect(b.history).toEqual([]);
      expect({ ...b, history: null, timing: null }).toEqual({ ...a, history: null, timing: null });
      expect({ ...lean.res.runs[i], seconds: null }).toEqual({ ...full.res.runs[i], seconds: null });
    }
  });

  it('kept workers serve the next sweep; a crashed one is never kept; idle ones end after a while', async () => {
    let started = 0;
    const terminated: number[] = [];
    const factory: SweepWorkerFactory = (events) => {
      const id = started++;
      let dead = false;
      return {
        post: (job) =>
          setTimeout(() => {
            if (dead) return;
            if ((job.experiment as { seed: number }).seed === 13) return events.crash('injected');
            runSweepJob(job, (m) => events.message(m));
          }, 0),
        terminate: () => {
          dead = true;
          terminated.push(id);
        },
      };
    };
    const kept = keepWorkers(factory, { max: 2, idleMs: 100 });
    const points = (seeds: number[]) => {
      const r = parseSweep(sweep({ seed: seeds }));
      if (!r.ok) throw new Error(r.message);
      return r.points;
    };
    const first = await runSweep(points([1, 2, 3]), { workers: 2, createWorker: kept.createWorker });
    expect([started, kept.idle, terminated]).toEqual([2, 2, []]);
    const second = await runSweep(points([1, 2, 3]), { workers: 2, createWorker: kept.createWorker });
    expect([started, kept.idle, terminated]).toEqual([2, 2, []]);
    expect(second.runs.map((r) => ({ ...r, seconds: null }))).toEqual(first.runs.map((r) => ({ ...r, seconds: null })));
    // Seed 13 crashes its worker: that one ends and a new one takes the rest.
    const crashed = await runSweep(points([13, 1, 2]), { workers: 2, createWorker: kept.createWorker });
    expect(crashed.runs.map((r) => r.status)).toEqual(['failed', 'completed', 'completed']);
    expect([started, kept.idle, terminated.length]).toEqual([3, 2, 1]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect([kept.idle, terminated.length]).toEqual([0, 3]);
  });

  it('dispatches the costliest runs first and still reports in grid order', async () => {
    // Weights per row × rows: hiddenUnits 2, 16, 4 (slowest axis) by full batch (40 rows) or 10.
    const r = parseSweep(sweep({ hiddenUnits: [2, 16, 4], batchSize: [null, 10] }));
    if (!r.ok) throw new Error(r.message);
    const posted: number[] = [];
    const results = await runSweep(r.points, {
      workers: 1,
      createWorker: (events) => ({
        post: (job) => {
          posted.push(job.index);
          setTimeout(() => runSweepJob(job, (m) => events.message(m)), 0);
        },
        terminate: () => {},
      }),
    });
    expect(posted).toEqual([2, 3, 4, 0, 5, 1]);
    expect(results.runs.map((run) => [run.index, run.status])).toEqual([0, 1, 2, 3, 4, 5].map((i) => [i, 'completed']));
  });

  it('the worker bundle is kept on disk, reused while its files are unchanged and rebuilt when one changes', async () => {
    const entry = pathToFileURL(join(mkdtempSync(join(tmpdir(), 'nnlab-pool-')), 'entry.ts'));
    // Same-length tags: only the modification time tells the versions apart.
    const version = (tag: string) =>
      writeFileSync(entry, `import { parentPort } from 'node:worker_threads';\nparentPort!.on('message', (job: { index: number }) => parentPort!.postMessage({ type: 'failed', index: job.index, error: '${tag}' }));\n`);
    const r = parseSweep(sweep({ seed: [1, 2] }));
    if (!r.ok) throw new Error(r.message);
    const errors = async () => (await runSweepOnThreads(r.points, { workers: 2, entry })).runs.map((run) => run.error);
    const file = (source: ReturnType<typeof sweepWorkerSource>) => (source && 'file' in source ? source.file : 'not a file');
    version('one');
    const first = file(sweepWorkerSource(entry));
    const written = statSync(first).mtimeMs;
    expect(await errors()).toEqual(['one', 'one']);
    expect(file(sweepWorkerSource(entry))).toBe(first);
    expect(statSync(first).mtimeMs).toBe(written);
    await new Promise((resolve) => setTimeout(resolve, 20));
    version('two');
    expect(file(sweepWorkerSource(entry))).not.toBe(first);
    expect(await errors()).toEqual(['two', 'two']);
  }, 60_000);

  it('workers take the kernels the pool compiled instead of compiling their own', async () => {
    const factory = nodeSweepWorkerFactory({ entry: new URL('./helpers/kernels-probe-worker.ts', import.meta.url) });
    const report = await new Promise<unknown>((resolve) => {
      const worker = factory({
        message: (m) => {
          resolve(m);
          worker.terminate();
        },
        crash: () => {},
      });
    });
    expect(report).toMatchObject({ adopted: true });
  }, 60_000);

  it("the pool's own thread takes runs in slices: the numbers of a threads-only pool and of a lone Trainer", async () => {
    // A hold-out split, a run that diverges and a minibatch run, as above.
    const r = parseSweep(sweep({ learningRate: [0.1, 1e6], batchSize: [null, 10], seed: [1, 2] }, { base: { ...base, loss: 'sse', testFraction: 0.25, testEvery: 3 } }));
    if (!r.ok) throw new Error(r.message);
    const numbers = (runs: SweepRun[]) => runs.map((run) => ({ ...run, seconds: null }));
    const threads = await runSweepOnThreads(r.points, { workers: 2, inThread: false });
    const mixed = await runSweepOnThreads(r.points, { workers: 2 });
    // Every run on this thread, in slices of a fraction of a millisecond (a step or two each).
    const here = await runSweep(r.points, { workers: 1, createWorker: inThreadSweepWorker({ sliceMs: 0.05 }) });
    expect(numbers(mixed.runs)).toEqual(numbers(threads.runs));
    expect(numbers(here.runs)).toEqual(numbers(threads.runs));
    for (const [i, p] of r.points.entries()) {
      const t = new Trainer(experiment(p.experiment));
      t.run(Infinity);
      expect(here.runs[i]!.finalLoss).toBe(t.result(0).losses.at(-1));
    }
  }, 60_000);

  it('a worker thread keeps one kernel memory from run to run: reset, it is as a fresh one', () => {
    const mem = new KernelMemory(1 << 20);
    const first = [mem.f64(100), mem.f64(7), mem.i32(5)];
    for (const v of first) v.fill(3);
    mem.reset();
    const again = [mem.f64(100), mem.f64(7), mem.i32(5)];
    expect(again.map((v) => v.byteOffset)).toEqual(first.map((v) => v.byteOffset));
    for (const v of again) expect(Array.from(v).every((x) => x === 0)).toBe(true);
  });

  it('runs taking turns on the kept kernel memory keep whole results equal to lone Trainers', async () => {
    // Nets of different sizes one after another on one thread (the bigger first), full and minibatch.
    const r = parseSweep(sweep({ hiddenUnits: [16, 3], batchSize: [null, 10] }, { base: { ...base, testFraction: 0.25 } }));
    if (!r.ok) throw new Error(r.message);
    const results = new Map<number, RunResult | undefined>();
    await runSweep(r.points, { workers: 1, keepResults: true, createWorker: inThreadSweepWorker(), onRun: (run, result) => results.set(run.index, result) });
    for (const [i, p] of r.points.entries()) {
      const t = new Trainer(experiment(p.experiment));
      t.run(Infinity);
      const want = t.result(0);
      const got = results.get(i)!;
      expect([got.losses, got.params, got.testLoss, got.history]).toEqual([want.losses, want.params, want.testLoss, want.history]);
    }
  }, 60_000);

  it("training on the pool's own thread leaves its timers and messages running", async () => {
    const r = parseSweep(sweep({ seed: [1] }, { base: { ...base, steps: 20_000 } }));
    if (!r.ok) throw new Error(r.message);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const t0 = performance.now();
    const res = await runSweep(r.points, { workers: 1, createWorker: inThreadSweepWorker({ sliceMs: 4 }) });
    const wall = performance.now() - t0;
    clearInterval(timer);
    expect(res.runs[0]!.status).toBe('completed');
    // A run trained in one go would let the 5 ms timer fire at most once, after it.
    expect(wall).toBeGreaterThan(100);
    expect(ticks).toBeGreaterThan(wall / 5 / 4);
  }, 60_000);

  it('stopping marks every unfinished run "stopped" and keeps the finished ones', async () => {
    const r = parseSweep(sweep({ seed: [1, 2, 3, 4] }, { base: { ...base, steps: 10_000_000 } }));
    if (!r.ok) throw new Error(r.message);
    const stop = new AbortController();
    const results = await runSweepOnThreads(r.points, {
      workers: 2,
      signal: stop.signal,
      onProgress: (p) => {
        if (p.running.some((x) => x.step > 0)) stop.abort();
      },
    });
    expect(results.runs.map((run) => run.status)).toEqual(['stopped', 'stopped', 'stopped', 'stopped']);
    expect(results.runs.some((run) => run.steps > 0)).toBe(true);
  }, 60_000);
});

describe('a sweep file from the README', () => {
  it('parses', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const block = /<!-- sweep-example -->\s*```json\n([\s\S]*?)```/.exec(readme);
    expect(block, 'README has a sweep example').not.toBeNull();
    const r = parseSweepJson(block![1]!);
    if (!r.ok) throw new Error(r.message);
    expect(r.points.length).toBeGreaterThan(1);
  });
});
