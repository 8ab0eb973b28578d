/**
 * Library and files: lab files (save/open), the File menu (new, open, save as, export), the library of
 * finished runs (the desktop's run files, or IndexedDB in the browser), and the notices that tell the user
 * how each of those went. In the browser the desktop-only actions (File menu, export dialogs) do nothing.
 */
import type { StateCreator } from 'zustand/vanilla';
import { exportNumpy, parseExperiment, PRESETS, type ExperimentInput } from '../../../../core';
import type { ExportFormat, MenuCommand, NnlabApi, SavedRun } from '../../../../core/contract/api';
import { RunRecorder } from '../../../../core/service/run-recorder';
import { runToCsv } from '../../../../core/contract/run-csv';
import { jsonNumbers, SavedRunSchema, type SavedRunData } from '../../../../core/contract/run-file';
import { draftFromExperiment, experimentInputOf } from '../draft';
import { browserRunLibrary, type RunLibrary } from '../browser-runs';
import { labFileText, parseLabFile } from '../lab-file';
import { EXPORT_LABEL, issuesText, libraryRunId, MAX_NOTICES, openFailureText, saveResultNotice, type Notice, type SavedRunEntry } from '../library';
import type { Run } from '../run';
import type { LabState } from '../store';
import { DEFAULT_PRESET } from './draft';
import { DEFAULT_VIEW } from '../view';

export interface LibrarySlice {
  /** The answer to the last lab file opened in the browser. */
  notice: string | null;
  /** Messages for the user from files and the library (opened, saved, set aside), newest last. */
  notices: Notice[];
  /** Runs in the library (the desktop's files, or the browser's IndexedDB), newest first; null where there is none. */
  savedRuns: SavedRunEntry[] | null;
  notify(kind: Notice['kind'], text: string): void;
  dismissNotice(id: number): void;
  saveLab(): string;
  openLab(text: string): { ok: true } | { ok: false; message: string };
  /** File ▸ New: a fresh experiment in the editor (runs stay for comparison). */
  newExperiment(): void;
  /** Loads an experiment (File ▸ Open) into the editor, as written. */
  loadExperiment(input: ExperimentInput, source: string): void;
  /** A run as a CSV or JSON file (losses and the per-layer history by step), or null when there is nothing to export. */
  runExportFile(runId: number, format: 'csv' | 'json'): { name: string; text: string; type: string } | null;
  /** The active run as the library keeps it, or null when there is none. */
  savedRunOf(runId?: number | null): SavedRun | null;
  /** Desktop only: answers a File-menu command. */
  menu(command: MenuCommand): Promise<void>;
  /** Desktop only: exports a run (the active one unless `runId` says) through main's save dialog; the answer is a notice. */
  exportRun(format: ExportFormat, runId?: number | null): Promise<void>;
  /**
   * The Runs panel's CSV and JSON buttons: on the desktop through main's save dialog (resolves null; the
   * answer is a notice), in the browser the file for the page to download (null when there is nothing).
   */
  runFile(runId: number, format: 'csv' | 'json'): Promise<{ name: string; text: string; type: string } | null>;
  /**
   * Last update's "Export this step as numpy" for the active run's explained step and `sampleRow`: on the
   * desktop main asks where to save and writes it (the answer is a notice; resolves null); in the browser,
   * resolves the file for the page to download. Null too when no step has been explained.
   */
  exportStep(sampleRow: number): Promise<{ name: string; text: string; type: string } | null>;
  saveExperimentAs(): Promise<void>;
  /** Desktop only: the library's runs and any files it set aside. */
  refreshLibrary(): Promise<void>;
  /** Desktop only: adds a saved run to the runs panel, shown with the others for comparison. */
  loadSavedRun(id: string): Promise<void>;
  /** A recorder that keeps every loss and the history of the run, for the library, lab files and exports. */
  recorderFor(run: Run): RunRecorder | null;
  /** A finished run goes to the library once; a failure to save is told, the run stays. */
  archive(run: Run): void;
  /** Desktop only: listens to the File menu and lists the library. */
  openLibrary(): void;
  closeLibrary(): void;
}

export const createLibrarySlice =
  (desktop: NnlabApi | null): StateCreator<LabState, [], [], LibrarySlice> =>
  (set, get) => {
    let nextNoticeId = 1;
    // Finished runs go to the desktop library, or in the browser to IndexedDB (none where neither exists).
    const library: RunLibrary | null = desktop ?? browserRunLibrary();
    let unsubscribeMenu: (() => void) | null = null;
    const notify = (kind: Notice['kind'], text: string) => get().notify(kind, text);

    return {
      notice: null,
      notices: [],
      savedRuns: library ? [] : null,

      notify(kind, text) {
        set((s) => ({ notices: [...s.notices, { id: nextNoticeId++, kind, text }].slice(-MAX_NOTICES) }));
      },
      dismissNotice(id) {
        set((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
      },
      saveLab() {
        const s = get();
        // Every run the lab holds, with every loss and its history, so reopening draws the same charts.
        const runs = s.runs.flatMap((r) => {
          const saved = s.savedRunOf(r.id);
          return saved ? [{ saved, label: r.label, scheme: r.scheme, group: r.group, visible: s.visibleRunIds.includes(r.id), active: r.id === s.activeRunId }] : [];
        });
        return labFileText(s.draft, s.view, runs);
      },
      openLab(text) {
        const r = parseLabFile(text);
        if (!r.ok) {
          set({ notice: r.message });
          return r;
        }
        get().replaceDraft(r.draft);
        const notice = r.lesson ? `Lesson opened: ${r.lesson.title}.` : r.runs.length ? `Lab opened with ${r.runs.length} run${r.runs.length === 1 ? '' : 's'}.` : 'Lab opened.';
        set({ view: { ...DEFAULT_VIEW, ...r.view }, notice });
        if (r.runs.length) get().restoreRuns(r.runs);
        if (r.lesson) get().openLesson(r.lesson);
        else get().closeLesson?.();
        return { ok: true };
      },
      newExperiment() {
        get().closeLesson?.();
        get().choosePreset(DEFAULT_PRESET);
        set({ probe: null, sample: null });
        notify('info', 'New experiment.');
      },
      loadExperiment(input, source) {
        // A file that is a preset as shipped says so in the Preset select; anything else is Custom.
        const preset = PRESETS.find((p) => JSON.stringify(p.experiment) === JSON.stringify(input));
        get().replaceDraft(draftFromExperiment(input, preset?.id ?? ''));
        get().resetExperimentView();
        set({ probe: null, sample: null });
        const v = get().validation;
        notify(v.ok ? 'info' : 'error', v.ok ? `Opened ${source}.` : `Opened ${source}, but it does not validate: ${v.message}`);
      },
      runExportFile(runId, format) {
        const saved = get().savedRunOf(runId);
        if (!saved) return null;
        const parsed = SavedRunSchema.safeParse(saved);
        // A diverged run's last loss is not finite, which the library schema refuses; the export keeps it.
        const data = (parsed.success ? parsed.data : saved) as SavedRunData;
        const base = data.name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'run';
        return format === 'csv'
          ? { name: `${base}.csv`, text: runToCsv(data), type: 'text/csv' }
          : { name: `${base}.json`, text: `${JSON.stringify(data, jsonNumbers, 2)}\n`, type: 'application/json' };
      },
      savedRunOf(runId = get().activeRunId) {
        const run = get().runs.find((r) => r.id === runId);
        if (!run) return null;
        return run.loaded ?? run.recorder?.toSavedRun() ?? null;
      },
      async menu(cmd) {
        switch (cmd.command) {
          case 'new':
            return get().newExperiment();
          case 'opened': {
            if (cmd.result.ok && 'lab' in cmd.result) {
              const r = get().openLab(JSON.stringify(cmd.result.lab));
              return notify(r.ok ? 'info' : 'error', r.ok ? `Opened ${cmd.result.path}.` : r.message);
            }
            if (cmd.result.ok) return get().loadExperiment(cmd.result.experiment, cmd.result.path);
            const text = openFailureText(cmd.result);
            if (text) notify('error', text);
            return;
          }
          case 'save-as':
            return get().saveExperimentAs();
          case 'export':
            return get().exportRun(cmd.format);
        }
      },
      async exportRun(format, runId = get().activeRunId) {
        if (!desktop) return;
        const record = get().savedRunOf(runId);
        if (!record) return notify('error', 'Nothing to export yet: train a run first.');
        try {
          const n = saveResultNotice(EXPORT_LABEL[format], await desktop.exportRun(format, record));
          if (n) notify(n.kind, n.text);
        } catch (e) {
          notify('error', `Could not export the run: ${(e as Error).message}`);
        }
      },
      async runFile(runId, format) {
        if (!desktop) return get().runExportFile(runId, format);
        await get().exportRun(format, runId);
        return null;
      },
      async exportStep(sampleRow) {
        const run = get().runs.find((r) => r.id === get().activeRunId);
        const e = run?.explanation;
        if (!run || !e) return null;
        // The rate the explained update used (a live change makes it differ from the experiment's).
        const experiment = { ...run.experiment, learningRate: e.learningRate };
        const explain = { step: e.step, sampleRow };
        if (!desktop) return { name: `${run.experiment.name}-step-${e.step + 1}.py`, text: exportNumpy(experiment, { explain }), type: 'text/x-python' };
        try {
          const n = saveResultNotice(`Step ${e.step + 1} numpy script`, await desktop.exportStep(experiment, explain));
          if (n) notify(n.kind, n.text);
        } catch (err) {
          notify('error', `Could not export the step: ${(err as Error).message}`);
        }
        return null;
      },
      async saveExperimentAs() {
        if (!desktop) return;
        const v = get().validation;
        if (!v.ok) return notify('error', `Fix the experiment before saving it: ${v.message}`);
        try {
          const n = saveResultNotice('Experiment', await desktop.saveExperimentAs(experimentInputOf(get().draft) as ExperimentInput));
          if (n) notify(n.kind, n.text);
        } catch (e) {
          notify('error', `Could not save the experiment: ${(e as Error).message}`);
        }
      },
      async refreshLibrary() {
        if (!library) return;
        try {
          const [experiments, runs] = await Promise.all([desktop ? desktop.listExperiments() : { entries: [], notices: [] }, library.listRuns()]);
          for (const line of [...experiments.notices, ...runs.notices]) notify('error', line);
          // A run saved while the listing was on its way is kept.
          set((s) => {
            const listed = new Set(runs.entries.map((e) => e.id));
            const all = [...runs.entries, ...(s.savedRuns ?? []).filter((e) => !listed.has(e.id))];
            return { savedRuns: all.sort((a, b) => b.savedAt.localeCompare(a.savedAt)) };
          });
        } catch (e) {
          notify('error', `Could not read the library: ${(e as Error).message}`);
        }
      },
      async loadSavedRun(id) {
        if (!library) return;
        const r = await library.loadRun(id).catch((e: unknown) => ({ ok: false as const, message: (e as Error).message }));
        if (!r.ok) return notify('error', `Could not load the saved run: ${r.message}`);
        const parsed = parseExperiment(r.value.experiment);
        if (!parsed.ok) return notify('error', `The saved run's experiment does not validate: ${issuesText(parsed.issues) || parsed.message}`);
        get().admitSavedRun(r.value, parsed.experiment);
      },
      recorderFor(run) {
        // The browser keeps one too: it is what a saved lab and an exported run are made from.
        return new RunRecorder(libraryRunId(new Date(), run.id), run.experiment, run.label);
      },
      archive(run) {
        if (!library || !run.recorder || run.archived) return;
        const record = run.recorder.toSavedRun();
        run.archived = 'saving';
        const done = (ok: boolean, message?: string) => {
          run.archived = ok ? 'saved' : 'not saved';
          if (ok) {
            const entry: SavedRunEntry = { id: record.id, name: record.name, savedAt: record.endedAt, status: record.status };
            set((s) => ({ savedRuns: [entry, ...(s.savedRuns ?? []).filter((e) => e.id !== entry.id)] }));
          } else notify('error', `Could not save ${run.label}: ${message}`);
          get().publishSoon();
        };
        library.saveRun(record).then(
          (r) => (r.ok ? done(true) : done(false, r.message)),
          (e: unknown) => done(false, (e as Error).message),
        );
      },
      openLibrary() {
        if (unsubscribeMenu) return;
        if (desktop) unsubscribeMenu = desktop.onMenu((cmd) => void get().menu(cmd));
        else if (library) unsubscribeMenu = () => undefined;
        void get().refreshLibrary();
      },
      closeLibrary() {
        unsubscribeMenu?.();
        unsubscribeMenu = null;
      },
    };
  };
