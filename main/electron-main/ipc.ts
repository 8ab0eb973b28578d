/**
 * Main's side of every preload call: check the sender, validate the arguments against the IPC
 * contract, act. A bad call is rejected with an Error naming the argument (the renderer's invoke
 * rejects); it never reaches the store or the host. Electron objects come in through `IpcDeps`
 * so the checks can be tested under Node.
 */
import { stat, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ExperimentInput } from '../../core';
import { exportRun, exportStep, EXPORT_EXTENSIONS, stepScriptName } from './export';
import { CALLS, type Call, type CallArgs } from './ipc-contract';
import type { CsvFileResult, ExplainedStep, ExportFormat, OpenResult, SaveResult } from '../../core/contract/api';
import { issuesOf, summarize } from '../../core/contract/protocol';
import { slug, type Store } from './store';
import { isTrustedSender } from './security';
import type { TrainerHost } from './trainer-host';

export interface InvokeEvent<O> {
  sender: O;
  senderFrame: { url: string; parent: unknown } | null;
}

export interface IpcMainLike<O> {
  handle(channel: string, listener: (event: InvokeEvent<O>, ...args: unknown[]) => unknown): void;
}

export interface Dialogs<O> {
  /** The path chosen, or null when cancelled. */
  openJson(owner: O, title: string): Promise<string | null>;
  /** A CSV (or TSV, or text) file to import; the path chosen, or null when cancelled. */
  openCsv(owner: O, title: string): Promise<string | null>;
  save(owner: O, title: string, defaultName: string, extension: string, label: string): Promise<string | null>;
}

export interface IpcDeps<P, O> {
  ipcMain: IpcMainLike<O>;
  store: Store;
  host: TrainerHost<P, O>;
  dialogs: Dialogs<O>;
  devServer: string | null;
  /** Called when the recent-files list changes (rebuild the menu, tell the OS). */
  recentChanged(paths: string[]): void;
}

/** Validates a call's arguments; the thrown message names the argument and field. */
export function parseCall<C extends Call>(channel: C, args: unknown[]): CallArgs<C> {
  const r = CALLS[channel].safeParse(args);
  if (r.success) return r.data as CallArgs<C>;
  throw new Error(`${channel}: ${summarize(issuesOf(r.error), 'argument ')}`);
}

/** Larger files are refused before reading: their rows would not fit the lab's limits (core/experiment.ts LIMITS) anyway. */
export const CSV_MAX_BYTES = 512 * 1024 * 1024;

/** The chosen CSV's bytes for the renderer's CSV worker; a file that cannot be read is one message naming it. */
export async function readCsvFile(path: string): Promise<CsvFileResult> {
  const name = basename(path);
  try {
    const st = await stat(path);
    if (!st.isFile()) return { ok: false, name, message: 'not a file' };
    if (st.size > CSV_MAX_BYTES) return { ok: false, name, message: `${Math.round(st.size / 1e6)} MB is more than nnlab imports (${CSV_MAX_BYTES / 1024 / 1024} MB)` };
    const buf = await readFile(path);
    return { ok: true, name, path, bytes: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) };
  } catch (e) {
    return { ok: false, name, message: `could not read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
}

/** File operations shared by the IPC calls and the menu. */
export class FileActions<O> {
  constructor(private readonly deps: Pick<IpcDeps<unknown, O>, 'store' | 'dialogs' | 'recentChanged'>) {}

  async open(owner: O): Promise<OpenResult> {
    const path = await this.deps.dialogs.openJson(owner, 'Open experiment');
    return path ? this.openPath(path) : { ok: false, canceled: true };
  }

  async openPath(path: string): Promise<OpenResult> {
    const r = await this.deps.store.readOpenableFile(path);
    if (!r.ok) return { ok: false, message: `${basename(path)}: ${r.reason}` };
    this.deps.recentChanged(await this.deps.store.addRecent(path));
    return { ok: true, path, ...r.value };
  }

  async openCsv(owner: O): Promise<CsvFileResult> {
    const path = await this.deps.dialogs.openCsv(owner, 'Import CSV');
    return path ? readCsvFile(path) : { ok: false, canceled: true };
  }

  async saveAs(owner: O, experiment: ExperimentInput): Promise<SaveResult> {
    const path = await this.deps.dialogs.save(owner, 'Save experiment as', `${slug(experiment.name ?? 'untitled')}.json`, 'json', 'nnlab experiment');
    if (!path) return { ok: false, canceled: true };
    try {
      await this.deps.store.writeFile(path, `${JSON.stringify(experiment, null, 2)}\n`);
    } catch (e) {
      return { ok: false, message: `could not save ${basename(path)}: ${(e as Error).message}` };
    }
    this.deps.recentChanged(await this.deps.store.addRecent(path));
    return { ok: true, path };
  }

  async exportRun(owner: O, format: ExportFormat, run: CallArgs<'nnlab:export-run'>[1]): Promise<SaveResult> {
    const { extension, label } = EXPORT_EXTENSIONS[format];
    const path = await this.deps.dialogs.save(owner, `Export run as ${label}`, `${slug(run.name)}.${extension}`, extension, label);
    if (!path) return { ok: false, canceled: true };
    try {
      await this.deps.store.writeFile(path, exportRun(format, run));
    } catch (e) {
      return { ok: false, message: `could not export to ${basename(path)}: ${(e as Error).message}` };
    }
    return { ok: true, path };
  }

  /** Last update's "Export this step as numpy": the script is made (and the row checked) before the dialog opens. */
  async exportStep(owner: O, experiment: ExperimentInput, explain: ExplainedStep): Promise<SaveResult> {
    let text: string;
    try {
      text = exportStep(experiment, explain);
    } catch (e) {
      return { ok: false, message: (e as Error).message };
    }
    const name = stepScriptName(slug(experiment.name ?? 'untitled'), explain.step);
    const path = await this.deps.dialogs.save(owner, `Export step ${explain.step + 1} as a numpy script`, name, 'py', 'Python (numpy)');
    if (!path) return { ok: false, canceled: true };
    try {
      await this.deps.store.writeFile(path, text);
    } catch (e) {
      return { ok: false, message: `could not export to ${basename(path)}: ${(e as Error).message}` };
    }
    return { ok: true, path };
  }
}

export function registerIpc<P, O>(deps: IpcDeps<P, O>): FileActions<O> {
  const files = new FileActions<O>(deps);
  const { store, host } = deps;

  function on<C extends Call>(channel: C, act: (owner: O, args: CallArgs<C>) => unknown): void {
    deps.ipcMain.handle(channel, (event, ...args) => {
      if (!isTrustedSender(event.senderFrame, deps.devServer)) throw new Error(`${channel}: refused a call from outside the app`);
      return act(event.sender, parseCall(channel, args));
    });
  }

  on('nnlab:open-run', (owner, [options]) => ({ runId: host.open(owner, options?.role ?? 'trainer') }));
  on('nnlab:close-run', (_owner, [runId]) => host.close(runId));
  on('nnlab:open-experiment', (owner) => files.open(owner));
  on('nnlab:open-recent', async (_owner, [path]) => {
    // Only files the user opened or saved before: the renderer cannot name arbitrary paths.
    if (!(await store.recentFiles()).includes(path)) return { ok: false, message: `${basename(path)} is not a recent file` } satisfies OpenResult;
    return files.openPath(path);
  });
  on('nnlab:recent-files', () => store.recentFiles());
  on('nnlab:save-experiment-as', (owner, [experiment]) => files.saveAs(owner, experiment));
  on('nnlab:export-run', (owner, [format, run]) => files.exportRun(owner, format, run));
  on('nnlab:export-step', (owner, [experiment, explain]) => files.exportStep(owner, experiment, explain));
  on('nnlab:list-experiments', () => store.listExperiments());
  on('nnlab:load-experiment', (_owner, [id]) => store.loadExperiment(id));
  on('nnlab:save-experiment', (_owner, [experiment]) => store.saveExperiment(experiment));
  on('nnlab:list-runs', () => store.listRuns());
  on('nnlab:load-run', (_owner, [id]) => store.loadRun(id));
  on('nnlab:save-run', (_owner, [run]) => store.saveRun(run));
  on('nnlab:open-csv', (owner) => files.openCsv(owner));
  return files;
}
