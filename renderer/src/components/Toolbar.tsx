/** Run buttons, speed, presentation mode, lab files; the status line and the diverged banner. */
import { useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { exportNumpy } from '../../../core';
import { MAX_COMPARE_SEEDS } from '../state/slices/sweep';
import { useLab } from '../context';
import { fmtInt, fmtLoss, fmtPct } from '../format';
import { stuckNet } from '../state/history-data';
import type { Run } from '../state/run';
import { SPEEDS, type Speed } from '../state/view';
import { download } from './download';
import { LessonsMenu } from './Lessons';

export type LabState = 'idle' | 'training' | 'paused' | 'completed' | 'diverged' | 'stopped' | 'failed';

export function labStateOf(run: Run | null, pacing: boolean): LabState {
  if (!run) return 'idle';
  switch (run.phase) {
    case 'running':
      return 'training';
    case 'starting':
      return pacing ? 'training' : 'idle';
    case 'paused':
      return pacing ? 'training' : run.step === 0 ? 'idle' : 'paused';
    case 'idle':
      return 'idle';
    default:
      return run.phase;
  }
}

const SPEED_LABEL: Record<Speed, string> = { 0: 'Flat out', 1000: '1000 steps/s', 100: '100 steps/s', 10: '10 steps/s', 1: '1 step/s' };

export function Toolbar() {
  useLab((s) => s.tick);
  const validation = useLab((s) => s.validation);
  const valid = validation.ok;
  const run = useLab((s) => s.runs.find((r) => r.id === s.activeRunId) ?? null);
  const pacing = useLab((s) => s.pacing);
  const speed = useLab((s) => s.view.speed);
  const presentation = useLab((s) => s.view.presentation);
  const a = useLab(
    useShallow((s) => ({ train: s.train, pause: s.pause, step: s.step, reset: s.reset, compareInitSchemes: s.compareInitSchemes, compareOptimizers: s.compareOptimizers, setView: s.setView, saveLab: s.saveLab, openLab: s.openLab })),
  );
  const fileRef = useRef<HTMLInputElement>(null);
  const state = labStateOf(run, pacing);
  const training = state === 'training';

  return (
    <div className="toolbar" role="toolbar" aria-label="Run">
      <div className="buttons">
        <button type="button" className="primary" onClick={a.train} disabled={!valid || training} aria-keyshortcuts="Space">
          Train
        </button>
        <button type="button" onClick={a.pause} disabled={!training} aria-keyshortcuts="Space">
          Pause
        </button>
        <button type="button" onClick={a.step} disabled={!valid} aria-keyshortcuts="ArrowRight">
          Step
        </button>
        <button type="button" onClick={a.reset} disabled={!run} aria-keyshortcuts="R">
          Reset
        </button>
        <button type="button" onClick={a.compareInitSchemes} disabled={!valid}>
          Compare init schemes
        </button>
        <button type="button" onClick={a.compareOptimizers} disabled={!valid}>
          Compare optimisers
        </button>
        <CompareSeeds />
      </div>
      <div className="toolbar-right">
        <label htmlFor="speed">Speed</label>
        <select id="speed" value={speed} data-lab-keys="true" onChange={(e) => a.setView({ speed: Number(e.target.value) as Speed })}>
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {SPEED_LABEL[s]}
            </option>
          ))}
        </select>
        <button type="button" aria-pressed={presentation} aria-keyshortcuts="Escape" onClick={() => a.setView({ presentation: !presentation })}>
          Presentation mode
        </button>
        <LessonsMenu />
        <span className="advanced file-buttons">
          <button type="button" onClick={() => download('nnlab-lab.json', a.saveLab(), 'application/json')}>
            Save lab
          </button>
          <button type="button" onClick={() => fileRef.current?.click()}>
            Open lab
          </button>
          <input
            ref={fileRef}
            type="file"
            accept=".json,application/json"
            hidden
            aria-label="Open lab file"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void f.text().then((t) => a.openLab(t));
              e.target.value = '';
            }}
          />
          <button
            type="button"
            disabled={!valid}
            onClick={() => {
              if (validation.ok) download(`${validation.experiment.name}.py`, exportNumpy(validation.experiment), 'text/x-python');
            }}
          >
            Export numpy
          </button>
        </span>
      </div>
    </div>
  );
}

export function StatusLine() {
  useLab((s) => s.tick);
  const run = useLab((s) => s.runs.find((r) => r.id === s.activeRunId) ?? null);
  const pacing = useLab((s) => s.pacing);
  const notice = useLab((s) => s.notice);
  const state = labStateOf(run, pacing);
  return (
    <div className="status" role="status" aria-label="Training status">
      <span>
        <span className="k">Step count</span>{' '}
        <span className="v" data-testid="step-count">
          {fmtInt(run?.step ?? 0)}
        </span>
        {run ? <span className="of"> / {fmtInt(run.totalSteps)}</span> : null}
      </span>
      <span>
        <span className="k">Loss</span>{' '}
        <span className="v" data-testid="loss" data-value={run ? String(run.lastLoss) : ''}>
          {fmtLoss(run?.lastLoss)}
        </span>
      </span>
      <span>
        <span className="k">Steps/s</span>{' '}
        <span className="v" data-testid="steps-per-second">
          {state === 'training' ? fmtInt(run?.stepsPerSecond ?? 0) : '0'}
        </span>
      </span>
      <span>
        <span className="k">State</span>{' '}
        <span className={`v state state-${state}`} data-testid="state">
          {state}
        </span>
      </span>
      {run && run.group === null ? <span className="run-name">{run.label}</span> : null}
      {run?.failure ? <span className="error-text">Failed: {run.failure}</span> : null}
      {run?.error ? <span className="error-text">Error: {run.error}</span> : null}
      {notice ? <span className="notice">{notice}</span> : null}
    </div>
  );
}

export function DivergedBanner() {
  useLab((s) => s.tick);
  const runs = useLab((s) => s.runs);
  const visible = useLab((s) => s.visibleRunIds);
  const diverged = runs.filter((r) => r.phase === 'diverged' && visible.includes(r.id));
  if (!diverged.length) return null;
  return (
    <div className="banner diverged" role="alert">
      <strong>Training diverged.</strong>{' '}
      {diverged.map((r) => (
        <span key={r.id}>
          {r.label}: the loss became infinite or NaN at step {fmtInt(r.divergedAtStep ?? r.step)} (learning rate {r.learningRate}).{' '}
        </span>
      ))}
      <span>
        Try a smaller learning rate (divide it by 10), Xavier or He init instead of standard normal, or fewer units; then press Reset or Train.
      </span>
    </div>
  );
}

/** A run whose trainer went away: say why, and that what it learned so far is kept. */
export function FailedBanner() {
  useLab((s) => s.tick);
  const runs = useLab((s) => s.runs);
  const visible = useLab((s) => s.visibleRunIds);
  const failed = runs.filter((r) => r.failure !== null && r.loaded === null && visible.includes(r.id));
  if (!failed.length) return null;
  return (
    <div className="banner failed" role="alert">
      <strong>Training failed.</strong>{' '}
      {failed.map((r) => (
        <span key={r.id}>
          {r.label}: {r.failure}. Its {fmtInt(r.step)} steps are kept{r.archived === 'saved' ? ' and saved' : ''}.{' '}
        </span>
      ))}
      <span>Press Train to start again with a fresh trainer.</span>
    </div>
  );
}

/** A net that died (a hidden relu layer all 0) or saturated (tanh/sigmoid units at their limits): say so, and what to try. */
export function StuckBanner() {
  useLab((s) => s.tick);
  const runs = useLab((s) => s.runs);
  const visible = useLab((s) => s.visibleRunIds);
  const stuck = runs.filter((r) => visible.includes(r.id) && r.phase !== 'diverged').flatMap((r) => {
    const s = stuckNet(r.history);
    return s ? [{ run: r, s }] : [];
  });
  if (!stuck.length) return null;
  const dead = stuck.some((x) => x.s.kind === 'dead');
  const saturated = stuck.some((x) => x.s.kind === 'saturated');
  return (
    <div className="banner stuck" role="alert">
      <strong>{dead ? 'The network died.' : 'The network saturated.'}</strong>{' '}
      {stuck.map(({ run, s }) => (
        <span key={run.id}>
          {run.label}:{' '}
          {s.kind === 'dead'
            ? `every ReLU unit in layer ${s.layer + 1} is 0 for every input at step ${fmtInt(s.step)}, so no gradient reaches the layers before it.`
            : `${fmtPct(s.fraction)} of layer ${s.layer + 1}'s units are pinned at their limits at step ${fmtInt(s.step)}, where their gradient is almost 0.`}{' '}
        </span>
      ))}
      <span>
        {dead ? 'Try a smaller learning rate (divide it by 10) or He init, then Reset. ' : ''}
        {saturated ? 'Try Xavier init instead of standard normal, inputs scaled to about ±1, or a smaller learning rate, then Reset.' : ''}
      </span>
    </div>
  );
}

/** Paired seeds for Compare: N seeds per init scheme on the sweep pool, so a comparison is not one lucky draw. */
function CompareSeeds() {
  const n = useLab((s) => s.compareSeeds);
  const setN = useLab((s) => s.setCompareSeeds);
  const hasPool = useLab((s) => s.sweep.workers > 0);
  if (!hasPool) return null;
  return (
    <label className="inline compare-seeds">
      × seeds{' '}
      <input type="number" min={1} max={MAX_COMPARE_SEEDS} value={n} onChange={(e) => setN(Number(e.target.value))} aria-label="Seeds per scheme (Compare)" />
    </label>
  );
}
