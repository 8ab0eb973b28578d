/**
 * The lab's side of a CSV import: a client of the CSV worker (core/contract/csv-import.ts) over any
 * message port, and what "Use this data" does to the draft.
 */
import { FromCsvWorkerSchema, inlineDataOf, type CsvChoice, type FromCsvWorker } from '../../../core/contract/csv-import';
import type { InlineCsvData } from '../../../core';
import type { PortLike } from '../host/channel';
import type { Draft } from './draft';

export type CsvParsed = Extract<FromCsvWorker, { type: 'parsed' }>;

/** A refusal: the message names the line and the column where it can. */
export class CsvImportError extends Error {
  constructor(
    message: string,
    readonly line: number | null,
    readonly column: string | null,
  ) {
    super(message);
  }
}

export interface CsvImporter {
  parse(name: string, bytes: Uint8Array, onProgress: (rows: number, fraction: number) => void): Promise<CsvParsed>;
  build(choice: CsvChoice): Promise<InlineCsvData>;
  close(): void;
}

export function csvImporterOver(port: PortLike & { postMessage(message: unknown, transfer?: Transferable[]): void }, close: () => void): CsvImporter {
  let nextId = 1;
  const pending = new Map<number, { resolve: (m: FromCsvWorker) => void; reject: (e: Error) => void; progress?: (rows: number, fraction: number) => void }>();
  const listener = (e: MessageEvent) => {
    const r = FromCsvWorkerSchema.safeParse(e.data);
    if (!r.success) {
      const id = (e.data as { id?: unknown } | null)?.id;
      const p = typeof id === 'number' ? pending.get(id) : undefined;
      p?.reject(new CsvImportError(`the CSV worker sent a malformed message (${r.error.issues[0]?.message ?? 'invalid'})`, null, null));
      if (typeof id === 'number') pending.delete(id);
      return;
    }
    const msg = r.data;
    const p = pending.get(msg.id);
    if (!p) return;
    if (msg.type === 'progress') {
      p.progress?.(msg.rows, msg.fraction);
      return;
    }
    pending.delete(msg.id);
    if (msg.type === 'error') p.reject(new CsvImportError(msg.message, msg.line, msg.column));
    else p.resolve(msg);
  };
  port.addEventListener('message', listener);
  const call = (msg: Record<string, unknown>, transfer: Transferable[], progress?: (rows: number, fraction: number) => void) => {
    const id = nextId++;
    return new Promise<FromCsvWorker>((resolve, reject) => {
      pending.set(id, { resolve, reject, ...(progress ? { progress } : {}) });
      port.postMessage({ ...msg, id }, transfer);
    });
  };
  return {
    async parse(name, bytes, onProgress) {
      const m = await call({ type: 'parse', name, bytes }, [bytes.buffer as ArrayBuffer], onProgress);
      if (m.type !== 'parsed') throw new CsvImportError(`the CSV worker answered ${m.type} to parse`, null, null);
      return m;
    },
    async build(choice) {
      const m = await call({ type: 'build', choice }, []);
      if (m.type !== 'built') throw new CsvImportError(`the CSV worker answered ${m.type} to build`, null, null);
      return inlineDataOf(m);
    },
    close() {
      port.removeEventListener('message', listener);
      for (const p of pending.values()) p.reject(new CsvImportError('the import was closed', null, null));
      pending.clear();
      close();
    },
  };
}

/** The browser's (and Electron renderer's) importer: one module worker, started on first use. */
export function csvWorkerImporter(): CsvImporter {
  const worker = new Worker(new URL('../host/csv.worker.ts', import.meta.url), { type: 'module', name: 'nnlab-csv' });
  return csvImporterOver(worker, () => worker.terminate());
}

const stem = (file: string) => file.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '') || 'imported';

/**
 * "Use this data": the imported rows become the draft's data (format v2), the net's input width follows
 * the features and its output layer the classes (or the one number); classes train with softmax
 * cross-entropy, a number with mean squared error. The hidden layers, rate and seed stay as they were.
 */
export function withImportedData(d: Draft, data: InlineCsvData): Draft {
  const base: Record<string, unknown> = { ...d.base, version: 2, name: stem(data.source?.file ?? 'imported'), data };
  // Test points belong to the preset's data; these rows have other inputs.
  delete base.testPoints;
  delete base.description;
  if (Array.isArray((base.init as { weights?: unknown } | undefined)?.weights)) delete base.init;
  return {
    ...d,
    presetId: '',
    dataset: 'inline',
    base,
    init: d.init === 'explicit' ? 'xavier' : d.init,
    loss: data.labels ? 'softmax-cross-entropy' : 'mse',
    outputActivation: 'linear',
  };
}
