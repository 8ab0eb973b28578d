/** CSV import (core/csv.ts): messy real files read right, each bad file refused with its line and column. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CsvError,
  decodeCsvBytes,
  experiment,
  inlineDataFromCsv,
  makeDataset,
  NumpyRandom,
  parseCsvText,
  parseExperiment,
  resolveCsvExperiment,
  sha256Hex,
  standardizeInPlace,
  Trainer,
  type CsvImportChoice,
} from '../core';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/csv/${name}`, import.meta.url)));
const table = (name: string) => parseCsvText(decodeCsvBytes(fixture(name)));

/** The CsvError a call throws (the test fails if it does not throw one). */
function csvError(f: () => unknown): CsvError {
  try {
    f();
  } catch (e) {
    if (e instanceof CsvError) return e;
    throw e;
  }
  throw new Error('expected a CsvError');
}
const abLabel: CsvImportChoice = { features: ['a', 'b'], target: 'label', targetKind: 'classes' };
const importError = (name: string, choice: CsvImportChoice = abLabel) => csvError(() => inlineDataFromCsv(table(name), choice));

describe('messy good files', () => {
  it('Excel "CSV UTF-8": BOM, CRLF, semicolons, quoted fields with separators and a line break, a blank line', () => {
    const t = table('penguins-excel.csv');
    expect(t.delimiter).toBe(';');
    expect(t.header).toEqual(['island', 'bill length', 'bill depth', 'species', 'note']);
    expect(t.rows).toHaveLength(60);
    expect(t.rows.every((r) => r.length === 5)).toBe(true);
    expect(t.rows[7]![4]).toBe('measured twice;\r\nsee log');
    expect(t.rows[0]![4]).toBe('Biscoe; north');
    // Row 8's note spans two lines, and a blank line follows row 31: later rows start further down.
    expect(t.lines.slice(0, 9)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 11]);
    expect(t.lines[31]).toBe(35);
    const d = inlineDataFromCsv(t, { features: ['bill length', 'bill depth'], target: 'species', targetKind: 'classes' });
    expect(d.labels).toEqual(['Adelie', 'Gentoo', 'Chinstrap']);
    expect(d.x[0]).toEqual([Number(t.rows[0]![1]), Number(t.rows[0]![2])]);
    expect(d.y.slice(0, 4)).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]]);
  });

  it('pandas to_csv: an unnamed index column, a quoted header with a comma, exponents, no final newline, a numeric target', () => {
    const t = table('housing-pandas.csv');
    expect(t.delimiter).toBe(',');
    expect(t.header).toEqual(['column 1', 'rooms', 'age', 'distance, km', 'price']);
    expect(t.rows).toHaveLength(40);
    const d = inlineDataFromCsv(t, { features: ['rooms', 'age', 'distance, km'], target: 'price', targetKind: 'numeric', standardize: true });
    expect(d.labels).toBeUndefined();
    expect(d.standardize).toBe(true);
    expect(d.x[0]![2]).toBe(Number(t.rows[0]![3]));
    expect(d.y[0]).toEqual([Number(t.rows[0]![4])]);
  });

  it('a recorded class order is kept (and a label outside it is refused with its line)', () => {
    const t = table('penguins-excel.csv');
    const cols = { features: ['bill length'], target: 'species', targetKind: 'classes' as const };
    expect(inlineDataFromCsv(t, { ...cols, labels: ['Gentoo', 'Chinstrap', 'Adelie'] }).y[0]).toEqual([0, 0, 1]);
    const e = csvError(() => inlineDataFromCsv(t, { ...cols, labels: ['Adelie', 'Chinstrap'] }));
    expect(e.message).toBe('line 3, column "species" (4): class "Gentoo" is not one of the experiment\'s labels ("Adelie", "Chinstrap")');
  });

  it('reports progress while parsing, ending at 1', () => {
    const text = 'a,b\n' + Array.from({ length: 12_000 }, (_, i) => `${i},${i % 2}`).join('\n');
    const seen: [number, number][] = [];
    parseCsvText(text, { onProgress: (rows, fraction) => seen.push([rows, fraction]) });
    expect(seen.map((s) => s[0])).toEqual([5000, 10000, 12000]);
    expect(seen[0]![1]).toBeGreaterThan(0.3);
    expect(seen[0]![1]).toBeLessThan(0.5);
    expect(seen.at(-1)![1]).toBe(1);
  });
});

describe('bad files: one message naming the line and the column', () => {
  it('a ragged row', () => {
    const e = importError('bad-ragged.csv');
    expect(e.message).toBe('line 4: has 2 fields but the header has 3 (column "label" (3) is missing; a separator inside a value needs quotes)');
    expect([e.line, e.column]).toEqual([4, 'label']);
  });
  it('a row with a field too many', () => {
    const e = csvError(() => parseCsvText('a,b\n1,2\n3,4,5\n'));
    expect(e.message).toBe('line 3: has 3 fields but the header has 2 (column 3 has no name in the header; a separator inside a value needs quotes)');
  });
  it('a non-number in a feature column', () => {
    const e = importError('bad-not-a-number.csv');
    expect(e.message).toBe('line 4, column "b" (2): "abc" is not a number');
    expect([e.line, e.column]).toEqual([4, 'b']);
  });
  it('lines are counted with old-Mac CR line ends too', () => {
    const e = csvError(() => inlineDataFromCsv(parseCsvText('a,b,label\r1,2,x\r\r3,abc,y\r'), abLabel));
    expect(e.message).toBe('line 4, column "b" (2): "abc" is not a number');
  });
  it('a decimal comma', () => {
    const e = importError('bad-decimal-comma.csv');
    expect(e.message).toBe('line 3, column "b" (2): "4,5" is not a number (nnlab reads a point as the decimal separator: 1.5, not 1,5)');
  });
  it('a missing value', () => {
    const e = importError('bad-missing-value.csv');
    expect(e.message).toBe('line 3, column "b" (2): the value is missing (nnlab does not fill in missing values: fill it in or delete the row)');
  });
  it('a missing class label', () => {
    const e = importError('bad-missing-label.csv');
    expect(e.message).toBe('line 3, column "label" (3): the class label is missing (fill it in or delete the row)');
  });
  it('an empty file, and one of blank lines only', () => {
    expect(importError('bad-empty.csv').message).toBe('the file is empty (nnlab needs a header row naming the columns, then one row per sample)');
    expect(importError('bad-blank-lines.csv').message).toBe('the file is empty (nnlab needs a header row naming the columns, then one row per sample)');
  });
  it('a header and no rows', () => {
    expect(importError('bad-header-only.csv').message).toBe('the file has a header row but no data rows');
  });
  it('one class only', () => {
    const e = importError('bad-one-class.csv');
    expect(e.message).toBe('column "label" (3): every row (lines 2–4) has the class "x"; a classifier needs at least 2 classes');
  });
  it('an unclosed quote', () => {
    const e = importError('bad-unclosed-quote.csv');
    expect(e.message).toBe('line 3, column "b" (2): a quoted field opens with " and is never closed');
  });
  it('two columns of the same name', () => {
    expect(importError('bad-duplicate-header.csv').message).toBe('line 1, column 3: the header names two columns "a" (columns 1 and 3); column names must differ');
  });
  it('not UTF-8', () => {
    expect(csvError(() => decodeCsvBytes(fixture('bad-latin1.csv'))).message).toBe('the file is not UTF-8 text (save it from your spreadsheet as "CSV UTF-8")');
  });
  it('no target chosen, no feature chosen, the target as a feature, a column not in the file', () => {
    const t = table('housing-pandas.csv');
    expect(csvError(() => inlineDataFromCsv(t, { features: ['rooms'], target: null, targetKind: 'numeric' })).message).toBe('choose a target column (what the net learns to predict)');
    expect(csvError(() => inlineDataFromCsv(t, { features: [], target: 'price', targetKind: 'numeric' })).message).toBe('choose at least one feature column (what the net sees)');
    expect(csvError(() => inlineDataFromCsv(t, { features: ['price'], target: 'price', targetKind: 'numeric' })).message).toMatch(/^column "price" is both the target and a feature/);
    expect(csvError(() => inlineDataFromCsv(t, { features: ['size'], target: 'price', targetKind: 'numeric' })).message).toMatch(/^the feature column "size" is not in the file/);
  });
});

describe('standardisation', () => {
  it("uses the training rows' mean and std only (population std), and centres a constant column", () => {
    // 4 training rows, 2 held out whose outliers must not move the statistics.
    const x = new Float64Array([1, 5, 2, 5, 3, 5, 4, 5, 1000, 5, -1000, 5]);
    const { mean, std } = standardizeInPlace(x, 6, 2, 4);
    expect([...mean]).toEqual([2.5, 5]);
    expect(std[0]).toBeCloseTo(Math.sqrt(1.25), 15);
    expect(std[1]).toBe(1);
    expect(x[0]).toBeCloseTo(-1.5 / Math.sqrt(1.25), 15);
    expect(x[8]).toBeCloseTo(997.5 / Math.sqrt(1.25), 12);
    expect(x[1]).toBe(0);
  });

  it('the trainer standardises with its training rows (testFraction) and leaves unflagged data alone', () => {
    const data = { kind: 'inline', x: [[1], [2], [3], [4], [100]], y: [[0], [1], [0], [1], [0]] };
    const base = { version: 2, seed: 0, layers: [{ units: 1, activation: 'linear' }], bias: true, init: { weights: 'xavier' }, loss: 'mse', learningRate: 0.1, steps: 1, testFraction: 0.2 };
    const on = new Trainer(experiment({ ...base, data: { ...data, standardize: true } }));
    const trainX = [...on.data.x].slice(0, 4);
    const mean = trainX.reduce((a, b) => a + b, 0) / 4;
    expect(mean).toBeCloseTo(0, 15);
    expect(Math.sqrt(trainX.reduce((a, b) => a + b * b, 0) / 4)).toBeCloseTo(1, 15);
    const off = makeDataset(experiment({ ...base, data }).data, new NumpyRandom(0));
    expect([...off.x]).toEqual([1, 2, 3, 4, 100]);
  });
});

describe('the experiment format', () => {
  const base = { version: 2, seed: 0, layers: [{ units: 2, activation: 'linear' }], bias: true, init: { weights: 'xavier' }, loss: 'softmax-cross-entropy', learningRate: 0.1, steps: 5 };
  const csvRef = (extra: Record<string, unknown> = {}) => ({ kind: 'csv', path: 'x.csv', sha256: 'a'.repeat(64), features: ['a', 'b'], target: 'label', targetKind: 'classes', ...extra });

  it('inline data records column names, class labels and standardisation (v2), checked against the rows', () => {
    const inline = { kind: 'inline', x: [[1, 2], [3, 4]], y: [[1, 0], [0, 1]], features: ['a', 'b'], target: 'label', labels: ['x', 'y'], standardize: true };
    expect(parseExperiment({ ...base, data: inline }).ok).toBe(true);
    const bad = parseExperiment({ ...base, data: { ...inline, features: ['a'], labels: ['x', 'x'] } });
    expect(bad.ok ? '' : bad.message).toBe('data.features: names 1 columns but data.x has 2 (one name per input column)\ndata.labels: names "x" twice');
    const v1 = parseExperiment({ ...base, version: 1, data: inline });
    expect(v1.ok ? '' : v1.message).toMatch(/^data\.features: needs "version": 2/);
  });

  it('a csv reference names its fields when wrong', () => {
    const r = parseExperiment({ ...base, data: csvRef({ sha256: 'abc', targetKind: 'label', delimiter: ':' }) });
    expect(r.ok ? '' : r.message).toBe(
      'data.sha256: must be the file\'s SHA-256 as 64 hex digits\ndata.targetKind: must be one of "classes", "numeric"\ndata.delimiter: must be one of ",", ";", "\t", "|"',
    );
    const v1 = parseExperiment({ ...base, version: 1, data: csvRef() });
    expect(v1.ok ? '' : v1.message).toBe('data.kind: "csv" needs "version": 2 (format v1 has no file references)');
  });

  it('resolving checks the SHA-256, then validates the read experiment as a whole', () => {
    const bytes = new TextEncoder().encode('a,b,label\n1,2,x\n3,4,y\n5,6,z\n');
    const exp = experiment({ ...base, data: csvRef({ sha256: sha256Hex(bytes) }) });
    const wrong = resolveCsvExperiment(experiment({ ...base, data: csvRef() }), bytes);
    expect(wrong.ok ? '' : wrong.message).toBe(
      `data.sha256: x.csv is not the file this experiment was made with (its SHA-256 is ${sha256Hex(bytes)}, the experiment records ${'a'.repeat(64)}); restore that file, or import the new one to record its hash`,
    );
    const three = resolveCsvExperiment(exp, bytes);
    expect(three.ok ? '' : three.message).toBe('layers[0].units: must be 3 to match the 3 target columns of the inline data (the last layer is the output layer)');
    const ok = resolveCsvExperiment({ ...exp, layers: [{ units: 3, activation: 'linear' }] }, bytes);
    expect(ok.ok && ok.experiment.data).toMatchObject({ kind: 'inline', labels: ['x', 'y', 'z'], source: { file: 'x.csv' } });
    expect(ok.ok && ok.reference).toMatchObject({ delimiter: ',', labels: ['x', 'y', 'z'] });
  });

  it('SHA-256 is the standard one', () => {
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
