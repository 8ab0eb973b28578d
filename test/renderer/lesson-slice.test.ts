import { afterEach, describe, expect, it } from 'vitest';
import { checkLesson, parseLabFileText } from '../../core/contract/lab-file';
import { LESSONS } from '../../core/lessons';
import { createLabStore, type LabStore } from '../../renderer/src/state/store';
import { fakeHost } from './fake-host';

let store: LabStore | null = null;
afterEach(() => {
  store?.getState().dispose();
  store = null;
});

const lesson = (i: number) => {
  const r = checkLesson(LESSONS[i]);
  if (!r.ok) throw new Error(r.message);
  return r.lesson;
};

describe('lesson slice', () => {
  it('opening a lesson puts its first step in the editor; Next and Previous move through the steps', () => {
    store = createLabStore(fakeHost().host);
    const s = () => store!.getState();
    s().openLesson(lesson(1));
    expect(s().lessonStep).toBe(0);
    expect(s().draft.learningRate).toBe('1e-7');
    expect(s().validation.ok).toBe(true);
    s().goToLessonStep(2);
    expect(s().draft.learningRate).toBe('0.000005');
    expect(s().draft.presetId).toBe('seed-004-diverging');
    s().goToLessonStep(9); // past the end: nothing moves
    expect(s().lessonStep).toBe(2);
    s().goToLessonStep(1);
    expect(s().draft.learningRate).toBe('0.000001');
  });

  it('locked controls refuse edits from the store too; unlocked ones take them', () => {
    store = createLabStore(fakeHost().host);
    const s = () => store!.getState();
    s().openLesson(lesson(2)); // bias lesson: everything but bias (and lr, init, steps, batch) locked
    const before = s().draft;
    s().setField('seed', '9');
    s().choosePreset('xor');
    s().chooseDataset('spiral');
    s().addLayer();
    s().setLayer(0, { units: '3' });
    expect(s().draft).toBe(before);
    expect(s().isLocked('layers')).toBe(true);
    s().setField('bias', false);
    expect(s().draft.bias).toBe(false);
    s().closeLesson();
    s().setField('seed', '9');
    expect(s().draft.seed).toBe('9');
  });

  it('a teacher saves the current lab as a one-step lesson that a student opens as it was', () => {
    store = createLabStore(fakeHost().host);
    const s = () => store!.getState();
    s().choosePreset('circles');
    s().setField('learningRate', '0.05');
    const r = s().saveLesson('Circles', { title: 'Slow circles', text: 'Watch the map.', look: 'predictions', locked: ['layers'] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const parsed = parseLabFileText(r.text);
    expect(parsed.ok).toBe(true);

    const student = createLabStore(fakeHost().host);
    expect(student.getState().openLab(r.text)).toEqual({ ok: true });
    const t = student.getState();
    expect(t.lesson?.title).toBe('Circles');
    expect(t.lesson?.steps).toHaveLength(1);
    expect(t.draft.learningRate).toBe('0.05');
    expect(t.draft.presetId).toBe('circles');
    expect(t.isLocked('layers')).toBe(true);
    student.getState().dispose();
  });

  it('steps added one by one are saved in order; a step without text is refused', () => {
    store = createLabStore(fakeHost().host);
    const s = () => store!.getState();
    expect(s().addLessonStep({ title: 'a', text: '' })).toBe(false);
    s().choosePreset('xor');
    expect(s().addLessonStep({ title: 'XOR', text: 'one' })).toBe(true);
    s().choosePreset('spiral');
    expect(s().addLessonStep({ title: 'Spiral', text: 'two' })).toBe(true);
    const r = s().saveLesson('Two', { title: '', text: '' });
    expect(r.ok).toBe(true);
    if (r.ok) expect(JSON.parse(r.text).lesson.steps.map((x: { title: string }) => x.title)).toEqual(['XOR', 'Spiral']);
  });

  it('an invalid experiment cannot be saved as a lesson', () => {
    store = createLabStore(fakeHost().host);
    store.getState().setField('learningRate', 'abc');
    const r = store.getState().saveLesson('Bad', { title: 'x', text: 'y' });
    expect(r.ok).toBe(false);
  });
});
