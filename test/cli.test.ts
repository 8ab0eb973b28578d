/** The `nnlab` command as a user meets it: exit codes, messages, result files, the numpy round trip. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/nnlab';
import { historySchedule, PRESETS, type RunResult } from '../core';
import { worstMismatch } from './helpers/close';

const bin = new URL('../bin/nnlab.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'nnlab-cli-'));

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), stderrIsTTY: false });
  return { code, stdout, stderr };
}

const hasPython = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

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
    expect(r.code).toBe(0);
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
      expect((await cli('train', exp, '--out', out, '--quiet')).code).toBe(0);
      const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
      const script = (await cli('export-numpy', exp)).stdout;
      const py = join(dir, `${id}.py`);
      writeFileSync(py, script);
      const printed = execFileSync('python3', [py], { encoding: 'utf8' });
      const rows = printed.split('\n').filter((l) => /^\d+ /.test(l));
      expect(rows.map((l) => Number(l.split(' ')[0]))).toEqual(result.losses.map((_, i) => i));
      expect(worstMismatch(rows.map((l) => Number(l.split(' ')[1])), result.losses)).toBeNull();
      if (result.status === 'diverged') expect(printed).toContain(`# diverged at step ${result.divergedAtStep}`);
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
      const rows = execFileSync('python3', [py], { encoding: 'utf8' }).split('\n').filter((l) => /^\d+ /.test(l));
      const printed = rows.map((l) => Number(l.split(' ')[1]));
      expect(printed).toHaveLength(fixture.losses.length);
      expect(worstMismatch(printed, result.losses)).toBeNull();
      expect(worstMismatch(printed, fixture.losses)).toBeNull();
    });
  }
});
