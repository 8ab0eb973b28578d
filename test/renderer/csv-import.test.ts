/**
 * The CSV import's worker path: the lab's client and the worker's service over a real MessagePort,
 * as the browser runs them. 100k rows report progress as they are read and come back as inline data.
 */
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { CsvImportService, PROGRESS_EVERY } from '../../core/contract/csv-import';
import { parseExperiment } from '../../core';
import { csvImporterOver, CsvImportError, withImportedData } from '../../renderer/src/state/csv-import';
import { draftFromExperiment, experimentInputOf, validateDraft } from '../../renderer/src/state/draft';
import { PRESETS } from '../../core';

function pair() {
  const { port1, port2 } = new MessageChannel();
  const service = new CsvImportService((msg, transfer) => port2.postMessage(msg, transfer ?? []));
  port2.on('message', (m) => service.handle(m));
  const importer = csvImporterOver(port1 as unknown as Parameters<typeof csvImporterOver>[0], () => {
    port1.close();
    port2.close();
  });
  port1.start();
  return importer;
}

const rows100k = () => {
  const lines = ['x1,x2,colour'];
  for (let i = 0; i < 100_000; i++) lines.push(`${Math.sin(i).toFixed(6)},${Math.cos(1.3 * i).toFixed(6)},${['red', 'green', 'blue'][i % 3]}`);
  return new TextEncoder().encode(lines.join('\r\n'));
};

describe('CSV import through the worker protocol', () => {
  it('100k rows: progress events while reading, then a preview; Use this data gives 100k inline rows', async () => {
    const importer = pair();
    const progress: [number, number][] = [];
    const t0 = performance.now();
    const parsed = await importer.parse('big.csv', rows100k(), (rows, fraction) => progress.push([rows, fraction]));
    const parseMs = performance.now() - t0;
    expect(progress.map((p) => p[0])).toEqual(Array.from({ length: 100_000 / PROGRESS_EVERY }, (_, i) => (i + 1) * PROGRESS_EVERY));
    expect(progress.at(-1)![1]).toBe(1);
    for (let i = 1; i < progress.length; i++) expect(progress[i]![1]).toBeGreaterThan(progress[i - 1]![1]);
    expect(parsed).toMatchObject({ name: 'big.csv', rows: 100_000, delimiter: ',', columns: [{ name: 'x1', numeric: true }, { name: 'x2', numeric: true }, { name: 'colour', numeric: false, distinct: 3 }] });
    expect(parsed.preview).toHaveLength(8);

    const t1 = performance.now();
    const data = await importer.build({ features: ['x1', 'x2'], target: 'colour', targetKind: 'classes', standardize: true });
    const buildMs = performance.now() - t1;
    expect(data.x).toHaveLength(100_000);
    expect(data.x[1]).toEqual([Number(Math.sin(1).toFixed(6)), Number(Math.cos(1.3).toFixed(6))]);
    expect(data.labels).toEqual(['red', 'green', 'blue']);
    expect(data.source).toEqual({ file: 'big.csv', sha256: parsed.sha256 });

    const preset = PRESETS.find((p) => p.id === 'xor')!;
    const draft = withImportedData(draftFromExperiment(preset.experiment, preset.id), data);
    const t2 = performance.now();
    const v = validateDraft(draft);
    const validateMs = performance.now() - t2;
    expect(v.ok).toBe(true);
    const exp = v.ok ? v.experiment : null;
    expect(exp?.layers.at(-1)?.units).toBe(3);
    expect(exp?.loss).toBe('softmax-cross-entropy');
    expect(exp?.version).toBe(2);
    console.log(`100k rows: parse in the worker ${parseMs.toFixed(0)} ms, build ${buildMs.toFixed(0)} ms, validate the draft ${validateMs.toFixed(0)} ms`);
    importer.close();
  });

  it('a bad file comes back as one error naming the line and column', async () => {
    const importer = pair();
    const bad = new TextEncoder().encode('a;b;c\n1;2;x\n3;4\n');
    const e = await importer.parse('bad.csv', bad, () => {}).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(CsvImportError);
    expect(e).toMatchObject({ message: 'line 3: has 2 fields but the header has 3 (column "c" (3) is missing; a separator inside a value needs quotes)', line: 3, column: 'c' });
    importer.close();
  });

  it('the worker refuses a malformed request with a message rather than throwing', () => {
    const posted: unknown[] = [];
    new CsvImportService((m) => posted.push(m)).handle({ type: 'parse', id: 4, name: 'x', bytes: 'not bytes' });
    expect(posted).toEqual([{ type: 'error', id: 4, message: expect.stringMatching(/^bad message to the CSV worker: /), line: null, column: null }]);
  });

  it('a csv file reference in the editor is refused with a message (the lab holds rows; File ▸ Open reads the file)', () => {
    const exp = { version: 2, seed: 0, data: { kind: 'csv', path: 'p.csv', sha256: 'a'.repeat(64), features: ['a'], target: 't', targetKind: 'numeric' }, layers: [{ units: 1, activation: 'linear' }], bias: true, init: { weights: 'xavier' }, loss: 'mse', learningRate: 0.1, steps: 5 };
    const v = validateDraft(draftFromExperiment(exp, ''));
    expect(v.ok ? '' : v.fields.dataset).toBe('data: the experiment refers to the file p.csv; open it with File ▸ Open in the desktop app, or import the file with Import CSV…');
  });

  it('Use this data: the output layer follows the classes, the loss the target kind; a regression target gives mse and one output', () => {
    const preset = PRESETS.find((p) => p.id === 'seed-004-quadrants')!;
    const d0 = draftFromExperiment(preset.experiment, preset.id);
    const numeric = withImportedData(d0, { kind: 'inline', x: [[1, 2, 3], [4, 5, 6]], y: [[1], [2]], features: ['a', 'b', 'c'], target: 't', source: { file: 'dir/homes.csv', sha256: 'x' } });
    const input = experimentInputOf(numeric);
    expect(input).toMatchObject({ version: 2, name: 'homes', loss: 'mse', data: { kind: 'inline', features: ['a', 'b', 'c'] } });
    expect((input.layers as { units: number }[]).at(-1)!.units).toBe(1);
    expect(input.testPoints).toBeUndefined();
    const r = parseExperiment(input);
    expect(r.ok ? r.experiment.layers.length : r.message).toBe(preset.experiment.layers.length);
  });
});
