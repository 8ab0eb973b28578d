/**
 * Draft and validation: the experiment as typed in the controls, and what the core's parser says of it.
 * Every edit revalidates; a valid new learning rate reaches the live runs at once (the slider's lesson).
 */
import type { StateCreator } from 'zustand/vanilla';
import type { LockableControl } from '../../../../core/contract/lab-file';
import { PRESETS, presetById } from '../../../../core';
import { draftFromExperiment, validateDraft, withDataset, withInlineData, type DatasetKey, type Draft, type DraftV2Field, type LayerDraft, type Validation } from '../draft';
import { addPoint, erasePoints, inlineRows, type DrawnData } from '../drawn-data';
import type { LabState } from '../store';

/** The preset the lab opens with, and File ▸ New brings back. */
export const DEFAULT_PRESET = 'seed-004-quadrants';

export type DraftField = 'learningRate' | 'seed' | 'steps' | 'batchSize' | 'init' | 'bias' | 'loss' | 'outputActivation' | DraftV2Field;

const OWN_LOCK = ['learningRate', 'seed', 'steps', 'batchSize', 'init', 'bias', 'loss', 'outputActivation'] as const;

/** The lesson lock a field obeys: the data sliders follow the Dataset lock, every other v2 field (the update rule's) the Optimiser lock. */
const lockOf = (key: DraftField): LockableControl => {
  if (key === 'samples' || key === 'noise' || key === 'testRatio') return 'dataset';
  return OWN_LOCK.find((k) => k === key) ?? 'optimizer';
};

export interface DraftSlice {
  draft: Draft;
  validation: Validation;
  setField<K extends DraftField>(key: K, value: Draft[K]): void;
  choosePreset(id: string): void;
  chooseDataset(kind: DatasetKey): void;
  setLayer(index: number, patch: Partial<LayerDraft>): void;
  addLayer(): void;
  removeLayer(index: number): void;
  /** Puts a whole draft in the editor (a preset, an opened file) and validates it. */
  replaceDraft(draft: Draft): void;
  /** Draw your data: a point of class `cls` (of `classes`) at input (x1, x2); the data becomes inline rows, starting from the current points. */
  drawPoint(x1: number, x2: number, cls: number, classes: number): void;
  /** Removes the drawn points within `radius` (input units) of (x1, x2). */
  eraseDrawn(x1: number, x2: number, radius: number): void;
  /** Empties the data to draw from nothing (the experiment is invalid until a point is drawn). */
  clearDrawn(): void;
  /** The rows a drawing starts from: the draft's own if inline, else the points the current data draws. */
  drawnData(): DrawnData;
}

/** Literal initial weights fit only the architecture they came with. */
const schemeAfterReshape = (d: Draft): Draft['init'] => (d.init === 'explicit' ? 'standard-normal' : d.init);

export const createDraftSlice =
  (initialPreset: string): StateCreator<LabState, [], [], DraftSlice> =>
  (set, get) => {
    const preset = presetById(initialPreset) ?? PRESETS[0]!;
    const draft0 = draftFromExperiment(preset.experiment, preset.id);
    // The lesson slice's locks; a store without lessons (a slice on its own) locks nothing.
    const locked = (c: LockableControl) => get().isLocked?.(c) ?? false;
    return {
      draft: draft0,
      validation: validateDraft(draft0),

      replaceDraft(draft) {
        const validation = validateDraft(draft);
        set({ draft, validation });
        if (validation.ok) get().applyLearningRate(validation.experiment.learningRate);
      },
      setField(key, value) {
        if (locked(lockOf(key))) return;
        get().replaceDraft({ ...get().draft, [key]: value });
      },
      choosePreset(id) {
        if (locked('preset')) return;
        const p = presetById(id);
        if (!p) return;
        get().replaceDraft(draftFromExperiment(p.experiment, p.id));
        get().resetExperimentView();
      },
      chooseDataset(kind) {
        if (locked('dataset')) return;
        get().replaceDraft(withDataset(get().draft, kind));
      },
      setLayer(index, patch) {
        if (locked('layers')) return;
        const d = get().draft;
        get().replaceDraft({ ...d, hidden: d.hidden.map((l, i) => (i === index ? { ...l, ...patch } : l)), init: schemeAfterReshape(d) });
      },
      addLayer() {
        if (locked('layers')) return;
        const d = get().draft;
        const last = d.hidden[d.hidden.length - 1];
        get().replaceDraft({ ...d, hidden: [...d.hidden, { units: last?.units ?? '8', activation: last?.activation ?? 'relu' }], init: schemeAfterReshape(d) });
      },
      drawnData() {
        const v = get().validation;
        return inlineRows(get().draft.base.data, v.ok ? v.experiment : null);
      },
      drawPoint(x1, x2, cls, classes) {
        if (locked('dataset')) return;
        const { x, y } = addPoint(get().drawnData(), x1, x2, cls, classes);
        get().replaceDraft(withInlineData(get().draft, x, y));
      },
      eraseDrawn(x1, x2, radius) {
        if (locked('dataset')) return;
        const before = get().drawnData();
        const { x, y } = erasePoints(before, x1, x2, radius);
        if (x.length === before.x.length) return;
        get().replaceDraft(withInlineData(get().draft, x, y));
      },
      clearDrawn() {
        if (locked('dataset')) return;
        get().replaceDraft(withInlineData(get().draft, [], []));
      },
      removeLayer(index) {
        if (locked('layers')) return;
        const d = get().draft;
        get().replaceDraft({ ...d, hidden: d.hidden.filter((_, i) => i !== index), init: schemeAfterReshape(d) });
      },
    };
  };
