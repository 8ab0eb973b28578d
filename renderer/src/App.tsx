/** The lab: controls on the left, the four views on the right, status and run buttons on top. */
import { useEffect } from 'react';
import { useLab, useLabStore } from './context';
import { Controls } from './components/Controls';
import { GradientFlow } from './components/GradientFlow';
import { LastUpdate } from './components/LastUpdate';
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

/** Keys that type into a field keep their meaning there. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLInputElement) return !['checkbox', 'radio', 'range', 'button'].includes(target.type);
  return target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement;
}

function useKeyboard() {
  const store = useLabStore();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      const s = store.getState();
      if (e.key === ' ' || e.code === 'Space') {
        // A focused button already answers Space by clicking itself.
        if (e.target instanceof HTMLButtonElement) return;
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
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);
}

export function App() {
  const presentation = useLab((s) => s.view.presentation);
  useKeyboard();
  useEffect(() => {
    document.documentElement.classList.toggle('presentation', presentation);
  }, [presentation]);
  return (
    <div className={`app${presentation ? ' presentation' : ''}`}>
      <header className="top">
        <h1>nnlab</h1>
        <Toolbar />
      </header>
      <StatusLine />
      <Notices />
      <DivergedBanner />
      <StuckBanner />
      <FailedBanner />
      <main className="layout">
        <aside className="side">
          <Controls />
        </aside>
        <div className="views">
          <LossChart />
          <Predictions />
          <WeightHistograms />
          <GradientFlow />
          <NetworkDiagram />
          <LastUpdate />
          <Runs />
          <PairedSeeds />
          <Sweep />
          <SavedRuns />
        </div>
      </main>
      {presentation ? <p className="keys-hint">Space train/pause · → step · R reset</p> : null}
    </div>
  );
}
