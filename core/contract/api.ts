/**
 * What the preload exposes as `window.nnlab`: types (and two string constants) only, so the renderer
 * can import them without pulling in Electron. The schemas main validates these calls with live in
 * main/electron-main/ipc-contract.ts; a change here must be made there too.
 */
import type { ExperimentInput, FieldIssue } from '../index';
import type { LabFile } from './lab-file';
import type { SavedRun } from './run-file';

export type { SavedRun } from './run-file';

/** `window.postMessage` type the preload uses to hand a trainer port to the page (event.ports[0]). */
export const TRAINER_PORT_MESSAGE = 'nnlab:trainer-port';

/** Name of the global the preload defines. */
export const API_GLOBAL = 'nnlab';

export type RunId = string;

/** What a process main forks serves: one run's trainer, or a worker of the sweep pool (core/contract/sweep.ts). */
export type RunRole = 'trainer' | 'sweep';

/**
 * Lifecycle of a run, told by main. `started` is followed by a window message
 * `{ type: TRAINER_PORT_MESSAGE, runId }` carrying the port in `event.ports[0]`.
 * `failed`: the trainer process crashed or was killed; keep the data you have and mark the run failed.
 * `closed`: the port is gone because the run was closed, reclaimed for a queued run after it ended, or the app quits.
 */
export type RunEvent =
  | { runId: RunId; kind: 'queued'; position: number }
  | { runId: RunId; kind: 'started' }
  | { runId: RunId; kind: 'failed'; reason: string }
  | { runId: RunId; kind: 'closed'; reason: 'closed' | 'reclaimed' | 'shutdown' };

export type ExportFormat = 'csv' | 'json' | 'numpy';

/**
 * "Export this step as numpy" (the Last update region): `step` is the explained update's step (from 0),
 * `sampleRow` the data set row whose forward and backward record the script prints.
 */
export interface ExplainedStep {
  step: number;
  sampleRow: number;
}

export type MenuCommand =
  | { command: 'new' }
  | { command: 'opened'; result: OpenResult }
  | { command: 'save-as' }
  | { command: 'export'; format: ExportFormat };

export type OpenResult =
  | { ok: true; path: string; experiment: ExperimentInput }
  /** A lab file (`nnlab-lab`), possibly carrying a lesson: the renderer opens it as its own Open lab does. */
  | { ok: true; path: string; lab: LabFile }
  | { ok: false; canceled: true }
  | { ok: false; canceled?: false; message: string; issues?: FieldIssue[] };

/** The file chosen for a CSV import, as bytes: the renderer's CSV worker parses them (core/contract/csv-import.ts). */
export type CsvFileResult =
  | { ok: true; name: string; path: string; bytes: Uint8Array }
  | { ok: false; canceled: true }
  | { ok: false; canceled?: false; name?: string; message: string };

export type SaveResult = { ok: true; path: string } | { ok: false; canceled: true } | { ok: false; canceled?: false; message: string };

export interface LibraryEntry {
  id: string;
  name: string;
  savedAt: string;
}

export interface Listing<T> {
  entries: T[];
  /** Files that were set aside (corrupt, foreign, from a newer nnlab), one line each for the UI. */
  notices: string[];
}

export type LoadResult<T> = { ok: true; value: T } | { ok: false; message: string };

export interface NnlabApi {
  readonly platform: string;
  /**
   * Asks main for a trainer (or, with role "sweep", a sweep-pool worker: its port takes SweepJobs and
   * answers SweepWorkerMessages). Resolves at once; a `queued` or `started` run event follows.
   * Sweep workers share the trainers' one-process-per-core limit.
   */
  openRun(options?: { role: RunRole }): Promise<{ runId: RunId }>;
  /** Ends the run's trainer (or sweep worker) process and frees its slot. */
  closeRun(runId: RunId): Promise<void>;
  onRunEvent(listener: (event: RunEvent) => void): () => void;
  onMenu(listener: (command: MenuCommand) => void): () => void;

  /** File ▸ Open experiment… (also used by the menu). */
  openExperiment(): Promise<OpenResult>;
  openRecent(path: string): Promise<OpenResult>;
  recentFiles(): Promise<string[]>;
  saveExperimentAs(experiment: ExperimentInput): Promise<SaveResult>;
  exportRun(format: ExportFormat, run: SavedRun): Promise<SaveResult>;
  /**
   * Asks where to save, then writes the numpy script that trains `experiment` up to `explain.step`, takes
   * that step and prints what Last update shows for it. Main writes the script itself from the validated
   * experiment: the renderer never hands main text to put on disk.
   */
  exportStep(experiment: ExperimentInput, explain: ExplainedStep): Promise<SaveResult>;

  /** Experiments and finished runs kept under the user-data folder. */
  listExperiments(): Promise<Listing<LibraryEntry>>;
  loadExperiment(id: string): Promise<LoadResult<ExperimentInput>>;
  saveExperiment(experiment: ExperimentInput): Promise<LoadResult<LibraryEntry>>;
  listRuns(): Promise<Listing<LibraryEntry & { status: SavedRun['status'] }>>;
  loadRun(id: string): Promise<LoadResult<SavedRun>>;
  saveRun(run: SavedRun): Promise<LoadResult<LibraryEntry>>;
  /** Import CSV…: the file dialog, then main reads the chosen file. */
  openCsvFile(): Promise<CsvFileResult>;
}

declare global {
  interface Window {
    nnlab?: NnlabApi;
  }
}
