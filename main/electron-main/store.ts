/**
 * Experiments and runs under the user-data folder, as JSON files:
 *   experiments/<id>.json  the experiment format v1 itself (what the CLI reads)
 *   runs/<id>.json         a SavedRun ({ format: "nnlab-run", version: 1, … })
 *   recent.json            recently opened or saved experiment files
 * Every write is atomic (write-file-atomic: temp file + rename), so a crash mid-save leaves the old
 * file. Every read checks the format and version, migrates older versions through MIGRATIONS, and
 * validates; a file that fails is moved to set-aside/ with a one-line notice — never loaded half,
 * never thrown to the caller. Files the user picked elsewhere are only read, never moved.
 */
import { mkdir, readFile, readdir, rename } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import * as z from 'zod';
import { parseExperiment, resolveCsvExperiment, type ExperimentInput } from '../../core';
import { checkLabFile, LAB_FILE_FORMAT, type LabFile } from '../../core/contract/lab-file';
import type { LibraryEntry, Listing, LoadResult } from '../../core/contract/api';
import { jsonNumbers, LibraryIdSchema, RUN_FILE_FORMAT, RUN_FILE_VERSION, SavedRunSchema, type SavedRun, type SavedRunData } from '../../core/contract/run-file';
import { issuesOf, summarize } from '../../core/contract/protocol';

/** The file operations the store needs; tests may wrap them to inject failures. */
export interface StoreFs {
  readFile(path: string): Promise<string>;
  /** A csv-referencing experiment's data file, whose SHA-256 is over the bytes. */
  readBytes(path: string): Promise<Uint8Array>;
  writeFileAtomic(path: string, text: string): Promise<void>;
  readdir(path: string): Promise<string[]>;
  mkdir(path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
}

export const nodeFs: StoreFs = {
  readFile: (p) => readFile(p, 'utf8'),
  readBytes: async (p) => {
    const b = await readFile(p);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  },
  writeFileAtomic: (p, text) => writeFileAtomic(p, text, { encoding: 'utf8' }),
  readdir: (p) => readdir(p),
  mkdir: async (p) => void (await mkdir(p, { recursive: true })),
  rename: (a, b) => rename(a, b),
};

type Doc = Record<string, unknown>;
/** Turns a document of version N into version N + 1. */
export type Migration = (doc: Doc) => Doc;
export type Kind = 'experiment' | 'run';

export interface Migrations {
  experiment: Record<number, Migration>;
  run: Record<number, Migration>;
}

/**
 * The migration hook. Version 1 is the first format of both; when a v2 lands, add `1: (doc) => …`
 * here and bump the current version, and every older file keeps loading.
 */
export const MIGRATIONS: Migrations = { experiment: {}, run: {} };

const CURRENT: Record<Kind, number> = { experiment: 2, run: RUN_FILE_VERSION };
/** Versions the core's parser reads as they are, without migrating (experiment format v2 is a superset of v1, and a v1 file means what it meant). */
const READ_AS_IS: Record<Kind, readonly number[]> = { experiment: [1, 2], run: [] };
const RECENT_MAX = 10;
const RecentSchema = z.strictObject({ format: z.literal('nnlab-recent'), version: z.literal(1), paths: z.array(z.string()).max(RECENT_MAX) });

type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Format, version (with migration) and schema of one parsed document. */
export function checkDocument(kind: 'experiment', raw: unknown, migrations?: Migrations): Checked<ExperimentInput>;
export function checkDocument(kind: 'run', raw: unknown, migrations?: Migrations): Checked<SavedRunData>;
export function checkDocument(kind: Kind, raw: unknown, migrations: Migrations = MIGRATIONS): Checked<ExperimentInput | SavedRunData> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, reason: `not an nnlab ${kind} (not a JSON object)` };
  let doc = raw as Doc;
  if (kind === 'run' && doc.format !== RUN_FILE_FORMAT) return { ok: false, reason: `not an nnlab run (format is ${JSON.stringify(doc.format) ?? 'missing'})` };
  if (kind === 'experiment' && 'format' in doc) return { ok: false, reason: `not an nnlab experiment (it is a ${JSON.stringify(doc.format)} file)` };
  const v = doc.version;
  if (typeof v !== 'number' || !Number.isInteger(v)) return { ok: false, reason: `not an nnlab ${kind} (no integer "version")` };
  let version: number = v;
  const current = CURRENT[kind];
  if (version > current) return { ok: false, reason: `written by a newer nnlab (${kind} format v${version}; this one reads up to v${current})` };
  while (version < current && !READ_AS_IS[kind].includes(version)) {
    const step = migrations[kind][version];
    if (!step) return { ok: false, reason: `${kind} format v${version} is not supported (no migration to v${version + 1})` };
    doc = step(doc);
    if (doc.version !== version + 1) return { ok: false, reason: `migration from ${kind} format v${version} did not produce v${version + 1}` };
    version += 1;
  }
  if (kind === 'experiment') {
    const r = parseExperiment(doc);
    return r.ok ? { ok: true, value: doc as ExperimentInput } : { ok: false, reason: `invalid experiment: ${summarize(r.issues)}` };
  }
  const r = SavedRunSchema.safeParse(doc);
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, reason: `invalid run: ${summarize(issuesOf(r.error))}` };
}

export function parseDocumentText(kind: 'experiment', text: string, migrations?: Migrations): Checked<ExperimentInput>;
export function parseDocumentText(kind: 'run', text: string, migrations?: Migrations): Checked<SavedRunData>;
export function parseDocumentText(kind: Kind, text: string, migrations: Migrations = MIGRATIONS): Checked<ExperimentInput | SavedRunData> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `not valid JSON (${(e as Error).message})` };
  }
  return kind === 'experiment' ? checkDocument('experiment', raw, migrations) : checkDocument('run', raw, migrations);
}

/** A file-name-safe id from a name: "XOR, wide!" → "xor-wide". */
export function slug(name: string): string {
  const s = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return s || 'untitled';
}

export class Store {
  constructor(
    readonly root: string,
    private readonly fs: StoreFs = nodeFs,
    private readonly migrations: Migrations = MIGRATIONS,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private dir(kind: Kind): string {
    return join(this.root, kind === 'experiment' ? 'experiments' : 'runs');
  }

  /** Moves a bad file out of the way, keeping it for the user, and says so. */
  private async setAside(path: string, reason: string): Promise<string> {
    const dest = join(this.root, 'set-aside', `${this.now().toISOString().replace(/[:.]/g, '-')}-${basename(path)}`);
    const shown = path.startsWith(this.root) ? path.slice(this.root.length + 1) : path;
    try {
      await this.fs.mkdir(join(this.root, 'set-aside'));
      await this.fs.rename(path, dest);
      return `${shown} was set aside (${reason}); it is now ${dest}`;
    } catch (e) {
      return `${shown} could not be read (${reason}) nor moved aside (${(e as Error).message})`;
    }
  }

  private async list<T, E extends LibraryEntry>(kind: Kind, entry: (id: string, value: T, savedAt: string) => E): Promise<Listing<E>> {
    const dir = this.dir(kind);
    await this.fs.mkdir(dir);
    const entries: E[] = [];
    const notices: string[] = [];
    for (const file of (await this.fs.readdir(dir)).filter((f) => f.endsWith('.json')).sort()) {
      const id = file.slice(0, -5);
      const r = await this.read<T>(kind, id);
      if (r.ok) entries.push(entry(id, r.value, r.savedAt));
      else if (r.notice) notices.push(r.notice);
    }
    return { entries, notices };
  }

  private async read<T>(kind: Kind, id: string): Promise<{ ok: true; value: T; savedAt: string } | { ok: false; message: string; notice?: string }> {
    if (!LibraryIdSchema.safeParse(id).success) return { ok: false, message: `"${id}" is not a valid ${kind} id` };
    const path = join(this.dir(kind), `${id}.json`);
    let text: string;
    try {
      text = await this.fs.readFile(path);
    } catch (e) {
      return { ok: false, message: `no ${kind} "${id}" (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
    }
    const r = kind === 'experiment' ? parseDocumentText('experiment', text, this.migrations) : parseDocumentText('run', text, this.migrations);
    if (!r.ok) {
      const notice = await this.setAside(path, r.reason);
      return { ok: false, message: notice, notice };
    }
    const savedAt = kind === 'run' ? (r.value as SavedRunData).endedAt : '';
    return { ok: true, value: r.value as T, savedAt };
  }

  listExperiments(): Promise<Listing<LibraryEntry>> {
    return this.list<ExperimentInput, LibraryEntry>('experiment', (id, exp) => ({ id, name: exp.name ?? id, savedAt: '' }));
  }

  async loadExperiment(id: string): Promise<LoadResult<ExperimentInput>> {
    const r = await this.read<ExperimentInput>('experiment', id);
    return r.ok ? { ok: true, value: r.value } : { ok: false, message: r.message };
  }

  /** Saves under an id from its name; saving the same name again replaces it. */
  async saveExperiment(experiment: ExperimentInput): Promise<LoadResult<LibraryEntry>> {
    const checked = checkDocument('experiment', experiment, this.migrations);
    if (!checked.ok) return { ok: false, message: checked.reason };
    const name = experiment.name ?? 'untitled';
    const id = slug(name);
    await this.fs.mkdir(this.dir('experiment'));
    await this.fs.writeFileAtomic(join(this.dir('experiment'), `${id}.json`), `${JSON.stringify(experiment, null, 2)}\n`);
    return { ok: true, value: { id, name, savedAt: this.now().toISOString() } };
  }

  listRuns(): Promise<Listing<LibraryEntry & { status: SavedRunData['status'] }>> {
    return this.list<SavedRunData, LibraryEntry & { status: SavedRunData['status'] }>('run', (id, run, savedAt) => ({ id, name: run.name, savedAt, status: run.status }));
  }

  async loadRun(id: string): Promise<LoadResult<SavedRunData>> {
    const r = await this.read<SavedRunData>('run', id);
    return r.ok ? { ok: true, value: r.value } : { ok: false, message: r.message };
  }

  async saveRun(run: SavedRun): Promise<LoadResult<LibraryEntry>> {
    const r = SavedRunSchema.safeParse(run);
    if (!r.success) {
      return { ok: false, message: `invalid run: ${summarize(issuesOf(r.error))}` };
    }
    const data = r.data;
    await this.fs.mkdir(this.dir('run'));
    await this.fs.writeFileAtomic(join(this.dir('run'), `${data.id}.json`), JSON.stringify(data, jsonNumbers));
    return { ok: true, value: { id: data.id, name: data.name, savedAt: data.endedAt } };
  }

  async recentFiles(): Promise<string[]> {
    const path = join(this.root, 'recent.json');
    let text: string;
    try {
      text = await this.fs.readFile(path);
    } catch {
      return [];
    }
    let raw: unknown = null;
    try {
      raw = JSON.parse(text);
    } catch {
      // falls through to set aside
    }
    const r = RecentSchema.safeParse(raw);
    if (r.success) return r.data.paths;
    await this.setAside(path, 'not a recent-files list');
    return [];
  }

  /** Most recent first, no duplicates, at most ten. */
  async addRecent(file: string): Promise<string[]> {
    return this.writeRecent([file, ...(await this.recentFiles()).filter((p) => p !== file)].slice(0, RECENT_MAX));
  }

  clearRecent(): Promise<string[]> {
    return this.writeRecent([]);
  }

  private async writeRecent(paths: string[]): Promise<string[]> {
    await this.fs.mkdir(this.root);
    await this.fs.writeFileAtomic(join(this.root, 'recent.json'), JSON.stringify({ format: 'nnlab-recent', version: 1, paths }));
    return paths;
  }

  /** An experiment file the user chose: read and checked, never moved. */
  async readExperimentFile(path: string): Promise<Checked<ExperimentInput>> {
    let text: string;
    try {
      text = await this.fs.readFile(path);
    } catch (e) {
      return { ok: false, reason: `could not read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
    }
    return parseDocumentText('experiment', text, this.migrations);
  }

  /** File ▸ Open: an experiment, or a lab file (which may carry a lesson) checked against the shared lab-file schema. */
  async readOpenableFile(path: string): Promise<Checked<{ experiment: ExperimentInput } | { lab: LabFile }>> {
    let text: string;
    try {
      text = await this.fs.readFile(path);
    } catch (e) {
      return { ok: false, reason: `could not read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      return { ok: false, reason: `not valid JSON (${(e as Error).message})` };
    }
    if (typeof raw === 'object' && raw !== null && (raw as { format?: unknown }).format === LAB_FILE_FORMAT) {
      const r = checkLabFile(raw);
      return r.ok ? { ok: true, value: { lab: r.file } } : { ok: false, reason: r.message };
    }
    const r = checkDocument('experiment', raw, this.migrations);
    if (!r.ok) return r;
    const data = (r.value as { data?: { kind?: unknown; path?: unknown } }).data;
    if (data?.kind !== 'csv' || typeof data.path !== 'string') return { ok: true, value: { experiment: r.value } };
    // A csv reference: its file (relative to the experiment's folder) is read and checked by its SHA-256 now, and the
    // lab gets the rows inline, so what it trains, saves and exports no longer depends on the file.
    const csvPath = resolve(dirname(path), data.path);
    let bytes: Uint8Array;
    try {
      bytes = await this.fs.readBytes(csvPath);
    } catch (e) {
      return { ok: false, reason: `data.path: could not read ${csvPath} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
    }
    const parsed = parseExperiment(r.value);
    if (!parsed.ok) return { ok: false, reason: `invalid experiment: ${parsed.message}` };
    const resolved = resolveCsvExperiment(parsed.experiment, bytes);
    return resolved.ok ? { ok: true, value: { experiment: resolved.experiment as ExperimentInput } } : { ok: false, reason: resolved.message };
  }

  async writeFile(path: string, text: string): Promise<void> {
    await this.fs.writeFileAtomic(path, text);
  }
}
