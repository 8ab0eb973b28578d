/**
 * A csv-referencing experiment on the command line: `nnlab train` reads and checks the file, and the
 * script `export-numpy` writes reads the same file by the same rules and prints the same losses in numpy.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/nnlab';
import { experiment, resolveCsvExperiment, sha256Hex, type RunResult } from '../core';
import { worstMismatch } from './helpers/close';

const dir = mkdtempSync(join(tmpdir(), 'nnlab-csv-cli-'));
const fixtures = new URL('./fixtures/csv/', import.meta.url);
// The data sits in a folder beside the experiment's: the path is relative to the experiment file, not the working directory.
mkdirSync(join(dir, 'data'));
mkdirSync(join(dir, 'exp'));
for (const f of ['penguins-excel.csv', 'housing-pandas.csv', 'bad-not-a-number.csv']) copyFileSync(new URL(f, fixtures), join(dir, 'data', f));
const sha = (f: string) => sha256Hex(new Uint8Array(readFileSync(join(dir, 'data', f))));

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), stderrIsTTY: false });
  return { code, stdout, stderr };
}

const penguins = {
  version: 2,
  name: 'penguins',
  seed: 3,
  data: { kind: 'csv', path: '../data/penguins-excel.csv', sha256: sha('penguins-excel.csv'), features: ['bill length', 'bill depth'], target: 'species', targetKind: 'classes', standardize: true },
  layers: [{ units: 6, activation: 'tanh' }, { units: 3, activation: 'linear' }],
  bias: true,
  init: { weights: 'xavier', biases: 'zeros' },
  loss: 'softmax-cross-entropy',
  learningRate: 0.1,
  steps: 150,
  testFraction: 0.25,
};
const housing = {
  version: 2,
  name: 'housing',
  seed: 5,
  data: { kind: 'csv', path: '../data/housing-pandas.csv', sha256: sha('housing-pandas.csv'), features: ['rooms', 'age', 'distance, km'], target: 'price', targetKind: 'numeric', standardize: true },
  layers: [{ units: 5, activation: 'relu' }, { units: 1, activation: 'linear' }],
  bias: true,
  init: { weights: 'he', biases: 'zeros' },
  loss: 'mse',
  learningRate: 0.01,
  steps: 150,
  batchSize: 8,
  testFraction: 0.2,
  optimizer: { kind: 'adam' },
};

function write(name: string, exp: unknown): string {
  const path = join(dir, 'exp', `${name}.json`);
  writeFileSync(path, JSON.stringify(exp));
  return path;
}

describe('nnlab train with a csv reference', () => {
  it('reads the file relative to the experiment and trains on it', async () => {
    const out = join(dir, 'penguins-run.json');
    const r = await cli('train', write('penguins', penguins), '--out', out, '--quiet');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
    expect(result.losses).toHaveLength(150);
    // The classes separate: the loss falls well below log(3) = 1.10.
    expect(result.losses.at(-1)!).toBeLessThan(0.5 * result.losses[0]!);
  });

  it('a changed file is refused by its SHA-256, naming the field', async () => {
    const r = await cli('train', write('changed', { ...penguins, data: { ...penguins.data, sha256: sha('housing-pandas.csv') } }));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('data.sha256: ../data/penguins-excel.csv is not the file this experiment was made with');
  });

  it('a bad file is refused with the line and column', async () => {
    const data = { kind: 'csv', path: '../data/bad-not-a-number.csv', sha256: sha('bad-not-a-number.csv'), features: ['a', 'b'], target: 'label', targetKind: 'classes' };
    const r = await cli('train', write('bad', { ...penguins, data, layers: [{ units: 2, activation: 'linear' }] }));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('../data/bad-not-a-number.csv: line 4, column "b" (2): "abc" is not a number');
  });

  it('a missing file names the path', async () => {
    const r = await cli('train', write('missing', { ...penguins, data: { ...penguins.data, path: 'nowhere.csv' } }));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`data.path: cannot read ${join(dir, 'exp', 'nowhere.csv')}: no such file`);
  });

  it('nnlab sweep reads a base experiment\'s csv reference relative to the sweep file', async () => {
    const sweepFile = join(dir, 'exp', 'sweep.json');
    writeFileSync(sweepFile, JSON.stringify({ version: 1, kind: 'sweep', base: { ...penguins, steps: 20 }, axes: { seed: [1, 2] } }));
    const out = join(dir, 'sweep-out.json');
    const r = await cli('sweep', sweepFile, '--out', out, '--workers', '1');
    expect(r.code).toBe(0);
    const results = JSON.parse(readFileSync(out, 'utf8')) as { runs: { status: string }[] };
    expect(results.runs.map((x) => x.status)).toEqual(['completed', 'completed']);
    writeFileSync(sweepFile, JSON.stringify({ version: 1, kind: 'sweep', base: { ...penguins, data: { ...penguins.data, sha256: '0'.repeat(64) } }, axes: { seed: [1, 2] } }));
    const bad = await cli('sweep', sweepFile, '--out', out);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('base.data.sha256: ../data/penguins-excel.csv is not the file this experiment was made with');
  });

  it('export-numpy of a csv reference writes loading code for the file (absolute path, SHA-256, columns, class order, standardisation)', async () => {
    const script = (await cli('export-numpy', write('penguins', penguins))).stdout;
    expect(script).toContain(`CSV_PATH = sys.argv[1] if len(sys.argv) > 1 else ${JSON.stringify(join(dir, 'data', 'penguins-excel.csv'))}`);
    expect(script).toContain(`if hashlib.sha256(raw).hexdigest() != "${sha('penguins-excel.csv')}":`);
    expect(script).toContain('delimiter=";"');
    expect(script).toContain('labels = ["Adelie","Gentoo","Chinstrap"]  # the one-hot order, as the experiment records it');
    expect(script).toContain('mu, sd = x[:n_train].mean(axis=0), x[:n_train].std(axis=0)');
  });
});

const hasPython = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
const python = (script: string) => execFileSync('python3', [script], { encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' } });

describe.runIf(hasPython)('parity: the exported script reads the CSV and trains to the same losses (python3 + numpy)', () => {
  // What Import CSV… puts in the experiment: the same rows inline, standardised by the core and by the script.
  const inlined = (exp: typeof penguins | typeof housing) => {
    const r = resolveCsvExperiment(experiment(exp), new Uint8Array(readFileSync(join(dir, 'data', exp.data.path.replace('../data/', '')))));
    if (!r.ok) throw new Error(r.message);
    return { ...r.experiment, name: `${exp.name}-inline` };
  };
  for (const [name, exp] of [
    ['penguins (BOM, CRLF, semicolons, quotes; classes; standardised; hold-out)', penguins],
    ['housing (pandas; numeric target; standardised; minibatch Adam)', housing],
    ['penguins imported inline (standardised by the script from the inline rows)', inlined(penguins)],
  ] as const) {
    it(name, async () => {
      const file = write(exp.name, exp);
      const out = join(dir, `${exp.name}-parity.json`);
      expect((await cli('train', file, '--out', out, '--quiet')).code).toBe(0);
      const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
      const py = join(dir, `${exp.name}.py`);
      writeFileSync(py, (await cli('export-numpy', file)).stdout);
      const rows = python(py).split('\n').filter((l) => /^\d+ /.test(l));
      const printed = rows.map((l) => Number(l.split(' ')[1]));
      expect(printed).toHaveLength(result.losses.length);
      expect(worstMismatch(printed, result.losses, 1e-8)).toBeNull();
    });
  }
});
