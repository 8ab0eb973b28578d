/** The lab: controls on the left, the four views on the right, status and run buttons on top. */
import { useEffect, useState } from 'react';
import { useLab, useLabStore } from './context';
import { Controls } from './components/Controls';
import { DataImport } from './components/DataImport';
import { GradientFlow } from './components/GradientFlow';
import { LastUpdate } from './components/LastUpdate';
import { LessonPanel, SaveLesson, ViewCell } from './components/Lessons';
import { LossChart } from './components/LossChart';
import { NetworkDiagram } from './components/NetworkDiagram';
import { Predictions } from './components/Predictions';
import { Notices } from './components/Notices';
import { Runs } from './components/Runs';
import { PairedSeeds } from './components/PairedSeeds';
import { SavedRuns } from './components/SavedRuns';
import { Sweep } from './components/Sweep';
import { DivergedBanner, FailedBanner, labStateOf, StatusLine, StuckBanner, Toolbar } from './components/Toolbar';
import { WeightHistograms } from './components/WeightHistograms';

/** Fields where a key types text: they keep every key but Escape. */
function isTextEntry(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLInputElement) return !['checkbox', 'radio', 'range', 'button'].includes(target.type);
  return target instanceof HTMLTextAreaElement;
}

/**
 * Whether the lab's keys win over the focused element's own. Text fields keep their keys. A select keeps
 * them too (arrows and letters choose options) unless it says otherwise (Speed, Lessons: chosen and left
 * with focus, they used to swallow Space) or the lab is presenting. A focused button answers Space by
 * clicking itself, except in presentation, where Space always means train/pause.
 */
function labTakes(e: KeyboardEvent, presentation: boolean): boolean {
  const t = e.target;
  if (isTextEntry(t)) return false;
  if (t instanceof HTMLSelectElement) return presentation || t.dataset.labKeys === 'true';
  if (t instanceof HTMLButtonElement || (t instanceof HTMLElement && t.tagName === 'SUMMARY')) return presentation || e.key !== ' ';
  return true;
}

function useKeyboard() {
  const store = useLabStore();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const s = store.getState();
      const presentation = s.view.presentation;
      if (e.key === 'Escape') {
        if (presentation) {
          e.preventDefault();
          s.setView({ presentation: false });
        }
        return;
      }
      if (!labTakes(e, presentation)) return;
      if (e.key === ' ' || e.code === 'Space') {
        e.preventDefault();
        const run = s.runs.find((r) => r.id === s.activeRunId) ?? null;
        if (labStateOf(run, s.pacing) === 'training') s.pause();
        else s.train();
      } else if (e.key === 'ArrowRight') {
        e.preventDefault();
        s.step();
      } else if (e.key === 'r' || e.key === 'R') {
        e.preventDefault();
        s.reset();
      }
    };
    // Capture: the lab decides before a focused select or button acts on the key.
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [store]);
}

export function App() {
  const presentation = useLab((s) => s.view.presentation);
  const lessonOpen = useLab((s) => s.lesson !== null);
  // Presentation collapses the experiment panel; the teacher can pull it out over the dashboard.
  const [panelOpen, setPanelOpen] = useState(false);
  useKeyboard();
  useEffect(() => {
    document.documentElement.classList.toggle('presentation', presentation);
  }, [presentation]);
  return (
    <div className={`app${presentation ? ' presentation' : ''}${lessonOpen ? ' with-lesson' : ''}`}>
      <header className="top">
        <h1>nnlab</h1>
        <Toolbar />
        {presentation ? (
          <button type="button" aria-expanded={panelOpen} aria-controls="experiment-panel" onClick={() => setPanelOpen(!panelOpen)}>
            Experiment panel
          </button>
        ) : null}
        {presentation ? (
          <p className="keys-hint" aria-label="Keys">
            <kbd>Space</kbd> train/pause · <kbd>→</kbd> step · <kbd>R</kbd> reset · <kbd>Esc</kbd> exit
          </p>
        ) : null}
      </header>
      <StatusLine />
      <Notices />
      <DivergedBanner />
      <StuckBanner />
      <FailedBanner />
      <LessonPanel />
      <main className="layout">
        <aside className={`side${presentation && panelOpen ? ' open' : ''}`} id="experiment-panel">
          <Controls />
          <DataImport />
          <SaveLesson />
        </aside>
        <div className="views">
          <ViewCell view="loss">
            <LossChart />
          </ViewCell>
          <ViewCell view="predictions">
            <Predictions />
          </ViewCell>
          <ViewCell view="histograms">
            <WeightHistograms />
          </ViewCell>
          <ViewCell view="gradients">
            <GradientFlow />
          </ViewCell>
          {/* Not on the presentation dashboard (yet): a lesson can still point at them. */}
          <ViewCell view="network" dash={false}>
            <NetworkDiagram />
          </ViewCell>
          <ViewCell view="last-update" dash={false}>
            <LastUpdate />
          </ViewCell>
          <Runs />
          <PairedSeeds />
          <Sweep />
          <SavedRuns />
        </div>
      </main>
    </div>
  );
}
