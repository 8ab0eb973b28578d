/**
 * Your own data: a CSV file's text → the rows the trainer uses. papaparse reads the text (quotes,
 * CRLF, separator detection); this module decides what the cells mean and refuses, with the line and
 * the column, anything it would otherwise have to guess (a missing value, "1,5", a ragged row).
 * Pure: the caller reads the file (CLI, main, a File in the browser) and hands in bytes or text, so
 * the same rules run in the CLI, the Web Worker, the utility process and tests.
 */
import Papa from 'papaparse';
import { sha256 } from '@noble/hashes/sha2';
import type { DataSpec } from './experiment';

/** Separators papaparse chooses between (it picks the one giving the most consistent field counts). */
export const CSV_DELIMITERS = [',', ';', '\t', '|'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];
export const TARGET_KINDS = ['classes', 'numeric'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];
/** More classes than this is almost always a numeric column read as labels; the output layer would be that wide. */
export const MAX_CSV_CLASSES = 1000;

export class CsvError extends Error {
  constructor(
    message: string,
    /** 1-based line of the file where the offending row starts (null: the whole file). */
    readonly line: number | null = null,
    /** The column's name as the header gives it (null: the whole row or file). */
    readonly column: string | null = null,
  ) {
    super(message);
    this.name = 'CsvError';
  }
}

export interface CsvTable {
  /** Column names, trimmed; a blank one is named `column N` (1-based), as pandas' unnamed index column is. */
  header: string[];
  /** Data rows, each exactly header.length fields, untrimmed. */
  rows: string[][];
  /** The 1-based line of the file each data row starts on (a quoted field may span lines). */
  lines: number[];
  delimiter: CsvDelimiter;
}

export interface CsvParseOptions {
  /** Absent: detected. */
  delimiter?: CsvDelimiter;
  /** Called every `progressEvery` rows with the rows read and the fraction of the text consumed. */
  onProgress?: (rows: number, fraction: number) => void;
  progressEvery?: number;
}

const describe = (header: readonly string[], index: number) => `column "${header[index]}" (${index + 1})`;

/** UTF-8 bytes → text, refusing bytes that are not UTF-8 (a spreadsheet's "CSV (Mac)" or UTF-16 export) rather than reading mojibake. */
export function decodeCsvBytes(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new CsvError('the file is not UTF-8 text (save it from your spreadsheet as "CSV UTF-8")');
  }
}

export function sha256Hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of sha256(bytes)) out += b.toString(16).padStart(2, '0');
  return out;
}

/**
 * The header is the first non-blank line; blank lines (only spaces) are skipped anywhere. Every data
 * row must have the header's number of fields. Throws a CsvError naming the line (and column).
 */
export function parseCsvText(text: string, options: CsvParseOptions = {}): CsvTable {
  // A byte-order mark (Excel's "CSV UTF-8" writes one) is not part of the first column's name.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') throw new CsvError('the file is empty (nnlab needs a header row naming the columns, then one row per sample)');
  const every = options.progressEvery ?? 5000;
  let header: string[] | null = null;
  let delimiter: CsvDelimiter = ',';
  const rows: string[][] = [];
  const lines: number[] = [];
  let error: CsvError | null = null;
  let cursor = 0;
  let line = 1;
  Papa.parse<string[]>(body, {
    delimiter: options.delimiter ?? '',
    delimitersToGuess: [...CSV_DELIMITERS],
    skipEmptyLines: false,
    step(res, parser) {
      if (error) return;
      const rowLine = line;
      const end = res.meta.cursor;
      // Lines are counted from the row ends papaparse reports, so a quoted field spanning lines keeps the count right.
      const nl = res.meta.linebreak === '\r' ? 13 : 10;
      for (let i = cursor; i < end; i++) if (body.charCodeAt(i) === nl) line++;
      cursor = end;
      const fields = res.data;
      const quote = res.errors.find((e) => e.type === 'Quotes');
      if (quote) {
        const col = fields.length - 1;
        error = new CsvError(`line ${rowLine}, ${header ? describe(header, col) : `column ${col + 1}`}: a quoted field opens with " and is never closed`, rowLine, header?.[col] ?? null);
        parser.abort();
        return;
      }
      if (fields.length === 1 && fields[0]!.trim() === '') return;
      if (!header) {
        const d = res.meta.delimiter;
        delimiter = (CSV_DELIMITERS as readonly string[]).includes(d) ? (d as CsvDelimiter) : ',';
        header = fields.map((h, i) => h.trim() || `column ${i + 1}`);
        const seen = new Map<string, number>();
        header.forEach((h, i) => {
          const first = seen.get(h);
          if (first !== undefined && !error) error = new CsvError(`line ${rowLine}, column ${i + 1}: the header names two columns "${h}" (columns ${first + 1} and ${i + 1}); column names must differ`, rowLine, h);
          seen.set(h, i);
        });
        if (error) parser.abort();
        return;
      }
      if (fields.length !== header.length) {
        const [what, col] = fields.length < header.length ? [`${describe(header, fields.length)} is missing`, header[fields.length]!] : [`column ${header.length + 1} has no name in the header`, null];
        error = new CsvError(
          `line ${rowLine}: has ${fields.length} field${fields.length === 1 ? '' : 's'} but the header has ${header.length} (${what}; a separator inside a value needs quotes)`,
          rowLine,
          col,
        );
        parser.abort();
        return;
      }
      rows.push(fields);
      lines.push(rowLine);
      if (options.onProgress && rows.length % every === 0) options.onProgress(rows.length, end / body.length);
    },
  });
  if (error) throw error;
  if (!header) throw new CsvError('the file is empty (nnlab needs a header row naming the columns, then one row per sample)');
  if (rows.length === 0) throw new CsvError('the file has a header row but no data rows', null, null);
  if (rows.length % every !== 0) options.onProgress?.(rows.length, 1);
  return { header, rows, lines, delimiter };
}

/** Which columns feed the net and which one it predicts. */
export interface CsvColumns {
  features: readonly string[];
  target: string | null;
  targetKind: TargetKind;
  /** Class order (the one-hot columns). Absent: order of first appearance in the file. */
  labels?: readonly string[] | undefined;
}

export interface CsvDataset {
  x: number[][];
  y: number[][];
  /** The one-hot order for a class target, else null. */
  labels: string[] | null;
}

// The numbers Python's float() reads identically (no hex, no "1_000", no "inf"): what nnlab accepts is
// exactly what the exported script reads back.
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function cellNumber(table: CsvTable, r: number, c: number): number {
  const raw = table.rows[r]![c]!;
  const t = raw.trim();
  const at = `line ${table.lines[r]}, ${describe(table.header, c)}`;
  if (t === '') throw new CsvError(`${at}: the value is missing (nnlab does not fill in missing values: fill it in or delete the row)`, table.lines[r]!, table.header[c]!);
  if (!NUMBER.test(t)) {
    const hint = /^[+-]?\d+,\d+$/.test(t) ? ' (nnlab reads a point as the decimal separator: 1.5, not 1,5)' : '';
    throw new CsvError(`${at}: ${JSON.stringify(raw)} is not a number${hint}`, table.lines[r]!, table.header[c]!);
  }
  const v = Number(t);
  if (!Number.isFinite(v)) throw new CsvError(`${at}: ${JSON.stringify(raw)} is too large for a 64-bit float`, table.lines[r]!, table.header[c]!);
  return v;
}

function columnIndex(table: CsvTable, name: string, role: string): number {
  const i = table.header.indexOf(name);
  if (i < 0) throw new CsvError(`the ${role} column "${name}" is not in the file (its columns: ${table.header.map((h) => `"${h}"`).join(', ')})`, null, name);
  return i;
}

/** The chosen columns as numbers: features as they are, the target as one-hot classes or one number. */
export function csvDataset(table: CsvTable, cols: CsvColumns): CsvDataset {
  if (cols.target === null || cols.target === '') throw new CsvError('choose a target column (what the net learns to predict)');
  if (cols.features.length === 0) throw new CsvError('choose at least one feature column (what the net sees)');
  const t = columnIndex(table, cols.target, 'target');
  const f = cols.features.map((name) => columnIndex(table, name, 'feature'));
  if (f.includes(t)) throw new CsvError(`column "${cols.target}" is both the target and a feature; a net that sees its answer learns nothing`, null, cols.target);
  const n = table.rows.length;
  const x: number[][] = new Array(n);
  for (let r = 0; r < n; r++) {
    const row = new Array<number>(f.length);
    for (let j = 0; j < f.length; j++) row[j] = cellNumber(table, r, f[j]!);
    x[r] = row;
  }
  if (cols.targetKind === 'numeric') {
    const y: number[][] = new Array(n);
    for (let r = 0; r < n; r++) y[r] = [cellNumber(table, r, t)];
    return { x, y, labels: null };
  }
  const recorded = cols.labels ? [...cols.labels] : null;
  const order = new Map<string, number>((recorded ?? []).map((l, k) => [l, k]));
  const classOf = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const label = table.rows[r]![t]!.trim();
    if (label === '') throw new CsvError(`line ${table.lines[r]}, ${describe(table.header, t)}: the class label is missing (fill it in or delete the row)`, table.lines[r]!, table.header[t]!);
    let k = order.get(label);
    if (k === undefined) {
      if (recorded) throw new CsvError(`line ${table.lines[r]}, ${describe(table.header, t)}: class "${label}" is not one of the experiment's labels (${recorded.map((l) => `"${l}"`).join(', ')})`, table.lines[r]!, table.header[t]!);
      k = order.size;
      if (k >= MAX_CSV_CLASSES) throw new CsvError(`line ${table.lines[r]}, ${describe(table.header, t)}: more than ${MAX_CSV_CLASSES} different classes; is this a numeric target?`, table.lines[r]!, table.header[t]!);
      order.set(label, k);
    }
    classOf[r] = k;
  }
  const labels = [...order.keys()];
  const present = new Set(classOf);
  if (present.size < 2) {
    throw new CsvError(
      `${describe(table.header, t)}: every row (lines ${table.lines[0]}–${table.lines[n - 1]}) has the class "${labels[classOf[0]!]}"; a classifier needs at least 2 classes`,
      table.lines[0]!,
      table.header[t]!,
    );
  }
  const y: number[][] = new Array(n);
  for (let r = 0; r < n; r++) {
    const row = new Array<number>(labels.length).fill(0);
    row[classOf[r]!] = 1;
    y[r] = row;
  }
  return { x, y, labels };
}

/** What the import dialog (or a csv data reference) asks for, beyond the columns. */
export interface CsvImportChoice extends CsvColumns {
  standardize?: boolean;
  /** Where the rows came from (informational; the rows themselves are in the experiment). */
  source?: { file: string; sha256: string };
}

export type InlineCsvData = Extract<DataSpec, { kind: 'inline' }>;

/** The table as format-v2 inline data: the rows, the column names, the class order and the standardisation flag. */
export function inlineDataFromCsv(table: CsvTable, choice: CsvImportChoice): InlineCsvData {
  const d = csvDataset(table, choice);
  return {
    kind: 'inline',
    x: d.x,
    y: d.y,
    features: [...choice.features],
    target: choice.target!,
    ...(d.labels ? { labels: d.labels } : {}),
    ...(choice.standardize ? { standardize: true } : {}),
    ...(choice.source ? { source: choice.source } : {}),
  };
}

type CsvSpec = Extract<DataSpec, { kind: 'csv' }>;

/** The csv reference's file, checked against its SHA-256 and read with its column choice. */
export function resolveCsvData(spec: CsvSpec, bytes: Uint8Array): { data: InlineCsvData; delimiter: CsvDelimiter } {
  const found = sha256Hex(bytes);
  if (found !== spec.sha256.toLowerCase()) {
    throw new CsvError(
      `data.sha256: ${spec.path} is not the file this experiment was made with (its SHA-256 is ${found}, the experiment records ${spec.sha256}); restore that file, or import the new one to record its hash`,
    );
  }
  const table = parseCsvText(decodeCsvBytes(bytes), spec.delimiter ? { delimiter: spec.delimiter } : {});
  const data = inlineDataFromCsv(table, { ...spec, source: { file: spec.path, sha256: found } });
  return { data, delimiter: table.delimiter };
}

/**
 * z-scores each column of the samples × inputs matrix `x` in place, with the mean and standard
 * deviation (population, ddof 0, as numpy's std) of the first `fitRows` rows: the training rows, so
 * nothing of the held-out rows leaks into training. A constant column (std 0) is only centred.
 */
export function standardizeInPlace(x: Float64Array, samples: number, inputs: number, fitRows: number): { mean: Float64Array; std: Float64Array } {
  const mean = new Float64Array(inputs);
  const std = new Float64Array(inputs);
  const n = Math.min(Math.max(fitRows, 1), samples);
  for (let r = 0; r < n; r++) for (let j = 0; j < inputs; j++) mean[j] = mean[j]! + x[r * inputs + j]!;
  for (let j = 0; j < inputs; j++) mean[j] = mean[j]! / n;
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < inputs; j++) {
      const d = x[r * inputs + j]! - mean[j]!;
      std[j] = std[j]! + d * d;
    }
  }
  for (let j = 0; j < inputs; j++) {
    const s = Math.sqrt(std[j]! / n);
    std[j] = s === 0 ? 1 : s;
  }
  for (let r = 0; r < samples; r++) for (let j = 0; j < inputs; j++) x[r * inputs + j] = (x[r * inputs + j]! - mean[j]!) / std[j]!;
  return { mean, std };
}
