/**
 * `nnlab sweep` as a user meets it: every run's numbers are `nnlab train`'s for that grid point,
 * bit for bit (and numpy's, for the point that is a parity fixture); bad files and destinations
 * are refused before anything runs or is written; Ctrl-C stops cleanly with what was finished.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/nnlab';
import { experiment, Trainer, type RunResult, type SweepResults } from '../core';
import { worstMismatch } from './helpers/close';

const bin = new URL('../bin/nnlab.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'nnlab-sweep-'));

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), stderrIsTTY: false });
  return { code, stdout, stderr };
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/parity/tanh-sigmoid-mse.json', import.meta.url), 'utf8')) as {
  experiment: { seed: number; learningRate: number };
  losses: number[];
  testLoss: [number, number][];
};
const without = <T extends object>(o: T, key: keyof T) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));

describe('nnlab sweep', () => {
  it('every run equals `nnlab train` of its experiment bit for bit, and the fixture point equals numpy to 1e-8', async () => {
    const spec = join(dir, 'sweep.json');
    const out = join(dir, 'results.json');
    const runsDir = join(dir, 'runs');
    // The parity fixture is grid point 0 (its own seed, full batch); the others vary seed and batch.
    writeFileSync(spec, JSON.stringify({ version: 1, kind: 'sweep', base: fixture.experiment, axes: { seed: [fixture.experiment.seed, 6], batchSize: [null, 30] } }));
    const r = await cli('sweep', spec, '--out', out, '--runs-dir', runsDir, '--workers', '2');
    expect(r.stderr).toMatch(/done: 4 completed/);
    expect(r.code).toBe(0);
    const results = JSON.parse(readFileSync(out, 'utf8')) as SweepResults;
    expect(results.version).toBe(1);
    expect(results.timing.workers).toBe(2);
    expect(results.runs.map((x) => x.params)).toEqual([
      { seed: 5, batchSize: null },
      { seed: 5, batchSize: 30 },
      { seed: 6, batchSize: null },
      { seed: 6, batchSize: 30 },
    ]);
    for (const [i, run] of results.runs.entries()) {
      const name = join(runsDir, `run-${String(i).padStart(4, '0')}`);
      const trainOut = join(dir, `train-${i}.json`);
      expect((await cli('train', `${name}.experiment.json`, '--out', trainOut, '--quiet')).code).toBe(0);
      const train = JSON.parse(readFileSync(trainOut, 'utf8')) as RunResult;
      const kept = JSON.parse(readFileSync(`${name}.json`, 'utf8')) as RunResult;
      // Bit for bit: JSON keeps every double exactly, and toEqual compares numbers with Object.is.
      expect(without(kept, 'timing')).toEqual(without(train, 'timing'));
      expect(run.status).toBe(train.status);
      expect(run.steps).toBe(train.steps);
      expect(run.finalLoss).toBe(train.losses.at(-1));
      expect(run.minLoss).toBe(Math.min(...train.losses));
      expect(run.divergedAtStep).toBe(train.divergedAtStep);
      expect(run.testLoss).toBe(train.testLoss.at(-1)![1]);
      const t = new Trainer(experiment(JSON.parse(readFileSync(`${name}.experiment.json`, 'utf8'))));
      t.run(Infinity);
      const m = t.metrics();
      expect([run.accuracy, run.testAccuracy]).toEqual([m.accuracy, m.testAccuracy]);
    }
    const point = JSON.parse(readFileSync(join(runsDir, 'run-0000.json'), 'utf8')) as RunResult;
    expect(point.losses).toHaveLength(fixture.losses.length);
    expect(worstMismatch(point.losses, fixture.losses)).toBeNull();
    expect(worstMismatch(point.testLoss.map((p) => p[1]), fixture.testLoss.map((p) => p[1]))).toBeNull();
  }, 120_000);

  it('refuses a bad sweep file with exit 2, the axis named, nothing written', async () => {
    const spec = join(dir, 'bad.json');
    const out = join(dir, 'bad-results.json');
    const runsDir = join(dir, 'bad-runs');
    writeFileSync(spec, JSON.stringify({ version: 1, kind: 'sweep', base: fixture.experiment, axes: { learningRate: [0.1, 0], optimizer: ['adam'] } }));
    const r = await cli('sweep', spec, '--out', out, '--runs-dir', runsDir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not a valid nnlab sweep');
    expect(r.stderr).toContain('axes.learningRate[1]: must be a positive number');
    expect(r.stderr).toContain('axes.optimizer: unknown axis');
    expect(existsSync(out)).toBe(false);
    expect(existsSync(runsDir)).toBe(false);
  });

  it('checks the --out destination before running (exit 2)', async () => {
    const spec = join(dir, 'ok.json');
    writeFileSync(spec, JSON.stringify({ version: 1, kind: 'sweep', base: fixture.experiment, axes: { seed: [1, 2] } }));
    const isDir = join(dir, 'a-directory');
    mkdirSync(isDir);
    let r = await cli('sweep', spec, '--out', isDir);
    expect([r.code, r.stderr]).toEqual([2, `nnlab: --out ${isDir} is a directory; give a file name\n`]);
    r = await cli('sweep', spec, '--out', join(dir, 'missing', 'r.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot be written');
    r = await cli('sweep', spec);
    expect([r.code, r.stderr]).toEqual([2, 'nnlab: sweep needs --out results.json (where the results go)\n']);
    r = await cli('sweep', spec, '--out', join(dir, 'x.json'), '--workers', '0');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--workers must be a whole number');
  });

  it('Ctrl-C stops cleanly: workers ended, unfinished runs "stopped" in the results, exit 130', async () => {
    const spec = join(dir, 'long.json');
    const out = join(dir, 'long-results.json');
    writeFileSync(spec, JSON.stringify({ version: 1, kind: 'sweep', base: { ...fixture.experiment, steps: 5_000_000 }, axes: { seed: [1, 2, 3, 4, 5] } }));
    const child = spawn(process.execPath, [bin, 'sweep', spec, '--out', out, '--workers', '2'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        // The first progress line is written as the pool starts: the workers are up.
        if (/runs \(2 running\)/.test(stderr)) resolve();
      });
    });
    child.kill('SIGINT');
    const code = await exited;
    expect(code).toBe(130);
    expect(stderr).toMatch(/stopped: 5 stopped/);
    const results = JSON.parse(readFileSync(out, 'utf8')) as SweepResults;
    expect(results.runs.map((x) => x.status)).toEqual(['stopped', 'stopped', 'stopped', 'stopped', 'stopped']);
    expect(results.runs.map((x) => x.params.seed)).toEqual([1, 2, 3, 4, 5]);
  }, 60_000);
});
