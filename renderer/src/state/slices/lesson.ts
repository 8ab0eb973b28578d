/**
 * Lessons: an open lesson, the step shown, and what that step locks. Opening a step puts its prepared
 * experiment in the editor (as a preset would); the locked controls refuse edits here as well as in the
 * UI. A teacher builds a lesson from the lab as it stands, one step at a time, and saves it as a lab file.
 */
import type { StateCreator } from 'zustand/vanilla';
import { LAB_FILE_FORMAT, type Lesson, type LessonStep, type LessonView, type LockableControl } from '../../../../core/contract/lab-file';
import { checkLesson } from '../../../../core/contract/lab-file';
import type { ExperimentInput } from '../../../../core';
import { draftFromExperiment, experimentInputOf } from '../draft';
import type { LabState } from '../store';

export interface StepSpec {
  title: string;
  text: string;
  look?: LessonView;
  locked?: LockableControl[];
}

export interface LessonSlice {
  lesson: Lesson | null;
  lessonStep: number;
  /** Steps a teacher has taken from the lab so far, for "Save as lesson". */
  lessonDraft: LessonStep[];
  openLesson(lesson: Lesson): void;
  goToLessonStep(index: number): void;
  closeLesson(): void;
  /** Whether the open lesson's current step locks this control. */
  isLocked(control: LockableControl): boolean;
  /** Adds the current experiment as a step of the lesson being written; false when it does not validate. */
  addLessonStep(spec: StepSpec): boolean;
  clearLessonDraft(): void;
  /** The lab file carrying the lesson written so far (the current experiment as its one step if none was added). */
  saveLesson(title: string, spec: StepSpec): { ok: true; text: string } | { ok: false; message: string };
}

export const currentStep = (s: Pick<LessonSlice, 'lesson' | 'lessonStep'>): LessonStep | null => s.lesson?.steps[s.lessonStep] ?? null;

export const createLessonSlice: StateCreator<LabState, [], [], LessonSlice> = (set, get) => {
  const stepOf = (spec: StepSpec): LessonStep | null => {
    const s = get();
    if (!s.validation.ok) return null;
    return {
      title: spec.title.trim() || `Step ${s.lessonDraft.length + 1}`,
      text: spec.text.trim(),
      experiment: experimentInputOf(s.draft) as ExperimentInput,
      preset: s.draft.presetId,
      locked: spec.locked ?? [],
      ...(spec.look ? { look: spec.look } : {}),
    };
  };
  return {
    lesson: null,
    lessonStep: 0,
    lessonDraft: [],

    openLesson(lesson) {
      set({ lesson, lessonStep: 0 });
      get().goToLessonStep(0);
    },
    goToLessonStep(index) {
      const lesson = get().lesson;
      const step = lesson?.steps[index];
      if (!lesson || !step) return;
      set({ lessonStep: index, probe: null, sample: null });
      get().replaceDraft(draftFromExperiment(step.experiment, step.preset ?? ''));
      get().resetExperimentView();
      if (step.speed !== undefined) get().setView({ speed: step.speed });
    },
    closeLesson() {
      set({ lesson: null, lessonStep: 0 });
    },
    isLocked(control) {
      return currentStep(get())?.locked.includes(control) ?? false;
    },
    addLessonStep(spec) {
      const step = stepOf(spec);
      if (!step || !step.text) return false;
      set((s) => ({ lessonDraft: [...s.lessonDraft, step] }));
      return true;
    },
    clearLessonDraft() {
      set({ lessonDraft: [] });
    },
    saveLesson(title, spec) {
      const s = get();
      let steps = s.lessonDraft;
      if (!steps.length) {
        const one = stepOf(spec);
        if (!one) return { ok: false, message: `Fix the experiment before saving it as a lesson: ${s.validation.ok ? '' : s.validation.message}` };
        steps = [one];
      }
      // The file is checked as a student's nnlab will check it, so a teacher never hands out a file that is refused.
      const checked = checkLesson({ title, steps });
      if (!checked.ok) return checked;
      const file = { format: LAB_FILE_FORMAT, version: 1, draft: s.draft, view: s.view, lesson: checked.lesson };
      return { ok: true, text: JSON.stringify(file, null, 2) };
    },
  };
};
