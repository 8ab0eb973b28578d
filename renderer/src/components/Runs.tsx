/**
 * Every run the lab holds, with a checkbox to overlay it, and the comparison table for the shown runs:
 * final loss, steps to a loss threshold, accuracy. Compare init schemes fills it with three runs.
 */
import { useLab } from '../context';
import { fmtInt, fmtLoss, fmtPct } from '../format';
import { colorOfRun } from '../palette';
import { download } from './download';
import { labStateOf } from './Toolbar';
import type { Run } from '../state/run';

/** Default threshold: a tenth of the lowest starting loss among the shown runs. */
export function autoThreshold(runs: readonly Run[]): number | null {
  let best = Infinity;
  for (const r of runs) {
    const f = r.loss.first();
    if (f && Number.isFinite(f.value)) best = Math.min(best, f.value);
  }
  return Number.isFinite(best) ? best / 10 : null;
}

export function Runs() {
  useLab((s) => s.tick);
  const runs = useLab((s) => s.runs);
  const visible = useLab((s) => s.visibleRunIds);
  const toggle = useLab((s) => s.toggleRunVisible);
  const threshold = useLab((s) => s.view.threshold);
  const setView = useLab((s) => s.setView);
  const runFile = useLab((s) => s.runFile);
  // The desktop saves through main's dialog (Electron cancels page downloads); the browser downloads.
  const save = (id: number, format: 'csv' | 'json') => void runFile(id, format).then((f) => f && download(f.name, f.text, f.type));
  const shown = runs.filter((r) => visible.includes(r.id));
  const t = threshold ?? autoThreshold(shown);
  if (runs.length === 0) return null;
  return (
    <section className="view runs" aria-label="Runs">
      <h2>Runs</h2>
      <ul className="run-list">
        {runs.map((r, i) => (
          <li key={r.id}>
            <label>
              <input type="checkbox" checked={visible.includes(r.id)} onChange={() => toggle(r.id)} />
              <span className="swatch" style={{ background: colorOfRun(r, i) }} aria-hidden="true" /> Show {r.label}
            </label>{' '}
            <span className="advanced">
              <button type="button" className="small" onClick={() => save(r.id, 'csv')} aria-label={`Export ${r.label} as CSV`}>
                CSV
              </button>{' '}
              <button type="button" className="small" onClick={() => save(r.id, 'json')} aria-label={`Export ${r.label} as JSON`}>
                JSON
              </button>
            </span>
            {r.failure !== null ? <span className="error-text"> — failed: {r.failure}</span> : null}
            {r.archived === 'saved' ? <span className="notice"> · saved</span> : null}
            {r.archived === 'not saved' ? <span className="error-text"> · not saved</span> : null}
          </li>
        ))}
      </ul>
      <div className="advanced threshold">
        <label>
          Loss threshold{' '}
          <input
            type="text"
            inputMode="decimal"
            size={10}
            defaultValue={threshold ?? ''}
            placeholder={t !== null ? fmtLoss(t) : 'auto'}
            onBlur={(e) => {
              const v = Number(e.target.value);
              setView({ threshold: e.target.value.trim() !== '' && v > 0 ? v : null });
            }}
          />
        </label>
      </div>
      {shown.length ? (
        <table className="compare-table">
          <caption>Comparison of shown runs</caption>
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">State</th>
              <th scope="col">Steps</th>
              <th scope="col">Final loss</th>
              <th scope="col">Steps to loss ≤ {t !== null ? fmtLoss(t) : '—'}</th>
              <th scope="col">Accuracy</th>
              <th scope="col">Hold-out accuracy</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => {
              const m = r.metrics.latest;
              const reached = t !== null ? r.loss.firstAtOrBelow(t) : null;
              return (
                <tr key={r.id}>
                  <th scope="row">{r.label}</th>
                  <td title={r.failure ?? undefined}>{labStateOf(r, false)}</td>
                  <td>{fmtInt(r.step)}</td>
                  <td>{fmtLoss(r.lastLoss)}</td>
                  <td>{reached === null ? 'not reached' : fmtInt(reached)}</td>
                  <td>{fmtPct(m?.accuracy)}</td>
                  <td>{fmtPct(m?.testAccuracy)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
