/**
 * Draft and validation: the experiment as typed in the controls, and what the core's parser says of it.
 * Every edit revalidates; a valid new learning rate reaches the live runs at once (the slider's lesson).
 */
import type { StateCreator } from 'zustand/vanilla';
import { PRESETS, presetById } from '../../../../core';
import { draftFromExperiment, validateDraft, withDataset, type DatasetKey, type Draft, type LayerDraft, type Validation } from '../draft';
import type { LabState } from '../store';

/** The preset the lab opens with, and File ▸ New brings back. */
export const DEFAULT_PRESET = 'seed-004-quadrants';

export type DraftField = 'learningRate' | 'seed' | 'steps' | 'batchSize' | 'init' | 'bias' | 'loss' | 'outputActivation';

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
}

/** Literal initial weights fit only the architecture they came with. */
const schemeAfterReshape = (d: Draft): Draft['init'] => (d.init === 'explicit' ? 'standard-normal' : d.init);

export const createDraftSlice =
  (initialPreset: string): StateCreator<LabState, [], [], DraftSlice> =>
  (set, get) => {
    const preset = presetById(initialPreset) ?? PRESETS[0]!;
    const draft0 = draftFromExperiment(preset.experiment, preset.id);
    return {
      draft: draft0,
      validation: validateDraft(draft0),

      replaceDraft(draft) {
        const validation = validateDraft(draft);
        set({ draft, validation });
        if (validation.ok) get().applyLearningRate(validation.experiment.learningRate);
      },
      setField(key, value) {
        get().replaceDraft({ ...get().draft, [key]: value });
      },
      choosePreset(id) {
        const p = presetById(id);
        if (!p) return;
        get().replaceDraft(draftFromExperiment(p.experiment, p.id));
        get().resetExperimentView();
      },
      chooseDataset(kind) {
        get().replaceDraft(withDataset(get().draft, kind));
      },
      setLayer(index, patch) {
        const d = get().draft;
        get().replaceDraft({ ...d, hidden: d.hidden.map((l, i) => (i === index ? { ...l, ...patch } : l)), init: schemeAfterReshape(d) });
      },
      addLayer() {
        const d = get().draft;
        const last = d.hidden[d.hidden.length - 1];
        get().replaceDraft({ ...d, hidden: [...d.hidden, { units: last?.units ?? '8', activation: last?.activation ?? 'relu' }], init: schemeAfterReshape(d) });
      },
      removeLayer(index) {
        const d = get().draft;
        get().replaceDraft({ ...d, hidden: d.hidden.filter((_, i) => i !== index), init: schemeAfterReshape(d) });
      },
    };
  };
