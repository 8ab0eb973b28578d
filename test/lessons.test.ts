import { describe, expect, it } from 'vitest';
import { parseExperiment, type ExperimentInput } from '../core';
import { checkLabFile, checkLesson, parseLabFileText } from '../core/contract/lab-file';
import { LESSONS } from '../core/lessons';
import { labDraft as draft } from './helpers/lab-draft';

describe('shipped lessons', () => {
  it('are the three the classroom asks for, each valid, with runnable experiments', () => {
    expect(LESSONS.map((l) => l.title)).toEqual(['Why init scale matters', 'Learning rate: too small, right, too large', 'Bias on and off']);
    for (const l of LESSONS) {
      const r = checkLesson(l);
      expect(r.ok ? '' : r.message).toBe('');
      expect(l.steps.length).toBeGreaterThanOrEqual(3);
      for (const s of l.steps) expect(parseExperiment(s.experiment).ok).toBe(true);
    }
  });

  it('init lesson: the deep relu net under standard normal, Xavier and He', () => {
    const schemes = LESSONS[0]!.steps.slice(0, 3).map((s) => (s.experiment.init as { weights: string }).weights);
    expect(schemes).toEqual(['standard-normal', 'xavier', 'he']);
    for (const s of LESSONS[0]!.steps) expect((s.experiment as ExperimentInput).layers.filter((l) => l.activation === 'relu')).toHaveLength(6);
  });

  it('learning-rate lesson: small, right, too large; bias lesson: on and off on the quadrant seed', () => {
    expect(LESSONS[1]!.steps.slice(0, 3).map((s) => s.experiment.learningRate)).toEqual([1e-7, 1e-6, 5e-6]);
    const bias = LESSONS[2]!.steps.slice(0, 2);
    expect(bias.map((s) => s.experiment.bias)).toEqual([true, false]);
    expect(bias.map((s) => (s.experiment.data as { kind: string }).kind)).toEqual(['quadrants', 'quadrants']);
  });
});


// The fields a test spoils, loosely typed on purpose: the point is a file the schema must refuse.
type Spoilable = { lesson: { title?: string; steps: Record<string, unknown>[] & { experiment: Record<string, unknown> }[] } };

describe('lab file with a lesson', () => {
  const lesson = LESSONS[1]!;
  const file = { format: 'nnlab-lab', version: 1, draft, view: {}, lesson };

  it('round-trips through JSON', () => {
    const r = parseLabFileText(JSON.stringify(file));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.file.lesson?.steps.map((s) => s.title)).toEqual(lesson.steps.map((s) => s.title));
  });

  it('a lab file without a lesson is still a lab file (v1 files keep opening)', () => {
    expect(checkLabFile({ format: 'nnlab-lab', version: 1, draft, view: {} }).ok).toBe(true);
  });

  it.each([
    ['lesson.steps[1].experiment.learningRate', (f: Spoilable) => (f.lesson.steps[1]!.experiment.learningRate = -1)],
    ['lesson.steps[0].locked[0]', (f: Spoilable) => (f.lesson.steps[0]!.locked = ['everything'])],
    ['lesson.steps[2].look', (f: Spoilable) => (f.lesson.steps[2]!.look = 'the ceiling')],
    ['lesson.steps[0].text', (f: Spoilable) => (f.lesson.steps[0]!.text = '')],
    ['lesson.steps', (f: Spoilable) => (f.lesson.steps = [])],
    ['lesson.title', (f: Spoilable) => delete f.lesson.title],
    ['lesson.steps[0]: Unrecognized key: "extra"', (f: Spoilable) => (f.lesson.steps[0]!.extra = 1)],
  ])('a bad file gets one message naming %s', (field, spoil) => {
    const bad = structuredClone(file);
    spoil(bad);
    const r = checkLabFile(bad);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toContain(field);
      expect(r.message.startsWith('Not an nnlab lab file: ')).toBe(true);
      expect(r.message.split('\n')).toHaveLength(1);
    }
  });

  it('not JSON: one message', () => {
    const r = parseLabFileText('{nope');
    expect(r.ok ? '' : r.message).toMatch(/^Not an nnlab lab file: not valid JSON/);
  });
});
