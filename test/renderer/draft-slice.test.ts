/** The draft slice alone: edits revalidate, literal weights leave with the architecture, a valid rate goes live. */
import { describe, expect, it, vi } from 'vitest';
import { createDraftSlice, DEFAULT_PRESET } from '../../renderer/src/state/slices/draft';
import { completeDraft, draftFromExperiment, validateDraft, withInlineData } from '../../renderer/src/state/draft';
import { drawnPlotData } from '../../renderer/src/state/drawn-data';
import { plotData } from '../../renderer/src/state/plot-data';
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

describe('draft slice: data sliders and format v2 training fields', () => {
  const experimentOf = (store: ReturnType<typeof draftStore>['store']) => {
    const v = store.getState().validation;
    if (!v.ok) throw new Error(v.message);
    return v.experiment;
  };

  it('samples, noise and test ratio land in the experiment; bad values are routed to their own controls', () => {
    const { store } = draftStore('circles');
    store.getState().setField('samples', '120');
    store.getState().setField('noise', '0.25');
    store.getState().setField('testRatio', '0.3');
    const exp = experimentOf(store);
    expect(exp.data).toEqual({ kind: 'circles', samples: 120, noise: 0.25, classes: 2 });
    expect(exp.testFraction).toBe(0.3);
    // A plain SGD experiment stays format v1.
    expect(exp.version).toBe(1);
    store.getState().setField('samples', '0');
    store.getState().setField('noise', 'lots');
    store.getState().setField('testRatio', '1');
    const f = store.getState().validation.fields;
    expect(f.samples).toBe('must be a positive integer');
    expect(f.noise).toBe('must be a number ≥ 0');
    expect(f.testRatio).toBe('must be a number from 0 to 1 (exclusive)');
    expect(f.dataset).toBeUndefined();
    // A test ratio of 0 holds nothing out, as the absent field does.
    store.getState().setField('samples', '120');
    store.getState().setField('noise', '0.1');
    store.getState().setField('testRatio', '0');
    expect('testFraction' in experimentOf(store)).toBe(false);
  });

  it("choosing a generated dataset shows that data's samples and noise; a lesson's Dataset lock holds the sliders", () => {
    const { store } = draftStore();
    store.getState().chooseDataset('spiral');
    expect(store.getState().draft).toMatchObject({ samples: '300', noise: '0.1' });
    const locked = sliceStore(createDraftSlice('xor'), { applyLearningRate: vi.fn(), resetExperimentView: vi.fn(), isLocked: (c: string) => c === 'dataset' } as never);
    locked.getState().setField('samples', '50');
    locked.getState().setField('testRatio', '0.5');
    expect(locked.getState().draft).toMatchObject({ samples: '200', testRatio: '0.2' });
    locked.getState().setField('seed', '3');
    expect(locked.getState().draft.seed).toBe('3');
  });

  it("a lesson's Optimiser lock holds the optimiser, its settings, the penalties and the schedule, and nothing else", () => {
    const locked = sliceStore(createDraftSlice('xor'), { applyLearningRate: vi.fn(), resetExperimentView: vi.fn(), isLocked: (c: string) => c === 'optimizer' } as never);
    const before = locked.getState().draft;
    for (const [field, value] of [['optimizer', 'adam'], ['momentum', '0.5'], ['beta1', '0.8'], ['biasCorrection', false], ['l2', '0.1'], ['l1', '0.1'], ['schedule', 'cosine'], ['minLearningRate', '0.001']] as const) {
      locked.getState().setField(field, value as never);
    }
    expect(locked.getState().draft).toEqual(before);
    locked.getState().setField('learningRate', '0.5');
    locked.getState().setField('samples', '50');
    expect(locked.getState().draft).toMatchObject({ learningRate: '0.5', samples: '50' });
  });

  it('the optimiser, penalties and schedule reach the experiment as format v2, only the chosen settings', () => {
    const { store } = draftStore('xor');
    const s = () => store.getState();
    s().setField('optimizer', 'adam');
    s().setField('beta2', '0.99');
    s().setField('biasCorrection', false);
    s().setField('l2', '0.001');
    s().setField('schedule', 'step');
    s().setField('stepEvery', '50');
    s().setField('stepFactor', '0.5');
    let exp = experimentOf(store);
    expect(exp.version).toBe(2);
    expect(exp.optimizer).toEqual({ kind: 'adam', beta1: 0.9, beta2: 0.99, epsilon: 1e-8, biasCorrection: false });
    expect(exp.regularization).toEqual({ l2: 0.001, l1: 0 });
    expect(exp.schedule).toEqual({ kind: 'step', every: 50, factor: 0.5 });
    s().setField('optimizer', 'nesterov');
    s().setField('momentum', '0.8');
    s().setField('schedule', 'cosine');
    s().setField('minLearningRate', '0.01');
    exp = experimentOf(store);
    expect(exp.optimizer).toEqual({ kind: 'nesterov', momentum: 0.8 });
    expect(exp.schedule).toEqual({ kind: 'cosine', minLearningRate: 0.01 });
    // The parser's messages go to the field that set the value.
    s().setField('momentum', '1');
    s().setField('l1', '-1');
    s().setField('minLearningRate', '9');
    const f = s().validation.fields;
    expect(f.momentum).toBe('must be a number from 0 to 1 (1 excluded)');
    expect(f.l1).toBe('must be a number ≥ 0');
    expect(f.minLearningRate).toMatch(/^must be at most learningRate/);
    expect(f.general).toBeUndefined();
  });

  it('a v2 preset opens with its optimiser in the controls, and an experiment file round-trips through the draft', () => {
    const { store } = draftStore('optimizers-adam');
    expect(store.getState().draft).toMatchObject({ optimizer: 'adam', testRatio: '0.2', samples: '300', noise: '0.03' });
    const exp = experimentOf(store);
    const again = validateDraft(draftFromExperiment(exp, ''));
    expect(again.ok && again.experiment).toEqual(exp);
  });

  it('a lab file draft from before the v2 fields opens with them read from its experiment', () => {
    const { store } = draftStore('optimizers-momentum');
    const { optimizer: _o, momentum: _m, testRatio: _t, samples: _s, ...old } = store.getState().draft;
    const d = completeDraft(old);
    expect(d).toMatchObject({ optimizer: 'momentum', momentum: '0.9', testRatio: '0.2', samples: '300' });
  });
});

describe('draft slice: draw your data', () => {
  const inline = (store: ReturnType<typeof draftStore>['store']) => store.getState().draft.base.data as { kind: string; x: number[][]; y: number[][] };

  it('the first point drawn turns the current data into inline rows, the new point last, one-hot in its class', () => {
    const { store } = draftStore('xor');
    const before = store.getState().validation;
    if (!before.ok) throw new Error(before.message);
    store.getState().drawPoint(0.5, -0.25, 1, 2);
    const s = store.getState();
    expect(s.draft.dataset).toBe('inline');
    const d = inline(store);
    expect(d.x).toHaveLength(201);
    expect(d.x[200]).toEqual([0.5, -0.25]);
    expect(d.y[200]).toEqual([0, 1]);
    // The xor points as the trainer draws them, in order, each one-hot in its class.
    const p = plotData(before.experiment);
    expect(d.x[7]).toEqual([p.x[14], p.x[15]]);
    expect(d.y[7]![p.labels![7]!]).toBe(1);
    expect(s.validation.ok && s.validation.experiment.data).toEqual({ kind: 'inline', x: d.x, y: d.y });
    expect(s.validation.ok && s.validation.experiment.layers.at(-1)!.units).toBe(2);
  });

  it('Clear empties the drawing (a message until a point is drawn); a new class widens every row', () => {
    const { store } = draftStore('xor');
    store.getState().clearDrawn();
    expect(inline(store).x).toEqual([]);
    expect(store.getState().validation.ok).toBe(false);
    expect(store.getState().validation.fields.dataset).toMatch(/data\.x: must have at least one row/);
    store.getState().drawPoint(1, 1, 0, 2);
    store.getState().drawPoint(-1, -1, 1, 2);
    expect(store.getState().validation.ok).toBe(true);
    store.getState().drawPoint(2, -2, 2, 3);
    expect(inline(store).y).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    const v = store.getState().validation;
    expect(v.ok && v.experiment.layers.at(-1)!.units).toBe(3);
  });

  it('erasing removes the points within the radius and nothing else; an erase that hits nothing changes nothing', () => {
    const { store } = draftStore('xor');
    store.getState().clearDrawn();
    for (const [x, c] of [
      [0, 0],
      [0.5, 1],
      [3, 0],
    ] as const)
      store.getState().drawPoint(x, 0, c, 2);
    store.getState().eraseDrawn(0.2, 0, 0.6);
    expect(inline(store).x).toEqual([[3, 0]]);
    const draft = store.getState().draft;
    store.getState().eraseDrawn(-9, -9, 0.1);
    expect(store.getState().draft).toBe(draft);
    // Generated data is not turned into rows by an erase that hits nothing.
    const fresh = draftStore('circles').store;
    fresh.getState().eraseDrawn(50, 50, 0.1);
    expect(fresh.getState().draft.dataset).toBe('circles');
  });

  it('drawing over imported rows keeps their column and class names, names a new class, and draws standardised rows as the map shows them', () => {
    const { store } = draftStore('xor');
    const rows = { x: [[10, 200], [20, 400], [30, 600], [40, 800]], y: [[1, 0], [0, 1], [1, 0], [0, 1]] };
    store.getState().replaceDraft(withInlineData(store.getState().draft, rows.x, rows.y));
    const imported = { kind: 'inline', ...rows, features: ['height', 'weight'], target: 'species', labels: ['cat', 'dog'], standardize: true, source: { file: 'pets.csv', sha256: 'ab' } };
    store.getState().replaceDraft({ ...store.getState().draft, base: { ...store.getState().draft.base, version: 2, data: imported } });
    const v = store.getState().validation;
    if (!v.ok) throw new Error(v.message);
    store.getState().drawPoint(0, 0, 2, 3);
    const d = store.getState().draft.base.data as Record<string, unknown>;
    expect(d).toMatchObject({ features: ['height', 'weight'], target: 'species', labels: ['cat', 'dog', 'class 2'] });
    expect(d.standardize).toBeUndefined();
    expect(d.source).toBeUndefined();
    // The first four rows are the standardised ones the map drew (column means 25 and 500), not the file's.
    const x = d.x as number[][];
    expect(x).toHaveLength(5);
    expect(x[0]![0]).toBeCloseTo(-1.3416, 3);
    expect(x[3]![1]).toBeCloseTo(1.3416, 3);
    expect(store.getState().validation.ok).toBe(true);
  });

  it("a lesson's Dataset lock holds the drawing", () => {
    const locked = sliceStore(createDraftSlice('xor'), { applyLearningRate: vi.fn(), resetExperimentView: vi.fn(), isLocked: (c: string) => c === 'dataset' } as never);
    locked.getState().drawPoint(0, 0, 0, 2);
    locked.getState().clearDrawn();
    expect(locked.getState().draft.dataset).toBe('xor');
  });

  it('the map shows a drawing with its classes and hold-out rows', () => {
    const p = drawnPlotData({ x: [[1, 2], [3, 4], [5, 6], [7, 8]], y: [[0, 1], [1, 0], [0, 1], [1, 0]] }, 3, 0.25);
    expect(Array.from(p.labels!)).toEqual([1, 0, 1, 0]);
    expect(Array.from(p.x)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(p.outputs).toBe(3);
    expect(p.testRows).toBe(1);
  });
});
