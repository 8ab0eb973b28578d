/** The view slice alone: view patches, speed changes handed to the runs, the probe and the sample shown. */
import { describe, expect, it, vi } from 'vitest';
import { presetById } from '../../core';
import type { RunChannel } from '../../renderer/src/host/types';
import { validateDraft, draftFromExperiment } from '../../renderer/src/state/draft';
import { plotData } from '../../renderer/src/state/plot-data';
import { blankRun, type Run } from '../../renderer/src/state/run';
import { createViewSlice } from '../../renderer/src/state/slices/view';
import { DEFAULT_VIEW } from '../../renderer/src/state/view';
import { sliceStore } from './slice-harness';

const preset = presetById('seed-004-quadrants')!;
const validation = validateDraft(draftFromExperiment(preset.experiment, preset.id));
const experiment = validation.ok ? validation.experiment : (null as never);
const settle = () => new Promise((r) => setTimeout(r, 0));

/** A channel whose predictions wait until the test answers them, in any order. */
function heldChannel() {
  const asked: { points: number[][]; answer: (rows: number[][]) => void }[] = [];
  const channel: RunChannel = {
    send: () => undefined,
    predict: (points) => new Promise((resolve) => asked.push({ points, answer: resolve })),
    close: () => undefined,
  };
  return { channel, asked };
}

function viewStore(run: Run | null = null) {
  const applySpeed = vi.fn();
  const store = sliceStore(createViewSlice, { applySpeed, activeRun: () => run, validation });
  return { store, applySpeed };
}

describe('view slice', () => {
  it('patches the view; only a change of speed is handed to the runs', () => {
    const { store, applySpeed } = viewStore();
    expect(store.getState().view).toEqual(DEFAULT_VIEW);
    store.getState().setView({ logScale: false });
    expect(store.getState().view).toEqual({ ...DEFAULT_VIEW, logScale: false });
    store.getState().setView({ speed: 0 });
    expect(applySpeed).not.toHaveBeenCalled();
    store.getState().setView({ speed: 10 });
    expect(store.getState().view.speed).toBe(10);
    expect(applySpeed).toHaveBeenCalledTimes(1);
  });

  it('a new experiment resets the layer, sample and threshold shown, and keeps the rest', () => {
    const { store } = viewStore();
    store.getState().setView({ histLayer: 2, sampleIndex: 5, threshold: 0.1, presentation: true, logScale: false });
    store.getState().resetExperimentView();
    expect(store.getState().view).toEqual({ ...DEFAULT_VIEW, presentation: true, logScale: false });
  });

  it('the probe shows at once and takes the trainer answer for its own point only', async () => {
    const run = blankRun(1, experiment, 'r', null, null);
    const { channel, asked } = heldChannel();
    run.channel = channel;
    const { store } = viewStore(run);
    store.getState().probeAt(0.5, -0.5);
    expect(store.getState().probe).toEqual({ x: 0.5, y: -0.5, outputs: null });
    store.getState().probeAt(1, 1);
    expect(asked.map((a) => a.points)).toEqual([[[0.5, -0.5]], [[1, 1]]]);
    asked[1]!.answer([[0, 1, 0, 0]]);
    asked[0]!.answer([[1, 0, 0, 0]]); // late answer for the earlier point
    await settle();
    expect(store.getState().probe).toEqual({ x: 1, y: 1, outputs: [0, 1, 0, 0] });
  });

  it('a chosen sample shows its target from the data and the trainer prediction for its input', async () => {
    const run = blankRun(1, experiment, 'r', null, null);
    const { channel, asked } = heldChannel();
    run.channel = channel;
    const { store } = viewStore(run);
    const data = plotData(experiment);
    store.getState().showSample(3);
    expect(store.getState().view.sampleIndex).toBe(3);
    expect(store.getState().sample).toEqual({ index: 3, target: Array.from(data.y.subarray(3 * data.outputs, 4 * data.outputs)), predicted: null });
    expect(asked[0]!.points).toEqual([Array.from(data.x.subarray(3 * data.inputs, 4 * data.inputs))]);
    asked[0]!.answer([[0.1, 0.2, 0.3, 0.4]]);
    await settle();
    expect(store.getState().sample?.predicted).toEqual([0.1, 0.2, 0.3, 0.4]);
    store.getState().showSample(data.samples);
    expect(store.getState().sample).toBeNull();
  });

  it('without a run the sample comes from the editor experiment, with no prediction', () => {
    const { store } = viewStore(null);
    store.getState().showSample(0);
    expect(store.getState().sample).toMatchObject({ index: 0, predicted: null });
    expect(store.getState().sample?.target).toHaveLength(plotData(experiment).outputs);
  });
});
