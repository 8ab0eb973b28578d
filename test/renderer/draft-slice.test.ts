/** The draft slice alone: edits revalidate, literal weights leave with the architecture, a valid rate goes live. */
import { describe, expect, it, vi } from 'vitest';
import { createDraftSlice, DEFAULT_PRESET } from '../../renderer/src/state/slices/draft';
import { sliceStore } from './slice-harness';

function draftStore(preset = DEFAULT_PRESET) {
  const applyLearningRate = vi.fn();
  const resetExperimentView = vi.fn();
  const store = sliceStore(createDraftSlice(preset), { applyLearningRate, resetExperimentView });
  return { store, applyLearningRate, resetExperimentView };
}

describe('draft slice', () => {
  it('opens on the preset asked for, valid, and falls back to the first preset for an unknown id', () => {
    expect(draftStore().store.getState().draft.presetId).toBe(DEFAULT_PRESET);
    expect(draftStore().store.getState().validation.ok).toBe(true);
    const s = draftStore('no-such-preset').store.getState();
    expect(s.draft.presetId).not.toBe('no-such-preset');
    expect(s.validation.ok).toBe(true);
  });

  it('a typed field is kept as text and revalidated; the message is routed to its control', () => {
    const { store, applyLearningRate } = draftStore();
    store.getState().setField('learningRate', 'abc');
    let s = store.getState();
    expect(s.draft.learningRate).toBe('abc');
    expect(s.validation.ok).toBe(false);
    expect(s.validation.fields.learningRate).toBeTruthy();
    expect(applyLearningRate).not.toHaveBeenCalled();

    store.getState().setField('learningRate', '0.05');
    s = store.getState();
    expect(s.validation.ok).toBe(true);
    expect(s.validation.fields).toEqual({});
    // The live runs hear of a valid rate at once, as a number.
    expect(applyLearningRate).toHaveBeenLastCalledWith(0.05);
  });

  it('adding a layer copies the last hidden layer; removing and editing layers reshape the network', () => {
    const { store } = draftStore();
    const before = store.getState().draft.hidden;
    store.getState().addLayer();
    let hidden = store.getState().draft.hidden;
    expect(hidden).toHaveLength(before.length + 1);
    expect(hidden[hidden.length - 1]).toEqual(before[before.length - 1]);
    store.getState().setLayer(0, { units: '3' });
    hidden = store.getState().draft.hidden;
    expect(hidden[0]).toEqual({ ...before[0], units: '3' });
    expect(hidden[1]).toEqual(before[before.length - 1]);
    store.getState().removeLayer(0);
    expect(store.getState().draft.hidden).toEqual([before[before.length - 1]]);
    store.getState().setLayer(0, { units: '0' });
    expect(store.getState().validation.fields['layer-1-units']).toBeTruthy();
  });

  it("a preset's literal initial weights give way to a scheme when the architecture changes", () => {
    const { store } = draftStore();
    // A draft with explicit weights, as a preset with literal weights gives.
    const explicit = () => store.getState().replaceDraft({ ...store.getState().draft, init: 'explicit' });
    for (const reshape of [() => store.getState().addLayer(), () => store.getState().removeLayer(0), () => store.getState().setLayer(0, { units: '4' })]) {
      explicit();
      expect(store.getState().draft.init).toBe('explicit');
      reshape();
      expect(store.getState().draft.init).toBe('standard-normal');
    }
    // Other edits keep them.
    explicit();
    store.getState().setField('seed', '7');
    expect(store.getState().draft.init).toBe('explicit');
  });

  it('choosing a preset loads it and resets the view it had; an unknown preset changes nothing', () => {
    const { store, resetExperimentView } = draftStore();
    store.getState().setField('seed', '99');
    store.getState().choosePreset('no-such-preset');
    expect(store.getState().draft.seed).toBe('99');
    expect(resetExperimentView).not.toHaveBeenCalled();
    store.getState().choosePreset(DEFAULT_PRESET);
    expect(store.getState().draft.seed).not.toBe('99');
    expect(resetExperimentView).toHaveBeenCalledTimes(1);
  });

  it('choosing a dataset swaps the data and keeps the network valid', () => {
    const { store } = draftStore();
    store.getState().chooseDataset('spiral');
    const s = store.getState();
    expect(s.draft.dataset).toBe('spiral');
    expect(s.draft.base.data).toMatchObject({ kind: 'spiral', classes: 3 });
    expect(s.validation.ok).toBe(true);
  });
});
