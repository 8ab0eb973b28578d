/**
 * View state: how the lab shows things (scales, speed, presentation) and what the user is pointing at —
 * the probe on the decision map and the sample in "predicted vs target", answered by the active run's trainer.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { Experiment } from '../../../../core';
import { plotData } from '../plot-data';
import type { LabState } from '../store';
import { DEFAULT_VIEW, type ViewState } from '../view';

export interface Probe {
  x: number;
  y: number;
  outputs: number[] | null;
}

export interface SampleView {
  index: number;
  target: number[];
  predicted: number[] | null;
}

export interface ViewSlice {
  view: ViewState;
  probe: Probe | null;
  sample: SampleView | null;
  /** A speed change carries a training run on at the new speed. */
  setView(patch: Partial<ViewState>): void;
  /** Another experiment in the editor: the layer, sample and threshold shown belonged to the last one. */
  resetExperimentView(): void;
  probeAt(x: number, y: number): void;
  showSample(index: number): void;
}

export const createViewSlice: StateCreator<LabState, [], [], ViewSlice> = (set, get) => ({
  view: { ...DEFAULT_VIEW },
  probe: null,
  sample: null,

  setView(patch) {
    const speedChanged = patch.speed !== undefined && patch.speed !== get().view.speed;
    set((s) => ({ view: { ...s.view, ...patch } }));
    if (speedChanged) get().applySpeed();
  },
  resetExperimentView() {
    set((s) => ({ view: { ...s.view, histLayer: 0, sampleIndex: 0, threshold: null } }));
  },
  probeAt(x, y) {
    const run = get().activeRun();
    set({ probe: { x, y, outputs: null } });
    if (!run?.channel) return;
    run.channel
      .predict([[x, y]])
      .then((out) => {
        // A later probe wins; a late answer for an earlier point is dropped.
        const p = get().probe;
        if (p && p.x === x && p.y === y) set({ probe: { x, y, outputs: out[0] ?? null } });
      })
      .catch(() => undefined);
  },
  showSample(index) {
    const run = get().activeRun();
    set((s) => ({ view: { ...s.view, sampleIndex: index } }));
    const v = get().validation;
    const exp: Experiment | null = run?.experiment ?? (v.ok ? v.experiment : null);
    if (!exp) return;
    const data = plotData(exp);
    if (!Number.isInteger(index) || index < 0 || index >= data.samples) {
      set({ sample: null });
      return;
    }
    const target = Array.from(data.y.subarray(index * data.outputs, (index + 1) * data.outputs));
    set({ sample: { index, target, predicted: null } });
    if (!run?.channel) return;
    const input = Array.from(data.x.subarray(index * data.inputs, (index + 1) * data.inputs));
    run.channel
      .predict([input])
      .then((out) => {
        const s = get().sample;
        if (s && s.index === index) set({ sample: { ...s, predicted: out[0] ?? null } });
      })
      .catch(() => undefined);
  },
});
