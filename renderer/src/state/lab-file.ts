/**
 * Saved lab state (experiment draft + view, an optional lesson, and since version 2 the runs with their
 * history), validated on open (core/contract/lab-file.ts) so a foreign or corrupt file is refused whole.
 */
import { parseExperiment, type Experiment, type WeightScheme } from '../../../core';
import type { SavedRun } from '../../../core/contract/api';
import { LAB_FILE_FORMAT, LAB_FILE_VERSION, parseLabFileText, type Lesson } from '../../../core/contract/lab-file';
import { historyValue, jsonNumbers } from '../../../core/contract/run-file';
import { completeDraft, type Draft } from './draft';
import type { ViewState } from './view';

export { LAB_FILE_VERSION };

export interface LabRun {
  saved: SavedRun;
  experiment: Experiment;
  label: string;
  scheme: WeightScheme | null;
  group: number | null;
  visible: boolean;
  active: boolean;
}

/** The lab as a file: NaN and ±Infinity in losses and histories are written as strings, so they come back as they were. */
export function labFileText(draft: Draft, view: ViewState, runs: readonly Omit<LabRun, 'experiment'>[], lesson?: Lesson): string {
  const body = {
    format: LAB_FILE_FORMAT,
    version: LAB_FILE_VERSION,
    draft,
    view,
    ...(lesson ? { lesson } : {}),
    runs: runs.map((r) => ({ run: r.saved, label: r.label, scheme: r.scheme, group: r.group, visible: r.visible, active: r.active })),
  };
  return JSON.stringify(body, jsonNumbers, 1);
}

export function parseLabFile(
  text: string,
): { ok: true; draft: Draft; view: Partial<ViewState>; lesson: Lesson | null; runs: LabRun[] } | { ok: false; message: string } {
  const r = parseLabFileText(text);
  if (!r.ok) return r;
  const runs: LabRun[] = [];
  for (const [i, lr] of (r.file.runs ?? []).entries()) {
    const exp = parseExperiment(lr.run.experiment);
    if (!exp.ok) return { ok: false, message: `Not an nnlab lab file: runs[${i}].run.experiment: ${exp.message}` };
    const saved = { ...lr.run, losses: lr.run.losses.map((v) => historyValue(v)) } as unknown as SavedRun;
    runs.push({ saved, experiment: exp.experiment, label: lr.label, scheme: lr.scheme, group: lr.group, visible: lr.visible, active: lr.active });
  }
  return { ok: true, draft: completeDraft(r.file.draft as Draft), view: r.file.view as Partial<ViewState>, lesson: r.file.lesson ?? null, runs };
}
