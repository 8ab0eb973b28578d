/**
 * Lessons in the UI: the menu of shipped lessons, the lesson panel (step text, Previous/Next), the
 * highlight on the view a step points at, and the teacher's "Save as lesson".
 */
import { useId, useState, type ReactNode } from 'react';
import { checkLesson, LESSON_VIEWS, type LessonView, type LockableControl } from '../../../core/contract/lab-file';
import { LESSONS } from '../../../core/lessons';
import { useLab } from '../context';
import { currentStep } from '../state/slices/lesson';
import { download } from './download';

const VIEW_NAME: Record<LessonView, string> = {
  loss: 'Loss chart',
  predictions: 'Predictions',
  histograms: 'Weight histograms',
  gradients: 'Gradient flow',
  network: 'Network',
  'last-update': 'Last update',
};

/** Opens one of the shipped lessons (a lab file's lesson opens through Open lab). */
export function LessonsMenu() {
  const openLesson = useLab((s) => s.openLesson);
  const notify = useLab((s) => s.notify);
  const id = useId();
  return (
    <span className="lessons-menu">
      <label htmlFor={id}>Lessons</label>
      <select
        id={id}
        value=""
        data-lab-keys="true"
        onChange={(e) => {
          const input = LESSONS[Number(e.target.value)];
          if (!input) return;
          const r = checkLesson(input);
          if (r.ok) openLesson(r.lesson);
          else notify('error', r.message);
        }}
      >
        <option value="">Open a lesson…</option>
        {LESSONS.map((l, i) => (
          <option key={l.title} value={i}>
            {l.title}
          </option>
        ))}
      </select>
    </span>
  );
}

export function LessonPanel() {
  const lesson = useLab((s) => s.lesson);
  const index = useLab((s) => s.lessonStep);
  const go = useLab((s) => s.goToLessonStep);
  const close = useLab((s) => s.closeLesson);
  if (!lesson) return null;
  const step = lesson.steps[index]!;
  return (
    <section className="lesson-panel" aria-label="Lesson">
      <div className="lesson-head">
        <h2>Lesson: {lesson.title}</h2>
        <span className="lesson-count" data-testid="lesson-step">
          Step {index + 1} of {lesson.steps.length}
        </span>
        <button type="button" onClick={() => go(index - 1)} disabled={index === 0}>
          Previous
        </button>
        <button type="button" className="primary" onClick={() => go(index + 1)} disabled={index === lesson.steps.length - 1}>
          Next
        </button>
        <button type="button" onClick={close}>
          Close lesson
        </button>
      </div>
      <p className="lesson-text">
        <strong className="lesson-step-title">{step.title}.</strong> {step.text}
        {step.look ? <strong className="lesson-look"> Look at: {VIEW_NAME[step.look]}.</strong> : null}
      </p>
    </section>
  );
}

/** Wraps a view; the one the lesson's current step points at is highlighted and says so. */
export function ViewCell({ view, children, dash = true }: { view: LessonView; children: ReactNode; dash?: boolean }) {
  const look = useLab((s) => currentStep(s)?.look === view);
  return (
    <div className={`cell${dash ? ' dash' : ''}${look ? ' look' : ''}`} data-view={view} data-look={look ? 'true' : undefined}>
      {look ? (
        <span className="look-badge" aria-hidden="true">
          Look here
        </span>
      ) : null}
      {children}
    </div>
  );
}

/** Why a control is locked, or null: shared by every locked control through aria-describedby. */
export function useLock(control: LockableControl | null): string | null {
  return useLab((s) => {
    const step = currentStep(s);
    if (!control || !step?.locked.includes(control)) return null;
    return step.lockReason ? `Locked by the lesson: ${step.lockReason}` : 'Locked by the lesson.';
  });
}

export const LOCK_NOTE_ID = 'lesson-lock-note';

export function LockNote() {
  const step = useLab((s) => currentStep(s));
  if (!step?.locked.length) return null;
  return (
    <p className="lock-note" id={LOCK_NOTE_ID}>
      <span aria-hidden="true">🔒 </span>Locked by the lesson{step.lockReason ? `: ${step.lockReason}` : '.'}
    </p>
  );
}

/** The teacher's side: the current experiment becomes a step; the steps so far become a lab file. */
export function SaveLesson() {
  const [title, setTitle] = useState('My lesson');
  const [stepTitle, setStepTitle] = useState('');
  const [text, setText] = useState('');
  const [look, setLook] = useState<LessonView | ''>('');
  const [lockArch, setLockArch] = useState(true);
  const [message, setMessage] = useState<string | null>(null);
  const drafted = useLab((s) => s.lessonDraft.length);
  const addStep = useLab((s) => s.addLessonStep);
  const save = useLab((s) => s.lessonFile);
  const clear = useLab((s) => s.clearLessonDraft);
  const spec = () => ({
    title: stepTitle,
    text,
    look: look || undefined,
    locked: lockArch ? (['preset', 'dataset', 'layers', 'loss', 'seed'] as LockableControl[]) : [],
  });
  return (
    <details className="save-lesson advanced">
      <summary>Save as lesson</summary>
      <div className="save-lesson-body">
        <label>
          Lesson title <input type="text" value={title} onChange={(e) => setTitle(e.target.value)} />
        </label>
        <label>
          Step title <input type="text" value={stepTitle} onChange={(e) => setStepTitle(e.target.value)} placeholder={`Step ${drafted + 1}`} />
        </label>
        <label>
          Step text <textarea rows={3} value={text} onChange={(e) => setText(e.target.value)} placeholder="What to do, what to notice." />
        </label>
        <label>
          Look at{' '}
          <select value={look} onChange={(e) => setLook(e.target.value as LessonView | '')}>
            <option value="">(no view)</option>
            {LESSON_VIEWS.filter((v) => v !== 'network' && v !== 'last-update').map((v) => (
              <option key={v} value={v}>
                {VIEW_NAME[v]}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          <input type="checkbox" checked={lockArch} onChange={(e) => setLockArch(e.target.checked)} /> Lock preset, data, layers, loss and seed
        </label>
        <div className="save-lesson-buttons">
          <button
            type="button"
            onClick={() => {
              const ok = addStep(spec());
              setMessage(ok ? `Step ${drafted + 1} added.` : 'A step needs text and a valid experiment.');
              if (ok) {
                setText('');
                setStepTitle('');
              }
            }}
          >
            Add this experiment as a step
          </button>
          <button
            type="button"
            onClick={() =>
              void save(title, spec()).then((r) => {
                // Not saved: a message to show, or none (a cancelled dialog; a desktop failure is a notice).
                if (!r.ok) {
                  if (r.message !== null) setMessage(r.message);
                  return;
                }
                if (r.file) download(r.file.name, r.file.text, r.file.type);
                setMessage(`Saved ${drafted || 1} step${(drafted || 1) === 1 ? '' : 's'}.`);
                clear();
              })
            }
          >
            Save lesson file
          </button>
          <span className="hint">{drafted ? `${drafted} step${drafted === 1 ? '' : 's'} so far` : 'No steps yet: saving makes this experiment the one step.'}</span>
        </div>
        {message ? (
          <p className="hint" role="status">
            {message}
          </p>
        ) : null}
      </div>
    </details>
  );
}
