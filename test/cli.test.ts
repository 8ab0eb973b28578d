/** The `nnlab` command as a user meets it: exit codes, messages, result files, the numpy round trip. */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as nodeFs from 'node:fs';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/nnlab';
import type { ResultFs } from '../cli/result-file';
import { experiment, historySchedule, PRESETS, Trainer, type Experiment, type RunResult } from '../core';
import { worstMismatch } from './helpers/close';
import { SHAPES } from '../bench/shapes';

const bin = new URL('../bin/nnlab.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'nnlab-cli-'));

async function cli(...argv: string[]) {
  return cliWith({}, ...argv);
}

async function cliWith(extra: { fs?: ResultFs }, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), stderrIsTTY: false, ...extra });
  return { code, stdout, stderr };
}

/** A preset, shortened, as an experiment file. */
function presetFile(id: string, changes: Record<string, unknown> = {}, text?: (json: string) => string): string {
  const exp = { ...PRESETS.find((p) => p.id === id)!.experiment, ...changes };
  const path = join(dir, `${id}-${Object.keys(changes).join('-') || 'plain'}.json`);
  const json = JSON.stringify(exp);
  writeFileSync(path, text ? text(json) : json);
  return path;
}

const hasPython = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
// One BLAS thread: on a loaded 2-core machine OpenBLAS's default thread pool made init-xavier's
// 300 steps take 58 s instead of 4.8 s (same printed losses).
const python = (script: string) => execFileSync('python3', [script], { encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' } });

describe('nnlab CLI', () => {
  it('lists every preset with a one-line description', async () => {
    const r = await cli('presets');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(PRESETS.length);
    for (const id of ['seed-001', 'seed-004', 'seed-000', 'seed-004-quadrants', 'seed-002-style', 'xor', 'circles', 'spiral', 'init-standard-normal', 'init-xavier']) {
      expect(lines.some((l) => l.startsWith(id + ' '))).toBe(true);
    }
  });

  it('writes a preset that trains to a result file with the v1 fields (real process, real exit code)', () => {
    const exp = join(dir, 'quad.json');
    const out = join(dir, 'quad-run.json');
    writeFileSync(exp, execFileSync(process.execPath, [bin, 'preset', 'seed-004-quadrants']));
    const r = spawnSync(process.execPath, [bin, 'train', exp, '--out', out], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/step 500\/500 {2}loss [\d.e+-]+ {2}\d+ steps\/s/);
    const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
    expect(Object.keys(result).sort()).toEqual(['divergedAtStep', 'history', 'losses', 'params', 'status', 'steps', 'testLoss', 'timing', 'version']);
    expect(result.history.map((e) => e.step)).toEqual(Array.from(historySchedule(500)));
    expect(Object.keys(result.history[0]!.layers[0]!).sort()).toEqual(
      ['activationStd', 'activations', 'biasGradNorm', 'biasStd', 'biases', 'deadFraction', 'gradNorm', 'gradients', 'saturatedFraction', 'updateRatio', 'weightStd', 'weights'].sort(),
    );
    expect(result.status).toBe('completed');
    expect(result.steps).toBe(500);
    expect(result.losses).toHaveLength(500);
    // The seed's first loss with np.random.seed(0), from the numpy fixture.
    expect(result.losses[0]).toBeCloseTo(56737.40455931933, 6);
    expect(result.params[0]!.weights).toHaveLength(2);
    expect(result.timing.stepsPerSecond).toBeGreaterThan(0);
  });

  it('reports a diverged run clearly and still writes its result', async () => {
    const exp = join(dir, 'div.json');
    writeFileSync(exp, (await cli('preset', 'seed-004-diverging')).stdout);
    const out = join(dir, 'div-run.json');
    const r = await cli('train', exp, '--out', out, '--quiet');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('diverged at step 9');
    expect(r.stderr).toContain('smaller learning rate');
    const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
    expect(result.status).toBe('diverged');
    expect(result.divergedAtStep).toBe(9);
    expect(result.losses).toHaveLength(9);
    // The overflowing gradient is written as "Infinity", not as JSON's null.
    expect(result.history).toHaveLength(9);
    expect(result.history.some((e) => e.layers.some((l) => (l.gradNorm as unknown) === 'Infinity'))).toBe(true);
  });

  const bad: [string, string, RegExp][] = [
    ['an unreadable file', '', /cannot read .*missing\.json: no such file/],
    ['bad JSON', '{"version": 1,', /not valid JSON/],
    ['a wrong type', JSON.stringify({ ...PRESETS[3]!.experiment, steps: 'many' }), /^ {2}steps: must be a non-negative integer$/m],
    ['zero units', JSON.stringify({ ...PRESETS[3]!.experiment, layers: [{ units: 0, activation: 'relu' }, { units: 4, activation: 'linear' }] }), /layers\[0\]\.units: must be a positive integer/],
    ['an unknown activation', JSON.stringify({ ...PRESETS[3]!.experiment, layers: [{ units: 3, activation: 'softplus' }, { units: 4, activation: 'linear' }] }), /layers\[0\]\.activation: must be one of "relu", "linear", "tanh", "sigmoid"/],
    ['an unknown data kind', JSON.stringify({ ...PRESETS[3]!.experiment, data: { kind: 'mnist' } }), /data: kind must be one of/],
    ['an unknown init', JSON.stringify({ ...PRESETS[3]!.experiment, init: { weights: 'lecun' } }), /init\.weights: must be one of "standard-normal", "xavier", "he"/],
    ['an unknown loss', JSON.stringify({ ...PRESETS[3]!.experiment, loss: 'hinge' }), /loss: must be one of "sse", "mse", "softmax-cross-entropy"/],
    ['a future version', JSON.stringify({ ...PRESETS[3]!.experiment, version: 3 }), /version: must be 1 or 2/],
    ['a v2 field in a v1 file', JSON.stringify({ ...PRESETS[3]!.experiment, version: 1, optimizer: { kind: 'adam' } }), /^ {2}optimizer: needs "version": 2/m],
    ['an unknown optimiser', JSON.stringify({ ...PRESETS[3]!.experiment, version: 2, optimizer: { kind: 'adagrad' } }), /optimizer: kind must be one of "sgd", "momentum", "nesterov", "rmsprop", "adam"/],
    ['ragged inline data', JSON.stringify({ ...PRESETS[3]!.experiment, data: { kind: 'inline', x: [[1, 2], [3]], y: [[1, 0, 0, 0], [0, 1, 0, 0]] } }), /data\.x\[1\]: has 1 numbers but row 0 has 2/],
    ['mismatched inline rows', JSON.stringify({ ...PRESETS[3]!.experiment, data: { kind: 'inline', x: [[1, 2], [3, 4]], y: [[1, 0, 0, 0]] } }), /data\.y: has 1 rows but data\.x has 2/],
    ['output units that do not match the targets', JSON.stringify({ ...PRESETS[3]!.experiment, layers: [{ units: 10, activation: 'linear' }, { units: 3, activation: 'linear' }] }), /layers\[1\]\.units: must be 4 to match the 4 target columns/],
    ['a run too big for memory', JSON.stringify({ ...PRESETS[0]!.experiment, data: { kind: 'random-regression', samples: 1_000_000, inputs: 1000, outputs: 10 } }), /data\.samples: the run would need 10,\d{3} MB \(data 8,080 MB, .*activations 2,640 MB\), above nnlab's limit of 800 MB; try fewer samples/],
  ];
  for (const [what, text, message] of bad) {
    it(`refuses ${what} with one clear message, exit 2, no result file, no stack trace`, async () => {
      const exp = join(dir, text ? `bad-${what.replace(/\W+/g, '-')}.json` : 'missing.json');
      if (text) writeFileSync(exp, text);
      const out = join(dir, `bad-out-${what.replace(/\W+/g, '-')}.json`);
      const r = await cli('train', exp, '--out', out);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(out)).toBe(false);
    });
  }

  it('refuses unknown commands, options and presets', async () => {
    expect((await cli('fly')).code).toBe(2);
    expect((await cli('preset', 'nope')).stderr).toContain('no preset "nope"');
    expect((await cli('train', 'x.json', '--fast')).stderr).toContain('unknown option --fast');
    const threads = await cli('train', 'x.json', '--threads', '3');
    expect([threads.code, threads.stderr.trim()]).toEqual([2, 'nnlab: --threads must be 1 or 2 (got 3)']);
  });

  it('train: a net big enough to split trains on two kernel threads by default, to the same result as --threads 1', async () => {
    // The classroom net on 4× its rows: big enough to split with the wide kernels too (core/trainer.ts PARALLEL_MIN_WORK_WIDE).
    const classroom = SHAPES.find((s) => s.id === 'classroom-tanh')!.experiment(30);
    const exp = { ...classroom, data: { ...classroom.data, samples: 2048 }, testFraction: 0.25, testEvery: 7 } as Experiment;
    expect(Trainer.splitsPasses(experiment(exp))).toBe(true);
    const path = join(dir, 'classroom.json');
    writeFileSync(path, JSON.stringify(exp));
    const results = [];
    for (const threads of [[], ['--threads', '1']]) {
      const out = join(dir, `classroom-${threads.length}.json`);
      const r = await cli('train', path, '--out', out, ...threads);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr.includes('s on 2 kernel threads, final loss'), r.stderr).toBe(threads.length === 0);
      const { timing: _timing, ...rest } = JSON.parse(readFileSync(out, 'utf8')) as RunResult & { timing: unknown };
      results.push(rest);
    }
    expect(results[0]).toEqual(results[1]);
    // The real command, in its own process: nothing else keeps Node alive while the thread starts.
    const r = spawnSync(process.execPath, [bin, 'train', path, '--out', join(dir, 'classroom-process.json')], { encoding: 'utf8' });
    expect([r.status, r.stderr.includes('s on 2 kernel threads, final loss')], r.stderr).toEqual([0, true]);
  });
});

describe('no lost results', () => {
  const seed1 = () => presetFile('seed-004-quadrants', { steps: 20 });

  it('checks --out before training: a missing folder, a folder, a device (exit 2, the path named, nothing trained)', async () => {
    const exp = seed1();
    const cases: [string, RegExp][] = [
      [join(dir, 'no-such-folder', 'run.json'), /cannot write the result to .*no-such-folder\/run\.json: the folder .*no-such-folder does not exist/],
      [dir, /cannot write the result to .* is a folder; give a file name/],
      ['/dev/null', /cannot write the result to \/dev\/null is not a regular file \(a device, pipe or socket\)/],
    ];
    for (const [out, message] of cases) {
      const r = await cli('train', exp, '--out', out);
      expect(r.code, out).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toContain('step ');
    }
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('a full disk leaves the old result as it was, exits 4 with one line, and leaves no temporary file', async () => {
    const exp = seed1();
    const folder = mkdtempSync(join(tmpdir(), 'nnlab-full-'));
    const out = join(folder, 'run.json');
    writeFileSync(out, '{"an": "old result"}\n');
    // A disk that takes 100 bytes, then no more: a short write, then ENOSPC.
    let room = 100;
    const full: ResultFs = {
      ...nodeFs,
      writeSync: ((fd: number, buffer: Buffer, offset: number, length: number) => {
        if (room === 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        const n = Math.min(room, length);
        room -= n;
        return nodeFs.writeSync(fd, buffer, offset, n);
      }) as ResultFs['writeSync'],
    };
    const r = await cliWith({ fs: full }, 'train', exp, '--out', out, '--quiet');
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^nnlab: cannot write .*run\.json: the disk is full \(ENOSPC: no space left on device, write\); the old file is unchanged\n$/);
    expect(readFileSync(out, 'utf8')).toBe('{"an": "old result"}\n');
    expect(readdirSync(folder)).toEqual(['run.json']);
    // A write that reports fewer bytes than asked and then nothing is caught the same way.
    const short: ResultFs = { ...nodeFs, writeSync: (() => 0) as ResultFs['writeSync'] };
    const again = await cliWith({ fs: short }, 'train', exp, '--out', join(folder, 'new.json'), '--quiet');
    expect(again.code).toBe(4);
    expect(again.stderr).toMatch(/wrote 0 of \d+ bytes\); no file was written/);
    expect(readdirSync(folder)).toEqual(['run.json']);
    // And the real thing still writes.
    expect((await cli('train', exp, '--out', out, '--quiet')).code).toBe(0);
    expect((JSON.parse(readFileSync(out, 'utf8')) as RunResult).steps).toBe(20);
  });

  // Real processes with a reader that has gone before the first write (stdout closed at spawn).
  const closedReader = (...args: string[]) =>
    new Promise<{ code: number | null; stderr: string }>((done) => {
      const p = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      p.stdout.destroy();
      let stderr = '';
      p.stderr.on('data', (d) => (stderr += d));
      p.on('close', (code) => done({ code, stderr }));
    });

  it('`nnlab presets | head -1` and `export-numpy … | head -1` end quietly (exit 0, nothing on stderr)', async () => {
    const [a, b] = await Promise.all([closedReader('presets'), closedReader('export-numpy', seed1())]);
    expect(a).toEqual({ code: 0, stderr: '' });
    expect(b).toEqual({ code: 0, stderr: '' });
  });

  it('accepts a UTF-8 byte-order mark before the JSON', async () => {
    const exp = presetFile('seed-004-quadrants', { steps: 5, name: 'bom' }, (json) => '\uFEFF' + json);
    expect(readFileSync(exp)[0]).toBe(0xef);
    const r = await cli('train', exp, '--quiet');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('prints its version; with no command, the usage on stderr and exit 2', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) expect(await cli(flag)).toEqual({ code: 0, stdout: `nnlab ${pkg.version}\n`, stderr: '' });
    const none = await cli();
    expect(none.code).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toMatch(/^nnlab: no command given\nusage:/);
    expect(none.stderr).toContain('exit codes: 0 ok, 1 internal error, 2 bad usage or input, 3 diverged, 4 result not written');
    expect((await cli('--help')).code).toBe(0);
  });

  it('reports per-field and cross-field problems in one round, unknown keys in one wording', async () => {
    const exp = presetFile('seed-004-quadrants', {
      steps: 'many',
      layers: [{ units: 10, activation: 'linear' }, { units: 3, activation: 'linear' }],
      data: { kind: 'quadrants', sampels: 3 },
      init: { weights: 'xavier', biases: 'zeros', gain: 2 },
      colour: 'red',
    });
    const r = await cli('train', exp);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('  steps: must be a non-negative integer\n');
    expect(r.stderr).toContain('  data: unknown field "sampels"\n');
    expect(r.stderr).toContain('  init: unknown field "gain"\n');
    expect(r.stderr).toContain('  unknown field "colour"\n');
    expect(r.stderr).not.toMatch(/Unrecognized/);
    // Cross-field (the output layer against the data) in the same round as the per-field ones…
    const r2 = await cli('train', presetFile('seed-004-quadrants', { steps: 'many', layers: [{ units: 10, activation: 'linear' }, { units: 3, activation: 'linear' }] }));
    expect(r2.stderr).toContain('  steps: must be a non-negative integer\n');
    expect(r2.stderr).toContain('  layers[1].units: must be 4 to match the 4 target columns');
  });

  it('export-numpy of a float32 experiment says the script computes in float64', async () => {
    const r = await cli('export-numpy', presetFile('seed-004-quadrants', { precision: 'float32' }));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^nnlab: note: .*"precision": "float32"; this script computes in float64/);
    expect(r.stdout).toContain('this script computes in float64');
    const f64 = await cli('export-numpy', seed1());
    expect(f64.stderr).toBe('');
    expect(f64.stdout).not.toContain('float32');
  });
});

describe('presets say what they do', () => {
  it('seed-004: the loss falls every step, 2.8e7 to 4.9e-5 in 500 steps', () => {
    const p = PRESETS.find((x) => x.id === 'seed-004')!;
    const t = new Trainer(experiment(p.experiment));
    t.run(500);
    const losses = t.result(1).losses;
    expect(losses.every((l, i) => i === 0 || l < losses[i - 1]!)).toBe(true);
    expect(p.description).toContain(`${losses[0]!.toExponential(1).replace('+', '')} to ${losses[499]!.toExponential(1)} in 500 steps`);
    expect(p.description).not.toMatch(/rises/);
  });
});

describe.runIf(hasPython)('export-numpy round trip (python3 + numpy)', () => {
  // Every kind of experiment the format has: data kinds, inits, losses, minibatches, hold-out, divergence.
  const cases = ['seed-004-quadrants', 'seed-002-style', 'xor', 'circles', 'spiral', 'init-xavier', 'seed-004-diverging'];
  for (const id of cases) {
    it(`${id}: the exported script prints the same losses as nnlab train`, async () => {
      const exp = join(dir, `${id}.json`);
      const preset = JSON.parse((await cli('preset', id)).stdout) as { steps: number };
      // Shorter runs keep the suite quick; the numbers must agree all the same.
      preset.steps = Math.min(preset.steps, 300);
      writeFileSync(exp, JSON.stringify(preset));
      const out = join(dir, `${id}-run.json`);
      const trained = await cli('train', exp, '--out', out, '--quiet');
      const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
      expect(trained.code).toBe(result.status === 'diverged' ? 3 : 0);
      const script = (await cli('export-numpy', exp)).stdout;
      const py = join(dir, `${id}.py`);
      writeFileSync(py, script);
      const printed = python(py);
      const rows = printed.split('\n').filter((l) => /^\d+ /.test(l));
      expect(rows.map((l) => Number(l.split(' ')[0]))).toEqual(result.losses.map((_, i) => i));
      expect(worstMismatch(rows.map((l) => Number(l.split(' ')[1])), result.losses)).toBeNull();
      if (result.status === 'diverged') expect(printed).toContain(`# diverged at step ${result.divergedAtStep}`);
      expect(printed).not.toContain('np.float');
    });
  }

  // Format v2: every optimiser, penalty and schedule, as the parity fixtures exercise them.
  const fixtures = new URL('./fixtures/parity/', import.meta.url);
  for (const file of readdirSync(fixtures).filter((f) => f.startsWith('v2-'))) {
    const id = file.replace(/\.json$/, '');
    it(`${id}: the exported script prints the same losses as nnlab train and the numpy fixture`, async () => {
      const fixture = JSON.parse(readFileSync(new URL(file, fixtures), 'utf8')) as { experiment: unknown; losses: number[] };
      const exp = join(dir, `${id}.json`);
      writeFileSync(exp, JSON.stringify(fixture.experiment));
      const out = join(dir, `${id}-run.json`);
      expect((await cli('train', exp, '--out', out, '--quiet')).code).toBe(0);
      const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
      const py = join(dir, `${id}.py`);
      writeFileSync(py, (await cli('export-numpy', exp)).stdout);
      const rows = python(py).split('\n').filter((l) => /^\d+ /.test(l));
      const printed = rows.map((l) => Number(l.split(' ')[1]));
      expect(printed).toHaveLength(fixture.losses.length);
      expect(worstMismatch(printed, result.losses)).toBeNull();
      expect(worstMismatch(printed, fixture.losses)).toBeNull();
    });
  }

  it('prints plain floats under numpy 2 (the hold-out loss and a divergence, not np.float64(…))', async () => {
    const exp = presetFile('xor', { steps: 30, testFraction: 0.25 });
    const py = join(dir, 'holdout.py');
    writeFileSync(py, (await cli('export-numpy', exp)).stdout);
    const printed = python(py);
    expect(printed).toMatch(/^# hold-out loss after training: \d\.\d+(e-?\d+)?$/m);
    const div = presetFile('seed-004-diverging', { steps: 30 });
    writeFileSync(py, (await cli('export-numpy', div)).stdout);
    expect(python(py)).toMatch(/^# diverged at step 9: the loss is (inf|nan)$/m);
  });
});
