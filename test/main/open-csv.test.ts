/** File ▸ Open of a csv-referencing experiment: the file is read beside it, checked by its SHA-256, and the lab gets the rows inline. */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../main/electron-main/store';
import { sha256Hex } from '../../core';

const root = mkdtempSync(join(tmpdir(), 'nnlab-open-csv-'));
mkdirSync(join(root, 'data'));
copyFileSync(new URL('../fixtures/csv/penguins-excel.csv', import.meta.url), join(root, 'data', 'penguins.csv'));
const sha = sha256Hex(new Uint8Array(readFileSync(join(root, 'data', 'penguins.csv'))));
const exp = {
  version: 2,
  name: 'penguins',
  seed: 1,
  data: { kind: 'csv', path: 'data/penguins.csv', sha256: sha, features: ['bill length', 'bill depth'], target: 'species', targetKind: 'classes', standardize: true },
  layers: [{ units: 4, activation: 'tanh' }, { units: 3, activation: 'linear' }],
  bias: true,
  init: { weights: 'xavier' },
  loss: 'softmax-cross-entropy',
  learningRate: 0.1,
  steps: 10,
};
const write = (name: string, doc: unknown) => {
  const p = join(root, name);
  writeFileSync(p, JSON.stringify(doc));
  return p;
};

describe('opening a csv-referencing experiment in the app', () => {
  it('reads the file relative to the experiment and hands the lab inline rows with their column names and classes', async () => {
    const r = await new Store(join(root, 'user')).readOpenableFile(write('penguins.json', exp));
    expect(r.ok).toBe(true);
    const data = r.ok && 'experiment' in r.value ? (r.value.experiment.data as Record<string, unknown>) : null;
    expect(data).toMatchObject({ kind: 'inline', features: ['bill length', 'bill depth'], target: 'species', labels: ['Adelie', 'Gentoo', 'Chinstrap'], standardize: true, source: { file: 'data/penguins.csv', sha256: sha } });
    expect(data?.x).toHaveLength(60);
  });

  it('refuses a changed file by its SHA-256, naming the field', async () => {
    const r = await new Store(join(root, 'user')).readOpenableFile(write('changed.json', { ...exp, data: { ...exp.data, sha256: '0'.repeat(64) } }));
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/^data\.sha256: data\/penguins\.csv is not the file this experiment was made with \(its SHA-256 is [0-9a-f]{64}, the experiment records 0{64}\)/) });
  });

  it('a missing file names the path; a v1 experiment still opens as it is', async () => {
    const r = await new Store(join(root, 'user')).readOpenableFile(write('missing.json', { ...exp, data: { ...exp.data, path: 'nope.csv' } }));
    expect(r).toEqual({ ok: false, reason: `data.path: could not read ${join(root, 'nope.csv')} (ENOENT)` });
    const v1 = { version: 1, seed: 0, data: { kind: 'xor' }, layers: [{ units: 2, activation: 'linear' }], bias: true, init: { weights: 'xavier' }, loss: 'mse', learningRate: 0.1, steps: 5 };
    expect(await new Store(join(root, 'user')).readOpenableFile(write('v1.json', v1))).toEqual({ ok: true, value: { experiment: v1 } });
  });
});
